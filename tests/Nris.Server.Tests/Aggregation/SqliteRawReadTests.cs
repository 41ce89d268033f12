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

    // Numbers as they may sit in the column: the plain text the application writes, and what a hand edit or another
    // tool could leave (an exponent, a sign, spaces, too many digits for the compact form, an integer or a real).
    private static readonly object?[] AwkwardNumbers =
    [
        "18.0", "0", "-0.5", "12.50", "00012.50", "-123.456789", "0.00000001", "123456789.123456789", "-288230376151691.0",
        "288230376151691", "288230376151692", "999999999999999999", "1234567890123456789", "79228162514264337593543950335",
        "-79228162514264337593543950335", "0.0000000000000000000000000001", "-0", "-0.000", "1e3", "2.5E-2", "+5", " 7 ",
        "5.", 42L, -7L, 2.5, 0.1, null,
    ];

    private static readonly string[] Indicators = ["POP", "I001", "I002", "DÂN_SỐ", "Tỷ-lệ hộ nghèo", "REMARK"];
    private static readonly string[] Codelist = [Nris.Core.Submissions.Disaggregations.Total, "SEX:M", "SEX:F", "GIỚI:NỮ", "GRP:1"];
    private static readonly string[] Territories = ["01", "02", "01001", "01002", "01003", "Hà Nội", "VN"];
    private static readonly string[] Periods = ["2026-01", "2026-02", "2026-Q1", "2025", "2026-Q1 "];
    private static readonly (string Regime, string Reporter)[] Reporters =
        [(MonthlyRegime, Reporter), (MonthlyRegime, OtherReporter), (CommuneRegime, Commune), ("NGOÀI-DANH-MỤC", "UBND.Đặc biệt")];

    [Fact]
    public async Task The_raw_read_builds_exactly_the_view_and_aggregates_of_the_data_reader()
    {
        await MigrateAsync();
        var rows = await FillAsync(new Random(20261122), 30_000);

        var (reader, readerHead) = await LoadAsync(Reader);
        var (one, oneHead) = await LoadAsync(RawOne);
        var (two, twoHead) = await LoadAsync(RawTwo);

        // Every stored row whose report exists, none other (the data reader joins the reports).
        Assert.Equal(rows, reader.Count);
        Assert.Equal((0L, 0L, 0L), (readerHead, oneHead, twoHead));
        foreach (var raw in new[] { one, two })
        {
            Assert.Equal(Describe(reader), Describe(raw));
            Assert.Empty(ProjectedValuesComparison.Differences(reader, raw));
            Assert.Equal(Facts(reader), Facts(raw));
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

    // Rows straight into the tables (a plain connection: no foreign keys), as a hand-edited or imported database may
    // hold them; some point to a report that does not exist. Returns how many have a report.
    private async Task<int> FillAsync(Random random, int count)
    {
        await using var connection = new SqliteConnection(_file.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var transaction = connection.BeginTransaction();
        var reports = new List<(long Id, string Period, string Reporter)>();
        var id = 0L;
        foreach (var period in Periods)
        {
            foreach (var (regime, reporter) in Reporters)
            {
                await using var report = connection.CreateCommand();
                report.CommandText = "INSERT INTO reports (id, regime_code, period, reporter_code, regime_version, state, current_version, recipient_code, last_ledger_sequence, created_us, updated_us) " +
                    "VALUES ($id, $regime, $period, $reporter, 1, 'Submitted', 1, 'VPCP', 0, 0, 0)";
                report.Parameters.AddWithValue("$id", ++id);
                report.Parameters.AddWithValue("$regime", regime);
                report.Parameters.AddWithValue("$period", period);
                report.Parameters.AddWithValue("$reporter", reporter);
                await report.ExecuteNonQueryAsync(Ct);
                reports.Add((id, period, reporter));
            }
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO current_values (indicator_code, disaggregation, territory_code, period, source, number, status, report_id, report_version_id, version, ledger_sequence) " +
            "VALUES ($i, $d, $t, $p, $s, $n, $status, $report, 1, 1, $seq)";
        var parameters = new[] { "$i", "$d", "$t", "$p", "$s", "$n", "$status", "$report", "$seq" }.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        var withReport = 0;
        for (var k = 0; k < count; k++)
        {
            var missing = random.Next(50) == 0;
            var (reportId, period, reporter) = reports[random.Next(reports.Count)];
            parameters[0].Value = Indicators[random.Next(Indicators.Length)];
            parameters[1].Value = Codelist[random.Next(Codelist.Length)];
            parameters[2].Value = Territories[random.Next(Territories.Length)];
            parameters[3].Value = period;
            parameters[4].Value = reporter;
            var number = random.Next(3) == 0
                ? AwkwardNumbers[random.Next(AwkwardNumbers.Length)]
                : (random.Next(-1_000_000, 1_000_000) / (decimal)Math.Pow(10, random.Next(0, 6))).ToString(CultureInfo.InvariantCulture);
            parameters[5].Value = number ?? DBNull.Value;
            if (number is string text && text.Contains("79228162514264337593543950335", StringComparison.Ordinal))
            {
                // decimal's largest: only under an indicator outside the catalogue, whose values are not summed (two of
                // them would overflow the engine's sum, which is not what this test is about).
                parameters[0].Value = Indicators[3];
            }

            parameters[6].Value = Enum.GetName((ObservationStatus)random.Next(4));
            parameters[7].Value = missing ? 1_000_000 + reportId : reportId;
            parameters[8].Value = random.Next(1, 1000);
            if (await insert.ExecuteNonQueryAsync(Ct) == 1 && !missing)
            {
                withReport++;
            }
        }

        await transaction.CommitAsync(Ct);
        return withReport;
    }

    // Each value with its number's exact text (so 1.0 and 1.00 differ), in one order.
    private static List<string> Describe(ProjectedValues values) =>
        values.Rows.Select(r => string.Join('|', r.Key.IndicatorCode, r.Key.Disaggregation, r.Key.TerritoryCode, r.Key.Period, r.Key.Reporter,
                r.Value.ReportId.ToString(CultureInfo.InvariantCulture), r.Value.RegimeCode, r.Value.Number?.ToString(CultureInfo.InvariantCulture) ?? "null",
                r.Value.Status.ToString(), r.Value.LedgerSequence.ToString(CultureInfo.InvariantCulture)))
            .Order(StringComparer.Ordinal).ToList();

    private static List<string> Facts(ProjectedValues values) =>
        values.Facts().Select(f => string.Join('|', f.IndicatorCode, f.Disaggregation, f.TerritoryCode, f.Period.ToString(), f.SourceCode,
                f.Value.ToString(CultureInfo.InvariantCulture), f.Status.ToString(), f.LedgerSequence.ToString(CultureInfo.InvariantCulture)))
            .Order(StringComparer.Ordinal).ToList();
}
