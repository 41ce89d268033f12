using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Validation;
using Nris.Storage;

namespace Nris.Server.Components.Shared;

/// <summary>
/// What a range of ledger entries can have moved, for the dashboards: the regimes whose reports took a step (submit,
/// revise, accept, return, reopen) and the indicators whose aggregates may have changed — every indicator any version
/// of those regimes carries, and then every indicator computed from them (a derived indicator's formula, a weighted
/// average's weight), transitively. A superset, never less: when the range holds anything else (a catalogue change,
/// a kind this does not know, a submission entry without its report step) or is long, it says <see cref="Everything"/>.
/// </summary>
public sealed record LedgerChanges(bool Everything, IReadOnlySet<string> Regimes, IReadOnlySet<string> Indicators)
{
    /// <summary>Ranges longer than this are not read entry by entry: everything is recomputed.</summary>
    public const int MaxEntries = 2000;

    /// <summary>Anything may have changed.</summary>
    public static LedgerChanges All { get; } = new(true, new HashSet<string>(), new HashSet<string>());

    /// <summary>Nothing changed.</summary>
    public static LedgerChanges None { get; } = new(false, new HashSet<string>(), new HashSet<string>());

    public bool TouchesRegime(string code) => Everything || Regimes.Contains(code);

    public bool TouchesIndicator(string code) => Everything || Indicators.Contains(code);

    /// <summary>The changes of the entries after <paramref name="after"/> up to <paramref name="upTo"/>.</summary>
    public static async Task<LedgerChanges> ReadAsync(NrisDbContext db, CatalogueSnapshot catalogue, long after, long upTo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (upTo <= after)
        {
            return None;
        }

        if (after < 0 || upTo - after > MaxEntries)
        {
            return All;
        }

        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence > after && e.Sequence <= upTo)
            .Select(e => new { e.Sequence, e.Kind }).ToListAsync(ct);
        if (entries.Count != upTo - after || entries.Any(e => !e.Kind.StartsWith("submission.", StringComparison.Ordinal)))
        {
            return All;
        }

        var steps = await db.ReportEvents.AsNoTracking().Where(e => e.LedgerSequence > after && e.LedgerSequence <= upTo)
            .Join(db.Reports.AsNoTracking(), e => e.ReportId, r => r.Id, (e, r) => new { e.LedgerSequence, r.RegimeCode })
            .ToListAsync(ct);
        if (steps.Select(s => s.LedgerSequence).Distinct().Count() != entries.Count)
        {
            return All;
        }

        var regimes = steps.Select(s => s.RegimeCode).ToHashSet(StringComparer.Ordinal);
        return new LedgerChanges(false, regimes, IndicatorsOf(catalogue, regimes));
    }

    /// <summary>Every indicator any version of <paramref name="regimes"/> carries, closed over the indicators computed from them.</summary>
    public static HashSet<string> IndicatorsOf(CatalogueSnapshot catalogue, IEnumerable<string> regimes)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var touched = regimes.SelectMany(catalogue.RegimeVersions).SelectMany(r => r.Rows).Select(r => r.IndicatorCode)
            .ToHashSet(StringComparer.Ordinal);
        var dependents = Dependents(catalogue);
        var queue = new Queue<string>(touched);
        while (queue.TryDequeue(out var code))
        {
            foreach (var dependent in dependents.GetValueOrDefault(code) ?? [])
            {
                if (touched.Add(dependent))
                {
                    queue.Enqueue(dependent);
                }
            }
        }

        return touched;
    }

    // indicator → the indicators whose value reads it (formula references, weights). A formula that does not parse is
    // read as referring to every indicator whose code it contains.
    private static Dictionary<string, List<string>> Dependents(CatalogueSnapshot catalogue)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string source, string dependent)
        {
            if (!result.TryGetValue(source, out var list))
            {
                result[source] = list = [];
            }

            list.Add(dependent);
        }

        foreach (var indicator in catalogue.Indicators.Values)
        {
            if (indicator.WeightIndicatorCode is { Length: > 0 } weight)
            {
                Add(weight, indicator.Code);
            }

            if (!indicator.IsDerived)
            {
                continue;
            }

            var sources = RuleExpression.TryParse(indicator.Formula!, out var parsed, out _) && parsed is not null
                ? parsed.References.Select(r => r.RowCode)
                : catalogue.Indicators.Keys.Where(k => indicator.Formula!.Contains(k, StringComparison.Ordinal));

            foreach (var source in sources.Distinct(StringComparer.Ordinal))
            {
                Add(source, indicator.Code);
            }
        }

        return result;
    }
}
