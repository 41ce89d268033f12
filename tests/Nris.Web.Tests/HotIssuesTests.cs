using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Submissions;

namespace Nris.Web.Tests;

/// <summary>
/// A planted cross-check gap: Đà Nẵng reports budget revenue of 100 for last month, the Ministry of Finance 130 for
/// Đà Nẵng. A Đà Nẵng leader's Today page lists it among the hot issues with its explanation and an evidence link; the
/// link opens the cross-checks page with both values, both sources and their provenance; another province sees none of it.
/// </summary>
public sealed class HotIssuesTests(WebFixture web)
{
    private const string Province = "UBND.48";
    private const string Territory = "48";
    private const string Rule = "XC-BUDGET-REVENUE-PROVINCE-BTC";

    private static ReportValue Number(string indicator, decimal value, string? territory = null) =>
        new(indicator, Disaggregations.Total, territory, value, null, null);

    [Fact]
    public async Task A_cross_check_gap_is_a_hot_issue_on_Today_with_its_evidence_and_the_cross_checks_page_shows_both_sides()
    {
        var period = Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)), Periodicity.Monthly).Previous();
        long last;
        await using (var scope = web.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var province = new[]
            {
                ("IIP", 100m), ("RETAIL_SALES", 100m), ("CPI_YOY", 100m), ("CPI_MOM", 100m), ("ENT_NEW", 10m), ("BUDGET_REVENUE", 100m),
                ("BUDGET_REVENUE_DOMESTIC", 100m), ("BUDGET_EXPENDITURE", 100m), ("PUBINV_PLAN", 100m), ("PUBINV_DISBURSED_YTD", 100m),
                ("TRAFFIC_ACCIDENTS", 10m), ("TRAFFIC_DEATHS", 1m), ("TRAFFIC_INJURIES", 2m), ("DOSSIERS_RECEIVED", 100m), ("DOSSIERS_ONLINE", 50m),
            };
            await service.SubmitAsync(new ReportKey("KTXH-TINH-THANG", period, Province),
                new SubmissionRequest([.. province.Select(p => Number(p.Item1, p.Item2))]), new SubmissionActor("web-test", Province), TestContext.Current.CancellationToken);
            var ministry = new[]
            {
                ("BUDGET_REVENUE", 1000m), ("BUDGET_REVENUE_DOMESTIC", 800m), ("BUDGET_REVENUE_OIL", 50m), ("BUDGET_REVENUE_TRADE", 100m),
                ("BUDGET_EXPENDITURE", 900m), ("BUDGET_EXP_DEVELOPMENT", 300m), ("BUDGET_EXP_RECURRENT", 500m), ("BUDGET_EXP_INTEREST", 50m),
            };
            var result = await service.SubmitAsync(new ReportKey("NSNN-BTC-THANG", period, "BTC"),
                new SubmissionRequest([.. ministry.Select(p => Number(p.Item1, p.Item2)), Number("BUDGET_REVENUE", 130m, Territory)]),
                new SubmissionActor("web-test", "BTC"), TestContext.Current.CancellationToken);
            last = result.LedgerSequence;
        }
        await web.Services.GetRequiredService<AggregationProjection>().WaitForAsync(last, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        var leader = await web.CreateUserAsync(Province, "analyst");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, leader.UserName, leader.Password);
        await page.GotoAsync("/today");
        var issue = page.GetByTestId("hot-issues").Locator($"li[data-kind='cross-check'][data-code='{Rule}']");
        await Assertions.Expect(issue).ToHaveCountAsync(1);
        await Assertions.Expect(issue).ToContainTextAsync("100");
        await Assertions.Expect(issue).ToContainTextAsync("130");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "today-hot-issues.png"), FullPage = true });

        // The evidence: the cross-checks page of that month and rule, both values with their sources and provenance.
        await issue.GetByTestId("evidence").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/cross-checks?", StringComparison.Ordinal));
        var row = page.GetByTestId("cross-checks").Locator($"tr[data-territory='{Territory}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        var sides = row.GetByTestId("side");
        await Assertions.Expect(sides.Nth(0)).ToContainTextAsync("100");
        await Assertions.Expect(sides.Nth(0)).ToContainTextAsync("KTXH-TINH-THANG");
        await Assertions.Expect(sides.Nth(1)).ToContainTextAsync("130");
        await Assertions.Expect(sides.Nth(1)).ToContainTextAsync("NSNN-BTC-THANG");
        await Assertions.Expect(row.GetByTestId("gap")).ToHaveTextAsync("-30");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "cross-checks.png"), FullPage = true });

        // The ministry's side traces to its report version.
        await sides.Nth(1).GetByTestId("provenance-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("provenance")).ToContainTextAsync($"NSNN-BTC-THANG · {period} · v1");

        // English.
        await page.GotoAsync($"/cross-checks?period={period}&rule={Rule}");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Cross-checks");
        await Assertions.Expect(page.GetByTestId("cross-checks").Locator($"tr[data-territory='{Territory}']")).ToHaveCountAsync(1);

        // Hồ Chí Minh City sees neither the issue nor the discrepancy.
        var other = await web.CreateUserAsync("UBND.79", "analyst");
        var otherPage = await web.NewPageAsync();
        await WebFixture.SignInAsync(otherPage, other.UserName, other.Password);
        await otherPage.GotoAsync($"/cross-checks?period={period}");
        await Assertions.Expect(otherPage.Locator($"tr[data-territory='{Territory}']")).ToHaveCountAsync(0);
        await otherPage.GotoAsync("/today");
        await Assertions.Expect(otherPage.Locator($"li[data-code='{Rule}']")).ToHaveCountAsync(0);
    }
}
