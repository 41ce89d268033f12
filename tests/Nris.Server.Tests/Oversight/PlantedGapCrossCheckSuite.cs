using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Aggregation;
using Nris.Storage;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// The scenario the cross-check kinds share over HTTP: one extra rule (in a data directory of the test's own, next to
/// the shipped demo rules); Hà Nội sends a report whose two sides differ by a planted 30 (100 against 40 + 30) and Hồ Chí
/// Minh City one whose sides differ by 0.1 (within the rule's tolerances). Hà Nội's gap appears with both values, both
/// provenances, the gap and since when; Hồ Chí Minh City's does not; a caller of another province does not see Hà
/// Nội's. A kind's suite supplies the rule and the reports, and checks what is particular to it on the two sides.
/// </summary>
public abstract class PlantedGapCrossCheckSuite
{
    protected const string Period = "2026-M03";

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    /// <summary>Runs the scenario and returns the two sides of Hà Nội's gap for the kind's own checks.</summary>
    protected async Task<(JsonElement Left, JsonElement Right)> PlantedGapIsShownAsync(
        object rule, string ruleCode, List<Dictionary<string, object?>> hanoiValues, List<Dictionary<string, object?>> hcmcValues)
    {
        using var files = new CrossCheckDataFiles(rule);
        await using var server = new OversightServer(new DateTimeOffset(2026, 4, 5, 0, 0, 0, TimeSpan.Zero),
            [.. await DatabaseSettingsAsync(), "--Nris:Notifications:Enabled=false", "--Nris:DataFiles=" + files.Root]);
        await server.StartAsync();
        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var hcmcUser = await server.UserAsync(Hcmc, "reporter", "reporter@hcmc.test.vn");
        var vpcpUser = await server.UserAsync("VPCP", "reviewer", "reviewer@vpcp.test.vn");
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var hcmc = await server.SignInAsync(hcmcUser.UserName, hcmcUser.Password);
        using var vpcp = await server.SignInAsync(vpcpUser.UserName, vpcpUser.Password);

        var hanoiSequence = (await hanoi.PostJsonAsync(Path(Period, Hanoi) + "/submit", new { values = hanoiValues }, 201))
            .GetProperty("ledgerSequence").GetInt64();
        await hcmc.PostJsonAsync(Path(Period, Hcmc) + "/submit", new { values = hcmcValues }, 201);
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            await server.Services.GetRequiredService<AggregationProjection>().CatchUpAsync(db, Ct);
        }

        var url = $"/api/oversight/cross-checks?period={Period}&rule={ruleCode}";
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
        return (left.Clone(), right.Clone());
    }
}
