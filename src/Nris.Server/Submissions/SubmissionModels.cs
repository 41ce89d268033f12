using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;

namespace Nris.Server.Submissions;

/// <summary>Who acts: the user (written into the ledger as the actor) and the organization they act for.</summary>
/// <param name="User">The user or service identifier.</param>
/// <param name="OrganizationCode">The organization the user acts for; the reporter or the recipient.</param>
public sealed record SubmissionActor(string User, string OrganizationCode);

/// <summary>A version to submit or revise.</summary>
/// <param name="Values">The values.</param>
/// <param name="Explanations">Explanations of warning rules.</param>
/// <param name="IdempotencyKey">The client's Idempotency-Key: a retry with the same key and body returns the first result.</param>
/// <param name="Signature">The reporter's signature over <see cref="SubmissionPayload.SignedBytes"/>, if signed.</param>
public sealed record SubmissionRequest(
    IReadOnlyList<ReportValue> Values,
    IReadOnlyList<WarningExplanation>? Explanations = null,
    string? IdempotencyKey = null,
    SubmissionSignature? Signature = null);

/// <summary>The outcome of a ledger-writing action.</summary>
/// <param name="Key">The report.</param>
/// <param name="Version">The version written or decided on.</param>
/// <param name="State">The report's state afterwards.</param>
/// <param name="LedgerSequence">The ledger entry written.</param>
/// <param name="LedgerHash">That entry's hash, hex.</param>
/// <param name="PayloadHash">SHA-256 of the entry's payload, hex.</param>
/// <param name="Time">When (the entry's time).</param>
/// <param name="Replayed">True when this is the stored result of an earlier request with the same idempotency key.</param>
public sealed record SubmissionResult(
    ReportKey Key,
    int Version,
    SubmissionState State,
    long LedgerSequence,
    string LedgerHash,
    string PayloadHash,
    DateTimeOffset Time,
    bool Replayed = false);

/// <summary>One version in a report's history.</summary>
public sealed record ReportVersionInfo(
    int Version,
    int RegimeVersion,
    SubmissionState State,
    string? Reason,
    string SubmittedBy,
    string Organization,
    DateTimeOffset SubmittedAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    long LedgerSequence,
    string PayloadHash,
    string? Signer,
    int ValueCount);

/// <summary>One step of a report's history: who did what to which version, when and why.</summary>
public sealed record ReportHistoryEvent(
    int Version,
    SubmissionAction Action,
    string Actor,
    string Organization,
    DateTimeOffset Time,
    string? Reason,
    long LedgerSequence);

/// <summary>A report with every version and every step.</summary>
public sealed record ReportDetails(
    ReportKey Key,
    SubmissionState State,
    int CurrentVersion,
    string RecipientCode,
    long LastLedgerSequence,
    IReadOnlyList<ReportVersionInfo> Versions,
    IReadOnlyList<ReportHistoryEvent> History);

/// <summary>A report in a list.</summary>
public sealed record ReportSummary(
    ReportKey Key,
    SubmissionState State,
    int CurrentVersion,
    string RecipientCode,
    DateTimeOffset UpdatedAt,
    long LastLedgerSequence);

/// <summary>Which reports to list; null filters match everything.</summary>
public sealed record ReportFilter(
    string? RegimeCode = null,
    Period? Period = null,
    string? ReporterCode = null,
    SubmissionState? State = null,
    int Limit = 1000);

/// <summary>A saved draft.</summary>
public sealed record DraftInfo(
    ReportKey Key,
    IReadOnlyList<ReportValue> Values,
    IReadOnlyList<WarningExplanation> Explanations,
    string UpdatedBy,
    DateTimeOffset UpdatedAt);

/// <summary>A refusal by the submissions engine, with a stable code and the reason in Vietnamese and English.</summary>
public class SubmissionException : Exception
{
    public SubmissionException()
        : this("error", "Lỗi.", "Error.")
    {
    }

    public SubmissionException(string message)
        : this("error", message, message)
    {
    }

    public SubmissionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "error";
        MessageVi = message;
        MessageEn = message;
    }

    public SubmissionException(string code, string messageVi, string messageEn)
        : base(messageEn)
    {
        Code = code;
        MessageVi = messageVi;
        MessageEn = messageEn;
    }

    /// <summary>What kind of refusal, for programs (HTTP mapping, clients).</summary>
    public string Code { get; }

    /// <summary>The reason in Vietnamese.</summary>
    public string MessageVi { get; }

    /// <summary>The reason in English.</summary>
    public string MessageEn { get; }
}

/// <summary>Validation found errors or unexplained warnings; nothing was stored (HTTP 422 later).</summary>
public sealed class SubmissionRejectedException(ValidationReport report)
    : SubmissionException("validation-failed",
        "Báo cáo không hợp lệ: " + Summary(report, vi: true),
        "The report is not valid: " + Summary(report, vi: false))
{
    /// <summary>Every issue found.</summary>
    public ValidationReport Report { get; } = report;

    private static string Summary(ValidationReport report, bool vi)
    {
        var first = report.Issues.Where(i => i.Severity == Core.Catalogue.RuleSeverity.Error || !i.IsExplained).Take(3);
        return string.Join("; ", first.Select(i => vi ? i.MessageVi : i.MessageEn));
    }
}

/// <summary>The report moved on since the caller looked: another submission won (HTTP 409 later).</summary>
public sealed class SubmissionConflictException(ReportKey key, int currentVersion, SubmissionState currentState)
    : SubmissionException("conflict",
        $"Báo cáo {key} đã có phiên bản {currentVersion} ({SubmissionWorkflow.StateVi(currentState)}); hãy tải lại và thao tác trên phiên bản đó.",
        $"Report {key} is at version {currentVersion} ({SubmissionWorkflow.StateEn(currentState)}); reload and act on that version.")
{
    /// <summary>The report's current version.</summary>
    public int CurrentVersion { get; } = currentVersion;

    /// <summary>The report's current state.</summary>
    public SubmissionState CurrentState { get; } = currentState;
}

/// <summary>The idempotency key was used before with a different request (HTTP 422 later).</summary>
public sealed class IdempotencyConflictException(string key)
    : SubmissionException("idempotency-key-reused",
        $"Khóa Idempotency-Key '{key}' đã được dùng cho một yêu cầu khác.",
        $"The Idempotency-Key '{key}' was already used for a different request.")
{
    public string Key { get; } = key;
}

/// <summary>
/// The action is not allowed: the workflow forbids it in the report's state, a reason is missing, or the acting
/// organization is not the one the business rule names (reporter or recipient). <see cref="SubmissionException.Code"/>
/// says which.
/// </summary>
public sealed class SubmissionRefusedException(string code, string messageVi, string messageEn)
    : SubmissionException(code, messageVi, messageEn)
{
    public const string NotReporter = "not-reporter";
    public const string NotRecipient = "not-recipient";
    public const string UnknownRegime = "unknown-regime";
    public const string UnknownReporter = "unknown-reporter";
    public const string NotFound = "not-found";
}

/// <summary>What a report key resolves to in the catalogue: the regime version in force, the reporter, the recipient.</summary>
/// <param name="Regime">The regime version that applies to the period.</param>
/// <param name="Reporter">The reporting organization.</param>
/// <param name="RecipientCode">The organization that accepts, returns and reopens the report.</param>
public sealed record ReportTarget(Nris.Core.Catalogue.Regime Regime, Nris.Core.Catalogue.Organization Reporter, string RecipientCode);
