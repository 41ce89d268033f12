using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Nris.Core.Ledger;
using Nris.Storage;

namespace Nris.Server.Tests.Submissions;

/// <summary>
/// Changes the stored ledger behind Nris's back, the way someone with database access could: inside the caller's
/// transaction (so a rollback undoes it) and after dropping the append-only triggers inside that same transaction.
/// </summary>
internal static class Tamper
{
    public static async Task DropTriggersAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        var sql = db.ProviderName == NrisStorageOptions.Postgres
            ? "DROP TRIGGER ledger_entries_append_only ON ledger_entries; DROP TRIGGER ledger_checkpoints_append_only ON ledger_checkpoints;"
            : "DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete; DROP TRIGGER ledger_checkpoints_no_update; DROP TRIGGER ledger_checkpoints_no_delete;";
        await ExecuteAsync(db, sql, cancellationToken);
    }

    public static async Task ExecuteAsync(NrisDbContext db, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            p.Value = parameters[i];
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Applies one random mutation and returns its name and the sequence verify must name first. The ledger has a
    /// signed checkpoint on its last entry and no other.
    /// </summary>
    public static async Task<(string Name, long Expected)> MutateAsync(
        NrisDbContext db, IReadOnlyList<LedgerEntry> entries, Random random, CancellationToken cancellationToken)
    {
        var n = entries.Count;
        var k = random.Next(1, n + 1);
        var entry = entries[k - 1];
        switch (random.Next(12))
        {
            case 0:
                await SetAsync(db, k, "payload", Flip(entry.Payload, random), cancellationToken);
                return ("payload-byte", k);
            case 1:
                await SetAsync(db, k, "hash", Flip(entry.Hash, random), cancellationToken);
                return ("hash-byte", k);
            case 2:
                await SetAsync(db, k, "previous_hash", Flip(entry.PreviousHash, random), cancellationToken);
                return ("previous-hash-byte", k);
            case 3:
                await SetAsync(db, k, "kind", entry.Kind == LedgerEntryKind.SubmissionAccepted ? LedgerEntryKind.SubmissionReturned : LedgerEntryKind.SubmissionAccepted, cancellationToken);
                return ("kind", k);
            case 4:
                await SetAsync(db, k, "actor", entry.Actor + "x", cancellationToken);
                return ("actor", k);
            case 5:
                await SetAsync(db, k, "time_us", LedgerTime.ToUnixMicroseconds(entry.Time) + random.Next(1, 1_000_000), cancellationToken);
                return ("time", k);
            case 6:
                await ExecuteAsync(db, "DELETE FROM ledger_entries WHERE sequence = @p0", cancellationToken, (long)k);
                return ("delete-row", k);
            case 7 when n > 1:
                var j = random.Next(1, n + 1);
                while (j == k)
                {
                    j = random.Next(1, n + 1);
                }
                var (lo, hi) = (Math.Min(j, k), Math.Max(j, k));
                await ExecuteAsync(db, "UPDATE ledger_entries SET sequence = -1 WHERE sequence = @p0", cancellationToken, (long)lo);
                await ExecuteAsync(db, "UPDATE ledger_entries SET sequence = @p0 WHERE sequence = @p1", cancellationToken, (long)lo, (long)hi);
                await ExecuteAsync(db, "UPDATE ledger_entries SET sequence = @p0 WHERE sequence = -1", cancellationToken, (long)hi);
                return ("swap-rows", lo);
            case 8:
                // A copy of an entry appended at the end: its previous hash is not the last entry's hash.
                await ExecuteAsync(db,
                    "INSERT INTO ledger_entries (sequence, kind, payload, actor, time_us, previous_hash, hash) " +
                    "SELECT @p0, kind, payload, actor, time_us, previous_hash, hash FROM ledger_entries WHERE sequence = @p1",
                    cancellationToken, (long)n + 1, (long)k);
                return ("duplicate-row", n + 1);
            case 9:
                await ExecuteAsync(db, "DELETE FROM ledger_entries WHERE sequence >= @p0", cancellationToken, (long)k);
                return ("truncate-tail", k);
            case 10:
                // A careful forger rewrites an entry and recomputes its hash: the next entry's link breaks,
                // or, for the last entry, the signed checkpoint no longer matches.
                var actor = entry.Actor + " (sửa)";
                var hash = LedgerHasher.ComputeHash(entry.Sequence, entry.Kind, entry.Payload, actor, entry.Time, entry.PreviousHash);
                await ExecuteAsync(db, "UPDATE ledger_entries SET actor = @p0, hash = @p1 WHERE sequence = @p2", cancellationToken, actor, hash, (long)k);
                return ("rewrite-with-hash", k == n ? n : k + 1);
            default:
                await SetAsync(db, k, "payload", entry.Payload[..^1], cancellationToken);
                return ("payload-truncated", k);
        }
    }

    private static Task SetAsync(NrisDbContext db, long sequence, string column, object value, CancellationToken cancellationToken) =>
        ExecuteAsync(db, $"UPDATE ledger_entries SET {column} = @p0 WHERE sequence = @p1", cancellationToken, value, sequence);

    private static byte[] Flip(byte[] bytes, Random random)
    {
        var copy = bytes.ToArray();
        copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
        return copy;
    }
}
