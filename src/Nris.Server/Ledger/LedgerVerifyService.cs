using Nris.Core.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Server.Ledger;

/// <summary>Recomputes the stored ledger and its checkpoints (what `nris verify` runs).</summary>
public sealed class LedgerVerifyService(NrisDbContext db, CheckpointService checkpoints)
{
    /// <summary>Streams every stored entry and checkpoint through <see cref="LedgerVerifier"/>.</summary>
    public async Task<LedgerVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var store = new LedgerStore(db);
        // Checkpoints first, into memory: the entries are streamed on the same connection.
        var list = await store.ListCheckpointsAsync(cancellationToken);
        using var verifier = checkpoints.CreateVerifier();
        // From the smallest possible sequence, so that a row renumbered to 0 or below is seen, not skipped.
        return await LedgerVerifier.VerifyAsync(store.ReadAsync(long.MinValue, cancellationToken), list, verifier, cancellationToken);
    }
}
