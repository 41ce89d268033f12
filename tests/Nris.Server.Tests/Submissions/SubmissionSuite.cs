using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Ledger;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Submissions;

/// <summary>
/// The submission engine on a real database, run once per provider by the concrete subclasses. Each test gets a fresh
/// migrated database, its own instance key, and the hand-made catalogue of <see cref="SubmissionTestCatalogue"/>.
/// </summary>
public abstract class SubmissionSuite : IAsyncLifetime
{
    protected static readonly SubmissionActor ReporterUser = new("nguyen.van.a@hanoi.gov.vn", Reporter);
    protected static readonly SubmissionActor RecipientUser = new("tran.thi.b@chinhphu.vn", Recipient);
    private readonly string _keyDirectory = Path.Combine(Path.GetTempPath(), "nris-keys-" + Guid.NewGuid().ToString("N")[..12]);
    private NrisDbContextFactory? _factory;
    private CheckpointService? _checkpoints;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract string Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync(CancellationToken cancellationToken);

    /// <summary>How many tampering attempts the tamper test makes at least.</summary>
    protected abstract int MinimumMutations { get; }

    protected NrisDbContextFactory Factory => _factory!;

    protected CatalogueState Catalogue { get; } = new();

    protected CheckpointService Checkpoints => _checkpoints!;

    protected virtual int CheckpointEvery => 1000;

    public async ValueTask InitializeAsync()
    {
        Catalogue.Replace(Snapshot);
        _factory = new NrisDbContextFactory(new NrisStorageOptions { Provider = Provider, ConnectionString = await CreateDatabaseAsync(Ct) });
        _checkpoints = new CheckpointService(
            new LedgerOptions { CheckpointEvery = CheckpointEvery, KeyFile = Path.Combine(_keyDirectory, "instance-key.pem") }, TimeProvider.System);
        await using var db = Factory.CreateDbContext();
        await new NrisDatabase(db).MigrateAsync(Ct);
    }

    public virtual ValueTask DisposeAsync()
    {
        _checkpoints?.Dispose();
        if (Directory.Exists(_keyDirectory))
        {
            Directory.Delete(_keyDirectory, recursive: true);
        }
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs <paramref name="action"/> with a service on its own context, as one request would.</summary>
    protected async Task<T> WithServiceAsync<T>(Func<SubmissionService, Task<T>> action)
    {
        await using var db = Factory.CreateDbContext();
        return await action(new SubmissionService(db, Catalogue, Checkpoints, TimeProvider.System));
    }

    protected Task<SubmissionResult> SubmitAsync(ReportKey key, List<ReportValue>? values = null, string? idempotencyKey = null, SubmissionActor? actor = null) =>
        WithServiceAsync(s => s.SubmitAsync(key, new SubmissionRequest(values ?? Values(), IdempotencyKey: idempotencyKey), actor ?? ReporterUser, Ct));

    protected async Task<Nris.Core.Ledger.LedgerVerification> VerifyAsync()
    {
        await using var db = Factory.CreateDbContext();
        return await new LedgerVerifyService(db, Checkpoints).VerifyAsync(Ct);
    }

    protected async Task<List<LedgerEntry>> LedgerAsync()
    {
        await using var db = Factory.CreateDbContext();
        var list = new List<LedgerEntry>();
        await foreach (var e in new LedgerStore(db).ReadAsync(long.MinValue, Ct))
        {
            list.Add(e);
        }
        return list;
    }

    protected async Task<Dictionary<string, long>> CountRowsAsync()
    {
        await using var db = Factory.CreateDbContext();
        return new Dictionary<string, long>
        {
            ["ledger_entries"] = await db.LedgerEntries.LongCountAsync(Ct),
            ["ledger_checkpoints"] = await db.LedgerCheckpoints.LongCountAsync(Ct),
            ["reports"] = await db.Reports.LongCountAsync(Ct),
            ["report_versions"] = await db.ReportVersions.LongCountAsync(Ct),
            ["report_values"] = await db.ReportValues.LongCountAsync(Ct),
            ["report_events"] = await db.ReportEvents.LongCountAsync(Ct),
            ["current_values"] = await db.CurrentValues.LongCountAsync(Ct),
            ["drafts"] = await db.Drafts.LongCountAsync(Ct),
            ["idempotency_keys"] = await db.IdempotencyKeys.LongCountAsync(Ct),
        };
    }

    protected async Task<List<(string Cell, decimal? Number, int Version)>> CurrentAsync(ReportKey key)
    {
        await using var db = Factory.CreateDbContext();
        var period = key.Period.ToString();
        var rows = await db.CurrentValues.AsNoTracking().Where(c => c.Source == key.ReporterCode && c.Period == period)
            .OrderBy(c => c.IndicatorCode).ThenBy(c => c.Disaggregation).ToListAsync(Ct);
        return rows.ConvertAll(c => (c.IndicatorCode + "/" + c.Disaggregation + "/" + c.TerritoryCode, c.Number, c.Version));
    }

    // Shown with `dotnet test --logger "console;verbosity=detailed"`; timings are printed, never asserted.
    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
    }

