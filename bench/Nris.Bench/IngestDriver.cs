using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Npgsql;
using NpgsqlTypes;

namespace Nris.Bench;

/// <summary>
/// Issue #4, ingest: values per second for large (100,000-value) and many small submissions, next to the raw limit of
/// the same database measured in the same run (SQLite prepared-statement batch insert, PostgreSQL binary COPY).
/// </summary>
public static class IngestDriver
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.WriteLine($"ingest: db={options.Db} mode={options.Mode} (service = SubmissionService in-process, below HTTP; http = POST to the real endpoints over loopback with an API key, client in the same process)");
        var data = new DataGenerator();
        await using var server = await BenchServer.StartAsync(options.Db, ct);
        using var submitter = new Submitter(server, options.Mode);
        var failures = 0;

        // (i) large submissions: the statistics office's yearbook over every commune and province.
        var before = server.Catalogue.Current.Territories.AsOf(new DateOnly(2025, 1, 1))
            .Where(t => t.Level != TerritoryLevel.Nation).Select(t => t.Code);
        var big = data.Yearbook(options.BigValues, before);
        await WarmUpAsync(submitter, data, ct);
        var bigTimes = new List<double>();
        for (var i = 0; i < options.BigSubmissions; i++)
        {
            // The first is a submission, the next ones revisions of the same report (2025 is the one year in which
            // the statistics office exists and both the old and the new territories do), each with changed numbers.
            var key = new ReportKey("NGTK-TINH-NAM", Period.Containing(new DateOnly(2025, 6, 1), Periodicity.Yearly), "CTK");
            var values = i == 0 ? big : big.ConvertAll(v => v with { Number = v.Number + i });
            var body = submitter.Mode == "http" ? Submitter.Body(values, i) : null;
            var watch = Stopwatch.StartNew();
            var error = await submitter.SubmitAsync(key, values, ct, baseVersion: i, body);
            watch.Stop();
            if (error is not null)
            {
                failures++;
                Console.WriteLine($"  big {key}: FAILED {error}");
                continue;
            }
            bigTimes.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(Inv, $"  big {key} v{i + 1}: {big.Count} values in {watch.Elapsed.TotalMilliseconds:F0} ms = {big.Count / watch.Elapsed.TotalSeconds:F0} values/s"));
        }

        // (ii) many small ones: each province's daily public-service report, concurrently.
        var jobs = new List<(ReportKey Key, List<ReportValue> Values)>();
        for (var day = 0; jobs.Count < options.SmallReports; day++)
        {
            foreach (var province in data.Provinces)
            {
                if (jobs.Count < options.SmallReports)
                {
                    jobs.Add((new ReportKey("DVC-NGAY", DataGenerator.Day(day), DataGenerator.Committee(province.Code)), data.PublicServicesDay(province, options.SmallValues)));
                }
            }
        }
        var smallValues = jobs.Sum(j => j.Values.Count);
        var smallWatch = Stopwatch.StartNew();
        var next = -1;
        var smallFailures = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < jobs.Count)
            {
                var error = await submitter.SubmitAsync(jobs[n].Key, jobs[n].Values, ct);
                if (error is not null && Interlocked.Increment(ref smallFailures) <= 3)
                {
                    Console.WriteLine($"  small {jobs[n].Key}: FAILED {error}");
                }
            }
        }, ct)));
        smallWatch.Stop();
        failures += smallFailures;
        Console.WriteLine(string.Create(Inv,
            $"  small: {jobs.Count} reports x {options.SmallValues} values ({smallValues} values), {options.Clients} clients, {smallWatch.Elapsed.TotalMilliseconds:F0} ms = {smallValues / smallWatch.Elapsed.TotalSeconds:F0} values/s, {jobs.Count / smallWatch.Elapsed.TotalSeconds:F1} reports/s, {smallFailures} failed"));

        // The raw limit, same machine, same run, same rows.
        var rawBig = options.Db == "postgres" ? await PostgresCopyAsync(server.ConnectionString, big, 1, ct) : SqliteBatch(big, 1);
        var rawSmall = options.Db == "postgres"
            ? await PostgresCopyAsync(server.ConnectionString, jobs[0].Values, jobs.Count, ct)
            : SqliteBatch(jobs[0].Values, jobs.Count);
        var raw = options.Db == "postgres" ? "PostgreSQL binary COPY" : "SQLite prepared INSERT, one transaction";
        var nrisBig = bigTimes.Count == 0 ? 0 : big.Count / bigTimes.Average();
        var nrisSmall = smallValues / smallWatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(Inv, $"  raw ({raw}): {big.Count} rows at {rawBig:F0} rows/s; {jobs.Count} batches of {jobs[0].Values.Count} at {rawSmall:F0} rows/s"));

        var counts = await server.CountAndVerifyAsync(ct);
        Console.WriteLine($"  after: reports={counts.Reports} report_values={counts.Values} current_values={counts.CurrentValues} ledger={counts.LedgerEntries} verify={(counts.LedgerOk ? "ok" : "FAILED " + counts.Reason)}");
        Console.WriteLine();
        Console.WriteLine("| db | scenario | mode | Nris values/s | raw values/s | Nris / raw |");
        Console.WriteLine("|---|---|---|---:|---:|---:|");
        Console.WriteLine(string.Create(Inv, $"| {options.Db} | {options.BigSubmissions} x {big.Count:N0} values (submit + revisions) | {options.Mode} | {nrisBig:N0} | {rawBig:N0} | {100 * nrisBig / rawBig:F1} % |"));
        Console.WriteLine(string.Create(Inv, $"| {options.Db} | {jobs.Count:N0} x {options.SmallValues} values, {options.Clients} clients | {options.Mode} | {nrisSmall:N0} | {rawSmall:N0} | {100 * nrisSmall / rawSmall:F1} % |"));
        return failures == 0 && counts.LedgerOk ? 0 : 1;
    }

    // The first submissions pay for JIT and EF query compilation; a server would have paid that long before a deadline.
    // Returns how many reports it stored, so the drivers can count theirs.
    internal static async Task<int> WarmUpAsync(Submitter submitter, DataGenerator data, CancellationToken ct)
    {
        var stored = 0;
        foreach (var province in data.Provinces.Take(10))
        {
            var error = await submitter.SubmitAsync(new ReportKey("DVC-NGAY", DataGenerator.Day(-10), DataGenerator.Committee(province.Code)),
                data.PublicServicesDay(province, 50), ct);
            stored += error is null ? 1 : 0;
        }
        return stored;
    }

    /// <summary>The same rows, inserted into a table shaped like report_values by one prepared INSERT in one transaction per batch.</summary>
    private static double SqliteBatch(IReadOnlyList<ReportValue> rows, int batches)
    {
        var file = Path.Combine(Path.GetTempPath(), "nris-raw-" + Guid.NewGuid().ToString("N")[..12] + ".db");
        try
        {
            using var connection = new SqliteConnection("Data Source=" + file);
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                // The same pragmas and key as Nris's report_values.
                setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " +
                    "CREATE TABLE raw_values (version_id INTEGER NOT NULL, indicator_code TEXT NOT NULL, disaggregation TEXT NOT NULL, " +
                    "territory_code TEXT NOT NULL, number TEXT NULL, text TEXT NULL, flag INTEGER NULL, status TEXT NOT NULL, note TEXT NULL, " +
                    "PRIMARY KEY (version_id, indicator_code, disaggregation, territory_code))";
                setup.ExecuteNonQuery();
            }
            var watch = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                using var transaction = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO raw_values VALUES ($v, $i, $d, $t, $n, $x, $f, $s, $o)";
                var p = "vidtnxfso".Select(c => insert.Parameters.Add("$" + c, SqliteType.Text)).ToArray();
                p[0].SqliteType = SqliteType.Integer;
                insert.Prepare();
                foreach (var r in rows)
                {
                    p[0].Value = b;
                    p[1].Value = r.IndicatorCode;
                    p[2].Value = r.Disaggregation;
                    p[3].Value = r.TerritoryCode ?? "00";
                    p[4].Value = (object?)r.Number ?? DBNull.Value;
                    p[5].Value = (object?)r.Text ?? DBNull.Value;
                    p[6].Value = (object?)r.Flag ?? DBNull.Value;
                    p[7].Value = r.Status.ToString();
                    p[8].Value = (object?)r.Note ?? DBNull.Value;
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            return (double)rows.Count * batches / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
            File.Delete(file + "-wal");
            File.Delete(file + "-shm");
        }
    }

    /// <summary>The same rows by binary COPY into a table shaped like report_values, one COPY (and transaction) per batch.</summary>
    private static async Task<double> PostgresCopyAsync(string connectionString, IReadOnlyList<ReportValue> rows, int batches, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "DROP TABLE IF EXISTS raw_values; CREATE TABLE raw_values (version_id bigint NOT NULL, indicator_code text NOT NULL, " +
                "disaggregation text NOT NULL, territory_code text NOT NULL, number numeric NULL, text text NULL, flag boolean NULL, " +
                "status character varying(16) NOT NULL, note text NULL, PRIMARY KEY (version_id, indicator_code, disaggregation, territory_code))";
            await setup.ExecuteNonQueryAsync(ct);
        }
        var watch = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var importer = await connection.BeginBinaryImportAsync(
                "COPY raw_values (version_id, indicator_code, disaggregation, territory_code, number, text, flag, status, note) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var r in rows)
                {
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync((long)b, NpgsqlDbType.Bigint, ct);
                    await importer.WriteAsync(r.IndicatorCode, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(r.Disaggregation, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(r.TerritoryCode ?? "00", NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(importer, r.Number, NpgsqlDbType.Numeric, ct);
                    await WriteNullableAsync(importer, r.Text, NpgsqlDbType.Text, ct);
                    await WriteNullableAsync(importer, r.Flag, NpgsqlDbType.Boolean, ct);
                    await importer.WriteAsync(r.Status.ToString(), NpgsqlDbType.Varchar, ct);
                    await WriteNullableAsync(importer, r.Note, NpgsqlDbType.Text, ct);
                }
                await importer.CompleteAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        return (double)rows.Count * batches / watch.Elapsed.TotalSeconds;
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, object? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(ct);
        }
        else
        {
            await importer.WriteAsync(value, type, ct);
        }
    }
}
