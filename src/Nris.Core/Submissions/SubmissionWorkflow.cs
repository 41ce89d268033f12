namespace Nris.Core.Submissions;

/// <summary>Where a report is in its life (trạng thái báo cáo).</summary>
public enum SubmissionState
{
    /// <summary>Being prepared by the reporter; saved as often as wanted, not in the ledger.</summary>
    Draft = 0,

    /// <summary>Sent to the recipient (đã gửi); its values are current.</summary>
    Submitted = 1,

    /// <summary>Accepted by the recipient (đã tiếp nhận); locked until the recipient reopens it.</summary>
    Accepted = 2,

    /// <summary>Returned to the reporter with a reason (đã trả lại); its values are no longer current.</summary>
    Returned = 3,
}

/// <summary>What someone does to a report.</summary>
public enum SubmissionAction
{
    /// <summary>The reporter sends the first version.</summary>
    Submit = 0,

    /// <summary>The reporter sends a new version with a reason.</summary>
    Revise = 1,

    /// <summary>The recipient accepts the current version.</summary>
    Accept = 2,

    /// <summary>The recipient returns the current version with a reason.</summary>
    Return = 3,

    /// <summary>The recipient unlocks an accepted report so that it can be revised or decided again.</summary>
    Reopen = 4,
}

/// <summary>The answer of <see cref="SubmissionWorkflow.Decide"/>: allowed (and the state after), or refused and why.</summary>
/// <param name="Allowed">Whether the action may be taken.</param>
/// <param name="NextState">The report's state after the action; the current state when refused.</param>
/// <param name="Code">A stable code for programs: <c>ok</c>, <c>illegal-transition</c>, <c>locked</c>, <c>reason-required</c>.</param>
/// <param name="ReasonVi">Why not, in Vietnamese; empty when allowed.</param>
/// <param name="ReasonEn">Why not, in English; empty when allowed.</param>
public sealed record WorkflowDecision(bool Allowed, SubmissionState NextState, string Code, string ReasonVi, string ReasonEn);

/// <summary>
/// The lifecycle of a report as a transition table: which action is allowed in which state, and what state follows.
/// Pure, so the storage layer, the HTTP layer and the UI (to grey out buttons) all read the same rules.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>action</term><description>allowed from → to</description></listheader>
/// <item><term>Submit</term><description>Draft (or no report yet) → Submitted</description></item>
/// <item><term>Revise</term><description>Submitted, Returned → Submitted; needs a reason. Accepted is locked: reopen first.</description></item>
/// <item><term>Accept</term><description>Submitted → Accepted</description></item>
/// <item><term>Return</term><description>Submitted → Returned; needs a reason.</description></item>
/// <item><term>Reopen</term><description>Accepted → Submitted; needs a reason.</description></item>
/// </list>
/// <para>Reopening puts the accepted version back under review rather than inventing a fifth state: the recipient may
/// then accept it again or return it, and the reporter may revise it.</para>
/// </remarks>
public static class SubmissionWorkflow
{
    /// <summary>The code of an allowed action.</summary>
    public const string Ok = "ok";

    /// <summary>The code of an action not allowed in the current state.</summary>
    public const string IllegalTransition = "illegal-transition";

    /// <summary>The code of a revision of an accepted (locked) report.</summary>
    public const string Locked = "locked";

    /// <summary>The code of an action that needs a reason and has none.</summary>
    public const string ReasonRequired = "reason-required";

    /// <summary>Whether <paramref name="action"/> needs a non-blank reason.</summary>
    /// <param name="action">The action.</param>
    /// <returns><see langword="true"/> for revise, return and reopen.</returns>
    public static bool NeedsReason(SubmissionAction action) =>
        action is SubmissionAction.Revise or SubmissionAction.Return or SubmissionAction.Reopen;

