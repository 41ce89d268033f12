using System.Text.Json;
using System.Xml.Linq;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

/// <summary>
/// Series-grouped output (dimensionAtObservation) and detail, in every SDMX format that has series: written, read
/// back to the same observations, and (SDMX-ML) valid against the official schemas plus the DSD-specific schema.
/// </summary>
public sealed class SdmxLayoutTests
{
    private static readonly XNamespace Generic = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic";

    private static ExchangeDataSet Ecb(CancellationToken ct) =>
        SdmxMlDataReader.Read(Samples.Open("sdmx-ml-2.1/exr/ecb_exr_ng/generic/ecb_exr_ng_ts.xml"), SdmxMlTests.EcbNg, null, ct);

    public static TheoryData<SdmxMlDataFormat, string> MlLayouts()
    {
        var data = new TheoryData<SdmxMlDataFormat, string>();
        foreach (var format in Enum.GetValues<SdmxMlDataFormat>())
        {
            foreach (var dimension in new[] { "TIME_PERIOD", "CURRENCY", "FREQ", "AllDimensions" })
            {
                data.Add(format, dimension);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MlLayouts))]
    public void Sdmx_ml_series_round_trip_and_validate(SdmxMlDataFormat format, string dimension)
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Ecb(ct);
        data = data with { Observations = [.. data.Observations, data.Observations[0] with { Action = ExchangeAction.Delete, Value = null }] };
        var layout = new SdmxDataLayout(dimension);
        var xml = Samples.Write(s => SdmxMlDataWriter.Write(s, data, format, layout, SdmxMlTests.Fixed, ct));

        var back = SdmxMlDataReader.Read(new MemoryStream(xml), SdmxMlTests.EcbNg, null, ct);
        Assert.Equal(Samples.Normalize(data), Samples.Normalize(back));

        var doc = XDocument.Load(new MemoryStream(xml));
        var series = doc.Descendants().Where(e => e.Name.LocalName == "Series").ToList();
        if (dimension == "AllDimensions")
        {
            Assert.Empty(series);
        }
        else
        {
            // Four currencies × one frequency: grouped by time there are 4 series (+1 in the Delete data set), by
            // currency 3 months (+1), by FREQ 4 × 3 (+1).
            var expected = dimension switch { "TIME_PERIOD" => 5, "CURRENCY" => 4, _ => 13 };
            Assert.Equal(expected, series.Count);
            Assert.Equal(dimension, doc.Descendants().Single(e => e.Name.LocalName == "Structure" && e.Attribute("structureID") is not null)
                .Attribute("dimensionAtObservation")!.Value);
        }

