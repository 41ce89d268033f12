using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Submissions;
using Nris.Storage;
using Nris.Storage.Ledger;
using Nris.Storage.Submissions;

namespace Nris.Server.Aggregation;

/// <summary>One ledger entry as the projection sees it: only its position, kind and time (never the payload).</summary>
public readonly record struct LedgerMark(long Sequence, string Kind, long TimeUs);

/// <summary>How <see cref="ProjectionReader.LoadCurrentAsync(NrisDbContext, CatalogueSnapshot, CurrentValuesRead, CancellationToken)"/>
/// reads the current values.</summary>
/// <param name="DataReader">Read through a plain data reader (the path PostgreSQL always takes) even on SQLite, whose
/// default is the raw read without an object per row.</param>
/// <param name="Connections">SQLite: how many connections (rowid ranges) decode the rows at once; 1 or 2.</param>
public sealed record CurrentValuesRead(bool DataReader = false, int Connections = 2)
{
    /// <summary>The server's read: raw on SQLite, two connections on a file.</summary>
    public static CurrentValuesRead Default { get; } = new();

    /// <summary>For tests: runs after the first connection has fixed its snapshot and before the second fixes its own, so
    /// a test can commit a write exactly there.</summary>
    public Func<Task>? BetweenSnapshots { get; init; }
}

/// <summary>
/// The database side of the aggregation projection: loading the current values (start-up and <c>nris rebuild</c>), and
/// turning one ledger entry into changes of <see cref="ProjectedValues"/>, read from the report tables rather than from
/// the entry's payload (which may hold 100,000 values as JSON; the tables hold the same values already parsed).
/// </summary>
public static class ProjectionReader
{
    /// <summary>
    /// Loads the current-values view and the ledger head it corresponds to, both from one database snapshot, so the
    /// follower continues exactly after the entries the loaded values already contain.
    /// </summary>
    public static Task<(ProjectedValues Values, long Head)> LoadCurrentAsync(
        NrisDbContext db, CatalogueSnapshot catalogue, CancellationToken cancellationToken) =>
        LoadCurrentAsync(db, catalogue, CurrentValuesRead.Default, cancellationToken);

    /// <summary><see cref="LoadCurrentAsync(NrisDbContext, CatalogueSnapshot, CancellationToken)"/> with a choice of read
    /// path (for tests and benchmarks, which compare them).</summary>
    public static async Task<(ProjectedValues Values, long Head)> LoadCurrentAsync(
        NrisDbContext db, CatalogueSnapshot catalogue, CurrentValuesRead read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(read);
        var values = new ProjectedValues(catalogue);
        if (!read.DataReader && db.Database.GetDbConnection() is SqliteConnection)
        {
            var sqliteHead = await LoadSqliteAsync(db, values, read, cancellationToken);
            return (values, sqliteHead);
        }

        await using var snapshot = await BeginSnapshotAsync(db, cancellationToken);
        try
        {
            var head = await HeadAsync(db, cancellationToken);
            values.BeginBulkLoad();
            await ReadCurrentAsync(db, values, cancellationToken);
            values.ClearDeltas();
            return (values, head);
        }
        finally
        {
            await snapshot.DisposeAsync();
        }
    }

