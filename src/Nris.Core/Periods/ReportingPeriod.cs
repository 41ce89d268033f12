namespace Nris.Core.Periods;

/// <summary>One period of a regime with the data it covers and the last day it may be sent on time.</summary>
/// <param name="Period">The reporting period (kỳ báo cáo).</param>
/// <param name="Cutoff">The data cutoff window (thời gian chốt số liệu).</param>
/// <param name="Deadline">The last day on which the report is on time (thời hạn gửi báo cáo), to the end of
/// that day in Vietnam time; see <see cref="ReportingCalendar.DueInstant"/>.</param>
public sealed record ReportingPeriod(Period Period, CutoffWindow Cutoff, DateOnly Deadline)
{
    /// <summary>
    /// The reporting periods of periodicity <paramref name="periodicity"/> that start in <paramref name="year"/>, in
    /// order (for weeks, the ISO weeks of ISO week-year <paramref name="year"/>), with their cutoff windows under
    /// <paramref name="cutoffRule"/> and deadlines under <paramref name="deadlineRule"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The cutoff rule is unknown.</exception>
    /// <exception cref="FormatException">The deadline rule is not valid; see <see cref="DeadlineRule.Parse"/>.</exception>
    public static IReadOnlyList<ReportingPeriod> PeriodsOfYear(int year, Periodicity periodicity, string cutoffRule, string deadlineRule)
    {
        var rule = DeadlineRule.Parse(deadlineRule);
        var result = new List<ReportingPeriod>();
        foreach (var period in Period.InYear(year, periodicity))
        {
            var cutoff = ReportingCalendar.Cutoff(period, cutoffRule);
            result.Add(new ReportingPeriod(period, cutoff, rule.DeadlineFor(period, cutoff)));
        }

        return result;
    }
}
