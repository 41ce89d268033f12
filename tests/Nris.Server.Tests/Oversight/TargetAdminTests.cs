using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Oversight;
using Nris.Server.Aggregation;
using Nris.Server.Auth;
using Nris.Server.Tests.Auth;
using Nris.Server.Oversight;
using Nris.Storage;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// Targets administration over HTTP: a Hà Nội leader assigns its city a retail-sales target with a legal basis and
/// milestones, changes it, assigns one to one of its communes and overrides the shipped demo budget target; each change
/// is a ledger entry (<c>target.set</c>, <c>target.retired</c>) and shows in the progress list at once. Hồ Chí Minh
/// City's leader may set its own targets but not Hà Nội's; bad input answers a bilingual 400 naming the field and
/// stores nothing; the view rebuilt from the ledger equals the incrementally followed one; the chain still verifies.
/// </summary>
public abstract class TargetAdminTestsSuite
{
    private const string Code = "HN-2026-RETAIL";
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    private static object RetailTarget(decimal value, string territory = "01", object? milestones = null) => new
    {
        indicatorCode = "RETAIL_SALES", territoryCode = territory, year = 2026, kind = "level", value, higherIsBetter = true,
        legalBasis = "Nghị quyết số 99/NQ-HĐND ngày 10/12/2025 (thử nghiệm)", legalBasisEn = "Resolution 99/NQ-HĐND of 10 December 2025 (test)",
        milestones = milestones ?? new[] { new { period = "2026-Q1", value = 250m }, new { period = "2026-M06", value = 600m } },
    };

