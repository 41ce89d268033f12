using System.Globalization;
using Nris.Core.Catalogue;
using Nris.Core.Periods;

namespace Nris.Core.Oversight;

/// <summary>What kind of chasing a notification is (đôn đốc).</summary>
public enum ReminderKind
{
    /// <summary>Before the deadline, to the reporter that has not reported yet.</summary>
    Reminder = 0,
    /// <summary>After the deadline, to the reporter's administrator and to the recipient.</summary>
    Escalation = 1,
}

/// <summary>When reminders and escalations are due.</summary>
/// <param name="DaysBefore">Remind this many days before the due instant (and not earlier).</param>
/// <param name="EscalateAfterDays">Escalate this many days after the due instant.</param>
/// <param name="WindowDays">Ignore deadlines that passed more than this many days ago, so a server started on an old
/// database does not chase years of history.</param>
/// <param name="Regimes">Only these regimes are chased; null or empty: all.</param>
public sealed record ReminderPolicy(int DaysBefore = 3, int EscalateAfterDays = 0, int WindowDays = 30, IReadOnlyCollection<string>? Regimes = null);

/// <summary>One expected report that needs chasing now.</summary>
/// <param name="Kind">Reminder or escalation.</param>
/// <param name="Regime">The regime version of the period.</param>
/// <param name="Period">The period, its cutoff and deadline.</param>
/// <param name="Due">The instant the report became (or becomes) late.</param>
/// <param name="Reporter">Who has not reported.</param>
/// <param name="RecipientCode">Who receives the report (the regime's recipient, or the reporter's parent).</param>
/// <param name="State">The report's state now.</param>
public sealed record ReminderDue(
    ReminderKind Kind, Regime Regime, ReportingPeriod Period, DateTimeOffset Due, Organization Reporter, string RecipientCode,
    ComplianceState State)
{
    /// <summary>The stable identity of this chase, the first part of every send-log key.</summary>
    public string Key => string.Join('|', Kind == ReminderKind.Reminder ? "reminder" : "escalation", Regime.Code, Period.Period.ToString(), Reporter.Code);

    /// <summary>A one-line subject in Vietnamese and English.</summary>
    public string Subject => Kind == ReminderKind.Reminder
        ? $"[Nris] Nhắc gửi báo cáo {Regime.Code} kỳ {Period.Period} (hạn {Date(Period.Deadline)}) / Reminder: report {Regime.Code} for {Period.Period} is due {Date(Period.Deadline)}"
        : $"[Nris] Quá hạn: {Reporter.Code} chưa gửi báo cáo {Regime.Code} kỳ {Period.Period} / Overdue: {Reporter.Code} has not sent {Regime.Code} for {Period.Period}";

    /// <summary>The Vietnamese text.</summary>
    public string BodyVi => Kind == ReminderKind.Reminder
        ? $"{Reporter.Name} chưa gửi báo cáo \"{Regime.Name}\" kỳ {Period.Period}. Thời hạn gửi: hết ngày {Date(Period.Deadline)} (giờ Việt Nam)."
        : $"{Reporter.Name} chưa gửi báo cáo \"{Regime.Name}\" kỳ {Period.Period}, đã quá thời hạn {Date(Period.Deadline)}. Trạng thái: {StateVi(State)}.";

    /// <summary>The English text.</summary>
    public string BodyEn => Kind == ReminderKind.Reminder
        ? $"{Reporter.NameEn} has not yet sent \"{Regime.NameEn}\" for {Period.Period}. It is due by the end of {Date(Period.Deadline)} (Vietnam time)."
        : $"{Reporter.NameEn} has not sent \"{Regime.NameEn}\" for {Period.Period}; it was due by the end of {Date(Period.Deadline)}. State: {State}.";

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string StateVi(ComplianceState s) => s == ComplianceState.Returned ? "bị trả lại, chưa gửi lại" : "chưa gửi";
}

/// <summary>Finds the expected reports that need a reminder or an escalation at one instant.</summary>
public static class ReminderPlanner
{
    /// <summary>
    /// Every reminder and escalation due at <paramref name="now"/>: a reminder for each report not received (or returned) whose due
    /// instant is within <see cref="ReminderPolicy.DaysBefore"/> days; an escalation for each report missing or returned
    /// and not resent whose due instant passed at least <see cref="ReminderPolicy.EscalateAfterDays"/> days ago (but
    /// within <see cref="ReminderPolicy.WindowDays"/>). The same chase is found again on every call while it holds;
    /// sending it once is the send log's job.
    /// </summary>
    public static IReadOnlyList<ReminderDue> Plan(CatalogueSnapshot catalogue, ComplianceView view, DateTimeOffset now, ReminderPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(policy);
        var result = new List<ReminderDue>();
        var earliest = now.AddDays(-policy.WindowDays);
        var latest = now.AddDays(policy.DaysBefore);
        foreach (var code in catalogue.RegimeCodes)
        {
            if (policy.Regimes is { Count: > 0 } only && !only.Contains(code))
            {
                continue;
            }

            var newest = catalogue.LatestRegime(code)!;
            // Deadlines fall at most about a year after a period ends, so periods of the last two years and this one cover the window.
            var year = now.ToOffset(ReportingCalendar.VietnamOffset).Year;
            for (var y = year - 2; y <= year; y++)
            {
                foreach (var period in Period.InYear(y, newest.Periodicity))
                {
                    var regime = catalogue.Regime(code, period.End);
                    if (regime is null || regime.Periodicity != period.Periodicity)
                    {
                        continue;
                    }

                    var cutoff = ReportingCalendar.Cutoff(period, regime.CutoffRule);
                    var due = ReportingCalendar.DueInstant(DeadlineRule.Parse(regime.DeadlineRule).DeadlineFor(period, cutoff));
                    if (due < earliest || due > latest)
                    {
                        continue;
                    }

                    var expected = ComplianceCalendar.ForPeriod(catalogue, regime, period);
                    foreach (var reporter in expected.Reporters)
                    {
                        var record = view.Find(new ExpectationKey(code, period.ToString(), reporter.Code));
                        var state = ComplianceView.StateOf(record, due, now);
                        var recipient = regime.RecipientCode == Regime.ParentRecipient ? reporter.ParentCode ?? Organization.GovernmentCode : regime.RecipientCode;
                        // A report returned before its deadline has to be sent again: it is reminded like one not sent.
                        if (now < due && state is ComplianceState.NotYetDue or ComplianceState.Returned)
                        {
                            result.Add(new ReminderDue(ReminderKind.Reminder, regime, expected.Period, due, reporter, recipient, state));
                        }
                        else if (state is ComplianceState.Missing or ComplianceState.Returned && now >= due.AddDays(policy.EscalateAfterDays))
                        {
                            result.Add(new ReminderDue(ReminderKind.Escalation, regime, expected.Period, due, reporter, recipient, state));
                        }
                    }
                }
            }
        }

        return result;
    }
}
