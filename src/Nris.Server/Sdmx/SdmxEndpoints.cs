using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;
using Nris.Server.Aggregation;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Storage;

namespace Nris.Server.Sdmx;

/// <summary>
/// The SDMX REST service (docs/exchange.md, "SDMX REST service"): API v1 (SDMX 2.1) under <c>/sdmx/rest</c> and API v2
/// (SDMX 3.0) under <c>/sdmx/2</c>. A dataflow is a regime (DF_&lt;REGIME&gt;, the structures of
/// <see cref="SdmxStructureBuilder.ForRegime"/>); its data are the current reported values of that regime's reports.
/// Who reads what is <see cref="AggregateScope"/>'s rule: a public regime is open data for everyone (an administrator
/// makes a dataflow public by publishing the regime with classification public); any other regime is read by
/// authenticated callers whose grant reaches its classification, at the territories of their grants. A dataflow the
/// caller may not read does not exist for it (404).
/// </summary>
public static class SdmxEndpoints
{
    private const string StructureTypes = "regex(^(dataflow|datastructure|codelist|conceptscheme|structure)$)";

    public static IEndpointRouteBuilder MapSdmxEndpoints(this IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/sdmx/rest").WithTags("SDMX");
        v1.MapGet("/{type:" + StructureTypes + "}/{agency?}/{id?}/{version?}", (string type, string? agency, string? id, string? version, HttpContext http,
                AccessScope scope, SdmxCatalogue catalogue, TimeProvider time) => Structure(1, type, agency, id, version, http, scope, catalogue, time))
            .RequireNrisAccess(NrisAccess.Public)
            .WithSummary("SDMX 2.1 structures: dataflow, datastructure, codelist, conceptscheme (references, detail=full), as SDMX-ML or SDMX-JSON.");
        v1.MapGet("/data/{flowRef}/{key?}/{providerRef?}", (string flowRef, string? key, string? providerRef, HttpContext http, AccessScope scope,
                SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct) =>
                DataV1Async(flowRef, key, providerRef, http, scope, catalogue, db, time, ct))
            .RequireNrisAccess(NrisAccess.Public)
            .WithSummary("SDMX 2.1 data of a dataflow: key (M.A+B..), startPeriod, endPeriod, updatedAfter, first/lastNObservations, detail.");
        v1.MapGet("/availableconstraint/{flowRef}/{key?}/{providerRef?}/{componentId?}", (string flowRef, string? key, string? providerRef, string? componentId,
                HttpContext http, AccessScope scope, SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct) =>
                AvailabilityV1Async(flowRef, key, providerRef, componentId, http, scope, catalogue, db, time, ct))
            .RequireNrisAccess(NrisAccess.Public)
            .WithSummary("SDMX 2.1 availability: an Actual content constraint with the codes present in the data matching the key (mode=exact|available).");

        var v2 = routes.MapGroup("/sdmx/2").WithTags("SDMX");
        v2.MapGet("/structure/{type}/{agency?}/{id?}/{version?}", (string type, string? agency, string? id, string? version, HttpContext http,
                AccessScope scope, SdmxCatalogue catalogue, TimeProvider time) => Structure(2, type, agency, id, version, http, scope, catalogue, time))
            .RequireNrisAccess(NrisAccess.Public)
            .WithSummary("SDMX 3.0 structures (dataflow, datastructure, codelist, conceptscheme; * and ~ wildcards).");
        v2.MapGet("/data/dataflow/{agency}/{id}/{version?}/{key?}", (string agency, string id, string? version, string? key, HttpContext http,
                AccessScope scope, SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct) =>
                DataAsync(2, agency, id, version, key, null, http, scope, catalogue, db, time, ct))
            .RequireNrisAccess(NrisAccess.Public)
            .WithSummary("SDMX 3.0 data of a dataflow: key, c[DIM]= filters, updatedAfter, first/lastNObservations, attributes.");
        v2.MapGet("/availability/dataflow/{agency}/{id}/{version?}/{key?}/{componentId?}", (string agency, string id, string? version, string? key, string? componentId,
                HttpContext http, AccessScope scope, SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct) =>
                AvailabilityAsync(2, agency, id, version, key, null, componentId, http, scope, catalogue, db, time, ct))
            .RequireNrisAccess(NrisAccess.Public)
            .WithSummary("SDMX 3.0 availability: an Actual data constraint with the codes present for the key and c[DIM]= filters (mode=exact|available).");
        return routes;
    }

    // ------------------------------------------------------------------ structures

