using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

public sealed class SdmxJsonCsvTests
{
    public static TheoryData<string> JsonSamples =>
    [
        "sdmx-json-1.0/exr-time-series.json",
        "sdmx-json-1.0/exr-flat.json",
        "sdmx-json-1.0/exr-cross-section.json",
        "sdmx-json-2.1/exr-time-series.json",
    ];

    public static TheoryData<string> CsvSamples =>
    [
        "sdmx-csv-1.0/example1_ids.csv",
        "sdmx-csv-1.0/example3_labels_both_normalized_time.csv",
        "sdmx-csv-2.x/example01_ordinary.csv",
        "sdmx-csv-2.x/example02_any_order_multiple_measures.csv",
        "sdmx-csv-2.x/example10_varying_actions.csv",
        "sdmx-csv-2.x/example16_delete_values.csv",
    ];

    // Example 2 puts the measures first, so only a structure can say which columns are dimensions.
    internal static SdmxDataStructure? CsvStructure(string file) => file.Contains("example02", StringComparison.Ordinal)
        ? new SdmxDataStructure("ESTAT:NA_MAIN(1.6.0)", ["DIM_1", "DIM_2"], "DIM_3", "OBS_VALUE1")
        : null;

    [Fact]
    public void Reads_series_and_observation_indexes_with_their_attributes()
    {
        var data = SdmxJson.Read(Samples.Open("sdmx-json-1.0/exr-time-series.json"), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("ECB:EXR(1.0)", data.StructureId);
        Assert.Equal(4, data.Observations.Count);
        var rub = data.Observations.Single(o => o.Dimension("CURRENCY") == "RUB" && o.TimePeriod == "2013-01-21");
        Assert.Equal("40.3", rub.Value);
        Assert.Equal("A", rub.Attribute("OBS_STATUS"));
        Assert.Equal("Russian rouble (RUB)", rub.Attribute("TITLE"));
        Assert.Equal("D", rub.Dimension("FREQ"));
    }

    [Fact]
    public void The_json_layouts_and_versions_say_the_same_thing()
    {
        var ct = TestContext.Current.CancellationToken;
        var sets = JsonSamples.Select(f => Samples.Normalize(SdmxJson.Read(Samples.Open((string)f.Data), cancellationToken: ct))).ToList();
        foreach (var s in sets.Skip(1))
        {
            Assert.Equal(sets[0], s);
        }
    }

    [Theory]
    [MemberData(nameof(JsonSamples))]
    public void Json_samples_round_trip_through_both_versions(string file)
    {
        var ct = TestContext.Current.CancellationToken;
        var original = SdmxJson.Read(Samples.Open(file), cancellationToken: ct);
        foreach (var version in Enum.GetValues<SdmxJsonVersion>())
        {
            var back = SdmxJson.Read(new MemoryStream(Samples.Write(s => SdmxJson.Write(s, original, version, SdmxMlTests.Fixed, ct))), cancellationToken: ct);
            Assert.Equal(Samples.Normalize(original), Samples.Normalize(back));
            Assert.Equal(original.StructureId, back.StructureId);
        }
    }

    [Fact]
    public void Sdmx_ML_samples_go_to_json_and_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var ml = SdmxMlDataReader.Read(Samples.Open("sdmx-ml-3.0/ECB_EXR_data.xml"), SdmxMlTests.Ecb30, null, ct);
        var back = SdmxJson.Read(new MemoryStream(Samples.Write(s => SdmxJson.Write(s, ml, SdmxJsonVersion.V20, SdmxMlTests.Fixed, ct))), cancellationToken: ct);
        Assert.Equal(Samples.Normalize(ml), Samples.Normalize(back));
    }

    [Theory]
    [MemberData(nameof(CsvSamples))]
    public void Csv_samples_round_trip(string file)
    {
        var ct = TestContext.Current.CancellationToken;
        var original = SdmxCsv.Read(Samples.Open(file), CsvStructure(file), null, ct);
        Assert.Equal(2, original.Observations.Count);
        var versions = original.Observations.Any(o => o.Action != ExchangeAction.Merge) ? [SdmxCsvVersion.V20] : Enum.GetValues<SdmxCsvVersion>();
        foreach (var version in versions)
        {
            var back = SdmxCsv.Read(new MemoryStream(Samples.Write(s => SdmxCsv.Write(s, original, version, ct))), null, null, ct);
            Assert.Equal(Samples.Normalize(original), Samples.Normalize(back));
        }
    }

    [Fact]
    public void Csv_reads_ids_from_labels_actions_and_multi_values()
    {
        var ct = TestContext.Current.CancellationToken;
        var labels = SdmxCsv.Read(Samples.Open("sdmx-csv-1.0/example3_labels_both_normalized_time.csv"), cancellationToken: ct);
        Assert.Equal("ESTAT:NA_MAIN(1.6)", labels.StructureId);
        Assert.Equal("A", labels.Observations[0].Dimension("DIM_1"));
        Assert.Equal("2014-01-01", labels.Observations[0].TimePeriod);
        Assert.Equal("Normal, special and other values", labels.Observations[0].Attribute("ATTR_3"));
        var actions = SdmxCsv.Read(Samples.Open("sdmx-csv-2.x/example10_varying_actions.csv"), cancellationToken: ct);
        Assert.Equal([ExchangeAction.Merge, ExchangeAction.Replace], actions.Observations.Select(o => o.Action));
        var multi = SdmxCsv.Read(Samples.Open("sdmx-csv-2.x/example02_any_order_multiple_measures.csv"), CsvStructure("example02"), null, ct);
        Assert.Equal("X;Y", multi.Observations[0].Attribute("ATTR_1"));
        Assert.Equal("12.4", multi.Observations[0].Value);
        Assert.Equal("12.5", multi.Observations[0].Attribute("OBS_VALUE2"));
    }

    [Fact]
    public void Json_errors_name_the_path()
    {
        var text = File.ReadAllText(Samples.Path("sdmx-json-1.0/exr-flat.json")).Replace("\"1:1\"", "\"1:7\"", StringComparison.Ordinal);
        var e = Assert.Throws<ExchangeFormatException>(() => SdmxJson.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("$.dataSets[0].observations['1:7']", e.Errors[0].Location);
    }
}
