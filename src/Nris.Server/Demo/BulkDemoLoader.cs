using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.DemoGeneration;
using Nris.Core.Ledger;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Ledger;
using Nris.Storage.Submissions;

namespace Nris.Server.Demo;

/// <summary>
/// The bulk equivalent of <see cref="DemoLoader"/> (<c>nris demo generate --bulk</c>): writes exactly the rows the
/// submission path writes for each generated report — a ledger entry with the same canonical payload and hash rules,
/// the report, its version, its history step, its values and the current values, and the periodic and final signed
/// checkpoints — but many reports to a transaction, with prepared commands, the ledger head kept in memory and each
/// report validated once. <c>nris verify</c>, <c>nris rebuild --check</c> and provenance hold as for submitted data.
/// </summary>
/// <remarks>
/// Validation is the submission path's (the same validator, the same history read from the current values, which the
/// transaction's own earlier writes are part of), and a report with only plausibility warnings gets the same
/// explanations <see cref="DemoLoader"/> gives on its second try, so the payloads are byte for byte the ones the
/// submission path would store. What differs: entry times (the clock), and nothing is committed until a batch is
/// complete — an interrupted run loses at most its last batch, never leaves half a report. The append lock is held
/// for a whole batch, so other writers wait; this is for filling a database, not for a live server.
/// </remarks>
public sealed class BulkDemoLoader(IServiceScopeFactory scopes, CatalogueState catalogue, CheckpointService checkpoints, TimeProvider time)
{
    /// <summary>Values written per transaction by default.</summary>
    public const int DefaultValuesPerTransaction = 250_000;

