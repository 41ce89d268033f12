using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

public sealed class MappingTests
{
    private static readonly Lazy<CatalogueSnapshot> Demo = new(() => new CatalogueSnapshot(
        CatalogueFiles.ReadAll(name => File.OpenRead(Path.Combine(AppContext.BaseDirectory, "catalogue", "demo", name)))));

    [Fact]
    public void Report_values_survive_SDMX_ML_and_map_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var period = Period.Quarter(2026, 2);
        ReportValue[] values =
        [
            new("GRDP", Disaggregations.Total, null, 1234.50m, null, null, ObservationStatus.Estimated, "ước tính"),
            new("GRDP_GROWTH", Disaggregations.Total, "01", 7.2m, null, null, ObservationStatus.Official),
            new("CPI_YOY", Disaggregations.Total, null, 3.1m, null, null),
        ];
        var data = NrisSdmxMapping.ToExchange("NRIS:DEMO(1.0)", period, "79", values);
        var xml = Samples.Write(s => SdmxMlDataWriter.Write(s, data, SdmxMlDataFormat.StructureSpecific30, SdmxMlTests.Fixed, ct));
        var back = SdmxMlDataReader.Read(new MemoryStream(xml), NrisSdmxMapping.Structure("NRIS:DEMO(1.0)"), null, ct);
        var (mapped, errors) = NrisSdmxMapping.FromExchange(back, Demo.Value);
        Assert.Empty(errors);
        Assert.All(mapped, m => Assert.Equal(period, m.Period));
        Assert.Equal(values.Select(v => v with { TerritoryCode = v.TerritoryCode ?? "79" }), mapped.Select(m => m.Value));
    }

    [Fact]
    public void Unknown_indicator_status_and_bad_number_are_named()
    {
        var data = NrisSdmxMapping.ToExchange("NRIS:DEMO(1.0)", Period.Month(2026, 5), "79",
            [new("NOPE", "_T", null, 1m, null, null), new("GRDP", "_T", null, 1m, null, null)]);
        data = data with
        {
            Observations =
            [
                data.Observations[0],
                data.Observations[1] with { Value = "1,5" },
                data.Observations[1] with { Attributes = new Dictionary<string, string> { ["OBS_STATUS"] = "Z" } },
            ],
        };
        var (_, errors) = NrisSdmxMapping.FromExchange(data, Demo.Value);
        Assert.Equal(["observation 1", "observation 2", "observation 3"], errors.Select(e => e.Location));
        Assert.Equal(["INDICATOR", "OBS_VALUE", "OBS_STATUS"], errors.Select(e => e.Field!));
    }
}