    private static IResult Structure(int api, string type, string? agency, string? id, string? version, HttpContext http, AccessScope scope,
        SdmxCatalogue catalogue, TimeProvider time)
    {
        try
        {
            var format = SdmxMediaTypes.Negotiate(Accept(http), http.Request.Query["format"], SdmxResourceKind.Structure, api);
            var all = catalogue.Readable(scope);
            var selected = SdmxStructureQuery.Select(all, type, agency, id, version, http.Request.Query["references"], http.Request.Query["detail"]);
            var header = SdmxHeader.Now(time);
            return new SdmxResult(format, stream =>
            {
                switch (format)
                {
                    case SdmxMessageFormat.StructureJson10 or SdmxMessageFormat.StructureJson20:
                        SdmxJsonStructure.Write(stream, selected, format == SdmxMessageFormat.StructureJson10 ? SdmxJsonVersion.V10 : SdmxJsonVersion.V20, header);
                        break;
                    default:
                        SdmxStructureWriter.Write(stream, selected, format == SdmxMessageFormat.Structure30 ? SdmxStructureFormat.Ml30 : SdmxStructureFormat.Ml21, header);
                        break;
                }
            });
        }
        catch (SdmxRestException e)
        {
            return Error(http, e);
        }
    }

    // ------------------------------------------------------------------ data

