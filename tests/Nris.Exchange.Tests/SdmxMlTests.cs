using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

public sealed class SdmxMlTests
{
    internal static readonly SdmxDataStructure EcbNg = new("ECB:ECB_EXR_NG(1.0)", ["FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_VAR"]);
    internal static readonly SdmxDataStructure Ecb30 = new("ECB:EXR(1.0)", ["FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX"]);

    public static TheoryData<string> SampleFiles =>
    [
        "sdmx-ml-2.1/exr/ecb_exr_ng/generic/ecb_exr_ng_ts.xml",
        "sdmx-ml-2.1/exr/ecb_exr_ng/generic/ecb_exr_ng_flat.xml",
        "sdmx-ml-2.1/exr/ecb_exr_ng/generic/ecb_exr_ng_xs.xml",
        "sdmx-ml-2.1/exr/ecb_exr_ng/structured/ecb_exr_ng_ts.xml",
        "sdmx-ml-2.1/exr/ecb_exr_ng/structured/ecb_exr_ng_flat.xml",
        "sdmx-ml-3.0/ECB_EXR_data.xml",
    ];

    internal static SdmxDataStructure StructureFor(string file) => file.Contains("3.0", StringComparison.Ordinal) ? Ecb30 : EcbNg;

    [Fact]
    public void The_five_2_1_layouts_of_the_ECB_sample_say_the_same_thing()
    {
        var ct = TestContext.Current.CancellationToken;
        var sets = SampleFiles.Select(f => (string)f.Data).Where(f => f.Contains("2.1", StringComparison.Ordinal))
            .Select(f => Samples.Normalize(SdmxMlDataReader.Read(Samples.Open(f), EcbNg, null, ct))).ToList();
        Assert.True(sets[0].Count > 10);
        foreach (var s in sets.Skip(1))
        {
            // The official cross-section sample has a typo (CHF 2010-09 is 1.3809 there, 1.3089 in the other four).
            Assert.Equal(sets[0], s.Select(o => o.Replace("1.3809", "1.3089", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList());
        }
    }

    [Fact]
    public void Reads_generic_time_series_with_series_attributes_on_each_observation()
    {
        var data = SdmxMlDataReader.Read(Samples.Open("sdmx-ml-2.1/exr/ecb_exr_ng/generic/ecb_exr_ng_ts.xml"), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("ECB:ECB_EXR_NG(1.0)", data.StructureId);
        var first = data.Observations[0];
        Assert.Equal("2010-08", first.TimePeriod);
        Assert.Equal("1.3413", first.Value);
        Assert.Equal("CHF", first.Dimension("CURRENCY"));
        Assert.Equal("A", first.Attribute("OBS_STATUS"));
        Assert.Equal("4", first.Attribute("DECIMALS"));
    }

    [Fact]
    public void Reads_sdmx_3_0_structure_specific_with_the_dataflow_urn()
    {
        var data = SdmxMlDataReader.Read(Samples.Open("sdmx-ml-3.0/ECB_EXR_data.xml"), Ecb30, null, TestContext.Current.CancellationToken);
        Assert.Equal("ECB:EXR(1.0)", data.StructureId);
        Assert.Contains(data.Observations, o => o.TimePeriod == "1999" && o.Value == "1.583993822393823" && o.Dimension("CURRENCY") == "CAD");
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Samples_round_trip_through_each_of_our_SDMX_ML_formats(string file)
    {
        var ct = TestContext.Current.CancellationToken;
        var structure = StructureFor(file);
        var original = SdmxMlDataReader.Read(Samples.Open(file), structure, null, ct);
        foreach (var format in Enum.GetValues<SdmxMlDataFormat>())
        {
            var bytes = Samples.Write(s => SdmxMlDataWriter.Write(s, original, format, Fixed, ct));
            var back = SdmxMlDataReader.Read(new MemoryStream(bytes), structure, null, ct);
            Assert.Equal(Samples.Normalize(original), Samples.Normalize(back));
            Assert.Equal(original.StructureId, back.StructureId);
        }
    }

    internal static readonly SdmxHeader Fixed = new("NRIS1", "NRIS", new DateTimeOffset(2026, 5, 14, 8, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(SdmxMlDataFormat.Generic21)]
    [InlineData(SdmxMlDataFormat.StructureSpecific21)]
    [InlineData(SdmxMlDataFormat.StructureSpecific30)]
    public void Our_output_is_valid_against_the_official_schemas(SdmxMlDataFormat format)
    {
        var ct = TestContext.Current.CancellationToken;
        var data = SdmxMlDataReader.Read(Samples.Open("sdmx-ml-2.1/exr/ecb_exr_ng/generic/ecb_exr_ng_ts.xml"), EcbNg, null, ct);
        data = data with { Observations = [.. data.Observations, data.Observations[0] with { Action = ExchangeAction.Delete, Value = null }] };
        var xml = Samples.Write(s => SdmxMlDataWriter.Write(s, data, format, Fixed, ct));
        var v30 = format == SdmxMlDataFormat.StructureSpecific30;
        var extra = format == SdmxMlDataFormat.Generic21
            ? []
            : new[] { Samples.Write(s => SdmxStructureSpecificSchema.Write(s, data.StructureId, EcbNg.DimensionIds, data.AttributeIds(), v30)) };
        var problems = SchemaValidation.Validate(xml, v30 ? "sdmx-ml-3.0" : "sdmx-ml-2.1", extra);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Rejects_a_DTD_without_expanding_entities()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>"u8.ToArray();
        var e = Assert.Throws<ExchangeFormatException>(() => SdmxMlDataReader.Read(new MemoryStream(xml), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("DTD", e.Errors[0].MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_observation_without_a_time_period()
    {
        var text = File.ReadAllText(Samples.Path("sdmx-ml-2.1/exr/ecb_exr_ng/generic/ecb_exr_ng_flat.xml"))
            .Replace("<generic:Value value=\"2010-09\" id=\"TIME_PERIOD\"/>", "", StringComparison.Ordinal);
        var e = Assert.Throws<ExchangeFormatException>(() => SdmxMlDataReader.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("/message:GenericData/message:DataSet/generic:Obs[2]", e.Errors[0].Location, StringComparison.Ordinal);
        Assert.Equal("TIME_PERIOD", e.Errors[0].Field);
    }

    [Fact]
    public void Enforces_the_size_limit_while_streaming()
    {
        var e = Assert.Throws<ExchangeFormatException>(() => SdmxMlDataReader.Read(Samples.Open("sdmx-ml-3.0/ECB_EXR_data.xml"), Ecb30, new ExchangeLimits(MaxBytes: 1000), TestContext.Current.CancellationToken));
        Assert.Contains("1000", e.Errors[0].MessageEn, StringComparison.Ordinal);
    }
}
