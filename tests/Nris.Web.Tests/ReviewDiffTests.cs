using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Submissions;

namespace Nris.Web.Tests;

/// <summary>
/// The reviewer's version diff marks the cells (indicator × disaggregation) that changed, not whole rows' totals: a
/// revision that moves doctors from men to women leaves the total and the row sum alone, and exactly those two cells
/// are marked.
/// </summary>
public sealed class ReviewDiffTests(WebFixture web)
{
    private const string Regime = "YTE-TINH-NAM";
    private const string Reporter = "UBND.01";

    private static List<ReportValue> Health(decimal men, decimal women) =>
    [
        new("HEALTH_EST_TOTAL", Disaggregations.Total, null, 66, null, null),
        new("HEALTH_EST_HOSPITAL", Disaggregations.Total, null, 10, null, null),
        new("HEALTH_EST_HOSPITAL", "HOSPITAL_LEVEL:CENTRAL", null, 2, null, null),
        new("HEALTH_EST_HOSPITAL", "HOSPITAL_LEVEL:PROVINCIAL", null, 5, null, null),
        new("HEALTH_EST_HOSPITAL", "HOSPITAL_LEVEL:DISTRICT", null, 3, null, null),
        new("HEALTH_EST_POLYCLINIC", Disaggregations.Total, null, 5, null, null),
        new("HEALTH_EST_REHAB", Disaggregations.Total, null, 1, null, null),
        new("HEALTH_EST_STATION", Disaggregations.Total, null, 50, null, null),
        new("HOSPITAL_BEDS", Disaggregations.Total, null, 1000, null, null),
        new("DOCTORS", Disaggregations.Total, null, men + women, null, null),
        new("DOCTORS", "SEX:M", null, men, null, null),
        new("DOCTORS", "SEX:F", null, women, null, null),
    ];

    [Fact]
    public async Task The_revision_diff_marks_the_changed_cells_only()
    {
        var period = Period.Parse("2024");
        var key = new ReportKey(Regime, period, Reporter);
        await using (var scope = web.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var actor = new SubmissionActor("web-test", Reporter);
            var first = await service.SubmitAsync(key, new SubmissionRequest(Health(100, 200)), actor, TestContext.Current.CancellationToken);
            await service.ReviseAsync(key, 1, "Phân loại lại bác sĩ theo giới tính", new SubmissionRequest(Health(90, 210)), actor, TestContext.Current.CancellationToken);
            Assert.True(first.LedgerSequence > 0);
        }

        // The Ministry of Health receives the provinces' health reports.
        var reviewer = await web.CreateUserAsync("BYT", "reviewer");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, reviewer.UserName, reviewer.Password);
        await page.GotoAsync($"/review/{Regime}/{period}/{Reporter}");
        var diff = page.GetByTestId("diff");
        await Assertions.Expect(diff.Locator("td[data-changed=true]")).ToHaveCountAsync(2);
        await Assertions.Expect(diff.Locator("td[data-cell='DOCTORS|SEX:M']")).ToHaveAttributeAsync("data-changed", "true");
        await Assertions.Expect(diff.Locator("td[data-cell='DOCTORS|SEX:M']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bchanged\b"));
        await Assertions.Expect(diff.Locator("td[data-cell='DOCTORS|SEX:M'] span").First).ToHaveTextAsync("90");
        await Assertions.Expect(diff.Locator("td[data-cell='DOCTORS|SEX:M'] del")).ToContainTextAsync("100");
        await Assertions.Expect(diff.Locator("td[data-cell='DOCTORS|SEX:F']")).ToHaveAttributeAsync("data-changed", "true");
        await Assertions.Expect(diff.Locator("td[data-cell='DOCTORS|_T']")).ToHaveAttributeAsync("data-changed", "false");
        await Assertions.Expect(diff.Locator("td[data-cell='HOSPITAL_BEDS|_T']")).ToHaveAttributeAsync("data-changed", "false");
        await Assertions.Expect(page.GetByTestId("changed-count")).ToHaveTextAsync("2");
        // The columns are the disaggregation's codes, named in the page's language.
        await Assertions.Expect(diff).ToContainTextAsync("Nữ");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "review-cell-diff.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("diff")).ToContainTextAsync("changed cells");
        await Assertions.Expect(page.GetByTestId("diff").Locator("td[data-changed=true]")).ToHaveCountAsync(2);
    }
}
