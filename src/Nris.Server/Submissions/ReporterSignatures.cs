using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Nris.Core.Ledger;
using Nris.Core.Submissions;

namespace Nris.Server.Submissions;

/// <summary>The outcome of checking a signature sent with a submission.</summary>
/// <param name="Signature">What goes into the ledger (signer subject as the certificate names it); null when invalid.</param>
/// <param name="Thumbprint">SHA-256 of the signer certificate, hex; null when invalid.</param>
/// <param name="ReasonEn">Why it is invalid, in English.</param>
/// <param name="ReasonVi">Why it is invalid, in Vietnamese.</param>
public sealed record SignatureCheck(SubmissionSignature? Signature, string? Thumbprint, string? ReasonEn, string? ReasonVi);

/// <summary>
/// Verifies reporters' detached CMS signatures against the trusted roots in <c>Nris:Signatures:TrustedRootsFile</c>
/// (a PEM bundle). The file is read at each check: signatures are rare next to reads, and an operator who adds a root
/// should not have to restart the server.
/// </summary>
public sealed class ReporterSignatures(IConfiguration configuration, TimeProvider time)
{
    public const string TrustedRootsKey = "Nris:Signatures:TrustedRootsFile";

    /// <summary>Checks <paramref name="signature"/> over the version <paramref name="document"/> would become.</summary>
    /// <param name="document">The version as the server will store it, without signature.</param>
    /// <param name="signature">The DER CMS SignedData.</param>
    public SignatureCheck Check(SubmissionDocument document, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(signature);
        var path = configuration[TrustedRootsKey];
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return Invalid("this server has no trusted root certificates configured, so it cannot verify signatures",
                "máy chủ chưa cấu hình chứng thư gốc tin cậy nên không thể kiểm tra chữ ký");
        }

        // The signed bytes name the signer, so the subject is read from the signature first; the verifier then decides
        // whether that certificate really signed exactly these bytes and chains to a trusted root.
        X509Certificate2? certificate;
        try
        {
            var cms = new SignedCms(new ContentInfo([]), detached: true);
            cms.Decode(signature);
            certificate = cms.SignerInfos.Count == 1 ? cms.SignerInfos[0].Certificate : null;
        }
        catch (CryptographicException)
        {
            certificate = null;
        }

        if (certificate is null)
        {
            return Invalid("it is not a CMS signature with exactly one signer and its certificate",
                "đây không phải chữ ký CMS có đúng một người ký kèm chứng thư");
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (CryptographicException)
        {
            return Invalid("the trusted roots file cannot be read", "không đọc được tệp chứng thư gốc tin cậy");
        }

        if (roots.Count == 0)
        {
            return Invalid("the trusted roots file holds no certificate", "tệp chứng thư gốc tin cậy không có chứng thư nào");
        }

        var claimed = new SubmissionSignature("cms", certificate.Subject, signature);
        var bytes = SubmissionPayload.SignedBytes(document with { Signature = claimed });
        var result = new ReporterSignatureVerifier(roots).Verify(bytes, signature, time.GetUtcNow());
        return result.Valid
            // The signer stays exactly as signed: the ledger's signed bytes name it, so a later re-check must rebuild them.
            ? new SignatureCheck(claimed, result.SignerThumbprint, null, null)
            : Invalid(result.ReasonEn ?? "it does not verify", result.ReasonVi ?? "chữ ký không hợp lệ");
    }

    /// <summary>The signer certificate's SHA-256 thumbprint of a stored signature, for showing provenance; null if none.</summary>
    public static string? ThumbprintOf(byte[]? signature)
    {
        if (signature is null || signature.Length == 0)
        {
            return null;
        }
        try
        {
            var cms = new SignedCms(new ContentInfo([]), detached: true);
            cms.Decode(signature);
            return cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } c
                ? Convert.ToHexStringLower(SHA256.HashData(c.RawData))
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static SignatureCheck Invalid(string en, string vi) => new(null, null, "The signature is not valid: " + en + ".", "Chữ ký không hợp lệ: " + vi + ".");
}
