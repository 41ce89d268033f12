using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;
using Nris.Storage.Submissions;

namespace Nris.Server.Submissions;

/// <summary>
/// The submissions engine below HTTP: drafts, submit, revise, accept, return, reopen, history and diffs. Every action
/// that the ledger records runs in one serialized transaction that appends the entry and writes the report tables and
/// the current-values view, so a committed action is complete and an interrupted one leaves nothing.
/// </summary>
/// <remarks>
/// Who may call which method (authentication, roles) is the caller's authorization layer's job. This service checks
/// the business rule on top: the reporter submits and revises; the recipient (the regime's recipient, or the
/// reporter's parent organization for "parent") accepts, returns and reopens.
/// </remarks>
public sealed class SubmissionService(NrisDbContext db, CatalogueState catalogue, CheckpointService checkpoints, TimeProvider time, Aggregation.LedgerNotifier? notifier = null)
{
    private static readonly JsonSerializerOptions DraftJson = new(JsonSerializerDefaults.Web);

    // ---------------------------------------------------------------- drafts (not in the ledger)

    /// <summary>Saves the reporter's draft of a report, replacing the previous draft. Not validated, not in the ledger.</summary>
    public async Task<DraftInfo> SaveDraftAsync(
        ReportKey key, IReadOnlyList<ReportValue> values, IReadOnlyList<WarningExplanation>? explanations, SubmissionActor actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(actor);
        var context = Resolve(key);
        RequireReporter(context, actor);
        var now = LedgerTime.Normalize(time.GetUtcNow());
        var content = JsonSerializer.Serialize(new DraftContent([.. values], [.. explanations ?? []]), DraftJson);
        var period = key.Period.ToString();
        var draft = await db.Drafts.SingleOrDefaultAsync(
            d => d.RegimeCode == key.RegimeCode && d.Period == period && d.ReporterCode == key.ReporterCode, cancellationToken);
        if (draft is null)
        {
            draft = new DraftEntity
            {
                RegimeCode = key.RegimeCode, Period = period, ReporterCode = key.ReporterCode,
                ContentJson = content, UpdatedBy = actor.User,
            };
            db.Drafts.Add(draft);
        }
        draft.ContentJson = content;
        draft.UpdatedBy = actor.User;
        draft.UpdatedUs = LedgerTime.ToUnixMicroseconds(now);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new DraftInfo(key, values, explanations ?? [], actor.User, now);
    }

    /// <summary>The saved draft of a report, or null.</summary>
    public async Task<DraftInfo?> GetDraftAsync(ReportKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var period = key.Period.ToString();
        var draft = await db.Drafts.AsNoTracking().SingleOrDefaultAsync(
            d => d.RegimeCode == key.RegimeCode && d.Period == period && d.ReporterCode == key.ReporterCode, cancellationToken);
        if (draft is null)
        {
            return null;
        }
        var content = JsonSerializer.Deserialize<DraftContent>(draft.ContentJson, DraftJson)!;
        return new DraftInfo(key, content.Values, content.Explanations, draft.UpdatedBy, LedgerTime.FromUnixMicroseconds(draft.UpdatedUs));
    }

    // ---------------------------------------------------------------- versions

    /// <summary>
    /// Submits the first version of a report. Validation errors or unexplained warnings throw
    /// <see cref="SubmissionRejectedException"/> and store nothing. A report that already has a version throws
    /// <see cref="SubmissionConflictException"/> naming it (so of two concurrent first submissions, one wins).
    /// </summary>
    public Task<SubmissionResult> SubmitAsync(ReportKey key, SubmissionRequest request, SubmissionActor actor, CancellationToken cancellationToken) =>
        WriteVersionAsync(key, request, actor, SubmissionAction.Submit, baseVersion: 0, reason: null, cancellationToken);

    /// <summary>
    /// Submits a new version of a submitted or returned report, with a mandatory reason. <paramref name="baseVersion"/> is
    /// the version the reporter revised; if the report has moved on, <see cref="SubmissionConflictException"/>.
    /// </summary>
    public Task<SubmissionResult> ReviseAsync(
        ReportKey key, int baseVersion, string reason, SubmissionRequest request, SubmissionActor actor, CancellationToken cancellationToken) =>
        WriteVersionAsync(key, request, actor, SubmissionAction.Revise, baseVersion, reason, cancellationToken);

