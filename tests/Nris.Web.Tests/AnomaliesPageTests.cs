using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Submissions;

namespace Nris.Web.Tests;

/// <summary>
/// A planted anomaly on the anomalies page: Cần Thơ sends its January 2026 monthly report, then sends the same figures
/// again for February (a copied report). A Cần Thơ leader finds the flag on /anomalies with its explanation and a link
/// to the report behind it, can narrow the list by regime, period, reporter and detector, and reads it in English; a
/// leader of Hồ Chí Minh City sees none of it, not even by asking for Cần Thơ in the URL.
/// </summary>
public sealed class AnomaliesPageTests(WebFixture web)
{
    private const string Regime = "KTXH-TINH-THANG";
    private const string Province = "UBND.92";

    private static ReportValue Number(string indicator, decimal value) => new(indicator, Disaggregations.Total, null, value, null, null);

    [Fact]
    public async Task A_copied_report_is_listed_with_its_explanation_and_evidence_and_another_province_does_not_see_it()
    {
        // Figures that are not round (so only the copy is remarkable), sent twice: January, then the same for February.
        var values = new[]
        {
            ("IIP", 103.7m), ("RETAIL_SALES", 4817.3m), ("CPI_YOY", 103.21m), ("CPI_MOM", 100.37m), ("ENT_NEW", 173m), ("BUDGET_REVENUE", 1893.7m),
            ("BUDGET_REVENUE_DOMESTIC", 1617.9m), ("BUDGET_EXPENDITURE", 2213.4m), ("PUBINV_PLAN", 9137.6m), ("PUBINV_DISBURSED_YTD", 713.9m),
            ("TRAFFIC_ACCIDENTS", 23m), ("TRAFFIC_DEATHS", 7m), ("TRAFFIC_INJURIES", 17m), ("DOSSIERS_RECEIVED", 12873m), ("DOSSIERS_ONLINE", 9137m),
        };
        await using (var scope = web.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            foreach (var period in new[] { "2026-M01", "2026-M02" })
            {
                var key = new ReportKey(Regime, Period.Parse(period), Province);
                var actor = new SubmissionActor("web-test", Province);
                try
                {
                    await service.SubmitAsync(key, new SubmissionRequest([.. values.Select(v => Number(v.Item1, v.Item2))]), actor, TestContext.Current.CancellationToken);
                }
                catch (SubmissionRejectedException e) when (!e.Report.HasErrors)
                {
                    // A plausibility warning is explained, as a reporter would.
                    var because = e.Report.UnexplainedWarnings.Select(i => i.RuleCode).OfType<string>().Distinct(StringComparer.Ordinal)
                        .Select(rule => new WarningExplanation(rule, "Số liệu thử nghiệm / test figures")).ToList();
                    await service.SubmitAsync(key, new SubmissionRequest([.. values.Select(v => Number(v.Item1, v.Item2))], because), actor, TestContext.Current.CancellationToken);
                }
            }
        }

        var leader = await web.CreateUserAsync(Province, "reviewer");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, leader.UserName, leader.Password);

        // The navigation leads to the page.
        await page.GotoAsync("/today");
        await page.GetByRole(AriaRole.Link, new() { Name = "Bất thường", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/anomalies", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Số liệu bất thường");

        var flag = page.GetByTestId("anomalies").Locator($"tr[data-detector='copied-forward'][data-reporter='{Province}'][data-period='2026-M02']");
        await Assertions.Expect(flag).ToHaveCountAsync(1);
        // The page shows the flag the API answers the same user (the same service and scope), with its explanation.
        var api = await page.APIRequest.GetAsync($"/api/oversight/anomalies?regime={Regime}&reporter={Province}&period=2026-M02&detector=copied-forward");
        Assert.Equal(200, api.Status);
        var answered = Assert.Single((await api.JsonAsync())!.Value.EnumerateArray());
        await Assertions.Expect(flag.GetByTestId("explanation")).ToHaveTextAsync(answered.GetProperty("explanationVi").GetString()!);
        await Assertions.Expect(flag.GetByTestId("explanation")).ToContainTextAsync("15");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "anomalies-vi.png"), FullPage = true });

        // The filters narrow the list; the flag is still there with all four set, and gone for another detector.
        await page.SelectOptionAsync("#an-regime", Regime);
        await page.FillAsync("#an-period", "2026-M02");
        await page.FillAsync("#an-reporter", Province);
        await page.SelectOptionAsync("#an-detector", "copied-forward");
        await page.GetByRole(AriaRole.Button, new() { Name = "Xem", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("detector=copied-forward", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("anomalies").Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(flag).ToHaveCountAsync(1);
        await page.GotoAsync($"/anomalies?regime={Regime}&period=2026-M02&reporter={Province}&detector=round-figures");
        await Assertions.Expect(page.GetByTestId("no-anomaly")).ToBeVisibleAsync();
        await page.GotoAsync("/anomalies?period=2026-13");
        await Assertions.Expect(page.GetByTestId("anomaly-message")).ToContainTextAsync("2026-13");

        // English.
        await page.GotoAsync($"/anomalies?regime={Regime}&reporter={Province}");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Anomalies");
        await Assertions.Expect(flag.GetByTestId("explanation")).ToHaveTextAsync(answered.GetProperty("explanationEn").GetString()!);
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "anomalies-en.png"), FullPage = true });

        // The evidence: the copied report itself, February's figures.
        await flag.GetByTestId("evidence").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains($"/review/{Regime}/2026-M02/{Province}", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("4,817.3");

        // Hồ Chí Minh City sees none of it, neither in its list nor by naming Cần Thơ in the URL.
        var other = await web.CreateUserAsync("UBND.79", "reviewer");
        var otherPage = await web.NewPageAsync();
        await WebFixture.SignInAsync(otherPage, other.UserName, other.Password);
        await otherPage.GotoAsync("/anomalies");
        await Assertions.Expect(otherPage.Locator("h1")).ToHaveTextAsync("Số liệu bất thường");
        await Assertions.Expect(otherPage.Locator($"tr[data-reporter='{Province}']")).ToHaveCountAsync(0);
        await otherPage.GotoAsync($"/anomalies?regime={Regime}&period=2026-M02&reporter={Province}&detector=copied-forward");
        await Assertions.Expect(otherPage.GetByTestId("no-anomaly")).ToBeVisibleAsync();
        await Assertions.Expect(otherPage.Locator($"tr[data-reporter='{Province}']")).ToHaveCountAsync(0);
    }
}
