using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Submissions;
using Nris.Storage;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// The biggest moves against the same period last year in the hot-issues feed: Hà Nội's retail sales go from 100 in
/// March 2025 to 250 in March 2026 (+150 %), everything else stays put. The move is a hot issue of kind <c>move</c>,
/// ranked with the others by its score, with a one-line Vietnamese and English explanation naming both figures and an
/// evidence link to the cell's provenance; figures that did not move are not listed; Hồ Chí Minh City does not see it.
/// </summary>
public sealed class HotIssueMovesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_big_move_on_last_year_is_a_hot_issue_with_both_figures_and_its_evidence_in_scope()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 4, 5, 0, 0, 0, TimeSpan.Zero), ["--Nris:Notifications:Enabled=false"]);
        await server.StartAsync();
        await SubmitAsync(server.Services, Hanoi, "2025-M03", 100m);
        await SubmitAsync(server.Services, Hanoi, "2026-M03", 250m);
        await SubmitAsync(server.Services, Hcmc, "2025-M03", 1000m);
        await SubmitAsync(server.Services, Hcmc, "2026-M03", 1010m);
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            await server.Services.GetRequiredService<AggregationProjection>().CatchUpAsync(db, Ct);
        }

        var hanoiUser = await server.UserAsync(Hanoi, "reviewer", "leader@hanoi.test.vn");
        var hcmcUser = await server.UserAsync(Hcmc, "reviewer", "leader@hcmc.test.vn");
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var hcmc = await server.SignInAsync(hcmcUser.UserName, hcmcUser.Password);

        var hot = (await hanoi.GetJsonAsync("/api/oversight/hot-issues?take=100")).EnumerateArray().ToList();
        var move = Assert.Single(hot, i => i.GetProperty("kind").GetString() == "move" && i.GetProperty("territory").GetString() == "01");
        Assert.Equal("RETAIL_SALES", move.GetProperty("indicator").GetString());
        Assert.Equal("2026-M03", move.GetProperty("period").GetString());
        Assert.Equal(0.25, move.GetProperty("score").GetDouble(), 6);
        Assert.Contains("+150.0%", move.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        Assert.Contains("cùng kỳ năm trước (100 → 250)", move.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        Assert.Contains("same period last year (100 → 250)", move.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        // Ranked with the others: larger scores first.
        var scores = hot.Select(i => i.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        // Nothing else of Hà Nội moved (the other figures are the same both years).
        Assert.DoesNotContain(hot, i => i.GetProperty("kind").GetString() == "move" && i.GetProperty("indicator").GetString() != "RETAIL_SALES");

        // The evidence: the cell's provenance, naming Hà Nội's March 2026 report.
        var evidence = await hanoi.GetJsonAsync(move.GetProperty("evidenceLink").GetString()!);
        Assert.Contains("250", evidence.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(Hanoi, evidence.GetRawText(), StringComparison.Ordinal);

        // Hồ Chí Minh City's own +1 % is no hot issue, and Hà Nội's move is not in its feed.
        var theirs = (await hcmc.GetJsonAsync("/api/oversight/hot-issues?take=100")).EnumerateArray().ToList();
        Assert.DoesNotContain(theirs, i => i.GetProperty("kind").GetString() == "move");
    }

    private static async Task SubmitAsync(IServiceProvider services, string reporter, string period, decimal retail)
    {
        await using var scope = services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
        List<ReportValue> values = [.. Values(reporter, retail, period).Select(v => new ReportValue(
            (string)v["indicator"]!, Disaggregations.Total, null, (decimal)v["number"]!, null, null))];
        var key = new ReportKey(Regime, Period.Parse(period), reporter);
        var actor = new SubmissionActor("test", reporter);
        try
        {
            await service.SubmitAsync(key, new SubmissionRequest(values), actor, Ct);
        }
        catch (SubmissionRejectedException e) when (!e.Report.HasErrors)
        {
            // The jump fires a plausibility warning; the reporter explains it.
            var because = e.Report.UnexplainedWarnings.Select(i => i.RuleCode).OfType<string>().Distinct(StringComparer.Ordinal)
                .Select(rule => new WarningExplanation(rule, "Mở thêm trung tâm thương mại / new shopping centres")).ToList();
            await service.SubmitAsync(key, new SubmissionRequest(values, because), actor, Ct);
        }
    }
}
