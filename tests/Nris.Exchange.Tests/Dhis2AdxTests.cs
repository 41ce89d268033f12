using Nris.Core.Periods;
using Nris.Exchange.Adx;
using Nris.Exchange.Dhis2;
using Nris.Exchange.Model;

namespace Nris.Exchange.Tests;

public sealed class Dhis2AdxTests
{
    public static TheoryData<string, Dhis2Format> Dhis2Samples => new()
    {
        { "dhis2/dataValueSetA.xml", Dhis2Format.Xml },
        { "dhis2/dataValueSetBcode.xml", Dhis2Format.Xml },
        { "dhis2/dataValueSetADeleted.xml", Dhis2Format.Xml },
        { "dhis2/dataValueSetJ.json", Dhis2Format.Json },
        { "dhis2/dataValueSetBooleanTest.csv", Dhis2Format.Csv },
    };

    public static TheoryData<string> AdxSamples => ["dhis2/adx_data_sample1.xml", "dhis2/importA.adx.xml", "dhis2/exportB.adx.xml"];

    [Theory]
    [MemberData(nameof(Dhis2Samples))]
    public void Dhis2_samples_round_trip_through_json_xml_and_csv(string file, Dhis2Format format)
    {
        var ct = TestContext.Current.CancellationToken;
        var original = Dhis2DataValueSets.Read(Samples.Open(file), format, null, ct);
        Assert.NotEmpty(original.Observations);
        foreach (var to in Enum.GetValues<Dhis2Format>())
        {
            var back = Dhis2DataValueSets.Read(new MemoryStream(Samples.Write(s => Dhis2DataValueSets.Write(s, original, to, ct))), to, null, ct);
            Assert.Equal(Samples.Normalize(original), Samples.Normalize(back));
        }
    }

    [Fact]
    public void Set_level_fields_and_deletion_apply_to_each_value()
    {
        var data = Dhis2DataValueSets.Read(Samples.Open("dhis2/dataValueSetADeleted.xml"), Dhis2Format.Xml, null, TestContext.Current.CancellationToken);
        Assert.All(data.Observations, o =>
        {
            Assert.Equal("201201", o.TimePeriod);
            Assert.Equal("DiszpKrYNg8", o.Dimension("orgUnit"));
            Assert.Equal(ExchangeAction.Delete, o.Action);
        });
        Assert.Equal("pBOMPrpg1QX", data.StructureId);
    }

    [Fact]
    public void Import_maps_by_code_scheme_and_reports_conflicts_like_DHIS2()
    {
        var data = Dhis2DataValueSets.Read(Samples.Open("dhis2/dataValueSetBcode.xml"), Dhis2Format.Xml, null, TestContext.Current.CancellationToken);
        var mapping = new Dhis2Mapping(
            new Dictionary<string, string> { ["DE_A"] = "DS", ["DE_B"] = "LD" },
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["OU_A"] = "01", ["OU_B"] = "79" });
        var dry = Dhis2Import.Map(data, mapping, dryRun: true);
        Assert.Equal("WARNING", dry.Status);
        Assert.Equal(8, dry.Imported);
        Assert.True(dry.Ignored > 0);
        Assert.All(dry.Conflicts, c => Assert.StartsWith("DE_", c.Object, StringComparison.Ordinal));
        Assert.Empty(dry.Values);
        var real = Dhis2Import.Map(data, mapping, dryRun: false, exists: (p, k) => k.TerritoryCode == "79");
        Assert.Equal(4, real.Updated);
        Assert.Equal(Period.Month(2012, 1), real.Values[0].Period);
        Assert.Equal(10001m, real.Values[0].Value.Number);
    }

    [Theory]
    [InlineData("20260514", "2026-05-14")]
    [InlineData("2026W20", "2026-W20")]
    [InlineData("2026W3", "2026-W03")]
    [InlineData("202605", "2026-M05")]
    [InlineData("2026Q2", "2026-Q2")]
    [InlineData("2026S1", "2026-S1")]
    [InlineData("2026", "2026")]
    public void Dhis2_periods_map_both_ways(string dhis2, string ours)
    {
        Assert.True(Dhis2Mapping.TryParsePeriod(dhis2, out var p));
        Assert.Equal(ours, p.ToString());
        Assert.True(Dhis2Mapping.TryParsePeriod(Dhis2Mapping.FormatPeriod(p), out var again));
        Assert.Equal(p, again);
    }

    [Theory]
    [MemberData(nameof(AdxSamples))]
    public void Adx_samples_round_trip(string file)
    {
        var ct = TestContext.Current.CancellationToken;
        var original = Adx.Adx.Read(Samples.Open(file), null, ct);
        Assert.NotEmpty(original.Observations);
        var back = Adx.Adx.Read(new MemoryStream(Samples.Write(s => Adx.Adx.Write(s, original, SdmxMlTests.Fixed.Prepared, ct))), null, ct);
        Assert.Equal(Samples.Normalize(original), Samples.Normalize(back));
    }

    [Fact]
    public void Adx_keeps_disaggregation_attributes_and_annotations()
    {
        var data = Adx.Adx.Read(Samples.Open("dhis2/exportB.adx.xml"), null, TestContext.Current.CancellationToken);
        Assert.Equal("F", data.Observations[0].Dimension("sex"));
        Assert.Equal("2020-01-01/P1M", data.Observations[0].TimePeriod);
        Assert.Equal("Some text", data.Observations[1].Attribute("annotation"));
    }
}
