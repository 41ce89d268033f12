using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Server.Jobs;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Aggregation;

/// <summary>
/// The aggregates as a view of the ledger, on a real database (one subclass per provider): a random workload of
/// submissions, revisions, returns, acceptances and reopenings goes through <see cref="SubmissionService"/> while the
/// follower runs; once it has applied the ledger head, every query answer of the incremental engine must equal that of
/// an engine rebuilt from the stored current values, and replaying the ledger must give the stored current values.
/// </summary>
public abstract class ProjectionSuite : IAsyncLifetime
{
    private const string ProvinceRegime = MonthlyRegime;
    private static readonly SubmissionActor Hanoi = new("a@hanoi", Reporter);
    private static readonly SubmissionActor TuyenQuang = new("b@tuyenquang", OtherReporter);
    private static readonly SubmissionActor CommuneUser = new("c@xa", Commune);
    private static readonly SubmissionActor Office = new("d@vpcp", Recipient);
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "nris-proj-keys-" + Guid.NewGuid().ToString("N")[..12]);
    private NrisDbContextFactory? _factory;
    private CheckpointService? _checkpoints;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract string Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync(CancellationToken cancellationToken);

    private CatalogueState Catalogue { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Catalogue.Replace(Snapshot);
        _factory = new NrisDbContextFactory(new NrisStorageOptions { Provider = Provider, ConnectionString = await CreateDatabaseAsync(Ct) });
        _checkpoints = new CheckpointService(new LedgerOptions { CheckpointEvery = 1000, KeyFile = Path.Combine(_keys, "key.pem") }, TimeProvider.System);
        await using var db = _factory.CreateDbContext();
        await new NrisDatabase(db).MigrateAsync(Ct);
    }

    public virtual ValueTask DisposeAsync()
    {
        _checkpoints?.Dispose();
        if (Directory.Exists(_keys))
        {
            Directory.Delete(_keys, recursive: true);
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private async Task<SubmissionResult> Run(LedgerNotifier notifier, Func<SubmissionService, Task<SubmissionResult>> action)
    {
        await using var db = _factory!.CreateDbContext();
        return await action(new SubmissionService(db, Catalogue, _checkpoints!, TimeProvider.System, notifier));
    }

    private static List<ReportValue> ProvinceValues(Random random, string reporter)
    {
        var male = random.Next(0, 1000);
        var female = random.Next(0, 1000);
        var status = (ObservationStatus)random.Next(0, 3);
        var values = Values(male, female);
        values[0] = values[0] with { Status = status };
        if (reporter == Reporter)
        {
            // Hà Nội also gives a figure for one of its communes: a fact below the reporter's own territory.
            values.Add(new ReportValue("POP", Disaggregations.Total, "01002", random.Next(0, 50), null, null, status));
        }

        return values;
    }

    private static List<ReportValue> CommuneValues(Random random)
    {
        var male = random.Next(0, 100);
        var female = random.Next(0, 100);
        return
        [
            new("POP", Disaggregations.Total, null, male + female, null, null, ObservationStatus.Estimated),
            new("POP", "SEX:M", null, male, null, null),
            new("POP", "SEX:F", null, female, null, null),
        ];
    }

    [Fact]
    public async Task The_incremental_aggregates_equal_a_rebuild_after_a_random_workload()
    {
        var notifier = new LedgerNotifier();
        using var projection = new AggregationProjection(Catalogue, NullLogger<AggregationProjection>.Instance);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Nris:Aggregation:PollMilliseconds"] = "50" }).Build();
        using var follower = new AggregationFollower(projection, _factory!, notifier, configuration, NullLogger<AggregationFollower>.Instance);
        await follower.StartAsync(Ct);
        Assert.True(projection.IsReady);
        Assert.Equal(0, projection.LastAppliedSequence);

        var random = new Random(20261121);
        var keys = new List<(ReportKey Key, SubmissionActor Reporter, SubmissionActor Recipient)>();
        foreach (var month in new[] { 1, 2, 3, 4 })
        {
            keys.Add((new ReportKey(ProvinceRegime, Period.Month(2026, month), Reporter), Hanoi, Office));
            keys.Add((new ReportKey(ProvinceRegime, Period.Month(2026, month), OtherReporter), TuyenQuang, Office));
        }

        keys.Add((new ReportKey(CommuneRegime, Period.Quarter(2026, 1), Commune), CommuneUser, Hanoi));
        keys.Add((new ReportKey(CommuneRegime, Period.Quarter(2026, 2), Commune), CommuneUser, Hanoi));
        var state = new Dictionary<ReportKey, (int Version, SubmissionState State)>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var last = 0L;
        for (var i = 0; i < 120; i++)
        {
            var (key, reporter, recipient) = keys[random.Next(keys.Count)];
            var values = key.RegimeCode == CommuneRegime ? CommuneValues(random) : ProvinceValues(random, key.ReporterCode);
            string op;
            Func<SubmissionService, Task<SubmissionResult>> action;
            if (!state.TryGetValue(key, out var s))
            {
                op = "submit";
                action = svc => svc.SubmitAsync(key, new SubmissionRequest(values), reporter, Ct);
            }
            else
            {
                var choice = random.Next(3);
                (op, action) = s.State switch
                {
                    SubmissionState.Accepted => ("reopen", svc => svc.ReopenAsync(key, s.Version, "Mở lại", recipient, Ct)),
                    SubmissionState.Returned => ("revise", svc => svc.ReviseAsync(key, s.Version, "Sửa theo yêu cầu", new SubmissionRequest(values), reporter, Ct)),
                    _ when choice == 0 => ("revise", svc => svc.ReviseAsync(key, s.Version, "Điều chỉnh", new SubmissionRequest(values), reporter, Ct)),
                    _ when choice == 1 => ("return", svc => svc.ReturnAsync(key, s.Version, "Trả lại", recipient, Ct)),
                    _ => ("accept", (Func<SubmissionService, Task<SubmissionResult>>)(svc => svc.AcceptAsync(key, s.Version, recipient, Ct))),
                };
            }

            var result = await Run(notifier, action);
            state[key] = (result.Version, result.State);
            counts[op] = counts.GetValueOrDefault(op) + 1;
            last = result.LedgerSequence;
        }

        // Every kind of entry took part, returns included (which bring back an earlier version or nothing).
        Assert.All(new[] { "submit", "revise", "return", "accept", "reopen" }, op => Assert.True(counts.GetValueOrDefault(op) > 0, op));
        Assert.Equal(120, last);
        await projection.WaitForAsync(last, Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await follower.StopAsync(Ct);
        Assert.Equal(last, projection.LastAppliedSequence);

        // The rebuild path of `nris rebuild`, and the ledger replayed from nothing: both agree with the stored view.
        await using var db = _factory!.CreateDbContext();
        var (stored, head) = await ProjectionReader.LoadCurrentAsync(db, Snapshot, Ct);
        var (replayed, replayedHead) = await ProjectionReader.ReplayAsync(db, Snapshot, Ct);
        Assert.Equal((last, last), (head, replayedHead));
        Assert.Empty(ProjectedValuesComparison.Differences(stored, replayed));
        Assert.True(stored.Count > 0);
        using var rebuilt = AggregationEngine.Build(Snapshot, stored.Facts());
        Assert.Equal(rebuilt.FactCount, projection.Engine.FactCount);
        Assert.True(rebuilt.FactCount > 10, rebuilt.FactCount.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var periods = EngineComparison.Periods(keys.Select(k => k.Key.Period));
        var (queries, differences) = EngineComparison.Compare(rebuilt, projection.Engine, ["POP"], EngineComparison.Totals,
            [null, ProvinceRegime, CommuneRegime, "UNKNOWN"], ["VN", "01", "02", "01001", "01002", "01003"], periods);
        Assert.True(differences.Length == 0, differences);
        Assert.True(queries > 1000, queries.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // And the answers are the ledger's numbers, not just equal to each other: the national total of a month is the
        // sum of both provinces' current totals.
        var january = Period.Month(2026, 1);
        var expected = stored.Rows.Where(r => r.Key.Period == january.ToString() && r.Key.IndicatorCode == "POP" &&
                r.Key.Disaggregation == Disaggregations.Total && r.Key.TerritoryCode is "01" or "02")
            .Sum(r => r.Value.Number);
        var national = projection.Engine.Cell(new CellQuery("POP", "VN", january, SourceCode: ProvinceRegime));
        Assert.Equal(expected == 0 && national.Value is null ? null : expected, national.Value);
    }

    [Fact]
    public async Task A_return_takes_the_version_out_and_brings_back_the_previous_one_at_once()
    {
        var notifier = new LedgerNotifier();
        using var projection = new AggregationProjection(Catalogue, NullLogger<AggregationProjection>.Instance);
        await using (var db = _factory!.CreateDbContext())
        {
            await projection.BuildAsync(db, Ct);
        }

        async Task<decimal?> NationalAsync(long sequence)
        {
            await using var db = _factory!.CreateDbContext();
            await projection.CatchUpAsync(db, Ct);
            Assert.Equal(sequence, projection.LastAppliedSequence);
            return projection.Engine.Cell(new CellQuery("POP", "VN", Period.Month(2026, 3), SourceCode: ProvinceRegime)).Value;
        }

        var key = Key();
        var v1 = await Run(notifier, s => s.SubmitAsync(key, new SubmissionRequest(Values(600, 400)), Hanoi, Ct));
        Assert.Equal(1000m, await NationalAsync(v1.LedgerSequence));
        var other = await Run(notifier, s => s.SubmitAsync(Key(reporter: OtherReporter), new SubmissionRequest(Values(10, 20)), TuyenQuang, Ct));
        Assert.Equal(1030m, await NationalAsync(other.LedgerSequence));
        var v2 = await Run(notifier, s => s.ReviseAsync(key, 1, "Sửa", new SubmissionRequest(Values(700, 400)), Hanoi, Ct));
        Assert.Equal(1130m, await NationalAsync(v2.LedgerSequence));
        var returned = await Run(notifier, s => s.ReturnAsync(key, 2, "Sai", Office, Ct));
        Assert.Equal(1030m, await NationalAsync(returned.LedgerSequence));
        var contributors = projection.Engine.Contributors(new CellQuery("POP", "01", Period.Month(2026, 3), SourceCode: ProvinceRegime));
        Assert.Equal([v1.LedgerSequence], contributors.Select(f => f.LedgerSequence));
        var accepted = await Run(notifier, s => s.AcceptAsync(Key(reporter: OtherReporter), 1, Office, Ct));
        Assert.Equal(1030m, await NationalAsync(accepted.LedgerSequence));
        // A refused action appends nothing, so the projection has nothing to apply.
        await Assert.ThrowsAsync<SubmissionRefusedException>(() => Run(notifier, s => s.ReturnAsync(key, 2, "Sai", Office, Ct)));
        Assert.Equal(1030m, await NationalAsync(accepted.LedgerSequence));
    }
    [Fact]
    public async Task A_catalogue_change_moves_the_aggregates_it_affects_while_the_server_runs()
    {
        var notifier = new LedgerNotifier();
        using var projection = new AggregationProjection(Catalogue, NullLogger<AggregationProjection>.Instance);
        await using (var db = _factory!.CreateDbContext())
        {
            await new CatalogueStore(db).SaveAsync(Catalogue.Current.Content, Ct);
            await projection.BuildAsync(db, Ct);
        }

        var national = new CellQuery("POP", "VN", Period.Month(2026, 3), SourceCode: ProvinceRegime);
        async Task<decimal?> NationalAsync()
        {
            await using var db = _factory!.CreateDbContext();
            await projection.CatchUpAsync(db, Ct);
            return projection.Engine.Cell(national).Value;
        }

        await Run(notifier, s => s.SubmitAsync(Key(), new SubmissionRequest(Values(600, 400)), Hanoi, Ct));
        await Run(notifier, s => s.SubmitAsync(Key(reporter: OtherReporter), new SubmissionRequest(Values(10, 20)), TuyenQuang, Ct));
        Assert.Equal(1030m, await NationalAsync());

        // An administrator changes POP's territory rule from sum to max: a catalogue.changed ledger entry.
        CatalogueChangeResult changed;
        await using (var db = _factory!.CreateDbContext())
        {
            changed = await new CatalogueAdministration(db, Catalogue, _checkpoints!, TimeProvider.System).ApplyAsync(content =>
            {
                var pop = content.Indicators.Single(i => i.Code == "POP") with { TerritoryAggregation = TerritoryAggregation.Max };
                var next = content with { Indicators = [.. content.Indicators.Select(i => i.Code == "POP" ? pop : i)] };
                return (null, new CatalogueChange(CatalogueChangeKind.IndicatorChanged, "POP", next, ChangedIndicator: pop));
            }, "admin@vpcp", Ct);
        }

        Assert.Equal(CatalogueChangeOutcome.Done, changed.Outcome);
        // Following the ledger, not restarting, moves the national figure to the larger province: max(1000, 30).
        Assert.Equal(1000m, await NationalAsync());
        Assert.Equal(changed.Entry!.Sequence, projection.LastAppliedSequence);
        Assert.Equal(1, projection.CatalogueRebuilds);

        // Later submissions apply incrementally under the new rule, and the result is what a rebuild gives.
        await Run(notifier, s => s.ReviseAsync(Key(reporter: OtherReporter), 1, "Sửa", new SubmissionRequest(Values(900, 300)), TuyenQuang, Ct));
        Assert.Equal(1200m, await NationalAsync());
        await using (var db = _factory!.CreateDbContext())
        {
            var (values, _) = await ProjectionReader.LoadCurrentAsync(db, Catalogue.Current, Ct);
            using var rebuilt = AggregationEngine.Build(Catalogue.Current, values.Facts());
            Assert.Equal(rebuilt.Cell(national), projection.Engine.Cell(national));
            Assert.Equal(rebuilt.Cell(national with { TerritoryCode = "01" }), projection.Engine.Cell(national with { TerritoryCode = "01" }));
        }
    }
}