    /// <summary>The recipient accepts <paramref name="version"/>; the report is then locked until reopened.</summary>
    public Task<SubmissionResult> AcceptAsync(ReportKey key, int version, SubmissionActor actor, CancellationToken cancellationToken) =>
        DecideAsync(key, version, SubmissionAction.Accept, null, actor, cancellationToken);

    /// <summary>The recipient returns <paramref name="version"/> with a reason; its values leave the current view.</summary>
    public Task<SubmissionResult> ReturnAsync(ReportKey key, int version, string reason, SubmissionActor actor, CancellationToken cancellationToken) =>
        DecideAsync(key, version, SubmissionAction.Return, reason, actor, cancellationToken);

    /// <summary>The recipient reopens accepted <paramref name="version"/> with a reason, so it can be revised or decided again.</summary>
    public Task<SubmissionResult> ReopenAsync(ReportKey key, int version, string reason, SubmissionActor actor, CancellationToken cancellationToken) =>
        DecideAsync(key, version, SubmissionAction.Reopen, reason, actor, cancellationToken);

    private async Task<SubmissionResult> WriteVersionAsync(
        ReportKey key, SubmissionRequest request, SubmissionActor actor, SubmissionAction action, int baseVersion, string? reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Values);
        ArgumentNullException.ThrowIfNull(actor);
        var context = Resolve(key);
        RequireReporter(context, actor);
        if (action == SubmissionAction.Revise && string.IsNullOrWhiteSpace(reason))
        {
            var refusal = SubmissionWorkflow.Decide(SubmissionState.Submitted, action, reason);
            throw new SubmissionRefusedException(refusal.Code, refusal.ReasonVi, refusal.ReasonEn);
        }

        var explanations = request.Explanations ?? [];
        var values = SubmissionPayload.Normalize(request.Values, context.OwnTerritory);
        var requestHash = RequestHash(action, baseVersion, new SubmissionDocument(
            key, context.Regime.Version, 0, reason, values, explanations, request.Signature));

