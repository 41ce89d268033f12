using Microsoft.EntityFrameworkCore;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Storage;

namespace Nris.Server.Submissions;

/// <summary>
/// A reporter's earlier numbers for <c>prev(x)</c> and <c>same_period_last_year(x)</c>, read from the current-values
/// view before validation. The validator asks synchronously, so the two periods it can ask about are loaded up front.
/// </summary>
public sealed class CurrentValueHistory : IValueHistory
{
    private readonly Dictionary<(CellKey Cell, string Period), decimal> _numbers;

    private CurrentValueHistory(Dictionary<(CellKey, string), decimal> numbers) => _numbers = numbers;

    /// <summary>Loads the reporter's current numbers of the period before <paramref name="period"/> and of the same period last year.</summary>
    public static async Task<CurrentValueHistory> LoadAsync(NrisDbContext db, string source, Period period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var periods = new List<string>(2);
        foreach (var shift in new Func<Period, Period>[] { p => p.Previous(), p => p.SamePeriodLastYear() })
        {
            try
            {
                periods.Add(shift(period).ToString());
            }
            catch (ArgumentOutOfRangeException)
            {
                // Year 1 has no earlier period: its history is blank.
            }
        }
        var rows = await db.CurrentValues.AsNoTracking()
            .Where(c => c.Source == source && periods.Contains(c.Period) && c.Number != null)
            .Select(c => new { c.IndicatorCode, c.Disaggregation, c.TerritoryCode, c.Period, c.Number })
            .ToListAsync(cancellationToken);
        var numbers = new Dictionary<(CellKey, string), decimal>(rows.Count);
        foreach (var row in rows)
        {
            numbers[(new CellKey(row.IndicatorCode, row.Disaggregation, row.TerritoryCode), row.Period)] = row.Number!.Value;
        }
        return new CurrentValueHistory(numbers);
    }

    /// <inheritdoc />
    public decimal? Number(CellKey cell, Period period) =>
        _numbers.TryGetValue((cell, period.ToString()), out var n) ? n : null;
}