        Assert.Empty(Validate(xml, format, data, dimension));
    }

    [Theory]
    [InlineData(SdmxMlDataFormat.Generic21, SdmxDataDetail.SeriesKeysOnly)]
    [InlineData(SdmxMlDataFormat.StructureSpecific21, SdmxDataDetail.NoData)]
    [InlineData(SdmxMlDataFormat.StructureSpecific30, SdmxDataDetail.SeriesKeysOnly)]
    [InlineData(SdmxMlDataFormat.Generic21, SdmxDataDetail.DataOnly)]
    [InlineData(SdmxMlDataFormat.StructureSpecific30, SdmxDataDetail.DataOnly)]
    public void Sdmx_ml_detail_leaves_out_observations_or_attributes_and_stays_valid(SdmxMlDataFormat format, SdmxDataDetail detail)
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Ecb(ct);
        var xml = Samples.Write(s => SdmxMlDataWriter.Write(s, data, format, new SdmxDataLayout("TIME_PERIOD", detail), SdmxMlTests.Fixed, ct));
        var doc = XDocument.Load(new MemoryStream(xml));
        var series = doc.Descendants().Where(e => e.Name.LocalName == "Series").ToList();
        Assert.Equal(4, series.Count);
        var obs = doc.Descendants().Where(e => e.Name.LocalName == "Obs").ToList();
        if (detail == SdmxDataDetail.DataOnly)
        {
            Assert.Equal(data.Observations.Count, obs.Count);
            Assert.Empty(doc.Descendants(Generic + "Attributes"));
            Assert.All(obs, o => Assert.Null(o.Attribute("OBS_STATUS")));
            var back = SdmxMlDataReader.Read(new MemoryStream(xml), SdmxMlTests.EcbNg, null, ct);
            Assert.Equal(Samples.Normalize(data with { Observations = [.. data.Observations.Select(o => o with { Attributes = ExchangeObservation.None })] }),
                Samples.Normalize(back));
        }
        else
        {
            Assert.Empty(obs);
            // The keys are still there: CHF, GBP, JPY and USD.
            var currencies = format == SdmxMlDataFormat.Generic21
                ? series.Select(s => s.Descendants(Generic + "Value").Single(v => (string?)v.Attribute("id") == "CURRENCY").Attribute("value")!.Value)
                : series.Select(s => s.Attribute("CURRENCY")!.Value);
            Assert.Equal(["CHF", "GBP", "JPY", "USD"], currencies.Order(StringComparer.Ordinal));
        }

        Assert.Empty(Validate(xml, format, data, "TIME_PERIOD"));
    }

    [Fact]
    public void Flat_serieskeysonly_keeps_each_key_without_value()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Ecb(ct);
        var xml = Samples.Write(s => SdmxMlDataWriter.Write(s, data, SdmxMlDataFormat.Generic21, new SdmxDataLayout("AllDimensions", SdmxDataDetail.SeriesKeysOnly), SdmxMlTests.Fixed, ct));
        var back = SdmxMlDataReader.Read(new MemoryStream(xml), SdmxMlTests.EcbNg, null, ct);
        Assert.Equal(data.Observations.Count, back.Observations.Count);
        Assert.All(back.Observations, o => Assert.True(o.Value is null && o.Attributes.Count == 0));
        Assert.Empty(Validate(xml, SdmxMlDataFormat.Generic21, data, "AllDimensions"));
    }

    [Theory]
    [InlineData(SdmxJsonVersion.V10, "TIME_PERIOD")]
    [InlineData(SdmxJsonVersion.V20, "TIME_PERIOD")]
    [InlineData(SdmxJsonVersion.V10, "CURRENCY")]
    [InlineData(SdmxJsonVersion.V20, "CURRENCY")]
    [InlineData(SdmxJsonVersion.V20, "AllDimensions")]
    public void Sdmx_json_series_round_trip(SdmxJsonVersion version, string dimension)
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Ecb(ct);
        var json = Samples.Write(s => SdmxJson.Write(s, data, version, new SdmxDataLayout(dimension), SdmxMlTests.Fixed, ct));
        var back = SdmxJson.Read(new MemoryStream(json), null, ct);
        Assert.Equal(Samples.Normalize(data), Samples.Normalize(back));

        using var doc = JsonDocument.Parse(json);
        var root = version == SdmxJsonVersion.V10 ? doc.RootElement : doc.RootElement.GetProperty("data");
        var structure = version == SdmxJsonVersion.V10 ? root.GetProperty("structure") : root.GetProperty("structures")[0];
        var observationDims = structure.GetProperty("dimensions").GetProperty("observation").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList();
        var dataSet = root.GetProperty("dataSets")[0];
        if (dimension == "AllDimensions")
        {
            Assert.Equal(6, observationDims.Count);
            Assert.False(dataSet.TryGetProperty("series", out _));
        }
        else
        {
            Assert.Equal([dimension], observationDims);
            Assert.Equal(5, structure.GetProperty("dimensions").GetProperty("series").GetArrayLength());
            Assert.Equal(dimension == "TIME_PERIOD" ? 4 : 3, dataSet.GetProperty("series").EnumerateObject().Count());
        }
    }

    [Fact]
    public void Sdmx_json_serieskeysonly_has_series_without_observations()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Ecb(ct);
        var json = Samples.Write(s => SdmxJson.Write(s, data, SdmxJsonVersion.V20, new SdmxDataLayout("TIME_PERIOD", SdmxDataDetail.SeriesKeysOnly), SdmxMlTests.Fixed, ct));
        using var doc = JsonDocument.Parse(json);
        var series = doc.RootElement.GetProperty("data").GetProperty("dataSets")[0].GetProperty("series").EnumerateObject().ToList();
        Assert.Equal(4, series.Count);
        Assert.All(series, s => Assert.False(s.Value.TryGetProperty("observations", out _)));
        Assert.Empty(SdmxJson.Read(new MemoryStream(json), null, ct).Observations);
    }

    private static List<string> Validate(byte[] xml, SdmxMlDataFormat format, ExchangeDataSet data, string dimension)
    {
        var v30 = format == SdmxMlDataFormat.StructureSpecific30;
        var extra = format == SdmxMlDataFormat.Generic21
            ? []
            : new[] { Samples.Write(s => SdmxStructureSpecificSchema.Write(s, data.StructureId, SdmxMlTests.EcbNg.DimensionIds, data.AttributeIds(), v30, dimension)) };
        return SchemaValidation.Validate(xml, v30 ? "sdmx-ml-3.0" : "sdmx-ml-2.1", extra);
    }
}