    [Fact]
    public async Task Targets_are_set_changed_and_retired_through_the_ledger_within_the_callers_territory()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 4, 5, 0, 0, 0, TimeSpan.Zero), [.. await DatabaseSettingsAsync(), "--Nris:Notifications:Enabled=false"]);
        await server.StartAsync();
        var hanoiUser = await server.UserAsync(Hanoi, "reviewer", "leader@hanoi.test.vn");
        var hanoiReporterUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var hcmcUser = await server.UserAsync(Hcmc, "reviewer", "leader@hcmc.test.vn");
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var hanoiReporter = await server.SignInAsync(hanoiReporterUser.UserName, hanoiReporterUser.Password);
        using var hcmc = await server.SignInAsync(hcmcUser.UserName, hcmcUser.Password);

        // Hà Nội's March figures: retail sales 100 in the month.
        await hanoiReporter.PostJsonAsync(Path("2026-M03", Hanoi) + "/submit", Body(Hanoi, period: "2026-M03"), 201);
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            await server.Services.GetRequiredService<AggregationProjection>().CatchUpAsync(db, Ct);
        }

        var ledgerBefore = await LedgerCountAsync(server);

        // Refusals: each names its field, in both languages, and stores nothing.
        await RefusedAsync(hanoi, "PUT", Code, new { territoryCode = "01", year = 2026, value = 1, legalBasis = "x" }, 400, "indicatorCode");
        await RefusedAsync(hanoi, "PUT", Code, new { indicatorCode = "NO_SUCH", territoryCode = "01", year = 2026, value = 1, legalBasis = "x" }, 400, "indicatorCode");
        await RefusedAsync(hanoi, "PUT", Code, new { indicatorCode = "RETAIL_SALES", territoryCode = "01", year = 2026, value = 1 }, 400, "legalBasis");
        await RefusedAsync(hanoi, "PUT", Code, new { indicatorCode = "RETAIL_SALES", territoryCode = "01", year = 1999, value = 1, legalBasis = "x" }, 400, "year");
        await RefusedAsync(hanoi, "PUT", Code, new { indicatorCode = "RETAIL_SALES", territoryCode = "01", year = 2026, kind = "fast", value = 1, legalBasis = "x" }, 400, "kind");
        await RefusedAsync(hanoi, "PUT", Code, new { indicatorCode = "RETAIL_SALES", territoryCode = "01", year = 2026, legalBasis = "x" }, 400, "value");
        await RefusedAsync(hanoi, "PUT", Code, RetailTarget(1, milestones: new[] { new { period = "2025-Q4", value = 1m } }), 400, "milestones[0].period");
        await RefusedAsync(hanoi, "PUT", Code, RetailTarget(1, milestones: new[] { new { period = "2026-Q1", value = 1m }, new { period = "2026-W05", value = 1m } }), 400, "milestones[1].period");
        await RefusedAsync(hanoi, "PUT", "bad code!", RetailTarget(1), 400, "code");
        await RefusedAsync(hanoi, "PUT", Code, new { indicatorCode = "RETAIL_SALES", territoryCode = "ZZ", year = 2026, value = 1, legalBasis = "x" }, 400, "territoryCode");
        // Another province's territory, and a caller without a leader's role.
        await RefusedAsync(hcmc, "PUT", Code, RetailTarget(1000), 403, "territoryCode");
        using (var response = await hanoiReporter.SendAsync(HttpMethod.Put, "/api/oversight/targets/" + Code, RetailTarget(1000)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(ledgerBefore, await LedgerCountAsync(server));

        // Set: 201, a ledger entry, and the progress list shows it against its milestone at once.
        var set = await SendJsonAsync(hanoi, HttpMethod.Put, "/api/oversight/targets/" + Code, RetailTarget(1000), 201);
        var setSequence = set.GetProperty("ledgerSequence").GetInt64();
        Assert.Equal("UBND.01", set.GetProperty("assignedBy").GetString());
        var listed = await TargetAsync(hanoi, Code);
        Assert.Equal(1000m, listed.GetProperty("target").GetDecimal());
        Assert.Equal("Nghị quyết số 99/NQ-HĐND ngày 10/12/2025 (thử nghiệm)", listed.GetProperty("legalBasis").GetString());
        Assert.Equal(2, listed.GetProperty("milestones").GetArrayLength());
        Assert.Equal("milestone", listed.GetProperty("pace").GetString());
        Assert.Equal(250m, listed.GetProperty("needed").GetDecimal());
        Assert.Equal(100m, listed.GetProperty("actual").GetDecimal());
        Assert.Equal("offTrack", listed.GetProperty("status").GetString());

        // Change: 200, a second entry; now the milestone is reached.
        var changed = await SendJsonAsync(hanoi, HttpMethod.Put, "/api/oversight/targets/" + Code,
            RetailTarget(400, milestones: new[] { new { period = "2026-Q1", value = 100m } }), 200);
        Assert.True(changed.GetProperty("ledgerSequence").GetInt64() > setSequence);
        listed = await TargetAsync(hanoi, Code);
        Assert.Equal(400m, listed.GetProperty("target").GetDecimal());
        Assert.Equal("onTrack", listed.GetProperty("status").GetString());

        // A commune of Hà Nội is Hà Nội's to assign; Hồ Chí Minh City assigns its own, and may not change or retire Hà Nội's.
        await SendJsonAsync(hanoi, HttpMethod.Put, "/api/oversight/targets/HN-00070-RETAIL", RetailTarget(10, territory: "00070"), 201);
        await SendJsonAsync(hcmc, HttpMethod.Put, "/api/oversight/targets/HCM-2026-RETAIL", RetailTarget(5000, territory: "79"), 201);
        await RefusedAsync(hcmc, "PUT", "HN-00070-RETAIL", RetailTarget(10, territory: "79"), 403, "territoryCode");
        await RefusedAsync(hcmc, "POST", Code + "/retire", new { reason = "not mine" }, 403, "code");
        // Hồ Chí Minh City may see that Hà Nội has the target (retail sales also has public sources), never Hà Nội's internal figure.
        var seenByHcmc = await TargetAsync(hcmc, Code);
        Assert.False(seenByHcmc.TryGetProperty("actual", out var leaked) && leaked.ValueKind != JsonValueKind.Null, seenByHcmc.GetRawText());

        // A shipped (file) target is overridden through the ledger like any other.
        await SendJsonAsync(hanoi, HttpMethod.Put, "/api/oversight/targets/DEMO-2026-HN-BUDGET", new
        {
            indicatorCode = "BUDGET_REVENUE", territoryCode = "01", year = 2026, kind = "level", value = 555000m, legalBasis = "Điều chỉnh thử nghiệm",
        }, 200);
        Assert.Equal(555000m, (await TargetAsync(hanoi, "DEMO-2026-HN-BUDGET")).GetProperty("target").GetDecimal());

        // Retire: the reason is required; then the target is gone, and a second retire finds nothing.
        await RefusedAsync(hanoi, "POST", Code + "/retire", new { reason = " " }, 400, "reason");
        var retired = await SendJsonAsync(hanoi, HttpMethod.Post, $"/api/oversight/targets/{Code}/retire", new { reason = "Thay bằng chỉ tiêu mới" }, 200);
        Assert.True(retired.GetProperty("retired").GetBoolean());
        Assert.DoesNotContain((await hanoi.GetJsonAsync("/api/oversight/targets?year=2026")).EnumerateArray(), t => t.GetProperty("code").GetString() == Code);
        await RefusedAsync(hanoi, "POST", Code + "/retire", new { reason = "again" }, 404, "code");

        // Every change is one ledger entry of its kind, with the whole target in its payload.
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            var kinds = await db.LedgerEntries.Where(e => e.Sequence > ledgerBefore).OrderBy(e => e.Sequence).Select(e => e.Kind).ToListAsync(Ct);
            Assert.Equal([TargetBook.KindSet, TargetBook.KindSet, TargetBook.KindSet, TargetBook.KindSet, TargetBook.KindSet, TargetBook.KindRetired], kinds);
            var first = await db.LedgerEntries.SingleAsync(e => e.Sequence == setSequence, Ct);
            var payload = JsonDocument.Parse(first.Payload).RootElement;
            Assert.Equal(Code, payload.GetProperty("target").GetProperty("code").GetString());
            Assert.Equal("2026-Q1", payload.GetProperty("target").GetProperty("milestones")[0].GetProperty("period").GetString());
        }

        // The view rebuilt from scratch (the files, then the whole ledger) equals the incrementally followed one.
        var followed = server.Services.GetRequiredService<TargetService>();
        await followed.CatchUpAsync(Ct);
        var rebuilt = ActivatorUtilities.CreateInstance<TargetService>(server.Services);
        await rebuilt.CatchUpAsync(Ct);
        var options = new JsonSerializerOptions(TargetBook.Json);
        Assert.Equal(JsonSerializer.Serialize(followed.Targets, options), JsonSerializer.Serialize(rebuilt.Targets, options));
        Assert.Equal(followed.LastAppliedSequence, rebuilt.LastAppliedSequence);
        Assert.Contains(rebuilt.Targets, t => t.Code == "HN-00070-RETAIL");
        Assert.DoesNotContain(rebuilt.Targets, t => t.Code == Code);

        // The hash chain still verifies with the target entries in it.
        using var admin = await server.SignInAsync(IdentityBootstrap.AdminUserName, server.AdminPassword);
        var verified = await admin.PostJsonAsync("/api/admin/ledger/verify", new { });
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.GetRawText());
    }

    private static async Task<JsonElement> TargetAsync(ApiSession session, string code) =>
        Assert.Single((await session.GetJsonAsync("/api/oversight/targets?year=2026")).EnumerateArray(), t => t.GetProperty("code").GetString() == code);

    private static async Task<JsonElement> SendJsonAsync(ApiSession session, HttpMethod method, string path, object body, int expected) =>
        await ApiSession.ReadAsync(await session.SendAsync(method, path, body), method + " " + path, expected);

    private static async Task RefusedAsync(ApiSession session, string method, string codeAndAction, object body, int status, string field)
    {
        using var response = await session.SendAsync(new HttpMethod(method), "/api/oversight/targets/" + Uri.EscapeDataString(codeAndAction).Replace("%2F", "/", StringComparison.Ordinal), body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"{method} {codeAndAction}: {(int)response.StatusCode} {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.TryGetProperty("detailVi", out _), text);
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    private static async Task<long> LedgerCountAsync(OversightServer server)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct);
        return await db.LedgerEntries.MaxAsync(e => (long?)e.Sequence, Ct) ?? 0;
    }
}

/// <summary>The scenario on SQLite (the server's own database file).</summary>
public sealed class TargetAdminTests : TargetAdminTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresTargetAdminTests(Nris.Testing.PostgresFixture postgres) : TargetAdminTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
