using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Storage;

namespace Nris.Server.Api;

/// <summary>One aggregate answer: the value, its status flags, and completeness (reported of expected reporters).</summary>
public sealed record AggregateDto(
    decimal? Value, IReadOnlyList<string> Flags, int Reported, int Expected, bool Complete, string? Source)
{
    public static AggregateDto From(AggregateValue v) =>
        new(v.Value, FlagNames(v.Flags), v.Reported, v.Expected, v.IsComplete, v.Source);

    public static IReadOnlyList<string> FlagNames(AggregateFlags flags)
    {
        var names = new List<string>(4);
        if (flags.HasFlag(AggregateFlags.Provisional)) { names.Add("provisional"); }
        if (flags.HasFlag(AggregateFlags.Estimated)) { names.Add("estimated"); }
        if (flags.HasFlag(AggregateFlags.Approximate)) { names.Add("approximate"); }
        if (flags.HasFlag(AggregateFlags.Partial)) { names.Add("partial"); }
        return names;
    }
}

/// <summary>A cell, with growth against the same period last year when asked.</summary>
public sealed record CellDto(
    string Indicator, string Territory, string Period, string Disaggregation, string Mode, AggregateDto Value, AggregateDto? Growth);

public sealed record PeriodValueDto(string Period, AggregateDto Value, AggregateDto? Growth);

public sealed record SeriesDto(string Indicator, string Territory, string Disaggregation, string Mode, IReadOnlyList<PeriodValueDto> Items);

public sealed record TerritoryValueDto(string Territory, string Name, AggregateDto Value, AggregateDto? Growth);

public sealed record TerritoryListDto(string Indicator, string Period, string Disaggregation, string Mode, string? Territory, IReadOnlyList<TerritoryValueDto> Items);

/// <summary>One value an aggregate is made of, with the report version and ledger entry it came from.</summary>
public sealed record ContributorDto(
    long LedgerSequence, string Regime, string Reporter, int? Version, string Indicator, string Disaggregation, string Territory,
    string Period, decimal Value, string Status);

public sealed record AggregateProvenanceDto(
    string Indicator, string Territory, string Period, string Disaggregation, AggregateDto Value, int ContributorCount,
    IReadOnlyList<ContributorDto> Contributors, IReadOnlyList<string> Missing);

public sealed record DataStatusDto(
    bool Ready, long LastAppliedSequence, long LedgerHead, long Lag, DateTimeOffset? LastAppliedTime, int Facts, int Aggregates,
    int UnplacedFacts);

/// <summary>
/// Aggregates for dashboards, maps and tables: one cell, a time series, the children of a unit, top/bottom N, and the
/// provenance of a cell. Open to everyone; what each caller gets is decided by <see cref="AggregateScope"/> (public
/// regimes for everyone; other regimes by classification and the territory of the caller's grants). A territory the
/// caller may read nothing at answers 404, exactly like one that does not exist.
/// </summary>
public static class DataEndpoints
{
    private const int MaxContributors = 1000;
    private const int MaxSeriesLength = 400;

