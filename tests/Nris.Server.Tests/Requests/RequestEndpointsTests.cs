using System.Globalization;
using System.Text;
using System.Text.Json;
using Nris.Server.Hosting;
using Nris.Server.Tests.Auth;
using Nris.Server.Tests.Submissions;

namespace Nris.Server.Tests.Requests;

/// <summary>Ad-hoc report requests over HTTP against the real server on SQLite.</summary>
public sealed class RequestEndpointsTests(NrisServerFixture server) : RequestEndpointsSuite(server);

/// <summary>The same over HTTP against a real server on PostgreSQL.</summary>
public sealed class PostgresRequestEndpointsTests(PostgresServerFixture server) : RequestEndpointsSuite(server), IClassFixture<PostgresServerFixture>;

/// <summary>
/// Ad-hoc report requests (báo cáo đột xuất) over HTTP: the Government Office issues a request to Hà Nội and Đà Nẵng;
/// Hà Nội answers, is returned, revises, is accepted; Đà Nẵng sees only its own part; Hồ Chí Minh City sees nothing;
/// every refusal is a bilingual problem naming the field and stores nothing; the ledger verifies afterwards.
/// </summary>
public abstract class RequestEndpointsSuite(NrisServerFixture server)
{
    private const string Hanoi = "UBND.01";
    private const string Danang = "UBND.48";
    private const string Hcmc = "UBND.79";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Status, JsonElement Body, string Text)> SendAsync(ApiSession session, HttpMethod method, string path, object? body = null)
    {
        using var response = await session.SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private string Deadline(int days) => VietnamTime.Today(server.Clock).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private object IssueBody(string? issuer = "VPCP", string[]? targets = null, string classification = "internal") => new
    {
        issuer,
        subject = "Báo cáo nhanh tình hình doanh nghiệp quý I",
        subjectEn = "Quick report on enterprises, first quarter",
        questions = new[] { new { text = "Nêu nguyên nhân doanh nghiệp tạm ngừng kinh doanh tăng.", textEn = "Why did suspensions rise?" } },
        indicators = new object[] { new { indicator = "ENT_NEW" }, new { indicator = "GRDP", disaggregation = "ECON_ACTIVITY" } },
        targets = new { codes = targets ?? [Hanoi, Danang] },
        period = "2026-Q1",
        deadline = Deadline(5),
        classification,
    };

    private static object Values(decimal enterprises) => new object[]
    {
        new { indicator = "ENT_NEW", number = enterprises },
        new { indicator = "GRDP", number = 60m },
        new { indicator = "GRDP", disaggregation = "ECON_ACTIVITY:AGR", number = 10m },
        new { indicator = "GRDP", disaggregation = "ECON_ACTIVITY:IND", number = 20m },
        new { indicator = "GRDP", disaggregation = "ECON_ACTIVITY:SRV", number = 30m },
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static JsonElement Target(JsonElement request, string organization) =>
        request.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("organization").GetString() == organization);

    [Fact]
    public async Task The_government_office_issues_hanoi_answers_is_returned_revises_and_is_accepted_and_others_see_only_their_part()
    {
        var leader = await server.UserAsync("VPCP", "reviewer");
        var hanoi = await server.UserAsync(Hanoi, "reporter");
        var danang = await server.UserAsync(Danang, "reporter");
        var hcmc = await server.UserAsync(Hcmc, "reporter");
        using var l = leader.Session;
        using var h = hanoi.Session;
        using var d = danang.Session;
        using var x = hcmc.Session;

        var issued = await l.PostJsonAsync("/api/requests", IssueBody(), 201);
        var id = issued.GetProperty("id").GetInt64();
        var path = "/api/requests/" + id.ToString(CultureInfo.InvariantCulture);
        Assert.Equal("YC-" + id.ToString(CultureInfo.InvariantCulture), issued.GetProperty("code").GetString());
        Assert.Equal(2, issued.GetProperty("targets").GetArrayLength());
        Assert.Equal("notYetDue", Target(issued, Hanoi).GetProperty("state").GetString());
        Assert.True(issued.GetProperty("isIssuer").GetBoolean());

        // Hà Nội finds it addressed to it, sees only its own target row, and may answer for Hà Nội.
        var mine = await h.GetJsonAsync("/api/requests?as=target");
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        Assert.DoesNotContain((await h.GetJsonAsync("/api/requests?as=issuer")).GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        var seen = await h.GetJsonAsync(path);
        Assert.Equal([Hanoi], seen.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("organization").GetString()));
        Assert.Equal([Hanoi], seen.GetProperty("canAnswerFor").EnumerateArray().Select(t => t.GetString()));
        Assert.False(seen.GetProperty("canDecide").GetBoolean());

        // A fractional count is refused like in a report, naming the value; nothing is stored.
        var (status, problem, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Hanoi, new { baseVersion = 0, values = Values(12.5m) });
        Assert.True(status == 422, text);
        Assert.Equal("values[0]", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.True(problem.TryGetProperty("detailVi", out _));
        // A file called .pdf that is not a PDF, and a file type not allowed.
        (status, problem, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Hanoi, new
        {
            baseVersion = 0, values = Values(120), attachments = new[] { new { fileName = "note.txt", contentBase64 = Base64("ok") }, new { fileName = "scan.pdf", contentBase64 = Base64("not a pdf") } },
        });
        Assert.True(status == 400, text);
        Assert.Equal("attachments[1]", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        (status, problem, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Hanoi, new
        {
            baseVersion = 0, values = Values(120), attachments = new[] { new { fileName = "run.exe", contentBase64 = Base64("MZ") } },
        });
        Assert.True(status == 400, text);
        // An answer to a question the request does not ask.
        (status, problem, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Hanoi, new { baseVersion = 0, values = Values(120), texts = new[] { new { question = "Q9", text = "?" } } });
        Assert.True(status == 400, text);
        Assert.Equal("texts[0].question", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(0, Target(await h.GetJsonAsync(path), Hanoi).GetProperty("versions").GetInt32());
        Assert.Empty((await h.GetJsonAsync(path)).GetProperty("answers").EnumerateArray());

        // Hà Nội answers for itself only: not for Đà Nẵng (which it cannot see: 404).
        (status, _, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Danang, new { baseVersion = 0, values = Values(120) });
        Assert.True(status == 404, text);

        var attachment = "Số liệu sơ bộ, chi tiết theo phường.";
        var first = await h.PostJsonAsync(path + "/answers/" + Hanoi, new
        {
            baseVersion = 0, values = Values(120),
            texts = new[] { new { question = "Q1", text = "Do chi phí đầu vào tăng." } },
            attachments = new[] { new { fileName = "ghi-chu.txt", contentBase64 = Base64(attachment) } },
        }, 201);
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("receivedOnTime", Target(await l.GetJsonAsync(path), Hanoi).GetProperty("state").GetString());

        // The leader returns it; a return without a reason is refused naming the field.
        (status, problem, text) = await SendAsync(l, HttpMethod.Post, path + "/answers/" + Hanoi + "/return", new { version = 1 });
        Assert.True(status == 400, text);
        Assert.Equal("reason", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        // Hà Nội's reporter is not the issuer.
        (status, _, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Hanoi + "/return", new { version = 1, reason = "x" });
        Assert.True(status == 403, text);
        await l.PostJsonAsync(path + "/answers/" + Hanoi + "/return", new { version = 1, reason = "Thiếu số liệu doanh nghiệp mới của tháng 3." });
        var returned = Target(await h.GetJsonAsync(path), Hanoi);
        Assert.Equal("returned", returned.GetProperty("state").GetString());
        Assert.Equal("Thiếu số liệu doanh nghiệp mới của tháng 3.", returned.GetProperty("decisionReason").GetString());

        // A revision from a stale base is a conflict; from the current one it is version 2.
        (status, _, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Hanoi, new { baseVersion = 0, values = Values(130) });
        Assert.True(status == 409, text);
        var second = await h.PostJsonAsync(path + "/answers/" + Hanoi, new { baseVersion = 1, values = Values(130), texts = new[] { new { question = "Q1", text = "Do chi phí đầu vào tăng; đã bổ sung tháng 3." } } }, 201);
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        // Accepting an old version is refused; the current one is accepted; after that no revision.
        (status, _, text) = await SendAsync(l, HttpMethod.Post, path + "/answers/" + Hanoi + "/accept", new { version = 1 });
        Assert.True(status == 409, text);
        var accepted = await l.PostJsonAsync(path + "/answers/" + Hanoi + "/accept", new { version = 2 });
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        (status, _, text) = await SendAsync(h, HttpMethod.Post, path + "/answers/" + Hanoi, new { baseVersion = 2, values = Values(140) });
        Assert.True(status == 409, text);

        // The issuer's matrix: both targets, Hà Nội accepted with 1 return, Đà Nẵng not yet due; every answered value
        // names the request, the answer version and the ledger entry it came in.
        var full = await l.GetJsonAsync(path);
        Assert.Equal("accepted", Target(full, Hanoi).GetProperty("state").GetString());
        Assert.Equal(1, Target(full, Hanoi).GetProperty("returns").GetInt32());
        Assert.Equal("notYetDue", Target(full, Danang).GetProperty("state").GetString());
        var answers = full.GetProperty("answers").EnumerateArray().ToList();
        Assert.Equal([1, 2], answers.Select(a => a.GetProperty("version").GetInt32()));
        var latest = answers[1];
        var value = latest.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("value").GetProperty("indicator").GetString() == "ENT_NEW");
        Assert.Equal(130m, value.GetProperty("value").GetProperty("number").GetDecimal());
        Assert.Equal("YC-" + id.ToString(CultureInfo.InvariantCulture), value.GetProperty("provenance").GetProperty("code").GetString());
        Assert.Equal(2, value.GetProperty("provenance").GetProperty("version").GetInt32());
        Assert.Equal(second.GetProperty("ledgerSequence").GetInt64(), value.GetProperty("provenance").GetProperty("ledgerSequence").GetInt64());
        Assert.Equal(second.GetProperty("ledgerSequence").GetInt64(), latest.GetProperty("ledgerSequence").GetInt64());

        // The attachment: downloadable by the issuer and by Hà Nội, byte for byte, as a download.
        var file = answers[0].GetProperty("attachments")[0];
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(attachment)));
        Assert.Equal(sha, file.GetProperty("sha256").GetString());
        var download = file.GetProperty("download").GetString()!;
        foreach (var who in new[] { l, h })
        {
            using var got = await who.GetAsync(download);
            Assert.Equal(System.Net.HttpStatusCode.OK, got.StatusCode);
            Assert.Equal(attachment, await got.Content.ReadAsStringAsync(Ct));
            Assert.Equal("attachment", got.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("nosniff", got.Headers.GetValues("X-Content-Type-Options").Single());
        }

        // Đà Nẵng sees the request and its own row, not Hà Nội's answers or file.
        var theirs = await d.GetJsonAsync(path);
        Assert.Equal([Danang], theirs.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("organization").GetString()));
        Assert.Empty(theirs.GetProperty("answers").EnumerateArray());
        Assert.DoesNotContain("130", theirs.GetRawText(), StringComparison.Ordinal);
        using (var denied = await d.GetAsync(download))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, denied.StatusCode);
        }

        // Hồ Chí Minh City, not addressed, cannot see it at all: exactly like a request that does not exist.
        (status, problem, text) = await SendAsync(x, HttpMethod.Get, path);
        Assert.True(status == 404, text);
        Assert.True(problem.TryGetProperty("titleVi", out _));
        Assert.DoesNotContain((await x.GetJsonAsync("/api/requests")).GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        using (var denied = await x.GetAsync(download))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, denied.StatusCode);
        }

        // Every step was a ledger entry and the chain still verifies.
        using var admin = await server.AdminAsync();
        var verified = await admin.PostJsonAsync("/api/admin/ledger/verify", new { });
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.GetRawText());
        var issuedSequence = issued.GetProperty("ledgerSequence").GetInt64();
        Assert.True(first.GetProperty("ledgerSequence").GetInt64() > issuedSequence);
        Assert.True(accepted.GetProperty("ledgerSequence").GetInt64() > second.GetProperty("ledgerSequence").GetInt64());
    }

    [Fact]
    public async Task Bad_or_unauthorized_issues_are_refused_as_bilingual_problems_naming_the_field()
    {
        var hanoiLeader = await server.UserAsync(Hanoi, "reviewer");
        var hanoiReporter = await server.UserAsync(Hanoi, "reporter");
        using var l = hanoiLeader.Session;
        using var r = hanoiReporter.Session;

        async Task ExpectAsync(ApiSession session, object body, int expected, string? field)
        {
            var (status, problem, text) = await SendAsync(session, HttpMethod.Post, "/api/requests", body);
            Assert.True(status == expected, text);
            Assert.True(problem.TryGetProperty("titleVi", out _), text);
            if (field is not null)
            {
                Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
            }
        }

        var before = (await l.GetJsonAsync("/api/requests?as=issuer")).GetProperty("count").GetInt32();
        // A reporter holds no issuing role.
        await ExpectAsync(r, IssueBody(Hanoi, ["UBND.00070"]), 403, null);
        // Hà Nội's leader may not issue in the Government Office's name, nor reach Hồ Chí Minh City.
        await ExpectAsync(l, IssueBody("VPCP"), 403, "issuer");
        await ExpectAsync(l, IssueBody(Hanoi, [Hcmc]), 400, "targets.codes[0]");
        // An internal ceiling does not reach a confidential request.
        await ExpectAsync(l, IssueBody(Hanoi, ["UBND.00070"], "confidential"), 403, "issuer");
        await ExpectAsync(l, new { issuer = Hanoi, subject = "", targets = new { codes = new[] { "UBND.00070" } }, period = "2026-Q1", deadline = Deadline(3), questions = new[] { new { text = "?" } } }, 400, "subject");
        await ExpectAsync(l, new { issuer = Hanoi, subject = "S", targets = new { codes = new[] { "UBND.00070" } }, period = "2026-Q1", deadline = Deadline(-1), questions = new[] { new { text = "?" } } }, 400, "deadline");
        await ExpectAsync(l, new { issuer = Hanoi, subject = "S", targets = new { codes = new[] { "UBND.00070" } }, period = "2026-X1", deadline = Deadline(3), questions = new[] { new { text = "?" } } }, 400, "period");
        await ExpectAsync(l, new { issuer = Hanoi, subject = "S", targets = new { codes = new[] { "UBND.00070" } }, period = "2026-Q1", deadline = Deadline(3), indicators = new[] { new { indicator = "NO_SUCH" } } }, 400, "indicators[0].indicator");
        await ExpectAsync(l, new { issuer = Hanoi, subject = "S", targets = new { codes = new[] { "UBND.00070" } }, period = "2026-Q1", deadline = Deadline(3), indicators = new[] { new { indicator = "ENT_NEW", disaggregation = "SEX" } } }, 400, "indicators[0].disaggregation");
        await ExpectAsync(l, new { issuer = Hanoi, subject = "S", targets = new { codes = new[] { "UBND.00070" } }, period = "2026-Q1", deadline = Deadline(3) }, 400, "questions");
        await ExpectAsync(l, new { issuer = Hanoi, subject = "S", targets = new { kind = "planet" }, period = "2026-Q1", deadline = Deadline(3), questions = new[] { new { text = "?" } } }, 400, "targets.kind");
        await ExpectAsync(l, new { issuer = Hanoi, subject = 5 }, 400, "subject");
        Assert.Equal(before, (await l.GetJsonAsync("/api/requests?as=issuer")).GetProperty("count").GetInt32());

        // By kind within its own subtree: every commune committee of Hà Nội.
        var byKind = await l.PostJsonAsync("/api/requests", new
        {
            issuer = Hanoi, subject = "Rà soát điểm ngập úng", targets = new { kind = "communeCommittee" }, period = "2026-M03", deadline = Deadline(2),
            questions = new[] { new { text = "Liệt kê các điểm ngập úng trên địa bàn." } },
        }, 201);
        Assert.True(byKind.GetProperty("targets").GetArrayLength() > 10);
        Assert.All(byKind.GetProperty("targets").EnumerateArray(), t => Assert.StartsWith("UBND.", t.GetProperty("organization").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_confidential_request_is_invisible_to_a_target_whose_ceiling_is_internal()
    {
        var leader = await server.UserAsync(Hanoi, "reviewer", ceiling: "confidential");
        var commune = await server.UserAsync("UBND.00070", "reporter");
        var trusted = await server.UserAsync("UBND.00070", "reporter", ceiling: "confidential");
        using var l = leader.Session;
        using var c = commune.Session;
        using var t = trusted.Session;
        var issued = await l.PostJsonAsync("/api/requests", new
        {
            issuer = Hanoi, subject = "Mật: tình hình an ninh", targets = new { codes = new[] { "UBND.00070" } }, period = "2026-M03", deadline = Deadline(4),
            classification = "confidential", questions = new[] { new { text = "Báo cáo." } },
        }, 201);
        var path = "/api/requests/" + issued.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var (status, _, text) = await SendAsync(c, HttpMethod.Get, path);
        Assert.True(status == 404, text);
        (status, _, text) = await SendAsync(c, HttpMethod.Post, path + "/answers/UBND.00070", new { baseVersion = 0, texts = new[] { new { question = "Q1", text = "x" } } });
        Assert.True(status == 404, text);
        Assert.Equal("confidential", (await t.GetJsonAsync(path)).GetProperty("classification").GetString());
        await t.PostJsonAsync(path + "/answers/UBND.00070", new { baseVersion = 0, texts = new[] { new { question = "Q1", text = "Ổn định." } } }, 201);
    }
}
