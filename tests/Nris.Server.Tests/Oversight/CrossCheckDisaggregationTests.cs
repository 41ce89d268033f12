using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Aggregation;
using Nris.Storage;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// A <c>disaggregation</c> cross-check over HTTP: a rule (in a data directory of the test's own, next to the shipped
/// demo rules) compares a province's exports total with the sum of its parts by economic sector. Hà Nội reports a total
/// of 100 with parts 40 + 30 (a planted gap of 30); Hồ Chí Minh City 1000 with parts 600 + 399.9 + 0 (0.1 short: within
/// the rule's tolerances). Hà Nội's gap appears with both values, both provenances, the gap and since when; Hồ Chí Minh
/// City's does not; a caller of another province does not see Hà Nội's. The <c>children</c> kind is not tested here.
/// </summary>
public abstract class CrossCheckDisaggregationTestsSuite
{
    private const string Period = "2026-M03";
    private const string Rule = "XC-TEST-EXPORT-SECTORS";
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    // The extra cross-check rule this test adds to the shipped ones.
    private static readonly object TestRule = new
    {
        code = Rule, kind = "disaggregation", indicatorCode = "EXPORT", codelist = "ECON_SECTOR",
        leftSource = Regime, rightSource = Regime, territoryCodes = new[] { "01", "79" },
        absoluteTolerance = 0.5m, relativeTolerance = 0.01m,
        name = "Xuất khẩu: tổng số so với tổng các khu vực kinh tế", nameEn = "Exports: the total against the sum of the economic sectors",
    };

    private static List<Dictionary<string, object?>> WithExports(string reporter, decimal total, params (string Sector, decimal Value)[] parts)
    {
        var values = Values(reporter, period: Period);
        values.Add(new() { ["indicator"] = "EXPORT", ["number"] = total });
        values.AddRange(parts.Select(p => new Dictionary<string, object?> { ["indicator"] = "EXPORT", ["disaggregation"] = "ECON_SECTOR:" + p.Sector, ["number"] = p.Value }));
        return values;
    }

    [Fact]
    public async Task A_total_against_its_parts_shows_a_planted_gap_with_both_provenances_and_not_one_within_tolerance()
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
            new { values = WithExports(Hanoi, 100m, ("STATE", 40m), ("NONSTATE", 30m)) }, 201)).GetProperty("ledgerSequence").GetInt64();
        await hcmc.PostJsonAsync(Path(Period, Hcmc) + "/submit",
            new { values = WithExports(Hcmc, 1000m, ("STATE", 600m), ("NONSTATE", 399.9m), ("FDI", 0m)) }, 201);
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
public sealed class CrossCheckDisaggregationTests : CrossCheckDisaggregationTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresCrossCheckDisaggregationTests(Nris.Testing.PostgresFixture postgres) : CrossCheckDisaggregationTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
