using FsCheck;
using FsCheck.Fluent;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

/// <summary>The SDMX REST query logic without a server: content negotiation, keys and filters, first/last N, limits, references.</summary>
public sealed class SdmxRestTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoParameters = new Dictionary<string, string?>();

    [Theory]
    [InlineData(null, null, 1, SdmxMessageFormat.GenericData21)]
    [InlineData(null, null, 2, SdmxMessageFormat.Data30)]
    [InlineData("*/*", null, 1, SdmxMessageFormat.GenericData21)]
    [InlineData("application/json", null, 1, SdmxMessageFormat.Json10)]
    [InlineData("application/json", null, 2, SdmxMessageFormat.Json20)]
    [InlineData("text/csv", null, 2, SdmxMessageFormat.Csv20)]
    [InlineData("application/vnd.sdmx.structurespecificdata+xml;version=2.1", null, 1, SdmxMessageFormat.StructureSpecificData21)]
    [InlineData("application/vnd.sdmx.data+json;version=1.0.0", null, 2, SdmxMessageFormat.Json10)]
    [InlineData("application/vnd.sdmx.data+csv; version=2.0.0", null, 1, SdmxMessageFormat.Csv20)]
    [InlineData("application/vnd.sdmx.data+xml;version=3.0.0", null, 1, SdmxMessageFormat.Data30)]
    [InlineData("application/pdf, application/json;q=0.5, application/vnd.sdmx.genericdata+xml;version=2.1;q=0.9", null, 1, SdmxMessageFormat.GenericData21)]
    [InlineData("application/xml", "csvdata20", 1, SdmxMessageFormat.Csv20)]
    [InlineData(null, "jsondata", 2, SdmxMessageFormat.Json10)]
    public void Data_negotiation_follows_accept_quality_and_the_format_parameter(string? accept, string? format, int api, SdmxMessageFormat expected) =>
        Assert.Equal(expected, SdmxMediaTypes.Negotiate(accept, format, SdmxResourceKind.Data, api));

    [Fact]
    public void What_cannot_be_served_is_406_and_an_unknown_format_400()
    {
        Assert.Equal(406, Assert.Throws<SdmxRestException>(() => SdmxMediaTypes.Negotiate("text/csv", null, SdmxResourceKind.Structure, 1)).Status);
        Assert.Equal(406, Assert.Throws<SdmxRestException>(() => SdmxMediaTypes.Negotiate("application/vnd.sdmx.structure+json;version=9.0.0", null, SdmxResourceKind.Structure, 1)).Status);
        Assert.Equal(406, Assert.Throws<SdmxRestException>(() => SdmxMediaTypes.Negotiate(null, "structurejson", SdmxResourceKind.Data, 1)).Status);
        Assert.Equal(SdmxMessageFormat.StructureJson10, SdmxMediaTypes.Negotiate("application/json", null, SdmxResourceKind.Structure, 1));
        Assert.Equal(SdmxMessageFormat.StructureJson20, SdmxMediaTypes.Negotiate("application/json", null, SdmxResourceKind.Structure, 2));
        Assert.Equal(SdmxMessageFormat.StructureJson20, SdmxMediaTypes.Negotiate("application/vnd.sdmx.structure+json;version=2.0.0", null, SdmxResourceKind.Structure, 1));
        Assert.Equal(SdmxMessageFormat.StructureJson10, SdmxMediaTypes.Negotiate("application/xml", "structurejson", SdmxResourceKind.Structure, 2));
        Assert.Equal(406, Assert.Throws<SdmxRestException>(() => SdmxMediaTypes.Negotiate("application/vnd.sdmx.genericdata+xml;version=3.0.0", null, SdmxResourceKind.Data, 1)).Status);
        Assert.Equal(406, Assert.Throws<SdmxRestException>(() => SdmxMediaTypes.Negotiate("application/xml;q=0", null, SdmxResourceKind.Data, 1)).Status);
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => SdmxMediaTypes.Negotiate(null, "pdf", SdmxResourceKind.Data, 1)).Status);
        Assert.Equal(SdmxMessageFormat.Structure30, SdmxMediaTypes.Negotiate("application/vnd.sdmx.structure+xml;version=3.0.0", null, SdmxResourceKind.Structure, 1));
    }

    private static ExchangeObservation Obs(string indicator, string area, string period, string value) =>
        new(new Dictionary<string, string> { ["FREQ"] = period.Contains("-M", StringComparison.Ordinal) ? "M" : "A", ["INDICATOR"] = indicator, ["DISAGG"] = "_T", ["REF_AREA"] = area },
            period, value, new Dictionary<string, string> { ["OBS_STATUS"] = "A" });

    private static readonly ExchangeObservation[] Data =
    [
        .. new[] { "2020", "2021", "2022", "2023" }.SelectMany(y => new[]
        {
            Obs("POP", "01", y, "1" + y), Obs("POP", "79", y, "2" + y), Obs("AREA", "01", y, "3" + y),
        }),
        Obs("CPI", "01", "2023-M05", "101.5"),
    ];

    private static IReadOnlyList<ExchangeObservation> Run(string? key, params (string Name, string Value)[] parameters) =>
        SdmxDataQuery.Parse(key, NrisSdmxMapping.DimensionIds, parameters.ToDictionary(p => p.Name, p => (string?)p.Value)).Apply(Data);

    [Fact]
    public void Keys_select_with_wildcards_and_ors()
    {
        Assert.Equal(13, Run("all").Count);
        Assert.Equal(13, Run("...").Count);
        Assert.Equal(8, Run("A.POP..").Count);
        Assert.Equal(4, Run("A.POP._T.79").Count);
        Assert.Equal(12, Run("A.POP+AREA._T.01+79").Count);
        Assert.Equal(9, Run("*.*.*.01").Count);
        Assert.Equal(9, Run("*.POP,CPI.*.*").Count);
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => Run("A.POP")).Status);
        Assert.Equal(404, Assert.Throws<SdmxRestException>(() => Run("A.NONE..")).Status);
    }

    [Fact]
    public void Time_range_first_and_last_n_and_detail()
    {
        Assert.Equal(["2021", "2022"], Run("A.POP._T.01", ("startPeriod", "2021"), ("endPeriod", "2022-06")).Select(o => o.TimePeriod));
        Assert.Equal(["2022", "2023"], Run("A.POP._T.01", ("startPeriod", "2021-07-01"), ("endPeriod", "2023-Q4")).Select(o => o.TimePeriod).Skip(1));
        Assert.Equal(["2023-M05"], Run(".CPI..", ("startPeriod", "2023-05"), ("endPeriod", "2023-05")).Select(o => o.TimePeriod));
        // Per series: two series of POP, the last observation of each.
        Assert.Equal(["1" + "2023", "2" + "2023"], Run("A.POP..", ("lastNObservations", "1")).Select(o => o.Value).Order());
        // First and last together: their union.
        Assert.Equal(["2020", "2022", "2023"], Run("A.POP._T.01", ("firstNObservations", "1"), ("lastNObservations", "2")).Select(o => o.TimePeriod));
        Assert.All(Run("A.POP..", ("detail", "dataonly")), o => Assert.Empty(o.Attributes));
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => Run("all", ("detail", "everything"))).Status);
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => Run("all", ("dimensionAtObservation", "NOPE"))).Status);
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => Run("all", ("lastNObservations", "0"))).Status);
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => Run("all", ("startPeriod", "soon"))).Status);
    }

    [Fact]
    public void Dimension_at_observation_and_detail_make_the_layout()
    {
        static SdmxDataLayout Layout(params (string Name, string Value)[] parameters) =>
            SdmxDataQuery.Parse("all", NrisSdmxMapping.DimensionIds, parameters.ToDictionary(p => p.Name, p => (string?)p.Value)).Layout;

        // SDMX 2.1's default is TIME_PERIOD at observation level, full detail.
        Assert.Equal(new SdmxDataLayout("TIME_PERIOD"), Layout());
        Assert.Equal(new SdmxDataLayout("AllDimensions"), Layout(("dimensionAtObservation", "AllDimensions")));
        Assert.Equal(new SdmxDataLayout("REF_AREA", SdmxDataDetail.SeriesKeysOnly), Layout(("dimensionAtObservation", "REF_AREA"), ("detail", "serieskeysonly")));
        Assert.Equal(SdmxDataDetail.NoData, Layout(("detail", "nodata")).Detail);
        Assert.Equal(SdmxDataDetail.DataOnly, Layout(("detail", "dataonly")).Detail);
        // v2: attributes and measures.
        Assert.Equal(SdmxDataDetail.DataOnly, Layout(("attributes", "none")).Detail);
        Assert.Equal(SdmxDataDetail.NoData, Layout(("measures", "none")).Detail);
        Assert.Equal(SdmxDataDetail.SeriesKeysOnly, Layout(("measures", "none"), ("attributes", "none")).Detail);
        Assert.Equal(SdmxDataDetail.Full, Layout(("measures", "OBS_VALUE")).Detail);
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => Layout(("dimensionAtObservation", "allDimensions"))).Status);
    }

    [Fact]
    public void Component_filters_of_api_v2()
    {
        Assert.Equal(8, Run("*", ("c[INDICATOR]", "POP,AREA"), ("c[REF_AREA]", "01")).Count);
        Assert.Equal(["2021", "2022"], Run("*", ("c[INDICATOR]", "POP"), ("c[REF_AREA]", "01"), ("c[TIME_PERIOD]", "ge:2021+le:2022")).Select(o => o.TimePeriod));
        Assert.Equal(["2021", "2022"], Run("*", ("c[INDICATOR]", "POP"), ("c[REF_AREA]", "01"), ("c[TIME_PERIOD]", "ge:2021 le:2022")).Select(o => o.TimePeriod));
        Assert.Equal(4, Run("*", ("c[INDICATOR]", "ne:POP"), ("c[REF_AREA]", "sw:0"), ("c[FREQ]", "A")).Count);
        Assert.Equal(400, Assert.Throws<SdmxRestException>(() => Run("*", ("c[NOPE]", "x"))).Status);
    }

    [Fact]
    public void Too_many_observations_is_413()
    {
        var query = SdmxDataQuery.Parse("all", NrisSdmxMapping.DimensionIds, NoParameters);
        var e = Assert.Throws<SdmxRestException>(() => query.Apply(Data, maxObservations: 5));
        Assert.Equal(413, e.Status);
        Assert.Equal(SdmxRestException.TooLarge, e.Code);
    }

    [Fact]
    public void Structure_references_follow_children_and_parents()
    {
        var all = SdmxStructureBuilder.ForRegime(RealCatalogue.Snapshot, RealCatalogue.Regime("LDVL-QUY", 1));
        var flowOnly = SdmxStructureQuery.Select(all, "dataflow", "NRIS", "DF_LDVL_QUY", "1.0", null, null);
        Assert.Single(flowOnly.Dataflows);
        Assert.Empty(flowOnly.DataStructures);
        var children = SdmxStructureQuery.Select(all, "dataflow", "all", "DF_LDVL_QUY", "latest", "children", "full");
        Assert.Single(children.DataStructures);
        Assert.Empty(children.Codelists);
        var descendants = SdmxStructureQuery.Select(all, "dataflow", "*", "*", "~", "descendants", null);
        // The codelists the DSD's components use; the disaggregation lists (DISAGG is text) come with codelist/all.
        Assert.Equal(["CL_AREA", "CL_FREQ", "CL_INDICATOR_LDVL_QUY", "CL_OBS_STATUS"], descendants.Codelists.Select(c => c.Ref.Id));
        Assert.Equal(all.Codelists.Count, SdmxStructureQuery.Select(all, "codelist", "all", "all", "all", null, null).Codelists.Count);
        Assert.Single(descendants.ConceptSchemes);
        var parents = SdmxStructureQuery.Select(all, "codelist", "NRIS", "CL_AREA", "1.0", "parents", null);
        Assert.Single(parents.DataStructures);
        Assert.Empty(parents.Dataflows);
        Assert.Equal(404, Assert.Throws<SdmxRestException>(() => SdmxStructureQuery.Select(all, "codelist", "NRIS", "CL_NOPE", null, null, null)).Status);
        Assert.Equal(501, Assert.Throws<SdmxRestException>(() => SdmxStructureQuery.Select(all, "dataflow", null, null, null, null, "allstubs")).Status);
        Assert.Equal(501, Assert.Throws<SdmxRestException>(() => SdmxStructureQuery.Select(all, "hierarchicalcodelist", null, null, null, null, null)).Status);
    }

    private static readonly string[] Pieces =
        ["", ".", "..", "+", ",", "*", "all", "A", "M", "POP", "CPI", "01", "79", "_T", "SEX:F", "2021", "2023-M05", "2022-Q9", "ge:", "le:", "ne:", "sw:",
         "2021-07-01", "-1", "0", "5", "99999999999", "AllDimensions", "TIME_PERIOD", "dataonly", "full", "nodata", " ", "%", "\u0000", "é", "[", "]"];

    private static readonly string[] Names =
        ["startPeriod", "endPeriod", "updatedAfter", "firstNObservations", "lastNObservations", "dimensionAtObservation", "detail", "attributes",
         "measures", "includeHistory", "c[INDICATOR]", "c[TIME_PERIOD]", "c[REF_AREA]", "c[NOPE]", "c[]", "x"];

    [Fact]
    public void Random_queries_either_answer_or_refuse_with_an_SDMX_error()
    {
        var text = Gen.ArrayOf(Gen.Elements(Pieces)).Select(p => string.Concat(p));
        var query = from key in text
                    from count in Gen.Choose(0, 4)
                    from names in Gen.ArrayOf(Gen.Elements(Names), count)
                    from values in Gen.ArrayOf(text, count)
                    from accept in Gen.Elements<string?>(null, "*/*", "application/json;q=0.2, text/csv", "application/vnd.sdmx.data+json;version=9", "x/y;;;q=abc", ";,;")
                    select (key, names.Zip(values).DistinctBy(p => p.First).ToDictionary(p => p.First, p => (string?)p.Second), accept);
        var property = Prop.ForAll(Arb.From(query), q =>
        {
            try
            {
                SdmxMediaTypes.Negotiate(q.accept, null, SdmxResourceKind.Data, 1);
                SdmxDataQuery.Parse(q.key, NrisSdmxMapping.DimensionIds, q.Item2).Apply(Data);
                return true;
            }
            catch (SdmxRestException e)
            {
                return e.Status is 400 or 404 or 406 or 413 or 501 && e.Message.Length > 0 && e.MessageVi.Length > 0;
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true), property);
    }
}