    // ------------------------------------------------------------------ lifecycle

    [Fact]
    public async Task Submit_accept_reopen_revise_accept_is_recorded_in_the_ledger_and_in_history()
    {
        var key = Key();
        var v1 = await SubmitAsync(key);
        Assert.Equal((1, SubmissionState.Submitted, 1L), (v1.Version, v1.State, v1.LedgerSequence));
        var accepted = await WithServiceAsync(s => s.AcceptAsync(key, 1, RecipientUser, Ct));
        Assert.Equal(SubmissionState.Accepted, accepted.State);
        var reopened = await WithServiceAsync(s => s.ReopenAsync(key, 1, "Cần cập nhật số liệu chính thức", RecipientUser, Ct));
        Assert.Equal(SubmissionState.Submitted, reopened.State);
        var v2 = await WithServiceAsync(s => s.ReviseAsync(key, 1, "Số liệu chính thức", new SubmissionRequest(Values(610, 400)), ReporterUser, Ct));
        Assert.Equal((2, SubmissionState.Submitted), (v2.Version, v2.State));
        var final = await WithServiceAsync(s => s.AcceptAsync(key, 2, RecipientUser, Ct));
        Assert.Equal(SubmissionState.Accepted, final.State);

        var details = await WithServiceAsync(s => s.GetAsync(key, Ct));
        Assert.NotNull(details);
        Assert.Equal((SubmissionState.Accepted, 2, Recipient, 5L), (details.State, details.CurrentVersion, details.RecipientCode, details.LastLedgerSequence));
        Assert.Equal([1, 2], details.Versions.Select(v => v.Version));
        Assert.Equal("Số liệu chính thức", details.Versions[1].Reason);
        Assert.Equal(ReporterUser.User, details.Versions[1].SubmittedBy);
        Assert.Equal(RecipientUser.User, details.Versions[1].DecidedBy);
        Assert.Equal(5, details.Versions.Sum(v => v.ValueCount) / 2);
        Assert.Equal(
            [SubmissionAction.Submit, SubmissionAction.Accept, SubmissionAction.Reopen, SubmissionAction.Revise, SubmissionAction.Accept],
            details.History.Select(h => h.Action));
        Assert.Equal([1L, 2, 3, 4, 5], details.History.Select(h => h.LedgerSequence));
        Assert.Equal("Cần cập nhật số liệu chính thức", details.History[2].Reason);
        Assert.All(details.History, h => Assert.True(h.Time > DateTimeOffset.UtcNow.AddMinutes(-5)));

        var ledger = await LedgerAsync();
        Assert.Equal(
            [LedgerEntryKind.SubmissionSubmitted, LedgerEntryKind.SubmissionAccepted, LedgerEntryKind.SubmissionReopened,
             LedgerEntryKind.SubmissionRevised, LedgerEntryKind.SubmissionAccepted],
            ledger.Select(e => e.Kind));
        Assert.All(ledger, e => Assert.True(CanonicalJson.IsCanonical(e.Payload)));
        Assert.Equal(details.Versions[1].PayloadHash, Convert.ToHexStringLower(SubmissionPayload.Hash(ledger[3].Payload)));
        Assert.True((await VerifyAsync()).Ok);

        // The current view holds version 2's numbers.
        var current = await CurrentAsync(key);
        Assert.Equal(5, current.Count);
        Assert.All(current, c => Assert.Equal(2, c.Version));
        Assert.Contains(current, c => c.Cell == "POP/_T/01" && c.Number == 1010);
    }

