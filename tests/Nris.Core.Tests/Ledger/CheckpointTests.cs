using System.Security.Cryptography;
using Nris.Core.Ledger;

namespace Nris.Core.Tests.Ledger;

public class CheckpointTests
{
    private static readonly LedgerEntry Entry =
        LedgerChain.CreateNext(null, LedgerEntryKind.CatalogueChanged, """{"a":1}"""u8.ToArray(), "admin", LedgerTestData.Start);

    [Fact]
    public void A_signed_checkpoint_verifies_with_the_public_key()
    {
        using var signer = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([signer.ExportPublicKeyPem()]);
        var checkpoint = signer.Sign(Entry, LedgerTestData.Start.AddTicks(15));
        Assert.Equal(Entry.Sequence, checkpoint.Sequence);
        Assert.Equal(Entry.Hash, checkpoint.Hash);
        Assert.Equal(LedgerTestData.Start.AddTicks(10), checkpoint.Time);
        Assert.Equal(signer.KeyId, checkpoint.KeyId);
        Assert.Equal(64, checkpoint.Signature.Length);
        Assert.Equal(CheckpointSignatureStatus.Valid, verifier.Check(checkpoint));
        Assert.True(verifier.Verify(checkpoint));
    }

    [Fact]
    public void The_signed_bytes_follow_the_documented_layout()
    {
        using var signer = CheckpointSigner.Create();
        var checkpoint = signer.Sign(Entry, LedgerTestData.Start);
        // Written out by hand: u32be(18) "nris-checkpoint-v1", i64be(1), the 32-byte hash, i64be(µs since epoch).
        var microseconds = (LedgerTestData.Start - DateTimeOffset.UnixEpoch).Ticks / 10;
        var expected = new byte[] { 0, 0, 0, 18 }
            .Concat("nris-checkpoint-v1"u8.ToArray())
            .Concat(new byte[] { 0, 0, 0, 0, 0, 0, 0, 1 })
            .Concat(Entry.Hash)
            .Concat(Enumerable.Range(0, 8).Select(i => (byte)(microseconds >> (56 - 8 * i))))
            .ToArray();
        Assert.Equal(expected, checkpoint.SignedBytes());
        using var key = ECDsa.Create();
        key.ImportFromPem(signer.ExportPublicKeyPem());
        Assert.True(key.VerifyData(expected, checkpoint.Signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void The_key_id_is_the_sha256_of_the_subject_public_key_info()
    {
        using var signer = CheckpointSigner.Create();
        using var key = ECDsa.Create();
        key.ImportFromPem(signer.ExportPublicKeyPem());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), signer.KeyId);
        Assert.Matches("^[0-9a-f]{64}$", signer.KeyId);
    }

    [Fact]
    public void The_private_key_round_trips_through_PKCS8_PEM()
    {
        using var original = CheckpointSigner.Create();
        var pem = original.ExportPkcs8Pem();
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
        using var loaded = CheckpointSigner.FromPkcs8Pem(pem);
        Assert.Equal(original.KeyId, loaded.KeyId);
        Assert.Equal(original.ExportPublicKeyPem(), loaded.ExportPublicKeyPem());
        using var verifier = new CheckpointVerifier([original.ExportPublicKeyPem()]);
        Assert.True(verifier.Verify(loaded.Sign(Entry, LedgerTestData.Start)));
    }

    [Fact]
    public void A_checkpoint_signed_by_an_unknown_key_is_rejected()
    {
        using var trusted = CheckpointSigner.Create();
        using var stranger = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([trusted.ExportPublicKeyPem()]);
        var forged = stranger.Sign(Entry, LedgerTestData.Start);
        Assert.Equal(CheckpointSignatureStatus.UnknownKey, verifier.Check(forged));
        // Claiming the trusted key's id does not help: the signature does not verify under it.
        Assert.Equal(CheckpointSignatureStatus.BadSignature, verifier.Check(forged with { KeyId = trusted.KeyId }));
        Assert.Equal([trusted.KeyId], verifier.KeyIds);
    }

    [Fact]
    public void Several_keys_in_one_text_are_all_trusted()
    {
        using var old = CheckpointSigner.Create();
        using var current = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([old.ExportPublicKeyPem() + "\n" + current.ExportPublicKeyPem()]);
        Assert.True(verifier.Verify(old.Sign(Entry, LedgerTestData.Start)));
        Assert.True(verifier.Verify(current.Sign(Entry, LedgerTestData.Start)));
        Assert.Equal(2, verifier.KeyIds.Count);
    }

    [Fact]
    public void Any_change_to_a_signed_checkpoint_breaks_its_signature()
    {
        using var signer = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([signer.ExportPublicKeyPem()]);
        var checkpoint = signer.Sign(Entry, LedgerTestData.Start);
        Assert.Equal(CheckpointSignatureStatus.BadSignature, verifier.Check(checkpoint with { Sequence = 2 }));
        Assert.Equal(CheckpointSignatureStatus.BadSignature, verifier.Check(checkpoint with { Time = checkpoint.Time.AddTicks(10) }));
        for (var bit = 0; bit < 256; bit += 7)
        {
            Assert.Equal(CheckpointSignatureStatus.BadSignature, verifier.Check(checkpoint with { Hash = LedgerTestData.FlipBit(checkpoint.Hash, bit) }));
        }
        for (var bit = 0; bit < 512; bit += 5)
        {
            Assert.Equal(CheckpointSignatureStatus.BadSignature,
                verifier.Check(checkpoint with { Signature = LedgerTestData.FlipBit(checkpoint.Signature, bit) }));
        }
        Assert.Equal(CheckpointSignatureStatus.BadSignature, verifier.Check(checkpoint with { Signature = [] }));
        Assert.Equal(CheckpointSignatureStatus.Malformed, verifier.Check(checkpoint with { Hash = new byte[31] }));
        Assert.Equal(CheckpointSignatureStatus.Malformed, verifier.Check(checkpoint with { Time = checkpoint.Time.AddTicks(1) }));
    }

    [Fact]
    public void Keys_other_than_P256_and_wrong_PEM_blocks_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPkcs8Pem(p384.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<CryptographicException>(() => new CheckpointVerifier([p384.ExportSubjectPublicKeyInfoPem()]));
        using var rsa = RSA.Create(2048);
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPkcs8Pem(rsa.ExportPkcs8PrivateKeyPem()));
        using var signer = CheckpointSigner.Create();
        // A public key where a private one belongs, and the other way round.
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPkcs8Pem(signer.ExportPublicKeyPem()));
        Assert.Throws<CryptographicException>(() => new CheckpointVerifier([signer.ExportPkcs8Pem()]));
        Assert.Throws<CryptographicException>(() => CheckpointSigner.FromPkcs8Pem("no key here"));
    }

    [Fact]
    public void Signatures_are_over_normalized_time_only()
    {
        using var signer = CheckpointSigner.Create();
        var checkpoint = signer.Sign(Entry.Sequence, Entry.Hash, new DateTimeOffset(2026, 5, 14, 15, 0, 0, TimeSpan.FromHours(7)).AddTicks(7));
        Assert.Equal(new DateTimeOffset(2026, 5, 14, 8, 0, 0, TimeSpan.Zero), checkpoint.Time);
        Assert.Equal(TimeSpan.Zero, checkpoint.Time.Offset);
        Assert.Throws<ArgumentOutOfRangeException>(() => signer.Sign(0, Entry.Hash, LedgerTestData.Start));
        Assert.Throws<ArgumentException>(() => signer.Sign(1, new byte[16], LedgerTestData.Start));
    }
}
