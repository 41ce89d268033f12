using Nris.Core.Oversight;
using Nris.Core.Periods;

namespace Nris.Core.Requests;

/// <summary>One target of one request as the reminder planner sees it.</summary>
public sealed record RequestTargetStanding(
    long RequestId, string Subject, string SubjectEn, string IssuerCode, string IssuedBy, string TargetCode, DateOnly Deadline,
    RequestAnswerStatus Status, DateTimeOffset? FirstAnswered);

/// <summary>A reminder or an escalation due now for one target of one request.</summary>
/// <param name="Kind">Reminder (before the deadline) or escalation (after it).</param>
/// <param name="Target">The target and its request.</param>
/// <param name="State">The target's compliance state now.</param>
/// <param name="Key">The stable key of the notification, the same in every pass: "request-reminder|17|UBND.01".</param>
public sealed record RequestReminderDue(ReminderKind Kind, RequestTargetStanding Target, ComplianceState State, string Key)
{
    /// <summary>The e-mail subject, Vietnamese / English.</summary>
    public string Subject => Kind == ReminderKind.Reminder
        ? $"Nhắc trả lời yêu cầu báo cáo đột xuất {ReportRequests.CodeOf(Target.RequestId)} / Reminder: ad-hoc report request {ReportRequests.CodeOf(Target.RequestId)}"
        : $"Quá hạn: {Target.TargetCode} chưa trả lời {ReportRequests.CodeOf(Target.RequestId)} / Overdue: {Target.TargetCode} has not answered {ReportRequests.CodeOf(Target.RequestId)}";

    /// <summary>The Vietnamese text.</summary>
    public string BodyVi => Kind == ReminderKind.Reminder
        ? $"{Target.TargetCode} chưa trả lời yêu cầu báo cáo đột xuất {ReportRequests.CodeOf(Target.RequestId)} \"{Target.Subject}\" của {Target.IssuerCode}; hạn trả lời {Format(Target.Deadline)}."
        : $"{Target.TargetCode} {(State == ComplianceState.Returned ? "chưa gửi lại câu trả lời bị trả lại cho" : "chưa trả lời")} yêu cầu báo cáo đột xuất {ReportRequests.CodeOf(Target.RequestId)} \"{Target.Subject}\" của {Target.IssuerCode}; đã quá hạn {Format(Target.Deadline)}.";

    /// <summary>The English text.</summary>
    public string BodyEn => Kind == ReminderKind.Reminder
        ? $"{Target.TargetCode} has not answered ad-hoc report request {ReportRequests.CodeOf(Target.RequestId)} \"{Target.SubjectEn}\" from {Target.IssuerCode}; the deadline is {Format(Target.Deadline)}."
        : $"{Target.TargetCode} {(State == ComplianceState.Returned ? "has not sent again its returned answer to" : "has not answered")} ad-hoc report request {ReportRequests.CodeOf(Target.RequestId)} \"{Target.SubjectEn}\" from {Target.IssuerCode}; the deadline {Format(Target.Deadline)} has passed.";

    private static string Format(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Plans the reminders and escalations of ad-hoc report requests with the same policy as regimes' reports
/// (<see cref="ReminderPolicy"/>): a reminder within <c>DaysBefore</c> days before the deadline to a target that has
/// not answered; an escalation from <c>EscalateAfterDays</c> after the deadline, for <c>WindowDays</c>, for a
/// target that is missing or returned. Pure: the same standings at the same instant give the same plan.
/// </summary>
public static class RequestReminderPlanner
{
    /// <summary>What is due at <paramref name="now"/>.</summary>
    public static IReadOnlyList<RequestReminderDue> Plan(IEnumerable<RequestTargetStanding> targets, DateTimeOffset now, ReminderPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(policy);
        var plan = new List<RequestReminderDue>();
        foreach (var t in targets)
        {
            var due = ReportingCalendar.DueInstant(t.Deadline);
            var state = ReportRequests.StateOf(t.Status, t.FirstAnswered, t.Deadline, now);
            if (state == ComplianceState.NotYetDue && now >= due.AddDays(-policy.DaysBefore))
            {
                plan.Add(new RequestReminderDue(ReminderKind.Reminder, t, state, $"request-reminder|{t.RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{t.TargetCode}"));
            }
            else if (state is ComplianceState.Missing or ComplianceState.Returned &&
                     now >= due.AddDays(policy.EscalateAfterDays) && now < due.AddDays(policy.EscalateAfterDays + policy.WindowDays))
            {
                plan.Add(new RequestReminderDue(ReminderKind.Escalation, t, state, $"request-escalation|{t.RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture)}|{t.TargetCode}"));
            }
        }

        return plan;
    }
}
