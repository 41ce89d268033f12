using Nris.Core.Submissions;

namespace Nris.Storage.Submissions;

// Row shapes of the submission tables. Times are microseconds since the Unix epoch (UTC) like the ledger's, so
// both databases store and order them the same way. Periods are stored as their codes ("2026-M03").

/// <summary>One report (regime × period × reporter): its state now and its current version.</summary>
public sealed class ReportEntity
{
    public long Id { get; set; }
    public required string RegimeCode { get; set; }
    public required string Period { get; set; }
    public required string ReporterCode { get; set; }
    public int RegimeVersion { get; set; }
    public SubmissionState State { get; set; }
    public int CurrentVersion { get; set; }
    public required string RecipientCode { get; set; }
    public long LastLedgerSequence { get; set; }
    public long CreatedUs { get; set; }
    public long UpdatedUs { get; set; }
}

/// <summary>One version of a report: who sent it, when, why, and the latest decision on it.</summary>
public sealed class ReportVersionEntity
{
    public long Id { get; set; }
    public long ReportId { get; set; }
    public int Version { get; set; }
    public int RegimeVersion { get; set; }
    public SubmissionState State { get; set; }
    public string? Reason { get; set; }
    public required string Actor { get; set; }
    public required string Organization { get; set; }
    public long SubmittedUs { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedUs { get; set; }
    public string? DecisionReason { get; set; }
    public long LedgerSequence { get; set; }
    public required byte[] PayloadHash { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? Signer { get; set; }
    public int ValueCount { get; set; }
}

/// <summary>One value of one version, so history and diffs need no JSON parsing.</summary>
public sealed class ReportValueEntity
{
    public long VersionId { get; set; }
    public required string IndicatorCode { get; set; }
    public required string Disaggregation { get; set; }
    public required string TerritoryCode { get; set; }
    public decimal? Number { get; set; }
    public string? Text { get; set; }
    public bool? Flag { get; set; }
    public ObservationStatus Status { get; set; }
    public string? Note { get; set; }
}

/// <summary>One step in a report's history (submit, revise, accept, return, reopen), each with its ledger entry.</summary>
public sealed class ReportEventEntity
{
    public long Id { get; set; }
    public long ReportId { get; set; }
    public int Version { get; set; }
    public SubmissionAction Action { get; set; }
    public required string Actor { get; set; }
    public required string Organization { get; set; }
    public long TimeUs { get; set; }
    public string? Reason { get; set; }
    public long LedgerSequence { get; set; }
}

/// <summary>
/// The current-values view: the value of each cell (indicator × disaggregation × territory × period × source) from the
/// latest version of its report that was not returned. Written in the same transaction as the ledger entry.
/// </summary>
public sealed class CurrentValueEntity
{
    public required string IndicatorCode { get; set; }
    public required string Disaggregation { get; set; }
    public required string TerritoryCode { get; set; }
    public required string Period { get; set; }
    public required string Source { get; set; }
    public decimal? Number { get; set; }
    public string? Text { get; set; }
    public bool? Flag { get; set; }
    public ObservationStatus Status { get; set; }
    public string? Note { get; set; }
    public long ReportId { get; set; }
    public long ReportVersionId { get; set; }
    public int Version { get; set; }
    public long LedgerSequence { get; set; }
}

/// <summary>A reporter's unsent work on a report: saved as often as wanted, never in the ledger.</summary>
public sealed class DraftEntity
{
    public long Id { get; set; }
    public required string RegimeCode { get; set; }
    public required string Period { get; set; }
    public required string ReporterCode { get; set; }
    public required string ContentJson { get; set; }
    public required string UpdatedBy { get; set; }
    public long UpdatedUs { get; set; }
}

/// <summary>The first result of a request made with an idempotency key, so a retry gets the same answer.</summary>
public sealed class IdempotencyKeyEntity
{
    public required string Scope { get; set; }
    public required string Key { get; set; }
    public required byte[] RequestHash { get; set; }
    public required string ResultJson { get; set; }
    public long CreatedUs { get; set; }
}
