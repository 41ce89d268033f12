using System.Globalization;
using System.Xml;
using Nris.Core.Periods;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>What an SDMX REST response is written as.</summary>
public enum SdmxMessageFormat
{
    /// <summary>SDMX-ML 2.1 generic data.</summary>
    GenericData21,

    /// <summary>SDMX-ML 2.1 structure-specific data.</summary>
    StructureSpecificData21,

    /// <summary>SDMX-ML 3.0 structure-specific data.</summary>
    Data30,

    /// <summary>SDMX-JSON 1.0 data.</summary>
    Json10,

    /// <summary>SDMX-JSON 2.0 data.</summary>
    Json20,

    /// <summary>SDMX-CSV 1.0.</summary>
    Csv10,

    /// <summary>SDMX-CSV 2.0.</summary>
    Csv20,

    /// <summary>SDMX-ML 2.1 structure message.</summary>
    Structure21,

    /// <summary>SDMX-ML 3.0 structure message.</summary>
    Structure30,

    /// <summary>SDMX-JSON 1.0 structure message.</summary>
    StructureJson10,

    /// <summary>SDMX-JSON 2.0 structure message.</summary>
    StructureJson20,
}

/// <summary>Whether a query asks for data or for structures.</summary>
public enum SdmxResourceKind
{
    /// <summary>Data (and available constraints, which we answer with the data's key values).</summary>
    Data,

    /// <summary>Structural metadata.</summary>
    Structure,
}

/// <summary>
/// A refusal of an SDMX REST query: the HTTP status, the SDMX error code (100 no results, 140 syntax error, 406 not
/// acceptable, 501 not implemented, 510 response too large) and the message in both languages.
/// </summary>
public sealed class SdmxRestException : Exception
{
    /// <summary>A refusal.</summary>
    public SdmxRestException(int status, int code, string field, string messageEn, string messageVi)
        : base(messageEn)
    {
        Status = status;
        Code = code;
        Field = field;
        MessageVi = messageVi;
    }

    /// <summary>Unused; for serializers.</summary>
    public SdmxRestException()
        : this(500, 500, "", "SDMX error", "Lỗi SDMX")
    {
    }

    /// <summary>Unused; for serializers.</summary>
    public SdmxRestException(string message)
        : this(400, SyntaxError, "", message, message)
    {
    }

    /// <summary>Unused; for serializers.</summary>
    public SdmxRestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Code = SyntaxError;
        Field = "";
        MessageVi = message;
    }

    /// <summary>SDMX "No results found".</summary>
    public const int NoResults = 100;

    /// <summary>SDMX "Syntax error".</summary>
    public const int SyntaxError = 140;

    /// <summary>SDMX "Semantic error".</summary>
    public const int SemanticError = 150;

    /// <summary>Not acceptable: no representation we write matches the Accept header (a code of ours: SDMX has none).</summary>
    public const int NotAcceptable = 406;

    /// <summary>SDMX "Not implemented".</summary>
    public const int NotImplemented = 501;

    /// <summary>SDMX "Response size exceeds service limit".</summary>
    public const int TooLarge = 510;

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The SDMX error code.</summary>
    public int Code { get; }

    /// <summary>The path segment or query parameter at fault.</summary>
    public string Field { get; }

    /// <summary>The message in Vietnamese (<see cref="Exception.Message"/> is English).</summary>
    public string MessageVi { get; }

    /// <summary>400, SDMX 140.</summary>
    public static SdmxRestException Syntax(string field, string en, string vi) => new(400, SyntaxError, field, en, vi);

    /// <summary>404, SDMX 100.</summary>
    public static SdmxRestException NotFound(string en, string vi) => new(404, NoResults, "", en, vi);

    /// <summary>501, SDMX 501.</summary>
    public static SdmxRestException Unsupported(string field, string en, string vi) => new(501, NotImplemented, field, en, vi);
}

/// <summary>
/// Content negotiation of the SDMX REST service: the standard SDMX media types (with their version parameter), the
/// generic ones (application/xml, application/json, text/csv, */*) and the <c>format</c> query parameter, which wins
/// over Accept.
/// </summary>
public static class SdmxMediaTypes
{
    /// <summary>The media type written for each format.</summary>
    public static string MediaType(SdmxMessageFormat format) => format switch
    {
        SdmxMessageFormat.GenericData21 => "application/vnd.sdmx.genericdata+xml;version=2.1",
        SdmxMessageFormat.StructureSpecificData21 => "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
        SdmxMessageFormat.Data30 => "application/vnd.sdmx.data+xml;version=3.0.0",
        SdmxMessageFormat.Json10 => "application/vnd.sdmx.data+json;version=1.0.0",
        SdmxMessageFormat.Json20 => "application/vnd.sdmx.data+json;version=2.0.0",
        SdmxMessageFormat.Csv10 => "application/vnd.sdmx.data+csv;version=1.0.0",
        SdmxMessageFormat.Csv20 => "application/vnd.sdmx.data+csv;version=2.0.0",
        SdmxMessageFormat.Structure21 => "application/vnd.sdmx.structure+xml;version=2.1",
        SdmxMessageFormat.StructureJson10 => "application/vnd.sdmx.structure+json;version=1.0.0",
        SdmxMessageFormat.StructureJson20 => "application/vnd.sdmx.structure+json;version=2.0.0",
        _ => "application/vnd.sdmx.structure+xml;version=3.0.0",
    };

