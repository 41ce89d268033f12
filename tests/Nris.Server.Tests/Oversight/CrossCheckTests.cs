using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Aggregation;
using Nris.Storage;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// A planted discrepancy between a province and a ministry: Hà Nội reports budget revenue of 100 for 2026-M03 under
/// its socio-economic regime, the Ministry of Finance reports 130 for Hà Nội under its budget regime. The cross-check
/// of catalogue/cross-checks/demo.json shows it with both values and both provenances (reporter, report version,
/// ledger sequence), only to callers who may read both sides, and it disappears when Hà Nội revises to 130.
/// </summary>
public abstract class CrossCheckTestsSuite
{
    private const string Period = "2026-M03";
    private const string Rule = "XC-BUDGET-REVENUE-PROVINCE-BTC";
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    [Fact]
    public async Task A_planted_province_ministry_gap_appears_with_both_provenances_and_disappears_when_revised()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 4, 5, 0, 0, 0, TimeSpan.Zero), [.. await DatabaseSettingsAsync()]);
        await server.StartAsync();
        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var btcUser = await server.UserAsync("BTC", "reporter", "reporter@btc.test.vn");
        var hcmcUser = await server.UserAsync(Hcmc, "reporter", "reporter@hcmc.test.vn");
        var vpcpUser = await server.UserAsync("VPCP", "reviewer", "reviewer@vpcp.test.vn");
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var btc = await server.SignInAsync(btcUser.UserName, btcUser.Password);
        using var hcmc = await server.SignInAsync(hcmcUser.UserName, hcmcUser.Password);
        using var vpcp = await server.SignInAsync(vpcpUser.UserName, vpcpUser.Password);

        var province = await hanoi.PostJsonAsync(Path(Period, Hanoi) + "/submit", Body(Hanoi, period: Period), 201);
        var provinceSequence = province.GetProperty("ledgerSequence").GetInt64();
        var ministry = await btc.PostJsonAsync($"/api/reports/NSNN-BTC-THANG/{Period}/BTC/submit", new { values = MinistryValues(130m) }, 201);
        var ministrySequence = ministry.GetProperty("ledgerSequence").GetInt64();
        await CatchUpAsync(server);

        var url = $"/api/oversight/cross-checks?period={Period}";
        var found = await vpcp.GetJsonAsync(url);
        var gap = Assert.Single(found.EnumerateArray(), d => d.GetProperty("territory").GetString() == "01");
        Assert.Equal(Rule, gap.GetProperty("rule").GetString());
        Assert.Equal(-30m, gap.GetProperty("gap").GetDecimal());
        AssertSide(gap.GetProperty("left"), Regime, 100m, Hanoi, provinceSequence);
        AssertSide(gap.GetProperty("right"), "NSNN-BTC-THANG", 130m, "BTC", ministrySequence);
        // It stands as it is since the later of the two reports.
        Assert.Equal(Math.Max(provinceSequence, ministrySequence), gap.GetProperty("sinceSequence").GetInt64());
        Assert.True(gap.TryGetProperty("since", out _));
        Assert.Contains("100", gap.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        Assert.Contains("130", gap.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        // Hà Nội sees its own discrepancy; Hồ Chí Minh City's reporter may not read Hà Nội's internal figures.
        Assert.Single((await hanoi.GetJsonAsync(url)).EnumerateArray());
        Assert.Empty((await hcmc.GetJsonAsync(url)).EnumerateArray());
        // The hot-issues feed joins the discrepancy and Hà Nội's (demo) budget target, off track: 130 (the ministry's
        // figure, first in the indicator's source order) against about 296 needed pro rata by the end of March.
        var hot = (await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=50")).EnumerateArray().ToList();
        var hotGap = Assert.Single(hot, i => i.GetProperty("kind").GetString() == "cross-check" && i.GetProperty("territory").GetString() == "01");
        Assert.Equal($"/api/oversight/cross-checks?period={Period}&rule={Rule}", hotGap.GetProperty("evidenceLink").GetString());
        var hotTarget = Assert.Single(hot, i => i.GetProperty("kind").GetString() == "target" && i.GetProperty("code").GetString() == "DEMO-2026-HN-BUDGET");
        Assert.Contains("off track", hotTarget.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        var scores = hot.ConvertAll(i => i.GetProperty("score").GetDouble());
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.Single((await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=1")).EnumerateArray());
        Assert.DoesNotContain((await hcmc.GetJsonAsync("/api/oversight/hot-issues")).EnumerateArray(), i => i.GetProperty("territory").GetString() == "01");
        await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=0", 400);
        await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=101", 400);

        // The rule filter, and bad input.
        Assert.Single((await vpcp.GetJsonAsync(url + "&rule=" + Rule)).EnumerateArray());
        await vpcp.GetJsonAsync(url + "&rule=NO-SUCH-RULE", 404);
        await vpcp.GetJsonAsync("/api/oversight/cross-checks", 400);
        await vpcp.GetJsonAsync("/api/oversight/cross-checks?period=March", 400);

        // A gap within tolerance (1 % or 0.5) is not a discrepancy: Hà Nội revises to 129.5, then to 130.
        var values = Values(Hanoi, period: Period);
        values.Single(v => (string)v["indicator"]! == "BUDGET_REVENUE")["number"] = 129.5m;
        await hanoi.PostJsonAsync(Path(Period, Hanoi) + "/revise", new { values, baseVersion = 1, reason = "Khớp số Bộ Tài chính / reconciled" }, 201);
        await CatchUpAsync(server);
        Assert.Empty((await vpcp.GetJsonAsync(url)).EnumerateArray());
        values.Single(v => (string)v["indicator"]! == "BUDGET_REVENUE")["number"] = 130m;
        await hanoi.PostJsonAsync(Path(Period, Hanoi) + "/revise", new { values, baseVersion = 2, reason = "Khớp số Bộ Tài chính / reconciled" }, 201);
        await CatchUpAsync(server);
        Assert.Empty((await vpcp.GetJsonAsync(url)).EnumerateArray());
        Assert.DoesNotContain((await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=50")).EnumerateArray(), i => i.GetProperty("kind").GetString() == "cross-check");
    }

    /// <summary>
    /// A reported total against a value derived from its components (kind "formula"): the Ministry of Finance reports
    /// national revenue of 1000 whose components add up to 950; the discrepancy names the formula, both values and the
    /// ledger entry behind each, is hidden from a province's reporter, and goes when the ministry corrects a component.
    /// </summary>
    [Fact]
    public async Task A_total_that_differs_from_the_sum_of_its_components_is_a_formula_discrepancy()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 5, 5, 0, 0, 0, TimeSpan.Zero), [.. await DatabaseSettingsAsync()]);
        await server.StartAsync();
        var btcUser = await server.UserAsync("BTC", "reporter", "reporter@btc.test.vn");
        var vpcpUser = await server.UserAsync("VPCP", "reviewer", "reviewer@vpcp.test.vn");
        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        using var btc = await server.SignInAsync(btcUser.UserName, btcUser.Password);
        using var vpcp = await server.SignInAsync(vpcpUser.UserName, vpcpUser.Password);
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        const string month = "2026-M04";
        const string formula = "XC-BUDGET-REVENUE-COMPONENTS";
        var sent = await btc.PostJsonAsync($"/api/reports/NSNN-BTC-THANG/{month}/BTC/submit", new { values = MinistryValues(120m, trade: 100m) }, 201);
        var sequence = sent.GetProperty("ledgerSequence").GetInt64();
        await CatchUpAsync(server);

        var url = $"/api/oversight/cross-checks?period={month}&rule={formula}";
        var gap = Assert.Single((await vpcp.GetJsonAsync(url)).EnumerateArray());
        Assert.Equal("VN", gap.GetProperty("territory").GetString());
        Assert.Equal(50m, gap.GetProperty("gap").GetDecimal());
        Assert.Equal(1000m, gap.GetProperty("left").GetProperty("value").GetDecimal());
        Assert.Equal(950m, gap.GetProperty("right").GetProperty("value").GetDecimal());
        // Three components on the right, each from the ministry's report.
        Assert.Equal(3, gap.GetProperty("right").GetProperty("contributorCount").GetInt32());
        Assert.All(gap.GetProperty("right").GetProperty("evidence").EnumerateArray(), e =>
        {
            Assert.Equal("BTC", e.GetProperty("reporter").GetString());
            Assert.Equal(sequence, e.GetProperty("ledgerSequence").GetInt64());
        });
        Assert.Equal(sequence, gap.GetProperty("sinceSequence").GetInt64());
        Assert.Contains("derived from BUDGET_REVENUE_DOMESTIC + BUDGET_REVENUE_OIL + BUDGET_REVENUE_TRADE = 950", gap.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Contains("số tính từ", gap.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        Assert.Empty((await hanoi.GetJsonAsync(url)).EnumerateArray());

        var values = MinistryValues(120m, trade: 150m);
        await btc.PostJsonAsync($"/api/reports/NSNN-BTC-THANG/{month}/BTC/revise", new { values, baseVersion = 1, reason = "Sửa thu xuất nhập khẩu / corrected" }, 201);
        await CatchUpAsync(server);
        Assert.Empty((await vpcp.GetJsonAsync(url)).EnumerateArray());
    }

    private static void AssertSide(JsonElement side, string source, decimal value, string reporter, long sequence)
    {
        Assert.Equal(source, side.GetProperty("source").GetString());
        Assert.Equal(value, side.GetProperty("value").GetDecimal());
        var evidence = Assert.Single(side.GetProperty("evidence").EnumerateArray());
        Assert.Equal(reporter, evidence.GetProperty("reporter").GetString());
        Assert.Equal(1, evidence.GetProperty("version").GetInt32());
        Assert.Equal(sequence, evidence.GetProperty("ledgerSequence").GetInt64());
        Assert.Contains("source=" + source, side.GetProperty("provenanceLink").GetString(), StringComparison.Ordinal);
    }

    // The Ministry of Finance's national figures (revenue = domestic + oil + trade unless told otherwise), and its figure for Hà Nội.
    private static List<Dictionary<string, object?>> MinistryValues(decimal hanoiRevenue, decimal trade = 150m)
    {
        var national = new (string Indicator, decimal Number)[]
        {
            ("BUDGET_REVENUE", 1000m), ("BUDGET_REVENUE_DOMESTIC", 800m), ("BUDGET_REVENUE_OIL", 50m), ("BUDGET_REVENUE_TRADE", trade),
            ("BUDGET_EXPENDITURE", 900m), ("BUDGET_EXP_DEVELOPMENT", 300m), ("BUDGET_EXP_RECURRENT", 500m), ("BUDGET_EXP_INTEREST", 50m),
        };
        return
        [
            .. national.Select(n => new Dictionary<string, object?> { ["indicator"] = n.Indicator, ["number"] = n.Number }),
            new Dictionary<string, object?> { ["indicator"] = "BUDGET_REVENUE", ["territory"] = "01", ["number"] = hanoiRevenue },
        ];
    }

    private static async Task CatchUpAsync(OversightServer server)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct);
        await server.Services.GetRequiredService<AggregationProjection>().CatchUpAsync(db, Ct);
    }
}

/// <summary>The scenario on SQLite (the server's own database file).</summary>
public sealed class CrossCheckTests : CrossCheckTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresCrossCheckTests(Nris.Testing.PostgresFixture postgres) : CrossCheckTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
