using System.Security.Cryptography;

namespace Nris.Core.Ledger;

/// <summary>
/// The instance key that signs checkpoints: ECDSA on curve P-256 with SHA-256. The private key is exported and
/// imported as unencrypted PKCS#8 PEM, so whoever stores it (<c>nris init</c>) must protect the file itself,
/// for example with owner-only permissions.
/// </summary>
public sealed class CheckpointSigner : IDisposable
{
    private readonly ECDsa _key;

    private CheckpointSigner(ECDsa key)
    {
        CheckpointKeys.RequireP256(key);
        _key = key;
        KeyId = CheckpointKeys.KeyIdOf(key);
    }

    /// <summary>
    /// The key's identifier: SHA-256 of the DER SubjectPublicKeyInfo of the public key, in lowercase hex (64 characters).
    /// </summary>
    public string KeyId { get; }

    /// <summary>Creates a new random P-256 key.</summary>
    /// <returns>A signer holding the new key.</returns>
    public static CheckpointSigner Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a signer from an unencrypted PKCS#8 private key in PEM (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    /// <param name="pkcs8Pem">The PEM text, as <see cref="ExportPkcs8Pem"/> writes it.</param>
    /// <returns>A signer holding the key.</returns>
    /// <exception cref="CryptographicException">The text holds no single PKCS#8 private key, or the key is not ECDSA P-256.</exception>
    public static CheckpointSigner FromPkcs8Pem(string pkcs8Pem)
    {
        ArgumentNullException.ThrowIfNull(pkcs8Pem);
        var blocks = CheckpointKeys.ReadPem(pkcs8Pem, CheckpointKeys.PrivateKeyLabel);
        if (blocks.Count != 1)
        {
            throw new CryptographicException("Expected exactly one PEM block labelled 'PRIVATE KEY'.");
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(blocks[0], out _);
            return new CheckpointSigner(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The private key as unencrypted PKCS#8 PEM. Keep it secret.</summary>
    /// <returns>The PEM text.</returns>
    public string ExportPkcs8Pem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>The public key as SubjectPublicKeyInfo PEM (<c>-----BEGIN PUBLIC KEY-----</c>), for <see cref="CheckpointVerifier"/>.</summary>
    /// <returns>The PEM text.</returns>
    public string ExportPublicKeyPem() => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>Signs a checkpoint for an entry.</summary>
    /// <param name="entry">The entry to fix; usually the last one.</param>
    /// <param name="time">When; normalized to UTC microseconds.</param>
    /// <returns>The signed checkpoint.</returns>
    public Checkpoint Sign(LedgerEntry entry, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Sign(entry.Sequence, entry.Hash, time);
    }

    /// <summary>Signs a checkpoint for the entry with the given sequence and hash.</summary>
    /// <param name="sequence">The entry's sequence (1 or more).</param>
    /// <param name="hash">The entry's hash (32 bytes).</param>
    /// <param name="time">When; normalized to UTC microseconds.</param>
    /// <returns>The signed checkpoint.</returns>
    /// <exception cref="ArgumentException">The sequence is below 1 or the hash is not 32 bytes.</exception>
    public Checkpoint Sign(long sequence, ReadOnlySpan<byte> hash, DateTimeOffset time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, LedgerChain.FirstSequence);
        var normalized = LedgerTime.Normalize(time);
        var message = Checkpoint.SignedBytesOf(sequence, hash, normalized);
        var signature = _key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new Checkpoint(sequence, hash.ToArray(), normalized, KeyId, signature);
    }

    /// <summary>Releases the key.</summary>
    public void Dispose() => _key.Dispose();
}