    /// <summary>The values of the <c>format</c> parameter, with what each selects.</summary>
    public static IReadOnlyDictionary<string, SdmxMessageFormat> FormatParameters { get; } = new Dictionary<string, SdmxMessageFormat>(StringComparer.OrdinalIgnoreCase)
    {
        ["genericdata"] = SdmxMessageFormat.GenericData21,
        ["structurespecificdata"] = SdmxMessageFormat.StructureSpecificData21,
        ["structurespecificdata30"] = SdmxMessageFormat.Data30,
        ["jsondata"] = SdmxMessageFormat.Json10,
        ["jsondata20"] = SdmxMessageFormat.Json20,
        ["csvdata"] = SdmxMessageFormat.Csv10,
        ["csvdata20"] = SdmxMessageFormat.Csv20,
        ["structure"] = SdmxMessageFormat.Structure21,
        ["structure30"] = SdmxMessageFormat.Structure30,
        ["structurejson"] = SdmxMessageFormat.StructureJson10,
        ["structurejson20"] = SdmxMessageFormat.StructureJson20,
    };

    /// <summary>Whether a format is a structure message (SDMX-ML or SDMX-JSON).</summary>
    public static bool IsStructure(SdmxMessageFormat format) =>
        format is SdmxMessageFormat.Structure21 or SdmxMessageFormat.Structure30 or SdmxMessageFormat.StructureJson10 or SdmxMessageFormat.StructureJson20;

    /// <summary>Whether a format is an SDMX-ML (XML) one, so errors are written as SDMX-ML error messages.</summary>
    public static bool IsXml(SdmxMessageFormat format) =>
        format is SdmxMessageFormat.GenericData21 or SdmxMessageFormat.StructureSpecificData21 or SdmxMessageFormat.Data30
            or SdmxMessageFormat.Structure21 or SdmxMessageFormat.Structure30;

    /// <summary>
    /// Chooses the response format. <paramref name="apiVersion"/> 1 (SDMX 2.1 REST) defaults to SDMX-ML 2.1 (generic
    /// data), 2 (SDMX 3.0 REST) to SDMX-ML 3.0. Throws <see cref="SdmxRestException"/> 406 when nothing acceptable can
    /// be written (e.g. SDMX-JSON structures), 400 for an unknown <c>format</c>.
    /// </summary>
    public static SdmxMessageFormat Negotiate(string? accept, string? format, SdmxResourceKind kind, int apiVersion)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            if (!FormatParameters.TryGetValue(format.Trim(), out var chosen))
            {
                throw SdmxRestException.Syntax("format",
                    "Unknown format; use one of " + string.Join(", ", FormatParameters.Keys) + ".",
                    "format không hợp lệ; dùng một trong " + string.Join(", ", FormatParameters.Keys) + ".");
            }

            if ((kind == SdmxResourceKind.Structure) != IsStructure(chosen))
            {
                throw NotAcceptableError(kind);
            }