    private static Task<IResult> DataV1Async(string flowRef, string? key, string? providerRef, HttpContext http, AccessScope scope,
        SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var (agency, id, version) = SdmxStructureQuery.SplitFlowRef(flowRef);
            return DataAsync(1, agency, id, version, key, providerRef, http, scope, catalogue, db, time, ct);
        }
        catch (SdmxRestException e)
        {
            return Task.FromResult(Error(http, e));
        }
    }

    private static async Task<IResult> DataAsync(int api, string? agency, string id, string? version, string? key, string? providerRef,
        HttpContext http, AccessScope scope, SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var format = SdmxMediaTypes.Negotiate(Accept(http), http.Request.Query["format"], SdmxResourceKind.Data, api);
            var flow = catalogue.FindFlow(scope, agency, id, version)
                ?? throw SdmxRestException.NotFound($"There is no dataflow '{Short(id)}' you may read.", $"Không có dataflow '{Short(id)}' mà bạn được xem.");
            var parameters = http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
            var query = SdmxDataQuery.Parse(key, NrisSdmxMapping.DimensionIds, parameters);
            var providers = Providers(providerRef);
            var observations = await ReadObservationsAsync(flow, query, providers, scope, catalogue.Catalogue.Current, db, ct);
            var selected = query.Apply(observations, catalogue.MaxObservations);
            var data = new ExchangeDataSet(flow.StructureReference, selected);
            var layout = query.Layout;
            return new SdmxResult(format, stream => WriteData(stream, data, format, layout, SdmxHeader.Now(time)));
        }
        catch (SdmxRestException e)
        {
            return Error(http, e);
        }
    }

    private static Task<IResult> AvailabilityV1Async(string flowRef, string? key, string? providerRef, string? componentId, HttpContext http,
        AccessScope scope, SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var (agency, id, version) = SdmxStructureQuery.SplitFlowRef(flowRef);
            return AvailabilityAsync(1, agency, id, version, key, providerRef, componentId, http, scope, catalogue, db, time, ct);
        }
        catch (SdmxRestException e)
        {
            return Task.FromResult(Error(http, e));
        }
    }

    /// <summary>
    /// Availability, shared by v1 (/availableconstraint) and v2 (/availability): mode=exact lists, per component, the codes
    /// of the data matching the whole query; mode=available the codes of the data matching the query without that
    /// component's own selection (what a user could still pick). v1 answers SDMX-ML 2.1, v2 SDMX-ML 3.0 (or 2.1 on request).
    /// </summary>
    private static async Task<IResult> AvailabilityAsync(int api, string? agency, string id, string? version, string? key, string? providerRef, string? componentId,
        HttpContext http, AccessScope scope, SdmxCatalogue catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var format = SdmxMediaTypes.Negotiate(Accept(http), http.Request.Query["format"], SdmxResourceKind.Structure, api);
            if (format is not (SdmxMessageFormat.Structure21 or SdmxMessageFormat.Structure30))
            {
                throw SdmxRestException.Unsupported("Accept", "Availability is served as SDMX-ML 2.1 or 3.0 (application/vnd.sdmx.structure+xml;version=2.1 or 3.0.0).",
                    "Thông tin số liệu hiện có chỉ trả về dạng SDMX-ML 2.1 hoặc 3.0 (application/vnd.sdmx.structure+xml;version=2.1 hoặc 3.0.0).");
            }

            var mode = http.Request.Query["mode"].ToString();
            if (mode is not ("" or "exact" or "available"))
            {
                throw SdmxRestException.Syntax("mode", "mode is exact or available.", "mode là exact hoặc available.");
            }

            var component = componentId?.Trim() is { Length: > 0 } c && c != "*" ? c : "all";
            if (component is not ("all" or SdmxConcepts.TimePeriod) && !NrisSdmxMapping.DimensionIds.Contains(component, StringComparer.Ordinal))
            {
                throw SdmxRestException.Syntax("componentID", $"'{Short(component)}' is not a dimension of the dataflow.", $"'{Short(component)}' không phải là chiều của dataflow.");
            }

            var flow = catalogue.FindFlow(scope, agency, id, version)
                ?? throw SdmxRestException.NotFound($"There is no dataflow '{Short(id)}' you may read.", $"Không có dataflow '{Short(id)}' mà bạn được xem.");
            var parameters = http.Request.Query.Where(q => q.Key is "startPeriod" or "endPeriod" or "updatedAfter" || q.Key.StartsWith("c[", StringComparison.Ordinal))
                .ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
            var query = SdmxDataQuery.Parse(key, NrisSdmxMapping.DimensionIds, parameters);
            Func<string, IReadOnlyList<ExchangeObservation>> observationsFor;
            if (mode == "available")
            {
                // The candidates are every value of the flow the caller may read (changed after updatedAfter); each
                // component then drops its own selection.
                var everything = SdmxDataQuery.Parse(null, NrisSdmxMapping.DimensionIds,
                    parameters.Where(p => p.Key == "updatedAfter").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
                var candidates = await ReadObservationsAsync(flow, everything, Providers(providerRef), scope, catalogue.Catalogue.Current, db, ct);
                _ = query.Apply(candidates, int.MaxValue); // 404 when the query itself matches nothing
                var cache = new Dictionary<string, IReadOnlyList<ExchangeObservation>>(StringComparer.Ordinal);
                observationsFor = c => cache.TryGetValue(c, out var list) ? list : cache[c] = ApplyOrEmpty(query.Without(c), candidates);
            }
            else
            {
                var observations = await ReadObservationsAsync(flow, query, Providers(providerRef), scope, catalogue.Catalogue.Current, db, ct);
                var selected = query.Apply(observations, int.MaxValue);
                observationsFor = _ => selected;
            }

            return new SdmxResult(format, stream => SdmxAvailability.Write(stream, flow.Dataflow.Ref, NrisSdmxMapping.DimensionIds, observationsFor,
                component, SdmxHeader.Now(time), format == SdmxMessageFormat.Structure30));
        }
        catch (SdmxRestException e)
        {
            return Error(http, e);
        }
    }

    private static IReadOnlyList<ExchangeObservation> ApplyOrEmpty(SdmxDataQuery query, List<ExchangeObservation> candidates)
    {
        try
        {
            return query.Apply(candidates, int.MaxValue);
        }
        catch (SdmxRestException e) when (e.Status == 404)
        {
            return [];
        }
    }

    /// <summary>
    /// Writes the data in the query's layout (series grouped by every dimension but the one at observation level, or
    /// flat for AllDimensions). SDMX-CSV is always flat; its detail still applies (no values or attributes for
    /// serieskeysonly and nodata, no attributes for dataonly).
    /// </summary>
    private static void WriteData(Stream stream, ExchangeDataSet data, SdmxMessageFormat format, SdmxDataLayout layout, SdmxHeader header)
    {
        switch (format)
        {
            case SdmxMessageFormat.GenericData21:
                SdmxMlDataWriter.Write(stream, data, SdmxMlDataFormat.Generic21, layout, header);
                break;
            case SdmxMessageFormat.StructureSpecificData21:
                SdmxMlDataWriter.Write(stream, data, SdmxMlDataFormat.StructureSpecific21, layout, header);
                break;
            case SdmxMessageFormat.Data30:
                SdmxMlDataWriter.Write(stream, data, SdmxMlDataFormat.StructureSpecific30, layout, header);
                break;
            case SdmxMessageFormat.Json10:
                SdmxJson.Write(stream, data, SdmxJsonVersion.V10, layout, header);
                break;
            case SdmxMessageFormat.Json20:
                SdmxJson.Write(stream, data, SdmxJsonVersion.V20, layout, header);
                break;
            default:
                var flat = data with { Observations = [.. data.Observations.Select(layout.Trim)] };
                SdmxCsv.Write(stream, flat, format == SdmxMessageFormat.Csv10 ? SdmxCsvVersion.V10 : SdmxCsvVersion.V20);
                break;
        }
    }

    /// <summary>providerRef: "all", or data providers (the reporting organizations) as ID or AGENCY,ID, several joined by '+'.</summary>
    private static HashSet<string>? Providers(string? providerRef)
    {
        var p = providerRef?.Trim() ?? "";
        if (p.Length == 0 || p is "all" or "*")
        {
            return null;
        }

        return p.Split('+').Select(one => one.Split(',')[^1].Trim()).Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The current values of the flow's regime that the caller may read and that the key's indicator and area parts
    /// allow (those two are filtered in the database); the rest of the query runs in <see cref="SdmxDataQuery.Apply"/>.
    /// When two reporters report the same cell, the most recently updated report's value is the observation.
    /// </summary>
    private static async Task<List<ExchangeObservation>> ReadObservationsAsync(SdmxFlow flow, SdmxDataQuery query, HashSet<string>? providers,
        AccessScope access, CatalogueSnapshot catalogue, NrisDbContext db, CancellationToken ct)
    {
        var regime = flow.Regime.Code;
        var rows = from v in db.CurrentValues.AsNoTracking()
                   join r in db.Reports.AsNoTracking() on v.ReportId equals r.Id
                   where r.RegimeCode == regime
                   select new { v, r.UpdatedUs };
        if (query.ValuesOf(NrisSdmxMapping.IndicatorDimension) is { } indicators)
        {
            var list = indicators.ToList();
            rows = rows.Where(x => list.Contains(x.v.IndicatorCode));
        }

        if (query.ValuesOf(NrisSdmxMapping.TerritoryDimension) is { } areas)
        {
            var list = areas.ToList();
            rows = rows.Where(x => list.Contains(x.v.TerritoryCode));
        }

        if (providers is not null)
        {
            var list = providers.ToList();
            rows = rows.Where(x => list.Contains(x.v.Source));
        }

        if (query.UpdatedAfter is { } after)
        {
            var us = LedgerTime.ToUnixMicroseconds(after);
            rows = rows.Where(x => x.UpdatedUs > us);
        }

        var scope = new AggregateScope(access, catalogue);
        var chosen = new Dictionary<(string, string, string, string), (CurrentValueRow Row, long Updated)>();
        await foreach (var x in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!Period.TryParse(x.v.Period, out var period) || !scope.CanRead(regime, x.v.TerritoryCode, period.End))
            {
                continue;
            }

            var cell = (x.v.IndicatorCode, x.v.Disaggregation, x.v.TerritoryCode, x.v.Period);
            if (!chosen.TryGetValue(cell, out var had) || had.Updated < x.UpdatedUs)
            {
                chosen[cell] = (new CurrentValueRow(period, new ReportValue(x.v.IndicatorCode, x.v.Disaggregation, x.v.TerritoryCode, x.v.Number, x.v.Text,
                    x.v.Flag, x.v.Status, x.v.Note)), x.UpdatedUs);
            }
        }

        // Series by series (indicator, disaggregation, area), each in time order: the order readers expect.
        var ordered = chosen.OrderBy(c => c.Key.Item1, StringComparer.Ordinal).ThenBy(c => c.Key.Item2, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Item3, StringComparer.Ordinal).ThenBy(c => c.Value.Row.Period.Start).ThenBy(c => c.Value.Row.Period.Periodicity);
        var result = new List<ExchangeObservation>(chosen.Count);
        foreach (var (_, (row, _)) in ordered)
        {
            result.AddRange(NrisSdmxMapping.ToExchange(flow.StructureReference, row.Period, Territory.NationCode, [row.Value]).Observations);
        }

        return result;
    }

    private sealed record CurrentValueRow(Period Period, ReportValue Value);

    // ------------------------------------------------------------------ errors

    private static string? Accept(HttpContext http) => http.Request.Headers.Accept.ToString() is { Length: > 0 } a ? a : null;

    /// <summary>
    /// A refusal: an SDMX-ML error message (mes:Error with the SDMX code) when the caller asked for XML (an SDMX-ML media
    /// type, application/xml or format=…), otherwise the API's bilingual problem document with the SDMX code in
    /// <c>sdmxCode</c>. The status is the SDMX one: 400 syntax, 404 no results, 406 not acceptable, 413 too large,
    /// 501 not implemented.
    /// </summary>
    private static IResult Error(HttpContext http, SdmxRestException e)
    {
        var accept = Accept(http) ?? "";
        var format = http.Request.Query["format"].ToString();
        var wantsXml = e.Status != 406 && (accept.Contains("xml", StringComparison.OrdinalIgnoreCase) ||
            (SdmxMediaTypes.FormatParameters.TryGetValue(format, out var f) && SdmxMediaTypes.IsXml(f)));
        if (wantsXml)
        {
            return new SdmxResult(null, stream => SdmxErrorMessage.Write(stream, e.Code, e.Message, e.MessageVi), e.Status);
        }

        var (title, titleVi) = e.Status switch
        {
            404 => ("Not found", "Không tìm thấy"),
            406 => ("Not acceptable", "Không đáp ứng được định dạng"),
            413 => ("Response too large", "Kết quả quá lớn"),
            501 => ("Not implemented", "Chưa hỗ trợ"),
            _ => ("Invalid request", "Yêu cầu không hợp lệ"),
        };
        var problem = Problems.Create(e.Status, "sdmx-" + e.Code.ToString(CultureInfo.InvariantCulture), title, titleVi, e.Message, e.MessageVi,
            e.Field.Length > 0 ? [new ProblemError(e.Field, e.Message, e.MessageVi)] : null);
        problem.ProblemDetails.Extensions["sdmxCode"] = e.Code;
        return problem;
    }

    private static string Short(string text) => Query.Truncate(text);
}