    // SQLite: the raw read (SqliteCurrentValues), in two rowid ranges on two connections when the database is a file.
    // Both connections must read one snapshot: each opens a read transaction and reads the ledger head first (in WAL,
    // a transaction's snapshot is fixed by its first read). Every write that changes the current values appends to the
    // ledger in the same transaction, so equal heads mean no such write committed between the two snapshots: they hold
    // the same current values, and the follower continues after that head. Unequal heads (a write came in between):
    // both transactions end and both start again; after a few tries the read goes on one connection.
    private static async Task<long> LoadSqliteAsync(NrisDbContext db, ProjectedValues values, CurrentValuesRead read, CancellationToken cancellationToken)
    {
        var sql = FastSql(db);
        await db.Database.OpenConnectionAsync(cancellationToken);
        SqliteConnection? second = null;
        try
        {
            var main = (SqliteConnection)db.Database.GetDbConnection();
            var split = read.Connections > 1 && IsFile(main);
            for (var attempt = 1; ; attempt++)
            {
                using var transaction = main.BeginTransaction(deferred: true);
                var head = SqliteCurrentValues.Head(main, transaction, sql);
                SqliteTransaction? secondTransaction = null;
                if (split && attempt <= MaxSnapshotAttempts)
                {
                    if (read.BetweenSnapshots is { } between)
                    {
                        await between();
                    }

                    if (second is null)
                    {
                        second = new SqliteConnection(main.ConnectionString);
                        await second.OpenAsync(cancellationToken);
                    }

                    secondTransaction = second.BeginTransaction(deferred: true);
                    if (SqliteCurrentValues.Head(second, secondTransaction, sql) != head)
                    {
                        secondTransaction.Dispose();
                        continue;
                    }
                }

                try
                {
                    var (from, to) = SqliteCurrentValues.Bounds(main, transaction, sql);
                    var middle = from + ((to - from) / 2);
                    SqliteCurrentValues.Part[] parts = secondTransaction is null
                        ? [new(main, transaction, from, to)]
                        : [new(main, transaction, from, middle), new(second!, secondTransaction, middle + 1, to)];
                    values.BeginBulkLoad();
                    await SqliteCurrentValues.ReadAsync(values, parts, sql, cancellationToken);
                    values.ClearDeltas();
                    return head;
                }
                finally
                {
                    secondTransaction?.Dispose();
                }
            }
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }

            await db.Database.CloseConnectionAsync();
        }
    }

    private const int MaxSnapshotAttempts = 5;

    // A second connection to ":memory:" (or a shared in-memory database) is not the same database, or not a snapshot.
    private static bool IsFile(SqliteConnection connection)
    {
        var builder = new SqliteConnectionStringBuilder(connection.ConnectionString);
        return builder.Mode != SqliteOpenMode.Memory && builder.DataSource.Length > 0 &&
            !string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal);
    }

    private static SqliteCurrentValues.Sql FastSql(NrisDbContext db)
    {
        var current = db.Model.FindEntityType(typeof(CurrentValueEntity))!;
        var reports = db.Model.FindEntityType(typeof(ReportEntity))!;
        var ledger = db.Model.FindEntityType(typeof(LedgerEntryEntity))!;
        string C(string property) => current.FindProperty(property)!.GetColumnName();
        return new SqliteCurrentValues.Sql(
            $"SELECT {reports.FindProperty(nameof(ReportEntity.Id))!.GetColumnName()}, {reports.FindProperty(nameof(ReportEntity.RegimeCode))!.GetColumnName()} FROM {reports.GetTableName()}",
            // Two subqueries, not "SELECT min(rowid), max(rowid)": SQLite reads only the ends of the table's b-tree for
            // a query with one min() or max(), but scans the whole table (or its smallest index) for both at once —
            // at L, gigabytes of pages scattered through a 40 GB file, minutes before the first value is read.
            $"SELECT (SELECT min(rowid) FROM {current.GetTableName()}), (SELECT max(rowid) FROM {current.GetTableName()})",
            $"SELECT {C(nameof(CurrentValueEntity.IndicatorCode))}, {C(nameof(CurrentValueEntity.Disaggregation))}, " +
            $"{C(nameof(CurrentValueEntity.TerritoryCode))}, {C(nameof(CurrentValueEntity.Period))}, {C(nameof(CurrentValueEntity.Source))}, " +
            $"{C(nameof(CurrentValueEntity.ReportId))}, {C(nameof(CurrentValueEntity.Number))}, {C(nameof(CurrentValueEntity.Status))}, " +
            $"{C(nameof(CurrentValueEntity.LedgerSequence))} FROM {current.GetTableName()} WHERE rowid BETWEEN ?1 AND ?2",
            $"SELECT max({ledger.FindProperty(nameof(LedgerEntryEntity.Sequence))!.GetColumnName()}) FROM {ledger.GetTableName()}");
    }

    // The bulk read of a rebuild (ten million rows at M): a plain data reader over SQL built from the EF model's table
    // and column names, without materializing an object per row, in two stages on two threads: this one steps the
    // reader and decodes each row's strings and numbers (the database's share), a second one puts the rows into the view
    // (interning, hashing), batch by batch through a bounded channel, so the two halves overlap on two cores. Only the
    // second thread touches the view; status is stored by name (EF's enum-to-string conversion) and the few distinct
    // names are parsed once.
    private static async Task ReadCurrentAsync(NrisDbContext db, ProjectedValues values, CancellationToken cancellationToken)
    {
        const int BatchSize = 8192;
        var channel = Channel.CreateBounded<Row[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in channel.Reader.ReadAllAsync(stop.Token))
                {
                    foreach (var row in batch)
                    {
                        if (row.Key.IndicatorCode is null)
                        {
                            break; // the unused end of the last batch
                        }

                        values.Upsert(row.Key, row.Value);
                    }
                }
            }
            catch
            {
                await stop.CancelAsync(); // the reader stops waiting for room in the channel
                throw;
            }
        }, stop.Token);

        try
        {
            await using var command = CurrentValuesCommand(db);
            var statuses = new Dictionary<string, ObservationStatus>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(stop.Token);
            var rows = new Row[BatchSize];
            var n = 0;
            while (await reader.ReadAsync(stop.Token))
            {
                var statusName = reader.GetString(8);
                if (!statuses.TryGetValue(statusName, out var status))
                {
                    status = Enum.Parse<ObservationStatus>(statusName);
                    statuses.Add(statusName, status);
                }

                rows[n++] = new Row(
                    new CurrentKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)),
                    new CurrentRow(reader.GetInt64(6), reader.GetString(5), reader.IsDBNull(7) ? null : reader.GetDecimal(7), status, reader.GetInt64(9)));
                if (n == BatchSize)
                {
                    await channel.Writer.WriteAsync(rows, stop.Token);
                    rows = new Row[BatchSize];
                    n = 0;
                }
            }

            if (n > 0)
            {
                await channel.Writer.WriteAsync(rows, stop.Token);
            }

            channel.Writer.Complete();
        }
        catch (Exception e)
        {
            channel.Writer.TryComplete(e);
            await stop.CancelAsync();
            try
            {
                await consumer;
            }
            catch (Exception) when (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The consumer failed first and cancelled the reader: its exception is the one to report.
                throw;
            }
            catch (Exception)
            {
                // Already failing with the reader's own exception.
            }

            throw;
        }

        await consumer;
    }

    private readonly record struct Row(CurrentKey Key, CurrentRow Value);

    private static DbCommand CurrentValuesCommand(NrisDbContext db)
    {
        var current = db.Model.FindEntityType(typeof(CurrentValueEntity))!;
        var reports = db.Model.FindEntityType(typeof(ReportEntity))!;
        string C(string property) => "c." + current.FindProperty(property)!.GetColumnName();
        var sql =
            $"SELECT {C(nameof(CurrentValueEntity.IndicatorCode))}, {C(nameof(CurrentValueEntity.Disaggregation))}, " +
            $"{C(nameof(CurrentValueEntity.TerritoryCode))}, {C(nameof(CurrentValueEntity.Period))}, {C(nameof(CurrentValueEntity.Source))}, " +
            $"r.{reports.FindProperty(nameof(ReportEntity.RegimeCode))!.GetColumnName()}, {C(nameof(CurrentValueEntity.ReportId))}, " +
            $"{C(nameof(CurrentValueEntity.Number))}, {C(nameof(CurrentValueEntity.Status))}, {C(nameof(CurrentValueEntity.LedgerSequence))} " +
            $"FROM {current.GetTableName()} c JOIN {reports.GetTableName()} r " +
            $"ON {C(nameof(CurrentValueEntity.ReportId))} = r.{reports.FindProperty(nameof(ReportEntity.Id))!.GetColumnName()}";
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    /// <summary>
    /// For benchmarks: reads every row and column the data-reader path of the rebuild reads (same SQL, same getters) and
    /// keeps nothing — the floor under that path's read (<see cref="CurrentValuesRead.DataReader"/>). Returns the number
    /// of rows.
    /// </summary>
    public static async Task<long> ScanCurrentAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = CurrentValuesCommand(db);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            long rows = 0, check = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                check += reader.GetString(0).Length + reader.GetString(1).Length + reader.GetString(2).Length + reader.GetString(3).Length +
                    reader.GetString(4).Length + reader.GetString(5).Length + reader.GetString(8).Length + reader.GetInt64(6) + reader.GetInt64(9) +
                    (reader.IsDBNull(7) ? 0 : (long)reader.GetDecimal(7));
                rows++;
            }

            GC.KeepAlive(check);
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The sequence of the last ledger entry, 0 when the ledger is empty.</summary>
    public static async Task<long> HeadAsync(NrisDbContext db, CancellationToken cancellationToken) =>
        await db.LedgerEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;

    /// <summary>The next entries after <paramref name="after"/>, in order.</summary>
    public static Task<List<LedgerMark>> NextAsync(NrisDbContext db, long after, int take, CancellationToken cancellationToken) =>
        db.LedgerEntries.AsNoTracking().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(take)
            .Select(e => new LedgerMark(e.Sequence, e.Kind, e.TimeUs)).ToListAsync(cancellationToken);

    /// <summary>
    /// Applies one entry to <paramref name="values"/>, mirroring what <c>SubmissionService</c> did to the current-values
    /// table in the entry's transaction. Returns false for an entry that changes no value.
    /// </summary>
    /// <remarks>
    /// submitted / revised: the version's values replace the report's current ones. returned: the report's values go and
    /// the latest earlier version that was not returned comes back (an earlier version's state is final once a later
    /// version exists, because only the current version can be decided, so reading it now gives what it was then).
    /// accepted / reopened: the values stay; their observation status (estimated, provisional, official) is part of
    /// each value, not of the report's state, so nothing in the aggregates changes.
    /// </remarks>
    public static async Task<bool> ApplyAsync(NrisDbContext db, ProjectedValues values, LedgerMark entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        var change = await ReadChangeAsync(db, entry, cancellationToken);
        change?.ApplyTo(values);
        return change is not null;
    }

    /// <summary>
    /// Reads what one entry does to the current values (see <see cref="ApplyAsync"/>) without changing anything, so the
    /// change can then be made in one step under the engine's write lock (<see cref="EntryChange.ApplyTo"/>); null for
    /// an entry that changes no value.
    /// </summary>
    public static async Task<EntryChange?> ReadChangeAsync(NrisDbContext db, LedgerMark entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        switch (entry.Kind)
        {
            case LedgerEntryKind.SubmissionSubmitted:
            case LedgerEntryKind.SubmissionRevised:
            {
                var version = await db.ReportVersions.AsNoTracking().Where(v => v.LedgerSequence == entry.Sequence)
                    .Select(v => new { v.Id, v.ReportId }).SingleOrDefaultAsync(cancellationToken);
                if (version is null)
                {
                    return null;
                }

                var report = await ReportAsync(db, version.ReportId, cancellationToken);
                var rows = await VersionRowsAsync(db, version.Id, version.ReportId, report, entry.Sequence, cancellationToken);
                return new EntryChange(version.ReportId, rows);
            }

            case LedgerEntryKind.SubmissionReturned:
            {
                var step = await db.ReportEvents.AsNoTracking().Where(e => e.LedgerSequence == entry.Sequence)
                    .Select(e => new { e.ReportId, e.Version }).SingleOrDefaultAsync(cancellationToken);
                if (step is null)
                {
                    return null;
                }

                var fallback = await db.ReportVersions.AsNoTracking()
                    .Where(v => v.ReportId == step.ReportId && v.Version < step.Version && v.State != SubmissionState.Returned)
                    .OrderByDescending(v => v.Version)
                    .Select(v => new { v.Id, v.LedgerSequence })
                    .FirstOrDefaultAsync(cancellationToken);
                if (fallback is null)
                {
                    return new EntryChange(step.ReportId, []);
                }

                var report = await ReportAsync(db, step.ReportId, cancellationToken);
                var rows = await VersionRowsAsync(db, fallback.Id, step.ReportId, report, fallback.LedgerSequence, cancellationToken);
                return new EntryChange(step.ReportId, rows);
            }

            default:
                return null;
        }
    }

    /// <summary>
    /// The current values as the ledger says they should be: every entry applied from the start to an empty view.
    /// <c>nris rebuild --check</c> compares this with the stored view.
    /// </summary>
    public static async Task<(ProjectedValues Values, long Head)> ReplayAsync(
        NrisDbContext db, CatalogueSnapshot catalogue, CancellationToken cancellationToken)
    {
        var values = new ProjectedValues(catalogue);
        values.BeginBulkLoad();
        await using var snapshot = await BeginSnapshotAsync(db, cancellationToken);
        try
        {
            var last = 0L;
            while (true)
            {
                var batch = await NextAsync(db, last, 1000, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var entry in batch)
                {
                    await ApplyAsync(db, values, entry, cancellationToken);
                    last = entry.Sequence;
                }
            }

            values.ClearDeltas();
            return (values, last);
        }
        finally
        {
            await snapshot.DisposeAsync();
        }
    }

    private sealed record ReportIdentity(string RegimeCode, string Period, string ReporterCode);

    private static Task<ReportIdentity> ReportAsync(NrisDbContext db, long reportId, CancellationToken cancellationToken) =>
        db.Reports.AsNoTracking().Where(r => r.Id == reportId)
            .Select(r => new ReportIdentity(r.RegimeCode, r.Period, r.ReporterCode)).SingleAsync(cancellationToken);

    private static async Task<List<KeyValuePair<CurrentKey, CurrentRow>>> VersionRowsAsync(
        NrisDbContext db, long versionId, long reportId, ReportIdentity report, long sequence, CancellationToken cancellationToken)
    {
        var result = new List<KeyValuePair<CurrentKey, CurrentRow>>();
        var rows = db.ReportValues.AsNoTracking().Where(v => v.VersionId == versionId)
            .Select(v => new { v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number, v.Status });
        await foreach (var v in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            result.Add(new(new CurrentKey(v.IndicatorCode, v.Disaggregation, v.TerritoryCode, report.Period, report.ReporterCode),
                new CurrentRow(reportId, report.RegimeCode, v.Number, v.Status, sequence)));
        }

        return result;
    }

    // A read-only transaction that sees one committed state throughout: a deferred transaction on SQLite (WAL readers
    // keep the snapshot of their first read), REPEATABLE READ on PostgreSQL.
    private static async Task<IAsyncDisposable> BeginSnapshotAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            var native = sqlite.BeginTransaction(deferred: true);
            await db.Database.UseTransactionAsync(native, cancellationToken);
            return new Snapshot(db, native);
        }

        var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        return new Snapshot(db, transaction);
    }

    private sealed class Snapshot(NrisDbContext db, IDisposable transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Nothing was written: ending the transaction by rollback is the cheapest way out on both databases.
            if (transaction is SqliteTransaction)
            {
                await db.Database.UseTransactionAsync(null);
                transaction.Dispose();
                await db.Database.CloseConnectionAsync();
                return;
            }

            transaction.Dispose();
        }
    }
}

/// <summary>What one ledger entry does to the current values: a report's values leave, then these rows come in.</summary>
/// <param name="ReportId">The report whose current values are taken out first.</param>
/// <param name="Rows">The values that come in (the new version's, or the earlier version a return restores).</param>
public sealed record EntryChange(long ReportId, IReadOnlyList<KeyValuePair<CurrentKey, CurrentRow>> Rows)
{
    /// <summary>Makes the change, exactly as <c>SubmissionService</c> did to the table.</summary>
    public void ApplyTo(ProjectedValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        values.RemoveReport(ReportId);
        foreach (var (key, row) in Rows)
        {
            values.Upsert(key, row);
        }
    }
}
