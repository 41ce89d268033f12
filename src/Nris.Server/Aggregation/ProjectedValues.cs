using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Server.Aggregation;

/// <summary>A row of the current-values view, keyed as the table is: indicator × disaggregation × territory × period × reporter.</summary>
public readonly record struct CurrentKey(string IndicatorCode, string Disaggregation, string TerritoryCode, string Period, string Reporter);

/// <summary>What the aggregation needs of one current value: the report it belongs to, its regime (the source), and the number.</summary>
public readonly record struct CurrentRow(long ReportId, string RegimeCode, decimal? Number, ObservationStatus Status, long LedgerSequence);

/// <summary>
/// The projection's own copy of the current-values view, changed exactly as <c>SubmissionService</c> changes the table
/// (replace a report's rows, upsert; on a return remove them and restore an earlier version), and the facts the
/// aggregation engine gets from it. The table itself cannot be read instead: a follower applies entry N while the
/// table may already be at N + 100, so the follower keeps the view as of the last entry it applied.
/// </summary>
/// <remarks>
/// The engine keys a fact by source = regime, the table by source = reporter, so two reporters of one regime may
/// report the same cell (a province and a commune both giving a commune's figure). Then the value with the higher
/// ledger sequence is the fact — the same rule <see cref="AggregationEngine.Build"/> applies — on both the
/// incremental and the rebuilt path, so they agree.
/// </remarks>
public sealed class ProjectedValues
{
    private CatalogueSnapshot _catalogue;
    private readonly Dictionary<CurrentKey, CurrentRow> _rows = [];
    private readonly Dictionary<long, HashSet<CurrentKey>> _byReport = [];
    private readonly Dictionary<FactKey, List<CurrentKey>> _byFact = [];
    private readonly Dictionary<FactKey, Fact?> _before = [];
    private readonly Dictionary<string, Period> _periods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>An empty view aggregated by <paramref name="catalogue"/>.</summary>
    public ProjectedValues(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
    }

    private readonly record struct FactKey(string IndicatorCode, string Disaggregation, string TerritoryCode, string Period, string Source);

    /// <summary>Aggregates by <paramref name="catalogue"/> from now on (after a <c>catalogue.changed</c> entry): a value of an
    /// indicator the new catalogue defines becomes a fact, one of an indicator it no longer has stops being one.</summary>
    public void UseCatalogue(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
    }

    /// <summary>How many current values are held (numeric or not).</summary>
    public int Count => _rows.Count;

    /// <summary>Every current value, for comparing with the table.</summary>
    public IEnumerable<KeyValuePair<CurrentKey, CurrentRow>> Rows => _rows;

    /// <summary>Takes a report's values out (what <c>SubmissionTables.RemoveCurrentAsync</c> does).</summary>
    public void RemoveReport(long reportId)
    {
        if (!_byReport.Remove(reportId, out var keys))
        {
            return;
        }

        foreach (var key in keys)
        {
            var row = _rows[key];
            Touch(FactOf(key, row));
            _rows.Remove(key);
            Unlink(key, row);
        }
    }

    /// <summary>Inserts or replaces one value (the upsert of <c>SubmissionTables.ReplaceCurrentAsync</c>): a cell of the
    /// same reporter and period that another report holds moves to this one.</summary>
    public void Upsert(CurrentKey key, CurrentRow row)
    {
        // Each row read from the database brings its own copies of six short strings; the view keeps one copy of
        // each distinct code (a few thousand territories and reporters, tens of indicators and periods).
        key = new CurrentKey(Intern(key.IndicatorCode), Intern(key.Disaggregation), Intern(key.TerritoryCode), Intern(key.Period), Intern(key.Reporter));
        row = row with { RegimeCode = Intern(row.RegimeCode) };
        if (_rows.TryGetValue(key, out var old))
        {
            Touch(FactOf(key, old));
            Unlink(key, old);
            if (_byReport.TryGetValue(old.ReportId, out var set))
            {
                set.Remove(key);
                if (set.Count == 0)
                {
                    _byReport.Remove(old.ReportId);
                }
            }
        }

        var fact = FactOf(key, row);
        Touch(fact);
        _rows[key] = row;
        if (!_byReport.TryGetValue(row.ReportId, out var keys))
        {
            _byReport[row.ReportId] = keys = [];
        }

        keys.Add(key);
        if (!_byFact.TryGetValue(fact, out var list))
        {
            _byFact[fact] = list = new List<CurrentKey>(1);
        }

        list.Add(key);
    }

