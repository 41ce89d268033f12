using Nris.Core.Catalogue;
using Nris.Core.Periods;

namespace Nris.Exchange.Sdmx;

/// <summary>A name in one language ("vi", "en").</summary>
public sealed record SdmxName(string Lang, string Text);

/// <summary>One code of a codelist.</summary>
public sealed record SdmxCode(string Id, IReadOnlyList<SdmxName> Names);

/// <summary>A maintainable artefact's identity: agency, id, version.</summary>
public sealed record SdmxArtefactId(string Agency, string Id, string Version)
{
    /// <summary>"AGENCY:ID(VERSION)".</summary>
    public override string ToString() => SdmxConcepts.Reference(Agency, Id, Version);
}

/// <summary>A codelist.</summary>
public sealed record SdmxCodelist(SdmxArtefactId Ref, IReadOnlyList<SdmxName> Names, IReadOnlyList<SdmxCode> Codes);

/// <summary>A concept of a concept scheme.</summary>
public sealed record SdmxConcept(string Id, IReadOnlyList<SdmxName> Names);

/// <summary>A concept scheme.</summary>
public sealed record SdmxConceptScheme(SdmxArtefactId Ref, IReadOnlyList<SdmxName> Names, IReadOnlyList<SdmxConcept> Concepts);

/// <summary>A dimension or attribute: its concept and, when coded, its codelist.</summary>
/// <param name="Id">The component id, which is also the concept id in CS_NRIS.</param>
/// <param name="Codelist">The codelist id (same agency and version as the DSD), or null for free text.</param>
public sealed record SdmxComponent(string Id, string? Codelist);

/// <summary>A data structure definition: dimensions in key order, the time dimension, observation attributes and OBS_VALUE.</summary>
public sealed record SdmxDsd(
    SdmxArtefactId Ref,
    IReadOnlyList<SdmxName> Names,
    string ConceptScheme,
    IReadOnlyList<SdmxComponent> Dimensions,
    IReadOnlyList<SdmxComponent> Attributes,
    string TimeDimension = SdmxConcepts.TimePeriod,
    string Measure = SdmxConcepts.ObsValue)
{
    /// <summary>What the data readers and writers need of it.</summary>
    public SdmxDataStructure ToDataStructure() => new(Ref.ToString(), Dimensions.Select(d => d.Id).ToArray(), TimeDimension, Measure);
}

/// <summary>A dataflow and the DSD it uses.</summary>
public sealed record SdmxDataflow(SdmxArtefactId Ref, IReadOnlyList<SdmxName> Names, SdmxArtefactId Structure);

/// <summary>The content of an SDMX Structure message.</summary>
public sealed record SdmxStructures(
    IReadOnlyList<SdmxCodelist> Codelists,
    IReadOnlyList<SdmxConceptScheme> ConceptSchemes,
    IReadOnlyList<SdmxDsd> DataStructures,
    IReadOnlyList<SdmxDataflow> Dataflows);

/// <summary>How <see cref="SdmxStructureBuilder"/> names and scopes what it builds.</summary>
/// <param name="Agency">The maintenance agency id ("NRIS").</param>
/// <param name="Version">The version of every artefact ("1.0").</param>
/// <param name="AreaFrom">With <paramref name="AreaTo"/>: CL_AREA holds the territories valid on any day of this range.</param>
/// <param name="AreaTo">End of the range (inclusive).</param>
public sealed record SdmxStructureOptions(string Agency = "NRIS", string Version = "1.0", DateOnly? AreaFrom = null, DateOnly? AreaTo = null)
{
    /// <summary>The defaults.</summary>
    public static SdmxStructureOptions Default { get; } = new();
}

/// <summary>
/// Builds SDMX structures from the catalogue: codelists, the concept scheme CS_NRIS, one DSD and one dataflow per
/// regime (or one for the whole catalogue, NRIS_ALL). The DSD's dimensions are exactly those
/// <see cref="NrisSdmxMapping"/> writes — FREQ, INDICATOR, DISAGG, REF_AREA, then TIME_PERIOD — so our data validate
/// against our structures.
/// </summary>
/// <remarks>
/// Ids: SDMX ids may not hold every character our codes do, so '-' becomes '_' (KTXH-TINH-THANG → DF_KTXH_TINH_THANG)
/// and other characters outside [A-Za-z0-9_] too. DISAGG values are "_T" or "CODELIST:CODE"; SDMX code ids cannot
/// contain ':', so DISAGG is a text dimension, and the codes it combines are published as CL_&lt;CODELIST&gt;
/// (with _T) and concepts of the same name, which is also how a partner may send them as separate dimensions.
/// </remarks>
public static class SdmxStructureBuilder
{
    /// <summary>The id of the whole-catalogue flow.</summary>
    public const string AllId = "NRIS_ALL";

