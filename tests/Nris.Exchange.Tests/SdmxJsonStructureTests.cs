using System.Text.Json;
using Nris.Core.Catalogue;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

/// <summary>SDMX-JSON structure messages: ours parse back to the same structures, and the official samples read.</summary>
public sealed class SdmxJsonStructureTests
{
    private static Regime Ldvl => RealCatalogue.Regime("LDVL-QUY", 1);

    public static TheoryData<SdmxJsonVersion> Versions => new(SdmxJsonVersion.V10, SdmxJsonVersion.V20);

    [Theory]
    [MemberData(nameof(Versions))]
    public void Our_structures_parse_back_the_same(SdmxJsonVersion version)
    {
        var s = SdmxStructureBuilder.ForRegime(RealCatalogue.Snapshot, Ldvl);
        var json = Samples.Write(stream => SdmxJsonStructure.Write(stream, s, version, SdmxMlTests.Fixed));
        var back = SdmxJsonStructure.Read(new MemoryStream(json), null, TestContext.Current.CancellationToken);

        Assert.Equal(s.Codelists.Select(c => c.Ref), back.Codelists.Select(c => c.Ref));
        for (var i = 0; i < s.Codelists.Count; i++)
        {
            Assert.Equal(s.Codelists[i].Names, back.Codelists[i].Names);
            Assert.Equal(s.Codelists[i].Codes.Select(c => (c.Id, string.Join("|", c.Names))), back.Codelists[i].Codes.Select(c => (c.Id, string.Join("|", c.Names))));
        }

        Assert.Equal(s.ConceptSchemes.Single().Ref, back.ConceptSchemes.Single().Ref);
        Assert.Equal(s.ConceptSchemes[0].Concepts.Select(c => (c.Id, string.Join("|", c.Names))), back.ConceptSchemes[0].Concepts.Select(c => (c.Id, string.Join("|", c.Names))));
        var dsd = back.DataStructures.Single();
        Assert.Equal(s.DataStructures[0].Ref, dsd.Ref);
        Assert.Equal(s.DataStructures[0].Names, dsd.Names);
        Assert.Equal(s.DataStructures[0].Dimensions, dsd.Dimensions);
        Assert.Equal(s.DataStructures[0].Attributes, dsd.Attributes);
        Assert.Equal((SdmxConcepts.TimePeriod, SdmxConcepts.ObsValue, "CS_NRIS"), (dsd.TimeDimension, dsd.Measure, dsd.ConceptScheme));
        Assert.Equal(s.Dataflows.Single(), back.Dataflows.Single() with { Names = s.Dataflows[0].Names });
        Assert.Equal(s.Dataflows[0].Names, back.Dataflows[0].Names);

        // The version's own shape: 1.0 timeDimensions/primaryMeasure, 2.0 timeDimension/measures.
        using var doc = JsonDocument.Parse(json);
        var components = doc.RootElement.GetProperty("data").GetProperty("dataStructures")[0].GetProperty("dataStructureComponents");
        Assert.Equal(version == SdmxJsonVersion.V20, components.GetProperty("dimensionList").TryGetProperty("timeDimension", out _));
        Assert.Equal(version == SdmxJsonVersion.V20, components.GetProperty("measureList").TryGetProperty("measures", out _));
        Assert.Equal(version == SdmxJsonVersion.V20, doc.RootElement.TryGetProperty("$schema", out _));
    }

    [Theory]
    [InlineData("sdmx-json-1.0/structure-constructed-sample.json")]
    [InlineData("sdmx-json-2.1/structure-constructed-sample.json")]
    public void The_official_samples_read(string file)
    {
        var s = SdmxJsonStructure.Read(Samples.Open(file), null, TestContext.Current.CancellationToken);
        Assert.Equal("ECB:EXR(1.0)", s.Dataflows.Single().Ref.ToString());
        Assert.Equal("ECB:ECB_EXR1(1.0)", s.Dataflows[0].Structure.ToString());
        var dsd = s.DataStructures.Single();
        Assert.Equal(["FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX"], dsd.Dimensions.Select(d => d.Id));
        Assert.Equal("CL_FREQ", dsd.Dimensions[0].Codelist);
        Assert.Equal(("TIME_PERIOD", "OBS_VALUE", "ECB_CONCEPTS"), (dsd.TimeDimension, dsd.Measure, dsd.ConceptScheme));
        Assert.Contains(dsd.Attributes, a => a.Id == "OBS_CONF" && a.Codelist == "CL_OBS_CONF");
        Assert.Equal([("CL_FREQ", 3), ("CL_CURRENCY", 2), ("CL_OBS_CONF", 1), ("CL_EXR_SUFFIX", 6), ("CL_EXR_TYPE", 6)], s.Codelists.Select(c => (c.Ref.Id, c.Codes.Count)));
        Assert.Equal(new SdmxName("en", "Annual"), s.Codelists[0].Codes.Single(c => c.Id == "A").Names.Single());
        Assert.Equal(8, s.ConceptSchemes.Single().Concepts.Count);
    }

    [Fact]
    public void A_data_message_or_bad_json_is_a_located_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var e = Assert.Throws<ExchangeFormatException>(() => SdmxJsonStructure.Read(new MemoryStream("{\"data\": {\"codelists\": [{\"id\": \"CL_X\"}]}}"u8.ToArray()), null, ct));
        Assert.Contains(e.Errors, x => x.Location == "$.data.codelists[0]" && x.Field == "agencyID");
        Assert.Throws<ExchangeFormatException>(() => SdmxJsonStructure.Read(new MemoryStream("[1, 2"u8.ToArray()), null, ct));
        Assert.Throws<ExchangeFormatException>(() => SdmxJsonStructure.Read(new MemoryStream("{\"header\": {}}"u8.ToArray()), null, ct));
    }
}
