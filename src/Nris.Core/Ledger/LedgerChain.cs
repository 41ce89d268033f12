namespace Nris.Core.Ledger;

/// <summary>
/// Creates the next ledger entry from the end of the chain. Pure: it computes, storage writes. Two writers that
/// both append after the same entry produce two entries with the same sequence; storage must let only one of them
/// in (a unique sequence, inside the transaction that read the last entry).
/// </summary>
public static class LedgerChain
{
    /// <summary>The sequence number of the first entry.</summary>
    public const long FirstSequence = 1;

    /// <summary>The <see cref="LedgerEntry.PreviousHash"/> of the first entry: 32 zero bytes (a fresh array each time).</summary>
    public static byte[] GenesisPreviousHash => new byte[LedgerHasher.HashSize];

    /// <summary>Creates the entry that follows <paramref name="last"/>, or the first entry when it is <see langword="null"/>.</summary>
    /// <param name="last">The current last entry, or <see langword="null"/> for an empty ledger.</param>
    /// <param name="kind">A well-formed kind (<see cref="LedgerEntryKind.IsWellFormed"/>).</param>
    /// <param name="payload">Canonical JSON (<see cref="CanonicalJson"/>); copied, so later changes to the array do not reach the entry.</param>
    /// <param name="actor">Who causes the entry: non-empty, no control characters.</param>
    /// <param name="time">When; stored in UTC truncated to microseconds (<see cref="LedgerTime.Normalize"/>).</param>
    /// <returns>The new entry, hash computed.</returns>
    /// <exception cref="ArgumentException">The kind, payload or actor is not acceptable.</exception>
    public static LedgerEntry CreateNext(LedgerEntry? last, string kind, byte[] payload, string actor, DateTimeOffset time) =>
        last is null
            ? CreateNext(0, GenesisPreviousHash, kind, payload, actor, time)
            : CreateNext(last.Sequence, last.Hash, kind, payload, actor, time);

    /// <summary>
    /// Creates the entry that follows the one with sequence <paramref name="lastSequence"/> and hash
    /// <paramref name="lastHash"/>, so that storage need only read the head of the ledger.
    /// For an empty ledger pass 0 and <see cref="GenesisPreviousHash"/>.
    /// </summary>
    /// <param name="lastSequence">The last entry's sequence, or 0 for an empty ledger.</param>
    /// <param name="lastHash">The last entry's hash, or 32 zero bytes for an empty ledger.</param>
    /// <param name="kind">A well-formed kind (<see cref="LedgerEntryKind.IsWellFormed"/>).</param>
    /// <param name="payload">Canonical JSON; copied.</param>
    /// <param name="actor">Who causes the entry: non-empty, no control characters.</param>
    /// <param name="time">When; normalized to UTC microseconds.</param>
    /// <returns>The new entry, hash computed.</returns>
    /// <exception cref="ArgumentException">An argument is not acceptable (see the parameters).</exception>
    public static LedgerEntry CreateNext(
        long lastSequence, ReadOnlySpan<byte> lastHash, string kind, byte[] payload, string actor, DateTimeOffset time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastSequence);
        ArgumentOutOfRangeException.ThrowIfEqual(lastSequence, long.MaxValue);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(actor);
        if (lastHash.Length != LedgerHasher.HashSize)
        {
            throw new ArgumentException($"The last hash must be {LedgerHasher.HashSize} bytes.", nameof(lastHash));
        }
        if (lastSequence == 0 && lastHash.ContainsAnyExcept((byte)0))
        {
            // Only the first entry may follow the all-zero hash, and it must.
            throw new ArgumentException("The first entry's previous hash must be 32 zero bytes.", nameof(lastHash));
        }
        if (!LedgerEntryKind.IsWellFormed(kind))
        {
            throw new ArgumentException($"'{kind}' is not a well-formed ledger entry kind.", nameof(kind));
        }
        if (string.IsNullOrWhiteSpace(actor) || actor.Any(char.IsControl))
        {
            throw new ArgumentException("The actor must be non-empty and have no control characters.", nameof(actor));
        }
        var ownPayload = (byte[])payload.Clone();
        // Canonical here means the hash is reproducible from any faithful copy of the payload. Bytes that Core's own
        // canonical writer produced (a 100,000-value submission) skip the full re-parse, but only while unchanged.
        if (!CanonicalJson.IsVouched(payload, ownPayload) && !CanonicalJson.IsCanonical(ownPayload))
        {
            throw new ArgumentException("The payload must be canonical JSON; pass it through CanonicalJson first.", nameof(payload));
        }

        var sequence = lastSequence + 1;
        var previousHash = lastHash.ToArray();
        var normalizedTime = LedgerTime.Normalize(time);
        var hash = LedgerHasher.ComputeHash(sequence, kind, ownPayload, actor, normalizedTime, previousHash);
        return new LedgerEntry(sequence, kind, ownPayload, actor, normalizedTime, previousHash, hash);
    }
}
