using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Nris.Core.Ledger;

namespace Nris.Core.Tests.Ledger;

/// <summary>A small PKI made in the test: root CA → intermediate CA → reporters' signing certificates.</summary>
internal sealed class TestPki : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 5, 14, 8, 0, 0, TimeSpan.Zero);

    private readonly List<IDisposable> _owned = [];

    public TestPki(string name)
    {
        Root = CreateCa($"CN={name} Root CA, O=Nris Test, C=VN", issuer: null, Now.AddYears(-10), Now.AddYears(10));
        Intermediate = CreateCa($"CN={name} Issuing CA, O=Nris Test, C=VN", Root, Now.AddYears(-5), Now.AddYears(5));
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    private X509Certificate2 CreateCa(string subject, X509Certificate2? issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var key = Own(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            return Own(request.CreateSelfSigned(notBefore, notAfter));
        }
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issued = request.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        return Own(issued.CopyWithPrivateKey(key));
    }

    /// <summary>A reporter's certificate with its RSA private key, as on a USB token.</summary>
    public X509Certificate2 Reporter(
        string subject,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        X509KeyUsageFlags usage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)
    {
        var key = Own(RSA.Create(2048));
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Intermediate, true, false));
        // The CA key is ECDSA and the reporter's RSA, so the CA's signature generator is named explicitly.
        using var caKey = Intermediate.GetECDsaPrivateKey()!;
        using var issued = request.Create(Intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey),
            notBefore ?? Now.AddYears(-1), notAfter ?? Now.AddYears(2), RandomNumberGenerator.GetBytes(12));
        return Own(issued.CopyWithPrivateKey(key));
    }

    /// <summary>Signs like a reporter's signing tool: detached CMS, SHA-256, signing time, the intermediate included.</summary>
    public byte[] Sign(byte[] content, X509Certificate2 signer, bool includeIntermediate = true, string digestOid = "2.16.840.1.101.3.4.2.1",
        bool detached = true, X509Certificate2? secondSigner = null)
    {
        var cms = new SignedCms(new ContentInfo(content), detached);
        foreach (var certificate in new[] { signer, secondSigner }.OfType<X509Certificate2>())
        {
            var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate)
            {
                DigestAlgorithm = new Oid(digestOid),
                IncludeOption = X509IncludeOption.EndCertOnly,
            };
            if (includeIntermediate)
            {
                cmsSigner.Certificates.Add(Intermediate);
            }
            cmsSigner.SignedAttributes.Add(new Pkcs9SigningTime(Now.AddMinutes(-5).UtcDateTime));
            cms.ComputeSignature(cmsSigner, silent: true);
        }
        return cms.Encode();
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}

public sealed class ReporterSignatureVerifierTests : IDisposable
{
    private const string ReporterSubject = "CN=Nguyễn Văn An, OU=Phòng Thống kê, O=UBND tỉnh Hà Tĩnh, C=VN";
    private static readonly byte[] Content = """{"period":"2026-M04","regime":"R01","values":[{"indicator":"I001","value":1234.5}]}"""u8.ToArray();

    private readonly TestPki _pki = new("Nris");
    private readonly TestPki _otherPki = new("Elsewhere");
    private readonly ReporterSignatureVerifier _verifier;

    public ReporterSignatureVerifierTests() => _verifier = new ReporterSignatureVerifier([_pki.Root]);

    public void Dispose()
    {
        _pki.Dispose();
        _otherPki.Dispose();
    }

