using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Tests.Ledger;

/// <summary>
/// A payload from SubmissionPayload.Build skips the ledger's full canonical re-check, but only while its bytes are the
/// ones that were built: any later change must send it through the full check again.
/// </summary>
public sealed class VouchedPayloadTests
{
    private static readonly DateTimeOffset Time = new(2026, 3, 20, 8, 0, 0, TimeSpan.Zero);

    private static byte[] Built() => SubmissionPayload.Build(new SubmissionDocument(
        new ReportKey("KTXH-TINH-THANG", Period.Month(2026, 3), "UBND.01"), 2, 1, null,
        [new("A", "_T", "01", 1.5m, null, null), new("B", "_T", "01", null, "Hà Nội", null)], []));

    [Fact]
    public void A_built_payload_is_appended_unchanged()
    {
        var payload = Built();
        var entry = LedgerChain.CreateNext(null, LedgerEntryKind.SubmissionSubmitted, payload, "ubnd-tinh-01", Time);
        Assert.Equal(payload, entry.Payload);
        Assert.NotSame(payload, entry.Payload);
    }

    [Fact]
    public void A_built_payload_changed_afterwards_into_non_canonical_bytes_is_refused()
    {
        var payload = Built();
        // Same length, no longer canonical: a space where the opening brace was.
        payload[0] = (byte)' ';
        Assert.Throws<ArgumentException>(() => LedgerChain.CreateNext(null, LedgerEntryKind.SubmissionSubmitted, payload, "ubnd-tinh-01", Time));
    }

    [Fact]
    public void A_built_payload_changed_afterwards_but_still_canonical_is_checked_and_accepted()
    {
        var payload = Built();
        var text = System.Text.Encoding.UTF8.GetString(payload);
        var index = text.IndexOf("\"number\":1.5", StringComparison.Ordinal);
        Assert.True(index > 0);
        // 1.5 → 2.5: still canonical, so the full check (not the stale vouch) lets it through with the new bytes.
        payload[System.Text.Encoding.UTF8.GetByteCount(text[..index]) + "\"number\":".Length] = (byte)'2';
        var entry = LedgerChain.CreateNext(null, LedgerEntryKind.SubmissionSubmitted, payload, "ubnd-tinh-01", Time);
        Assert.Contains("\"number\":2.5", System.Text.Encoding.UTF8.GetString(entry.Payload), StringComparison.Ordinal);
        Assert.True(CanonicalJson.IsCanonical(entry.Payload));
    }

    [Fact]
    public void A_hand_made_non_canonical_payload_is_still_refused()
    {
        Assert.Throws<ArgumentException>(() =>
            LedgerChain.CreateNext(null, LedgerEntryKind.SubmissionSubmitted, "{ \"a\": 1 }"u8.ToArray(), "ubnd-tinh-01", Time));
    }
}
