using Microsoft.Playwright;
using Nris.Core.Periods;

namespace Nris.Web.Tests;

/// <summary>
/// The report's whole trip in a real browser: a commune reporter fills the commune's quarterly report with an error,
/// fixes it and submits; the Hà Nội reviewer returns it with a reason; the reporter revises; the reviewer accepts; a Hà
/// Nội leader's Today page, open the whole time, shows the new number without a reload; the drill-down names the version.
/// </summary>
public sealed class JourneyTests(WebFixture web)
{
    private const string Regime = "KTXH-XA-QUY";
    private const string Commune = "UBND.00070";

    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebFixture.Screenshots, name + ".png"), FullPage = true });

    private static async Task FillAsync(IPage page, string row, string value) =>
        await page.Locator($"input[name='cell.{row}._T']").FillAsync(value);

    [Fact]
    public async Task A_report_goes_from_the_commune_to_the_province_and_the_leader_sees_it_live()
    {
        var period = Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)), Periodicity.Quarterly).Previous();
        var leader = await web.CreateUserAsync("UBND.01", "analyst");

        // The province leader's Today page is open from the start and never reloaded.
        var today = await web.NewPageAsync();
        await WebFixture.SignInAsync(today, leader.UserName, leader.Password);
        await today.GotoAsync("/today");
        await Assertions.Expect(today.Locator("[data-testid=who]")).ToContainTextAsync("Hà Nội");
        await Assertions.Expect(today.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        await Assertions.Expect(today.Locator("[data-testid=value-HOUSEHOLDS]")).ToHaveCountAsync(0);
        await Shot(today, "today-before");

        // The reporter: an error next to its cell, then fixed and submitted.
        var reporter = await web.NewPageAsync();
        await WebFixture.SignInAsync(reporter, "demo.reporter", web.PasswordOf("demo.reporter"));
        await reporter.GotoAsync("/entry");
        await Shot(reporter, "entry-list");
        await reporter.GotoAsync($"/entry/{Regime}/{period}");
        await FillAsync(reporter, "A01", "1.234");
        await FillAsync(reporter, "A02", "150");
        await FillAsync(reporter, "A03", "92,5");
        await FillAsync(reporter, "B02", "2.500,75");
        await FillAsync(reporter, "B03", "340");
        await FillAsync(reporter, "B04", "331");
        await FillAsync(reporter, "B05", "2");
        await reporter.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(reporter.GetByTestId("issue-A02")).ToContainTextAsync("lớn hơn mức tối đa 100");
        await Assertions.Expect(reporter.GetByTestId("report-state")).ToHaveTextAsync("Chưa gửi");
        await Shot(reporter, "entry-error");
        await FillAsync(reporter, "A02", "12,5");
        await reporter.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(reporter.GetByTestId("entry-message")).ToContainTextAsync("Đã gửi phiên bản 1");
        await Assertions.Expect(reporter.GetByTestId("report-state")).ToHaveTextAsync("Đã gửi");

        // The province reviewer returns it with a reason.
        var reviewer = await web.NewPageAsync();
        await WebFixture.SignInAsync(reviewer, "demo.reviewer", web.PasswordOf("demo.reviewer"));
        await reviewer.GotoAsync("/review");
        await Shot(reviewer, "review-inbox");
        await reviewer.GotoAsync($"/review/{Regime}/{period}/{Commune}");
        await reviewer.GetByLabel("Lý do trả lại").FillAsync("Số hộ chưa khớp với sổ hộ khẩu; đề nghị kiểm tra lại.");
        await reviewer.GetByTestId("return").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("report-state")).ToHaveTextAsync("Bị trả lại");

        // The reporter sees the reason, revises and resubmits.
        await reporter.GotoAsync($"/entry/{Regime}/{period}");
        await Assertions.Expect(reporter.GetByTestId("return-reason")).ToContainTextAsync("sổ hộ khẩu");
        await FillAsync(reporter, "A01", "1.250");
        await reporter.GetByLabel("Lý do điều chỉnh").FillAsync("Đã đối chiếu sổ hộ khẩu.");
        await reporter.GetByTestId("submit").ClickAsync();
        await Assertions.Expect(reporter.GetByTestId("entry-message")).ToContainTextAsync("Đã gửi phiên bản 2");
        await Shot(reporter, "entry-revised");

        // The reviewer sees what changed and accepts.
        await reviewer.GotoAsync($"/review/{Regime}/{period}/{Commune}");
        await Assertions.Expect(reviewer.Locator("tr[data-changed=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(reviewer.Locator("tr[data-changed=true]")).ToContainTextAsync("A01");
        await Shot(reviewer, "review-diff");
        await reviewer.GetByTestId("accept").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("report-state")).ToHaveTextAsync("Đã tiếp nhận");

        // The leader's page, never reloaded, now shows Hà Nội's households from the commune's report.
        await Assertions.Expect(today.GetByTestId("value-HOUSEHOLDS")).ToHaveTextAsync("1.250");
        await Assertions.Expect(today.GetByTestId("ticker")).ToContainTextAsync("Đã tiếp nhận");
        await Shot(today, "today-after");

        // The drill-down from the number names the report version it came from.
        await today.GetByTestId("tile-HOUSEHOLDS").ClickAsync();
        await Assertions.Expect(today.GetByTestId("provenance")).ToContainTextAsync($"{Regime} · {period} · v2");
        await Shot(today, "provenance");
    }

    [Fact]
    public async Task A_user_of_another_province_cannot_open_a_Ha_Noi_report_or_its_numbers_by_URL()
    {
        var period = Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)), Periodicity.Quarterly).Previous();
        var hcmc = await web.CreateUserAsync("UBND.79", "reviewer");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, hcmc.UserName, hcmc.Password);

        await page.GotoAsync($"/review/{Regime}/{period}/{Commune}");
        await Assertions.Expect(page.GetByTestId("review-message")).ToContainTextAsync("Không tìm thấy báo cáo này trong phạm vi của bạn");
        await Assertions.Expect(page.GetByTestId("diff")).ToHaveCountAsync(0);

        await page.GotoAsync($"/entry/{Regime}/{period}");
        await Assertions.Expect(page.GetByTestId("entry-form")).ToHaveCountAsync(0);

        await page.GotoAsync($"/provenance?indicator=HOUSEHOLDS&territory=01&period={period}");
        await Assertions.Expect(page.GetByTestId("provenance")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("no-access")).ToBeVisibleAsync();

        // Signed out, a page is a sign-in form, nothing else.
        var anonymous = await web.NewPageAsync();
        await anonymous.GotoAsync("/today");
        await Assertions.Expect(anonymous).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sign-in"));
        await Shot(anonymous, "sign-in");
    }
}