    [Fact]
    public void A_valid_signature_names_its_signer()
    {
        var reporter = _pki.Reporter(ReporterSubject);
        var result = _verifier.Verify(Content, _pki.Sign(Content, reporter), TestPki.Now);
        Assert.True(result.Valid, result.ReasonEn);
        Assert.Equal(reporter.Subject, result.SignerSubject);
        Assert.Contains("Nguyễn Văn An", result.SignerSubject, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(reporter.RawData)), result.SignerThumbprint);
        Assert.Equal(TestPki.Now.AddMinutes(-5), result.SigningTime);
        Assert.Null(result.ReasonVi);
        Assert.Null(result.ReasonEn);
    }

    [Fact]
    public void Any_change_to_the_content_invalidates_the_signature()
    {
        var signature = _pki.Sign(Content, _pki.Reporter(ReporterSubject));
        var random = new Random(7);
        for (var run = 0; run < 50; run++)
        {
            var changed = LedgerTestData.FlipBit(Content, random.Next(Content.Length * 8));
            var result = _verifier.Verify(changed, signature, TestPki.Now);
            Assert.False(result.Valid);
            Assert.Contains("content", result.ReasonEn, StringComparison.Ordinal);
            Assert.Contains("nội dung", result.ReasonVi, StringComparison.Ordinal);
        }
        Assert.False(_verifier.Verify(Content.AsSpan(0, Content.Length - 1), signature, TestPki.Now).Valid);
        Assert.False(_verifier.Verify([.. Content, (byte)' '], signature, TestPki.Now).Valid);
        Assert.False(_verifier.Verify([], signature, TestPki.Now).Valid);
    }

    [Fact]
    public void A_signature_carrying_other_content_is_checked_against_ours()
    {
        var attached = _pki.Sign("""{"forged":true}"""u8.ToArray(), _pki.Reporter(ReporterSubject), detached: false);
        Assert.False(_verifier.Verify(Content, attached, TestPki.Now).Valid);
    }

    [Fact]
    public void A_certificate_from_an_untrusted_CA_is_refused()
    {
        var stranger = _otherPki.Reporter(ReporterSubject);
        var result = _verifier.Verify(Content, _otherPki.Sign(Content, stranger), TestPki.Now);
        Assert.False(result.Valid);
        Assert.Equal(stranger.Subject, result.SignerSubject);
        Assert.Contains("trusted root", result.ReasonEn, StringComparison.Ordinal);
        // The same signature is fine for a verifier that trusts that CA.
        Assert.True(new ReporterSignatureVerifier([_otherPki.Root]).Verify(Content, _otherPki.Sign(Content, stranger), TestPki.Now).Valid);
    }

    [Fact]
    public void A_self_made_certificate_with_a_copied_name_is_refused()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(_pki.Intermediate.SubjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var fake = request.CreateSelfSigned(TestPki.Now.AddYears(-1), TestPki.Now.AddYears(1));
        var cms = new SignedCms(new ContentInfo(Content), detached: true);
        cms.ComputeSignature(new CmsSigner(fake), silent: true);
        Assert.False(_verifier.Verify(Content, cms.Encode(), TestPki.Now).Valid);
    }

    [Fact]
    public void An_expired_certificate_is_refused_but_was_valid_while_it_lasted()
    {
        var expired = _pki.Reporter(ReporterSubject, TestPki.Now.AddYears(-2), TestPki.Now.AddDays(-1));
        var signature = _pki.Sign(Content, expired);
        var result = _verifier.Verify(Content, signature, TestPki.Now);
        Assert.False(result.Valid);
        Assert.Contains("expired", result.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("hết hạn", result.ReasonVi, StringComparison.Ordinal);
        Assert.True(_verifier.Verify(Content, signature, TestPki.Now.AddDays(-30)).Valid);
        // Not yet valid is refused too.
        Assert.False(_verifier.Verify(Content, signature, TestPki.Now.AddYears(-3)).Valid);
    }

    [Fact]
    public void A_certificate_not_meant_for_signing_is_refused()
    {
        var encryptionOnly = _pki.Reporter(ReporterSubject, usage: X509KeyUsageFlags.KeyEncipherment);
        var result = _verifier.Verify(Content, _pki.Sign(Content, encryptionOnly), TestPki.Now);
        Assert.False(result.Valid);
        Assert.Contains("not allowed", result.ReasonEn, StringComparison.Ordinal);
        Assert.True(_verifier.Verify(Content, _pki.Sign(Content, _pki.Reporter(ReporterSubject, usage: X509KeyUsageFlags.NonRepudiation)),
            TestPki.Now).Valid);
    }

    [Fact]
    public void A_missing_intermediate_can_come_from_configuration()
    {
        var signature = _pki.Sign(Content, _pki.Reporter(ReporterSubject), includeIntermediate: false);
        Assert.False(_verifier.Verify(Content, signature, TestPki.Now).Valid);
        var configured = new ReporterSignatureVerifier([_pki.Root], [_pki.Intermediate]);
        Assert.True(configured.Verify(Content, signature, TestPki.Now).Valid);
    }

    [Fact]
    public void SHA1_digests_and_several_signers_are_refused()
    {
        var reporter = _pki.Reporter(ReporterSubject);
        var sha1 = _verifier.Verify(Content, _pki.Sign(Content, reporter, digestOid: "1.3.14.3.2.26"), TestPki.Now);
        Assert.False(sha1.Valid);
        Assert.Contains("digest", sha1.ReasonEn, StringComparison.Ordinal);
        var two = _verifier.Verify(Content, _pki.Sign(Content, reporter, secondSigner: _pki.Reporter("CN=Trần Thị Bình")), TestPki.Now);
        Assert.False(two.Valid);
        Assert.Contains("exactly one signer", two.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_is_refused_without_an_exception()
    {
        var signature = _pki.Sign(Content, _pki.Reporter(ReporterSubject));
        var random = new Random(11);
        List<byte[]> inputs = [[], [0], [0x30, 0x80], "not a signature"u8.ToArray(), _pki.Root.RawData, null!];
        for (var run = 0; run < 300; run++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            inputs.Add(bytes);
            // Damaged real signatures reach deeper into the decoder than random bytes do.
            var damaged = (byte[])signature.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)random.Next(1, 256);
            }
            inputs.Add(damaged);
            inputs.Add(signature[..random.Next(signature.Length)]);
        }
        var genuine = _verifier.Verify(Content, signature, TestPki.Now);
        Assert.True(genuine.Valid);
        foreach (var input in inputs)
        {
            var result = _verifier.Verify(Content, input, TestPki.Now);
            if (result.Valid)
            {
                // A flip can land in bytes no signature covers (a spare copy of a certificate the chain is also built
                // from elsewhere): what remains is still the reporter's genuine signature over the same content.
                Assert.Equal(genuine.SignerThumbprint, result.SignerThumbprint);
                Assert.Equal(genuine.SigningTime, result.SigningTime);
                continue;
            }

            Assert.False(string.IsNullOrWhiteSpace(result.ReasonEn));
            Assert.False(string.IsNullOrWhiteSpace(result.ReasonVi));
        }

        // Garbage and truncations are never valid.
        Assert.All(inputs.Where(i => i is null || i.Length < signature.Length), input => Assert.False(_verifier.Verify(Content, input, TestPki.Now).Valid));
    }

    [Fact]
    public void A_verifier_needs_a_root() =>
        Assert.Throws<ArgumentException>(() => new ReporterSignatureVerifier([]));
}
