using Microsoft.Playwright;

namespace Nris.Web.Tests;

/// <summary>
/// The targets page: a Đồng Nai leader assigns its province a target through the form (legal basis, a quarterly
/// milestone), sees it listed with its progress status, changes it, and retires it; a refused change names the field;
/// a Đồng Nai reporter (no leader's role) has no form; a Hồ Chí Minh City leader's form cannot assign Đồng Nai a target.
/// </summary>
public sealed class TargetsPageTests(WebFixture web)
{
    private const string Province = "UBND.75";
    private const string Code = "DN-2099-RETAIL";

    [Fact]
    public async Task A_leader_assigns_changes_and_retires_a_target_of_its_province_and_another_province_cannot()
    {
        var leader = await web.CreateUserAsync(Province, "reviewer");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, leader.UserName, leader.Password);
        await page.GotoAsync("/today");
        await page.GetByRole(AriaRole.Link, new() { Name = "Chỉ tiêu được giao", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/targets", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Chỉ tiêu được giao");

        // A year far ahead, so no other test's data gives it figures: its status is "no data".
        await page.GotoAsync("/targets?year=2099");
        await Fill(page, Code, "RETAIL_SALES", "75", "2099", "12000", "Nghị quyết thử nghiệm số 7/NQ-HĐND", "2099-Q1=2500");
        await page.GetByTestId("set-target").ClickAsync();
        await Assertions.Expect(page.GetByTestId("targets-message")).ToContainTextAsync("Đã giao chỉ tiêu " + Code);
        var row = page.GetByTestId("targets").Locator($"tr[data-code='{Code}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "NoData");
        await Assertions.Expect(row).ToContainTextAsync("Nghị quyết thử nghiệm số 7/NQ-HĐND");
        await Assertions.Expect(row).ToContainTextAsync("2099-Q1");
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("Chưa có số liệu");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "targets-vi.png"), FullPage = true });

        // A refused change names the field and changes nothing.
        await page.GotoAsync("/targets?year=2099");
        await Fill(page, Code, "RETAIL_SALES", "75", "2099", "13000", "Nghị quyết thử nghiệm số 7/NQ-HĐND", "2098-Q1=1");
        await page.GetByTestId("set-target").ClickAsync();
        await Assertions.Expect(page.GetByTestId("targets-message")).ToContainTextAsync("milestones[0].period");
        await Assertions.Expect(row.GetByTestId("target-value")).ToContainTextAsync("12.000");

        // A change replaces it (Vietnamese number format accepted).
        await Fill(page, Code, "RETAIL_SALES", "75", "2099", "13.500", "Nghị quyết thử nghiệm số 8/NQ-HĐND", "");
        await page.GetByTestId("set-target").ClickAsync();
        await Assertions.Expect(page.GetByTestId("targets-message")).ToContainTextAsync("Đã điều chỉnh chỉ tiêu " + Code);
        await Assertions.Expect(row.GetByTestId("target-value")).ToContainTextAsync("13.500");
        await Assertions.Expect(row).ToContainTextAsync("số 8/NQ-HĐND");

        // Hồ Chí Minh City's leader may not assign Đồng Nai a target, nor retire Đồng Nai's.
        var other = await web.CreateUserAsync("UBND.79", "reviewer");
        var otherPage = await web.NewPageAsync();
        await WebFixture.SignInAsync(otherPage, other.UserName, other.Password);
        await otherPage.GotoAsync("/targets?year=2099");
        await Fill(otherPage, "HCM-FOR-DN", "RETAIL_SALES", "75", "2099", "1", "x", "");
        await otherPage.GetByTestId("set-target").ClickAsync();
        await Assertions.Expect(otherPage.GetByTestId("targets-message")).ToContainTextAsync("territoryCode");
        await Assertions.Expect(otherPage.Locator("tr[data-code='HCM-FOR-DN']")).ToHaveCountAsync(0);
        await otherPage.FillAsync("#r-code", Code);
        await otherPage.FillAsync("#r-reason", "không phải của tôi");
        await otherPage.GetByTestId("retire-target").ClickAsync();
        await Assertions.Expect(otherPage.GetByTestId("targets-message")).ToContainTextAsync("code:");

        // A reporter has no form.
        var reporter = await web.CreateUserAsync(Province, "reporter");
        var reporterPage = await web.NewPageAsync();
        await WebFixture.SignInAsync(reporterPage, reporter.UserName, reporter.Password);
        await reporterPage.GotoAsync("/targets?year=2099");
        await Assertions.Expect(reporterPage.Locator("h1")).ToHaveTextAsync("Chỉ tiêu được giao");
        await Assertions.Expect(reporterPage.GetByTestId("target-form")).ToHaveCountAsync(0);

        // English, then the leader retires it.
        await page.GotoAsync("/targets?year=2099");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Assigned targets");
        await Assertions.Expect(row.GetByTestId("status")).ToHaveTextAsync("No data");
        await page.FillAsync("#r-code", Code);
        await page.FillAsync("#r-reason", "Replaced by a new resolution");
        await page.GetByTestId("retire-target").ClickAsync();
        await Assertions.Expect(page.GetByTestId("targets-message")).ToContainTextAsync("retired");
        await Assertions.Expect(page.Locator($"tr[data-code='{Code}']")).ToHaveCountAsync(0);
    }

    private static async Task Fill(IPage page, string code, string indicator, string territory, string year, string value, string basis, string milestones)
    {
        await page.FillAsync("#t-code", code);
        await page.FillAsync("#t-indicator", indicator);
        await page.FillAsync("#t-territory", territory);
        await page.FillAsync("#t-year", year);
        await page.FillAsync("#t-value", value);
        await page.FillAsync("#t-basis", basis);
        await page.FillAsync("#t-milestones", milestones);
    }
}