            return chosen;
        }

        var ranges = ParseAccept(accept);
        if (ranges.Count == 0)
        {
            return Default(kind, apiVersion, null);
        }

        // Highest quality first; among equals, the more specific (an SDMX type before application/xml before */*).
        foreach (var range in ranges.Where(r => r.Quality > 0).OrderByDescending(r => r.Quality).ThenByDescending(r => r.Specificity))
        {
            if (Match(range, kind, apiVersion) is { } match)
            {
                return match;
            }
        }

        throw NotAcceptableError(kind);
    }

    private static SdmxRestException NotAcceptableError(SdmxResourceKind kind) => new(406, SdmxRestException.NotAcceptable, "Accept",
        kind == SdmxResourceKind.Structure
            ? "Structures are served as SDMX-ML 2.1 (application/vnd.sdmx.structure+xml;version=2.1) or 3.0 (…;version=3.0.0), or SDMX-JSON 1.0 or 2.0 (application/vnd.sdmx.structure+json;version=1.0.0 or 2.0.0)."
            : "Data are served as SDMX-ML 2.1 generic or structure-specific, SDMX-ML 3.0, SDMX-JSON 1.0/2.0 or SDMX-CSV 1.0/2.0.",
        kind == SdmxResourceKind.Structure
            ? "Cấu trúc được trả về dạng SDMX-ML 2.1 (application/vnd.sdmx.structure+xml;version=2.1) hoặc 3.0 (…;version=3.0.0), hoặc SDMX-JSON 1.0 hoặc 2.0 (application/vnd.sdmx.structure+json;version=1.0.0 hoặc 2.0.0)."
            : "Dữ liệu được trả về dạng SDMX-ML 2.1 (generic hoặc structure-specific), SDMX-ML 3.0, SDMX-JSON 1.0/2.0 hoặc SDMX-CSV 1.0/2.0.");

    private static SdmxMessageFormat Default(SdmxResourceKind kind, int apiVersion, string? family) => (kind, family, apiVersion) switch
    {
        (SdmxResourceKind.Structure, "json", 1) => SdmxMessageFormat.StructureJson10,
        (SdmxResourceKind.Structure, "json", _) => SdmxMessageFormat.StructureJson20,
        (SdmxResourceKind.Structure, _, 1) => SdmxMessageFormat.Structure21,
        (SdmxResourceKind.Structure, _, _) => SdmxMessageFormat.Structure30,
        (_, "json", 1) => SdmxMessageFormat.Json10,
        (_, "json", _) => SdmxMessageFormat.Json20,
        (_, "csv", 1) => SdmxMessageFormat.Csv10,
        (_, "csv", _) => SdmxMessageFormat.Csv20,
        (_, _, 1) => SdmxMessageFormat.GenericData21,
        _ => SdmxMessageFormat.Data30,
    };

    private sealed record AcceptRange(string Type, string? Version, double Quality, int Specificity);

    private static SdmxMessageFormat? Match(AcceptRange r, SdmxResourceKind kind, int apiVersion)
    {
        var v = r.Version;
        bool Is(params string[] versions) => v is null || versions.Contains(v, StringComparer.Ordinal);
        var structure = kind == SdmxResourceKind.Structure;
        switch (r.Type)
        {
            case "*/*" or "application/*":
                return Default(kind, apiVersion, null);
            case "application/xml" or "text/xml":
                return Default(kind, apiVersion, "xml");
            case "application/json":
                return Default(kind, apiVersion, "json");
            case "text/csv" or "text/*":
                return structure ? null : Default(kind, apiVersion, "csv");
            case "application/vnd.sdmx.structure+xml":
                return !structure ? null : v is null ? Default(kind, apiVersion, null)
                    : Is("2.1") ? SdmxMessageFormat.Structure21 : Is("3.0.0", "3.0") ? SdmxMessageFormat.Structure30 : null;
            case "application/vnd.sdmx.structure+json":
                return !structure ? null : v is null ? Default(kind, apiVersion, "json")
                    : Is("1.0.0", "1.0") ? SdmxMessageFormat.StructureJson10 : Is("2.0.0", "2.0") ? SdmxMessageFormat.StructureJson20 : null;
            case "application/vnd.sdmx.genericdata+xml":
                return !structure && Is("2.1") ? SdmxMessageFormat.GenericData21 : null;
            case "application/vnd.sdmx.structurespecificdata+xml":
                return !structure && Is("2.1") ? SdmxMessageFormat.StructureSpecificData21 : null;
            case "application/vnd.sdmx.data+xml":
                return !structure && Is("3.0.0", "3.0") ? SdmxMessageFormat.Data30 : null;
            case "application/vnd.sdmx.data+json":
                return structure ? null : v is null ? Default(kind, apiVersion, "json")
                    : Is("1.0.0", "1.0") ? SdmxMessageFormat.Json10 : Is("2.0.0", "2.0") ? SdmxMessageFormat.Json20 : null;
            case "application/vnd.sdmx.data+csv":
                return structure ? null : v is null ? Default(kind, apiVersion, "csv")
                    : Is("1.0.0", "1.0") ? SdmxMessageFormat.Csv10 : Is("2.0.0", "2.0") ? SdmxMessageFormat.Csv20 : null;
            default:
                return null;
        }
    }

    private static List<AcceptRange> ParseAccept(string? accept)
    {
        var result = new List<AcceptRange>();
        if (string.IsNullOrWhiteSpace(accept))
        {
            return result;
        }

        // A header longer than this is not a real client's; it gets the default rather than unbounded work.
        foreach (var part in accept.Length > 4096 ? [] : accept.Split(','))
        {
            var pieces = part.Split(';');
            var type = pieces[0].Trim().ToLowerInvariant();
            if (type.Length == 0)
            {
                continue;
            }

            string? version = null;
            var quality = 1.0;
            foreach (var p in pieces.Skip(1))
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    continue;
                }

                var name = p[..eq].Trim().ToLowerInvariant();
                var value = p[(eq + 1)..].Trim().Trim('"');
                if (name == "q" && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q))
                {
                    quality = Math.Clamp(q, 0, 1);
                }
                else if (name == "version")
                {
                    version = value;
                }
            }

            var specificity = type == "*/*" ? 0 : type.EndsWith("/*", StringComparison.Ordinal) ? 1 : type.Contains("vnd.sdmx", StringComparison.Ordinal) ? 3 : 2;
            result.Add(new AcceptRange(type, version, quality, specificity));
        }

        return result;
    }
}

/// <summary>One component filter: the values asked for (ORs) and, for the time dimension, comparisons.</summary>
/// <param name="Values">Accepted codes (null: any).</param>
/// <param name="Conditions">Operator and operand pairs (v2 <c>c[DIM]=ge:2020</c>); all must hold.</param>
public sealed record SdmxComponentFilter(IReadOnlySet<string>? Values, IReadOnlyList<(string Operator, string Operand)> Conditions);

/// <summary>
/// A parsed SDMX REST data query: the key (one set of codes per dimension, null = wildcard), component filters, the
/// time range, first/last N observations per series and the detail. <see cref="Apply"/> runs it over observations,
/// so the server's only work is to gather the candidate observations.
/// </summary>
public sealed class SdmxDataQuery
{
    /// <summary>The largest number of observations one response may carry (413 beyond).</summary>
    public const int DefaultMaxObservations = 500_000;

