using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Nris.Core.Ledger;

/// <summary>
/// Computes a ledger entry's hash. The byte layout is part of the ledger's format: every entry ever written is
/// hashed this way, so it must never change; a new layout would need a new <see cref="VersionTag"/>.
/// </summary>
/// <remarks>
/// <para>The hash is SHA-256 over the concatenation of these fields, in this order:</para>
/// <list type="number">
/// <item><c>u32be(14)</c> then the 14 ASCII bytes <c>nris-ledger-v1</c> (<see cref="VersionTag"/>).</item>
/// <item><c>i64be(sequence)</c>: 8 bytes, big-endian two's complement.</item>
/// <item><c>u32be(len)</c> then the kind in UTF-8 (<c>len</c> bytes).</item>
/// <item><c>u32be(len)</c> then the payload bytes exactly as stored (canonical JSON, UTF-8).</item>
/// <item><c>u32be(len)</c> then the actor in UTF-8.</item>
/// <item><c>i64be(time)</c>: the time as microseconds since 1970-01-01T00:00:00Z (negative before), big-endian.</item>
/// <item>The previous entry's hash: exactly 32 bytes, no length prefix (32 zero bytes for the first entry).</item>
/// </list>
/// <para><c>u32be</c> is an unsigned 32-bit big-endian byte count. Strings are encoded as UTF-8 without a byte order
/// mark, exactly as given (no normalization); an unpaired surrogate is an error. Every variable-length field is
/// length-prefixed, so no two different entries share an input to SHA-256.</para>
/// </remarks>
public static class LedgerHasher
{
    /// <summary>The version tag that starts every hashed entry.</summary>
    public const string VersionTag = "nris-ledger-v1";

    /// <summary>The size of a hash in bytes (SHA-256).</summary>
    public const int HashSize = 32;

    private static readonly byte[] VersionTagBytes = Encoding.ASCII.GetBytes(VersionTag);

    // Strict so that two different strings (one with an unpaired surrogate) cannot hash alike via U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Computes the hash of an entry from its fields, laid out as the type's remarks say.</summary>
    /// <param name="sequence">The entry's sequence number.</param>
    /// <param name="kind">The entry's kind.</param>
    /// <param name="payload">The entry's payload bytes.</param>
    /// <param name="actor">Who caused the entry.</param>
    /// <param name="time">When; must have microsecond precision (<see cref="LedgerTime.Normalize"/>).</param>
    /// <param name="previousHash">The previous entry's hash, 32 bytes.</param>
    /// <returns>The 32-byte SHA-256 hash.</returns>
    /// <exception cref="ArgumentException">The previous hash is not 32 bytes, the time has a sub-microsecond part,
    /// or a string is not valid Unicode.</exception>
    public static byte[] ComputeHash(
        long sequence,
        string kind,
        ReadOnlySpan<byte> payload,
        string actor,
        DateTimeOffset time,
        ReadOnlySpan<byte> previousHash)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(actor);
        if (previousHash.Length != HashSize)
        {
            throw new ArgumentException($"The previous hash must be {HashSize} bytes.", nameof(previousHash));
        }
        var microseconds = LedgerTime.ToUnixMicroseconds(time);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        AppendWithLength(sha, VersionTagBytes, number);
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        sha.AppendData(number);
        AppendWithLength(sha, Encode(kind, nameof(kind)), number);
        AppendWithLength(sha, payload, number);
        AppendWithLength(sha, Encode(actor, nameof(actor)), number);
        BinaryPrimitives.WriteInt64BigEndian(number, microseconds);
        sha.AppendData(number);
        sha.AppendData(previousHash);
        return sha.GetHashAndReset();
    }

    /// <summary>Recomputes the hash of an entry from its fields (ignoring its stored <see cref="LedgerEntry.Hash"/>).</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The 32-byte hash the entry should carry.</returns>
    /// <exception cref="ArgumentException">As for the field overload.</exception>
    public static byte[] ComputeHash(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ComputeHash(entry.Sequence, entry.Kind, entry.Payload, entry.Actor, entry.Time, entry.PreviousHash);
    }

    private static byte[] Encode(string s, string parameter)
    {
        try
        {
            return StrictUtf8.GetBytes(s);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The text is not valid Unicode (an unpaired surrogate).", parameter, ex);
        }
    }

    private static void AppendWithLength(IncrementalHash sha, ReadOnlySpan<byte> field, Span<byte> scratch)
    {
        BinaryPrimitives.WriteUInt32BigEndian(scratch, (uint)field.Length);
        sha.AppendData(scratch[..4]);
        sha.AppendData(field);
    }
}
