using Nris.Exchange.Dhis2;
using Nris.Exchange.Mapping;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

/// <summary>Partner mapping tables on the real demo catalogue and the real partner samples, without a server.</summary>
public sealed class ExchangeMappingTests
{
    private static readonly Dictionary<string, string> NoRows = new(StringComparer.Ordinal);

    [Fact]
    public void Validation_names_each_bad_row_and_accepts_a_good_mapping()
    {
        var good = new ExchangeMapping("KTXH-TINH-THANG", Indicators: new Dictionary<string, string> { ["f7n9E0hX8qk"] = "RETAIL_SALES" },
            Territories: new Dictionary<string, string> { ["DiszpKrYNg8"] = "01" },
            Disaggregations: new Dictionary<string, string> { ["x"] = "TRANSPORT_MODE:ROAD", ["t"] = "_T" },
            Periods: new Dictionary<string, string> { ["201201"] = "2026-M05" });
        Assert.Empty(good.Validate(RealCatalogue.Snapshot));

        var bad = good with
        {
            Indicators = new Dictionary<string, string> { ["a"] = "NOPE", ["b"] = "HEALTH_EST_TOTAL" },
            Territories = new Dictionary<string, string> { ["c"] = "99999" },
            Disaggregations = new Dictionary<string, string> { ["d"] = "TRANSPORT_MODE:BIKE" },
            Periods = new Dictionary<string, string> { ["e"] = "2026-13" },
        };
        Assert.Equal(["disaggregations[\"d\"]", "indicators[\"a\"]", "indicators[\"b\"]", "periods[\"e\"]", "territories[\"c\"]"],
            bad.Validate(RealCatalogue.Snapshot).Select(e => e.Location).Order(StringComparer.Ordinal));
        Assert.Equal("regime", Assert.Single((good with { Regime = "NOPE" }).Validate(RealCatalogue.Snapshot)).Location);
        Assert.Equal("indicators", Assert.Single((good with { Indicators = NoRows }).Validate(RealCatalogue.Snapshot)).Location);
    }

    [Fact]
    public void The_code_sample_translates_into_our_dimensions_and_unmapped_codes_are_conflicts()
    {
        using var file = File.OpenRead(Samples.Path("dhis2/dataValueSetBcode.xml"));
        var data = Dhis2DataValueSets.Read(file, Dhis2Format.Xml, null, TestContext.Current.CancellationToken);
        var mapping = new ExchangeMapping("KTXH-TINH-THANG", Indicators: new Dictionary<string, string> { ["DE_A"] = "IIP" },
            Territories: new Dictionary<string, string> { ["OU_A"] = "01" });
        var result = mapping.Translate(data, ExchangeFamily.Dhis2);

        // DE_A at OU_A: January and February (DHIS2 periods read as ours); everything else is a conflict, located.
        Assert.Equal(["2012-M01", "2012-M02"], result.Data.Observations.Select(o => o.TimePeriod));
        Assert.All(result.Data.Observations, o => Assert.Equal("IIP", o.Dimension(NrisSdmxMapping.IndicatorDimension)));
        Assert.All(result.Data.Observations, o => Assert.Equal("01", o.Dimension(NrisSdmxMapping.TerritoryDimension)));
        Assert.Equal(["10001", "10003"], result.Data.Observations.Select(o => o.Value));
        Assert.Equal(["dataValues[0]", "dataValues[2]"], result.Locations);
        Assert.Equal(10, result.Conflicts.Count);
        Assert.Contains(result.Conflicts, c => c.Object == "OU_B" && c.Location == "dataValues[1]");
        Assert.Contains(result.Conflicts, c => c.Object == "DE_B");
    }

    [Fact]
    public void ADX_category_dimensions_join_into_one_key()
    {
        using var file = File.OpenRead(Samples.Path("dhis2/importA.adx.xml"));
        var data = Dhis2CodeScheme.NormalizeAdxPeriods(Nris.Exchange.Adx.Adx.Read(file, null, TestContext.Current.CancellationToken));
        var mapping = new ExchangeMapping("KTXH-TINH-THANG", Indicators: new Dictionary<string, string> { ["Malaria numeric"] = "TRAFFIC_ACCIDENTS" },
            Territories: new Dictionary<string, string> { ["123"] = "01", ["456"] = "01" },
            DisaggregationDimensions: ["Sex_category", "Age_category"],
            Disaggregations: new Dictionary<string, string> { ["MMMMMMMMMMM.under555555"] = "TRANSPORT_MODE:ROAD" });
        var result = mapping.Translate(data, ExchangeFamily.Dhis2);
        Assert.Equal(["TRANSPORT_MODE:ROAD", "_T", "_T", "TRANSPORT_MODE:ROAD"],
            result.Data.Observations.Select(o => o.Dimension(NrisSdmxMapping.DisaggregationDimension)));
        Assert.Contains(result.Conflicts, c => c.Object == "FFFFFFFFFFF.under555555");
    }
}
