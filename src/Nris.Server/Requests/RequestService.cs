using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Requests;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Api;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Server.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;
using Nris.Storage.Requests;

namespace Nris.Server.Requests;

/// <summary>
/// Ad-hoc report requests (báo cáo đột xuất) below HTTP: issue, list, read, answer, accept, return, attachments. Every
/// step that the ledger records — issuing, each answer version, each acceptance and return — runs in one serialized
/// transaction that appends the entry and writes the request tables, so a committed step is complete and a refused or
/// interrupted one leaves nothing (no half-stored answer, no attachment without its entry).
/// </summary>
/// <remarks>
/// Who sees what: the issuing side (callers whose scope holds the issuer organization) sees the whole request with
/// every target's answers; a target side sees the request and only the targets its scope holds. Anyone else, or a
/// caller whose classification ceiling is below the request's, gets "not found".
/// </remarks>
public sealed class RequestService(
    NrisDbContext db, CatalogueState catalogue, CheckpointService checkpoints, TimeProvider time, IOptions<RequestOptions> options,
    Aggregation.LedgerNotifier? notifier = null)
{
    /// <summary>Ledger entry kinds of requests.</summary>
    public const string KindIssued = "request.issued";
    public const string KindAnswered = "request.answered";
    public const string KindAccepted = "request.accepted";
    public const string KindReturned = "request.returned";

    /// <summary>The most requests one list returns.</summary>
    public const int MaxList = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly Role[] IssuerRoles = [Role.Reviewer, Role.AgencyAdministrator];

    // ---------------------------------------------------------------- issue

    /// <summary>Issues a request. Refusals throw <see cref="RequestProblemException"/> and store nothing.</summary>
    public async Task<RequestDetailsDto> IssueAsync(IssueRequestInput input, AccessScope scope, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(scope);
        var snapshot = catalogue.Current;
        var today = VietnamTime.Today(time);

        var subject = Required(input.Subject, "subject", ReportRequests.MaxSubject, "the subject (Vietnamese)", "trích yếu (tiếng Việt)");
        var subjectEn = string.IsNullOrWhiteSpace(input.SubjectEn) ? subject : Bounded(input.SubjectEn, "subjectEn", ReportRequests.MaxSubject);

        if (!Period.TryParse(input.Period?.Trim(), out var period))
        {
            throw Bad("period", $"'{Query.Truncate(input.Period ?? "")}' is not a period code; use e.g. 2026-M05, 2026-Q2, 2026 or 2026-05-14.",
                $"'{Query.Truncate(input.Period ?? "")}' không phải mã kỳ; dùng ví dụ 2026-M05, 2026-Q2, 2026 hoặc 2026-05-14.");
        }

        if (!DateOnly.TryParseExact(input.Deadline?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var deadline))
        {
            throw Bad("deadline", "deadline is required as a date yyyy-MM-dd (the last day to answer, Vietnam time).",
                "Cần deadline dạng yyyy-MM-dd (ngày cuối cùng được trả lời, giờ Việt Nam).");
        }

        if (deadline < today || deadline > today.AddDays(366))
        {
            throw Bad("deadline", $"The deadline must be between today ({Day(today)}) and one year ahead.",
                $"Hạn trả lời phải từ hôm nay ({Day(today)}) đến một năm sau.");
        }

        var classification = Classification.Internal;
        if (!string.IsNullOrWhiteSpace(input.Classification) && !Grant.TryParseName(input.Classification, out classification))
        {
            throw Bad("classification", "classification must be public, internal or confidential.", "classification phải là public, internal hoặc confidential.");
        }

        // The issuer: named, or the organization of the caller's only issuing grant.
        var issuer = input.Issuer?.Trim();
        if (string.IsNullOrEmpty(issuer))
        {
            var own = scope.Grants.Where(g => IssuerRoles.Contains(g.Role) || g.Role == Role.SystemAdministrator).Select(g => g.OrganizationCode).Distinct().ToList();
            if (own.Count != 1)
            {
                throw Bad("issuer", "issuer is required: the code of the organization that issues the request.", "Cần issuer: mã cơ quan ban hành yêu cầu.");
            }

            issuer = own[0];
        }

        if (issuer.Length > 64 || snapshot.Organizations.Find(issuer, today) is not { } issuerOrg)
        {
            throw new RequestProblemException(404, "not-found", "issuer", $"Organization '{Query.Truncate(issuer)}' does not exist.",
                $"Cơ quan '{Query.Truncate(issuer)}' không tồn tại.");
        }

        if (!MayIssue(scope, issuer, classification))
        {
            throw new RequestProblemException(403, "forbidden", "issuer",
                $"Only leaders (reviewers) and agency administrators of {issuer}, or a system administrator, may issue its requests, up to their classification ceiling.",
                $"Chỉ lãnh đạo (người duyệt) và quản trị viên của {issuer}, hoặc quản trị hệ thống, được ban hành yêu cầu của cơ quan này, trong phạm vi mức mật được cấp.");
        }

        var questions = new List<RequestQuestion>();
        var questionInputs = input.Questions ?? [];
        if (questionInputs.Count > ReportRequests.MaxQuestions)
        {
            throw Bad("questions", $"At most {ReportRequests.MaxQuestions} questions.", $"Tối đa {ReportRequests.MaxQuestions} câu hỏi.");
        }

        for (var i = 0; i < questionInputs.Count; i++)
        {
            var field = Field("questions", i);
            var q = questionInputs[i] ?? throw Bad(field, $"{field} is null.", $"{field} rỗng.");
            var text = Required(q.Text, field + ".text", ReportRequests.MaxText, "the question", "câu hỏi");
            var textEn = string.IsNullOrWhiteSpace(q.TextEn) ? null : Bounded(q.TextEn, field + ".textEn", ReportRequests.MaxText);
            questions.Add(new RequestQuestion("Q" + (i + 1).ToString(CultureInfo.InvariantCulture), text, textEn));
        }

        var indicators = new List<RequestIndicator>();
        var indicatorInputs = input.Indicators ?? [];
        if (indicatorInputs.Count > ReportRequests.MaxIndicators)
        {
            throw Bad("indicators", $"At most {ReportRequests.MaxIndicators} indicators.", $"Tối đa {ReportRequests.MaxIndicators} chỉ tiêu.");
        }

        for (var i = 0; i < indicatorInputs.Count; i++)
        {
            var field = Field("indicators", i);
            var x = indicatorInputs[i] ?? throw Bad(field, $"{field} is null.", $"{field} rỗng.");
            var code = x.Indicator?.Trim() ?? "";
            if (code.Length is 0 or > 64 || !snapshot.Indicators.TryGetValue(code, out var indicator))
            {
                throw Bad(field + ".indicator", $"{field}.indicator '{Query.Truncate(code)}' is not an indicator of the catalogue.",
                    $"{field}.indicator '{Query.Truncate(code)}' không phải chỉ tiêu trong danh mục.");
            }

            if (indicator.IsDerived)
            {
                throw Bad(field + ".indicator", $"{code} is derived (computed from other indicators); ask for its inputs instead.",
                    $"{code} là chỉ tiêu tính toán từ chỉ tiêu khác; hãy yêu cầu các chỉ tiêu đầu vào.");
            }

            var codelist = string.IsNullOrWhiteSpace(x.Disaggregation) ? null : x.Disaggregation.Trim();
            if (codelist is not null && !indicator.Disaggregations.Contains(codelist, StringComparer.Ordinal))
            {
                throw Bad(field + ".disaggregation", $"{code} is not broken down by '{Query.Truncate(codelist)}'; it has: {string.Join(", ", indicator.Disaggregations)}.",
                    $"{code} không phân tổ theo '{Query.Truncate(codelist)}'; các phân tổ: {string.Join(", ", indicator.Disaggregations)}.");
            }

            if (indicators.Any(a => a.IndicatorCode == code))
            {
                throw Bad(field + ".indicator", $"{code} is asked twice.", $"{code} bị yêu cầu hai lần.");
            }

            indicators.Add(new RequestIndicator(code, codelist));
        }

        if (questions.Count == 0 && indicators.Count == 0)
        {
            throw Bad("questions", "A request asks at least one question or one indicator.", "Yêu cầu phải có ít nhất một câu hỏi hoặc một chỉ tiêu.");
        }

        var targets = ResolveTargets(input.Targets, issuer, today, snapshot);

        var store = new LedgerStore(db);
        await using var transaction = await store.BeginAppendTransactionAsync(ct);
        var nowUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        var row = new ReportRequestEntity
        {
            IssuerCode = issuer, IssuedBy = actor, Subject = subject, SubjectEn = subjectEn,
            QuestionsJson = JsonSerializer.Serialize(questions, Json), IndicatorsJson = JsonSerializer.Serialize(indicators, Json),
            Period = period.ToString(), Deadline = deadline, Classification = classification.ToString(), IssuedUs = nowUs,
        };
        db.ReportRequests.Add(row);
        await db.SaveChangesAsync(ct);

        var payload = CanonicalJson.Serialize(new
        {
            request = row.Id, issuer, issuedBy = actor, subject, subjectEn, period = row.Period, deadline = Day(deadline),
            classification = row.Classification, questions, indicators, targets,
        }, Json);
        var entry = await store.AppendAsync(KindIssued, payload, actor, time.GetUtcNow(), ct);
        row.LedgerSequence = entry.Sequence;
        row.IssuedUs = LedgerTime.ToUnixMicroseconds(entry.Time);
        foreach (var t in targets)
        {
            db.ReportRequestTargets.Add(new ReportRequestTargetEntity
            {
                RequestId = row.Id, OrganizationCode = t, Status = nameof(RequestAnswerStatus.Pending), LastSequence = entry.Sequence,
            });
        }

        await db.SaveChangesAsync(ct);
        await checkpoints.AfterAppendAsync(store, entry, ct);
        await transaction.CommitAsync(ct);
        notifier?.Appended();
        db.ChangeTracker.Clear();
        return (await GetAsync(row.Id, scope, ct))!;
    }

    /// <summary>Whether the caller may issue requests of <paramref name="issuer"/> at <paramref name="classification"/>.</summary>
    public static bool MayIssue(AccessScope scope, string issuer, Classification classification)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.IsSystemAdministrator ||
               scope.Grants.Any(g => IssuerRoles.Contains(g.Role) && scope.IsWithin(issuer, g.OrganizationCode) && classification <= g.Ceiling);
    }

    private List<string> ResolveTargets(RequestTargetsInput? input, string issuer, DateOnly today, CatalogueSnapshot snapshot)
    {
        if (input is null)
        {
            throw Bad("targets", "targets is required: {\"codes\": [\"UBND.01\"]} and/or {\"kind\": \"provincialCommittee\", \"within\": \"CP\"}.",
                "Cần targets: {\"codes\": [\"UBND.01\"]} và/hoặc {\"kind\": \"provincialCommittee\", \"within\": \"CP\"}.");
        }

        var office = options.Value.GovernmentOfficeCode;
        var result = new List<string>();
        var codes = input.Codes ?? [];
        if (codes.Count > ReportRequests.MaxTargets)
        {
            throw Bad("targets.codes", $"At most {ReportRequests.MaxTargets} targets.", $"Tối đa {ReportRequests.MaxTargets} đơn vị nhận yêu cầu.");
        }

        for (var i = 0; i < codes.Count; i++)
        {
            var field = Field("targets.codes", i);
            var code = codes[i]?.Trim() ?? "";
            if (code.Length is 0 or > 64 || snapshot.Organizations.Find(code, today) is null)
            {
                throw Bad(field, $"{field}: organization '{Query.Truncate(code)}' does not exist.", $"{field}: cơ quan '{Query.Truncate(code)}' không tồn tại.");
            }

            if (!ReportRequests.Reaches(snapshot.Organizations, issuer, code, today, office))
            {
                throw Bad(field, $"{field}: {code} is not within the reach of {issuer}: a request goes to organizations of the issuer's own subtree (the Government Office: of the Government's).",
                    $"{field}: {code} không thuộc phạm vi của {issuer}: yêu cầu chỉ gửi các cơ quan, đơn vị trực thuộc cơ quan ban hành (Văn phòng Chính phủ: trực thuộc Chính phủ).");
            }

            if (!result.Contains(code))
            {
                result.Add(code);
            }
        }

        if (!string.IsNullOrWhiteSpace(input.Kind))
        {
            if (!Grant.TryParseName<OrganizationKind>(input.Kind, out var kind))
            {
                throw Bad("targets.kind", $"targets.kind must be one of: {string.Join(", ", Enum.GetNames<OrganizationKind>())}.",
                    $"targets.kind phải là một trong: {string.Join(", ", Enum.GetNames<OrganizationKind>())}.");
            }

            var within = string.IsNullOrWhiteSpace(input.Within) ? issuer : input.Within.Trim();
            if (within.Length > 64 || snapshot.Organizations.Find(within, today) is null)
            {
                throw Bad("targets.within", $"targets.within: organization '{Query.Truncate(within)}' does not exist.", $"targets.within: cơ quan '{Query.Truncate(within)}' không tồn tại.");
            }

            foreach (var o in snapshot.Organizations.Descendants(within, today).Where(o => o.Kind == kind).OrderBy(o => o.Code, StringComparer.Ordinal))
            {
                if (!ReportRequests.Reaches(snapshot.Organizations, issuer, o.Code, today, office))
                {
                    throw Bad("targets.within", $"targets.within: {within} holds organizations outside the reach of {issuer}.",
                        $"targets.within: {within} có cơ quan ngoài phạm vi của {issuer}.");
                }

                if (!result.Contains(o.Code))
                {
                    result.Add(o.Code);
                }
            }
        }

        if (result.Count == 0)
        {
            throw Bad("targets", "The request has no target organization.", "Yêu cầu chưa có đơn vị nhận.");
        }

        if (result.Count > ReportRequests.MaxTargets)
        {
            throw Bad("targets", $"At most {ReportRequests.MaxTargets} targets; these are {result.Count}.", $"Tối đa {ReportRequests.MaxTargets} đơn vị nhận; ở đây có {result.Count}.");
        }

        return result;
    }

    // ---------------------------------------------------------------- read

    /// <summary>
    /// The requests the caller may see, newest first: <paramref name="role"/> "issuer" (issued by organizations in its
    /// scope), "target" (addressed to organizations in its scope) or null (both).
    /// </summary>
    public async Task<IReadOnlyList<RequestSummaryDto>> ListAsync(AccessScope scope, string? role, int take, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.IsAuthenticated || scope.Grants.Count == 0)
        {
            return [];
        }

        var allowed = Enum.GetValues<Classification>().Where(scope.CanReadClassification).Select(c => c.ToString()).ToList();
        var query = db.ReportRequests.AsNoTracking().Where(r => allowed.Contains(r.Classification));
        IReadOnlySet<string>? codes = scope.IsSystemAdministrator ? null : scope.SubtreeCodes(scope.Grants.Select(g => g.OrganizationCode));
        if (codes is not null)
        {
            var list = codes.ToList();
            query = role switch
            {
                "issuer" => query.Where(r => list.Contains(r.IssuerCode)),
                "target" => query.Where(r => db.ReportRequestTargets.Any(t => t.RequestId == r.Id && list.Contains(t.OrganizationCode))),
                _ => query.Where(r => list.Contains(r.IssuerCode) || db.ReportRequestTargets.Any(t => t.RequestId == r.Id && list.Contains(t.OrganizationCode))),
            };
        }
        else if (role == "target")
        {
            query = query.Where(r => false);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
        var ids = rows.ConvertAll(r => r.Id);
        var targets = (await db.ReportRequestTargets.AsNoTracking().Where(t => ids.Contains(t.RequestId)).ToListAsync(ct)).ToLookup(t => t.RequestId);
        var now = time.GetUtcNow();
        var result = new List<RequestSummaryDto>(rows.Count);
        foreach (var r in rows)
        {
            var isIssuer = scope.CanRead(r.IssuerCode);
            var visible = targets[r.Id].Where(t => isIssuer || scope.CanRead(t.OrganizationCode)).OrderBy(t => t.OrganizationCode, StringComparer.Ordinal)
                .Select(t => ToDto(t, r.Deadline, now)).ToList();
            result.Add(new RequestSummaryDto(r.Id, ReportRequests.CodeOf(r.Id), r.Subject, r.SubjectEn, r.IssuerCode, r.Period, r.Deadline, Lower(r.Classification),
                LedgerTime.FromUnixMicroseconds(r.IssuedUs), isIssuer, visible, r.LedgerSequence));
        }

        return result;
    }

    /// <summary>One request as the caller may see it, or null when it may not (or it does not exist).</summary>
    public async Task<RequestDetailsDto?> GetAsync(long id, AccessScope scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var (request, visible, isIssuer) = await FindVisibleAsync(id, scope, ct);
        if (request is null)
        {
            return null;
        }

        var orgs = visible.ConvertAll(t => t.OrganizationCode);
        var answers = await db.ReportRequestAnswers.AsNoTracking().Where(a => a.RequestId == id && orgs.Contains(a.OrganizationCode))
            .OrderBy(a => a.OrganizationCode).ThenBy(a => a.Version).ToListAsync(ct);
        var answerIds = answers.ConvertAll(a => a.Id);
        var files = (await db.ReportRequestAttachments.AsNoTracking().Where(f => answerIds.Contains(f.AnswerId))
            .Select(f => new { f.Id, f.AnswerId, f.FileName, f.ContentType, f.Size, f.Sha256 }).ToListAsync(ct)).ToLookup(f => f.AnswerId);
        var code = ReportRequests.CodeOf(id);
        var answerDtos = answers.ConvertAll(a =>
        {
            var provenance = new RequestProvenanceDto(id, code, a.OrganizationCode, a.Version, a.LedgerSequence, a.AnsweredBy, LedgerTime.FromUnixMicroseconds(a.AnsweredUs));
            var values = JsonSerializer.Deserialize<List<ReportValue>>(a.ValuesJson, Json)!;
            var texts = JsonSerializer.Deserialize<List<TextAnswerDto>>(a.TextsJson, Json)!;
            return new RequestAnswerDto(a.OrganizationCode, a.Version, a.AnsweredBy, provenance.Answered, a.LedgerSequence, a.PayloadHash,
                values.ConvertAll(v => new RequestValueDto(ValueDto.From(v), provenance)), texts,
                [.. files[a.Id].OrderBy(f => f.Id).Select(f => new RequestAttachmentDto(f.Id, f.FileName, f.ContentType, f.Size, f.Sha256,
                    $"/api/requests/{id.ToString(CultureInfo.InvariantCulture)}/attachments/{f.Id.ToString(CultureInfo.InvariantCulture)}"))]);
        });

        var today = VietnamTime.Today(time);
        var now = time.GetUtcNow();
        var canAnswer = visible.Where(t => Api.SubmissionEndpoints.Holds(scope, Role.Reporter, t.OrganizationCode)).Select(t => t.OrganizationCode).ToList();
        return new RequestDetailsDto(
            request.Id, code, request.Subject, request.SubjectEn, request.IssuerCode, catalogue.Current.Organizations.Find(request.IssuerCode, today)?.Name,
            request.IssuedBy, request.Period, request.Deadline, ReportingCalendar.DueInstant(request.Deadline), Lower(request.Classification),
            LedgerTime.FromUnixMicroseconds(request.IssuedUs), request.LedgerSequence,
            JsonSerializer.Deserialize<List<RequestQuestion>>(request.QuestionsJson, Json)!,
            JsonSerializer.Deserialize<List<RequestIndicator>>(request.IndicatorsJson, Json)!,
            isIssuer, MayDecide(scope, request.IssuerCode), canAnswer,
            visible.ConvertAll(t => ToDto(t, request.Deadline, now)), answerDtos);
    }

    /// <summary>An attachment's name, type and bytes, when the caller may see the answer it belongs to.</summary>
    public async Task<(string FileName, string ContentType, byte[] Content)?> AttachmentAsync(long id, long attachmentId, AccessScope scope, CancellationToken ct)
    {
        var (request, visible, _) = await FindVisibleAsync(id, scope, ct);
        if (request is null)
        {
            return null;
        }

        var orgs = visible.ConvertAll(t => t.OrganizationCode);
        var file = await (from f in db.ReportRequestAttachments.AsNoTracking()
                          join a in db.ReportRequestAnswers.AsNoTracking() on f.AnswerId equals a.Id
                          where f.Id == attachmentId && f.RequestId == id && orgs.Contains(a.OrganizationCode)
                          select new { f.FileName, f.ContentType, f.Content }).FirstOrDefaultAsync(ct);
        return file is null ? null : (file.FileName, file.ContentType, file.Content);
    }

    private async Task<(ReportRequestEntity? Request, List<ReportRequestTargetEntity> Visible, bool IsIssuer)> FindVisibleAsync(long id, AccessScope scope, CancellationToken ct)
    {
        var request = await db.ReportRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !Grant.TryParseName<Classification>(request.Classification, out var classification) ||
            !scope.IsAuthenticated || !scope.CanReadClassification(classification))
        {
            return (null, [], false);
        }

        var isIssuer = scope.CanRead(request.IssuerCode);
        var targets = await db.ReportRequestTargets.AsNoTracking().Where(t => t.RequestId == id).OrderBy(t => t.OrganizationCode).ToListAsync(ct);
        var visible = isIssuer ? targets : targets.Where(t => scope.CanRead(t.OrganizationCode)).ToList();
        return visible.Count == 0 && !isIssuer ? (null, [], false) : (request, visible, isIssuer);
    }

    private RequestTargetDto ToDto(ReportRequestTargetEntity t, DateOnly deadline, DateTimeOffset now)
    {
        var status = Enum.Parse<RequestAnswerStatus>(t.Status);
        DateTimeOffset? first = t.FirstAnsweredUs is { } f ? LedgerTime.FromUnixMicroseconds(f) : null;
        var org = catalogue.Current.Organizations.Find(t.OrganizationCode, VietnamTime.Today(time));
        return new RequestTargetDto(t.OrganizationCode, org?.Name, org?.NameEn, status, ReportRequests.StateOf(status, first, deadline, now), t.Versions, t.Returns,
            first, t.DecisionReason, t.LastSequence);
    }

    /// <summary>Whether the caller may accept or return answers to requests of <paramref name="issuer"/>.</summary>
    public static bool MayDecide(AccessScope scope, string issuer)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope.IsSystemAdministrator || scope.Grants.Any(g => IssuerRoles.Contains(g.Role) && scope.IsWithin(issuer, g.OrganizationCode));
    }

    // ---------------------------------------------------------------- answer

    /// <summary>
    /// Stores a new version of <paramref name="organization"/>'s answer. Values are validated like a report's against
    /// the request's form; texts must answer the request's questions; attachments must pass <see cref="AttachmentPolicy"/>.
    /// </summary>
    public async Task<RequestActionDto> AnswerAsync(long id, string organization, AnswerRequestInput input, AccessScope scope, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (request, visible, _) = await FindVisibleAsync(id, scope, ct);
        var target = visible.FirstOrDefault(t => t.OrganizationCode == organization);
        if (request is null || target is null)
        {
            throw NotFound(id, organization);
        }

        if (!Api.SubmissionEndpoints.Holds(scope, Role.Reporter, organization))
        {
            throw new RequestProblemException(403, "not-reporter", "organization", $"Only reporters of {organization} may answer for it.",
                $"Chỉ người báo cáo của {organization} được trả lời thay cho đơn vị này.");
        }

        var snapshot = catalogue.Current;
        var period = Period.Parse(request.Period);
        var questions = JsonSerializer.Deserialize<List<RequestQuestion>>(request.QuestionsJson, Json)!;
        var indicators = JsonSerializer.Deserialize<List<RequestIndicator>>(request.IndicatorsJson, Json)!;

        // Values: shape first (naming the field), then the report validator against the request's own form.
        var values = new List<ReportValue>();
        var valueInputs = input.Values ?? [];
        if (valueInputs.Count > 10_000)
        {
            throw Bad("values", "At most 10000 values.", "Tối đa 10000 giá trị.");
        }

        for (var i = 0; i < valueInputs.Count; i++)
        {
            var field = Field("values", i);
            var v = valueInputs[i] ?? throw Bad(field, $"{field} is null.", $"{field} rỗng.");
            if (string.IsNullOrWhiteSpace(v.Indicator) || v.Indicator.Length > 64)
            {
                throw Bad(field + ".indicator", $"{field}.indicator is required (at most 64 characters).", $"Cần {field}.indicator (tối đa 64 ký tự).");
            }

            if (v.Disaggregation is { Length: > 200 } || v.Territory is { Length: 0 or > 64 } || v.Text is { Length: > SubmissionValidator.MaxTextLength } ||
                v.Note is { Length: > SubmissionValidator.MaxNoteLength })
            {
                throw Bad(field, $"{field}: a code or text is too long (disaggregation 200, territory 64, text {SubmissionValidator.MaxTextLength}, note {SubmissionValidator.MaxNoteLength}).",
                    $"{field}: mã hoặc văn bản quá dài (phân tổ 200, địa bàn 64, văn bản {SubmissionValidator.MaxTextLength}, ghi chú {SubmissionValidator.MaxNoteLength}).");
            }

            values.Add(new ReportValue(v.Indicator, string.IsNullOrEmpty(v.Disaggregation) ? Disaggregations.Total : v.Disaggregation, v.Territory,
                v.Number, v.Text, v.Flag, v.Status ?? ObservationStatus.Normal, v.Note));
        }

        var reporter = snapshot.Organizations.Find(organization, period.End) ?? snapshot.Organizations.Find(organization, VietnamTime.Today(time));
        if (reporter is null)
        {
            throw NotFound(id, organization);
        }

        if (indicators.Count > 0 || values.Count > 0)
        {
            var regime = ReportRequests.FormRegime(id, request.Subject, request.SubjectEn, period, request.IssuerCode, organization, indicators,
                Enum.Parse<Classification>(request.Classification), snapshot);
            var report = SubmissionValidator.Validate(snapshot, regime, period, reporter, values);
            var blocking = report.Issues.Where(i => i.Severity == RuleSeverity.Error).ToList();
            if (blocking.Count > 0)
            {
                var errors = blocking.ConvertAll(i => (object)new ProblemError(
                    i.ValueIndex is { } index ? Field("values", index) : i.RowCode is { } row ? "indicators." + (i.IndicatorCode ?? row) : "values",
                    i.MessageEn, i.MessageVi));
                var first = (ProblemError)errors[0];
                throw new RequestProblemException(422, "validation-failed", first.Field,
                    $"{blocking.Count} value error(s); nothing was stored. First: {first.Field}: {first.MessageEn}",
                    $"{blocking.Count} lỗi giá trị; chưa lưu gì. Lỗi đầu: {first.Field}: {first.MessageVi}", errors);
            }
        }

        var texts = new List<TextAnswerDto>();
        var textInputs = input.Texts ?? [];
        for (var i = 0; i < textInputs.Count; i++)
        {
            var field = Field("texts", i);
            var t = textInputs[i] ?? throw Bad(field, $"{field} is null.", $"{field} rỗng.");
            var q = t.Question?.Trim() ?? "";
            if (!questions.Any(x => x.Code == q))
            {
                throw Bad(field + ".question", $"{field}.question '{Query.Truncate(q)}' is not a question of {ReportRequests.CodeOf(id)}; it has {string.Join(", ", questions.Select(x => x.Code))}.",
                    $"{field}.question '{Query.Truncate(q)}' không phải câu hỏi của {ReportRequests.CodeOf(id)}; các câu hỏi: {string.Join(", ", questions.Select(x => x.Code))}.");
            }

            if (texts.Any(x => x.Question == q))
            {
                throw Bad(field + ".question", $"{q} is answered twice.", $"{q} được trả lời hai lần.");
            }

            texts.Add(new TextAnswerDto(q, Required(t.Text, field + ".text", ReportRequests.MaxText, "the answer", "câu trả lời")));
        }

        var files = new List<(string Name, AttachmentType Type, byte[] Content, string Sha256)>();
        var fileInputs = input.Attachments ?? [];
        if (fileInputs.Count > AttachmentPolicy.MaxCount)
        {
            throw Bad("attachments", $"At most {AttachmentPolicy.MaxCount} attachments per answer.", $"Tối đa {AttachmentPolicy.MaxCount} tệp đính kèm mỗi lần trả lời.");
        }

        for (var i = 0; i < fileInputs.Count; i++)
        {
            var field = Field("attachments", i);
            var f = fileInputs[i] ?? throw Bad(field, $"{field} is null.", $"{field} rỗng.");
            byte[] content;
            try
            {
                content = Convert.FromBase64String(f.ContentBase64 ?? "");
            }
            catch (FormatException)
            {
                throw Bad(field + ".contentBase64", $"{field}.contentBase64 is not base64.", $"{field}.contentBase64 không phải base64.");
            }

            var type = AttachmentPolicy.Check(f.FileName, content, out var vi, out var en)
                ?? throw Bad(field, $"{field}: {en}.", $"{field}: {vi}.");
            files.Add((Path.GetFileName(f.FileName!.Trim()), type, content, Convert.ToHexStringLower(SHA256.HashData(content))));
        }

        if (values.Count == 0 && texts.Count == 0 && files.Count == 0)
        {
            throw Bad("values", "An answer holds values, texts or attachments; this one is empty.", "Câu trả lời phải có giá trị, văn bản hoặc tệp đính kèm; câu trả lời này trống.");
        }

        var store = new LedgerStore(db);
        await using var transaction = await store.BeginAppendTransactionAsync(ct);
        var row = await db.ReportRequestTargets.FirstAsync(t => t.Id == target.Id, ct);
        var status = Enum.Parse<RequestAnswerStatus>(row.Status);
        if (status == RequestAnswerStatus.Accepted)
        {
            throw new RequestProblemException(409, "accepted", "organization", $"The answer of {organization} was accepted; it can no longer be revised.",
                $"Câu trả lời của {organization} đã được tiếp nhận, không sửa được nữa.");
        }

        if ((input.BaseVersion ?? 0) != row.Versions)
        {
            throw new RequestProblemException(409, "conflict", "baseVersion",
                $"baseVersion {(input.BaseVersion ?? 0).ToString(CultureInfo.InvariantCulture)} is not the current version {row.Versions.ToString(CultureInfo.InvariantCulture)} of {organization}'s answer (0 for the first answer).",
                $"baseVersion {(input.BaseVersion ?? 0).ToString(CultureInfo.InvariantCulture)} khác phiên bản hiện tại {row.Versions.ToString(CultureInfo.InvariantCulture)} của câu trả lời của {organization} (0 cho lần trả lời đầu).");
        }

        var version = row.Versions + 1;
        var normalized = SubmissionPayload.Normalize(values, reporter.TerritoryCode ?? Territory.NationCode);
        var payload = CanonicalJson.Serialize(new
        {
            request = id, target = organization, version, values = normalized, texts,
            attachments = files.ConvertAll(f => new { name = f.Name, contentType = f.Type.ContentType, size = f.Content.Length, sha256 = f.Sha256 }),
        }, Json);
        var entry = await store.AppendAsync(KindAnswered, payload, actor, time.GetUtcNow(), ct);
        var nowUs = LedgerTime.ToUnixMicroseconds(entry.Time);
        var answer = new ReportRequestAnswerEntity
        {
            RequestId = id, OrganizationCode = organization, Version = version, AnsweredBy = actor, AnsweredUs = nowUs, LedgerSequence = entry.Sequence,
            ValuesJson = JsonSerializer.Serialize(normalized, Json), TextsJson = JsonSerializer.Serialize(texts, Json),
            PayloadHash = Convert.ToHexStringLower(SHA256.HashData(payload)),
        };
        db.ReportRequestAnswers.Add(answer);
        await db.SaveChangesAsync(ct);
        foreach (var f in files)
        {
            db.ReportRequestAttachments.Add(new ReportRequestAttachmentEntity
            {
                AnswerId = answer.Id, RequestId = id, FileName = f.Name, ContentType = f.Type.ContentType, Size = f.Content.Length, Sha256 = f.Sha256, Content = f.Content,
            });
        }

        row.Versions = version;
        row.Status = nameof(RequestAnswerStatus.Answered);
        row.FirstAnsweredUs ??= nowUs;
        row.LastSequence = entry.Sequence;
        await db.SaveChangesAsync(ct);
        await checkpoints.AfterAppendAsync(store, entry, ct);
        await transaction.CommitAsync(ct);
        notifier?.Appended();
        db.ChangeTracker.Clear();
        return new RequestActionDto(id, organization, version, RequestAnswerStatus.Answered, entry.Sequence, Convert.ToHexStringLower(entry.Hash));
    }

    // ---------------------------------------------------------------- decide

    /// <summary>The issuer accepts (<paramref name="accept"/>) or returns with a reason the current version of an answer.</summary>
    public async Task<RequestActionDto> DecideAsync(long id, string organization, bool accept, RequestDecisionInput input, AccessScope scope, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (request, visible, _) = await FindVisibleAsync(id, scope, ct);
        var target = visible.FirstOrDefault(t => t.OrganizationCode == organization);
        if (request is null || target is null)
        {
            throw NotFound(id, organization);
        }

        if (!MayDecide(scope, request.IssuerCode))
        {
            throw new RequestProblemException(403, "not-issuer", "organization",
                $"Only leaders (reviewers) and agency administrators of the issuer {request.IssuerCode} may accept or return answers.",
                $"Chỉ lãnh đạo (người duyệt) và quản trị viên của cơ quan ban hành {request.IssuerCode} được tiếp nhận hoặc trả lại câu trả lời.");
        }

        string? reason = null;
        if (!accept)
        {
            reason = Required(input.Reason, "reason", 2000, "the reason for returning", "lý do trả lại");
        }
        else if (!string.IsNullOrWhiteSpace(input.Reason))
        {
            reason = Bounded(input.Reason, "reason", 2000);
        }

        if (input.Version is not { } version)
        {
            throw Bad("version", "version is required: the answer version decided on.", "Cần version: phiên bản câu trả lời được quyết định.");
        }

        var store = new LedgerStore(db);
        await using var transaction = await store.BeginAppendTransactionAsync(ct);
        var row = await db.ReportRequestTargets.FirstAsync(t => t.Id == target.Id, ct);
        if (row.Status != nameof(RequestAnswerStatus.Answered) || row.Versions != version)
        {
            throw new RequestProblemException(409, "conflict", "version",
                $"{organization}'s answer is {row.Status.ToLowerInvariant()} at version {row.Versions.ToString(CultureInfo.InvariantCulture)}; only the current version of an answer waiting for a decision can be accepted or returned.",
                $"Câu trả lời của {organization} đang ở trạng thái {row.Status.ToLowerInvariant()}, phiên bản {row.Versions.ToString(CultureInfo.InvariantCulture)}; chỉ phiên bản hiện tại đang chờ quyết định mới được tiếp nhận hoặc trả lại.");
        }

        var payload = CanonicalJson.Serialize(new { request = id, target = organization, version, reason }, Json);
        var entry = await store.AppendAsync(accept ? KindAccepted : KindReturned, payload, actor, time.GetUtcNow(), ct);
        row.Status = accept ? nameof(RequestAnswerStatus.Accepted) : nameof(RequestAnswerStatus.Returned);
        row.Returns += accept ? 0 : 1;
        row.DecisionReason = reason;
        row.DecidedBy = actor;
        row.DecidedUs = LedgerTime.ToUnixMicroseconds(entry.Time);
        row.LastSequence = entry.Sequence;
        await db.SaveChangesAsync(ct);
        await checkpoints.AfterAppendAsync(store, entry, ct);
        await transaction.CommitAsync(ct);
        notifier?.Appended();
        db.ChangeTracker.Clear();
        return new RequestActionDto(id, organization, version, Enum.Parse<RequestAnswerStatus>(row.Status), entry.Sequence, Convert.ToHexStringLower(entry.Hash));
    }

    // ---------------------------------------------------------------- helpers

    private static RequestProblemException NotFound(long id, string organization) =>
        new(404, "not-found", "id", $"Request {ReportRequests.CodeOf(id)} addressed to '{Query.Truncate(organization)}' does not exist.",
            $"Yêu cầu {ReportRequests.CodeOf(id)} gửi '{Query.Truncate(organization)}' không tồn tại.");

    private static RequestProblemException Bad(string field, string en, string vi) => new(400, "bad-request", field, en, vi);

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Lower(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    private static string Required(string? text, string field, int max, string what, string whatVi)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Bad(field, $"{field} is required: {what}.", $"Cần {field}: {whatVi}.");
        }

        return Bounded(text, field, max);
    }

    private static string Bounded(string text, string field, int max)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > max)
        {
            throw Bad(field, $"{field} has {trimmed.Length} characters; at most {max}.", $"{field} có {trimmed.Length} ký tự; tối đa {max}.");
        }

        return trimmed;
    }
}
