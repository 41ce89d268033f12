using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

public sealed class SdmxStructureTests
{
    private static CatalogueSnapshot Catalogue => RealCatalogue.Snapshot;

    private static Regime Ktxh => RealCatalogue.Regime("KTXH-TINH-THANG", 2);

    private static Regime Ldvl => RealCatalogue.Regime("LDVL-QUY", 1);

    private static byte[] Write(SdmxStructures s, SdmxStructureFormat f) =>
        Samples.Write(stream => SdmxStructureWriter.Write(stream, s, f, SdmxMlTests.Fixed, TestContext.Current.CancellationToken));

    private static SdmxStructures Read(byte[] xml) =>
        SdmxStructureReader.Read(new MemoryStream(xml), null, TestContext.Current.CancellationToken);

    public static TheoryData<SdmxStructureFormat> Formats => new(SdmxStructureFormat.Ml21, SdmxStructureFormat.Ml30);

    private static string Folder(SdmxStructureFormat f) => f == SdmxStructureFormat.Ml30 ? "sdmx-ml-3.0" : "sdmx-ml-2.1";

    [Fact]
    public void Regime_structures_have_the_expected_ids()
    {
        var s = SdmxStructureBuilder.ForRegime(Catalogue, Ldvl);
        Assert.Equal(["CL_FREQ", "CL_INDICATOR_LDVL_QUY", "CL_AREA", "CL_OBS_STATUS", "CL_ECON_ACTIVITY", "CL_SEX", "CL_URBAN_RURAL"], s.Codelists.Select(c => c.Ref.Id));
        Assert.All(s.Codelists, c => Assert.Equal(("NRIS", "1.0"), (c.Ref.Agency, c.Ref.Version)));
        Assert.Equal("DF_LDVL_QUY", s.Dataflows.Single().Ref.Id);
        Assert.Equal("DSD_LDVL_QUY", s.Dataflows.Single().Structure.Id);
        var dsd = s.DataStructures.Single();
        Assert.Equal(NrisSdmxMapping.DimensionIds, dsd.Dimensions.Select(d => d.Id));
        Assert.Equal(["OBS_STATUS", "UNIT_MEASURE", "COMMENT"], dsd.Attributes.Select(a => a.Id));
        var concepts = s.ConceptSchemes.Single().Concepts.Select(c => c.Id).ToList();
        Assert.Equal(["FREQ", "INDICATOR", "DISAGG", "REF_AREA", "ECON_ACTIVITY", "SEX", "URBAN_RURAL", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "UNIT_MEASURE", "COMMENT"], concepts);
        var sex = s.Codelists.Single(c => c.Ref.Id == "CL_SEX");
        Assert.Equal(["_T", .. Catalogue.Codelists["SEX"].Codes.Select(c => c.Code)], sex.Codes.Select(c => c.Id));
        var indicators = s.Codelists.Single(c => c.Ref.Id == "CL_INDICATOR_LDVL_QUY");
        Assert.Contains(indicators.Codes, c => c.Id == "UNEMPLOYMENT_RATE" && c.Names.Any(n => n.Lang == "vi") && c.Names.Any(n => n.Lang == "en"));

        // CL_AREA: today's units and the provinces before the 2025 reform, one code each.
        var areas = s.Codelists.Single(c => c.Ref.Id == "CL_AREA").Codes.Select(c => c.Id).ToList();
        Assert.Equal(areas.Count, areas.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("VN", areas);
        Assert.Contains("01", areas);
        Assert.Contains(Catalogue.Territories.AsOf(new DateOnly(2025, 6, 30), TerritoryLevel.Province)
            .Select(t => t.Code).First(c => Catalogue.Territories.Find(c, new DateOnly(2026, 1, 1)) is null), areas);

        var ranged = SdmxStructureBuilder.ForRegime(Catalogue, Ldvl, new SdmxStructureOptions("VNGSO", "2.0", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)));
        Assert.Equal("VNGSO:DF_LDVL_QUY(2.0)", ranged.Dataflows[0].Ref.ToString());
        Assert.Equal(Catalogue.Territories.AsOf(new DateOnly(2026, 6, 1)).Select(t => t.Code).Distinct().Count(),
            ranged.Codelists.Single(c => c.Ref.Id == "CL_AREA").Codes.Count);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Structure_messages_validate_against_the_official_schemas(SdmxStructureFormat format)
    {
        foreach (var s in new[] { SdmxStructureBuilder.ForRegime(Catalogue, Ktxh), SdmxStructureBuilder.ForCatalogue(Catalogue) })
        {
            var problems = SchemaValidation.Validate(Write(s, format), Folder(format));
            Assert.Empty(problems);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Our_structures_read_back_with_the_same_codes_and_names(SdmxStructureFormat format)
    {
        var s = SdmxStructureBuilder.ForRegime(Catalogue, Ldvl);
        var back = Read(Write(s, format));
        Assert.Equal(s.Codelists.Count, back.Codelists.Count);
        for (var i = 0; i < s.Codelists.Count; i++)
        {
            Assert.Equal(s.Codelists[i].Ref, back.Codelists[i].Ref);
            Assert.Equal(s.Codelists[i].Names, back.Codelists[i].Names);
            Assert.Equal(s.Codelists[i].Codes.Count, back.Codelists[i].Codes.Count);
            for (var j = 0; j < s.Codelists[i].Codes.Count; j++)
            {
                Assert.Equal(s.Codelists[i].Codes[j].Id, back.Codelists[i].Codes[j].Id);
                Assert.Equal(s.Codelists[i].Codes[j].Names, back.Codelists[i].Codes[j].Names);
            }
        }

        Assert.Equal(s.ConceptSchemes[0].Concepts.Select(c => c.Id), back.ConceptSchemes.Single().Concepts.Select(c => c.Id));
        var dsd = back.DataStructures.Single();
        Assert.Equal(s.DataStructures[0].Dimensions, dsd.Dimensions);
        Assert.Equal(s.DataStructures[0].Attributes, dsd.Attributes);
        Assert.Equal((SdmxConcepts.TimePeriod, SdmxConcepts.ObsValue, "CS_NRIS"), (dsd.TimeDimension, dsd.Measure, dsd.ConceptScheme));
        Assert.Equal(s.Dataflows[0].Ref, back.Dataflows.Single().Ref);
        Assert.Equal(s.Dataflows[0].Structure, back.Dataflows.Single().Structure);
    }

    [Theory]
    [InlineData(SdmxMlDataFormat.StructureSpecific21)]
    [InlineData(SdmxMlDataFormat.StructureSpecific30)]
    public void Data_written_by_the_mapping_fits_our_DSD(SdmxMlDataFormat format)
    {
        var ct = TestContext.Current.CancellationToken;
        var s = SdmxStructureBuilder.ForRegime(Catalogue, Ldvl);
        var dsd = s.DataStructures.Single();
        var flow = s.Dataflows.Single().Ref.ToString();
        ReportValue[] values =
        [
            new("LABOUR_FORCE_15PLUS", "_T", null, 52000.5m, null, null, ObservationStatus.Estimated, "ước tính"),
            new("LABOUR_FORCE_15PLUS", "SEX:F", null, 25000m, null, null),
            new("UNEMPLOYMENT_RATE", "URBAN_RURAL:U", "79", 2.1m, null, null, ObservationStatus.Official),
        ];
        var data = NrisSdmxMapping.ToExchange(flow, Period.Quarter(2026, 2), "01", values);
        Assert.Equal(dsd.Dimensions.Select(d => d.Id), data.DimensionIds());
        Assert.All(data.AttributeIds(), a => Assert.Contains(dsd.Attributes, x => x.Id == a));

        // Every coded dimension value is a code of its codelist; DISAGG combines CL_<CODELIST> codes.
        var codes = s.Codelists.ToDictionary(c => c.Ref.Id, c => c.Codes.Select(x => x.Id).ToHashSet(StringComparer.Ordinal));
        foreach (var o in data.Observations)
        {
            foreach (var d in dsd.Dimensions.Where(d => d.Codelist is not null))
            {
                Assert.Contains(o.Dimensions[d.Id], codes[d.Codelist!]);
            }

            var disagg = o.Dimensions["DISAGG"];
            if (Disaggregations.TryParse(disagg, out var list, out var code) && list is not null)
            {
                Assert.Contains(code, codes["CL_" + list]);
            }
        }

        var v30 = format == SdmxMlDataFormat.StructureSpecific30;
        var xml = Samples.Write(st => SdmxMlDataWriter.Write(st, data, format, SdmxMlTests.Fixed, ct));
        var schema = Samples.Write(st => SdmxStructureSpecificSchema.Write(st, flow, dsd.Dimensions.Select(d => d.Id), dsd.Attributes.Select(a => a.Id), v30));
        Assert.Empty(SchemaValidation.Validate(xml, v30 ? "sdmx-ml-3.0" : "sdmx-ml-2.1", schema));

        // And the DSD is what the data reader needs to tell dimensions from attributes.
        var back = SdmxMlDataReader.Read(new MemoryStream(xml), dsd.ToDataStructure(), null, ct);
        Assert.Equal(Samples.Normalize(data), Samples.Normalize(back));
    }

    [Fact]
    public void ECB_structure_samples_read_in_both_versions()
    {
        var ct = TestContext.Current.CancellationToken;
        var v21 = SdmxStructureReader.Read(Samples.Open("sdmx-ml-2.1/exr/ecb_exr_ng/ecb_exr_ng_full.xml"), null, ct);
        var dsd21 = v21.DataStructures.Single();
        Assert.Equal(["FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_VAR"], dsd21.Dimensions.Select(d => d.Id));
        Assert.Equal("TIME_PERIOD", dsd21.TimeDimension);
        Assert.Contains(v21.Codelists, c => c.Ref.Id == "CL_CURRENCY" && c.Codes.Any(x => x.Id == "CHF"));
        Assert.Equal("CL_CURRENCY", dsd21.Dimensions[1].Codelist); // FREQ has no local representation in this sample

        var v30 = SdmxStructureReader.Read(Samples.Open("sdmx-ml-3.0/ECB_EXR_DSD.xml"), null, ct);
        var dsd30 = v30.DataStructures.Single();
        Assert.Equal(["FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_SUFFIX"], dsd30.Dimensions.Select(d => d.Id));
        Assert.Equal("CL_FREQ", dsd30.Dimensions[0].Codelist);
        Assert.Contains(dsd30.Attributes, a => a.Id == "OBS_STATUS" && a.Codelist == "CL_OBS_STATUS");
        Assert.Equal("OBS_VALUE", dsd30.Measure);

        var age = SdmxStructureReader.Read(Samples.Open("sdmx-ml-3.0/codelist.xml"), null, ct).Codelists.Single();
        Assert.Equal("SDMX:CL_AGE(1.0)", age.Ref.ToString());
        Assert.Equal(["Y", "M", "W", "D", "H"], age.Codes.Select(c => c.Id));
        Assert.Equal(new SdmxName("en", "Year(s)"), age.Codes[0].Names.Single());

        var common = SdmxStructureReader.Read(Samples.Open("sdmx-ml-2.1/common/common.xml"), null, ct);
        Assert.NotEmpty(common.Codelists);
    }
}
