using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Submissions;
using Nris.Storage;

namespace Nris.Server.Demo;

/// <summary>
/// The validation history of a bulk load for sources (reporters) that had no current values when it started: the
/// numbers this run wrote, per (source, period), which are exactly the rows <see cref="CurrentValueHistory"/> would
/// read back from the current-values view (the loader is the only writer; a later value of a cell replaces the earlier one, a
/// value without a number removes it, as the view's upsert does). Reading them back cost a query per report, a fifth
/// of the load's time. To keep memory bounded, periods that ended more than <see cref="KeptDays"/> days before the
/// latest period written are let go of after each batch; a question about one of those, or about a source that had
/// current values before the run (the reference yearbook's statistics office), goes to the database, as without the cache.
/// </summary>
internal sealed class BulkHistory(IReadOnlySet<string> sourcesBefore)
{
    /// <summary>How far back the cache keeps periods: a year and a little, for "same period last year".</summary>
    public const int KeptDays = 400;

    private readonly Dictionary<(string Source, Period Period), Dictionary<CellKey, decimal>> _numbers = [];
    private readonly HashSet<(string Source, Period Period)> _forgotten = [];
    private DateOnly _latest = DateOnly.MinValue;

    /// <summary>The history a report of <paramref name="source"/> for <paramref name="period"/> is validated against.</summary>
    public async Task<IValueHistory> ForAsync(NrisDbContext db, string source, Period period, CancellationToken cancellationToken)
    {
        Period? previous = Shift(period, p => p.Previous());
        Period? lastYear = Shift(period, p => p.SamePeriodLastYear());
        if (sourcesBefore.Contains(source) || (previous is { } a && _forgotten.Contains((source, a))) || (lastYear is { } b && _forgotten.Contains((source, b))))
        {
            return await CurrentValueHistory.LoadAsync(db, source, period, cancellationToken);
        }

        return new Known(Find(source, previous), previous, Find(source, lastYear), lastYear);
    }

    /// <summary>Records the normalized values of a report just written.</summary>
    public void Wrote(string source, Period period, IReadOnlyList<ReportValue> values)
    {
        if (!_numbers.TryGetValue((source, period), out var cells))
        {
            cells = new Dictionary<CellKey, decimal>(values.Count);
            _numbers[(source, period)] = cells;
        }

        foreach (var v in values)
        {
            var cell = new CellKey(v.IndicatorCode, v.Disaggregation, v.TerritoryCode!);
            if (v.Number is { } number)
            {
                cells[cell] = number;
            }
            else
            {
                cells.Remove(cell);
            }
        }

        if (period.End > _latest)
        {
            _latest = period.End;
        }
    }

    /// <summary>Lets go of periods that ended long before the latest one written (called after each committed batch).</summary>
    public void Forget()
    {
        var before = _latest.AddDays(-KeptDays);
        foreach (var key in _numbers.Keys.Where(k => k.Period.End < before).ToList())
        {
            _numbers.Remove(key);
            _forgotten.Add(key);
        }
    }

    private Dictionary<CellKey, decimal>? Find(string source, Period? period) =>
        period is { } p && _numbers.TryGetValue((source, p), out var cells) ? cells : null;

    private static Period? Shift(Period period, Func<Period, Period> shift)
    {
        try
        {
            return shift(period);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // year 1 has no earlier period, as CurrentValueHistory
        }
    }

    private sealed class Known(Dictionary<CellKey, decimal>? previous, Period? previousPeriod, Dictionary<CellKey, decimal>? lastYear, Period? lastYearPeriod)
        : IValueHistory
    {
        public decimal? Number(CellKey cell, Period period) =>
            (period == previousPeriod ? previous : period == lastYearPeriod ? lastYear : null) is { } cells && cells.TryGetValue(cell, out var n) ? n : null;
    }
}
