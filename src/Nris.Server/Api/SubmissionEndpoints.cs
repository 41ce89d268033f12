using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Auth;
using Nris.Server.Submissions;
using Nris.Storage;

namespace Nris.Server.Api;

public sealed record ValueInput(
    string? Indicator, string? Disaggregation, string? Territory, decimal? Number, string? Text, bool? Flag,
    ObservationStatus? Status, string? Note);

public sealed record ExplanationInput(string? Rule, string? Text);

/// <summary>The body of submit, revise and draft: values, explanations, optionally a signature; revise adds reason and base version.</summary>
public sealed record SubmissionInput(
    IReadOnlyList<ValueInput?>? Values, IReadOnlyList<ExplanationInput?>? Explanations, string? Signature, string? Reason, int? BaseVersion);

/// <summary>The body of accept, return and reopen.</summary>
public sealed record DecisionInput(int? Version, string? Reason);

public sealed record ValueDto(
    string Indicator, string Disaggregation, string? Territory, decimal? Number, string? Text, bool? Flag, ObservationStatus Status, string? Note)
{
    public static ValueDto From(ReportValue v) => new(v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number, v.Text, v.Flag, v.Status, v.Note);
}

public sealed record SubmissionResultDto(
    string Regime, string Period, string Reporter, int Version, SubmissionState State, long LedgerSequence, string LedgerHash,
    string PayloadHash, DateTimeOffset Time)
{
    public static SubmissionResultDto From(SubmissionResult r) =>
        new(r.Key.RegimeCode, r.Key.Period.ToString(), r.Key.ReporterCode, r.Version, r.State, r.LedgerSequence, r.LedgerHash, r.PayloadHash, r.Time);
}

public sealed record ReportSummaryDto(
    string Regime, string Period, string Reporter, string Recipient, SubmissionState State, int CurrentVersion, DateTimeOffset UpdatedAt,
    long LastLedgerSequence);

public sealed record SignatureDto(string Signer, string? Thumbprint);

public sealed record ReportVersionDto(
    int Version, int RegimeVersion, SubmissionState State, string? Reason, string SubmittedBy, string Organization, DateTimeOffset SubmittedAt,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason, long LedgerSequence, string PayloadHash, SignatureDto? Signature,
    int ValueCount);

public sealed record ReportEventDto(int Version, SubmissionAction Action, string Actor, string Organization, DateTimeOffset Time, string? Reason, long LedgerSequence);

public sealed record ReportDetailsDto(
    string Regime, string Period, string Reporter, string Recipient, SubmissionState State, int CurrentVersion, long LastLedgerSequence,
    IReadOnlyList<ReportVersionDto> Versions, IReadOnlyList<ReportEventDto> History, IReadOnlyList<ValueDto> CurrentValues);

public sealed record VersionValuesDto(string Regime, string Period, string Reporter, int Version, int Count, IReadOnlyList<ValueDto> Values);

public sealed record ValueChangeDto(string Indicator, string Disaggregation, string Territory, ValueDto Before, ValueDto After);

public sealed record DiffDto(int From, int To, IReadOnlyList<ValueDto> Added, IReadOnlyList<ValueDto> Removed, IReadOnlyList<ValueChangeDto> Changed);

public sealed record DraftDto(
    string Regime, string Period, string Reporter, IReadOnlyList<ValueDto> Values, IReadOnlyList<ExplanationDto> Explanations, string UpdatedBy,
    DateTimeOffset UpdatedAt);

public sealed record ExplanationDto(string Rule, string Text);

/// <summary>One validation issue in a 422 problem: where it is (field, row, column, cell) and what is wrong, in both languages.</summary>
public sealed record SubmissionIssueDto(
    string Field, string MessageEn, string MessageVi, string Code, string Severity, string? RuleCode, string? RowCode, string? Column,
    string? Indicator, string? Disaggregation, string? Territory, string? RowLabelVi, string? RowLabelEn, string? ColumnLabelVi,
    string? ColumnLabelEn, int? ValueIndex, bool Explained);

/// <summary>Limits on a submission request; a request beyond them is refused before anything is validated or stored.</summary>
public sealed record SubmissionLimits(long MaxBytes, int MaxValues, int MaxText, int MaxNote, int MaxCode)
{
    public static SubmissionLimits From(IConfiguration configuration) => new(
        configuration.GetValue("Nris:Limits:MaxSubmissionBytes", 64L * 1024 * 1024),
        configuration.GetValue("Nris:Limits:MaxSubmissionValues", 200_000),
        SubmissionValidator.MaxTextLength,
        SubmissionValidator.MaxNoteLength,
        64);
}