    /// <summary>The engine changes since the last call: each touched fact's value before and after.</summary>
    public List<FactDelta> TakeDeltas()
    {
        var deltas = new List<FactDelta>(_before.Count);
        foreach (var (key, before) in _before)
        {
            var after = Winner(key);
            if (before != after)
            {
                deltas.Add(new FactDelta(before, after));
            }
        }

        _before.Clear();
        return deltas;
    }

    /// <summary>Forgets pending changes (after a bulk load, whose facts go to <see cref="Facts"/> instead).</summary>
    public void ClearDeltas() => _before.Clear();

    /// <summary>Every fact of the view, for <see cref="AggregationEngine.Build"/>.</summary>
    public IEnumerable<Fact> Facts()
    {
        foreach (var key in _byFact.Keys)
        {
            if (Winner(key) is { } fact)
            {
                yield return fact;
            }
        }
    }

    private string Intern(string code)
    {
        if (_strings.TryGetValue(code, out var known))
        {
            return known;
        }

        _strings.Add(code, code);
        return code;
    }

    private void Touch(FactKey key)
    {
        if (!_before.ContainsKey(key))
        {
            _before[key] = Winner(key);
        }
    }

    private void Unlink(CurrentKey key, CurrentRow row)
    {
        var fact = FactOf(key, row);
        if (_byFact.TryGetValue(fact, out var list))
        {
            list.Remove(key);
            if (list.Count == 0)
            {
                _byFact.Remove(fact);
            }
        }
    }

    private static FactKey FactOf(CurrentKey key, CurrentRow row) =>
        new(key.IndicatorCode, key.Disaggregation, key.TerritoryCode, key.Period, row.RegimeCode);

    // The fact of a key: among the numeric values behind it the one with the highest ledger sequence (then the
    // reporter code, so equal sequences — impossible from one entry, but cheap to pin — still give one answer).
    private Fact? Winner(FactKey key)
    {
        if (!_byFact.TryGetValue(key, out var list) || !_catalogue.Indicators.ContainsKey(key.IndicatorCode))
        {
            return null;
        }

        CurrentKey? best = null;
        CurrentRow bestRow = default;
        foreach (var k in list)
        {
            var row = _rows[k];
            if (row.Number is null)
            {
                continue;
            }

            if (best is null || row.LedgerSequence > bestRow.LedgerSequence ||
                (row.LedgerSequence == bestRow.LedgerSequence && string.CompareOrdinal(k.Reporter, best.Value.Reporter) > 0))
            {
                best = k;
                bestRow = row;
            }
        }

        if (best is null)
        {
            return null;
        }

        if (!_periods.TryGetValue(key.Period, out var period))
        {
            if (!Period.TryParse(key.Period, out period))
            {
                return null;
            }

            _periods[key.Period] = period;
        }

        return new Fact(key.IndicatorCode, key.Disaggregation, key.TerritoryCode, period, key.Source,
            bestRow.Number!.Value, bestRow.Status, bestRow.LedgerSequence);
    }
}

/// <summary>Compares two copies of the current-values view (the stored table and the ledger replayed), for <c>nris rebuild --check</c>.</summary>
public static class ProjectedValuesComparison
{
    /// <summary>The first <paramref name="limit"/> differences, described for an operator; empty when equal.</summary>
    public static IReadOnlyList<string> Differences(ProjectedValues stored, ProjectedValues replayed, int limit = 20)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(replayed);
        var result = new List<string>();
        var other = replayed.Rows.ToDictionary(r => r.Key, r => r.Value);
        foreach (var (key, row) in stored.Rows)
        {
            if (result.Count >= limit)
            {
                return result;
            }

            if (!other.Remove(key, out var expected))
            {
                result.Add($"{Describe(key)}: stored {Describe(row)}, but the ledger has no such value");
            }
            else if (!Same(row, expected))
            {
                result.Add($"{Describe(key)}: stored {Describe(row)}, the ledger says {Describe(expected)}");
            }
        }

        foreach (var (key, row) in other)
        {
            if (result.Count >= limit)
            {
                break;
            }

            result.Add($"{Describe(key)}: missing from the stored view, the ledger says {Describe(row)}");
        }

        return result;
    }

    // Decimal equality, not record equality: 1.0 and 1.00 are the same number.
    private static bool Same(CurrentRow a, CurrentRow b) =>
        a.ReportId == b.ReportId && a.RegimeCode == b.RegimeCode && a.Number == b.Number && a.Status == b.Status &&
        a.LedgerSequence == b.LedgerSequence;

    private static string Describe(CurrentKey k) =>
        $"{k.IndicatorCode}/{k.Disaggregation}/{k.TerritoryCode}/{k.Period}/{k.Reporter}";

    private static string Describe(CurrentRow r) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(no number)"} ({r.Status}, {r.RegimeCode}, entry {r.LedgerSequence})");
}