    private SdmxDataQuery(IReadOnlyList<string> dimensionIds)
    {
        DimensionIds = dimensionIds;
    }

    /// <summary>The dimension ids in key order (without the time dimension).</summary>
    public IReadOnlyList<string> DimensionIds { get; }

    /// <summary>Per dimension id, its filter (from the key and from <c>c[…]</c> parameters).</summary>
    public Dictionary<string, SdmxComponentFilter> Filters { get; } = new(StringComparer.Ordinal);

    /// <summary>Periods ending before this day are left out.</summary>
    public DateOnly? Start { get; private set; }

    /// <summary>Periods starting after this day are left out.</summary>
    public DateOnly? End { get; private set; }

    /// <summary>Only values changed after this time (the server filters on it).</summary>
    public DateTimeOffset? UpdatedAfter { get; private set; }

    /// <summary>The first N observations of each series.</summary>
    public int? FirstN { get; private set; }

    /// <summary>The last N observations of each series.</summary>
    public int? LastN { get; private set; }

    /// <summary>Whether attributes are dropped (detail=dataonly, v2 attributes=none).</summary>
    public bool DataOnly => Detail == SdmxDataDetail.DataOnly;

    /// <summary>The detail asked for (v1 <c>detail</c>; v2 <c>attributes=none</c> is dataonly). Default full.</summary>
    public SdmxDataDetail Detail { get; private set; }

    /// <summary>
    /// The dimension at observation level: TIME_PERIOD (SDMX's default), another dimension id, or AllDimensions
    /// (<see cref="SdmxDataLayout.AllDimensions"/>, the flat layout).
    /// </summary>
    public string DimensionAtObservation { get; private set; } = SdmxConcepts.TimePeriod;

    /// <summary>The message layout this query asks for.</summary>
    public SdmxDataLayout Layout => new(DimensionAtObservation, Detail);

    /// <summary>
    /// The same query without the key part or filter of <paramref name="componentId"/> (for TIME_PERIOD: without the time
    /// range and time filter). Availability in mode=available asks, per component, what the other selections leave.
    /// </summary>
    public SdmxDataQuery Without(string componentId)
    {
        var time = componentId == SdmxConcepts.TimePeriod;
        var q = new SdmxDataQuery(DimensionIds)
        {
            Start = time ? null : Start,
            End = time ? null : End,
            UpdatedAfter = UpdatedAfter,
            FirstN = FirstN,
            LastN = LastN,
            Detail = Detail,
            DimensionAtObservation = DimensionAtObservation,
        };
        foreach (var (id, filter) in Filters)
        {
            if (id != componentId)
            {
                q.Filters[id] = filter;
            }
        }

        return q;
    }

    /// <summary>The codes the key or filters allow for <paramref name="dimensionId"/>, or null for any.</summary>
    public IReadOnlySet<string>? ValuesOf(string dimensionId) => Filters.TryGetValue(dimensionId, out var f) ? f.Values : null;

