using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Nris.Core.Ledger;

/// <summary>The outcome of checking a reporter's digital signature (chữ ký số) on a submission.</summary>
/// <param name="Valid">Whether the signature covers exactly the content and the signer's certificate was valid and
/// trusted at the time asked about.</param>
/// <param name="SignerSubject">The signer certificate's subject distinguished name, when the signature named one.</param>
/// <param name="SignerThumbprint">SHA-256 of the signer certificate (DER), lowercase hex, when known.</param>
/// <param name="SigningTime">The signing time the signer put in the signature, when present. It is the signer's own
/// claim, not verified by anyone.</param>
/// <param name="ReasonVi">Why the signature is not valid, in Vietnamese; <see langword="null"/> when it is.</param>
/// <param name="ReasonEn">Why the signature is not valid, in English; <see langword="null"/> when it is.</param>
public sealed record ReporterSignatureResult(
    bool Valid,
    string? SignerSubject,
    string? SignerThumbprint,
    DateTimeOffset? SigningTime,
    string? ReasonVi,
    string? ReasonEn);

/// <summary>
/// Checks reporters' detached CMS/PKCS#7 signatures over the canonical form of a submission, against a fixed set of
/// trusted root certificates (for example the national root CA for public digital signatures).
/// </summary>
/// <remarks>
/// <para>A signature is valid when: the bytes are one CMS SignedData with exactly one signer; its digest is SHA-256,
/// SHA-384 or SHA-512; the signature and its message digest cover exactly the given content; the signer certificate
/// is in the signature; if it has a key usage extension, that allows digitalSignature or nonRepudiation; and it chains,
/// through certificates in the signature or the configured intermediates, to one of the trusted roots, with every
/// certificate valid at the given time.</para>
/// <para>Revocation (CRL, OCSP) is not checked and nothing is downloaded: verification is offline and must give the same
/// answer when a ledger is re-verified years later. Checking revocation at intake, while the network is there, is a
/// separate concern.</para>
/// <para>Bad input never throws: garbage, wrong content or an untrusted certificate yields <c>Valid = false</c> with a
/// reason. The verifier does not take ownership of the certificates given to it.</para>
/// </remarks>
public sealed class ReporterSignatureVerifier
{
    private static readonly HashSet<string> AcceptedDigests = new(StringComparer.Ordinal)
    {
        "2.16.840.1.101.3.4.2.1", // SHA-256
        "2.16.840.1.101.3.4.2.2", // SHA-384
        "2.16.840.1.101.3.4.2.3", // SHA-512
    };

    private readonly X509Certificate2Collection _trustedRoots;
    private readonly X509Certificate2Collection _intermediates;

    /// <summary>Creates a verifier that trusts the given roots.</summary>
    /// <param name="trustedRoots">The root certificates a signer must chain to; at least one.</param>
    /// <param name="intermediates">Intermediate CA certificates to use when a signature does not carry them.</param>
    /// <exception cref="ArgumentException">No trusted root was given.</exception>
    public ReporterSignatureVerifier(X509Certificate2Collection trustedRoots, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(trustedRoots);
        if (trustedRoots.Count == 0)
        {
            throw new ArgumentException("At least one trusted root certificate is needed.", nameof(trustedRoots));
        }
        _trustedRoots = [.. trustedRoots];
        _intermediates = intermediates is null ? [] : [.. intermediates];
    }

    /// <summary>Checks a detached signature over <paramref name="content"/>.</summary>
    /// <param name="content">The exact bytes that were signed: the canonical form of the submission.</param>
    /// <param name="detachedCmsSignature">The DER-encoded CMS SignedData (PKCS#7), without the content.</param>
    /// <param name="at">The time at which the certificates must have been valid, usually when the submission arrived.</param>
    /// <returns>The outcome; never throws for bad input.</returns>
    public ReporterSignatureResult Verify(ReadOnlySpan<byte> content, byte[] detachedCmsSignature, DateTimeOffset at)
    {
        if (detachedCmsSignature is null || detachedCmsSignature.Length == 0)
        {
            return Invalid(null, "không có chữ ký", "there is no signature");
        }
        try
        {
            return VerifyDecoded(content.ToArray(), detachedCmsSignature, at);
        }
        catch (Exception ex)
        {
            // Whatever the bytes provoke in the CMS and X.509 code, a caller gets an answer, not an exception.
            return Invalid(null, "không kiểm tra được chữ ký: " + ex.Message, "the signature could not be checked: " + ex.Message);
        }
    }

