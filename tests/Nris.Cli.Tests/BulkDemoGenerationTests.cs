using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Storage;
using Nris.Testing;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

namespace Nris.Cli.Tests;

/// <summary>
/// `nris demo generate --bulk` against the submission path, on a real SQLite file and a real PostgreSQL database: the
/// same seed into two fresh databases, one report at a time through <c>SubmissionService</c> and in bulk (several
/// batches), must give the same rows — ledger kinds, payloads and actors in the same order, reports, versions with
/// their payload hashes, history steps, values and current values — a ledger that verifies with its checkpoints, a
/// replay that matches, and the same aggregates after a rebuild.
/// </summary>
public sealed class BulkDemoGenerationTests(PostgresFixture postgres) : IDisposable
{
    private const int Values = 12000;
    private readonly SqliteTestDatabase _submitted = new();
    private readonly SqliteTestDatabase _bulk = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task Bulk_generation_on_sqlite_writes_what_the_submission_path_writes() =>
        CompareAsync(NrisStorageOptions.Sqlite, _submitted.ConnectionString, _bulk.ConnectionString);

    [Fact]
    public async Task Bulk_generation_on_postgres_writes_what_the_submission_path_writes() =>
        await CompareAsync(NrisStorageOptions.Postgres, await postgres.CreateDatabaseAsync(Ct), await postgres.CreateDatabaseAsync(Ct));

