using System.Security.Cryptography;
using System.Text;
using Nris.Core.Ledger;

namespace Nris.Core.Tests.Ledger;

public class LedgerHasherTests
{
    private const long Sequence = 42;
    private const string Kind = "submission.accepted";
    private const string Actor = "ubnd-tinh-ha-noi/nguyễn.văn.an";
    private static readonly byte[] Payload = """{"period":"2026-M05","value":1.5}"""u8.ToArray();
    private static readonly DateTimeOffset Time = new DateTimeOffset(2026, 5, 14, 8, 30, 15, TimeSpan.Zero).AddTicks(1_234_560);
    private static readonly byte[] Previous = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    // Computed once from the layout written out below (and cross-checked with a Python script) and pinned:
    // if this changes, every stored ledger breaks.
    private const string PinnedHash = "763adc354315a0e44f4aa45a23626c5ccc32d17456a0d57e3106ddedc73fc18c";

    /// <summary>The v1 layout written out by hand, independently of the production code.</summary>
    private static byte[] HandMadePreimage()
    {
        var bytes = new List<byte>();
        void U32(int n) => bytes.AddRange([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
        void I64(long n)
        {
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                bytes.Add((byte)(n >> shift));
            }
        }
        void Field(byte[] b)
        {
            U32(b.Length);
            bytes.AddRange(b);
        }

        Field("nris-ledger-v1"u8.ToArray());
        I64(Sequence);
        Field(Encoding.UTF8.GetBytes(Kind));
        Field(Payload);
        Field(Encoding.UTF8.GetBytes(Actor));
        // 2026-05-14T08:30:15.123456Z in microseconds since the Unix epoch.
        I64(1_778_747_415_123_456);
        bytes.AddRange(Previous);
        return bytes.ToArray();
    }

    [Fact]
    public void The_hash_layout_is_pinned()
    {
        var expected = SHA256.HashData(HandMadePreimage());
        Assert.Equal(PinnedHash, Convert.ToHexStringLower(expected));
        Assert.Equal(expected, LedgerHasher.ComputeHash(Sequence, Kind, Payload, Actor, Time, Previous));
    }

    [Fact]
    public void The_pinned_time_is_what_the_hand_made_layout_says()
    {
        Assert.Equal(1_778_747_415_123_456, LedgerTime.ToUnixMicroseconds(Time));
        Assert.Equal(Time, LedgerTime.FromUnixMicroseconds(1_778_747_415_123_456));
    }

    [Fact]
    public void The_entry_overload_hashes_the_same_fields()
    {
        var entry = new LedgerEntry(Sequence, Kind, Payload, Actor, Time, Previous, []);
        Assert.Equal(LedgerHasher.ComputeHash(Sequence, Kind, Payload, Actor, Time, Previous), LedgerHasher.ComputeHash(entry));
    }

    [Fact]
    public void Length_prefixes_keep_field_boundaries_apart()
    {
        var a = LedgerHasher.ComputeHash(1, "ab", "1"u8, "c", Time, Previous);
        var b = LedgerHasher.ComputeHash(1, "a", "1"u8, "bc", Time, Previous);
        var c = LedgerHasher.ComputeHash(1, "a", "b1"u8, "c", Time, Previous);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(b, c);
    }

    [Fact]
    public void Only_the_instant_is_hashed_not_the_offset()
    {
        Assert.Equal(
            LedgerHasher.ComputeHash(1, Kind, Payload, Actor, Time, Previous),
            LedgerHasher.ComputeHash(1, Kind, Payload, Actor, Time.ToOffset(TimeSpan.FromHours(7)), Previous));
    }

    [Fact]
    public void Unhashable_input_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => LedgerHasher.ComputeHash(1, Kind, Payload, Actor, Time.AddTicks(1), Previous));
        Assert.Throws<ArgumentException>(() => LedgerHasher.ComputeHash(1, Kind, Payload, Actor, Time, new byte[31]));
        Assert.Throws<ArgumentException>(() => LedgerHasher.ComputeHash(1, "a\ud800", Payload, Actor, Time, Previous));
        Assert.Throws<ArgumentException>(() => LedgerHasher.ComputeHash(1, Kind, Payload, "\udc00", Time, Previous));
    }

    [Fact]
    public void Ledger_time_is_utc_microseconds()
    {
        var local = new DateTimeOffset(2026, 5, 14, 15, 30, 15, TimeSpan.FromHours(7)).AddTicks(1_234_567);
        var normalized = LedgerTime.Normalize(local);
        Assert.Equal(TimeSpan.Zero, normalized.Offset);
        Assert.Equal(Time, normalized);
        Assert.True(LedgerTime.HasMicrosecondPrecision(normalized));
        Assert.False(LedgerTime.HasMicrosecondPrecision(local));
        Assert.Equal(normalized, LedgerTime.Normalize(normalized));
        // Before the epoch too: truncation goes toward the earlier microsecond boundary of the tick count.
        var old = new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-3);
        Assert.Equal(LedgerTime.Normalize(old), LedgerTime.FromUnixMicroseconds(LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(old))));
    }
}
