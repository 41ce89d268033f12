using System.Security.Cryptography;

namespace Nris.Core.Ledger;

/// <summary>What <see cref="CheckpointVerifier.Check"/> found.</summary>
public enum CheckpointSignatureStatus
{
    /// <summary>Signed by a trusted key, and the signature covers the checkpoint's sequence, hash and time.</summary>
    Valid,

    /// <summary>The key id names no trusted key.</summary>
    UnknownKey,

    /// <summary>The key is trusted but the signature does not verify: the checkpoint was altered or forged.</summary>
    BadSignature,

    /// <summary>A field is missing or has the wrong size (hash not 32 bytes, time finer than microseconds…).</summary>
    Malformed,
}

/// <summary>
/// Verifies checkpoint signatures against a set of trusted public keys, found by key id. Holding several keys lets
/// checkpoints signed before a key rotation keep verifying. Safe to use from several threads.
/// </summary>
public sealed class CheckpointVerifier : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    /// <summary>Trusts the given public keys.</summary>
    /// <param name="publicKeyPems">SubjectPublicKeyInfo PEM texts (<c>-----BEGIN PUBLIC KEY-----</c>), as
    /// <see cref="CheckpointSigner.ExportPublicKeyPem"/> writes them; one text may hold several blocks.</param>
    /// <exception cref="CryptographicException">A text holds something other than a P-256 public key.</exception>
    public CheckpointVerifier(IEnumerable<string> publicKeyPems)
    {
        ArgumentNullException.ThrowIfNull(publicKeyPems);
        try
        {
            foreach (var pem in publicKeyPems)
            {
                ArgumentNullException.ThrowIfNull(pem, nameof(publicKeyPems));
                foreach (var der in CheckpointKeys.ReadPem(pem, CheckpointKeys.PublicKeyLabel))
                {
                    var key = ECDsa.Create();
                    try
                    {
                        key.ImportSubjectPublicKeyInfo(der, out _);
                        CheckpointKeys.RequireP256(key);
                    }
                    catch
                    {
                        key.Dispose();
                        throw;
                    }
                    if (!_keys.TryAdd(CheckpointKeys.KeyIdOf(key), key))
                    {
                        key.Dispose();
                    }
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The ids of the trusted keys.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Checks a checkpoint's signature. Never throws for a bad checkpoint.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>Whether and why not the signature holds.</returns>
    public CheckpointSignatureStatus Check(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.KeyId is null || checkpoint.Signature is null || checkpoint.Hash is null
            || checkpoint.Hash.Length != LedgerHasher.HashSize || !LedgerTime.HasMicrosecondPrecision(checkpoint.Time))
        {
            return CheckpointSignatureStatus.Malformed;
        }
        if (!_keys.TryGetValue(checkpoint.KeyId, out var key))
        {
            return CheckpointSignatureStatus.UnknownKey;
        }
        var message = checkpoint.SignedBytes();
        bool valid;
        // An ECDsa instance is not documented as safe for concurrent use; verification is rare enough to serialize.
        lock (key)
        {
            valid = key.VerifyData(message, checkpoint.Signature, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        return valid ? CheckpointSignatureStatus.Valid : CheckpointSignatureStatus.BadSignature;
    }

    /// <summary>Tells whether a trusted key signed exactly this checkpoint.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns><see langword="true"/> when <see cref="Check"/> says <see cref="CheckpointSignatureStatus.Valid"/>.</returns>
    public bool Verify(Checkpoint checkpoint) => Check(checkpoint) == CheckpointSignatureStatus.Valid;

    /// <summary>Releases the keys.</summary>
    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
        _keys.Clear();
    }
}