    private ReporterSignatureResult VerifyDecoded(byte[] content, byte[] signature, DateTimeOffset at)
    {
        // Detached: the content is ours, so the signature is checked against exactly these bytes even if the
        // encoded message carries content of its own.
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        try
        {
            cms.Decode(signature);
        }
        catch (CryptographicException)
        {
            return Invalid(null, "dữ liệu không phải chữ ký CMS/PKCS#7", "the bytes are not a CMS/PKCS#7 signature");
        }
        // Each read of SignedCms.Certificates makes new certificate objects; these are ours to dispose.
        var carried = cms.Certificates;
        try
        {
            return VerifySigner(cms, carried, at);
        }
        finally
        {
            foreach (var certificate in carried)
            {
                certificate.Dispose();
            }
        }
    }

    private ReporterSignatureResult VerifySigner(SignedCms cms, X509Certificate2Collection carried, DateTimeOffset at)
    {
        if (cms.SignerInfos.Count != 1)
        {
            return Invalid(null,
                string.Create(CultureInfo.InvariantCulture, $"chữ ký phải có đúng một người ký, có {cms.SignerInfos.Count}"),
                string.Create(CultureInfo.InvariantCulture, $"the signature must have exactly one signer, it has {cms.SignerInfos.Count}"));
        }
        var signer = cms.SignerInfos[0];
        using var certificate = signer.Certificate;
        if (certificate is null)
        {
            return Invalid(null, "chữ ký không kèm chứng thư số của người ký", "the signature does not include the signer's certificate");
        }
        if (!AcceptedDigests.Contains(signer.DigestAlgorithm.Value ?? ""))
        {
            return Invalid(certificate,
                $"thuật toán băm {signer.DigestAlgorithm.FriendlyName ?? signer.DigestAlgorithm.Value} không được chấp nhận (cần SHA-256 trở lên)",
                $"the digest algorithm {signer.DigestAlgorithm.FriendlyName ?? signer.DigestAlgorithm.Value} is not accepted (SHA-256 or stronger is required)");
        }
        try
        {
            signer.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return Invalid(certificate,
                "chữ ký không khớp với nội dung báo cáo (nội dung đã bị thay đổi hoặc chữ ký của tài liệu khác)",
                "the signature does not match the content (the content was changed, or the signature is for another document)");
        }
        if (certificate.Extensions[Oids.KeyUsage] is X509KeyUsageExtension keyUsage
            && (keyUsage.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
        {
            return Invalid(certificate, "chứng thư số không được phép dùng để ký số", "the certificate is not allowed to make digital signatures");
        }
        if (CheckChain(certificate, carried, at) is { } chainProblem)
        {
            return Invalid(certificate, chainProblem.Vi, chainProblem.En);
        }
        return new ReporterSignatureResult(true, certificate.Subject, Thumbprint(certificate), SigningTimeOf(signer), null, null);
    }

    private (string Vi, string En)? CheckChain(X509Certificate2 certificate, X509Certificate2Collection carried, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_trustedRoots);
        policy.ExtraStore.AddRange(carried);
        policy.ExtraStore.AddRange(_intermediates);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = at.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        if (chain.Build(certificate))
        {
            return null;
        }
        var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var when = at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if ((status & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            return ("chứng thư số không do tổ chức chứng thực được tin cậy cấp",
                "the certificate does not chain to a trusted root certificate");
        }
        if ((status & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return ($"chứng thư số đã hết hạn hoặc chưa có hiệu lực vào lúc {when}",
                $"the certificate was expired or not yet valid at {when}");
        }
        var flags = status.ToString();
        return ($"chuỗi chứng thư số không hợp lệ ({flags})", $"the certificate chain is not valid ({flags})");
    }

    private static DateTimeOffset? SigningTimeOf(SignerInfo signer)
    {
        foreach (var attribute in signer.SignedAttributes)
        {
            if (attribute.Oid.Value == Oids.SigningTime && attribute.Values.Count == 1)
            {
                var value = attribute.Values[0];
                var signingTime = value as Pkcs9SigningTime ?? new Pkcs9SigningTime(value.RawData);
                var time = signingTime.SigningTime;
                return new DateTimeOffset(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));
            }
        }
        return null;
    }

    private static string Thumbprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

    private static ReporterSignatureResult Invalid(X509Certificate2? certificate, string vi, string en) =>
        new(false, certificate?.Subject, certificate is null ? null : Thumbprint(certificate), null,
            "Chữ ký số không hợp lệ: " + vi + ".", "The digital signature is not valid: " + en + ".");

    private static class Oids
    {
        public const string KeyUsage = "2.5.29.15";
        public const string SigningTime = "1.2.840.113549.1.9.5";
    }
}
