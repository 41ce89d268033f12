using Nris.Core.Oversight;
using Nris.Core.Requests;
using Nris.Core.Submissions;
using Nris.Server.Api;

namespace Nris.Server.Requests;

/// <summary>A refusal of the request engine, turned into a bilingual problem by the endpoints and shown by the pages.</summary>
public sealed class RequestProblemException(int status, string type, string field, string messageEn, string messageVi, IReadOnlyList<object>? errors = null)
    : Exception(messageEn)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string Field { get; } = field;
    public string MessageEn { get; } = messageEn;
    public string MessageVi { get; } = messageVi;

    /// <summary>Field errors beyond the first (validation issues of an answer's values).</summary>
    public IReadOnlyList<object>? Errors { get; } = errors;
}

/// <summary>What a request targets: organization codes, and/or every organization of a kind within a subtree.</summary>
public sealed record RequestTargetsInput(IReadOnlyList<string?>? Codes, string? Kind, string? Within);

/// <summary>An asked indicator in the issue body.</summary>
public sealed record RequestIndicatorInput(string? Indicator, string? Disaggregation);

/// <summary>A question in the issue body.</summary>
public sealed record RequestQuestionInput(string? Text, string? TextEn);

/// <summary>The body of <c>POST /api/requests</c>.</summary>
public sealed record IssueRequestInput(
    string? Issuer, string? Subject, string? SubjectEn, IReadOnlyList<RequestQuestionInput?>? Questions,
    IReadOnlyList<RequestIndicatorInput?>? Indicators, RequestTargetsInput? Targets, string? Period, string? Deadline, string? Classification);

/// <summary>A text answer to one question.</summary>
public sealed record TextAnswerInput(string? Question, string? Text);

/// <summary>An attached file, its bytes in base64.</summary>
public sealed record AttachmentInput(string? FileName, string? ContentBase64);

/// <summary>The body of <c>POST /api/requests/{id}/answers/{organization}</c>.</summary>
public sealed record AnswerRequestInput(
    int? BaseVersion, IReadOnlyList<ValueInput?>? Values, IReadOnlyList<TextAnswerInput?>? Texts, IReadOnlyList<AttachmentInput?>? Attachments);

/// <summary>The body of accept and return.</summary>
public sealed record RequestDecisionInput(int? Version, string? Reason);

/// <summary>One target in a list or a request: where it stands now.</summary>
public sealed record RequestTargetDto(
    string Organization, string? Name, string? NameEn, RequestAnswerStatus Status, ComplianceState State, int Versions, int Returns,
    DateTimeOffset? FirstAnswered, string? DecisionReason, long LastLedgerSequence);

/// <summary>One request in a list.</summary>
public sealed record RequestSummaryDto(
    long Id, string Code, string Subject, string SubjectEn, string Issuer, string Period, DateOnly Deadline, string Classification,
    DateTimeOffset Issued, bool IsIssuer, IReadOnlyList<RequestTargetDto> Targets, long LedgerSequence);

/// <summary>Where an answered value comes from: the request, the answer version and its ledger entry.</summary>
public sealed record RequestProvenanceDto(long Request, string Code, string Organization, int Version, long LedgerSequence, string AnsweredBy, DateTimeOffset Answered);

/// <summary>One answered value with its provenance.</summary>
public sealed record RequestValueDto(ValueDto Value, RequestProvenanceDto Provenance);

/// <summary>An attachment's description (its bytes come from the download endpoint).</summary>
public sealed record RequestAttachmentDto(long Id, string FileName, string ContentType, long Size, string Sha256, string Download);

/// <summary>One version of one target's answer.</summary>
public sealed record RequestAnswerDto(
    string Organization, int Version, string AnsweredBy, DateTimeOffset Answered, long LedgerSequence, string PayloadHash,
    IReadOnlyList<RequestValueDto> Values, IReadOnlyList<TextAnswerDto> Texts, IReadOnlyList<RequestAttachmentDto> Attachments);

/// <summary>A text answer.</summary>
public sealed record TextAnswerDto(string Question, string Text);

/// <summary>One request with what the caller may see of it.</summary>
public sealed record RequestDetailsDto(
    long Id, string Code, string Subject, string SubjectEn, string Issuer, string? IssuerName, string IssuedBy, string Period, DateOnly Deadline,
    DateTimeOffset DueInstant, string Classification, DateTimeOffset Issued, long LedgerSequence, IReadOnlyList<RequestQuestion> Questions,
    IReadOnlyList<RequestIndicator> Indicators, bool IsIssuer, bool CanDecide, IReadOnlyList<string> CanAnswerFor,
    IReadOnlyList<RequestTargetDto> Targets, IReadOnlyList<RequestAnswerDto> Answers);

/// <summary>What an action wrote: the target's new standing and the ledger entry.</summary>
public sealed record RequestActionDto(long Request, string Organization, int Version, RequestAnswerStatus Status, long LedgerSequence, string LedgerHash);

/// <summary>Settings of ad-hoc requests (<c>Nris:Requests</c>).</summary>
public sealed class RequestOptions
{
    public const string Section = "Nris:Requests";

    /// <summary>The Government Office, which issues on behalf of the Government and so reaches its whole tree.</summary>
    public string GovernmentOfficeCode { get; set; } = "VPCP";

    /// <summary>The largest body of an answer (values, texts and base64 attachments), in bytes.</summary>
    public long MaxAnswerBytes { get; set; } = 16L * 1024 * 1024;
}