    /// <summary>The concept scheme id.</summary>
    public const string ConceptSchemeId = "CS_NRIS";

    /// <summary>A code turned into an SDMX id: '-' and other characters outside [A-Za-z0-9_] become '_'.</summary>
    public static string SafeId(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var chars = code.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        // Code ids may start with a digit (territory "01"); artefact ids always get a letter prefix (CL_, DF_, DSD_).
        return new string(chars);
    }

    /// <summary>The dataflow id of a regime: DF_ and the regime code made safe.</summary>
    public static string DataflowId(string regimeCode) => "DF_" + SafeId(regimeCode);

    /// <summary>Structures for one regime version.</summary>
    public static SdmxStructures ForRegime(CatalogueSnapshot catalogue, Regime regime, SdmxStructureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(regime);
        var indicators = regime.Rows.Select(r => r.IndicatorCode).Distinct(StringComparer.Ordinal)
            .Select(code => catalogue.Indicators[code]).ToList();
        var lists = regime.Rows.Where(r => r.DisaggregationCodelist is not null).Select(r => r.DisaggregationCodelist!).ToList();
        return Build(catalogue, SafeId(regime.Code), [new SdmxName("vi", regime.Name), new SdmxName("en", regime.NameEn)], indicators, lists, options ?? SdmxStructureOptions.Default);
    }

    /// <summary>Structures for the whole catalogue as one flow, DF_NRIS_ALL.</summary>
    public static SdmxStructures ForCatalogue(CatalogueSnapshot catalogue, SdmxStructureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var indicators = catalogue.Content.Indicators;
        var lists = indicators.SelectMany(i => i.Disaggregations)
            .Concat(catalogue.Content.Regimes.SelectMany(r => r.Rows).Where(r => r.DisaggregationCodelist is not null).Select(r => r.DisaggregationCodelist!))
            .ToList();
        return Build(catalogue, AllId, [new SdmxName("vi", "Toàn bộ số liệu NRIS"), new SdmxName("en", "All NRIS data")], indicators, lists, options ?? SdmxStructureOptions.Default);
    }

