namespace Nris.Core.Ledger;

/// <summary>
/// One entry of the append-only ledger. Entries are never updated or deleted; each names the hash of the one before,
/// so changing any entry breaks the chain from there on. Create entries with <see cref="LedgerChain"/>; storage
/// re-creates them field by field with this constructor.
/// </summary>
/// <param name="Sequence">Position in the ledger: 1 for the first entry, then gapless.</param>
/// <param name="Kind">What the entry records, one of <see cref="LedgerEntryKind"/>'s kinds or another well-formed kind.</param>
/// <param name="Payload">The entry's content as canonical JSON in UTF-8 (<see cref="CanonicalJson"/>).</param>
/// <param name="Actor">Who caused the entry: a user or service identifier.</param>
/// <param name="Time">When the entry was made: UTC, microsecond precision (<see cref="LedgerTime"/>).</param>
/// <param name="PreviousHash">The previous entry's <see cref="Hash"/>; 32 zero bytes for the first entry.</param>
/// <param name="Hash">SHA-256 of this entry as <see cref="LedgerHasher"/> lays it out (32 bytes).</param>
/// <remarks>
/// Equality compares the contents of the byte arrays and the instants of <see cref="Time"/>, so an entry read back
/// from storage equals the one written. The arrays are not copied: do not change them after construction.
/// </remarks>
public sealed record LedgerEntry(
    long Sequence,
    string Kind,
    byte[] Payload,
    string Actor,
    DateTimeOffset Time,
    byte[] PreviousHash,
    byte[] Hash)
{
    /// <summary>Compares every field, byte arrays by content.</summary>
    /// <param name="other">The entry to compare with.</param>
    /// <returns><see langword="true"/> when all fields are equal.</returns>
    public bool Equals(LedgerEntry? other) =>
        other is not null
        && Sequence == other.Sequence
        && string.Equals(Kind, other.Kind, StringComparison.Ordinal)
        && string.Equals(Actor, other.Actor, StringComparison.Ordinal)
        && Time.Equals(other.Time)
        && Bytes.Equal(Payload, other.Payload)
        && Bytes.Equal(PreviousHash, other.PreviousHash)
        && Bytes.Equal(Hash, other.Hash);

    /// <summary>A hash code consistent with <see cref="Equals(LedgerEntry)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Sequence, Kind, Time, Bytes.HashCodeOf(Hash));
}

/// <summary>Byte-array helpers shared by the ledger's records.</summary>
internal static class Bytes
{
    public static bool Equal(byte[]? a, byte[]? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.AsSpan().SequenceEqual(b));

    public static int HashCodeOf(byte[]? bytes)
    {
        var hash = new HashCode();
        if (bytes is not null)
        {
            hash.AddBytes(bytes);
        }
        return hash.ToHashCode();
    }
}
