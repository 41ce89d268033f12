namespace Nris.Core.Ledger;

/// <summary>The first problem <see cref="LedgerVerifier"/> found, for programs; people read the reasons.</summary>
public enum LedgerProblem
{
    /// <summary>No problem: the ledger verified.</summary>
    None,

    /// <summary>The entry at this position has another sequence number: an entry is missing, repeated or out of order.</summary>
    SequenceMismatch,

    /// <summary>The entry lacks a field, has a hash that is not 32 bytes, a time finer than microseconds or invalid text.</summary>
    MalformedEntry,

    /// <summary>The entry's previous hash is not the hash of the entry before it (32 zero bytes for the first).</summary>
    PreviousHashMismatch,

    /// <summary>The entry's stored hash is not the hash of its contents: the entry was changed.</summary>
    HashMismatch,

    /// <summary>A checkpoint is signed with a key the verifier does not trust.</summary>
    CheckpointUnknownKey,

    /// <summary>A checkpoint's signature does not verify, or the checkpoint is malformed.</summary>
    CheckpointBadSignature,

    /// <summary>A correctly signed checkpoint names another hash than the entry has: the ledger was rewritten up to here.</summary>
    CheckpointHashMismatch,

    /// <summary>A correctly signed checkpoint names an entry after the last one: entries were removed from the end.</summary>
    CheckpointPastEnd,

    /// <summary>The checkpoints were not given in ascending sequence order (or one names a sequence below 1).</summary>
    CheckpointsOutOfOrder,
}

/// <summary>The outcome of verifying a ledger.</summary>
/// <param name="Ok">Whether every entry and checkpoint verified.</param>
/// <param name="EntriesChecked">How many entries verified, counting from the first, before the first problem
/// (all of them when <paramref name="Ok"/>).</param>
/// <param name="FirstBadSequence">
/// Where the first problem is, as a sequence number, or <see langword="null"/> when the ledger verified:
/// for a problem with an entry, the sequence the entry at that position should have (so a missing entry is named by
/// its own number); for a checkpoint that fails at an entry, that entry's sequence; for a checkpoint past the end,
/// the first missing sequence (last + 1); <see langword="null"/> for <see cref="LedgerProblem.CheckpointsOutOfOrder"/>,
/// which is a fault of the checkpoint list rather than of an entry.
/// </param>
/// <param name="ReasonVi">What was found, in Vietnamese.</param>
/// <param name="ReasonEn">What was found, in English.</param>
public sealed record LedgerVerification(bool Ok, long EntriesChecked, long? FirstBadSequence, string ReasonVi, string ReasonEn)
{
    /// <summary>The first problem found, or <see cref="LedgerProblem.None"/>.</summary>
    public LedgerProblem Problem { get; init; }

    /// <summary>How many checkpoints verified before the first problem (all of them when <see cref="Ok"/>).</summary>
    public long CheckpointsChecked { get; init; }
}
