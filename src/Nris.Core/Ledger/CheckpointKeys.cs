using System.Security.Cryptography;

namespace Nris.Core.Ledger;

/// <summary>What checkpoint signers and verifiers share: the curve, the key id, PEM reading.</summary>
internal static class CheckpointKeys
{
    public const string PrivateKeyLabel = "PRIVATE KEY";
    public const string PublicKeyLabel = "PUBLIC KEY";
    private const string NistP256Oid = "1.2.840.10045.3.1.7";

    public static string KeyIdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    public static void RequireP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        var isP256 = curve.IsNamed && (curve.Oid.Value == NistP256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256");
        if (!isP256)
        {
            throw new CryptographicException("Checkpoint keys must be ECDSA keys on curve P-256.");
        }
    }

    /// <summary>The DER contents of every PEM block with the given label, in order.</summary>
    public static List<byte[]> ReadPem(string pem, string label)
    {
        var found = new List<byte[]>();
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var blockLabel = rest[fields.Label];
            if (!blockLabel.SequenceEqual(label))
            {
                throw new CryptographicException($"Expected a PEM block labelled '{label}', found '{blockLabel}'.");
            }
            found.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            rest = rest[fields.Location.End.Value..];
        }
        return found;
    }
}
