using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Aggregation;
using Nris.Core.Ledger;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Storage;

namespace Nris.Server.Oversight;

/// <summary>One value behind one side of a cross-check: the ledger entry and report version it comes from.</summary>
public sealed record CrossCheckEvidenceDto(long LedgerSequence, string Reporter, int? Version, string Territory, decimal Value);

/// <summary>One side of a cross-check: its source, its value and the values it is made of.</summary>
public sealed record CrossCheckSideDto(
    string Source, decimal Value, int ContributorCount, IReadOnlyList<CrossCheckEvidenceDto> Evidence, string ProvenanceLink);

/// <summary>
/// One discrepancy: both values with their provenance, the gap, and since when it stands as it is (the latest ledger
/// entry among the values of both sides — before it, at least one side had another value).
/// </summary>
public sealed record CrossCheckDiscrepancyDto(
    string Rule, string Indicator, string Disaggregation, string Territory, string Period, CrossCheckSideDto Left, CrossCheckSideDto Right,
    decimal Gap, decimal? RelativeGap, long SinceSequence, DateTimeOffset? Since, string ExplanationVi, string ExplanationEn);

/// <summary>
/// Cross-checks (kiểm tra chéo) over the aggregates: the rules are read from <c>catalogue/cross-checks/*.json</c>
/// next to the binaries (or under <c>Nris:DataFiles</c>); the values are the aggregate cells of each rule's two
/// sources, read through the caller's <see cref="AggregateScope"/>, so a pair the caller may not read on both sides
/// is left out. The aggregates follow the ledger, so the discrepancies do too: a revision that closes a gap removes
/// it at the next question.
/// </summary>
public sealed class CrossCheckService(
    CatalogueState catalogue, AggregationProjection projection, IConfiguration configuration, IDbContextFactory<NrisDbContext> contexts)
{
    /// <summary>Values listed as evidence per side (all are counted).</summary>
    public const int MaxEvidence = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lazy<IReadOnlyList<CrossCheckRule>> _rules = new(() => Load(configuration));

    private sealed record RuleFile(IReadOnlyList<CrossCheckRule> CrossChecks);

    /// <summary>Whether the aggregates are built.</summary>
    public bool IsReady => projection.IsReady;

    /// <summary>Every rule loaded.</summary>
    public IReadOnlyList<CrossCheckRule> Rules => _rules.Value;

    /// <summary>The discrepancies of <paramref name="period"/> the caller may see, largest relative gap first.</summary>
    public async Task<IReadOnlyList<CrossCheckDiscrepancyDto>> CheckAsync(AccessScope access, Period period, string? ruleCode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var snapshot = catalogue.Current;
        var engine = projection.Engine;
        var scope = new AggregateScope(access, snapshot);
        var found = new List<(CrossCheckRule Rule, string Territory, CellQuery Left, CellQuery Right, decimal L, decimal R, CrossCheckComparison C, List<Fact> LF, List<Fact> RF)>();
        foreach (var rule in Rules.Where(r => ruleCode is null || r.Code == ruleCode))
        {
            if (!snapshot.Indicators.ContainsKey(rule.IndicatorCode))
            {
                continue;
            }

            var territories = rule.TerritoryCodes is { Count: > 0 } codes
                ? codes
                : [.. snapshot.Territories.Children("VN", period.End).Select(t => t.Code)];
            foreach (var territory in territories)
            {
                var left = new CellQuery(rule.IndicatorCode, territory, period, rule.Disaggregation ?? Disaggregations.Total, rule.LeftSource);
                var right = left with { SourceCode = rule.RightSource };
                if (scope.Cell(engine, left) is not { Value: { } l } || RightSide(rule, right, snapshot, engine, scope) is not { } r)
                {
                    continue;
                }

                var comparison = CrossCheckEvaluator.Compare(l, r.Value, rule.AbsoluteTolerance, rule.RelativeTolerance);
                if (comparison.IsDiscrepancy)
                {
                    found.Add((rule, territory, left, right, l, r.Value, comparison, [.. engine.Contributors(left)], r.Facts));
                }
            }
        }

        if (found.Count == 0)
        {
            return [];
        }

        var sequences = found.SelectMany(f => f.LF.Take(MaxEvidence).Concat(f.RF.Take(MaxEvidence)).Select(x => x.LedgerSequence)
            .Append(f.LF.Concat(f.RF).Select(x => x.LedgerSequence).DefaultIfEmpty().Max())).Distinct().ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var versions = (await (from v in db.ReportVersions.AsNoTracking()
                               join rep in db.Reports.AsNoTracking() on v.ReportId equals rep.Id
                               where sequences.Contains(v.LedgerSequence)
                               select new { v.LedgerSequence, v.Version, rep.ReporterCode, v.SubmittedUs }).ToListAsync(ct))
            .ToDictionary(v => v.LedgerSequence);

        CrossCheckSideDto Side(CellQuery q, decimal value, List<Fact> facts) => new(q.SourceCode!, value, facts.Count,
            [.. facts.Take(MaxEvidence).Select(f => new CrossCheckEvidenceDto(f.LedgerSequence,
                versions.TryGetValue(f.LedgerSequence, out var v) ? v.ReporterCode : "", versions.TryGetValue(f.LedgerSequence, out var w) ? w.Version : null,
                f.TerritoryCode, f.Value))],
            ProvenanceLink(q));

        var result = found.ConvertAll(f =>
        {
            var since = f.LF.Concat(f.RF).Select(x => x.LedgerSequence).DefaultIfEmpty().Max();
            var (vi, en) = CrossCheckEvaluator.Explain(f.Rule, f.Territory, period.ToString(), f.L, f.R, f.C);
            return new CrossCheckDiscrepancyDto(f.Rule.Code, f.Rule.IndicatorCode, f.Left.Disaggregation, f.Territory, period.ToString(),
                Side(f.Left, f.L, f.LF), Side(f.Right, f.R, f.RF), f.C.Gap, f.C.RelativeGap, since,
                versions.TryGetValue(since, out var sv) ? LedgerTime.FromUnixMicroseconds(sv.SubmittedUs) : null, vi, en);
        });
        return [.. result.OrderByDescending(d => d.RelativeGap ?? 0).ThenBy(d => d.Rule, StringComparer.Ordinal).ThenBy(d => d.Territory, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The right side of a rule: the same cell from the other source, or the sum of the territory's children, or the
    /// sum of a codelist's parts, or a derived value — each part read through the caller's scope. Null when there is
    /// nothing to compare: no part has a value, or (formula) one term has none.
    /// </summary>
    private static (decimal Value, List<Fact> Facts)? RightSide(
        CrossCheckRule rule, CellQuery right, Core.Catalogue.CatalogueSnapshot snapshot, AggregationEngine engine, AggregateScope scope)
    {
        IEnumerable<CellQuery> parts;
        var all = false;
        switch (rule.EffectiveKind)
        {
            case CrossCheckKinds.Children:
                parts = snapshot.Territories.Children(right.TerritoryCode, right.Period.End).Select(t => right with { TerritoryCode = t.Code });
                break;
            case CrossCheckKinds.Disaggregation:
                if (rule.Codelist is null || !snapshot.Codelists.TryGetValue(rule.Codelist, out var codelist))
                {
                    return null;
                }

                parts = codelist.Codes.Select(c => right with { Disaggregation = Disaggregations.Of(codelist.Code, c.Code) });
                break;
            case CrossCheckKinds.Formula:
                all = true;
                parts = [];
                break;
            default:
                return scope.Cell(engine, right) is { Value: { } same } ? (same, [.. engine.Contributors(right)]) : null;
        }

        decimal sum = 0;
        var facts = new List<Fact>();
        var any = false;
        if (all)
        {
            foreach (var term in rule.Terms ?? [])
            {
                var q = right with { IndicatorCode = term.IndicatorCode };
                if (scope.Cell(engine, q) is not { Value: { } v })
                {
                    return null;
                }

                sum += term.Coefficient * v;
                facts.AddRange(engine.Contributors(q));
                any = true;
            }
        }
        else
        {
            foreach (var q in parts)
            {
                if (scope.Cell(engine, q) is { Value: { } v })
                {
                    sum += v;
                    facts.AddRange(engine.Contributors(q));
                    any = true;
                }
            }
        }

        return any ? (sum, facts) : null;
    }

    private static string ProvenanceLink(CellQuery q) => string.Create(CultureInfo.InvariantCulture,
        $"/api/data/provenance?indicator={Uri.EscapeDataString(q.IndicatorCode)}&territory={Uri.EscapeDataString(q.TerritoryCode)}&period={q.Period}&disaggregation={Uri.EscapeDataString(q.Disaggregation)}&source={Uri.EscapeDataString(q.SourceCode ?? "")}");

    private static IReadOnlyList<CrossCheckRule> Load(IConfiguration configuration)
    {
        var root = configuration["Nris:DataFiles"] is { Length: > 0 } configured ? configured : AppContext.BaseDirectory;
        var directory = Path.Combine(root, "catalogue", "cross-checks");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var rules = new List<CrossCheckRule>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var content = JsonSerializer.Deserialize<RuleFile>(stream, Json)
                ?? throw new InvalidDataException($"{file}: không có quy tắc kiểm tra chéo / no cross-checks.");
            foreach (var rule in content.CrossChecks)
            {
                var problem = !CrossCheckKinds.All.Contains(rule.EffectiveKind) ? $"unknown kind '{rule.Kind}'"
                    : rule.EffectiveKind == CrossCheckKinds.Disaggregation && string.IsNullOrWhiteSpace(rule.Codelist) ? "a disaggregation check needs 'codelist'"
                    : rule.EffectiveKind == CrossCheckKinds.Formula && rule.Terms is not { Count: > 0 } ? "a formula check needs 'terms'"
                    : null;
                if (problem is not null)
                {
                    throw new InvalidDataException($"{file}: quy tắc {rule.Code} không hợp lệ / rule {rule.Code}: {problem}.");
                }

                rules.Add(rule);
            }
        }

        return rules;
    }
}