    [Fact]
    public async Task Returning_takes_the_values_out_of_the_current_view_and_a_revision_brings_them_back()
    {
        var key = Key();
        await SubmitAsync(key);
        Assert.Equal(5, (await CurrentAsync(key)).Count);

        var returned = await WithServiceAsync(s => s.ReturnAsync(key, 1, "Thiếu số liệu nữ giới", RecipientUser, Ct));
        Assert.Equal(SubmissionState.Returned, returned.State);
        Assert.Empty(await CurrentAsync(key));

        await WithServiceAsync(s => s.ReviseAsync(key, 1, "Bổ sung theo yêu cầu", new SubmissionRequest(Values(500, 520)), ReporterUser, Ct));
        var current = await CurrentAsync(key);
        Assert.Equal(5, current.Count);
        Assert.Contains(current, c => c.Cell == "POP/SEX:F/01" && c.Number == 520 && c.Version == 2);
        Assert.True((await VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Returning_a_revision_brings_back_the_latest_version_that_was_not_returned()
    {
        var key = Key();
        await SubmitAsync(key);
        await WithServiceAsync(s => s.ReviseAsync(key, 1, "Sửa số nam", new SubmissionRequest(Values(700, 400)), ReporterUser, Ct));
        Assert.Contains(await CurrentAsync(key), c => c.Cell == "POP/SEX:M/01" && c.Number == 700 && c.Version == 2);

        await WithServiceAsync(s => s.ReturnAsync(key, 2, "Số nam không đúng", RecipientUser, Ct));
        var current = await CurrentAsync(key);
        Assert.Equal(5, current.Count);
        Assert.All(current, c => Assert.Equal(1, c.Version));
        Assert.Contains(current, c => c.Cell == "POP/SEX:M/01" && c.Number == 600);
    }

    [Fact]
    public async Task Diff_between_versions_names_added_removed_and_changed_cells()
    {
        var key = Key();
        await SubmitAsync(key);
        var v2 = Values(650, 400, note: "Điều tra bổ sung");
        v2.RemoveAll(v => v.IndicatorCode == "REMARK");
        await WithServiceAsync(s => s.ReviseAsync(key, 1, "Điều chỉnh", new SubmissionRequest(v2), ReporterUser, Ct));

        var diff = await WithServiceAsync(s => s.DiffAsync(key, 1, 2, Ct));
        Assert.Empty(diff.Added);
        Assert.Equal("REMARK", Assert.Single(diff.Removed).IndicatorCode);
        Assert.Equal(["POP/SEX:M", "POP/_T"], diff.Changed.Select(c => c.Cell.IndicatorCode + "/" + c.Cell.Disaggregation));
        var total = diff.Changed.Single(c => c.Cell.Disaggregation == Disaggregations.Total);
        Assert.Equal((1000m, 1050m), (total.Before.Number!.Value, total.After.Number!.Value));
        Assert.Equal("Điều tra bổ sung", total.After.Note);
        Assert.True((await WithServiceAsync(s => s.DiffAsync(key, 2, 2, Ct))).IsEmpty);
    }

    [Fact]
    public async Task Drafts_are_saved_as_often_as_wanted_and_never_reach_the_ledger()
    {
        var key = Key();
        await WithServiceAsync(s => s.SaveDraftAsync(key, Values(1, 1), null, ReporterUser, Ct));
        await WithServiceAsync(s => s.SaveDraftAsync(key, Values(5, 6), [new WarningExplanation("R2", "chưa xong")], ReporterUser, Ct));
        var draft = await WithServiceAsync(s => s.GetDraftAsync(key, Ct));
        Assert.NotNull(draft);
        Assert.Equal(11m, draft.Values[0].Number);
        Assert.Equal("chưa xong", Assert.Single(draft.Explanations).Text);
        var counts = await CountRowsAsync();
        Assert.Equal((0L, 0L, 0L, 1L), (counts["ledger_entries"], counts["reports"], counts["current_values"], counts["drafts"]));

        await SubmitAsync(key);
        Assert.Null(await WithServiceAsync(s => s.GetDraftAsync(key, Ct)));
        Assert.Equal(1, (await CountRowsAsync())["ledger_entries"]);
    }

    [Fact]
    public async Task List_filters_by_regime_period_reporter_and_state()
    {
        await SubmitAsync(Key(1));
        await SubmitAsync(Key(2));
        await SubmitAsync(Key(2, OtherReporter), actor: new SubmissionActor("tq", OtherReporter));
        await WithServiceAsync(s => s.AcceptAsync(Key(2), 1, RecipientUser, Ct));

        Assert.Equal(3, (await WithServiceAsync(s => s.ListAsync(new ReportFilter(MonthlyRegime), Ct))).Count);
        Assert.Equal(2, (await WithServiceAsync(s => s.ListAsync(new ReportFilter(Period: Period.Month(2026, 2)), Ct))).Count);
        Assert.Equal(2, (await WithServiceAsync(s => s.ListAsync(new ReportFilter(ReporterCode: Reporter), Ct))).Count);
        var accepted = Assert.Single(await WithServiceAsync(s => s.ListAsync(new ReportFilter(State: SubmissionState.Accepted), Ct)));
        Assert.Equal(Key(2), accepted.Key);
    }

    // ------------------------------------------------------------------ refusals

    [Fact]
    public async Task Illegal_transitions_are_refused_with_reasons_in_both_languages()
    {
        var key = Key();
        await SubmitAsync(key);

        var noReturnReason = await Assert.ThrowsAsync<SubmissionRefusedException>(() => WithServiceAsync(s => s.ReturnAsync(key, 1, "  ", RecipientUser, Ct)));
        Assert.Equal(SubmissionWorkflow.ReasonRequired, noReturnReason.Code);
        var noReviseReason = await Assert.ThrowsAsync<SubmissionRefusedException>(
            () => WithServiceAsync(s => s.ReviseAsync(key, 1, "", new SubmissionRequest(Values()), ReporterUser, Ct)));
        Assert.Equal(SubmissionWorkflow.ReasonRequired, noReviseReason.Code);
        var stranger = await Assert.ThrowsAsync<SubmissionRefusedException>(
            () => WithServiceAsync(s => s.AcceptAsync(key, 1, new SubmissionActor("x", OtherReporter), Ct)));
        Assert.Equal(SubmissionRefusedException.NotRecipient, stranger.Code);
        var notReporter = await Assert.ThrowsAsync<SubmissionRefusedException>(
            () => WithServiceAsync(s => s.ReviseAsync(key, 1, "lý do", new SubmissionRequest(Values()), RecipientUser, Ct)));
        Assert.Equal(SubmissionRefusedException.NotReporter, notReporter.Code);
        var reopenSubmitted = await Assert.ThrowsAsync<SubmissionRefusedException>(
            () => WithServiceAsync(s => s.ReopenAsync(key, 1, "lý do", RecipientUser, Ct)));
        Assert.Equal(SubmissionWorkflow.IllegalTransition, reopenSubmitted.Code);

        await WithServiceAsync(s => s.AcceptAsync(key, 1, RecipientUser, Ct));
        var twice = await Assert.ThrowsAsync<SubmissionRefusedException>(() => WithServiceAsync(s => s.AcceptAsync(key, 1, RecipientUser, Ct)));
        Assert.Equal(SubmissionWorkflow.IllegalTransition, twice.Code);
        var locked = await Assert.ThrowsAsync<SubmissionRefusedException>(
            () => WithServiceAsync(s => s.ReviseAsync(key, 1, "Sửa sau khi tiếp nhận", new SubmissionRequest(Values()), ReporterUser, Ct)));
        Assert.Equal(SubmissionWorkflow.Locked, locked.Code);

        foreach (var e in new SubmissionException[] { noReturnReason, noReviseReason, stranger, notReporter, reopenSubmitted, twice, locked })
        {
            Assert.False(string.IsNullOrWhiteSpace(e.MessageVi));
            Assert.False(string.IsNullOrWhiteSpace(e.MessageEn));
            Assert.NotEqual(e.MessageVi, e.MessageEn);
        }
        Assert.Contains("khóa", locked.MessageVi, StringComparison.Ordinal);
        Assert.Contains("reopen", locked.MessageEn, StringComparison.Ordinal);

        // Refusals write nothing: submit and accept only.
        Assert.Equal(2, (await CountRowsAsync())["ledger_entries"]);
        Assert.True((await VerifyAsync()).Ok);
    }

    [Fact]
    public async Task The_parent_organization_receives_when_the_regime_says_parent()
    {
        var key = new ReportKey(CommuneRegime, Period.Quarter(2026, 1), Commune);
        var communeUser = new SubmissionActor("xa01001", Commune);
        List<ReportValue> values = [new("POP", Disaggregations.Total, null, 30, null, null)];
        await WithServiceAsync(s => s.SubmitAsync(key, new SubmissionRequest(values), communeUser, Ct));
        await Assert.ThrowsAsync<SubmissionRefusedException>(() => WithServiceAsync(s => s.AcceptAsync(key, 1, RecipientUser, Ct)));
        var accepted = await WithServiceAsync(s => s.AcceptAsync(key, 1, new SubmissionActor("hn", Reporter), Ct));
        Assert.Equal(SubmissionState.Accepted, accepted.State);
    }

    [Fact]
    public async Task Validation_errors_and_unexplained_warnings_store_nothing()
    {
        await SubmitAsync(Key(1)); // something in every table, so "nothing changed" is not "still empty"
        await WithServiceAsync(s => s.SaveDraftAsync(Key(2), Values(), null, ReporterUser, Ct));
        var before = await CountRowsAsync();

        var negative = Values();
        negative[1] = negative[1] with { Number = -5 }; // POP must be >= 0: an error
        var error = await Assert.ThrowsAsync<SubmissionRejectedException>(() => SubmitAsync(Key(2), negative, "k-err"));
        Assert.True(error.Report.HasErrors);

        var unbalanced = Values();
        unbalanced[0] = unbalanced[0] with { Number = 999 }; // total ≠ male + female: warning R2, unexplained
        var warning = await Assert.ThrowsAsync<SubmissionRejectedException>(() => SubmitAsync(Key(2), unbalanced, "k-warn"));
        Assert.False(warning.Report.HasErrors);
        Assert.Contains(warning.Report.UnexplainedWarnings, i => i.RuleCode == "R2");

        Assert.Equal(before, await CountRowsAsync());

        // Explained, the same values go in.
        var explained = await WithServiceAsync(s => s.SubmitAsync(Key(2),
            new SubmissionRequest(unbalanced, [new WarningExplanation("R2", "Một số người chưa xác định giới tính")]), ReporterUser, Ct));
        Assert.Equal(1, explained.Version);
    }

    // ------------------------------------------------------------------ idempotency and concurrency

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_result_and_writes_once()
    {
        var key = Key();
        var first = await SubmitAsync(key, Values(), "retry-1");
        var again = await SubmitAsync(key, Values(), "retry-1");
        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first with { Replayed = true }, again);
        Assert.Equal(1, (await CountRowsAsync())["ledger_entries"]);

        var other = await Assert.ThrowsAsync<IdempotencyConflictException>(() => SubmitAsync(key, Values(601, 400), "retry-1"));
        Assert.Equal("idempotency-key-reused", other.Code);
        // Without a key, a second submission of the same report is a conflict naming the current version.
        var conflict = await Assert.ThrowsAsync<SubmissionConflictException>(() => SubmitAsync(key));
        Assert.Equal(1, conflict.CurrentVersion);
        Assert.Equal(1, (await CountRowsAsync())["ledger_entries"]);
    }

    [Fact]
    public async Task Of_parallel_first_submissions_of_one_report_exactly_one_wins()
    {
        const int n = 8;
        var key = Key();
        var tasks = Enumerable.Range(0, n).Select(i => Task.Run(async () =>
        {
            try
            {
                return (object)await SubmitAsync(key, Values(600 + i, 400));
            }
            catch (SubmissionConflictException e)
            {
                return e;
            }
        }, Ct)).ToArray();
        var outcomes = await Task.WhenAll(tasks);
        var winner = Assert.Single(outcomes.OfType<SubmissionResult>());
        Assert.Equal(1, winner.Version);
        var losers = outcomes.OfType<SubmissionConflictException>().ToList();
        Assert.Equal(n - 1, losers.Count);
        Assert.All(losers, l => Assert.Equal((1, SubmissionState.Submitted), (l.CurrentVersion, l.CurrentState)));
        Assert.All(losers, l => Assert.Contains("version 1", l.MessageEn, StringComparison.Ordinal));
        Assert.Equal(1, (await CountRowsAsync())["ledger_entries"]);
    }

    [Fact]
    public async Task Parallel_submissions_of_different_reports_all_succeed_with_a_gapless_ledger()
    {
        const int n = 12;
        var results = await Task.WhenAll(Enumerable.Range(1, n).Select(m => Task.Run(() => SubmitAsync(Key(m)), Ct)));
        Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i), results.Select(r => r.LedgerSequence).Order());
        var ledger = await LedgerAsync();
        Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i), ledger.Select(e => e.Sequence));
        Assert.Equal(n * 5, (await CountRowsAsync())["current_values"]);
        Assert.True((await VerifyAsync()).Ok);
    }

    // ------------------------------------------------------------------ ledger integrity

    [Fact]
    public async Task The_ledger_refuses_update_and_delete_through_the_context_and_raw_sql()
    {
        await SubmitAsync(Key());
        await using var db = Factory.CreateDbContext();
        Assert.NotNull(await Checkpoints.CreateAsync(db, Ct));
        var row = await db.LedgerEntries.SingleAsync(Ct);
        db.Entry(row).Property(e => e.Actor).CurrentValue = "mallory";
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        db.ChangeTracker.Clear();
        db.LedgerEntries.Remove(row);
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        db.ChangeTracker.Clear();
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE ledger_entries SET actor = 'mallory'", Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM ledger_entries", Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.LedgerEntries.ExecuteDeleteAsync(Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.LedgerCheckpoints.ExecuteDeleteAsync(Ct));
        var stored = Assert.Single(await LedgerAsync());
        Assert.Equal(ReporterUser.User, stored.Actor);
        Assert.True((await VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_submission_of_100000_values_is_accepted_in_one_call()
    {
        var key = new ReportKey(BigRegime, Period.Month(2026, 3), Reporter);
        var values = BigValues();
        var watch = Stopwatch.StartNew();
        var result = await WithServiceAsync(s => s.SubmitAsync(key, new SubmissionRequest(values), ReporterUser, Ct));
        watch.Stop();
        Report(string.Create(CultureInfo.InvariantCulture,
            $"[100k] {Provider}: submitted {values.Count} values in {watch.ElapsedMilliseconds} ms (validate, ledger, report_values, current_values)."));
        Assert.Equal(1, result.Version);
        await using var db = Factory.CreateDbContext();
        Assert.Equal(100_000, await db.CurrentValues.CountAsync(c => c.ReportId > 0 && c.Period == "2026-M03", Ct));
        Assert.Equal(100_000, await db.ReportValues.CountAsync(Ct));
        var sample = await db.CurrentValues.SingleAsync(c => c.IndicatorCode == "I099" && c.Disaggregation == "GRP:G9" && c.TerritoryCode == "01099", Ct);
        Assert.Equal((100_000 - 1) * 1.25m, sample.Number);

        // A revision replaces all 100,000 in the view.
        watch.Restart();
        await WithServiceAsync(s => s.ReviseAsync(key, 1, "Cập nhật", new SubmissionRequest(values.ConvertAll(v => v with { Number = v.Number + 1 })), ReporterUser, Ct));
        Report(string.Create(CultureInfo.InvariantCulture, $"[100k] {Provider}: revision of {values.Count} values in {watch.ElapsedMilliseconds} ms"));
        Assert.Equal(100_000, await db.CurrentValues.CountAsync(c => c.Version == 2, Ct));
        Assert.True((await VerifyAsync()).Ok);
    }

    [Fact]
    public async Task A_checkpoint_is_signed_in_the_appending_transaction_of_every_nth_entry()
    {
        using var everyTwo = new CheckpointService(
            new LedgerOptions { CheckpointEvery = 2, KeyFile = Path.Combine(_keyDirectory, "every-two.pem") }, TimeProvider.System);
        for (var m = 1; m <= 5; m++)
        {
            await using var db = Factory.CreateDbContext();
            await new SubmissionService(db, Catalogue, everyTwo, TimeProvider.System)
                .SubmitAsync(Key(m), new SubmissionRequest(Values()), ReporterUser, Ct);
        }
        await using (var db = Factory.CreateDbContext())
        {
            var list = await new LedgerStore(db).ListCheckpointsAsync(Ct);
            Assert.Equal([2L, 4L], list.Select(c => c.Sequence));
            Assert.All(list, c => Assert.Equal(everyTwo.Signer.KeyId, c.KeyId));
            var result = await new LedgerVerifyService(db, everyTwo).VerifyAsync(Ct);
            Assert.True(result.Ok, result.ReasonEn);
            Assert.Equal((5L, 2L), (result.EntriesChecked, result.CheckpointsChecked));
            // Another instance's key is not trusted.
            Assert.Equal(LedgerProblem.CheckpointUnknownKey, (await new LedgerVerifyService(db, Checkpoints).VerifyAsync(Ct)).Problem);
        }
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(everyTwo.Options.KeyFile));
        }
    }

    [Fact]
    public async Task Checkpoints_are_signed_on_demand_and_verify_fails_when_one_is_altered()
    {
        for (var m = 1; m <= 3; m++)
        {
            await SubmitAsync(Key(m));
        }
        await using (var db = Factory.CreateDbContext())
        {
            var checkpoint = await Checkpoints.CreateAsync(db, Ct);
            Assert.NotNull(checkpoint);
            Assert.Equal(3, checkpoint.Sequence);
        }
        var ok = await VerifyAsync();
        Assert.True(ok.Ok, ok.ReasonEn);
        Assert.Equal(1, ok.CheckpointsChecked);

        foreach (var (column, problem) in new[] { ("signature", LedgerProblem.CheckpointBadSignature), ("hash", LedgerProblem.CheckpointBadSignature) })
        {
            await using var db = Factory.CreateDbContext();
            await db.Database.OpenConnectionAsync(Ct);
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            await Tamper.DropTriggersAsync(db, Ct);
            var stored = await db.LedgerCheckpoints.AsNoTracking().SingleAsync(Ct);
            var bytes = column == "signature" ? stored.Signature.ToArray() : stored.Hash.ToArray();
            bytes[5] ^= 0x40;
            await Tamper.ExecuteAsync(db, $"UPDATE ledger_checkpoints SET {column} = @p0", Ct, bytes);
            var result = await new LedgerVerifyService(db, Checkpoints).VerifyAsync(Ct);
            Assert.False(result.Ok);
            Assert.Equal(problem, result.Problem);
            Assert.Equal(3, result.FirstBadSequence);
            await transaction.RollbackAsync(Ct);
        }
        Assert.True((await VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Verify_catches_every_random_mutation_of_the_stored_ledger_and_names_the_first_bad_entry()
    {
        // A workload of every kind of entry, then a checkpoint at the end: without one, removing the last entries
        // would be undetectable (see LedgerVerifier).
        for (var m = 1; m <= 12; m++)
        {
            var key = Key(m);
            await SubmitAsync(key);
            switch (m % 4)
            {
                case 0:
                    await WithServiceAsync(s => s.AcceptAsync(key, 1, RecipientUser, Ct));
                    await WithServiceAsync(s => s.ReopenAsync(key, 1, "mở lại", RecipientUser, Ct));
                    break;
                case 1:
                    await WithServiceAsync(s => s.ReturnAsync(key, 1, "trả lại", RecipientUser, Ct));
                    await WithServiceAsync(s => s.ReviseAsync(key, 1, "sửa", new SubmissionRequest(Values(1, 2)), ReporterUser, Ct));
                    break;
                default:
                    await WithServiceAsync(s => s.AcceptAsync(key, 1, RecipientUser, Ct));
                    break;
            }
        }
        await using (var db = Factory.CreateDbContext())
        {
            await Checkpoints.CreateAsync(db, Ct);
        }
        var entries = await LedgerAsync();
        Assert.True((await VerifyAsync()).Ok);

        var random = new Random(20261121);
        var watch = Stopwatch.StartNew();
        var count = 0;
        var byKind = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var db = Factory.CreateDbContext())
        {
            await db.Database.OpenConnectionAsync(Ct);
            while (count < MinimumMutations || watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                await Tamper.DropTriggersAsync(db, Ct);
                var (name, expected) = await Tamper.MutateAsync(db, entries, random, Ct);
                var result = await new LedgerVerifyService(db, Checkpoints).VerifyAsync(Ct);
                Assert.False(result.Ok, $"mutation {count} ({name}) was not detected");
                Assert.True(expected == result.FirstBadSequence,
                    $"mutation {count} ({name}): expected entry {expected}, verify named {result.FirstBadSequence} ({result.Problem}: {result.ReasonEn})");
                await transaction.RollbackAsync(Ct);
                db.ChangeTracker.Clear();
                byKind[name] = byKind.GetValueOrDefault(name) + 1;
                count++;
            }
        }
        Report(string.Create(CultureInfo.InvariantCulture,
            $"[tamper] {Provider}: {count} mutations over {entries.Count} entries in {watch.ElapsedMilliseconds} ms, all detected: {string.Join(", ", byKind.OrderBy(k => k.Key).Select(k => k.Key + "=" + k.Value))}"));
        Assert.True(byKind.Count >= 10);
        Assert.True((await VerifyAsync()).Ok, "every mutation was rolled back");
    }
}
