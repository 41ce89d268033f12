using System.Diagnostics;
using System.Threading.Channels;
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

    /// <summary>Reports generated and prepared ahead of the writer (bounded, so generation cannot run away with memory).</summary>
    public const int PreparedAhead = 256;

    /// <summary>
    /// Writes every report in order; <paramref name="progress"/> hears the running totals after each batch. With
    /// <paramref name="parallel"/> (the default) the reports are generated, normalized and their canonical payloads
    /// built and hashed on another thread, ahead of the single writer, through a bounded channel, and the validation
    /// history of reporters new to the database is kept in memory (<see cref="BulkHistory"/>); without it all of that
    /// happens on the writer's thread, one report after another, with each report's history read from the database
    /// (the way it was done before). Both write the same rows in the same order.
    /// </summary>
    public async Task<DemoLoadResult> LoadAsync(
        IEnumerable<DemoReport> reports, IProgress<DemoLoadResult>? progress, CancellationToken cancellationToken,
        int valuesPerTransaction = DefaultValuesPerTransaction, BulkLoadProfile? profile = null, bool parallel = true)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valuesPerTransaction);
        var watch = Stopwatch.StartNew();
        var totals = new Totals();
        var submitState = SubmissionWorkflow.Decide(null, SubmissionAction.Submit, null).NextState;
        HashSet<(string, string, string)> existing;
        HashSet<string> sourcesBefore;
        await using (var first = scopes.CreateAsyncScope())
        {
            var db = first.ServiceProvider.GetRequiredService<NrisDbContext>();
            existing = [.. (await db.Reports.AsNoTracking().Select(r => new { r.RegimeCode, r.Period, r.ReporterCode }).ToListAsync(cancellationToken))
                .Select(r => (r.RegimeCode, r.Period, r.ReporterCode))];
            sourcesBefore = [.. await db.CurrentValues.AsNoTracking().Select(c => c.Source).Distinct().ToListAsync(cancellationToken)];
        }

        // For a source (reporter) with no current values before this run, the validation history comes from what this
        // run wrote (the same rows the query would read); for the others, and for periods let go of, from the database.
        // Serial runs read every history from the database, as before the cache: the reference the parallel run is tested against.
        var history = parallel ? new BulkHistory(sourcesBefore) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<PreparedReport>(new BoundedChannelOptions(PreparedAhead) { SingleReader = true, SingleWriter = true });
        var producer = parallel
            ? Task.Run(() => ProduceAsync(reports, channel.Writer, profile, stop.Token), stop.Token)
            : Task.CompletedTask;
        using var serial = parallel ? null : new SerialPreparer(this, scopes.CreateAsyncScope(), reports, profile);
        async ValueTask<PreparedReport?> NextAsync()
        {
            if (serial is not null)
            {
                return serial.Next();
            }

            var wait = Time(profile, "writer waits for producer");
            try
            {
                while (await channel.Reader.WaitToReadAsync(cancellationToken))
                {
                    if (channel.Reader.TryRead(out var item))
                    {
                        return item;
                    }
                }

                return null;
            }
            finally
            {
                wait.Stop();
            }
        }

        try
        {
            var next = await NextAsync();
            while (next is not null)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
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
                while (next is not null && inBatch < valuesPerTransaction)
                {
                    var item = next;
                    next = await NextAsync();
                    var report = item.Report;
                    var key = item.Key;
                    var target = item.Target;
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
                    var section = Time(profile, "history (read)");
                    var past = history is not null
                        ? await history.ForAsync(db, key.ReporterCode, key.Period, cancellationToken)
                        : await CurrentValueHistory.LoadAsync(db, key.ReporterCode, key.Period, cancellationToken);
                    section.Stop();
                    section = Time(profile, "validate");
                    var validator = new SubmissionValidator(catalogue.Current, target.Regime);
                    IReadOnlyList<WarningExplanation> explanations = [];
                    var validation = validator.Validate(key.Period, target.Reporter, report.Values, explanations, past);
                    var explained = false;
                    if (!validation.CanSubmit && !validation.HasErrors)
                    {
                        explained = true;
                        explanations = [.. validation.UnexplainedWarnings.Select(i => i.RuleCode).OfType<string>().Distinct(StringComparer.Ordinal)
                            .Select(rule => new WarningExplanation(rule, DemoLoader.Explanation))];
                        validation = validator.Validate(key.Period, target.Reporter, report.Values, explanations, past);
                    }
                    section.Stop();
                    if (!validation.CanSubmit)
                    {
                        existing.Remove((key.RegimeCode, key.Period.ToString(), key.ReporterCode));
                        totals.Refuse(report, "validation / kiểm tra: " + string.Join("; ", validation.Issues.Take(3).Select(i => i.MessageEn)));
                        continue;
                    }

                    var values = item.Values!;
                    var payload = item.Payload!;
                    var payloadHash = item.PayloadHash!;
                    if (explained)
                    {
                        // The payload prepared ahead had no explanations; this report needs them.
                        section = Time(profile, "payload json + hash");
                        payload = SubmissionPayload.Build(new SubmissionDocument(key, target.Regime.Version, 1, null, values, explanations));
                        payloadHash = SubmissionPayload.Hash(payload);
                        section.Stop();
                    }

                    section = Time(profile, "ledger chain hash");
                    var entry = LedgerChain.CreateNext(lastSequence, lastHash, LedgerEntryKind.SubmissionSubmitted, payload, DemoLoader.Actor, time.GetUtcNow());
                    section.Stop();
                    section = Time(profile, "insert ledger entry");
                    await ledgerRows.InsertAsync(LedgerStore.ToEntity(entry), cancellationToken);
                    section.Stop();
                    section = Time(profile, "insert report rows");
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
                    section.Stop();
                    section = Time(profile, "insert values");
                    await SubmissionTables.InsertValuesAsync(db, values.Select(v => new ReportValueEntity
                    {
                        VersionId = versionId, IndicatorCode = v.IndicatorCode, Disaggregation = v.Disaggregation, TerritoryCode = v.TerritoryCode!,
                        Number = v.Number, Text = v.Text, Flag = v.Flag, Status = v.Status, Note = v.Note,
                    }), cancellationToken);
                    section.Stop();
                    section = Time(profile, "current values");
                    // A report new in this transaction has no current rows to take out first.
                    await SubmissionTables.InsertCurrentFromNewVersionAsync(db, reportId, versionId, 1, entry.Sequence, period, key.ReporterCode, cancellationToken);
                    history?.Wrote(key.ReporterCode, key.Period, values);
                    if (drafts)
                    {
                        await db.Drafts.Where(d => d.RegimeCode == key.RegimeCode && d.Period == period && d.ReporterCode == key.ReporterCode)
                            .ExecuteDeleteAsync(cancellationToken);
                    }
                    section.Stop();
                    section = Time(profile, "checkpoint");
                    await checkpoints.AfterAppendAsync(store, entry, cancellationToken);
                    section.Stop();
                    totals.Submitted++;
                    totals.Explained += explained ? 1 : 0;
                    totals.Values += values.Count;
                    inBatch += values.Count;
                }

                var commit = Time(profile, "commit");
                await transaction.CommitAsync(cancellationToken);
                commit.Stop();
                history?.Forget();
                progress?.Report(totals.Result(null, watch.Elapsed));
            }

            await producer;
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException)
            {
                // The writer stopped first (an error or cancellation, which propagates from the writer).
            }
        }

        long? checkpoint = null;
        if (totals.Submitted > 0)
        {
            await using var signing = scopes.CreateAsyncScope();
            checkpoint = (await checkpoints.CreateAsync(signing.ServiceProvider.GetRequiredService<NrisDbContext>(), cancellationToken))?.Sequence;
        }

        return totals.Result(checkpoint, watch.Elapsed);
    }

    // One report made ready for the writer: generated, its target resolved, its values normalized and its canonical
    // payload (without explanations, which only validation can tell) built and hashed. Target null: refused.
    private sealed record PreparedReport(
        DemoReport Report, ReportKey Key, ReportTarget? Target, IReadOnlyList<ReportValue>? Values, byte[]? Payload, byte[]? PayloadHash);

    private PreparedReport Prepare(DemoReport report, SubmissionService describer, BulkLoadProfile? profile)
    {
        var key = new ReportKey(report.RegimeCode, report.Period, report.ReporterCode);
        var target = describer.Describe(key);
        if (target is null)
        {
            return new PreparedReport(report, key, null, null, null, null);
        }

        var section = Time(profile, "payload json + hash");
        var values = SubmissionPayload.Normalize(report.Values, target.Reporter.TerritoryCode ?? Territory.NationCode);
        var payload = SubmissionPayload.Build(new SubmissionDocument(key, target.Regime.Version, 1, null, values, []));
        var hash = SubmissionPayload.Hash(payload);
        section.Stop();
        return new PreparedReport(report, key, target, values, payload, hash);
    }

    private async Task ProduceAsync(IEnumerable<DemoReport> reports, ChannelWriter<PreparedReport> writer, BulkLoadProfile? profile, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var describer = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            using var source = reports.GetEnumerator();
            while (true)
            {
                var section = Time(profile, "generate");
                var more = source.MoveNext();
                section.Stop();
                if (!more)
                {
                    break;
                }

                await writer.WriteAsync(Prepare(source.Current, describer, profile), cancellationToken);
            }

            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }

    // The same preparation on the writer's own thread (parallel: false).
    private sealed class SerialPreparer(BulkDemoLoader loader, AsyncServiceScope scope, IEnumerable<DemoReport> reports, BulkLoadProfile? profile) : IDisposable
    {
        private readonly AsyncServiceScope _scope = scope;
        private readonly IEnumerator<DemoReport> _source = reports.GetEnumerator();

        public PreparedReport? Next()
        {
            var section = Time(profile, "generate");
            var more = _source.MoveNext();
            section.Stop();
            return more ? loader.Prepare(_source.Current, _scope.ServiceProvider.GetRequiredService<SubmissionService>(), profile) : null;
        }

        public void Dispose()
        {
            _source.Dispose();
            _scope.Dispose();
        }
    }

    private static BulkLoadProfile.Section Time(BulkLoadProfile? profile, string name) => profile?.Start(name) ?? default;

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