    /// <summary>Writes every report in order; <paramref name="progress"/> hears the running totals after each batch.</summary>
    public async Task<DemoLoadResult> LoadAsync(
        IEnumerable<DemoReport> reports, IProgress<DemoLoadResult>? progress, CancellationToken cancellationToken,
        int valuesPerTransaction = DefaultValuesPerTransaction)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valuesPerTransaction);
        var watch = Stopwatch.StartNew();
        var totals = new Totals();
        var submitState = SubmissionWorkflow.Decide(null, SubmissionAction.Submit, null).NextState;
        HashSet<(string, string, string)> existing;
        await using (var first = scopes.CreateAsyncScope())
        {
            var db = first.ServiceProvider.GetRequiredService<NrisDbContext>();
            existing = [.. (await db.Reports.AsNoTracking().Select(r => new { r.RegimeCode, r.Period, r.ReporterCode }).ToListAsync(cancellationToken))
                .Select(r => (r.RegimeCode, r.Period, r.ReporterCode))];
        }

        using var source = reports.GetEnumerator();
        var more = source.MoveNext();
        while (more)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var store = new LedgerStore(db);
            await using var transaction = await store.BeginAppendTransactionAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // A batch touches the indexes of tables with millions of rows: a 256 MB page cache for this connection
                // (SQLite's default is 2 MB) keeps their hot pages in memory across the batch.
                await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -262144", cancellationToken);
            }
            // Drafts of generated reports are deleted as the submission path deletes them; when there are none, not asked.
            var drafts = await db.Drafts.AnyAsync(cancellationToken);
            var head = await store.HeadAsync(cancellationToken);
            long lastSequence = head?.Sequence ?? 0;
            var lastHash = head?.Hash ?? LedgerChain.GenesisPreviousHash;
            await using var ledgerRows = PreparedInsert.Create<LedgerEntryEntity>(db, returningKey: false);
            await using var reportRows = PreparedInsert.Create<ReportEntity>(db, returningKey: true);
            await using var versionRows = PreparedInsert.Create<ReportVersionEntity>(db, returningKey: true);
            await using var eventRows = PreparedInsert.Create<ReportEventEntity>(db, returningKey: false);
            long inBatch = 0;
            while (more && inBatch < valuesPerTransaction)
            {
                var report = source.Current;
                more = source.MoveNext();
                var key = new ReportKey(report.RegimeCode, report.Period, report.ReporterCode);
                var target = service.Describe(key);
                if (target is null)
                {
                    totals.Refuse(report, "no regime or reporter for the period / không có chế độ hoặc đơn vị báo cáo trong kỳ");
                    continue;
                }
                if (!existing.Add((key.RegimeCode, key.Period.ToString(), key.ReporterCode)))
                {
                    totals.Refuse(report, "already submitted / đã được gửi");
                    continue;
                }

                // The submission path's validation: the same validator and history; warnings explained as DemoLoader does.
                var history = await CurrentValueHistory.LoadAsync(db, key.ReporterCode, key.Period, cancellationToken);
                var validator = new SubmissionValidator(catalogue.Current, target.Regime);
                IReadOnlyList<WarningExplanation> explanations = [];
                var validation = validator.Validate(key.Period, target.Reporter, report.Values, explanations, history);
                var explained = false;
                if (!validation.CanSubmit && !validation.HasErrors)
                {
                    explained = true;
                    explanations = [.. validation.UnexplainedWarnings.Select(i => i.RuleCode).OfType<string>().Distinct(StringComparer.Ordinal)
                        .Select(rule => new WarningExplanation(rule, DemoLoader.Explanation))];
                    validation = validator.Validate(key.Period, target.Reporter, report.Values, explanations, history);
                }
                if (!validation.CanSubmit)
                {
                    existing.Remove((key.RegimeCode, key.Period.ToString(), key.ReporterCode));
                    totals.Refuse(report, "validation / kiểm tra: " + string.Join("; ", validation.Issues.Take(3).Select(i => i.MessageEn)));
                    continue;
                }

                var values = SubmissionPayload.Normalize(report.Values, target.Reporter.TerritoryCode ?? Territory.NationCode);
                var payload = SubmissionPayload.Build(new SubmissionDocument(key, target.Regime.Version, 1, null, values, explanations));
                var payloadHash = SubmissionPayload.Hash(payload);
                var entry = LedgerChain.CreateNext(lastSequence, lastHash, LedgerEntryKind.SubmissionSubmitted, payload, DemoLoader.Actor, time.GetUtcNow());
                await ledgerRows.InsertAsync(LedgerStore.ToEntity(entry), cancellationToken);
                lastSequence = entry.Sequence;
                lastHash = entry.Hash;
                var now = LedgerTime.ToUnixMicroseconds(entry.Time);
                var period = key.Period.ToString();
                var reportId = await reportRows.InsertAsync(new ReportEntity
                {
                    RegimeCode = key.RegimeCode, Period = period, ReporterCode = key.ReporterCode,
                    RegimeVersion = target.Regime.Version, State = submitState, CurrentVersion = 1,
                    RecipientCode = target.RecipientCode, LastLedgerSequence = entry.Sequence, CreatedUs = now, UpdatedUs = now,
                }, cancellationToken);
                var versionId = await versionRows.InsertAsync(new ReportVersionEntity
                {
                    ReportId = reportId, Version = 1, RegimeVersion = target.Regime.Version, State = submitState,
                    Actor = DemoLoader.Actor, Organization = key.ReporterCode, SubmittedUs = now, LedgerSequence = entry.Sequence,
                    PayloadHash = payloadHash, ValueCount = values.Count,
                }, cancellationToken);
                await eventRows.InsertAsync(new ReportEventEntity
                {
                    ReportId = reportId, Version = 1, Action = SubmissionAction.Submit, Actor = DemoLoader.Actor,
                    Organization = key.ReporterCode, TimeUs = now, LedgerSequence = entry.Sequence,
                }, cancellationToken);
                await SubmissionTables.InsertValuesAsync(db, values.Select(v => new ReportValueEntity
                {
                    VersionId = versionId, IndicatorCode = v.IndicatorCode, Disaggregation = v.Disaggregation, TerritoryCode = v.TerritoryCode!,
                    Number = v.Number, Text = v.Text, Flag = v.Flag, Status = v.Status, Note = v.Note,
                }), cancellationToken);
                await SubmissionTables.ReplaceCurrentFromVersionAsync(db, reportId, versionId, 1, entry.Sequence, period, key.ReporterCode, cancellationToken);
                if (drafts)
                {
                    await db.Drafts.Where(d => d.RegimeCode == key.RegimeCode && d.Period == period && d.ReporterCode == key.ReporterCode)
                        .ExecuteDeleteAsync(cancellationToken);
                }
                await checkpoints.AfterAppendAsync(store, entry, cancellationToken);
                totals.Submitted++;
                totals.Explained += explained ? 1 : 0;
                totals.Values += values.Count;
                inBatch += values.Count;
            }

            await transaction.CommitAsync(cancellationToken);
            progress?.Report(totals.Result(null, watch.Elapsed));
        }

        long? checkpoint = null;
        if (totals.Submitted > 0)
        {
            await using var signing = scopes.CreateAsyncScope();
            checkpoint = (await checkpoints.CreateAsync(signing.ServiceProvider.GetRequiredService<NrisDbContext>(), cancellationToken))?.Sequence;
        }

        return totals.Result(checkpoint, watch.Elapsed);
    }

    private sealed class Totals
    {
        public int Submitted { get; set; }

        public long Values { get; set; }

        public int Explained { get; set; }

        public int Refused { get; private set; }

        public string? FirstRefusal { get; private set; }

        private readonly List<(string, string, string)> refusedReports = [];

        public void Refuse(DemoReport report, string why)
        {
            Refused++;
            refusedReports.Add((report.RegimeCode, report.Period.ToString(), report.ReporterCode));
            FirstRefusal ??= $"{report.RegimeCode} {report.Period} {report.ReporterCode}: {why}";
        }

        public DemoLoadResult Result(long? checkpoint, TimeSpan elapsed) =>
            new(Submitted, Values, Explained, Refused, FirstRefusal, checkpoint, elapsed) { RefusedReports = refusedReports };
    }
}