    /// <summary>Decides whether <paramref name="action"/> may be taken on a report in <paramref name="state"/>.</summary>
    /// <param name="state">The report's state; <see langword="null"/> when there is no report yet.</param>
    /// <param name="action">The action.</param>
    /// <param name="reason">The reason given, if any.</param>
    /// <returns>The decision, with bilingual reasons when refused.</returns>
    public static WorkflowDecision Decide(SubmissionState? state, SubmissionAction action, string? reason)
    {
        var current = state ?? SubmissionState.Draft;
        var next = (action, current) switch
        {
            (SubmissionAction.Submit, SubmissionState.Draft) => SubmissionState.Submitted,
            (SubmissionAction.Revise, SubmissionState.Submitted or SubmissionState.Returned) => SubmissionState.Submitted,
            (SubmissionAction.Accept, SubmissionState.Submitted) => SubmissionState.Accepted,
            (SubmissionAction.Return, SubmissionState.Submitted) => SubmissionState.Returned,
            (SubmissionAction.Reopen, SubmissionState.Accepted) => SubmissionState.Submitted,
            _ => (SubmissionState?)null,
        };
        if (next is null)
        {
            return action == SubmissionAction.Revise && current == SubmissionState.Accepted
                ? Refuse(current, Locked,
                    "Báo cáo đã được tiếp nhận nên bị khóa: cơ quan nhận báo cáo phải mở lại trước khi điều chỉnh.",
                    "The report was accepted and is locked: the recipient must reopen it before it can be revised.")
                : Refuse(current, IllegalTransition,
                    $"Không thể {ActionVi(action)} báo cáo đang ở trạng thái {StateVi(current)}.",
                    $"A report that is {StateEn(current)} cannot be {ActionEn(action)}.");
        }
        if (NeedsReason(action) && string.IsNullOrWhiteSpace(reason))
        {
            return Refuse(current, ReasonRequired,
                $"Phải nêu lý do khi {ActionVi(action)} báo cáo.",
                $"A reason is required to {Verb(action)} a report.");
        }
        return new WorkflowDecision(true, next.Value, Ok, "", "");
    }

    private static WorkflowDecision Refuse(SubmissionState current, string code, string vi, string en) =>
        new(false, current, code, vi, en);

    /// <summary>The state's name in Vietnamese.</summary>
    /// <param name="state">The state.</param>
    /// <returns>For example "đã tiếp nhận".</returns>
    public static string StateVi(SubmissionState state) => state switch
    {
        SubmissionState.Draft => "bản nháp",
        SubmissionState.Submitted => "đã gửi",
        SubmissionState.Accepted => "đã tiếp nhận",
        _ => "đã trả lại",
    };

    /// <summary>The state's name in English.</summary>
    /// <param name="state">The state.</param>
    /// <returns>For example "accepted".</returns>
    public static string StateEn(SubmissionState state) => state switch
    {
        SubmissionState.Draft => "a draft",
        SubmissionState.Submitted => "submitted",
        SubmissionState.Accepted => "accepted",
        _ => "returned",
    };

    private static string ActionVi(SubmissionAction action) => action switch
    {
        SubmissionAction.Submit => "gửi",
        SubmissionAction.Revise => "điều chỉnh",
        SubmissionAction.Accept => "tiếp nhận",
        SubmissionAction.Return => "trả lại",
        _ => "mở lại",
    };

    private static string ActionEn(SubmissionAction action) => action switch
    {
        SubmissionAction.Submit => "submitted as a first version (revise it instead)",
        SubmissionAction.Revise => "revised",
        SubmissionAction.Accept => "accepted",
        SubmissionAction.Return => "returned",
        _ => "reopened",
    };

    private static string Verb(SubmissionAction action) => action switch
    {
        SubmissionAction.Submit => "submit",
        SubmissionAction.Revise => "revise",
        SubmissionAction.Accept => "accept",
        SubmissionAction.Return => "return",
        _ => "reopen",
    };
}
