using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Nris.Core.Catalogue;
using Nris.Core.Security;

namespace Nris.Server.Components.Shared;

/// <summary>
/// Dashboard figures computed once per state of the data, not once per page view. An entry is keyed by what decides
/// its content — the caller's grants (so exactly the same <see cref="AccessScope"/>), the territory, the day — and
/// stamped with the state it was computed from: the catalogue snapshot and the ledger entries the aggregates and the
/// compliance view have applied. A new report, a catalogue change or a new day changes the stamp, and the next view
/// computes afresh; two users with the same grants share an entry, users with different grants never do.
/// One table per server (keyed by the aggregation projection instance), at most <see cref="MaxEntries"/> entries.
/// </summary>
public static class DashboardMemo
{
    /// <summary>Entries kept per server; beyond it the table starts again empty.</summary>
    public const int MaxEntries = 512;

    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, Entry>> Tables = new();

    /// <summary>The state a value was computed from.</summary>
    public readonly record struct Stamp(CatalogueSnapshot Catalogue, long AggregatesSequence, long ComplianceSequence, DateOnly Day)
    {
        public bool Matches(Stamp other) => ReferenceEquals(Catalogue, other.Catalogue) && AggregatesSequence == other.AggregatesSequence &&
                                            ComplianceSequence == other.ComplianceSequence && Day == other.Day;
    }

    private sealed record Entry(Stamp Stamp, object Value);

    /// <summary>The key part that identifies a caller's rights: its grants, in a stable order.</summary>
    public static string ScopeKey(AccessScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return string.Join(";", scope.Grants.Select(g => g.ToString()).Order(StringComparer.Ordinal)) + "@" +
               scope.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + (scope.IsAuthenticated ? "" : "#anonymous");
    }

    /// <summary>How a value was obtained.</summary>
    public enum Outcome
    {
        /// <summary>Kept from an earlier view at the same state of the data.</summary>
        Hit,

        /// <summary>Brought forward from an earlier state by an incremental update.</summary>
        Updated,

        /// <summary>Computed from scratch.</summary>
        Computed,
    }

    /// <summary>The value for <paramref name="key"/> if it was computed at <paramref name="stamp"/>, else computes and keeps it.</summary>
    public static async Task<(T Value, bool Computed)> GetOrComputeAsync<T>(object owner, string key, Stamp stamp, Func<Task<T>> compute)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(compute);
        var (value, outcome) = await GetOrUpdateAsync(owner, key, stamp, compute, (_, _) => Task.FromResult<T?>(null));
        return (value, outcome != Outcome.Hit);
    }

    /// <summary>
    /// The value for <paramref name="key"/> at <paramref name="stamp"/>: kept if it was computed there; else, when an
    /// earlier one is kept, <paramref name="update"/> brings it forward (given it and its stamp; null means it cannot);
    /// else <paramref name="compute"/> computes it afresh.
    /// </summary>
    public static async Task<(T Value, Outcome Outcome)> GetOrUpdateAsync<T>(
        object owner, string key, Stamp stamp, Func<Task<T>> compute, Func<T, Stamp, Task<T?>> update)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(update);
        var table = Tables.GetValue(owner, _ => new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));
        T? value = null;
        var outcome = Outcome.Computed;
        if (table.TryGetValue(key, out var entry) && entry.Value is T kept)
        {
            if (entry.Stamp.Matches(stamp))
            {
                return (kept, Outcome.Hit);
            }

            value = await update(kept, entry.Stamp);
            outcome = Outcome.Updated;
        }

        if (value is null)
        {
            value = await compute();
            outcome = Outcome.Computed;
        }

        if (table.Count >= MaxEntries)
        {
            table.Clear();
        }

        // Two views racing at different states: the later state wins the slot.
        table.AddOrUpdate(key, new Entry(stamp, value), (_, old) => Later(old.Stamp, stamp) ? old : new Entry(stamp, value));
        return (value, outcome);
    }

    private static bool Later(Stamp kept, Stamp candidate) =>
        ReferenceEquals(kept.Catalogue, candidate.Catalogue) && kept.Day == candidate.Day &&
        kept.AggregatesSequence >= candidate.AggregatesSequence && kept.ComplianceSequence >= candidate.ComplianceSequence &&
        !kept.Matches(candidate);
}
