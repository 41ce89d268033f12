using System.Text;
using Nris.Core.Catalogue;
using Nris.Core.Federation;
using Nris.Core.Ledger;

namespace Nris.Core.Tests.Federation;

/// <summary>The child's pure checks of a catalogue change published by its parent, and reading the change back.</summary>
public sealed class CatalogueFeedCheckTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static Regime DemoRegime(string code)
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "catalogue", "demo", "regimes.json"));
        return CatalogueFiles.ReadRegimes(stream).Where(r => r.Code == code).MaxBy(r => r.Version)!;
    }

    private static (LedgerEntry Entry, CatalogueChange Change) Published()
    {
        var v1 = DemoRegime("KTXH-XA-QUY");
        var content = CatalogueContent.Empty with { Regimes = [v1] };
        var next = v1 with { Version = v1.Version + 1, Validity = new Validity(new DateOnly(2026, 1, 1), null), Name = v1.Name + " (2)" };
        Assert.Null(CatalogueChanges.TryPublishRegimeVersion(content, next, out var change));
        var previous = LedgerChain.CreateNext(null, LedgerEntryKind.SubmissionSubmitted, CanonicalJson.Canonicalize("{}"u8), "someone", T0);
        return (LedgerChain.CreateNext(previous, LedgerEntryKind.CatalogueChanged, change!.LedgerPayload("admin"), "admin", T0.AddMinutes(1)), change);
    }

    private static CatalogueFeedItem Item(LedgerEntry e, Checkpoint signature, byte[]? payload = null) =>
        new(e.Sequence, e.Kind, payload ?? e.Payload, e.Actor, e.Time, e.PreviousHash, e.Hash, signature);

    [Fact]
    public void A_genuine_change_verifies_and_reads_back_as_the_published_version()
    {
        var (entry, change) = Published();
        using var parent = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([parent.ExportPublicKeyPem()]);
        Assert.Null(CatalogueFeedCheck.Verify(verifier, Item(entry, parent.Sign(entry, T0.AddHours(1)))));

        var read = PublishedCatalogueChange.Parse(entry.Payload);
        Assert.Equal(PublishedCatalogueChange.RegimeVersioned, read.Change);
        Assert.Equal("KTXH-XA-QUY", read.Code);
        Assert.Equal(change.Changed!.Version, read.Version);
        Assert.True(PublishedCatalogueChange.Same(change.Changed, read.Regime!));
        Assert.Equal(change.Closed!.Version, read.ClosedVersion);
        Assert.Equal(new DateOnly(2025, 12, 31), read.ClosedTo);
        Assert.True(read.IsApplicable);
    }

    [Fact]
    public void An_altered_change_a_foreign_key_and_a_signature_for_another_entry_are_refused()
    {
        var (entry, _) = Published();
        using var parent = CheckpointSigner.Create();
        using var stranger = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([parent.ExportPublicKeyPem()]);
        var signature = parent.Sign(entry, T0.AddHours(1));

        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entry.Payload).Replace("(2)", "(3)", StringComparison.Ordinal));
        Assert.Equal("hash-mismatch", CatalogueFeedCheck.Verify(verifier, Item(entry, signature, altered))?.Code);
        Assert.Equal("bad-signature", CatalogueFeedCheck.Verify(verifier, Item(entry, stranger.Sign(entry, T0.AddHours(1))))?.Code);
        var forOther = parent.Sign(entry.Sequence + 1, entry.Hash, T0.AddHours(1));
        Assert.Equal("checkpoint-mismatch", CatalogueFeedCheck.Verify(verifier, Item(entry, forOther))?.Code);
        var notCatalogue = Item(entry, signature) with { Kind = LedgerEntryKind.SubmissionSubmitted };
        Assert.Equal("not-catalogue", CatalogueFeedCheck.Verify(verifier, notCatalogue)?.Code);
    }

    [Fact]
    public void A_payload_that_is_not_a_catalogue_change_is_a_format_error_and_an_import_is_not_applicable()
    {
        Assert.Throws<FormatException>(() => PublishedCatalogueChange.Parse("not json"u8.ToArray()));
        Assert.Throws<FormatException>(() => PublishedCatalogueChange.Parse(CanonicalJson.Canonicalize("{\"change\":\"regime.deleted\"}"u8)));
        Assert.Throws<FormatException>(() => PublishedCatalogueChange.Parse(CanonicalJson.Canonicalize("{\"change\":\"regime.created\",\"code\":\"X\",\"item\":{\"code\":\"X\"}}"u8)));
        var import = PublishedCatalogueChange.Parse(CatalogueChanges.ImportPayload(CatalogueContent.Empty, new Dictionary<string, string>(), "cli"));
        Assert.Equal(PublishedCatalogueChange.CatalogueImported, import.Change);
        Assert.False(import.IsApplicable);
    }
}
