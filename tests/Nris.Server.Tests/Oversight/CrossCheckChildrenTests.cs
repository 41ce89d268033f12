using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Aggregation;
using Nris.Storage;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// A <c>children</c> cross-check over HTTP: a rule (in a data directory of the test's own, next to the shipped demo
/// rules) compares a province's own budget revenue figure with the sum of the figures of its communes, all sent in the
/// province's socio-economic report (a province may give figures for its communes; its own figure is the cell's value,
/// the communes' figures are the parts). Hà Nội reports 100 for the city and 40 + 30 for two wards (a planted gap of
/// 30); Hồ Chí Minh City 1000 against 600 + 399.9 (0.1 short: within the rule's tolerances). Hà Nội's gap appears with
/// both values, both provenances, the gap and since when; Hồ Chí Minh City's does not; a caller of another province
/// does not see Hà Nội's.
/// </summary>
public abstract class CrossCheckChildrenTestsSuite
{
    private const string Period = "2026-M03";
    private const string Rule = "XC-TEST-REVENUE-COMMUNES";
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    // The extra cross-check rule this test adds to the shipped ones.
    private static readonly object TestRule = new
    {
        code = Rule, kind = "children", indicatorCode = "BUDGET_REVENUE",
        leftSource = Regime, rightSource = Regime, territoryCodes = new[] { "01", "79" },
        absoluteTolerance = 0.5m, relativeTolerance = 0.01m,
        name = "Thu ngân sách: tỉnh so với tổng các xã", nameEn = "Budget revenue: the province against the sum of its communes",
    };

    // The report's own BUDGET_REVENUE (the province's figure) set to the total, plus one figure per commune.
    private static List<Dictionary<string, object?>> WithCommunes(string reporter, decimal total, params (string Commune, decimal Value)[] communes)
    {
        var values = Values(reporter, period: Period);
        values.Single(v => (string)v["indicator"]! == "BUDGET_REVENUE")["number"] = total;
        values.AddRange(communes.Select(c => new Dictionary<string, object?> { ["indicator"] = "BUDGET_REVENUE", ["territory"] = c.Commune, ["number"] = c.Value }));
        return values;
    }

    [Fact]
    public async Task A_province_against_its_communes_shows_a_planted_gap_with_both_provenances_and_not_one_within_tolerance()
    {
        using var files = new CrossCheckDataFiles(TestRule);
        await using var server = new OversightServer(new DateTimeOffset(2026, 4, 5, 0, 0, 0, TimeSpan.Zero),
            [.. await DatabaseSettingsAsync(), "--Nris:Notifications:Enabled=false", "--Nris:DataFiles=" + files.Root]);
        await server.StartAsync();
        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var hcmcUser = await server.UserAsync(Hcmc, "reporter", "reporter@hcmc.test.vn");
        var vpcpUser = await server.UserAsync("VPCP", "reviewer", "reviewer@vpcp.test.vn");
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var hcmc = await server.SignInAsync(hcmcUser.UserName, hcmcUser.Password);
        using var vpcp = await server.SignInAsync(vpcpUser.UserName, vpcpUser.Password);

        var hanoiSequence = (await hanoi.PostJsonAsync(Path(Period, Hanoi) + "/submit",
            new { values = WithCommunes(Hanoi, 100m, ("00004", 40m), ("00008", 30m)) }, 201)).GetProperty("ledgerSequence").GetInt64();
        await hcmc.PostJsonAsync(Path(Period, Hcmc) + "/submit",
            new { values = WithCommunes(Hcmc, 1000m, ("25747", 600m), ("25750", 399.9m)) }, 201);
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            await server.Services.GetRequiredService<AggregationProjection>().CatchUpAsync(db, Ct);
        }

        var url = $"/api/oversight/cross-checks?period={Period}&rule={Rule}";
        var found = (await vpcp.GetJsonAsync(url)).EnumerateArray().ToList();
        var gap = Assert.Single(found);
        Assert.Equal("01", gap.GetProperty("territory").GetString());
        Assert.Equal(30m, gap.GetProperty("gap").GetDecimal());
        var left = gap.GetProperty("left");
        var right = gap.GetProperty("right");
        Assert.Equal(100m, left.GetProperty("value").GetDecimal());
        Assert.Equal(70m, right.GetProperty("value").GetDecimal());
        Assert.Equal(2, right.GetProperty("contributorCount").GetInt32());
        // Both sides trace to Hà Nội's report version and its ledger entry.
        foreach (var side in new[] { left, right })
        {
            Assert.All(side.GetProperty("evidence").EnumerateArray(), e =>
            {
                Assert.Equal(Hanoi, e.GetProperty("reporter").GetString());
                Assert.Equal(hanoiSequence, e.GetProperty("ledgerSequence").GetInt64());
            });
            Assert.NotEmpty(side.GetProperty("evidence").EnumerateArray());
            Assert.StartsWith("/api/data/provenance", side.GetProperty("provenanceLink").GetString(), StringComparison.Ordinal);
        }

        // The left side is the province's own figure; the right side is made of the two wards' figures.
        Assert.Equal(["01"], left.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("territory").GetString()));
        Assert.Equal(["00004", "00008"], right.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("territory").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(hanoiSequence, gap.GetProperty("sinceSequence").GetInt64());
        Assert.True(gap.TryGetProperty("since", out _));
        Assert.Contains("100", gap.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        Assert.Contains("70", gap.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);

        // Scope: Hà Nội sees its own; Hồ Chí Minh City's reporter sees neither Hà Nội's gap nor one of its own (within tolerance).
        Assert.Single((await hanoi.GetJsonAsync(url)).EnumerateArray());
        Assert.Empty((await hcmc.GetJsonAsync(url)).EnumerateArray());
    }
}

/// <summary>The scenario on SQLite (the server's own database file).</summary>
public sealed class CrossCheckChildrenTests : CrossCheckChildrenTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresCrossCheckChildrenTests(Nris.Testing.PostgresFixture postgres) : CrossCheckChildrenTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
