namespace Nris.Storage.Ledger;

/// <summary>
/// A stored ledger entry. Init-only on purpose: there is no code path that changes an entry once written, and the
/// database refuses UPDATE and DELETE on the table with a trigger as well. The sequence is not store-generated:
/// the appender computes last + 1 inside the serialized transaction, which is what keeps it gapless.
/// </summary>
public sealed class LedgerEntryEntity
{
    public long Sequence { get; init; }
    public required string Kind { get; init; }
    public required byte[] Payload { get; init; }
    public required string Actor { get; init; }

    /// <summary>Microseconds since the Unix epoch, UTC: exactly what the hash covers, identical on both databases.</summary>
    public long TimeUs { get; init; }

    public required byte[] PreviousHash { get; init; }
    public required byte[] Hash { get; init; }
}

/// <summary>A stored signed checkpoint over (sequence, hash, time); append-only like the entries.</summary>
public sealed class LedgerCheckpointEntity
{
    public long Id { get; init; }
    public long Sequence { get; init; }
    public required byte[] Hash { get; init; }
    public long TimeUs { get; init; }
    public required string KeyId { get; init; }
    public required byte[] Signature { get; init; }
}
