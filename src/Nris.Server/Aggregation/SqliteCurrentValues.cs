using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Nris.Core.Submissions;
using SQLitePCL;

namespace Nris.Server.Aggregation;

/// <summary>
/// The rebuild's bulk read on SQLite without an object per row: each statement is stepped with SQLite's own API
/// (SQLitePCLRaw, under Microsoft.Data.Sqlite), text columns are read as UTF-8 bytes and numbered by
/// <see cref="Utf8Interner"/> (only a new distinct code allocates a string), the number's text is parsed straight into
/// the view's compact form (<see cref="ProjectedValues.TryParseCompact"/>; anything else through decimal.Parse as
/// Microsoft.Data.Sqlite's GetDecimal does), and the report's regime comes from a table of the reports read first
/// instead of a join per row. One or more rowid ranges are decoded on their own connections and threads; one thread puts
/// the rows into the view, the only one that touches it.
/// </summary>
internal static class SqliteCurrentValues
{
    private const int BatchSize = 8192;

    /// <summary>The SQL of the read, from the EF model's table and column names.</summary>
    /// <param name="Reports">id, regime of every report.</param>
    /// <param name="Bounds">The lowest and highest rowid of the current values.</param>
    /// <param name="Range">indicator, disaggregation, territory, period, source, report id, number, status, ledger
    /// sequence of the current values with rowid between parameters 1 and 2.</param>
    /// <param name="Head">The ledger head.</param>
    public sealed record Sql(string Reports, string Bounds, string Range, string Head);

    /// <summary>One connection's part: its connection (in a read transaction on the same snapshot as the others) and
    /// its rowid range.</summary>
    public readonly record struct Part(SqliteConnection Connection, SqliteTransaction Transaction, long From, long To);

    // A decoded row: codes as the producer's interner numbers them, the regime already as the view's id.
    private struct CodedRow
    {
        public int Indicator, Disaggregation, Territory, Period, Reporter, Regime;
        public long ReportId, Sequence, Compact;
        public ProjectedValues.NumberKind Kind;
        public ObservationStatus Status;
    }

    private sealed class Batch
    {
        public readonly CodedRow[] Rows = new CodedRow[BatchSize];
        public readonly List<decimal> Decimals = [];
        public readonly List<string> Names = [];
        public int Count;
        public int FirstName;
        public int Producer;
    }

