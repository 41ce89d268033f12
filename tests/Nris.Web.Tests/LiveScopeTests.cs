using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Submissions;

namespace Nris.Web.Tests;

/// <summary>
/// Live updates go only to users allowed to see the report: while a Hà Nội leader's open Today page takes in a Hà Nội
/// report being submitted and accepted, a Đà Nẵng leader's open Today page receives nothing (no refresh, the ticker and
/// tiles as they were); a Đà Nẵng report then does reach it, so its live connection was working all along.
/// </summary>
public sealed class LiveScopeTests(WebFixture web)
{
    private const string Regime = "YTE-TINH-NAM";

    // The ticker's words for this test's reports (other tests file the same regime for other years in parallel).
    private const string Item = Regime + " · Năm 2023";

    private static List<ReportValue> Health() =>
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
        new("DOCTORS", Disaggregations.Total, null, 300, null, null),
        new("DOCTORS", "SEX:M", null, 100, null, null),
        new("DOCTORS", "SEX:F", null, 200, null, null),
    ];

    private static async Task<IPage> TodayAsync(WebFixture web, string organization)
    {
        var leader = await web.CreateUserAsync(organization, "analyst");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, leader.UserName, leader.Password);
        await page.GotoAsync("/today");
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        return page;
    }

    private static Task<string> RegionsAsync(IPage page) =>
        page.EvaluateAsync<string>("() => document.querySelector('[data-testid=ticker]').innerHTML + '|' + Array.from(document.querySelectorAll('[data-testid^=value-]')).map(e => e.dataset.testid + '=' + e.textContent).join(';')");

    [Fact]
    public async Task A_user_of_another_province_with_Today_open_receives_no_update_of_a_Ha_Noi_report()
    {
        var period = Period.Parse("2023");
        var hanoi = await TodayAsync(web, "UBND.01");
        var danang = await TodayAsync(web, "UBND.48");
        var before = await RegionsAsync(danang);
        await Assertions.Expect(hanoi.GetByTestId("ticker")).Not.ToContainTextAsync(Item);

        await using (var scope = web.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var key = new ReportKey(Regime, period, "UBND.01");
            await service.SubmitAsync(key, new SubmissionRequest(Health()), new SubmissionActor("web-test", "UBND.01"), TestContext.Current.CancellationToken);
            await service.AcceptAsync(key, 1, new SubmissionActor("web-test", "BYT"), TestContext.Current.CancellationToken);
        }

        // The Hà Nội leader's page, never reloaded, shows the accepted report.
        await Assertions.Expect(hanoi.GetByTestId("ticker")).ToContainTextAsync(Item);
        await Assertions.Expect(hanoi.GetByTestId("ticker").Locator("li", new() { HasText = Item })).ToContainTextAsync("Đã tiếp nhận");
        Assert.NotNull(await hanoi.Locator("body").GetAttributeAsync("data-live-version"));

        // The Đà Nẵng leader's page was told nothing: it did not re-read itself, its ticker and tiles are unchanged.
        Assert.Null(await danang.Locator("body").GetAttributeAsync("data-live-version"));
        Assert.Equal(before, await RegionsAsync(danang));
        await Assertions.Expect(danang.GetByTestId("ticker")).Not.ToContainTextAsync(Item);

        // Its own province's report does reach it, once: the live connection worked throughout.
        await using (var scope = web.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            await service.SubmitAsync(new ReportKey(Regime, period, "UBND.48"), new SubmissionRequest(Health()),
                new SubmissionActor("web-test", "UBND.48"), TestContext.Current.CancellationToken);
        }
        await Assertions.Expect(danang.GetByTestId("ticker")).ToContainTextAsync(Item);
        await Assertions.Expect(danang.Locator("body")).ToHaveAttributeAsync("data-live-version", "1");
        await Assertions.Expect(danang.GetByTestId("ticker").Locator("li", new() { HasText = Item })).ToHaveCountAsync(1);
        await danang.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "today-other-province-live.png"), FullPage = true });
    }
}