/// <summary>
/// Reports over HTTP (issue #4): list, details, versions, diffs, drafts, and the workflow (submit, revise, accept,
/// return, reopen). Who may see a report: callers whose scope holds its reporter or its recipient, and whose ceiling
/// reaches its regime's classification; to everyone else it does not exist (404). Who may act: reporters whose grant
/// holds the reporter write; reviewers whose grant holds the recipient decide.
/// </summary>
public static class SubmissionEndpoints
{
    private const string Base = "/api/reports/{regime}/{period}/{reporter}";

    public static IEndpointRouteBuilder MapSubmissionEndpoints(this IEndpointRouteBuilder routes)
    {
        var reports = routes.MapGroup("/api/reports").WithTags("Reports");
        reports.MapGet("/", ListAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Reports the caller may read, most recently changed first; filters: regime, period, reporter, state, limit.");
        var one = routes.MapGroup(Base).WithTags("Reports");
        one.MapGet("/", GetAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("A report with its versions, history and current values.");
        one.MapGet("/versions/{version}/values", GetVersionValuesAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("The values of one version.");
        one.MapGet("/diff", DiffAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("What changed between two versions (?from=1&to=2).");
        one.MapGet("/draft", GetDraftAsync).RequireNrisAccess(Role.Reporter)
            .WithSummary("The reporter's saved draft.");
        one.MapPut("/draft", SaveDraftAsync).RequireNrisAccess(Role.Reporter).RequireRateLimiting(SecurityServices.SubmissionRateLimit)
            .WithSummary("Save the reporter's draft (not validated, not in the ledger).");
        one.MapPost("/submit", SubmitAsync).RequireNrisAccess(Role.Reporter).RequireRateLimiting(SecurityServices.SubmissionRateLimit)
            .WithSummary("Submit the first version; Idempotency-Key makes a retry safe.");
        one.MapPost("/revise", ReviseAsync).RequireNrisAccess(Role.Reporter).RequireRateLimiting(SecurityServices.SubmissionRateLimit)
            .WithSummary("Submit a new version of a submitted or returned report, with a reason and the base version.");
        one.MapPost("/accept", (string regime, string period, string reporter, HttpContext http, AccessScope scope, SubmissionService service, IOptions<JsonOptions> json, CancellationToken ct) =>
                DecideAsync(regime, period, reporter, SubmissionAction.Accept, http, scope, service, json, ct))
            .RequireNrisAccess(Role.Reviewer).WithSummary("The recipient accepts a version.");
        one.MapPost("/return", (string regime, string period, string reporter, HttpContext http, AccessScope scope, SubmissionService service, IOptions<JsonOptions> json, CancellationToken ct) =>
                DecideAsync(regime, period, reporter, SubmissionAction.Return, http, scope, service, json, ct))
            .RequireNrisAccess(Role.Reviewer).WithSummary("The recipient returns a version with a reason.");
        one.MapPost("/reopen", (string regime, string period, string reporter, HttpContext http, AccessScope scope, SubmissionService service, IOptions<JsonOptions> json, CancellationToken ct) =>
                DecideAsync(regime, period, reporter, SubmissionAction.Reopen, http, scope, service, json, ct))
            .RequireNrisAccess(Role.Reviewer).WithSummary("The recipient reopens an accepted version with a reason.");
        return routes;
    }

    // ------------------------------------------------------------------ access

    /// <summary>Whether the caller may read reports of this regime version between these organizations.</summary>
    public static bool CanRead(AccessScope scope, Regime regime, string reporterCode, string recipientCode) =>
        scope.CanReadRegime(regime) && (scope.CanRead(reporterCode) || scope.CanRead(recipientCode));

    /// <summary>Whether the caller holds <paramref name="role"/> over <paramref name="organizationCode"/>.</summary>
    public static bool Holds(AccessScope scope, Role role, string organizationCode) =>
        scope.IsSystemAdministrator || scope.Grants.Any(g => g.Role == role && scope.IsWithin(organizationCode, g.OrganizationCode));

    private sealed record Located(ReportKey Key, ReportTarget Target);

    /// <summary>Parses the route, resolves the report and checks that the caller may see it; out of scope is a plain 404.</summary>
    private static ProblemHttpResult? Locate(string regime, string period, string reporter, AccessScope scope, SubmissionService service, out Located located)
    {
        located = null!;
        if (!Period.TryParse(period, out var parsed))
        {
            return Problems.BadRequest("period",
                $"'{Query.Truncate(period)}' is not a period code; use e.g. 2026-M05 (month), 2026-Q2 (quarter), 2026 (year) or 2026-05-14 (day).",
                $"'{Query.Truncate(period)}' không phải mã kỳ báo cáo; dùng ví dụ 2026-M05 (tháng), 2026-Q2 (quý), 2026 (năm) hoặc 2026-05-14 (ngày).");
        }

        var key = new ReportKey(regime, parsed, reporter);
        if (regime.Length > 64 || reporter.Length > 64 || service.Describe(key) is not { } target ||
            !CanRead(scope, target.Regime, target.Reporter.Code, target.RecipientCode))
        {
            return ReportNotFound(key);
        }

        located = new Located(key, target);
        return null;
    }

    private static ProblemHttpResult ReportNotFound(ReportKey key) =>
        Problems.NotFound("Report", Query.Truncate(key.ToString()), "Báo cáo");

    private static ProblemHttpResult NotAllowed(string en, string vi) =>
        Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Không có quyền", en, vi);

    private static SubmissionActor ActorFor(HttpContext http, string organizationCode) => new(NrisClaims.ActorName(http.User), organizationCode);

    // ------------------------------------------------------------------ reading

    private static async Task<Results<Ok<ListDto<ReportSummaryDto>>, ProblemHttpResult>> ListAsync(
        string? regime, string? period, string? reporter, string? state, string? limit, AccessScope scope, NrisDbContext db,
        Catalogue.CatalogueState catalogue, CancellationToken ct)
    {
        Period? parsedPeriod = null;
        if (!string.IsNullOrWhiteSpace(period))
        {
            if (!Period.TryParse(period.Trim(), out var p))
            {
                return Problems.BadRequest("period", $"'{Query.Truncate(period)}' is not a period code, e.g. 2026-M05.", $"'{Query.Truncate(period)}' không phải mã kỳ báo cáo, ví dụ 2026-M05.");
            }
            parsedPeriod = p;
        }
        if (!Query.TryEnum<SubmissionState>(state, "state", out var parsedState, out var problem) ||
            !Query.TryInt(limit, "limit", 1000, 1, 10_000, out var take, out problem))
        {
            return problem;
        }

        // Filtered in the query, so rows outside the scope are never read (and counts cannot leak them).
        var snapshot = catalogue.Current;
        var readableRegimes = snapshot.RegimeCodes.Where(c => snapshot.RegimeVersions(c).All(scope.CanReadRegime)).ToList();
        var query = db.Reports.AsNoTracking().Where(r => readableRegimes.Contains(r.RegimeCode));
        if (!scope.IsSystemAdministrator)
        {
            var codes = scope.SubtreeCodes(scope.Grants.Select(g => g.OrganizationCode)).ToList();
            query = query.Where(r => codes.Contains(r.ReporterCode) || codes.Contains(r.RecipientCode));
        }
        if (!string.IsNullOrWhiteSpace(regime))
        {
            query = query.Where(r => r.RegimeCode == regime);
        }
        if (parsedPeriod is { } pp)
        {
            var text = pp.ToString();
            query = query.Where(r => r.Period == text);
        }
        if (!string.IsNullOrWhiteSpace(reporter))
        {
            query = query.Where(r => r.ReporterCode == reporter);
        }
        if (parsedState is { } s)
        {
            query = query.Where(r => r.State == s);
        }

        var rows = await query.OrderByDescending(r => r.LastLedgerSequence).Take(take).ToListAsync(ct);
        var items = rows.ConvertAll(r => new ReportSummaryDto(r.RegimeCode, r.Period, r.ReporterCode, r.RecipientCode, r.State, r.CurrentVersion,
            LedgerTime.FromUnixMicroseconds(r.UpdatedUs), r.LastLedgerSequence));
        return TypedResults.Ok(new ListDto<ReportSummaryDto>(items.Count, items));
    }

    private static async Task<Results<Ok<ReportDetailsDto>, ProblemHttpResult>> GetAsync(
        string regime, string period, string reporter, AccessScope scope, SubmissionService service, NrisDbContext db, CancellationToken ct)
    {
        if (Locate(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }
        if (await service.GetAsync(at.Key, ct) is not { } details)
        {
            return ReportNotFound(at.Key);
        }

        var periodText = at.Key.Period.ToString();
        var current = await db.CurrentValues.AsNoTracking()
            .Where(v => v.Source == at.Key.ReporterCode && v.Period == periodText && db.Reports.Any(r => r.Id == v.ReportId && r.RegimeCode == at.Key.RegimeCode))
            .ToListAsync(ct);
        var values = current.ConvertAll(v => new ReportValue(v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number, v.Text, v.Flag, v.Status, v.Note));
        values.Sort(SubmissionPayload.CompareCells);
        var versions = new List<ReportVersionDto>();
        foreach (var v in details.Versions)
        {
            SignatureDto? signature = null;
            if (v.Signer is { } signer)
            {
                signature = new SignatureDto(signer, await SignatureThumbprintAsync(db, v.LedgerSequence, ct));
            }
            versions.Add(new ReportVersionDto(v.Version, v.RegimeVersion, v.State, v.Reason, v.SubmittedBy, v.Organization, v.SubmittedAt, v.DecidedBy,
                v.DecidedAt, v.DecisionReason, v.LedgerSequence, v.PayloadHash, signature, v.ValueCount));
        }

        return TypedResults.Ok(new ReportDetailsDto(at.Key.RegimeCode, periodText, at.Key.ReporterCode, details.RecipientCode, details.State,
            details.CurrentVersion, details.LastLedgerSequence, versions,
            [.. details.History.Select(e => new ReportEventDto(e.Version, e.Action, e.Actor, e.Organization, e.Time, e.Reason, e.LedgerSequence))],
            values.ConvertAll(ValueDto.From)));
    }

    /// <summary>The signer certificate thumbprint of the signature stored in a ledger entry's payload.</summary>
    public static async Task<string?> SignatureThumbprintAsync(NrisDbContext db, long sequence, CancellationToken ct)
    {
        var payload = await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence == sequence).Select(e => e.Payload).SingleOrDefaultAsync(ct);
        if (payload is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("signature", out var s) && s.TryGetProperty("value", out var value) && value.GetString() is { } b64
            ? ReporterSignatures.ThumbprintOf(Convert.FromBase64String(b64))
            : null;
    }

    private static async Task<Results<Ok<VersionValuesDto>, ProblemHttpResult>> GetVersionValuesAsync(
        string regime, string period, string reporter, int version, AccessScope scope, SubmissionService service, CancellationToken ct)
    {
        if (Locate(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }
        try
        {
            var values = await service.GetValuesAsync(at.Key, version, ct);
            return TypedResults.Ok(new VersionValuesDto(at.Key.RegimeCode, at.Key.Period.ToString(), at.Key.ReporterCode, version, values.Count,
                [.. values.Select(ValueDto.From)]));
        }
        catch (SubmissionRefusedException e)
        {
            return Refused(e);
        }
    }

    private static async Task<Results<Ok<DiffDto>, ProblemHttpResult>> DiffAsync(
        string regime, string period, string reporter, string? from, string? to, AccessScope scope, SubmissionService service, CancellationToken ct)
    {
        if (Locate(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }
        if (!Query.TryInt(from, "from", 0, 1, int.MaxValue, out var a, out problem) || !Query.TryInt(to, "to", 0, 1, int.MaxValue, out var b, out problem))
        {
            return problem;
        }
        if (a == 0 || b == 0)
        {
            return Problems.BadRequest(a == 0 ? "from" : "to", "Both from and to are required, e.g. ?from=1&to=2.", "Cần cả from và to, ví dụ ?from=1&to=2.");
        }
        try
        {
            var diff = await service.DiffAsync(at.Key, a, b, ct);
            return TypedResults.Ok(new DiffDto(a, b, [.. diff.Added.Select(ValueDto.From)], [.. diff.Removed.Select(ValueDto.From)],
                [.. diff.Changed.Select(c => new ValueChangeDto(c.Cell.IndicatorCode, c.Cell.Disaggregation, c.Cell.TerritoryCode,
                    ValueDto.From(c.Before), ValueDto.From(c.After)))]));
        }
        catch (SubmissionRefusedException e)
        {
            return Refused(e);
        }
    }

    // ------------------------------------------------------------------ drafts

    private static async Task<Results<Ok<DraftDto>, ProblemHttpResult>> GetDraftAsync(
        string regime, string period, string reporter, AccessScope scope, SubmissionService service, CancellationToken ct)
    {
        if (Locate(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }
        if (!Holds(scope, Role.Reporter, at.Target.Reporter.Code))
        {
            return NotAllowed($"Only reporters of {at.Target.Reporter.Code} see its drafts.", $"Chỉ người báo cáo của {at.Target.Reporter.Code} mới xem được bản nháp.");
        }
        return await service.GetDraftAsync(at.Key, ct) is { } draft
            ? TypedResults.Ok(ToDto(draft))
            : Problems.NotFound("Draft of report", Query.Truncate(at.Key.ToString()), "Bản nháp của báo cáo");
    }

    private static async Task<Results<Ok<DraftDto>, ProblemHttpResult>> SaveDraftAsync(
        string regime, string period, string reporter, HttpContext http, AccessScope scope, SubmissionService service, IOptions<JsonOptions> json,
        IConfiguration configuration, CancellationToken ct)
    {
        if (Prepare(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }
        var limits = SubmissionLimits.From(configuration);
        var (input, bad) = await ReadAsync<SubmissionInput>(http, limits.MaxBytes, json.Value.SerializerOptions, ct);
        if (bad is not null)
        {
            return bad;
        }
        if (ToValues(input!, limits, out var values, out var explanations) is { } invalid)
        {
            return invalid;
        }
        try
        {
            var draft = await service.SaveDraftAsync(at.Key, values, explanations, ActorFor(http, at.Target.Reporter.Code), ct);
            return TypedResults.Ok(ToDto(draft));
        }
        catch (SubmissionRefusedException e)
        {
            return Refused(e);
        }
    }

    private static DraftDto ToDto(DraftInfo d) => new(d.Key.RegimeCode, d.Key.Period.ToString(), d.Key.ReporterCode, [.. d.Values.Select(ValueDto.From)],
        [.. d.Explanations.Select(e => new ExplanationDto(e.RuleCode, e.Text))], d.UpdatedBy, d.UpdatedAt);

    // ------------------------------------------------------------------ versions

    private static Task<Results<Created<SubmissionResultDto>, ProblemHttpResult>> SubmitAsync(
        string regime, string period, string reporter, HttpContext http, AccessScope scope, SubmissionService service, ReporterSignatures signatures,
        IOptions<JsonOptions> json, IConfiguration configuration, CancellationToken ct) =>
        WriteAsync(regime, period, reporter, revise: false, http, scope, service, signatures, json, configuration, ct);

    private static Task<Results<Created<SubmissionResultDto>, ProblemHttpResult>> ReviseAsync(
        string regime, string period, string reporter, HttpContext http, AccessScope scope, SubmissionService service, ReporterSignatures signatures,
        IOptions<JsonOptions> json, IConfiguration configuration, CancellationToken ct) =>
        WriteAsync(regime, period, reporter, revise: true, http, scope, service, signatures, json, configuration, ct);

    /// <summary>Locates the report and checks that the caller is a reporter of its reporting organization.</summary>
    private static ProblemHttpResult? Prepare(string regime, string period, string reporter, AccessScope scope, SubmissionService service, out Located at)
    {
        if (Locate(regime, period, reporter, scope, service, out at) is { } problem)
        {
            return problem;
        }
        return Holds(scope, Role.Reporter, at.Target.Reporter.Code)
            ? null
            : NotAllowed($"Only reporters of {at.Target.Reporter.Code} may prepare, submit or revise this report.",
                $"Chỉ người báo cáo của {at.Target.Reporter.Code} mới được lập, gửi hoặc điều chỉnh báo cáo này.");
    }

    private static async Task<Results<Created<SubmissionResultDto>, ProblemHttpResult>> WriteAsync(
        string regime, string period, string reporter, bool revise, HttpContext http, AccessScope scope, SubmissionService service,
        ReporterSignatures signatures, IOptions<JsonOptions> json, IConfiguration configuration, CancellationToken ct)
    {
        if (Prepare(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }
        string? idempotencyKey = null;
        if (http.Request.Headers.TryGetValue("Idempotency-Key", out var header))
        {
            idempotencyKey = header.ToString();
            if (idempotencyKey.Length is 0 or > 200)
            {
                return Problems.BadRequest("Idempotency-Key", "The Idempotency-Key header must have 1 to 200 characters.", "Tiêu đề Idempotency-Key phải có từ 1 đến 200 ký tự.");
            }
        }

        var limits = SubmissionLimits.From(configuration);
        var (input, bad) = await ReadAsync<SubmissionInput>(http, limits.MaxBytes, json.Value.SerializerOptions, ct);
        if (bad is not null)
        {
            return bad;
        }
        if (ToValues(input!, limits, out var values, out var explanations) is { } invalid)
        {
            return invalid;
        }
        if (revise)
        {
            if (string.IsNullOrWhiteSpace(input!.Reason))
            {
                return Problems.BadRequest("reason", "A revision needs a reason.", "Điều chỉnh báo cáo cần nêu lý do.");
            }
            if (input.BaseVersion is not > 0)
            {
                return Problems.BadRequest("baseVersion", "A revision names the version it revises (baseVersion, 1 or more).", "Điều chỉnh phải nêu phiên bản được điều chỉnh (baseVersion, từ 1).");
            }
        }
        if (input!.Reason is { Length: > SubmissionValidator.MaxTextLength })
        {
            return TooLong("reason", SubmissionValidator.MaxTextLength);
        }

        SubmissionSignature? signature = null;
        if (input.Signature is { } encoded)
        {
            byte[] raw;
            try
            {
                raw = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                return InvalidSignature("The signature is not valid base64.", "Chữ ký không phải chuỗi base64 hợp lệ.");
            }
            var version = revise ? input.BaseVersion!.Value + 1 : 1;
            var document = new SubmissionDocument(at.Key, at.Target.Regime.Version, version, revise ? input.Reason : null,
                SubmissionPayload.Normalize(values, at.Target.Reporter.TerritoryCode ?? Territory.NationCode), explanations);
            var check = signatures.Check(document, raw);
            if (check.Signature is null)
            {
                return InvalidSignature(check.ReasonEn!, check.ReasonVi!);
            }
            signature = check.Signature;
        }

        var request = new SubmissionRequest(values, explanations, idempotencyKey, signature);
        var actor = ActorFor(http, at.Target.Reporter.Code);
        try
        {
            var result = revise
                ? await service.ReviseAsync(at.Key, input.BaseVersion!.Value, input.Reason!, request, actor, ct)
                : await service.SubmitAsync(at.Key, request, actor, ct);
            if (result.Replayed)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
            }
            return TypedResults.Created(Location(at.Key), SubmissionResultDto.From(result));
        }
        catch (SubmissionException e)
        {
            return Map(e);
        }
    }

    private static async Task<Results<Ok<SubmissionResultDto>, ProblemHttpResult>> DecideAsync(
        string regime, string period, string reporter, SubmissionAction action, HttpContext http, AccessScope scope, SubmissionService service,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (Locate(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }
        if (!Holds(scope, Role.Reviewer, at.Target.RecipientCode))
        {
            return NotAllowed($"Only reviewers of the recipient {at.Target.RecipientCode} may accept, return or reopen this report.",
                $"Chỉ người duyệt của cơ quan nhận {at.Target.RecipientCode} mới được tiếp nhận, trả lại hoặc mở lại báo cáo này.");
        }
        var (input, bad) = await ReadAsync<DecisionInput>(http, 64 * 1024, json.Value.SerializerOptions, ct);
        if (bad is not null)
        {
            return bad;
        }
        if (input!.Version is not > 0)
        {
            return Problems.BadRequest("version", "Name the version you decide on (version, 1 or more).", "Hãy nêu phiên bản được quyết định (version, từ 1).");
        }
        if (input.Reason is { Length: > SubmissionValidator.MaxTextLength })
        {
            return TooLong("reason", SubmissionValidator.MaxTextLength);
        }
        if (action != SubmissionAction.Accept && string.IsNullOrWhiteSpace(input.Reason))
        {
            return Problems.BadRequest("reason", "Returning or reopening a report needs a reason.", "Trả lại hoặc mở lại báo cáo cần nêu lý do.");
        }

        var actor = ActorFor(http, at.Target.RecipientCode);
        try
        {
            var result = action switch
            {
                SubmissionAction.Accept => await service.AcceptAsync(at.Key, input.Version.Value, actor, ct),
                SubmissionAction.Return => await service.ReturnAsync(at.Key, input.Version.Value, input.Reason!, actor, ct),
                _ => await service.ReopenAsync(at.Key, input.Version.Value, input.Reason!, actor, ct),
            };
            return TypedResults.Ok(SubmissionResultDto.From(result));
        }
        catch (SubmissionException e)
        {
            return Map(e);
        }
    }

    private static string Location(ReportKey key) =>
        $"/api/reports/{Uri.EscapeDataString(key.RegimeCode)}/{key.Period}/{Uri.EscapeDataString(key.ReporterCode)}";

    // ------------------------------------------------------------------ input

    /// <summary>
    /// Reads a JSON body with the endpoint's own size limit. Numbers must be JSON numbers (no "12" for 12), so a wrong
    /// type is named by its JSON path instead of being guessed at.
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext http, long maxBytes, JsonSerializerOptions baseOptions, CancellationToken ct)
        where T : class
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBytes;
        }
        if (http.Request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var options = StrictOptions(baseOptions);
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, options, ct);
            return value is null
                ? (null, Problems.BadRequest("body", "The request needs a JSON object body.", "Yêu cầu cần nội dung là một đối tượng JSON."))
                : (value, null);
        }
        catch (JsonException e)
        {
            var field = FieldOf(e.Path);
            var where = string.Create(CultureInfo.InvariantCulture, $"line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}");
            var whereVi = string.Create(CultureInfo.InvariantCulture, $"dòng {(e.LineNumber ?? 0) + 1}, vị trí {(e.BytePositionInLine ?? 0) + 1}");
            return (null, Problems.BadRequest(field,
                $"The body cannot be read at {field} ({where}): it is not valid JSON or the value has the wrong type (numbers must be JSON numbers, flags true/false, status one of normal, estimated, provisional, official).",
                $"Không đọc được nội dung tại {field} ({whereVi}): JSON không hợp lệ hoặc giá trị sai kiểu (số phải là số JSON, cờ là true/false, trạng thái là normal, estimated, provisional hoặc official)."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
    }

    private static JsonSerializerOptions? _strict;

    // The application's options (camelCase enums) with strict numbers; built once, the options are immutable after first use.
    private static JsonSerializerOptions StrictOptions(JsonSerializerOptions baseOptions) =>
        _strict ??= new JsonSerializerOptions(baseOptions) { NumberHandling = JsonNumberHandling.Strict, AllowTrailingCommas = false };

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }

    private static ProblemHttpResult TooLarge(long maxBytes) => Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-large",
        "Request too large", "Yêu cầu quá lớn",
        string.Create(CultureInfo.InvariantCulture, $"The body is larger than the limit of {maxBytes} bytes (Nris:Limits:MaxSubmissionBytes)."),
        string.Create(CultureInfo.InvariantCulture, $"Nội dung lớn hơn giới hạn {maxBytes} byte (Nris:Limits:MaxSubmissionBytes)."),
        [new ProblemError("body", "Too large.", "Quá lớn.")]);

    private static ProblemHttpResult TooLong(string field, int max) => Problems.BadRequest(field,
        string.Create(CultureInfo.InvariantCulture, $"{field} is longer than {max} characters."),
        string.Create(CultureInfo.InvariantCulture, $"{field} dài hơn {max} ký tự."));

    private static ProblemHttpResult InvalidSignature(string en, string vi) => Problems.Create(StatusCodes.Status422UnprocessableEntity, "invalid-signature",
        "Invalid signature", "Chữ ký không hợp lệ", en, vi, [new ProblemError("signature", en, vi)]);

    /// <summary>Checks shapes and sizes the validator does not (missing members, oversized strings); values then go to the validator.</summary>
    private static ProblemHttpResult? ToValues(SubmissionInput input, SubmissionLimits limits, out List<ReportValue> values, out List<WarningExplanation> explanations)
    {
        values = [];
        explanations = [];
        if (input.Values is null)
        {
            return Problems.BadRequest("values", "values is required: a list of {indicator, disaggregation, territory, number|text|flag, status, note}.",
                "Cần values: danh sách {indicator, disaggregation, territory, number|text|flag, status, note}.");
        }
        if (input.Values.Count > limits.MaxValues)
        {
            return Problems.BadRequest("values",
                string.Create(CultureInfo.InvariantCulture, $"A submission holds at most {limits.MaxValues} values; this one has {input.Values.Count}."),
                string.Create(CultureInfo.InvariantCulture, $"Một báo cáo có tối đa {limits.MaxValues} giá trị; báo cáo này có {input.Values.Count}."));
        }

        values.Capacity = input.Values.Count;
        for (var i = 0; i < input.Values.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"values[{i}]");
            if (input.Values[i] is not { } v)
            {
                return Problems.BadRequest(field, $"{field} is null.", $"{field} rỗng.");
            }
            if (string.IsNullOrWhiteSpace(v.Indicator))
            {
                return Problems.BadRequest(field + ".indicator", $"{field}.indicator is required.", $"Cần {field}.indicator.");
            }
            if (v.Indicator.Length > limits.MaxCode)
            {
                return TooLong(field + ".indicator", limits.MaxCode);
            }
            if (v.Disaggregation is { Length: > 200 })
            {
                return TooLong(field + ".disaggregation", 200);
            }
            if (v.Territory is { } t && (t.Length == 0 || t.Length > limits.MaxCode))
            {
                return Problems.BadRequest(field + ".territory", $"{field}.territory must have 1 to {limits.MaxCode} characters, or be left out for the reporter's own territory.",
                    $"{field}.territory phải có từ 1 đến {limits.MaxCode} ký tự, hoặc bỏ trống để dùng địa bàn của đơn vị báo cáo.");
            }
            if (v.Text is { } text && text.Length > limits.MaxText)
            {
                return TooLong(field + ".text", limits.MaxText);
            }
            if (v.Note is { } note && note.Length > limits.MaxNote)
            {
                return TooLong(field + ".note", limits.MaxNote);
            }
            values.Add(new ReportValue(v.Indicator, string.IsNullOrEmpty(v.Disaggregation) ? Disaggregations.Total : v.Disaggregation, v.Territory,
                v.Number, v.Text, v.Flag, v.Status ?? ObservationStatus.Normal, v.Note));
        }

        var given = input.Explanations ?? [];
        if (given.Count > 1000)
        {
            return Problems.BadRequest("explanations", "At most 1000 explanations.", "Tối đa 1000 giải trình.");
        }
        for (var i = 0; i < given.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"explanations[{i}]");
            if (given[i] is not { Rule: { Length: > 0 and <= 64 } rule, Text: { } text })
            {
                return Problems.BadRequest(field, $"{field} needs rule (the rule code, e.g. R04) and text.", $"{field} cần rule (mã quy tắc, ví dụ R04) và text.");
            }
            if (text.Length > limits.MaxText)
            {
                return TooLong(field + ".text", limits.MaxText);
            }
            explanations.Add(new WarningExplanation(rule, text));
        }
        return null;
    }

    // ------------------------------------------------------------------ errors

    /// <summary>
    /// The engine's refusals as HTTP: validation → 422 with every issue; conflict → 409 naming the current version and
    /// state; a reused idempotency key → 422; workflow refusals → 409 (the report's state forbids it) or 422 (a reason
    /// is missing); not the reporter or recipient → 403; unknown regime, reporter, report or version → 404.
    /// </summary>
    public static ProblemHttpResult Map(SubmissionException e) => e switch
    {
        SubmissionRejectedException rejected => Rejected(rejected),
        SubmissionConflictException conflict => Conflict(conflict),
        IdempotencyConflictException => Problems.Create(StatusCodes.Status422UnprocessableEntity, e.Code, "Idempotency key reused",
            "Khóa Idempotency-Key đã dùng", e.MessageEn, e.MessageVi, [new ProblemError("Idempotency-Key", e.MessageEn, e.MessageVi)]),
        SubmissionRefusedException refused => Refused(refused),
        _ => Problems.Create(StatusCodes.Status422UnprocessableEntity, e.Code, "Refused", "Bị từ chối", e.MessageEn, e.MessageVi),
    };

    private static ProblemHttpResult Refused(SubmissionRefusedException e)
    {
        var status = e.Code switch
        {
            SubmissionRefusedException.NotReporter or SubmissionRefusedException.NotRecipient => StatusCodes.Status403Forbidden,
            SubmissionRefusedException.NotFound or SubmissionRefusedException.UnknownRegime or SubmissionRefusedException.UnknownReporter => StatusCodes.Status404NotFound,
            "reason-required" => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status409Conflict,
        };
        return Problems.Create(status, e.Code, status switch
        {
            403 => "Forbidden",
            404 => "Not found",
            422 => "Refused",
            _ => "Not allowed in the report's state",
        }, status switch
        {
            403 => "Không có quyền",
            404 => "Không tìm thấy",
            422 => "Bị từ chối",
            _ => "Trạng thái báo cáo không cho phép",
        }, e.MessageEn, e.MessageVi);
    }

    private static ProblemHttpResult Conflict(SubmissionConflictException e)
    {
        var problem = Problems.Create(StatusCodes.Status409Conflict, "conflict", "The report has moved on", "Báo cáo đã thay đổi", e.MessageEn, e.MessageVi);
        problem.ProblemDetails.Extensions["currentVersion"] = e.CurrentVersion;
        problem.ProblemDetails.Extensions["currentState"] = JsonNamingPolicy.CamelCase.ConvertName(e.CurrentState.ToString());
        return problem;
    }

    private static ProblemHttpResult Rejected(SubmissionRejectedException e)
    {
        var blocking = e.Report.Issues.Where(i => i.Severity == RuleSeverity.Error || !i.IsExplained).ToList();
        var issues = blocking.ConvertAll(i => new SubmissionIssueDto(
            i.ValueIndex is { } index ? string.Create(CultureInfo.InvariantCulture, $"values[{index}]")
                : i.RuleCode is { } rule ? (i.Severity == RuleSeverity.Warning ? "explanations." + rule : "rules." + rule)
                : i.RowCode is { } row ? "rows." + row : "values",
            i.MessageEn, i.MessageVi, i.Code, i.Severity == RuleSeverity.Error ? "error" : "warning", i.RuleCode, i.RowCode, i.Column, i.IndicatorCode,
            i.Disaggregation, i.TerritoryCode, i.RowLabel, i.RowLabelEn, i.ColumnLabel, i.ColumnLabelEn, i.ValueIndex, i.IsExplained));
        var problem = Problems.Create(StatusCodes.Status422UnprocessableEntity, "validation-failed", "The report is not valid", "Báo cáo không hợp lệ",
            string.Create(CultureInfo.InvariantCulture, $"{issues.Count(i => i.Severity == "error")} error(s) and {issues.Count(i => i.Severity == "warning")} unexplained warning(s); nothing was stored. {e.MessageEn}"),
            string.Create(CultureInfo.InvariantCulture, $"{issues.Count(i => i.Severity == "error")} lỗi và {issues.Count(i => i.Severity == "warning")} cảnh báo chưa giải trình; chưa lưu gì. {e.MessageVi}"));
        problem.ProblemDetails.Extensions["errors"] = issues;
        return problem;
    }
}
