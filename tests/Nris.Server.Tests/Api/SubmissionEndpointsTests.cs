using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Catalogue;
using Nris.Server.Tests.Auth;
using Nris.Server.Tests.Submissions;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Api;

/// <summary>Reports over HTTP against the real server (SQLite, the assembly's server): the workflow, retries, races, scope, size, signatures.</summary>
public sealed class SubmissionEndpointsTests(NrisServerFixture server) : SubmissionEndpointsSuite(server);

/// <summary>The same over HTTP against a real server on PostgreSQL.</summary>
public sealed class PostgresSubmissionEndpointsTests(PostgresServerFixture server) : SubmissionEndpointsSuite(server), IClassFixture<PostgresServerFixture>;

/// <summary>Reports over HTTP against a real server: the workflow, retries, races, scope, size, signatures.</summary>
public abstract class SubmissionEndpointsSuite(NrisServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task<(int Status, JsonElement Body, string Text)> SendAsync(ApiSession session, HttpMethod method, string path, object? body)
    {
        using var response = await session.SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    internal static async Task<(int Status, JsonElement Body, string Text)> RawAsync(ApiSession session, HttpMethod method, string path, string json, params (string, string)[] headers)
    {
        using var response = await session.SendRawAsync(method, path, new StringContent(json, Encoding.UTF8, "application/json"), headers);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    internal static IEnumerable<JsonElement> Errors(JsonElement problem) => problem.GetProperty("errors").EnumerateArray();

    [Fact]
    public async Task A_report_goes_through_error_fix_submit_return_revise_accept_over_http()
    {
        var reporter = await server.UserAsync(Hanoi, "reporter");
        var reviewer = await server.UserAsync("VPCP", "reviewer");
        using var r = reporter.Session;
        using var v = reviewer.Session;
        var period = NextPeriod();
        var path = Path(period, Hanoi);

        // A text where the form wants a number: 422, naming the cell by list index, row, indicator and labels.
        var values = Values(Hanoi);
        values[12] = new Dictionary<string, object?> { ["indicator"] = "TRAFFIC_INJURIES", ["text"] = "nhiều" };
        var (status, problem, text) = await SendAsync(r, HttpMethod.Post, path + "/submit", new { values });
        Assert.True(status == 422, text);
        var issue = Assert.Single(Errors(problem), e => e.GetProperty("field").GetString() == "values[12]");
        Assert.Equal("C03", issue.GetProperty("rowCode").GetString());
        Assert.Equal("TRAFFIC_INJURIES", issue.GetProperty("indicator").GetString());
        Assert.False(string.IsNullOrEmpty(issue.GetProperty("rowLabelVi").GetString()));
        Assert.False(string.IsNullOrEmpty(issue.GetProperty("messageVi").GetString()));
        Assert.True(problem.TryGetProperty("titleVi", out _));
        await r.GetJsonAsync(path, 404);

        var first = await r.PostJsonAsync(path + "/submit", Body(Hanoi), 201);
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("submitted", first.GetProperty("state").GetString());

        // The reporter cannot decide on its own report; the recipient's reviewer can.
        await r.PostJsonAsync(path + "/return", new { version = 1, reason = "x" }, 403);
        var returned = await v.PostJsonAsync(path + "/return", new { version = 1, reason = "Bán lẻ chưa khớp / retail does not match" });
        Assert.Equal("returned", returned.GetProperty("state").GetString());

        await r.PostJsonAsync(path + "/revise", new { values = Values(Hanoi, 120m), baseVersion = 1 }, 400);
        var revised = await r.PostJsonAsync(path + "/revise", new { values = Values(Hanoi, 120m), baseVersion = 1, reason = "Sửa bán lẻ / retail fixed" }, 201);
        Assert.Equal(2, revised.GetProperty("version").GetInt32());
        var accepted = await v.PostJsonAsync(path + "/accept", new { version = 2 });
        Assert.Equal("accepted", accepted.GetProperty("state").GetString());
        // Accepted is locked: a revision now is a conflict with the workflow.
        await r.PostJsonAsync(path + "/revise", new { values = Values(Hanoi, 130m), baseVersion = 2, reason = "again" }, 409);

        var details = await r.GetJsonAsync(path);
        Assert.Equal("accepted", details.GetProperty("state").GetString());
        Assert.Equal(2, details.GetProperty("versions").GetArrayLength());
        Assert.Equal(["submit", "return", "revise", "accept"], details.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
        Assert.Equal(120m, details.GetProperty("currentValues").EnumerateArray().Single(x => x.GetProperty("indicator").GetString() == "RETAIL_SALES").GetProperty("number").GetDecimal());
        Assert.Equal(13, (await r.GetJsonAsync(path + "/versions/1/values")).GetProperty("count").GetInt32());
        var diff = await v.GetJsonAsync(path + "/diff?from=1&to=2");
        var change = Assert.Single(diff.GetProperty("changed").EnumerateArray());
        Assert.Equal("RETAIL_SALES", change.GetProperty("indicator").GetString());
        Assert.Equal(100m, change.GetProperty("before").GetProperty("number").GetDecimal());
        await v.GetJsonAsync(path + "/diff?from=1", 400);

        // Provenance names version 2 and the version it superseded, with their ledger entries.
        var provenance = await v.GetJsonAsync($"/api/provenance?indicator=RETAIL_SALES&territory=01&period={period}&source={Hanoi}");
        Assert.Equal(120m, provenance.GetProperty("value").GetProperty("number").GetDecimal());
        Assert.Equal(2, provenance.GetProperty("from").GetProperty("version").GetInt32());
        Assert.Equal(revised.GetProperty("ledgerSequence").GetInt64(), provenance.GetProperty("from").GetProperty("ledgerSequence").GetInt64());
        Assert.Equal(revised.GetProperty("ledgerHash").GetString(), provenance.GetProperty("from").GetProperty("ledgerHash").GetString());
        Assert.Equal(reporter.UserName, provenance.GetProperty("from").GetProperty("submittedBy").GetString());
        var earlier = Assert.Single(provenance.GetProperty("superseded").EnumerateArray());
        Assert.Equal(100m, earlier.GetProperty("value").GetProperty("number").GetDecimal());
        Assert.Equal(first.GetProperty("ledgerSequence").GetInt64(), earlier.GetProperty("ledgerSequence").GetInt64());
        await v.GetJsonAsync($"/api/provenance?indicator=RETAIL_SALES&territory=01&period=2020-13&source={Hanoi}", 400);
        await v.GetJsonAsync($"/api/provenance?territory=01&period={period}&source={Hanoi}", 400);
    }

    [Fact]
    public async Task Drafts_are_saved_and_read_by_the_reporter_and_leave_with_the_submission()
    {
        var reporter = await server.UserAsync(Hanoi, "reporter");
        using var r = reporter.Session;
        var path = Path(NextPeriod(), Hanoi);
        await r.GetJsonAsync(path + "/draft", 404);
        using (var put = await r.SendAsync(HttpMethod.Put, path + "/draft", new { values = Values(Hanoi).Take(3), explanations = new[] { new { rule = "R04", text = "tạm" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        var draft = await r.GetJsonAsync(path + "/draft");
        Assert.Equal(3, draft.GetProperty("values").GetArrayLength());
        Assert.Equal("R04", draft.GetProperty("explanations")[0].GetProperty("rule").GetString());
        await r.PostJsonAsync(path + "/submit", Body(Hanoi), 201);
        await r.GetJsonAsync(path + "/draft", 404);
    }

    [Fact]
    public async Task An_idempotent_retry_returns_the_first_result_and_a_reused_key_with_another_body_is_refused()
    {
        var reporter = await server.UserAsync(Hanoi, "reporter");
        using var r = reporter.Session;
        var path = Path(NextPeriod(), Hanoi) + "/submit";
        var body = JsonSerializer.Serialize(Body(Hanoi));
        var key = ("Idempotency-Key", Guid.NewGuid().ToString());

        var first = await RawAsync(r, HttpMethod.Post, path, body, key);
        var retry = await RawAsync(r, HttpMethod.Post, path, body, key);
        Assert.True(first.Status == 201, first.Text);
        Assert.Equal(first.Status, retry.Status);
        Assert.Equal(first.Text, retry.Text);

        var other = await RawAsync(r, HttpMethod.Post, path, JsonSerializer.Serialize(Body(Hanoi, 101m)), key);
        Assert.True(other.Status == 422, other.Text);
        Assert.Equal("Idempotency-Key", Errors(other.Body).Single().GetProperty("field").GetString());
        // Without the key, a second submission is a conflict, not a replay.
        var again = await RawAsync(r, HttpMethod.Post, path, body);
        Assert.Equal(409, again.Status);
    }

    [Fact]
    public async Task Of_concurrent_first_submissions_one_wins_and_the_others_get_409_naming_the_current_version()
    {
        var reporter = await server.UserAsync(Hanoi, "reporter");
        using var r = reporter.Session;
        var path = Path(NextPeriod(), Hanoi) + "/submit";
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => SendAsync(r, HttpMethod.Post, path, Body(Hanoi, 100m + i))));
        Assert.Equal(1, attempts.Count(a => a.Status == 201));
        var losers = attempts.Where(a => a.Status != 201).ToList();
        Assert.Equal(5, losers.Count);
        Assert.All(losers, l =>
        {
            Assert.True(l.Status == 409, l.Text);
            Assert.Equal(1, l.Body.GetProperty("currentVersion").GetInt32());
            Assert.Equal("submitted", l.Body.GetProperty("currentState").GetString());
        });
    }

    [Fact]
    public async Task A_hanoi_reporter_can_neither_submit_for_nor_read_a_hcmc_report()
    {
        using var admin = await server.AdminAsync();
        var period = NextPeriod();
        await admin.PostJsonAsync(Path(period, Hcmc) + "/submit", Body(Hcmc), 201);
        var reporter = await server.UserAsync(Hanoi, "reporter");
        using var r = reporter.Session;

        var read = await SendAsync(r, HttpMethod.Get, Path(period, Hcmc), null);
        var submit = await SendAsync(r, HttpMethod.Post, Path(NextPeriod(), Hcmc) + "/submit", Body(Hcmc));
        var values = await SendAsync(r, HttpMethod.Get, Path(period, Hcmc) + "/versions/1/values", null);
        var provenance = await SendAsync(r, HttpMethod.Get, $"/api/provenance?indicator=RETAIL_SALES&territory=79&period={period}&source={Hcmc}", null);
        foreach (var (status, _, text) in new[] { read, submit, values, provenance })
        {
            Assert.True(status == 404, text);
            Assert.DoesNotContain(HcmcMarker, text, StringComparison.Ordinal);
        }
        // A report that does not exist and one out of scope look the same.
        var missing = await SendAsync(r, HttpMethod.Get, Path(NextPeriod(), Hcmc), null);
        Assert.Equal(read.Body.GetProperty("title").GetString(), missing.Body.GetProperty("title").GetString());

        var list = await r.GetJsonAsync("/api/reports");
        Assert.DoesNotContain(Hcmc, list.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(list.GetProperty("count").GetInt32(), list.GetProperty("items").GetArrayLength());
        var all = await admin.GetJsonAsync($"/api/reports?reporter={Hcmc}&period={period}");
        Assert.Equal(1, all.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_submission_of_100000_values_is_accepted_in_one_request()
    {
        using var admin = await server.AdminAsync();
        var snapshot = server.Services.GetRequiredService<CatalogueState>().Current;
        var day = new DateOnly(2025, 1, 1);
        var communes = snapshot.Territories.All.Where(t => t.Level == TerritoryLevel.Commune && t.Validity.Contains(day))
            .Select(t => t.Code).Distinct(StringComparer.Ordinal).Take(10_000).ToList();
        Assert.Equal(10_000, communes.Count);
        string[] indicators = ["AREA_KM2", "POP_AVG", "POP_DENSITY", "LABOUR_FORCE_15PLUS", "GRDP_PER_CAPITA", "INCOME_PC_MONTHLY_TOTAL",
            "INCOME_PC_MONTHLY_WAGES", "INCOME_PC_MONTHLY_AGRI", "INCOME_PC_MONTHLY_NONAGRI", "INCOME_PC_MONTHLY_OTHER"];
        var values = indicators.SelectMany(i => communes.Select((c, n) => new { indicator = i, territory = c, number = 1000 + n % 97 })).ToList();
        Assert.Equal(100_000, values.Count);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await admin.PostJsonAsync("/api/reports/NGTK-TINH-NAM/2025/CTK/submit", new { values }, 201);
        TestContext.Current.TestOutputHelper?.WriteLine($"100,000 values submitted over HTTP (SQLite) in {watch.ElapsedMilliseconds} ms");
        Assert.Equal(1, result.GetProperty("version").GetInt32());
        var stored = await admin.GetJsonAsync("/api/reports/NGTK-TINH-NAM/2025/CTK/versions/1/values");
        Assert.Equal(100_000, stored.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_signed_submission_is_verified_and_its_signer_shown_and_a_bad_signature_is_refused_naming_signature()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Nris Test Root CA, O=Nris Test, C=VN", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var root = rootRequest.CreateSelfSigned(now.AddYears(-1), now.AddYears(10));
        await File.WriteAllTextAsync(server.TrustedRootsFile, root.ExportCertificatePem(), Ct);

        using var signerKey = RSA.Create(2048);
        var signerRequest = new CertificateRequest("CN=Nguyễn Văn A, O=UBND Thành phố Hà Nội, C=VN", signerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        signerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        signerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        signerRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var issued = signerRequest.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), now.AddDays(-1), now.AddYears(1), RandomNumberGenerator.GetBytes(12));
        using var signer = issued.CopyWithPrivateKey(signerKey);

        var period = NextPeriod();
        var key = new ReportKey(ReportTestData.Regime, Period.Parse(period), Hanoi);
        var reportValues = Values(Hanoi).Select(v => new ReportValue((string)v["indicator"]!, Disaggregations.Total, null, (decimal)v["number"]!, null, null)).ToList();
        byte[] Sign(IReadOnlyList<ReportValue> signed)
        {
            var document = new SubmissionDocument(key, 1, 1, null, SubmissionPayload.Normalize(signed, "01"), [],
                new SubmissionSignature("cms", signer.Subject, []));
            var cms = new SignedCms(new ContentInfo(SubmissionPayload.SignedBytes(document)), detached: true);
            cms.ComputeSignature(new CmsSigner(signer) { DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"), IncludeOption = X509IncludeOption.EndCertOnly });
            return cms.Encode();
        }

        var reporter = await server.UserAsync(Hanoi, "reporter");
        using var r = reporter.Session;
        var path = Path(period, Hanoi);
        // Signed over other values: refused, naming the signature, nothing stored.
        var wrong = Sign([.. reportValues.Select(v => v.IndicatorCode == "IIP" ? v with { Number = 99m } : v)]);
        var refused = await SendAsync(r, HttpMethod.Post, path + "/submit", new { values = Values(Hanoi), signature = Convert.ToBase64String(wrong) });
        Assert.True(refused.Status == 422, refused.Text);
        Assert.Equal("signature", Errors(refused.Body).Single().GetProperty("field").GetString());
        var garbage = await SendAsync(r, HttpMethod.Post, path + "/submit", new { values = Values(Hanoi), signature = "not base64!" });
        Assert.Equal(422, garbage.Status);
        await r.GetJsonAsync(path, 404);

        var signature = Sign(reportValues);
        var result = await r.PostJsonAsync(path + "/submit", new { values = Values(Hanoi), signature = Convert.ToBase64String(signature) }, 201);
        var details = await r.GetJsonAsync(path);
        var shown = details.GetProperty("versions")[0].GetProperty("signature");
        Assert.Equal(signer.Subject, shown.GetProperty("signer").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(signer.RawData)), shown.GetProperty("thumbprint").GetString());
        var provenance = await r.GetJsonAsync($"/api/provenance?indicator=IIP&territory=01&period={period}&source={Hanoi}");
        Assert.Equal(signer.Subject, provenance.GetProperty("from").GetProperty("signature").GetProperty("signer").GetString());
        Assert.Equal(result.GetProperty("ledgerSequence").GetInt64(), provenance.GetProperty("from").GetProperty("ledgerSequence").GetInt64());
    }
}

/// <summary>Tests that compare the whole ledger and report count before and after, so nothing may run beside them.</summary>
[CollectionDefinition(nameof(LedgerWide), DisableParallelization = true)]
public sealed class LedgerWide;

/// <summary>Bad input over HTTP (SQLite): a 4xx naming the field, and not one ledger entry or report more.</summary>
[Collection(nameof(LedgerWide))]
public sealed class SubmissionBadInputTests(NrisServerFixture server) : SubmissionBadInputSuite(server);

/// <summary>Bad input over HTTP (PostgreSQL): a 4xx naming the field, and not one ledger entry or report more.</summary>
[Collection(nameof(LedgerWide))]
public sealed class PostgresSubmissionBadInputTests(PostgresServerFixture server) : SubmissionBadInputSuite(server), IClassFixture<PostgresServerFixture>;

/// <summary>Bad input over HTTP: a 4xx naming the field, and not one ledger entry or report more.</summary>
public abstract class SubmissionBadInputSuite(NrisServerFixture server)
{
    private static Task<(int Status, JsonElement Body, string Text)> RawAsync(ApiSession session, HttpMethod method, string path, string json, params (string, string)[] headers) =>
        SubmissionEndpointsSuite.RawAsync(session, method, path, json, headers);

    private static IEnumerable<JsonElement> Errors(JsonElement problem) => SubmissionEndpointsSuite.Errors(problem);

    [Fact]
    public async Task Bad_input_of_every_kind_gets_a_4xx_naming_the_field_and_stores_nothing()
    {
        using var admin = await server.AdminAsync();
        var reporter = await server.UserAsync(Hanoi, "reporter");
        using var r = reporter.Session;
        var period = NextPeriod();
        var path = Path(period, Hanoi) + "/submit";

        async Task<(long Entries, int Reports)> StateAsync() =>
            ((await admin.PostJsonAsync("/api/admin/ledger/verify", new { })).GetProperty("entriesChecked").GetInt64(),
             (await admin.GetJsonAsync("/api/reports?limit=10000")).GetProperty("count").GetInt32());

        string WithValue(int index, string member, string rawJson)
        {
            var values = Values(Hanoi).Select(v => JsonSerializer.Serialize(v)).ToList();
            values[index] = values[index].TrimEnd('}') + $",\"{member}\":{rawJson}}}";
            return "{\"values\":[" + string.Join(",", values) + "]}";
        }

        var duplicate = Values(Hanoi);
        duplicate.Add(new Dictionary<string, object?> { ["indicator"] = "IIP", ["number"] = 101m });
        var unknown = Values(Hanoi);
        unknown.Add(new Dictionary<string, object?> { ["indicator"] = "NO_SUCH_INDICATOR", ["number"] = 1m });
        var huge = new string('x', 10 * 1024 * 1024);
        var cases = new (string Name, string Path, string Json, int[] Statuses, string Field)[]
        {
            ("malformed JSON", path, "{\"values\": [ {\"indicator\": \"IIP\", \"number\": 1,, ] ", [400], "values[0]"),
            ("not an object", path, "[1,2,3]", [400], "body"),
            ("string for a number", path, WithValue(3, "number", "\"abc\""), [400], "values[3].number"),
            ("numeric string for a number", path, WithValue(3, "number", "\"100\""), [400], "values[3].number"),
            ("unknown status", path, WithValue(2, "status", "\"final\""), [400], "values[2].status"),
            ("missing values", path, "{}", [400], "values"),
            ("missing indicator", path, "{\"values\":[{\"number\":1}]}", [400], "values[0].indicator"),
            ("unknown indicator", path, JsonSerializer.Serialize(new { values = unknown }), [422], "values[13]"),
            ("duplicate cell", path, JsonSerializer.Serialize(new { values = duplicate }), [422], "values[13]"),
            ("10 MB string", path, WithValue(0, "note", JsonSerializer.Serialize(huge)), [400, 413], "values[0].note"),
            ("wrong period format", Path("2020-13", Hanoi) + "/submit", JsonSerializer.Serialize(Body(Hanoi)), [400], "period"),
            ("wrong periodicity", Path("2021", Hanoi) + "/submit", JsonSerializer.Serialize(Body(Hanoi)), [422], "values"),
            ("unknown regime", $"/api/reports/NO-SUCH-REGIME/{period}/{Hanoi}/submit", JsonSerializer.Serialize(Body(Hanoi)), [404], ""),
            ("unknown territory", path, JsonSerializer.Serialize(new { values = Values(Hanoi).Select((v, i) => i == 0 ? new Dictionary<string, object?>(v) { ["territory"] = "99999" } : v) }), [422], "values[0]"),
            ("text too long", path, WithValue(0, "text", JsonSerializer.Serialize(new string('y', 4001))), [400], "values[0].text"),
        };

        var before = await StateAsync();
        foreach (var c in cases)
        {
            var (status, body, text) = await RawAsync(r, HttpMethod.Post, c.Path, c.Json);
            Assert.True(c.Statuses.Contains(status), $"{c.Name}: {status} {text[..Math.Min(400, text.Length)]}");
            Assert.True(body.TryGetProperty("titleVi", out _), $"{c.Name}: not a bilingual problem: {text[..Math.Min(400, text.Length)]}");
            if (c.Field.Length > 0 && status != 413)
            {
                Assert.True(Errors(body).Any(e => e.GetProperty("field").GetString() == c.Field), $"{c.Name}: no error names {c.Field}: {text[..Math.Min(600, text.Length)]}");
            }
            Assert.True(text.Length < 200_000, $"{c.Name}: the error echoes the input");
        }
        Assert.Equal(before, await StateAsync());
        await r.GetJsonAsync(Path(period, Hanoi), 404);
    }

}
