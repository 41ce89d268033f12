namespace Nris.Core.Periods;

/// <summary>
/// When a periodic report's data are cut off and when it is due, under the rules a regime names.
/// </summary>
public static class ReportingCalendar
{
    /// <summary>The cutoff rule under which a report covers exactly its period's own days.</summary>
    public const string CalendarRule = "calendar";

    /// <summary>
    /// The cutoff rule of Decree 09/2019/NĐ-CP, article 12: a monthly report covers the 15th of the previous month
    /// to the 14th of the month; quarterly, the 15th of the month before the quarter to the 14th of its last month;
    /// half-yearly, 15 December of the previous year (S1) or 15 June (S2) to 14 June or 14 December; yearly,
    /// 15 December of the previous year to 14 December.
    /// </summary>
    public const string Decree09Rule = "decree09";

    /// <summary>
    /// The data cutoff window of <paramref name="period"/> under <paramref name="cutoffRule"/>
    /// (<see cref="CalendarRule"/> or <see cref="Decree09Rule"/>, compared without regard to case).
    /// </summary>
    /// <remarks>The decree says nothing about daily or weekly reports, so under <see cref="Decree09Rule"/> they
    /// keep their calendar dates.</remarks>
    /// <exception cref="ArgumentException">The rule is unknown; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The window would start before 0001-01-01.</exception>
    public static CutoffWindow Cutoff(Period period, string cutoffRule)
    {
        if (string.Equals(cutoffRule, CalendarRule, StringComparison.OrdinalIgnoreCase))
        {
            return new CutoffWindow(period.Start, period.End);
        }

        if (!string.Equals(cutoffRule, Decree09Rule, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Unknown cutoff rule '{cutoffRule}'; the known rules are '{CalendarRule}' and '{Decree09Rule}'.",
                nameof(cutoffRule));
        }

        if (period.Periodicity is Periodicity.Daily or Periodicity.Weekly)
        {
            return new CutoffWindow(period.Start, period.End);
        }

        // Every article-12 window is "the 15th of the month before the period to the 14th of its last month",
        // which is why consecutive windows of one periodicity meet without gap or overlap.
        var before = period.Start.AddMonths(-1);
        var end = period.End;
        return new CutoffWindow(new DateOnly(before.Year, before.Month, 15), new DateOnly(end.Year, end.Month, 14));
    }

    /// <summary>
    /// The first instant at which a report due on <paramref name="deadline"/> is late: midnight at the end of that
    /// day in Vietnam time (UTC+07:00; Vietnam keeps no daylight saving time). A report submitted before it is on time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The deadline is 9999-12-31.</exception>
    public static DateTimeOffset DueInstant(DateOnly deadline) =>
        new(deadline.AddDays(1).ToDateTime(TimeOnly.MinValue), VietnamOffset);

    /// <summary>Vietnam's fixed offset from UTC.</summary>
    public static TimeSpan VietnamOffset { get; } = TimeSpan.FromHours(7);
}