    /// <summary>The lowest and highest rowid of the current values (0, -1 when there are none).</summary>
    public static (long From, long To) Bounds(SqliteConnection connection, SqliteTransaction transaction, Sql sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql.Bounds;
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, -1);
    }

    /// <summary>The ledger head as <paramref name="connection"/>'s transaction sees it.</summary>
    public static long Head(SqliteConnection connection, SqliteTransaction transaction, Sql sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql.Head;
        return command.ExecuteScalar() is long head ? head : 0;
    }

    /// <summary>Reads every part into <paramref name="values"/> (which is in bulk-load mode).</summary>
    public static async Task ReadAsync(ProjectedValues values, IReadOnlyList<Part> parts, Sql sql, CancellationToken cancellationToken)
    {
        // The reports first (tens of thousands at M): report id → the view's id of its regime; read-only from here on,
        // so the producers share it.
        var regimes = new Dictionary<long, int>();
        using (var command = parts[0].Connection.CreateCommand())
        {
            command.Transaction = parts[0].Transaction;
            command.CommandText = sql.Reports;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                regimes[reader.GetInt64(0)] = values.Intern(reader.GetString(1));
            }
        }

        var span = parts.Sum(p => Math.Max(0, p.To - p.From + 1));
        // Rowids leave gaps after deletions: the span is an upper bound of the count; the end of the bulk load gives
        // back what was not used. Capped so a sparse table cannot reserve far beyond what it holds.
        values.Reserve((int)Math.Min(span, 1 << 27));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(2 + 2 * parts.Count) { SingleReader = true, SingleWriter = parts.Count == 1 });
        var pool = new ConcurrentQueue<Batch>();
        var producers = new Task[parts.Count];
        for (var p = 0; p < parts.Count; p++)
        {
            var index = p;
            producers[p] = Task.Run(() => Produce(index, parts[index], sql, regimes, channel.Writer, pool, stop), stop.Token);
        }

        var producing = Task.WhenAll(producers);
        _ = producing.ContinueWith(t => channel.Writer.TryComplete(t.IsFaulted ? t.Exception : null), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Exception? consumerError = null;
        try
        {
            await Task.Run(() => ConsumeAsync(values, parts.Count, channel.Reader, pool, stop.Token), stop.Token);
        }
        catch (Exception e)
        {
            consumerError = e;
            await stop.CancelAsync();
        }

        try
        {
            await producing;
        }
        catch (Exception)
        {
            // Reported below: the first producer error that is not the cancellation another failure caused.
        }

        var real = producers.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
            .FirstOrDefault(e => e is not OperationCanceledException);
        if (real is not null)
        {
            ExceptionDispatchInfo.Throw(real);
        }

        if (consumerError is not null)
        {
            ExceptionDispatchInfo.Throw(consumerError);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static async Task ConsumeAsync(ProjectedValues values, int producers, ChannelReader<Batch> reader, ConcurrentQueue<Batch> pool,
        CancellationToken cancellationToken)
    {
        // Each producer numbers codes its own way; its batches bring the names first seen in them, and this maps them.
        var maps = new int[producers][];
        for (var p = 0; p < producers; p++)
        {
            maps[p] = new int[256];
        }

        await foreach (var batch in reader.ReadAllAsync(cancellationToken))
        {
            ref var map = ref maps[batch.Producer];
            for (var k = 0; k < batch.Names.Count; k++)
            {
                var local = batch.FirstName + k;
                if (local >= map.Length)
                {
                    Array.Resize(ref map, Math.Max(map.Length * 2, local + 1));
                }

                map[local] = values.Intern(batch.Names[k]);
            }

            var m = map;
            for (var i = 0; i < batch.Count; i++)
            {
                ref readonly var r = ref batch.Rows[i];
                values.UpsertCoded(m[r.Indicator], m[r.Disaggregation], m[r.Territory], m[r.Period], m[r.Reporter], r.Regime,
                    r.ReportId, r.Sequence, r.Status, r.Kind, r.Compact,
                    r.Kind == ProjectedValues.NumberKind.Decimal ? batch.Decimals[(int)r.Compact] : 0m);
            }

            batch.Count = 0;
            batch.Decimals.Clear();
            batch.Names.Clear();
            pool.Enqueue(batch);
        }
    }

    // The last code a column had: consecutive rows mostly repeat it (the rows of one report lie together), and a byte
    // comparison is cheaper than a hash.
    private struct Column(int ordinal)
    {
        public readonly int Ordinal = ordinal;
        public int Last = -1;
    }

    private static async Task Produce(int index, Part part, Sql sql, Dictionary<long, int> regimes, ChannelWriter<Batch> writer,
        ConcurrentQueue<Batch> pool, CancellationTokenSource stop)
    {
        try
        {
            var interner = new Utf8Interner();
            var statuses = new List<ObservationStatus?>();
            var db = part.Connection.Handle!;
            var rc = raw.sqlite3_prepare_v2(db, sql.Range, out var stmt);
            SqliteException.ThrowExceptionForRC(rc, db);
            using (stmt)
            {
                SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(stmt, 1, part.From), db);
                SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(stmt, 2, part.To), db);
                Column indicator = new(0), disaggregation = new(1), territory = new(2), period = new(3), source = new(4), status = new(7);
                long lastReport = long.MinValue;
                var lastRegime = -1;
                var batch = Take(pool, index, interner);
                while (true)
                {
                    rc = raw.sqlite3_step(stmt);
                    if (rc == raw.SQLITE_DONE)
                    {
                        break;
                    }

                    if (rc != raw.SQLITE_ROW)
                    {
                        SqliteException.ThrowExceptionForRC(rc, db);
                    }

                    var reportId = raw.sqlite3_column_int64(stmt, 5);
                    if (reportId != lastReport)
                    {
                        lastReport = reportId;
                        lastRegime = regimes.TryGetValue(reportId, out var regime) ? regime : -1;
                    }

                    if (lastRegime < 0)
                    {
                        continue; // no such report: the join of the data-reader path drops the row too
                    }

                    ref var row = ref batch.Rows[batch.Count];
                    row.Indicator = Code(stmt, ref indicator, interner);
                    row.Disaggregation = Code(stmt, ref disaggregation, interner);
                    row.Territory = Code(stmt, ref territory, interner);
                    row.Period = Code(stmt, ref period, interner);
                    row.Reporter = Code(stmt, ref source, interner);
                    row.Regime = lastRegime;
                    row.ReportId = reportId;
                    row.Sequence = raw.sqlite3_column_int64(stmt, 8);
                    row.Status = Status(Code(stmt, ref status, interner), interner, statuses);
                    switch (raw.sqlite3_column_type(stmt, 6))
                    {
                        case raw.SQLITE_NULL:
                            row.Kind = ProjectedValues.NumberKind.None;
                            row.Compact = 0;
                            break;
                        case raw.SQLITE_TEXT when ProjectedValues.TryParseCompact(raw.sqlite3_column_blob(stmt, 6), out var compact):
                            row.Kind = ProjectedValues.NumberKind.Compact;
                            row.Compact = compact;
                            break;
                        default:
                            // Not the plain form (an exponent, a sign, a stored integer or real, too many digits): exactly
                            // what Microsoft.Data.Sqlite's GetDecimal does with the value's text.
                            row.Kind = ProjectedValues.NumberKind.Decimal;
                            row.Compact = batch.Decimals.Count;
                            batch.Decimals.Add(decimal.Parse(raw.sqlite3_column_text(stmt, 6).utf8_to_string(),
                                NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture));
                            break;
                    }

                    if (++batch.Count == BatchSize)
                    {
                        await Send(batch, interner, writer, stop.Token);
                        batch = Take(pool, index, interner);
                    }
                }

                if (batch.Count > 0 || interner.Count > batch.FirstName)
                {
                    await Send(batch, interner, writer, stop.Token);
                }
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    private static Batch Take(ConcurrentQueue<Batch> pool, int producer, Utf8Interner interner)
    {
        var batch = pool.TryDequeue(out var reused) ? reused : new Batch();
        batch.Producer = producer;
        batch.FirstName = interner.Count;
        return batch;
    }

    private static ValueTask Send(Batch batch, Utf8Interner interner, ChannelWriter<Batch> writer, CancellationToken cancellationToken)
    {
        for (var id = batch.FirstName; id < interner.Count; id++)
        {
            batch.Names.Add(interner[id]);
        }

        return writer.WriteAsync(batch, cancellationToken);
    }

    private static int Code(sqlite3_stmt stmt, ref Column column, Utf8Interner interner)
    {
        var bytes = raw.sqlite3_column_blob(stmt, column.Ordinal);
        if (bytes.IsEmpty && raw.sqlite3_column_type(stmt, column.Ordinal) == raw.SQLITE_NULL)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Column {column.Ordinal} of a current value is NULL, which the schema does not allow."));
        }

        if (column.Last >= 0 && bytes.SequenceEqual(interner.Bytes(column.Last)))
        {
            return column.Last;
        }

        return column.Last = interner.Intern(bytes);
    }

    // Status is stored by name (EF's enum-to-string conversion); each distinct name is parsed once.
    private static ObservationStatus Status(int code, Utf8Interner interner, List<ObservationStatus?> statuses)
    {
        while (statuses.Count <= code)
        {
            statuses.Add(null);
        }

        return statuses[code] ??= Enum.Parse<ObservationStatus>(interner[code]);
    }
}
