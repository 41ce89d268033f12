using System.Text;
using Nris.Core.Federation;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Tests.Federation;

/// <summary>The parent's pure checks of a forwarded chain, and reading a forwarded payload back.</summary>
public sealed class FederationChainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 1, 2, 3, TimeSpan.Zero);

    private static List<LedgerEntry> Chain(int count)
    {
        var entries = new List<LedgerEntry>();
        for (var i = 0; i < count; i++)
        {
            var payload = CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));
            entries.Add(LedgerChain.CreateNext(entries.Count == 0 ? null : entries[^1], "catalogue.changed", payload, "tester", T0.AddSeconds(i)));
        }
        return entries;
    }

    private static ForwardedEntry Shared(LedgerEntry e) => new(e.Sequence, e.Kind, e.Payload, e.Actor, e.Time, e.PreviousHash, e.Hash);

    private static ForwardedEntry Redacted(LedgerEntry e) => new(e.Sequence, e.Kind, null, null, e.Time, e.PreviousHash, e.Hash);

    [Fact]
    public void A_genuine_chain_passes_shared_or_redacted()
    {
        var chain = Chain(4);
        long last = 0;
        var hash = LedgerChain.GenesisPreviousHash;
        for (var i = 0; i < chain.Count; i++)
        {
            Assert.Null(FederationChain.CheckNext(last, hash, i % 2 == 0 ? Shared(chain[i]) : Redacted(chain[i])));
            last = chain[i].Sequence;
            hash = chain[i].Hash;
        }
    }

    [Fact]
    public void Altered_content_a_wrong_previous_hash_and_a_skipped_entry_are_each_named()
    {
        var chain = Chain(3);
        var altered = Shared(chain[1]) with { Payload = CanonicalJson.Canonicalize("{\"n\":99}"u8.ToArray()) };
        Assert.Equal("hash-mismatch", FederationChain.CheckNext(1, chain[0].Hash, altered)!.Code);
        Assert.Equal("chain-break", FederationChain.CheckNext(1, chain[2].Hash, Redacted(chain[1]))!.Code);
        Assert.Equal("out-of-order", FederationChain.CheckNext(1, chain[0].Hash, Redacted(chain[2]))!.Code);
        var actorChanged = Shared(chain[1]) with { Actor = "someone-else" };
        Assert.Equal("hash-mismatch", FederationChain.CheckNext(1, chain[0].Hash, actorChanged)!.Code);
    }

    [Fact]
    public void A_checkpoint_must_verify_under_the_registered_key_and_sign_the_chain_s_hash()
    {
        var chain = Chain(2);
        using var signer = CheckpointSigner.Create();
        using var other = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([signer.ExportPublicKeyPem()]);
        var checkpoint = signer.Sign(chain[1], T0);
        Assert.Null(FederationChain.CheckCheckpoint(verifier, checkpoint, chain[1].Hash));
        Assert.Equal("checkpoint-mismatch", FederationChain.CheckCheckpoint(verifier, checkpoint, chain[0].Hash)!.Code);
        Assert.Equal("bad-checkpoint", FederationChain.CheckCheckpoint(verifier, other.Sign(chain[1], T0), chain[1].Hash)!.Code);
    }

    [Fact]
    public void A_submission_payload_reads_back_to_the_document_that_was_ledgered()
    {
        var key = new ReportKey("KTXH-XA-QUY", Period.Parse("2025-Q4"), "UBND.00004");
        var values = new List<ReportValue>
        {
            new("HOUSEHOLDS", "_T", "00004", 1234.5m, null, null, ObservationStatus.Provisional, "ghi chú"),
            new("NOTE_TEXT", "_T", "00004", null, "văn bản", null, ObservationStatus.Normal, null),
            new("FLAG", "_T", "00004", null, null, true, ObservationStatus.Official, null),
        };
        var document = new SubmissionDocument(key, 3, 2, "sửa số liệu", values, [new WarningExplanation("R01", "giải trình")]);
        var read = Assert.IsType<ForwardedVersion>(ForwardedDocument.Parse(LedgerEntryKind.SubmissionRevised, SubmissionPayload.Build(document)));
        Assert.Equal(key, read.Key);
        Assert.Equal((2, 3, "sửa số liệu"), (read.Version, read.RegimeVersion, read.Reason));
        Assert.Equal(values.OrderBy(v => v.IndicatorCode, StringComparer.Ordinal), read.Values);
        Assert.Equal(new WarningExplanation("R01", "giải trình"), Assert.Single(read.Explanations));
        // Rebuilding from what was read gives the same bytes, so the parent re-creates exactly what the reporter made.
        Assert.Equal(SubmissionPayload.Build(document), SubmissionPayload.Build(new SubmissionDocument(read.Key, read.RegimeVersion, read.Version, read.Reason, read.Values, read.Explanations)));

        var decision = SubmissionPayload.Decision(SubmissionAction.Return, key, 2, "UBND.01", "thiếu", new byte[32]);
        var d = Assert.IsType<ForwardedDecision>(ForwardedDocument.Parse(LedgerEntryKind.SubmissionReturned, decision));
        Assert.Equal((SubmissionAction.Return, "UBND.01", "thiếu", 2), (d.Action, d.Organization, d.Reason, d.Version));

        Assert.Null(ForwardedDocument.Parse(LedgerEntryKind.CatalogueChanged, decision));
        Assert.Throws<FormatException>(() => ForwardedDocument.Parse(LedgerEntryKind.SubmissionSubmitted, "{\"type\":1}"u8.ToArray()));
    }
}
