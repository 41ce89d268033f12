using System.Buffers.Binary;
using System.Text;

namespace Nris.Core.Ledger;

/// <summary>
/// A signed statement by the instance that entry <see cref="Sequence"/> of its ledger had hash <see cref="Hash"/>
/// at <see cref="Time"/>. Because each hash covers every entry before it, a checkpoint fixes the whole ledger up to
/// its sequence: rewriting any of it, even with all hashes recomputed, no longer matches the signed hash, and
/// removing entries from the end leaves a checkpoint pointing past the end.
/// </summary>
/// <param name="Sequence">The sequence of the entry the checkpoint covers.</param>
/// <param name="Hash">That entry's hash (32 bytes).</param>
/// <param name="Time">When the checkpoint was signed: UTC, microsecond precision.</param>
/// <param name="KeyId">Which key signed it: <see cref="CheckpointSigner.KeyId"/>.</param>
/// <param name="Signature">ECDSA P-256 / SHA-256 signature over <see cref="SignedBytes"/>, as r‖s (64 bytes, IEEE P1363).</param>
/// <remarks>
/// <para>The signed bytes are the concatenation of:</para>
/// <list type="number">
/// <item><c>u32be(18)</c> then the 18 ASCII bytes <c>nris-checkpoint-v1</c> (<see cref="VersionTag"/>);</item>
/// <item><c>i64be(sequence)</c>: 8 bytes, big-endian;</item>
/// <item>the entry hash: exactly 32 bytes;</item>
/// <item><c>i64be(time)</c>: microseconds since 1970-01-01T00:00:00Z, big-endian.</item>
/// </list>
/// <para>The tag keeps a checkpoint signature from ever being mistaken for a signature over anything else made with
/// the same key. The key id is not signed: a signature verifies only under the key that made it anyway.</para>
/// <para>Equality compares the byte arrays by content.</para>
/// </remarks>
public sealed record Checkpoint(long Sequence, byte[] Hash, DateTimeOffset Time, string KeyId, byte[] Signature)
{
    /// <summary>The version tag that starts the signed bytes.</summary>
    public const string VersionTag = "nris-checkpoint-v1";

    /// <summary>The bytes the signature covers, laid out as the remarks say.</summary>
    /// <returns>The signed bytes.</returns>
    /// <exception cref="ArgumentException">The hash is not 32 bytes or the time has a sub-microsecond part.</exception>
    public byte[] SignedBytes() => SignedBytesOf(Sequence, Hash, Time);

    internal static byte[] SignedBytesOf(long sequence, ReadOnlySpan<byte> hash, DateTimeOffset time)
    {
        if (hash.Length != LedgerHasher.HashSize)
        {
            throw new ArgumentException($"A checkpoint hash must be {LedgerHasher.HashSize} bytes.", nameof(hash));
        }
        var microseconds = LedgerTime.ToUnixMicroseconds(time);
        var tag = Encoding.ASCII.GetBytes(VersionTag);
        var bytes = new byte[4 + tag.Length + 8 + LedgerHasher.HashSize + 8];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)tag.Length);
        tag.CopyTo(span[4..]);
        span = span[(4 + tag.Length)..];
        BinaryPrimitives.WriteInt64BigEndian(span, sequence);
        hash.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt64BigEndian(span[(8 + LedgerHasher.HashSize)..], microseconds);
        return bytes;
    }

    /// <summary>Compares every field, byte arrays by content.</summary>
    /// <param name="other">The checkpoint to compare with.</param>
    /// <returns><see langword="true"/> when all fields are equal.</returns>
    public bool Equals(Checkpoint? other) =>
        other is not null
        && Sequence == other.Sequence
        && Time.Equals(other.Time)
        && string.Equals(KeyId, other.KeyId, StringComparison.Ordinal)
        && Bytes.Equal(Hash, other.Hash)
        && Bytes.Equal(Signature, other.Signature);

    /// <summary>A hash code consistent with <see cref="Equals(Checkpoint)"/>.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Sequence, Time, KeyId, Bytes.HashCodeOf(Hash));
}
