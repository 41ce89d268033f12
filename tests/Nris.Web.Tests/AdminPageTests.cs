using Microsoft.Playwright;

namespace Nris.Web.Tests;

/// <summary>The administration page of an agency administrator: its own subtree only, and a working disable.</summary>
public sealed class AdminPageTests(WebFixture web)
{
    [Fact]
    public async Task An_agency_administrator_manages_users_of_its_subtree_only()
    {
        var admin = await web.CreateUserAsync("UBND.01", "agencyAdministrator");
        var hanoiUser = await web.CreateUserAsync("UBND.01", "analyst");
        var hcmcUser = await web.CreateUserAsync("UBND.79", "analyst");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, admin.UserName, admin.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Quản trị" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Quản trị");
        var users = page.GetByTestId("users");
        await Assertions.Expect(users.Locator($"tr[data-user='{hanoiUser.UserName}']")).ToHaveCountAsync(1);
        await Assertions.Expect(users.Locator($"tr[data-user='{hcmcUser.UserName}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("regimes")).ToContainTextAsync("KTXH-XA-QUY");

        await page.GetByTestId("toggle-" + hanoiUser.UserName).ClickAsync();
        await Assertions.Expect(page.GetByTestId("state-" + hanoiUser.UserName)).ToHaveTextAsync("Đã khóa");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "admin.png"), FullPage = false });
        await page.GetByTestId("toggle-" + hanoiUser.UserName).ClickAsync();
        await Assertions.Expect(page.GetByTestId("state-" + hanoiUser.UserName)).ToHaveTextAsync("Hoạt động");

        // Someone without the role sees a notice, not the lists.
        var other = await web.NewPageAsync();
        await WebFixture.SignInAsync(other, hcmcUser.UserName, hcmcUser.Password);
        await other.GotoAsync("/admin");
        await Assertions.Expect(other.GetByTestId("no-access")).ToBeVisibleAsync();
        await Assertions.Expect(other.GetByTestId("users")).ToHaveCountAsync(0);
    }
}
