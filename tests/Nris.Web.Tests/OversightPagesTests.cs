using Microsoft.Playwright;

namespace Nris.Web.Tests;

/// <summary>The compliance matrix, the oversight page and Today's late reports, each inside the user's scope.</summary>
public sealed class OversightPagesTests(WebFixture web)
{
    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebFixture.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task The_compliance_matrix_and_oversight_pages_show_only_the_users_reporters()
    {
        var hanoi = await web.CreateUserAsync("UBND.01", "reviewer");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, hanoi.UserName, hanoi.Password);
        await page.GotoAsync("/compliance?regime=KTXH-XA-QUY&periods=4");
        var matrix = page.GetByTestId("matrix");
        await Assertions.Expect(matrix).ToBeVisibleAsync();
        // Hà Nội's communes report to it; each cell carries its state (colour and a mark), with totals.
        await Assertions.Expect(matrix.Locator("tr[data-reporter='UBND.00070']")).ToHaveCountAsync(1);
        Assert.Equal(4, await matrix.Locator("tr[data-reporter='UBND.00070'] td[data-state]").CountAsync());
        await Assertions.Expect(matrix.Locator("tfoot")).ToContainTextAsync("Tổng");
        Assert.True(int.Parse(await page.GetByTestId("total-missing").TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture) > 0);
        await Shot(page, "compliance-vi");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Reporting compliance");
        await Assertions.Expect(matrix.Locator("tfoot")).ToContainTextAsync("Total");

        // Today lists late reports (deadline passed, nothing received) in the user's scope.
        await page.GotoAsync("/today");
        Assert.True(int.Parse(await page.GetByTestId("late-count").TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture) > 0);
        await Assertions.Expect(page.GetByTestId("late").Locator("li").First).ToBeVisibleAsync();

        // The oversight page: regimes' rates and a scorecard; another province's scorecard is not in scope.
        await page.GotoAsync("/oversight?organization=UBND.00070");
        await Assertions.Expect(page.GetByTestId("regime-rates")).ToContainTextAsync("KTXH-XA-QUY");
        await Assertions.Expect(page.GetByTestId("scorecard").Locator("table")).ToBeVisibleAsync();
        await Shot(page, "oversight-en");
        await page.GotoAsync("/oversight?organization=UBND.79");
        await Assertions.Expect(page.GetByTestId("scorecard").GetByTestId("no-access")).ToBeVisibleAsync();

        // Hồ Chí Minh City sees its own reporters, never Hà Nội's communes.
        var hcmc = await web.CreateUserAsync("UBND.79", "reviewer");
        var other = await web.NewPageAsync();
        await WebFixture.SignInAsync(other, hcmc.UserName, hcmc.Password);
        await other.GotoAsync("/compliance?regime=KTXH-XA-QUY&periods=4");
        await Assertions.Expect(other.Locator("tr[data-reporter='UBND.00070']")).ToHaveCountAsync(0);
        await other.GotoAsync("/today");
        await Assertions.Expect(other.GetByTestId("late")).Not.ToContainTextAsync("Hoàn Kiếm");
    }
}