        // A retry is answered before anything else, even before validation, so it returns exactly the first result.
        if (await ReplayAsync(actor, request.IdempotencyKey, requestHash, key, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var history = await CurrentValueHistory.LoadAsync(db, key.ReporterCode, key.Period, cancellationToken);
        var validation = new SubmissionValidator(catalogue.Current, context.Regime)
            .Validate(key.Period, context.Reporter, request.Values, explanations, history);
        if (!validation.CanSubmit)
        {
            throw new SubmissionRejectedException(validation);
        }

        // The canonical payload (and its hash) is built before the append lock that serializes all appends: it names
        // the version, and the version this request can become is known already — 1 for a submit, base + 1 for a
        // revision; under the lock any other state of the report is a 409 before the payload is used.
        var expectedVersion = action == SubmissionAction.Submit ? 1 : baseVersion + 1;
        var early = SubmissionPayload.Build(new SubmissionDocument(
            key, context.Regime.Version, expectedVersion, reason, values, explanations, request.Signature));
        var earlyHash = SubmissionPayload.Hash(early);

        var store = new LedgerStore(db);
        await using var transaction = await store.BeginAppendTransactionAsync(cancellationToken);
        try
        {
            if (await ReplayAsync(actor, request.IdempotencyKey, requestHash, key, cancellationToken) is { } raced)
            {
                return raced;
            }

            var report = await FindReportAsync(key, cancellationToken);
            if (action == SubmissionAction.Submit)
            {
                if (report is { CurrentVersion: > 0 })
                {
                    throw new SubmissionConflictException(key, report.CurrentVersion, report.State);
                }
            }
            else
            {
                if (report is null)
                {
                    throw NotFound(key);
                }
                if (report.CurrentVersion != baseVersion)
                {
                    throw new SubmissionConflictException(key, report.CurrentVersion, report.State);
                }
            }
            var decision = SubmissionWorkflow.Decide(report?.State, action, reason);
            if (!decision.Allowed)
            {
                throw new SubmissionRefusedException(decision.Code, decision.ReasonVi, decision.ReasonEn);
            }

            var version = (report?.CurrentVersion ?? 0) + 1;
            if (version != expectedVersion)
            {
                throw new InvalidOperationException($"{key}: version {version} under the lock, {expectedVersion} expected; the checks above must have refused this.");
            }
            var payload = early;
            var kind = action == SubmissionAction.Submit ? LedgerEntryKind.SubmissionSubmitted : LedgerEntryKind.SubmissionRevised;
            var entry = await store.AppendAsync(kind, payload, actor.User, time.GetUtcNow(), cancellationToken);
            var now = LedgerTime.ToUnixMicroseconds(entry.Time);

            if (report is null)
            {
                report = new ReportEntity
                {
                    RegimeCode = key.RegimeCode, Period = key.Period.ToString(), ReporterCode = key.ReporterCode,
                    RecipientCode = context.RecipientCode, CreatedUs = now,
                };
                db.Reports.Add(report);
            }
            report.RegimeVersion = context.Regime.Version;
            report.RecipientCode = context.RecipientCode;
            report.State = decision.NextState;
            report.CurrentVersion = version;
            report.LastLedgerSequence = entry.Sequence;
            report.UpdatedUs = now;
            var payloadHash = earlyHash;
            var versionRow = new ReportVersionEntity
            {
                Version = version, RegimeVersion = context.Regime.Version, State = decision.NextState, Reason = reason,
                Actor = actor.User, Organization = actor.OrganizationCode, SubmittedUs = now, LedgerSequence = entry.Sequence,
                PayloadHash = payloadHash, IdempotencyKey = request.IdempotencyKey, Signer = request.Signature?.Signer,
                ValueCount = values.Count,
            };
            await db.SaveChangesAsync(cancellationToken);
            versionRow.ReportId = report.Id;
            db.ReportVersions.Add(versionRow);
            AddEvent(report, version, action, actor, entry, reason);
            await db.SaveChangesAsync(cancellationToken);

            await SubmissionTables.InsertValuesAsync(db, values.Select(v => ToValueRow(versionRow.Id, v)), cancellationToken);
            // The view is filled from the rows just written, in the database, rather than by sending 100,000 rows twice.
            await SubmissionTables.ReplaceCurrentFromVersionAsync(
                db, report.Id, versionRow.Id, version, entry.Sequence, key.Period.ToString(), key.ReporterCode, cancellationToken);

            var period = key.Period.ToString();
            await db.Drafts.Where(d => d.RegimeCode == key.RegimeCode && d.Period == period && d.ReporterCode == key.ReporterCode)
                .ExecuteDeleteAsync(cancellationToken);
            await checkpoints.AfterAppendAsync(store, entry, cancellationToken);

            var result = Result(key, version, decision.NextState, entry, payloadHash);
            if (request.IdempotencyKey is { } idempotencyKey)
            {
                db.IdempotencyKeys.Add(new IdempotencyKeyEntity
                {
                    Scope = actor.User, Key = idempotencyKey, RequestHash = requestHash,
                    ResultJson = JsonSerializer.Serialize(StoredResult.From(result), DraftJson), CreatedUs = now,
                });
                await db.SaveChangesAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken); notifier?.Appended();
            return result;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<SubmissionResult> DecideAsync(
        ReportKey key, int version, SubmissionAction action, string? reason, SubmissionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(actor);
        var context = Resolve(key);
        if (!string.Equals(actor.OrganizationCode, context.RecipientCode, StringComparison.Ordinal))
        {
            throw new SubmissionRefusedException(SubmissionRefusedException.NotRecipient,
                $"Chỉ cơ quan nhận báo cáo ({context.RecipientCode}) mới được tiếp nhận, trả lại hoặc mở lại báo cáo {key}; {actor.OrganizationCode} không phải cơ quan nhận.",
                $"Only the recipient ({context.RecipientCode}) may accept, return or reopen report {key}; {actor.OrganizationCode} is not the recipient.");
        }

        var store = new LedgerStore(db);
        await using var transaction = await store.BeginAppendTransactionAsync(cancellationToken);
        try
        {
            var report = await FindReportAsync(key, cancellationToken) ?? throw NotFound(key);
            if (report.CurrentVersion != version)
            {
                throw new SubmissionConflictException(key, report.CurrentVersion, report.State);
            }
            var decision = SubmissionWorkflow.Decide(report.State, action, reason);
            if (!decision.Allowed)
            {
                throw new SubmissionRefusedException(decision.Code, decision.ReasonVi, decision.ReasonEn);
            }
            var versionRow = await db.ReportVersions.SingleAsync(v => v.ReportId == report.Id && v.Version == version, cancellationToken);
            var payload = SubmissionPayload.Decision(action, key, version, actor.OrganizationCode, reason, versionRow.PayloadHash);
            var kind = action switch
            {
                SubmissionAction.Accept => LedgerEntryKind.SubmissionAccepted,
                SubmissionAction.Return => LedgerEntryKind.SubmissionReturned,
                _ => LedgerEntryKind.SubmissionReopened,
            };
            var entry = await store.AppendAsync(kind, payload, actor.User, time.GetUtcNow(), cancellationToken);
            var now = LedgerTime.ToUnixMicroseconds(entry.Time);

            report.State = decision.NextState;
            report.LastLedgerSequence = entry.Sequence;
            report.UpdatedUs = now;
            versionRow.State = decision.NextState;
            versionRow.DecidedBy = actor.User;
            versionRow.DecidedUs = now;
            versionRow.DecisionReason = reason;
            AddEvent(report, version, action, actor, entry, reason);
            await db.SaveChangesAsync(cancellationToken);

            if (action == SubmissionAction.Return)
            {
                // The current value of a cell is the latest version that was not returned: this one leaves the view,
                // and an earlier version that was not returned (if any) comes back.
                await SubmissionTables.RemoveCurrentAsync(db, report.Id, cancellationToken);
                var fallback = await db.ReportVersions.AsNoTracking()
                    .Where(v => v.ReportId == report.Id && v.Version < version && v.State != SubmissionState.Returned)
                    .OrderByDescending(v => v.Version)
                    .FirstOrDefaultAsync(cancellationToken);
                if (fallback is not null)
                {
                    var rows = await db.ReportValues.AsNoTracking().Where(v => v.VersionId == fallback.Id).ToListAsync(cancellationToken);
                    await SubmissionTables.ReplaceCurrentAsync(db, report.Id,
                        rows.Select(v => ToCurrentRow(key, report.Id, fallback.Id, fallback.Version, fallback.LedgerSequence, ToValue(v))),
                        cancellationToken);
                }
            }
            await checkpoints.AfterAppendAsync(store, entry, cancellationToken);
            await transaction.CommitAsync(cancellationToken); notifier?.Appended();
            return Result(key, version, decision.NextState, entry, SubmissionPayload.Hash(payload));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    // ---------------------------------------------------------------- reading

    /// <summary>A report with all its versions and steps, or null when it has never been submitted.</summary>
    public async Task<ReportDetails?> GetAsync(ReportKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var period = key.Period.ToString();
        var report = await db.Reports.AsNoTracking().SingleOrDefaultAsync(
            r => r.RegimeCode == key.RegimeCode && r.Period == period && r.ReporterCode == key.ReporterCode, cancellationToken);
        if (report is null)
        {
            return null;
        }
        var versions = await db.ReportVersions.AsNoTracking().Where(v => v.ReportId == report.Id).OrderBy(v => v.Version).ToListAsync(cancellationToken);
        var events = await db.ReportEvents.AsNoTracking().Where(e => e.ReportId == report.Id).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        return new ReportDetails(key, report.State, report.CurrentVersion, report.RecipientCode, report.LastLedgerSequence,
            versions.ConvertAll(v => new ReportVersionInfo(v.Version, v.RegimeVersion, v.State, v.Reason, v.Actor, v.Organization,
                LedgerTime.FromUnixMicroseconds(v.SubmittedUs), v.DecidedBy,
                v.DecidedUs is { } d ? LedgerTime.FromUnixMicroseconds(d) : null, v.DecisionReason, v.LedgerSequence,
                Convert.ToHexStringLower(v.PayloadHash), v.Signer, v.ValueCount)),
            events.ConvertAll(e => new ReportHistoryEvent(e.Version, e.Action, e.Actor, e.Organization,
                LedgerTime.FromUnixMicroseconds(e.TimeUs), e.Reason, e.LedgerSequence)));
    }

    /// <summary>The values of one version, sorted by cell.</summary>
    public async Task<IReadOnlyList<ReportValue>> GetValuesAsync(ReportKey key, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var period = key.Period.ToString();
        var versionId = await db.ReportVersions.AsNoTracking()
            .Where(v => v.Version == version && db.Reports.Any(r => r.Id == v.ReportId && r.RegimeCode == key.RegimeCode
                && r.Period == period && r.ReporterCode == key.ReporterCode))
            .Select(v => (long?)v.Id)
            .SingleOrDefaultAsync(cancellationToken) ?? throw NotFound(key, version);
        var rows = await db.ReportValues.AsNoTracking().Where(v => v.VersionId == versionId).ToListAsync(cancellationToken);
        var values = rows.ConvertAll(ToValue);
        values.Sort(SubmissionPayload.CompareCells);
        return values;
    }

    /// <summary>What changed in the values from <paramref name="versionA"/> to <paramref name="versionB"/>.</summary>
    public async Task<ValueDiff> DiffAsync(ReportKey key, int versionA, int versionB, CancellationToken cancellationToken) =>
        ValueDiff.Between(await GetValuesAsync(key, versionA, cancellationToken), await GetValuesAsync(key, versionB, cancellationToken));

    /// <summary>Reports matching the filter, most recently changed first.</summary>
    public async Task<IReadOnlyList<ReportSummary>> ListAsync(ReportFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = db.Reports.AsNoTracking();
        if (filter.RegimeCode is { } regime)
        {
            query = query.Where(r => r.RegimeCode == regime);
        }
        if (filter.Period is { } p)
        {
            var period = p.ToString();
            query = query.Where(r => r.Period == period);
        }
        if (filter.ReporterCode is { } reporter)
        {
            query = query.Where(r => r.ReporterCode == reporter);
        }
        if (filter.State is { } state)
        {
            query = query.Where(r => r.State == state);
        }
        var rows = await query.OrderByDescending(r => r.LastLedgerSequence).Take(Math.Clamp(filter.Limit, 1, 10_000)).ToListAsync(cancellationToken);
        return rows.ConvertAll(r => new ReportSummary(new ReportKey(r.RegimeCode, Period.Parse(r.Period), r.ReporterCode), r.State,
            r.CurrentVersion, r.RecipientCode, LedgerTime.FromUnixMicroseconds(r.UpdatedUs), r.LastLedgerSequence));
    }

    /// <summary>
    /// The regime version, reporter and recipient of <paramref name="key"/>, or null when the regime or the reporter does
    /// not exist for the period; the HTTP layer decides from it who may see and act on the report before anything is read.
    /// </summary>
    public ReportTarget? Describe(ReportKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var context = Resolve(key);
            return new ReportTarget(context.Regime, context.Reporter, context.RecipientCode);
        }
        catch (SubmissionRefusedException)
        {
            return null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private sealed record ReportContext(Regime Regime, Organization Reporter, string OwnTerritory, string RecipientCode);

    private ReportContext Resolve(ReportKey key)
    {
        var snapshot = catalogue.Current;
        var regime = snapshot.Regime(key.RegimeCode, key.Period.Start) ?? snapshot.Regime(key.RegimeCode, key.Period.End)
            ?? throw new SubmissionRefusedException(SubmissionRefusedException.UnknownRegime,
                $"Không có chế độ báo cáo {key.RegimeCode} có hiệu lực trong kỳ {key.Period}.",
                $"No regime {key.RegimeCode} is in force in period {key.Period}.");
        var reporter = snapshot.Organizations.Find(key.ReporterCode, key.Period.End)
            ?? snapshot.Organizations.Find(key.ReporterCode, key.Period.Start)
            ?? throw new SubmissionRefusedException(SubmissionRefusedException.UnknownReporter,
                $"Không có cơ quan báo cáo {key.ReporterCode} trong kỳ {key.Period}.",
                $"There is no reporting organization {key.ReporterCode} in period {key.Period}.");
        var recipient = regime.RecipientCode == Regime.ParentRecipient ? reporter.ParentCode ?? Organization.GovernmentCode : regime.RecipientCode;
        return new ReportContext(regime, reporter, reporter.TerritoryCode ?? Territory.NationCode, recipient);
    }

    private static void RequireReporter(ReportContext context, SubmissionActor actor)
    {
        if (!string.Equals(actor.OrganizationCode, context.Reporter.Code, StringComparison.Ordinal))
        {
            throw new SubmissionRefusedException(SubmissionRefusedException.NotReporter,
                $"Chỉ đơn vị báo cáo {context.Reporter.Code} mới được lập, gửi hoặc điều chỉnh báo cáo này; {actor.OrganizationCode} không phải đơn vị báo cáo.",
                $"Only the reporter {context.Reporter.Code} may prepare, submit or revise this report; {actor.OrganizationCode} is not the reporter.");
        }
    }

    private Task<ReportEntity?> FindReportAsync(ReportKey key, CancellationToken cancellationToken)
    {
        var period = key.Period.ToString();
        return db.Reports.SingleOrDefaultAsync(
            r => r.RegimeCode == key.RegimeCode && r.Period == period && r.ReporterCode == key.ReporterCode, cancellationToken);
    }

    private void AddEvent(ReportEntity report, int version, SubmissionAction action, SubmissionActor actor, LedgerEntry entry, string? reason)
    {
        var row = new ReportEventEntity
        {
            Version = version, Action = action, Actor = actor.User, Organization = actor.OrganizationCode,
            TimeUs = LedgerTime.ToUnixMicroseconds(entry.Time), Reason = reason, LedgerSequence = entry.Sequence,
        };
        row.ReportId = report.Id;
        db.ReportEvents.Add(row);
    }

    private async Task<SubmissionResult?> ReplayAsync(
        SubmissionActor actor, string? idempotencyKey, byte[] requestHash, ReportKey key, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            return null;
        }
        var stored = await db.IdempotencyKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.Scope == actor.User && k.Key == idempotencyKey, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        if (!stored.RequestHash.AsSpan().SequenceEqual(requestHash))
        {
            throw new IdempotencyConflictException(idempotencyKey);
        }
        return JsonSerializer.Deserialize<StoredResult>(stored.ResultJson, DraftJson)!.To(key);
    }

    private static byte[] RequestHash(SubmissionAction action, int baseVersion, SubmissionDocument document)
    {
        // Only this instance compares request hashes, so plain System.Text.Json (deterministic for equal inputs) is enough;
        // the canonical form costs seconds for 100,000 values and is built once, for the ledger. The action and base
        // version are part of the request: the same values sent as a revision of another version are another request.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new
        {
            Action = action.ToString(),
            BaseVersion = baseVersion,
            Key = document.Key.ToString(),
            document.RegimeVersion,
            document.Reason,
            document.Values,
            Explanations = document.Explanations.OrderBy(e => e.RuleCode, StringComparer.Ordinal).ToArray(),
            document.Signature,
        }, DraftJson);
        return SHA256.HashData(bytes);
    }

    private static SubmissionResult Result(ReportKey key, int version, SubmissionState state, LedgerEntry entry, byte[] payloadHash) =>
        new(key, version, state, entry.Sequence, Convert.ToHexStringLower(entry.Hash), Convert.ToHexStringLower(payloadHash), entry.Time);

    private static SubmissionRefusedException NotFound(ReportKey key, int? version = null) =>
        new(SubmissionRefusedException.NotFound,
            version is null ? $"Báo cáo {key} chưa được gửi." : $"Báo cáo {key} không có phiên bản {version}.",
            version is null ? $"Report {key} has not been submitted." : $"Report {key} has no version {version}.");

    private static ReportValueEntity ToValueRow(long versionId, ReportValue v) => new()
    {
        VersionId = versionId, IndicatorCode = v.IndicatorCode, Disaggregation = v.Disaggregation, TerritoryCode = v.TerritoryCode!,
        Number = v.Number, Text = v.Text, Flag = v.Flag, Status = v.Status, Note = v.Note,
    };

    private static CurrentValueEntity ToCurrentRow(ReportKey key, long reportId, long versionId, int version, long sequence, ReportValue v) => new()
    {
        IndicatorCode = v.IndicatorCode, Disaggregation = v.Disaggregation, TerritoryCode = v.TerritoryCode!,
        Period = key.Period.ToString(), Source = key.ReporterCode, Number = v.Number, Text = v.Text, Flag = v.Flag,
        Status = v.Status, Note = v.Note, ReportId = reportId, ReportVersionId = versionId, Version = version, LedgerSequence = sequence,
    };

    private static ReportValue ToValue(ReportValueEntity v) =>
        new(v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number, v.Text, v.Flag, v.Status, v.Note);

    private sealed record DraftContent(List<ReportValue> Values, List<WarningExplanation> Explanations);

    private sealed record StoredResult(int Version, SubmissionState State, long LedgerSequence, string LedgerHash, string PayloadHash, long TimeUs)
    {
        public static StoredResult From(SubmissionResult r) =>
            new(r.Version, r.State, r.LedgerSequence, r.LedgerHash, r.PayloadHash, LedgerTime.ToUnixMicroseconds(r.Time));

        public SubmissionResult To(ReportKey key) =>
            new(key, Version, State, LedgerSequence, LedgerHash, PayloadHash, LedgerTime.FromUnixMicroseconds(TimeUs), Replayed: true);
    }
}