    /// <summary>
    /// Parses a query. <paramref name="key"/> is the dot-separated key ("all", "*" or empty for everything; each part
    /// empty or "*" for any code, codes joined by '+' or ',' for ORs). <paramref name="parameters"/> are the query
    /// parameters by name (case-sensitive as in SDMX): startPeriod, endPeriod, updatedAfter, firstNObservations,
    /// lastNObservations, dimensionAtObservation, detail (v1) or attributes/measures (v2), and c[DIM] (v2).
    /// </summary>
    public static SdmxDataQuery Parse(string? key, IReadOnlyList<string> dimensionIds, IReadOnlyDictionary<string, string?> parameters)
    {
        ArgumentNullException.ThrowIfNull(dimensionIds);
        ArgumentNullException.ThrowIfNull(parameters);
        var q = new SdmxDataQuery(dimensionIds);
        q.ParseKey(key);
        var measuresNone = false;
        foreach (var (name, raw) in parameters)
        {
            var value = raw?.Trim() ?? "";
            switch (name)
            {
                case "startPeriod":
                    q.Start = ParseTime(name, value).Start;
                    break;
                case "endPeriod":
                    q.End = ParseTime(name, value).End;
                    break;
                case "updatedAfter":
                    if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var after))
                    {
                        throw SdmxRestException.Syntax(name, "updatedAfter is an ISO 8601 date and time, e.g. 2026-05-01T00:00:00Z.",
                            "updatedAfter là ngày giờ ISO 8601, ví dụ 2026-05-01T00:00:00Z.");
                    }

                    q.UpdatedAfter = after;
                    break;
                case "firstNObservations":
                    q.FirstN = ParseCount(name, value);
                    break;
                case "lastNObservations":
                    q.LastN = ParseCount(name, value);
                    break;
                case "dimensionAtObservation":
                    if (value.Length > 0)
                    {
                        if (value != SdmxDataLayout.AllDimensions && value != SdmxConcepts.TimePeriod && !dimensionIds.Contains(value, StringComparer.Ordinal))
                        {
                            throw SdmxRestException.Syntax(name, $"'{Short(value)}' is not a dimension of this dataflow; use TIME_PERIOD, AllDimensions or one of {string.Join(", ", dimensionIds)}.",
                                $"'{Short(value)}' không phải là chiều của dataflow này; dùng TIME_PERIOD, AllDimensions hoặc một trong {string.Join(", ", dimensionIds)}.");
                        }

                        q.DimensionAtObservation = value;
                    }

                    break;
                case "detail":
                    q.Detail = value.ToLowerInvariant() switch
                    {
                        "" or "full" => SdmxDataDetail.Full,
                        "dataonly" => SdmxDataDetail.DataOnly,
                        "serieskeysonly" => SdmxDataDetail.SeriesKeysOnly,
                        "nodata" => SdmxDataDetail.NoData,
                        _ => throw SdmxRestException.Syntax(name, "detail is full, dataonly, serieskeysonly or nodata.",
                            "detail là full, dataonly, serieskeysonly hoặc nodata."),
                    };
                    break;
                case "attributes":
                    // v2: "dsd" (the default: all) or "none"; others are a selection we do not serve.
                    q.Detail = value.ToLowerInvariant() switch
                    {
                        "" or "dsd" or "all" => q.Detail,
                        "none" => SdmxDataDetail.DataOnly,
                        _ => throw SdmxRestException.Unsupported(name, "attributes is dsd, all or none.", "attributes là dsd, all hoặc none."),
                    };
                    break;
                case "measures" or "includeHistory" or "format" or "references":
                    if (name == "measures" && value.Length > 0 && value.ToLowerInvariant() is not ("all" or "obs_value" or "none"))
                    {
                        throw SdmxRestException.Unsupported(name, "measures is all, OBS_VALUE or none (OBS_VALUE is the only measure).",
                            "measures là all, OBS_VALUE hoặc none (OBS_VALUE là chỉ tiêu đo duy nhất).");
                    }

                    measuresNone |= name == "measures" && value.Equals("none", StringComparison.OrdinalIgnoreCase);

                    if (name == "includeHistory" && value.Equals("true", StringComparison.OrdinalIgnoreCase))
                    {
                        throw SdmxRestException.Unsupported(name, "includeHistory=true is not served; see /api/reports for versions.",
                            "Không hỗ trợ includeHistory=true; xem các phiên bản tại /api/reports.");
                    }

                    break;
                default:
                    if (name.StartsWith("c[", StringComparison.Ordinal) && name.EndsWith(']'))
                    {
                        q.ParseComponentFilter(name[2..^1], value);
                    }

                    break;
            }
        }

        // v2 has no detail: measures=none is series without observations, with attributes=none too only their keys.
        if (measuresNone)
        {
            q.Detail = q.Detail == SdmxDataDetail.DataOnly ? SdmxDataDetail.SeriesKeysOnly : SdmxDataDetail.NoData;
        }

        // firstNObservations with lastNObservations is allowed by SDMX: the union of the first N and the last N of each series.

        return q;
    }

    private void ParseKey(string? key)
    {
        var k = key?.Trim() ?? "";
        if (k.Length == 0 || k == "all" || k == "*")
        {
            return;
        }

        if (k.Length > 4096)
        {
            throw SdmxRestException.Syntax("key", "The key is too long.", "Khóa quá dài.");
        }

        var parts = k.Split('.');
        if (parts.Length != DimensionIds.Count)
        {
            throw SdmxRestException.Syntax("key",
                string.Create(CultureInfo.InvariantCulture, $"The key has {parts.Length} parts; this dataflow has {DimensionIds.Count} dimensions ({string.Join(".", DimensionIds)}), e.g. A.POP_AVG._T.01+79 or A...01"),
                string.Create(CultureInfo.InvariantCulture, $"Khóa có {parts.Length} phần; dataflow này có {DimensionIds.Count} chiều ({string.Join(".", DimensionIds)}), ví dụ A.POP_AVG._T.01+79 hoặc A...01."));
        }

        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (part.Length == 0 || part == "*")
            {
                continue;
            }

            var codes = part.Split('+', ',', ' ').Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);
            Filters[DimensionIds[i]] = new SdmxComponentFilter(codes, []);
        }
    }

    private void ParseComponentFilter(string component, string value)
    {
        if (component != SdmxConcepts.TimePeriod && !DimensionIds.Contains(component, StringComparer.Ordinal))
        {
            throw SdmxRestException.Syntax("c[" + Short(component) + "]", $"'{Short(component)}' is not a dimension of this dataflow ({string.Join(", ", DimensionIds)}, TIME_PERIOD).",
                $"'{Short(component)}' không phải là chiều của dataflow này ({string.Join(", ", DimensionIds)}, TIME_PERIOD).");
        }

        var field = "c[" + component + "]";
        HashSet<string>? values = null;
        var conditions = new List<(string, string)>();
        // ',' separates alternatives, '+' (a space once URL-decoded) joins conditions that must all hold.
        foreach (var alternative in value.Split(','))
        {
            foreach (var term in alternative.Split('+', ' ').Where(t => t.Length > 0))
            {
                var colon = term.IndexOf(':', StringComparison.Ordinal);
                var op = colon > 0 ? term[..colon] : "eq";
                var operand = colon > 0 ? term[(colon + 1)..] : term;
                // A DISAGG code holds ':' itself (SEX:F): only the operators below count as operators.
                if (colon > 0 && op is not ("eq" or "ne" or "lt" or "le" or "gt" or "ge" or "co" or "nc" or "sw" or "ew"))
                {
                    op = "eq";
                    operand = term;
                }

                if (op == "eq")
                {
                    (values ??= new HashSet<string>(StringComparer.Ordinal)).Add(operand);
                }
                else
                {
                    if (component == SdmxConcepts.TimePeriod && op is "lt" or "le" or "gt" or "ge")
                    {
                        _ = ParseTime(field, operand);
                    }

                    conditions.Add((op, operand));
                }
            }
        }

        if (component == SdmxConcepts.TimePeriod)
        {
            if (values is not null)
            {
                foreach (var v in values)
                {
                    _ = ParseTime(field, v);
                }
            }
        }

        Filters[component] = Filters.TryGetValue(component, out var existing) && existing.Values is { } keyed
            ? new SdmxComponentFilter(values is null ? keyed : keyed.Intersect(values).ToHashSet(StringComparer.Ordinal), conditions)
            : new SdmxComponentFilter(values, conditions);
    }

    /// <summary>
    /// Runs the query over <paramref name="observations"/>: key and filters, time range, first/last N per series,
    /// detail. Observations whose period cannot be read are kept only when no time condition applies.
    /// Throws 413 beyond <paramref name="maxObservations"/> and 404 when nothing is left.
    /// </summary>
    public IReadOnlyList<ExchangeObservation> Apply(IEnumerable<ExchangeObservation> observations, int maxObservations = DefaultMaxObservations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var kept = new List<(ExchangeObservation Obs, Period? Period)>();
        foreach (var o in observations)
        {
            if (!MatchesKey(o))
            {
                continue;
            }

            Period? period = NrisSdmxMapping.TryParsePeriod(o.TimePeriod, out var p) ? p : null;
            if (!MatchesTime(o.TimePeriod, period))
            {
                continue;
            }

            kept.Add((o, period));
        }

        IEnumerable<(ExchangeObservation Obs, Period? Period)> result = kept;
        if (FirstN is not null || LastN is not null)
        {
            var selected = new List<(ExchangeObservation, Period?)>();
            foreach (var series in kept.GroupBy(k => SeriesKey(k.Obs), StringComparer.Ordinal))
            {
                var ordered = series.OrderBy(k => k.Period?.Start ?? DateOnly.MinValue).ThenBy(k => k.Obs.TimePeriod, StringComparer.Ordinal).ToList();
                var chosen = new HashSet<int>();
                for (var i = 0; i < ordered.Count; i++)
                {
                    if ((FirstN is { } f && i < f) || (LastN is { } l && i >= ordered.Count - l))
                    {
                        chosen.Add(i);
                    }
                }

                selected.AddRange(chosen.Order().Select(i => ordered[i]));
            }

            result = selected;
        }

        var list = new List<ExchangeObservation>();
        foreach (var (o, _) in result)
        {
            if (list.Count >= maxObservations)
            {
                throw new SdmxRestException(413, SdmxRestException.TooLarge, "key",
                    string.Create(CultureInfo.InvariantCulture, $"The answer has more than {maxObservations} observations; narrow the key or the time range (startPeriod, endPeriod)."),
                    string.Create(CultureInfo.InvariantCulture, $"Kết quả có hơn {maxObservations} quan sát; hãy thu hẹp khóa hoặc khoảng thời gian (startPeriod, endPeriod)."));
            }

            list.Add(DataOnly ? o with { Attributes = ExchangeObservation.None } : o);
        }

        if (list.Count == 0)
        {
            throw SdmxRestException.NotFound("No data match the query.", "Không có số liệu phù hợp với truy vấn.");
        }

        return list;
    }

    private string SeriesKey(ExchangeObservation o) => string.Join('.', DimensionIds.Select(d => o.Dimension(d) ?? ""));

    private bool MatchesKey(ExchangeObservation o)
    {
        foreach (var (id, filter) in Filters)
        {
            if (id == SdmxConcepts.TimePeriod)
            {
                continue;
            }

            var code = o.Dimension(id) ?? "";
            if (filter.Values is { } values && !values.Contains(code))
            {
                return false;
            }

            foreach (var (op, operand) in filter.Conditions)
            {
                var holds = op switch
                {
                    "ne" => code != operand,
                    "co" => code.Contains(operand, StringComparison.Ordinal),
                    "nc" => !code.Contains(operand, StringComparison.Ordinal),
                    "sw" => code.StartsWith(operand, StringComparison.Ordinal),
                    "ew" => code.EndsWith(operand, StringComparison.Ordinal),
                    "lt" => string.CompareOrdinal(code, operand) < 0,
                    "le" => string.CompareOrdinal(code, operand) <= 0,
                    "gt" => string.CompareOrdinal(code, operand) > 0,
                    _ => string.CompareOrdinal(code, operand) >= 0,
                };
                if (!holds)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool MatchesTime(string text, Period? period)
    {
        var time = Filters.GetValueOrDefault(SdmxConcepts.TimePeriod);
        if (Start is null && End is null && time is null)
        {
            return true;
        }

        if (period is not { } p)
        {
            return false;
        }

        if ((Start is { } s && p.End < s) || (End is { } e && p.Start > e))
        {
            return false;
        }

        if (time is null)
        {
            return true;
        }

        if (time.Values is { } values && !values.Any(v => ParseTime("c[TIME_PERIOD]", v) is var t && t.Start <= p.Start && p.End <= t.End) &&
            !values.Contains(text))
        {
            return false;
        }

        foreach (var (op, operand) in time.Conditions)
        {
            var t = ParseTime("c[TIME_PERIOD]", operand);
            var holds = op switch
            {
                "ge" => p.Start >= t.Start,
                "gt" => p.Start > t.End,
                "le" => p.End <= t.End,
                "lt" => p.End < t.Start,
                "ne" => !(p.Start == t.Start && p.End == t.End),
                _ => true,
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A time parameter: a period in SDMX or our notation (2026, 2026-Q2, 2026-05, 2026-M05, 2026-05-14, 2026-W20, 2026-S1).</summary>
    private static (DateOnly Start, DateOnly End) ParseTime(string field, string value)
    {
        if (NrisSdmxMapping.TryParsePeriod(value, out var p))
        {
            return (p.Start, p.End);
        }

        throw SdmxRestException.Syntax(field,
            $"'{Short(value)}' is not a period; use e.g. 2026, 2026-S1, 2026-Q2, 2026-05, 2026-W20 or 2026-05-14.",
            $"'{Short(value)}' không phải là kỳ; dùng ví dụ 2026, 2026-S1, 2026-Q2, 2026-05, 2026-W20 hoặc 2026-05-14.");
    }

    private static int ParseCount(string field, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw SdmxRestException.Syntax(field, field + " is a whole number of 1 or more.", field + " là số nguyên từ 1 trở lên.");

    internal static string Short(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

/// <summary>
/// Structure queries: which artefacts of a set answer <c>/{type}/{agency}/{id}/{version}</c> with <c>references</c>.
/// Agency, id and version accept "all", "*", "latest" and "~" (v2) as wildcards, and v2's comma-separated lists.
/// </summary>
public static class SdmxStructureQuery
{
    /// <summary>The structure types served.</summary>
    public static IReadOnlyList<string> Types { get; } = ["dataflow", "datastructure", "codelist", "conceptscheme"];

    /// <summary>Selects the artefacts; throws 404 when none matches, 501 for references we do not follow, 400 for a bad value.</summary>
    public static SdmxStructures Select(SdmxStructures all, string type, string? agency, string? id, string? version, string? references, string? detail)
    {
        ArgumentNullException.ThrowIfNull(all);
        var t = (type ?? "").ToLowerInvariant();
        if (t is "structure" or "*")
        {
            t = "all";
        }

        if (t != "all" && !Types.Contains(t))
        {
            throw SdmxRestException.Unsupported("type", $"Structure type '{SdmxDataQuery.Short(type ?? "")}' is not served; we serve {string.Join(", ", Types)}.",
                $"Không hỗ trợ loại cấu trúc '{SdmxDataQuery.Short(type ?? "")}'; chỉ hỗ trợ {string.Join(", ", Types)}.");
        }

        var d = (detail ?? "full").ToLowerInvariant();
        if (d != "full")
        {
            throw SdmxRestException.Unsupported("detail", "Only detail=full is served.", "Chỉ hỗ trợ detail=full.");
        }

        var refs = (references ?? "none").ToLowerInvariant();
        if (refs is not ("none" or "parents" or "parentsandsiblings" or "children" or "descendants" or "all" or "dataflow" or "datastructure" or "codelist" or "conceptscheme"))
        {
            throw SdmxRestException.Unsupported("references",
                "references is none, parents, parentsandsiblings, children, descendants, all, or one of dataflow, datastructure, codelist, conceptscheme.",
                "references là none, parents, parentsandsiblings, children, descendants, all, hoặc dataflow, datastructure, codelist, conceptscheme.");
        }

        bool Hit(SdmxArtefactId a) => Matches(agency, a.Agency) && Matches(id, a.Id) && Matches(version, a.Version);
        var flows = all.Dataflows.Where(f => (t is "all" or "dataflow") && Hit(f.Ref)).ToList();
        var dsds = all.DataStructures.Where(s => (t is "all" or "datastructure") && Hit(s.Ref)).ToList();
        var lists = all.Codelists.Where(c => (t is "all" or "codelist") && Hit(c.Ref)).ToList();
        var schemes = all.ConceptSchemes.Where(c => (t is "all" or "conceptscheme") && Hit(c.Ref)).ToList();
        if (flows.Count + dsds.Count + lists.Count + schemes.Count == 0)
        {
            throw SdmxRestException.NotFound("No structure matches the query (or none you may read).", "Không có cấu trúc nào phù hợp (hoặc bạn không được xem).");
        }

        var down = refs is "children" or "descendants" or "all";
        var up = refs is "parents" or "parentsandsiblings" or "all";
        // Parents are of the artefacts asked for, not of their children: taken before anything is added.
        var askedLists = lists.ToList();
        var askedSchemes = schemes.ToList();
        var askedDsds = dsds.ToList();
        var parentDsds = all.DataStructures.Where(s => askedLists.Any(c => UsesCodelist(s, c)) ||
            askedSchemes.Any(c => s.ConceptScheme == c.Ref.Id && s.Ref.Agency == c.Ref.Agency)).ToList();
        var parentFlows = all.Dataflows.Where(f => askedDsds.Any(s => s.Ref == f.Structure)).ToList();

        // Down: a dataflow's DSD; a DSD's codelists and concept scheme (a dataflow's children stop at its DSD).
        var childDsds = all.DataStructures.Where(s => flows.Any(f => f.Structure == s.Ref)).ToList();
        if (down || refs == "datastructure")
        {
            dsds.AddRange(childDsds);
        }

        if (down || refs is "codelist" or "conceptscheme")
        {
            var reach = refs is "children" ? askedDsds : [.. askedDsds, .. childDsds];
            if (refs != "conceptscheme")
            {
                lists.AddRange(all.Codelists.Where(c => reach.Any(s => UsesCodelist(s, c))));
            }

            if (refs != "codelist")
            {
                schemes.AddRange(all.ConceptSchemes.Where(c => reach.Any(s => s.ConceptScheme == c.Ref.Id && s.Ref.Agency == c.Ref.Agency)));
            }
        }

        // Up: the DSDs using an asked codelist or scheme; the dataflows using an asked DSD.
        if (up || refs == "datastructure")
        {
            dsds.AddRange(parentDsds);
        }

        if (up || refs == "dataflow")
        {
            flows.AddRange(parentFlows);
        }

        if (refs is "parentsandsiblings")
        {
            // Siblings: the other artefacts the parents use.
            lists.AddRange(all.Codelists.Where(c => parentDsds.Any(s => UsesCodelist(s, c))));
            dsds.AddRange(all.DataStructures.Where(s => parentFlows.Any(f => f.Structure == s.Ref)));
        }

        return new SdmxStructures(Distinct(lists, c => c.Ref), Distinct(schemes, c => c.Ref), Distinct(dsds, s => s.Ref), Distinct(flows, f => f.Ref));
    }

    private static bool UsesCodelist(SdmxDsd dsd, SdmxCodelist list) =>
        dsd.Ref.Agency == list.Ref.Agency && dsd.Dimensions.Concat(dsd.Attributes).Any(c => c.Codelist == list.Ref.Id);

    private static List<T> Distinct<T>(IEnumerable<T> items, Func<T, SdmxArtefactId> key) =>
        items.DistinctBy(key).OrderBy(i => key(i).Id, StringComparer.Ordinal).ToList();

    /// <summary>Whether a path value (with wildcards and v2 lists) matches an artefact's agency, id or version.</summary>
    public static bool Matches(string? pattern, string value)
    {
        var p = pattern?.Trim() ?? "";
        if (p.Length == 0 || p is "all" or "*" or "latest" or "~" or "+")
        {
            return true;
        }

        return p.Split(',', '+').Any(alternative => alternative == value || (alternative.EndsWith('*') && value.StartsWith(alternative[..^1], StringComparison.Ordinal)));
    }

    /// <summary>Splits a v1 flow reference ("NRIS,DF_X,1.0", "DF_X", "NRIS,DF_X", "all") into agency, id and version.</summary>
    public static (string? Agency, string Id, string? Version) SplitFlowRef(string flowRef)
    {
        var parts = (flowRef ?? "").Split(',');
        return parts.Length switch
        {
            1 => (null, parts[0], null),
            2 => (parts[0], parts[1], null),
            3 => (parts[0], parts[1], parts[2]),
            _ => throw SdmxRestException.Syntax("flowRef", "flowRef is ID, AGENCY,ID or AGENCY,ID,VERSION.", "flowRef là ID, AGENCY,ID hoặc AGENCY,ID,VERSION."),
        };
    }
}

/// <summary>Writes SDMX-ML 2.1 error messages (<c>mes:Error</c>), the body of an SDMX REST refusal for XML clients.</summary>
public static class SdmxErrorMessage
{
    /// <summary>Writes the error with its code and the message in English and Vietnamese.</summary>
    public static void Write(Stream stream, int code, string messageEn, string messageVi)
    {
        ArgumentNullException.ThrowIfNull(stream);
        const string mes = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message";
        const string com = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common";
        using var w = XmlWriter.Create(stream, SafeXml.WriterSettings());
        w.WriteStartDocument();
        w.WriteStartElement("mes", "Error", mes);
        w.WriteAttributeString("xmlns", "com", null, com);
        w.WriteStartElement("mes", "ErrorMessage", mes);
        w.WriteAttributeString("code", code.ToString(CultureInfo.InvariantCulture));
        foreach (var (lang, text) in new[] { ("en", messageEn), ("vi", messageVi) })
        {
            w.WriteStartElement("com", "Text", com);
            w.WriteAttributeString("xml", "lang", "http://www.w3.org/XML/1998/namespace", lang);
            w.WriteString(text);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }
}