    public static IEndpointRouteBuilder MapDataEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/data").WithTags("Data");
        group.MapGet("/cell", Cell).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("One aggregate: indicator, territory, period, disaggregation, source (or the preferred one), as then or as now.");
        group.MapGet("/series", Series).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("A time series from one period to another of the same periodicity.");
        group.MapGet("/children", Children).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("The units directly under a territory with their values, for maps and tables.");
        group.MapGet("/top", Top).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("The N units of a level with the highest (order=desc) or lowest (order=asc) values.");
        group.MapGet("/provenance", Provenance).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("The report versions and ledger entries an aggregate is made of, and the units still missing.");
        group.MapGet("/status", Status).RequireNrisAccess(Role.SystemAdministrator, Role.Analyst)
            .WithSummary("How far the aggregates have followed the ledger: last applied entry, ledger head, lag.");
        return routes;
    }

    private sealed record Common(Indicator Indicator, string Disaggregation, string? Source, AggregationMode Mode, DateOnly? AsOf, bool Growth);

    private static Results<Ok<CellDto>, ProblemHttpResult> Cell(
        string? indicator, string? territory, string? period, string? disaggregation, string? source, string? mode, string? asOf,
        string? growth, AccessScope access, CatalogueState catalogue, AggregationProjection projection)
    {
        if (NotReady(projection) is { } notReady)
        {
            return notReady;
        }

        if (!TryCommon(catalogue.Current, indicator, disaggregation, source, mode, asOf, growth, out var common, out var problem) ||
            !TryPeriod(period, "period", out var p, out problem))
        {
            return problem;
        }

        var engine = projection.Engine;
        var scope = new AggregateScope(access, catalogue.Current);
        var query = Query(common, territory ?? "", p, engine);
        if (!TryTerritory(catalogue.Current, territory, AggregateScope.MapDate(engine, query), out problem) ||
            scope.Cell(engine, query) is not { } value)
        {
            return problem ?? NotInScope(territory!);
        }

        return TypedResults.Ok(new CellDto(common.Indicator.Code, query.TerritoryCode, p.ToString(), common.Disaggregation, ModeName(common.Mode),
            AggregateDto.From(value), common.Growth ? GrowthOf(scope, engine, query, value) : null));
    }

    private static Results<Ok<SeriesDto>, ProblemHttpResult> Series(
        string? indicator, string? territory, string? from, string? to, string? disaggregation, string? source, string? mode,
        string? asOf, string? growth, AccessScope access, CatalogueState catalogue, AggregationProjection projection)
    {
        if (NotReady(projection) is { } notReady)
        {
            return notReady;
        }

        if (!TryCommon(catalogue.Current, indicator, disaggregation, source, mode, asOf, growth, out var common, out var problem) ||
            !TryPeriod(from, "from", out var first, out problem) || !TryPeriod(to, "to", out var last, out problem))
        {
            return problem;
        }

        if (first.Periodicity != last.Periodicity || last < first)
        {
            return Problems.BadRequest("to", "'to' must be a period of the same periodicity as 'from', not before it.",
                "'to' phải là kỳ cùng loại với 'from' và không trước 'from'.");
        }

        if (string.IsNullOrWhiteSpace(territory) || catalogue.Current.Territories.Versions(territory.Trim()).Count == 0)
        {
            return Problems.NotFound("Territory", Api.Query.Truncate(territory ?? ""), "Đơn vị hành chính");
        }

        territory = territory.Trim();
        var engine = projection.Engine;
        var scope = new AggregateScope(access, catalogue.Current);
        var items = new List<PeriodValueDto>();
        for (var p = first; p <= last; p = p.Next())
        {
            if (items.Count >= MaxSeriesLength)
            {
                return Problems.BadRequest("to", $"A series has at most {MaxSeriesLength} periods.", $"Một chuỗi có tối đa {MaxSeriesLength} kỳ.");
            }

            var query = Query(common, territory, p, engine);
            var date = AggregateScope.MapDate(engine, query);
            if (catalogue.Current.Territories.Find(query.TerritoryCode, date) is null)
            {
                // The unit did not exist in this period (as then): the series has a gap there, not an error.
                items.Add(new PeriodValueDto(p.ToString(), AggregateDto.From(AggregateValue.Empty), null));
                continue;
            }

            if (scope.Cell(engine, query) is not { } value)
            {
                return NotInScope(territory);
            }

            items.Add(new PeriodValueDto(p.ToString(), AggregateDto.From(value), common.Growth ? GrowthOf(scope, engine, query, value) : null));
        }

        return TypedResults.Ok(new SeriesDto(common.Indicator.Code, territory, common.Disaggregation, ModeName(common.Mode), items));
    }

    private static Results<Ok<TerritoryListDto>, ProblemHttpResult> Children(
        string? indicator, string? territory, string? period, string? disaggregation, string? source, string? mode, string? asOf,
        string? growth, AccessScope access, CatalogueState catalogue, AggregationProjection projection)
    {
        if (NotReady(projection) is { } notReady)
        {
            return notReady;
        }

        if (!TryCommon(catalogue.Current, indicator, disaggregation, source, mode, asOf, growth, out var common, out var problem) ||
            !TryPeriod(period, "period", out var p, out problem))
        {
            return problem;
        }

        var engine = projection.Engine;
        var scope = new AggregateScope(access, catalogue.Current);
        var parent = Query(common, string.IsNullOrWhiteSpace(territory) ? Territory.NationCode : territory, p, engine);
        var date = AggregateScope.MapDate(engine, parent);
        if (!TryTerritory(catalogue.Current, parent.TerritoryCode, date, out problem) || scope.Cell(engine, parent) is null)
        {
            return problem ?? NotInScope(parent.TerritoryCode);
        }

        var items = new List<TerritoryValueDto>();
        foreach (var child in catalogue.Current.Territories.Children(parent.TerritoryCode, date))
        {
            var query = parent with { TerritoryCode = child.Code };
            if (scope.Cell(engine, query) is { } value)
            {
                items.Add(new TerritoryValueDto(child.Code, child.Name, AggregateDto.From(value), common.Growth ? GrowthOf(scope, engine, query, value) : null));
            }
        }

        return TypedResults.Ok(new TerritoryListDto(common.Indicator.Code, p.ToString(), common.Disaggregation, ModeName(common.Mode), parent.TerritoryCode, items));
    }

    private static Results<Ok<TerritoryListDto>, ProblemHttpResult> Top(
        string? indicator, string? level, string? period, string? n, string? order, string? disaggregation, string? source,
        string? mode, string? asOf, string? growth, AccessScope access, CatalogueState catalogue, AggregationProjection projection)
    {
        if (NotReady(projection) is { } notReady)
        {
            return notReady;
        }

        if (!TryCommon(catalogue.Current, indicator, disaggregation, source, mode, asOf, growth, out var common, out var problem) ||
            !TryPeriod(period, "period", out var p, out problem) ||
            !Api.Query.TryEnum<TerritoryLevel>(level, "level", out var lvl, out problem) ||
            !Api.Query.TryInt(n, "n", 10, 1, 1000, out var count, out problem))
        {
            return problem;
        }

        var descending = true;
        if (!string.IsNullOrWhiteSpace(order))
        {
            if (order.Trim().ToLowerInvariant() is not ("asc" or "desc"))
            {
                return Problems.BadRequest("order", "order is asc or desc.", "order là asc hoặc desc.");
            }

            descending = order.Trim().Equals("desc", StringComparison.OrdinalIgnoreCase);
        }

        var engine = projection.Engine;
        var scope = new AggregateScope(access, catalogue.Current);
        var sample = Query(common, Territory.NationCode, p, engine);
        var date = AggregateScope.MapDate(engine, sample);
        var values = new List<(Territory Unit, AggregateValue Value)>();
        // Only the units the caller may read take part, so a ranking never reveals where an unreadable unit stands.
        foreach (var unit in catalogue.Current.Territories.AsOf(date, lvl ?? TerritoryLevel.Province))
        {
            if (scope.Cell(engine, sample with { TerritoryCode = unit.Code }) is { Value: not null } value)
            {
                values.Add((unit, value));
            }
        }

        values.Sort((a, b) =>
        {
            var byValue = a.Value.Value!.Value.CompareTo(b.Value.Value!.Value);
            return byValue != 0 ? (descending ? -byValue : byValue) : string.CompareOrdinal(a.Unit.Code, b.Unit.Code);
        });
        var items = values.Take(count).Select(v => new TerritoryValueDto(v.Unit.Code, v.Unit.Name, AggregateDto.From(v.Value),
            common.Growth ? GrowthOf(scope, engine, sample with { TerritoryCode = v.Unit.Code }, v.Value) : null)).ToList();
        return TypedResults.Ok(new TerritoryListDto(common.Indicator.Code, p.ToString(), common.Disaggregation, ModeName(common.Mode), null, items));
    }

    private static async Task<Results<Ok<AggregateProvenanceDto>, ProblemHttpResult>> Provenance(
        string? indicator, string? territory, string? period, string? disaggregation, string? source,
        AccessScope access, CatalogueState catalogue, AggregationProjection projection, NrisDbContext db, CancellationToken ct)
    {
        if (NotReady(projection) is { } notReady)
        {
            return notReady;
        }

        if (!TryCommon(catalogue.Current, indicator, disaggregation, source, null, null, null, out var common, out var problem) ||
            !TryPeriod(period, "period", out var p, out problem))
        {
            return problem;
        }

        var engine = projection.Engine;
        var scope = new AggregateScope(access, catalogue.Current);
        var query = Query(common, territory ?? "", p, engine);
        if (!TryTerritory(catalogue.Current, territory, p.End, out problem) || scope.Cell(engine, query) is not { } value)
        {
            return problem ?? NotInScope(territory!);
        }

        // Provenance is of the value shown: the chosen (readable) source's facts, never another source's.
        var chosen = query with { SourceCode = value.Source ?? common.Source };
        var facts = chosen.SourceCode is null ? [] : engine.Contributors(chosen);
        var missing = chosen.SourceCode is null ? [] : engine.Missing(chosen);
        var shown = facts.Take(MaxContributors).ToList();
        var sequences = shown.Select(f => f.LedgerSequence).Distinct().ToList();
        var versions = await (from v in db.ReportVersions.AsNoTracking()
                              join r in db.Reports.AsNoTracking() on v.ReportId equals r.Id
                              where sequences.Contains(v.LedgerSequence)
                              select new { v.LedgerSequence, v.Version, r.ReporterCode }).ToListAsync(ct);
        var bySequence = versions.ToDictionary(v => v.LedgerSequence);
        var contributors = shown.ConvertAll(f => new ContributorDto(
            f.LedgerSequence, f.SourceCode,
            bySequence.TryGetValue(f.LedgerSequence, out var v) ? v.ReporterCode : "",
            bySequence.TryGetValue(f.LedgerSequence, out var w) ? w.Version : null,
            f.IndicatorCode, f.Disaggregation, f.TerritoryCode, f.Period.ToString(), f.Value, Camel(f.Status.ToString())));
        return TypedResults.Ok(new AggregateProvenanceDto(common.Indicator.Code, query.TerritoryCode, p.ToString(), common.Disaggregation,
            AggregateDto.From(value), facts.Count, contributors, missing));
    }

    private static async Task<Results<Ok<DataStatusDto>, ProblemHttpResult>> Status(
        AggregationProjection projection, NrisDbContext db, CancellationToken ct)
    {
        var head = await ProjectionReader.HeadAsync(db, ct);
        if (!projection.IsReady)
        {
            return TypedResults.Ok(new DataStatusDto(false, 0, head, head, null, 0, 0, 0));
        }

        var engine = projection.Engine;
        var last = projection.LastAppliedSequence;
        return TypedResults.Ok(new DataStatusDto(true, last, head, Math.Max(0, head - last), projection.LastAppliedTime,
            engine.FactCount, engine.AggregateCount, engine.UnplacedFacts));
    }

    // ---------------------------------------------------------------- helpers

    private static CellQuery Query(Common c, string territory, Period period, AggregationEngine engine) =>
        new(c.Indicator.Code, territory, period, c.Disaggregation, c.Source, c.Mode,
            c.Mode == AggregationMode.AsNow ? c.AsOf ?? engine.CurrentDate : null);

    // Growth of the value shown, against the same source a year earlier (when the caller may read it there too).
    private static AggregateDto GrowthOf(AggregateScope scope, AggregationEngine engine, CellQuery query, AggregateValue value)
    {
        var source = value.Source ?? query.SourceCode;
        var lastYear = query with { Period = query.Period.SamePeriodLastYear() };
        if (source is null || !scope.CanRead(source, query.TerritoryCode, AggregateScope.MapDate(engine, lastYear)))
        {
            return AggregateDto.From(AggregateValue.Empty);
        }

        return AggregateDto.From(engine.Growth(query with { SourceCode = source }));
    }

    private static bool TryCommon(
        CatalogueSnapshot catalogue, string? indicator, string? disaggregation, string? source, string? mode, string? asOf, string? growth,
        [NotNullWhen(true)] out Common? common, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        common = null;
        if (string.IsNullOrWhiteSpace(indicator))
        {
            problem = Problems.BadRequest("indicator", "indicator is required.", "Cần có indicator (mã chỉ tiêu).");
            return false;
        }

        if (!catalogue.Indicators.TryGetValue(indicator.Trim(), out var found))
        {
            problem = Problems.NotFound("Indicator", Api.Query.Truncate(indicator), "Chỉ tiêu");
            return false;
        }

        if (!Api.Query.TryEnum<AggregationMode>(mode, "mode", out var m, out problem))
        {
            return false;
        }

        if (!Api.Query.TryDate(asOf, "asOf", default, out var date, out problem))
        {
            return false;
        }

        var wantsGrowth = false;
        if (!string.IsNullOrWhiteSpace(growth) && !bool.TryParse(growth.Trim(), out wantsGrowth))
        {
            problem = Problems.BadRequest("growth", "growth is true or false.", "growth là true hoặc false.");
            return false;
        }

        var d = string.IsNullOrWhiteSpace(disaggregation) ? Disaggregations.Total : disaggregation.Trim();
        if (d.Length > 200)
        {
            problem = Problems.BadRequest("disaggregation", "disaggregation is too long.", "disaggregation quá dài.");
            return false;
        }

        common = new Common(found, d, string.IsNullOrWhiteSpace(source) ? null : source.Trim(), m ?? AggregationMode.AsThen,
            string.IsNullOrWhiteSpace(asOf) ? null : date, wantsGrowth);
        return true;
    }

    private static bool TryPeriod(string? value, string name, out Period period, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (Period.TryParse(value?.Trim(), out period))
        {
            return true;
        }

        problem = Problems.BadRequest(name,
            $"'{Api.Query.Truncate(value ?? "")}' is not a period; use e.g. 2026, 2026-H1, 2026-Q1, 2026-M03, 2026-W05 or 2026-03-15.",
            $"'{Api.Query.Truncate(value ?? "")}' không phải là kỳ báo cáo; dùng ví dụ 2026, 2026-H1, 2026-Q1, 2026-M03, 2026-W05 hoặc 2026-03-15.");
        return false;
    }

    private static bool TryTerritory(CatalogueSnapshot catalogue, string? territory, DateOnly date, out ProblemHttpResult? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(territory))
        {
            problem = Problems.BadRequest("territory", "territory is required.", "Cần có territory (mã đơn vị hành chính).");
            return false;
        }

        if (catalogue.Territories.Find(territory, date) is null)
        {
            problem = Problems.NotFound("Territory", Api.Query.Truncate(territory), "Đơn vị hành chính", Api.Query.Iso(date));
            return false;
        }

        return true;
    }

    // Out of scope looks exactly like a unit with no data one may read: no hint that the unit's data exists.
    private static ProblemHttpResult NotInScope(string territory) =>
        Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", "Không tìm thấy",
            $"There are no aggregates you may read for territory '{Api.Query.Truncate(territory)}'.",
            $"Không có số liệu tổng hợp bạn được xem cho đơn vị '{Api.Query.Truncate(territory)}'.");

    private static ProblemHttpResult? NotReady(AggregationProjection projection) =>
        projection.IsReady ? null : Problems.Create(StatusCodes.Status503ServiceUnavailable, "not-ready", "Not ready", "Chưa sẵn sàng",
            "The aggregates are still being built; try again in a moment.", "Số liệu tổng hợp đang được xây dựng; vui lòng thử lại sau giây lát.");

    private static string ModeName(AggregationMode mode) => mode == AggregationMode.AsNow ? "asNow" : "asThen";

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