/// <summary>The indicator page in both languages, with its map, table, downloads and screen number formats.</summary>
public sealed class IndicatorPageTests(WebFixture web)
{
    [Fact]
    public async Task The_indicator_page_shows_series_map_and_table_in_Vietnamese_and_in_English()
    {
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, "demo.leader", web.PasswordOf("demo.leader"));
        await page.GotoAsync("/indicators/POP_AVG?territory=VN&periodicity=Yearly");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dân số trung bình");
        await Assertions.Expect(page.Locator("#map-chart")).ToHaveAttributeAsync("data-rendered", "true");
        await Assertions.Expect(page.Locator("#series-chart")).ToHaveAttributeAsync("data-rendered", "true");
        // 2022 statistics: the 63 provinces of the time, Hà Nội's population in the Vietnamese format.
        await Assertions.Expect(page.GetByTestId("province-table").Locator("tbody tr")).ToHaveCountAsync(63);
        await Assertions.Expect(page.GetByTestId("province-table")).ToContainTextAsync("8.435,7");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "indicator-vi.png"), FullPage = true });

        var csv = await page.APIRequest.GetAsync(await page.Locator("a", new() { HasText = "CSV" }).GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        // Files are invariant and exact (a dot for decimals, no grouping, not rounded for the screen).
        var hanoi = (await csv.TextAsync()).Split("\r\n").Single(l => l.StartsWith("POP_AVG,2022,01,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(8435.65m, decimal.Parse(hanoi[4], System.Globalization.CultureInfo.InvariantCulture));

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Average population");
        await Assertions.Expect(page.GetByTestId("province-table")).ToContainTextAsync("8,435.7");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "indicator-en.png"), FullPage = true });

        // A 4K wall: the same page, larger type.
        var wall = await web.NewPageAsync(3840, 2160);
        await WebFixture.SignInAsync(wall, "demo.leader", web.PasswordOf("demo.leader"));
        await wall.GotoAsync("/today");
        await wall.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "today-4k.png") });
    }
}
