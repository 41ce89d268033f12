using Nris.Core.Submissions;

namespace Nris.Core.Tests.Submissions;

public sealed class DisaggregationsTests
{
    [Fact]
    public void Of_joins_codelist_and_code() => Assert.Equal("SEX:F", Disaggregations.Of("SEX", "F"));

    [Fact]
    public void The_total_parses_without_a_codelist()
    {
        Assert.True(Disaggregations.TryParse("_T", out var list, out var code));
        Assert.Null(list);
        Assert.Equal("_T", code);
    }

    [Fact]
    public void A_codelist_item_parses_into_its_parts()
    {
        Assert.True(Disaggregations.TryParse("ECON_SECTOR:FDI", out var list, out var code));
        Assert.Equal("ECON_SECTOR", list);
        Assert.Equal("FDI", code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("F")]
    [InlineData(":F")]
    [InlineData("SEX:")]
    [InlineData("SEX:F:X")]
    [InlineData("SEX: F")]
    [InlineData("SEX:_T")]
    [InlineData("_t")]
    public void Anything_else_is_not_a_key(string? key) => Assert.False(Disaggregations.TryParse(key, out _, out _));

    [Fact]
    public void Of_refuses_empty_parts()
    {
        Assert.Throws<ArgumentException>(() => Disaggregations.Of("", "F"));
        Assert.Throws<ArgumentException>(() => Disaggregations.Of("SEX", ""));
    }

    [Fact]
    public void A_value_with_nothing_set_is_blank()
    {
        Assert.True(new ReportValue("IIP", "_T", null, null, null, null).IsBlank);
        Assert.False(new ReportValue("IIP", "_T", null, 0m, null, null).IsBlank);
        Assert.False(new ReportValue("X", "_T", null, null, "", null).IsBlank);
        Assert.False(new ReportValue("X", "_T", null, null, null, false).IsBlank);
    }
}