    /// <summary>
    /// The bulk loader's pipeline (reports prepared on another thread, validation history of new reporters kept in
    /// memory) against its serial form (everything on one thread, each history read from the database): the same seed,
    /// over three days of daily reports so the history matters, in several batches, gives the same rows.
    /// </summary>
    [Fact]
    public async Task Parallel_bulk_generation_writes_what_the_serial_one_writes()
    {
        string[] args = ["demo", "generate", "--values", "45000", "--seed", "11", "--bulk", "--bulk-batch", "7000"];
        var serial = await RunAsync(NrisStorageOptions.Sqlite, _submitted.ConnectionString, [.. args, "--bulk-serial"]);
        Assert.True(serial.Exit == 0, serial.Err);
        var parallel = await RunAsync(NrisStorageOptions.Sqlite, _bulk.ConnectionString, args);
        Assert.True(parallel.Exit == 0, parallel.Err);
        var submitted = new Regex(@"Submitted ([\d,]+) reports with ([\d,]+) values .*\(([\d,]+) with explained warnings, 0 refused\); checkpoint at ledger entry (\d+)");
        var a = submitted.Match(serial.Out);
        var b = submitted.Match(parallel.Out);
        Assert.True(a.Success, serial.Out);
        Assert.True(b.Success, parallel.Out);
        Assert.Equal(a.Groups[1].Value + " " + a.Groups[2].Value + " " + a.Groups[3].Value + " " + a.Groups[4].Value,
            b.Groups[1].Value + " " + b.Groups[2].Value + " " + b.Groups[3].Value + " " + b.Groups[4].Value);
        await SameRowsAsync(NrisStorageOptions.Sqlite, _submitted.ConnectionString, _bulk.ConnectionString);
        ClearPools();
        var verified = await RunAsync(NrisStorageOptions.Sqlite, _bulk.ConnectionString, "verify");
        Assert.True(verified.Exit == 0, verified.Err + verified.Out);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"OK: {b.Groups[4].Value} entries"), verified.Out, StringComparison.Ordinal);
    }

    private static async Task CompareAsync(string provider, string submitted, string bulk)
    {
        var one = await RunAsync(provider, submitted, "demo", "generate", "--values", Values.ToString(CultureInfo.InvariantCulture), "--seed", "7");
        Assert.True(one.Exit == 0, one.Err);
        // A small batch so that several transactions (and validation history across them) are exercised.
        var two = await RunAsync(provider, bulk, "demo", "generate", "--values", Values.ToString(CultureInfo.InvariantCulture), "--seed", "7",
            "--bulk", "--bulk-batch", "3000");
        Assert.True(two.Exit == 0, two.Err);
        var pattern = new Regex(@"Submitted ([\d,]+) reports with ([\d,]+) values .*\(([\d,]+) with explained warnings, 0 refused\); checkpoint at ledger entry (\d+)");
        var a = pattern.Match(one.Out);
        var b = pattern.Match(two.Out);
        Assert.True(a.Success, one.Out);
        Assert.True(b.Success, two.Out);
        Assert.Equal(a.Groups[1].Value, b.Groups[1].Value);
        Assert.Equal(a.Groups[2].Value, b.Groups[2].Value);
        Assert.Equal(a.Groups[3].Value, b.Groups[3].Value);
        Assert.Equal(a.Groups[4].Value, b.Groups[4].Value);
        Assert.True(long.Parse(b.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) >= Values);

        await SameRowsAsync(provider, submitted, bulk);

        ClearPools();
        var verified = await RunAsync(provider, bulk, "verify");
        Assert.True(verified.Exit == 0, verified.Err + verified.Out);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"OK: {b.Groups[4].Value} entries, 2 checkpoints"), verified.Out, StringComparison.Ordinal);
        var replayed = await RunAsync(provider, bulk, "rebuild", "--check");
        Assert.True(replayed.Exit == 0, replayed.Err);
        Assert.Contains("OK: replaying", replayed.Out, StringComparison.Ordinal);

        // The aggregates rebuilt from each database answer every cell of a grid the same.
        var (left, catalogue) = await EngineAsync(provider, submitted);
        var (right, _) = await EngineAsync(provider, bulk);
        using (left)
        using (right)
        {
            Assert.Equal(left.FactCount, right.FactCount);
            Assert.Equal(left.AggregateCount, right.AggregateCount);
            var cells = await RowsAsync(provider, bulk, "SELECT DISTINCT c.indicator_code, c.period, r.regime_code FROM current_values c JOIN reports r ON r.id = c.report_id");
            var territories = new List<string> { Territory.NationCode, "01", "79", "08" };
            var differences = new StringBuilder();
            var asked = 0;
            foreach (var cell in cells)
            {
                var parts = cell.Split('|');
                var period = Period.Parse(parts[1]);
                foreach (var p in new[] { period, Period.Year(period.Start.Year) })
                {
                    foreach (var source in new[] { null, parts[2] })
                    {
                        foreach (var territory in territories)
                        {
                            var query = new CellQuery(parts[0], territory, p, Disaggregations.Total, source);
                            var x = left.Cell(query);
                            var y = right.Cell(query);
                            asked++;
                            if (x != y && differences.Length < 2000)
                            {
                                differences.AppendLine(CultureInfo.InvariantCulture, $"{query}: {x} ≠ {y}");
                            }
                        }
                    }
                }
            }

            Assert.True(differences.Length == 0, differences.ToString());
            Assert.True(asked > 100, asked.ToString(CultureInfo.InvariantCulture));
            Assert.NotNull(catalogue);
        }
    }

    // Row by row, everything but the clock (entry hashes, times and checkpoint signatures depend on it).
    private static async Task SameRowsAsync(string provider, string expectedConnection, string actualConnection)
    {
        string[] tables =
        [
            "SELECT sequence, kind, payload, actor FROM ledger_entries ORDER BY sequence",
            "SELECT sequence FROM ledger_checkpoints ORDER BY sequence",
            "SELECT id, regime_code, period, reporter_code, regime_version, state, current_version, recipient_code, last_ledger_sequence FROM reports ORDER BY id",
            "SELECT id, report_id, version, regime_version, state, reason, actor, organization, ledger_sequence, payload_hash, value_count, decided_by, idempotency_key, signer FROM report_versions ORDER BY id",
            "SELECT report_id, version, action, actor, organization, reason, ledger_sequence FROM report_events ORDER BY id",
            "SELECT version_id, indicator_code, disaggregation, territory_code, number, text, flag, status, note FROM report_values ORDER BY version_id, indicator_code, disaggregation, territory_code",
            "SELECT indicator_code, disaggregation, territory_code, period, source, number, text, flag, status, note, report_id, report_version_id, version, ledger_sequence FROM current_values ORDER BY indicator_code, disaggregation, territory_code, period, source",
        ];
        foreach (var sql in tables)
        {
            var expected = await RowsAsync(provider, expectedConnection, sql);
            var actual = await RowsAsync(provider, actualConnection, sql);
            Assert.True(expected.Count > 0, sql);
            Assert.True(expected.Count == actual.Count, $"{sql}: {expected.Count} rows expected, {actual.Count} written");
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i] == actual[i], $"{sql}, row {i}:\n  expected {expected[i]}\n  written  {actual[i]}");
            }
        }
    }

    private static async Task<(AggregationEngine Engine, CatalogueSnapshot Catalogue)> EngineAsync(string provider, string connection)
    {
        var factory = new NrisDbContextFactory(new NrisStorageOptions { Provider = provider, ConnectionString = connection });
        await using var db = factory.CreateDbContext();
        var catalogue = new CatalogueSnapshot(await new CatalogueStore(db).LoadAsync(Ct));
        var (values, _) = await ProjectionReader.LoadCurrentAsync(db, catalogue, Ct);
        return (AggregationEngine.Build(catalogue, values.Facts()), catalogue);
    }

    private static async Task<List<string>> RowsAsync(string provider, string connectionString, string sql)
    {
        await using DbConnection connection = provider == NrisStorageOptions.Sqlite
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.IsDBNull(i) ? "∅" : reader.GetValue(i) switch
                {
                    byte[] bytes => Convert.ToHexStringLower(bytes),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var v => v.ToString() ?? "",
                };
            }
            rows.Add(string.Join('|', fields));
        }
        return rows;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string provider, string connection, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await NrisCli.RunAsync([.. args, "--provider", provider, "--connection", connection], output, error, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    private static void ClearPools()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
    }

    public void Dispose()
    {
        ClearPools();
        _submitted.Dispose();
        _bulk.Dispose();
    }
}