/// <summary>An SDMX message written into memory (the writers are synchronous) and sent with its media type.</summary>
internal sealed class SdmxResult(SdmxMessageFormat? format, Action<Stream> write, int status = StatusCodes.Status200OK) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = format is { } f ? SdmxMediaTypes.MediaType(f) : "application/xml; charset=utf-8";
        httpContext.Response.Headers.Vary = "Accept";
        httpContext.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted);
    }
}

/// <summary>A dataflow: the regime it publishes and its structures.</summary>
public sealed record SdmxFlow(Regime Regime, SdmxStructures Structures)
{
    public SdmxDataflow Dataflow => Structures.Dataflows[0];

    /// <summary>"NRIS:DF_X(1.0)", the structure reference data messages carry.</summary>
    public string StructureReference => Dataflow.Ref.ToString();
}

/// <summary>
/// The dataflows of the current catalogue: one per regime (its latest version), built once per catalogue snapshot,
/// and filtered per caller.
/// </summary>
public sealed class SdmxCatalogue(CatalogueState catalogue, IConfiguration configuration)
{
    private readonly ConditionalWeakTable<CatalogueSnapshot, IReadOnlyList<SdmxFlow>> _flows = [];

    public CatalogueState Catalogue => catalogue;

    /// <summary>Observations one data response may carry (Nris:Sdmx:MaxObservations); more is a 413.</summary>
    public int MaxObservations { get; } = configuration.GetValue("Nris:Sdmx:MaxObservations", 200_000);