    private static SdmxStructures Build(CatalogueSnapshot catalogue, string id, IReadOnlyList<SdmxName> names, IReadOnlyList<Indicator> indicators, IEnumerable<string> listCodes, SdmxStructureOptions o)
    {
        SdmxArtefactId Art(string artefact) => new(o.Agency, artefact, o.Version);
        static SdmxName[] Both(string vi, string en) => [new("vi", vi), new("en", en)];

        var codelistCodes = listCodes.Distinct(StringComparer.Ordinal).Where(catalogue.Codelists.ContainsKey).Order(StringComparer.Ordinal).ToList();
        var codelists = new List<SdmxCodelist>
        {
            new(Art("CL_FREQ"), Both("Tần suất", "Frequency"),
            [
                new("D", Both("Ngày", "Daily")), new("W", Both("Tuần", "Weekly")), new("M", Both("Tháng", "Monthly")),
                new("Q", Both("Quý", "Quarterly")), new("S", Both("Nửa năm", "Half-yearly")), new("A", Both("Năm", "Annual")),
            ]),
            new(Art(IndicatorCodelistId(id)), Both("Chỉ tiêu", "Indicator"),
                indicators.Select(i => new SdmxCode(SafeId(i.Code), Both(i.Name, i.NameEn))).ToList()),
            new(Art("CL_AREA"), Both("Đơn vị hành chính", "Territory"), Areas(catalogue, o)),
            new(Art("CL_OBS_STATUS"), Both("Tình trạng số liệu", "Observation status"),
            [
                new("A", Both("Chính thức", "Normal value (official)")),
                new("E", Both("Ước tính", "Estimated value")),
                new("P", Both("Sơ bộ", "Provisional value")),
            ]),
        };
        foreach (var code in codelistCodes)
        {
            var list = catalogue.Codelists[code];
            codelists.Add(new SdmxCodelist(Art("CL_" + SafeId(code)), Both(list.Name, list.NameEn),
                [new SdmxCode(Codelist.TotalCode, Both("Tổng số", "Total")), .. list.Codes.Select(c => new SdmxCode(SafeId(c.Code), Both(c.Name, c.NameEn)))]));
        }

        var concepts = new List<SdmxConcept>
        {
            new(NrisSdmxMapping.FrequencyDimension, Both("Tần suất", "Frequency")),
            new(NrisSdmxMapping.IndicatorDimension, Both("Chỉ tiêu", "Indicator")),
            new(NrisSdmxMapping.DisaggregationDimension, Both("Phân tổ (_T hoặc DANHMUC:MA)", "Disaggregation (_T or CODELIST:CODE)")),
            new(NrisSdmxMapping.TerritoryDimension, Both("Địa bàn", "Reference area")),
        };
        concepts.AddRange(codelistCodes.Select(c => new SdmxConcept(SafeId(c), Both(catalogue.Codelists[c].Name, catalogue.Codelists[c].NameEn))));
        concepts.Add(new(SdmxConcepts.TimePeriod, Both("Kỳ", "Time period")));
        concepts.Add(new(SdmxConcepts.ObsValue, Both("Giá trị", "Observation value")));
        concepts.Add(new(SdmxConcepts.ObsStatus, Both("Tình trạng số liệu", "Observation status")));
        concepts.Add(new("UNIT_MEASURE", Both("Đơn vị tính", "Unit of measure")));
        concepts.Add(new(SdmxConcepts.Comment, Both("Ghi chú", "Comment")));

        var dsd = new SdmxDsd(Art("DSD_" + id), names, ConceptSchemeId,
        [
            new(NrisSdmxMapping.FrequencyDimension, "CL_FREQ"),
            new(NrisSdmxMapping.IndicatorDimension, IndicatorCodelistId(id)),
            new(NrisSdmxMapping.DisaggregationDimension, null),
            new(NrisSdmxMapping.TerritoryDimension, "CL_AREA"),
        ],
        [
            new(SdmxConcepts.ObsStatus, "CL_OBS_STATUS"),
            new("UNIT_MEASURE", null),
            new(SdmxConcepts.Comment, null),
        ]);
        return new SdmxStructures(
            codelists,
            [new SdmxConceptScheme(Art(ConceptSchemeId), Both("Khái niệm NRIS", "NRIS concepts"), concepts)],
            [dsd],
            [new SdmxDataflow(Art("DF_" + id), names, dsd.Ref)]);
    }

    /// <summary>
    /// CL_INDICATOR for the whole catalogue; CL_INDICATOR_&lt;REGIME&gt; for one regime, because a registry keys
    /// codelists by agency, id and version and two regimes' subsets must not overwrite each other.
    /// </summary>
    public static string IndicatorCodelistId(string flowId) => flowId == AllId ? "CL_INDICATOR" : "CL_INDICATOR_" + flowId;

    private static List<SdmxCode> Areas(CatalogueSnapshot catalogue, SdmxStructureOptions o)
    {
        IEnumerable<Territory> chosen;
        if (o.AreaFrom is { } from)
        {
            var range = new Validity(from, o.AreaTo);
            chosen = catalogue.Territories.All.Where(t => t.Validity.Overlaps(range));
        }
        else
        {
            // Today's units plus the 63 provinces before the 2025 reform, so older data still have their codes.
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            chosen = catalogue.Territories.AsOf(today)
                .Concat(catalogue.Territories.AsOf(new DateOnly(2025, 6, 30), TerritoryLevel.Province));
        }

        // GSO codes are reused across the reform: one SDMX code per code, named after its latest version.
        return chosen
            .GroupBy(t => t.Code, StringComparer.Ordinal)
            .Select(g => g.OrderBy(t => t.Validity.From ?? DateOnly.MinValue).Last())
            .OrderBy(t => t.Level).ThenBy(t => t.Code, StringComparer.Ordinal)
            .Select(t => new SdmxCode(SafeId(t.Code), [new("vi", t.Name), new("en", t.NameEn)]))
            .ToList();
    }

    /// <summary>The FREQ code of a periodicity (as <see cref="NrisSdmxMapping.FrequencyCode"/>).</summary>
    public static string Frequency(Periodicity periodicity) => NrisSdmxMapping.FrequencyCode(periodicity);
}
