using Nris.Core.Ledger;

namespace Nris.Core.Tests.Ledger;

public class LedgerChainTests
{
    private static readonly byte[] Payload = """{"a":1}"""u8.ToArray();
    private static readonly DateTimeOffset Time = new(2026, 5, 14, 15, 30, 0, TimeSpan.FromHours(7));

    [Fact]
    public void The_first_entry_has_sequence_1_and_a_zero_previous_hash()
    {
        var first = LedgerChain.CreateNext(null, LedgerEntryKind.SubmissionSubmitted, Payload, "ubnd-tinh-01", Time);
        Assert.Equal(1, first.Sequence);
        Assert.Equal(new byte[32], first.PreviousHash);
        Assert.Equal(LedgerHasher.ComputeHash(first), first.Hash);
        Assert.Equal(32, first.Hash.Length);
    }

    [Fact]
    public void The_next_entry_links_to_the_last()
    {
        var first = LedgerChain.CreateNext(null, LedgerEntryKind.SubmissionSubmitted, Payload, "ubnd-tinh-01", Time);
        var second = LedgerChain.CreateNext(first, LedgerEntryKind.SubmissionAccepted, Payload, "bo-tai-chinh", Time.AddMinutes(1));
        Assert.Equal(2, second.Sequence);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.NotSame(first.Hash, second.PreviousHash);
        Assert.Equal(second, LedgerChain.CreateNext(first.Sequence, first.Hash, LedgerEntryKind.SubmissionAccepted, Payload,
            "bo-tai-chinh", Time.AddMinutes(1)));
    }

    [Fact]
    public void Time_is_stored_in_utc_truncated_to_microseconds()
    {
        var entry = LedgerChain.CreateNext(null, LedgerEntryKind.CatalogueChanged, Payload, "admin", Time.AddTicks(1_234_567));
        Assert.Equal(TimeSpan.Zero, entry.Time.Offset);
        Assert.Equal(Time.AddTicks(1_234_560), entry.Time);
        // What a database keeping microseconds gives back is the entry that was hashed.
        var roundTripped = entry with { Time = LedgerTime.FromUnixMicroseconds(LedgerTime.ToUnixMicroseconds(entry.Time)) };
        Assert.Equal(entry.Hash, LedgerHasher.ComputeHash(roundTripped));
    }

    [Fact]
    public void The_payload_is_copied()
    {
        var payload = (byte[])Payload.Clone();
        var entry = LedgerChain.CreateNext(null, LedgerEntryKind.CatalogueChanged, payload, "admin", Time);
        payload[^2] = (byte)'2';
        Assert.Equal(Payload, entry.Payload);
    }

    [Fact]
    public void Entries_compare_by_content()
    {
        var entry = LedgerChain.CreateNext(null, LedgerEntryKind.CatalogueChanged, Payload, "admin", Time);
        var copy = new LedgerEntry(entry.Sequence, entry.Kind, (byte[])entry.Payload.Clone(), entry.Actor,
            entry.Time.ToOffset(TimeSpan.FromHours(7)), (byte[])entry.PreviousHash.Clone(), (byte[])entry.Hash.Clone());
        Assert.Equal(entry, copy);
        Assert.Equal(entry.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(entry, copy with { Hash = LedgerTestData.FlipBit(entry.Hash, 3) });
    }

    [Theory]
    [InlineData("""{"b":1,"a":2}""")]
    [InlineData("""{"a": 1}""")]
    [InlineData("1.50")]
    [InlineData("not json")]
    [InlineData("")]
    public void A_payload_that_is_not_canonical_JSON_is_rejected(string payload) =>
        Assert.Throws<ArgumentException>(() =>
            LedgerChain.CreateNext(null, LedgerEntryKind.CatalogueChanged, System.Text.Encoding.UTF8.GetBytes(payload), "admin", Time));

    [Theory]
    [InlineData("")]
    [InlineData("Submission.Submitted")]
    [InlineData("submission..submitted")]
    [InlineData(".submission")]
    [InlineData("submission.")]
    [InlineData("1submission")]
    [InlineData("submission submitted")]
    [InlineData("báo.cáo")]
    public void A_malformed_kind_is_rejected(string kind)
    {
        Assert.False(LedgerEntryKind.IsWellFormed(kind));
        Assert.Throws<ArgumentException>(() => LedgerChain.CreateNext(null, kind, Payload, "admin", Time));
    }

    [Theory]
    [InlineData(LedgerEntryKind.SubmissionSubmitted)]
    [InlineData(LedgerEntryKind.SubmissionAccepted)]
    [InlineData(LedgerEntryKind.SubmissionReturned)]
    [InlineData(LedgerEntryKind.SubmissionReopened)]
    [InlineData(LedgerEntryKind.SubmissionRevised)]
    [InlineData(LedgerEntryKind.CatalogueChanged)]
    [InlineData("federation.received-v2")]
    [InlineData("x")]
    public void Known_and_new_kinds_are_well_formed(string kind) => Assert.True(LedgerEntryKind.IsWellFormed(kind));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("admin\n")]
    public void A_blank_actor_or_one_with_control_characters_is_rejected(string actor) =>
        Assert.Throws<ArgumentException>(() => LedgerChain.CreateNext(null, LedgerEntryKind.CatalogueChanged, Payload, actor, Time));

    [Fact]
    public void A_head_must_be_consistent()
    {
        Assert.Throws<ArgumentException>(() => LedgerChain.CreateNext(0, new byte[31], LedgerEntryKind.CatalogueChanged, Payload, "a", Time));
        Assert.Throws<ArgumentException>(() => LedgerChain.CreateNext(0, Enumerable.Repeat((byte)1, 32).ToArray(),
            LedgerEntryKind.CatalogueChanged, Payload, "a", Time));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerChain.CreateNext(-1, new byte[32], LedgerEntryKind.CatalogueChanged, Payload, "a", Time));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            LedgerChain.CreateNext(long.MaxValue, new byte[32], LedgerEntryKind.CatalogueChanged, Payload, "a", Time));
    }
}