    public IReadOnlyList<SdmxFlow> Flows()
    {
        var snapshot = catalogue.Current;
        return _flows.GetValue(snapshot, s =>
            [.. s.RegimeCodes.Select(code => s.LatestRegime(code)).OfType<Regime>().Select(r => new SdmxFlow(r, SdmxStructureBuilder.ForRegime(s, r)))]);
    }

    /// <summary>Whether the caller may read the dataflow: it may read every version of the regime's classification.</summary>
    public bool CanRead(AccessScope scope, SdmxFlow flow) =>
        catalogue.Current.RegimeVersions(flow.Regime.Code).All(scope.CanReadRegime);

    public SdmxFlow? FindFlow(AccessScope scope, string? agency, string id, string? version) =>
        Flows().FirstOrDefault(f => f.Dataflow.Ref.Id == id && SdmxStructureQuery.Matches(agency, f.Dataflow.Ref.Agency) &&
            SdmxStructureQuery.Matches(version, f.Dataflow.Ref.Version) && CanRead(scope, f));

    /// <summary>Every structure of the dataflows the caller may read, shared codelists once.</summary>
    public SdmxStructures Readable(AccessScope scope)
    {
        var flows = Flows().Where(f => CanRead(scope, f)).ToList();
        return new SdmxStructures(
            [.. flows.SelectMany(f => f.Structures.Codelists).DistinctBy(c => c.Ref)],
            // CS_NRIS holds the concepts of each regime's disaggregations: the shared scheme is their union.
            [.. flows.SelectMany(f => f.Structures.ConceptSchemes).GroupBy(c => c.Ref).Select(g => g.First() with
            {
                Concepts = [.. g.SelectMany(c => c.Concepts).DistinctBy(c => c.Id)],
            })],
            [.. flows.SelectMany(f => f.Structures.DataStructures).DistinctBy(c => c.Ref)],
            [.. flows.SelectMany(f => f.Structures.Dataflows).DistinctBy(c => c.Ref)]);
    }
}
