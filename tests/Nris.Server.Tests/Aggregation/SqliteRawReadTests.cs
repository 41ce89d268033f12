using System.Globalization;
using Microsoft.Data.Sqlite;
using Nris.Core.Aggregation;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Testing;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Aggregation;

/// <summary>
/// SQLite's raw read of the current values (no object per row, two connections) against the data-reader path, on a
/// real file: the same view, value for value and scale for scale, and the same aggregates; and one snapshot for both
/// connections even when a write commits between them.
/// </summary>
public sealed class SqliteRawReadTests : IDisposable
{
    private static readonly CurrentValuesRead Reader = new(DataReader: true);
    private static readonly CurrentValuesRead RawOne = new(Connections: 1);
    private static readonly CurrentValuesRead RawTwo = new(Connections: 2);
    private readonly SqliteTestDatabase _file = new();
    private readonly NrisDbContextFactory _factory;

    public SqliteRawReadTests()
    {
        _factory = new NrisDbContextFactory(new NrisStorageOptions { Provider = NrisStorageOptions.Sqlite, ConnectionString = _file.ConnectionString });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task The_raw_read_builds_exactly_the_view_and_aggregates_of_the_data_reader()
    {
        await MigrateAsync();
        var rows = await AwkwardCurrentValues.FillAsync(_file.ConnectionString, new Random(20261122), 30_000, Ct);

        var (reader, readerHead) = await LoadAsync(Reader);
        var (one, oneHead) = await LoadAsync(RawOne);
        var (two, twoHead) = await LoadAsync(RawTwo);

        // Every stored row whose report exists, none other (the data reader joins the reports).
        Assert.Equal(rows, reader.Count);
        Assert.Equal((0L, 0L, 0L), (readerHead, oneHead, twoHead));
        foreach (var raw in new[] { one, two })
        {
            Assert.Equal(AwkwardCurrentValues.Describe(reader), AwkwardCurrentValues.Describe(raw));
            Assert.Empty(ProjectedValuesComparison.Differences(reader, raw));
            Assert.Equal(AwkwardCurrentValues.Facts(reader), AwkwardCurrentValues.Facts(raw));
        }

        // The aggregates too: every query over a grid of cells answers the same.
        using var expected = AggregationEngine.Build(Snapshot, reader, reader.Facts());
        using var actual = AggregationEngine.Build(Snapshot, two, two.Facts());
        Assert.True(expected.FactCount > 100, expected.FactCount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected.FactCount, actual.FactCount);
        var (queries, differences) = EngineComparison.Compare(expected, actual, ["POP", "I001"], ["_T", "SEX:M", "GRP:1"],
            [null, MonthlyRegime, CommuneRegime], ["VN", "01", "02", "01001"],
            EngineComparison.Periods([Period.Month(2026, 1), Period.Month(2026, 2), Period.Quarter(2026, 1)]));
        Assert.True(differences.Length == 0, differences);
        Assert.True(queries > 500, queries.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_write_between_the_two_connections_snapshots_makes_both_start_again_on_one_snapshot()
    {
        await MigrateAsync();
        var catalogue = new CatalogueState();
        catalogue.Replace(Snapshot);
        var keys = Path.Combine(_file.DirectoryPath, "keys");
        using var checkpoints = new CheckpointService(new LedgerOptions { CheckpointEvery = 1000, KeyFile = Path.Combine(keys, "key.pem") }, TimeProvider.System);
        var notifier = new LedgerNotifier();
        var actor = new SubmissionActor("a@hanoi", Reporter);
        async Task<long> Submit(int month)
        {
            await using var db = _factory.CreateDbContext();
            var service = new SubmissionService(db, catalogue, checkpoints, TimeProvider.System, notifier);
            var result = await service.SubmitAsync(Key(month), new SubmissionRequest(Values(100 * month, 10 * month)), actor, Ct);
            return result.LedgerSequence;
        }

        for (var month = 1; month <= 3; month++)
        {
            await Submit(month);
        }

        // The first time the second connection is about to take its snapshot, another report commits.
        var calls = 0;
        long written = 0;
        var read = RawTwo with
        {
            BetweenSnapshots = async () =>
            {
                if (++calls == 1)
                {
                    written = await Submit(4);
                }
            },
        };

        ProjectedValues values;
        long head;
        await using (var db = _factory.CreateDbContext())
        {
            (values, head) = await ProjectionReader.LoadCurrentAsync(db, Snapshot, read, Ct);
        }

        // The heads differed, so both connections started again; the second attempt agreed, and its snapshot has the
        // write: the view is the ledger up to the head it reports, exactly, so the follower continues after it.
        Assert.Equal(2, calls);
        Assert.Equal(written, head);
        await using (var db = _factory.CreateDbContext())
        {
            var (replayed, replayedHead) = await ProjectionReader.ReplayAsync(db, Snapshot, Ct);
            Assert.Equal(head, replayedHead);
            Assert.Empty(ProjectedValuesComparison.Differences(values, replayed));
        }

        Assert.Contains(values.Rows, r => r.Key.Period == Period.Month(2026, 4).ToString() && r.Value.LedgerSequence == written);
        Assert.Equal(4, values.Rows.Select(r => r.Value.ReportId).Distinct().Count());
    }

    private async Task MigrateAsync()
    {
        await using var db = _factory.CreateDbContext();
        await new NrisDatabase(db).MigrateAsync(Ct);
    }

    private async Task<(ProjectedValues Values, long Head)> LoadAsync(CurrentValuesRead read)
    {
        await using var db = _factory.CreateDbContext();
        return await ProjectionReader.LoadCurrentAsync(db, Snapshot, read, Ct);
    }
}
