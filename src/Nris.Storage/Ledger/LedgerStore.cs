using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Nris.Core.Ledger;

namespace Nris.Storage.Ledger;

/// <summary>
/// The ledger table: append inside a serialized transaction, read in order, keep checkpoints. There is deliberately
/// no method that changes or removes an entry.
/// </summary>
/// <remarks>
/// Appends are serialized so that "read the last entry, write last + 1" cannot interleave: on SQLite the transaction
/// starts as <c>BEGIN IMMEDIATE</c> (the write lock up front; SQLite has one writer anyway), on PostgreSQL it takes
/// <c>pg_advisory_xact_lock</c> on <see cref="AppendLockKey"/> first, so several server processes on one database
/// also append one at a time. Whatever else the caller writes in that transaction (the current-values view) commits
/// or rolls back together with the entry.
/// </remarks>
public sealed class LedgerStore(NrisDbContext db)
{
    /// <summary>The PostgreSQL advisory lock every appending transaction holds: "NRISLEDG" in ASCII.</summary>
    public const long AppendLockKey = 0x4E5249534C454447;

    // One queue per SQLite database file in this process (see BeginAppendTransactionAsync).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> AppendGates = new(StringComparer.Ordinal);

    /// <summary>
    /// Begins the transaction in which entries may be appended, with the append lock held. Dispose it to roll back.
    /// </summary>
    public async Task<IDbContextTransaction> BeginAppendTransactionAsync(CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("An appending transaction must be the outermost transaction.");
        }
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            // Appenders of this process queue here first: Microsoft.Data.Sqlite answers a busy database by sleeping
            // 150 ms and retrying, so 16 concurrent submitters spent most of their time asleep. The queue hands the
            // write lock over at once; BEGIN IMMEDIATE below still serializes against other processes.
            var gate = AppendGates.GetOrAdd(sqlite.DataSource ?? sqlite.ConnectionString, static _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            try
            {
                await db.Database.OpenConnectionAsync(cancellationToken);
                // deferred: false makes Microsoft.Data.Sqlite issue BEGIN IMMEDIATE: the write lock is taken now, so two
                // appenders cannot both read the same last entry and fail only at commit.
                var native = sqlite.BeginTransaction(IsolationLevel.Serializable, deferred: false);
                var used = await db.Database.UseTransactionAsync(native, cancellationToken)
                    ?? throw new InvalidOperationException("EF did not take the SQLite transaction.");
                return new OwnedTransaction(used, native, db, gate);
            }
            catch
            {
                gate.Release();
                throw;
            }
        }
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AppendLockKey})", cancellationToken);
        return transaction;
    }

    /// <summary>
    /// Appends one entry after the current last one, inside the transaction from <see cref="BeginAppendTransactionAsync"/>.
    /// </summary>
    /// <returns>The entry as stored.</returns>
    public async Task<LedgerEntry> AppendAsync(string kind, byte[] payload, string actor, DateTimeOffset time, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Ledger appends run inside BeginAppendTransactionAsync's transaction.");
        }
        var head = await HeadAsync(cancellationToken);
        var entry = head is { } h
            ? LedgerChain.CreateNext(h.Sequence, h.Hash, kind, payload, actor, time)
            : LedgerChain.CreateNext(null, kind, payload, actor, time);
        var row = db.LedgerEntries.Add(ToEntity(entry));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            // Never leave a ledger row tracked: nothing may later save a change to it.
            row.State = EntityState.Detached;
        }
        return entry;
    }

    /// <summary>The last entry, or null for an empty ledger.</summary>
    public async Task<LedgerEntry?> LastAsync(CancellationToken cancellationToken)
    {
        var row = await db.LedgerEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : ToEntry(row);
    }

    /// <summary>The number of the last entry and its hash, without the payload (which may be megabytes).</summary>
    public async Task<(long Sequence, byte[] Hash)?> HeadAsync(CancellationToken cancellationToken)
    {
        var head = await db.LedgerEntries.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return head is null ? null : (head.Sequence, head.Hash);
    }

    /// <summary>How many entries the table holds.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken) => db.LedgerEntries.LongCountAsync(cancellationToken);

    /// <summary>Streams the entries from <paramref name="fromSequence"/> on, in sequence order, one at a time.</summary>
    public async IAsyncEnumerable<LedgerEntry> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = db.LedgerEntries.AsNoTracking().Where(e => e.Sequence >= fromSequence).OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return ToEntry(row);
        }
    }

    /// <summary>Stores a signed checkpoint.</summary>
    public async Task SaveCheckpointAsync(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var row = db.LedgerCheckpoints.Add(new LedgerCheckpointEntity
        {
            Sequence = checkpoint.Sequence,
            Hash = checkpoint.Hash,
            TimeUs = LedgerTime.ToUnixMicroseconds(checkpoint.Time),
            KeyId = checkpoint.KeyId,
            Signature = checkpoint.Signature,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            row.State = EntityState.Detached;
        }
    }

    /// <summary>Every checkpoint, in ascending sequence order (then in the order they were made).</summary>
    public async Task<IReadOnlyList<Checkpoint>> ListCheckpointsAsync(CancellationToken cancellationToken)
    {
        var rows = await db.LedgerCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        return rows.ConvertAll(c => new Checkpoint(c.Sequence, c.Hash, LedgerTime.FromUnixMicroseconds(c.TimeUs), c.KeyId, c.Signature));
    }

    /// <summary>The stored form of an entry.</summary>
    public static LedgerEntryEntity ToEntity(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new LedgerEntryEntity
        {
            Sequence = entry.Sequence,
            Kind = entry.Kind,
            Payload = entry.Payload,
            Actor = entry.Actor,
            TimeUs = LedgerTime.ToUnixMicroseconds(entry.Time),
            PreviousHash = entry.PreviousHash,
            Hash = entry.Hash,
        };
    }

    /// <summary>An entry from its stored form. Times outside the representable range come back as a time the hash cannot match.</summary>
    public static LedgerEntry ToEntry(LedgerEntryEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        DateTimeOffset time;
        try
        {
            time = LedgerTime.FromUnixMicroseconds(row.TimeUs);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A tampered time must be reported by the verifier at this entry, not crash the read.
            time = DateTimeOffset.UnixEpoch;
        }
        return new LedgerEntry(row.Sequence, row.Kind, row.Payload, row.Actor, time, row.PreviousHash, row.Hash);
    }

    /// <summary>EF's wrapper around a transaction EF did not start: commits and disposes both, and closes the connection.</summary>
    private sealed class OwnedTransaction(IDbContextTransaction inner, SqliteTransaction native, NrisDbContext db, SemaphoreSlim gate) : IDbContextTransaction
    {
        private int _released;

        public Guid TransactionId => inner.TransactionId;

        public void Commit() => inner.Commit();

        public Task CommitAsync(CancellationToken cancellationToken = default) => inner.CommitAsync(cancellationToken);

        public void Rollback() => inner.Rollback();

        public Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

        public void Dispose()
        {
            try
            {
                inner.Dispose();
                native.Dispose();
                db.Database.CloseConnection();
            }
            finally
            {
                Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync();
                await native.DisposeAsync();
                await db.Database.CloseConnectionAsync();
            }
            finally
            {
                Release();
            }
        }

        // Disposing twice must not let a second appender in while another holds the queue.
        private void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
