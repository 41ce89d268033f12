using System.Globalization;
using Microsoft.Playwright;

namespace Nris.Web.Tests;

/// <summary>The category pages, open data for anonymous visitors, and the operations centre's wall.</summary>
public sealed class DashboardPagesTests(WebFixture web)
{
    private static Task Shot(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebFixture.Screenshots, name + ".png"), FullPage = fullPage });

    [Fact]
    public async Task A_category_page_is_a_grid_of_charts_in_both_languages()
    {
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, "demo.leader", web.PasswordOf("demo.leader"));
        await page.GotoAsync("/indicators");
        await page.GetByRole(AriaRole.Link, new() { Name = "Dân số – Lao động – Xã hội" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dân số – Lao động – Xã hội");
        await Assertions.Expect(page.GetByTestId("card-POP_AVG").Locator("[data-chart]")).ToHaveAttributeAsync("data-rendered", "true");
        Assert.True(await page.GetByTestId("category-grid").Locator("[data-chart]").CountAsync() >= 3);
        await Shot(page, "category-vi");

        // Every category of the catalogue has its page, reachable by keyboard from the tabs.
        Assert.Equal(7, await page.Locator("nav.nris-tabs a").CountAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Population, labour and society");
        await page.Locator("nav.nris-tabs a", new() { HasText = "Health and education" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Health and education");
        await Assertions.Expect(page.GetByTestId("category-grid").Locator("[data-chart]").First).ToHaveAttributeAsync("data-rendered", "true");
        await Shot(page, "category-en");
    }

    [Fact]
    public async Task An_anonymous_visitor_reads_and_downloads_published_indicators_and_nothing_else()
    {
        var page = await web.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Dữ liệu mở (không cần đăng nhập)" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dữ liệu mở");
        // Published: indicators carried by a public regime (population statistics); not published: internal reports.
        await Assertions.Expect(page.GetByTestId("open-POP_AVG")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("open-RETAIL_SALES")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("open-HOUSEHOLDS")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("open-POP_AVG").Locator("[data-chart]")).ToHaveAttributeAsync("data-rendered", "true");
        await Shot(page, "open-data");

        await page.GetByTestId("open-POP_AVG").GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dân số trung bình");
        await Assertions.Expect(page.GetByTestId("province-table")).ToContainTextAsync("8.435,7");
        await Assertions.Expect(page.Locator("#map-chart")).ToHaveAttributeAsync("data-rendered", "true");
        await Shot(page, "open-data-indicator");

        var csv = await page.APIRequest.GetAsync(await page.GetByTestId("download-csv").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        var hanoi = (await csv.TextAsync()).Split("\r\n").Single(l => l.StartsWith("POP_AVG,2022,01,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(8435.65m, decimal.Parse(hanoi[4], CultureInfo.InvariantCulture));
        var xlsx = await page.APIRequest.GetAsync(await page.GetByTestId("download-xlsx").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, xlsx.Status);
        Assert.Equal((byte)'P', (await xlsx.BodyAsync())[0]);

        // An unpublished indicator is not shown by URL, and its file holds no figure.
        await page.GotoAsync("/open-data/RETAIL_SALES");
        await Assertions.Expect(page.GetByTestId("no-access")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("province-table")).ToHaveCountAsync(0);
        var hidden = await page.APIRequest.GetAsync("/ui/export/RETAIL_SALES.csv?open=true&periodicity=Monthly");
        Assert.Equal(200, hidden.Status);
        Assert.All((await hidden.TextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1), l => Assert.Equal("", l.Split(',')[4]));

        // The signed-in pages stay closed.
        await page.GotoAsync("/wall");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sign-in"));
    }

    [Fact]
    public async Task The_wall_rotates_full_screen_dashboards_at_4K()
    {
        var wall = await web.NewPageAsync(3840, 2160);
        await WebFixture.SignInAsync(wall, "demo.leader", web.PasswordOf("demo.leader"));
        // Ten minutes a screen: only the keyboard moves it here, whatever the machine's speed.
        await wall.GotoAsync("/wall?seconds=600");
        // No chrome: no site header, navigation or footer.
        await Assertions.Expect(wall.Locator("header.nris-header")).ToHaveCountAsync(0);
        await Assertions.Expect(wall.Locator("nav.nris-nav")).ToHaveCountAsync(0);
        await Assertions.Expect(wall.GetByTestId("wall")).ToHaveAttributeAsync("data-screen", "0");
        await Assertions.Expect(wall.GetByTestId("wall-panel-0")).ToBeVisibleAsync();
        await Shot(wall, "wall-4k-tiles", fullPage: false);

        // The keyboard steps through the screens (the timer does the same every `seconds`); only one is shown at a time.
        await wall.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(wall.GetByTestId("wall")).ToHaveAttributeAsync("data-screen", "1");
        await Assertions.Expect(wall.GetByTestId("wall-panel-0")).ToBeHiddenAsync();
        await Assertions.Expect(wall.Locator("#wall-map")).ToHaveAttributeAsync("data-rendered", "true");
        await Shot(wall, "wall-4k-map", fullPage: false);
        await wall.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(wall.GetByTestId("wall")).ToHaveAttributeAsync("data-screen", "2");
        await Assertions.Expect(wall.Locator(".nris-wall-panel:visible [data-chart]").First).ToHaveAttributeAsync("data-rendered", "true");
        await Shot(wall, "wall-4k-category", fullPage: false);
        await wall.Keyboard.PressAsync("ArrowLeft");
        await wall.Keyboard.PressAsync("ArrowLeft");
        await Assertions.Expect(wall.GetByTestId("wall")).ToHaveAttributeAsync("data-screen", "0");
    }
}
