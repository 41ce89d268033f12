using System.Text;
using Nris.Exchange.Csv;
using Nris.Exchange.Model;

namespace Nris.Exchange.Tests;

public sealed class LongCsvTests
{
    private const string Text = "indicator,disaggregation,territory,period,value,status,note\r\nDS,_T,01,2026-M05,1234.5,estimated,\"Ước tính, chưa đủ\"\r\nDS,SEX:F,01,2026-M05,600,official,\r\n";

    [Theory]
    [InlineData(',', true)]
    [InlineData(',', false)]
    [InlineData(';', true)]
    [InlineData(';', false)]
    public void Reads_both_separators_with_and_without_BOM_and_round_trips(char separator, bool bom)
    {
        var ct = TestContext.Current.CancellationToken;
        var text = separator == ',' ? Text : Text.Replace(",", ";", StringComparison.Ordinal).Replace("Ước tính; chưa đủ", "Ước tính, chưa đủ", StringComparison.Ordinal);
        var bytes = (bom ? Encoding.UTF8.GetPreamble() : []).Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        var data = LongCsv.Read(new MemoryStream(bytes), cancellationToken: ct);
        Assert.Equal(2, data.Observations.Count);
        Assert.Equal("1234.5", data.Observations[0].Value);
        Assert.Equal("E", data.Observations[0].Attribute("OBS_STATUS"));
        Assert.Equal("Ước tính, chưa đủ", data.Observations[0].Attribute("COMMENT"));
        Assert.Equal("SEX:F", data.Observations[1].Dimension("DISAGG"));
        var again = LongCsv.Read(new MemoryStream(Samples.Write(s => LongCsv.Write(s, data, separator, bom, ct))), cancellationToken: ct);
        Assert.Equal(Samples.Normalize(data), Samples.Normalize(again));
    }

    [Fact]
    public void Names_the_line_of_a_bad_status_and_of_a_missing_indicator()
    {
        var text = "indicator,period,value,status\nDS,2026-M05,1,maybe\n,2026-M05,2,\n";
        var e = Assert.Throws<ExchangeFormatException>(() => LongCsv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(["line 2", "line 3"], e.Errors.Select(x => x.Location));
        Assert.Equal("status", e.Errors[0].Field);
    }

    [Fact]
    public void Refuses_bytes_that_are_not_UTF8()
    {
        var bytes = "indicator,period,value\nDS,2026,"u8.ToArray().Concat(new byte[] { 0xC3, 0x28, 0x0A }).ToArray();
        Assert.Throws<ExchangeFormatException>(() => LongCsv.Read(new MemoryStream(bytes), cancellationToken: TestContext.Current.CancellationToken));
    }
}
