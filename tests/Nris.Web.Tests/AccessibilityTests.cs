using Microsoft.Playwright;

namespace Nris.Web.Tests;

/// <summary>
/// The quality bar of issue #6 that is not a page of its own: a main flow by keyboard only with the focus visible at
/// each step, readable contrast (WCAG 2 AA, 4.5:1 for body text, buttons and links) on the main pages, and the PNG
/// download of the indicator view.
/// </summary>
public sealed class AccessibilityTests(WebFixture web)
{
    // Presses Tab until the focused element matches the script's test (at most 250 presses), then checks that the
    // focus is visible: the element matches :focus-visible and draws an outline or a focus shadow.
    private static async Task TabToAsync(IPage page, string test, string what)
    {
        for (var i = 0; i < 250; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => {{ const el = document.activeElement; return !!el && el !== document.body && ({test}); }}"))
            {
                var visible = await page.EvaluateAsync<string>("""
                    () => {
                      const el = document.activeElement, s = getComputedStyle(el);
                      if (!el.matches(':focus-visible')) return 'not :focus-visible';
                      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                      const shadow = s.boxShadow && s.boxShadow !== 'none';
                      return outline || shadow ? 'ok' : 'no outline (' + s.outlineStyle + ' ' + s.outlineWidth + ') and no shadow';
                    }
                    """);
                Assert.True(visible == "ok", $"{what}: the focus is not visible: {visible}");
                return;
            }
        }
        Assert.Fail($"{what}: not reached with the Tab key");
    }

    [Fact]
    public async Task A_leader_signs_in_opens_Today_and_an_indicator_with_the_keyboard_only_and_sees_where_the_focus_is()
    {
        var leader = await web.CreateUserAsync("UBND.01", "analyst");
        var page = await web.NewPageAsync();
        await page.GotoAsync("/sign-in");

        await TabToAsync(page, "el.getAttribute('autocomplete') === 'username'", "user name");
        await page.Keyboard.TypeAsync(leader.UserName);
        await TabToAsync(page, "el.type === 'password'", "password");
        await page.Keyboard.TypeAsync(leader.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(u => !u.Contains("/sign-in", StringComparison.Ordinal));

        await TabToAsync(page, "el.matches('nav a[href=\"today\"]')", "the Today link");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(u => u.EndsWith("/today", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("who")).ToContainTextAsync("Hà Nội");

        await TabToAsync(page, "el.matches('nav a[href=\"indicators\"]')", "the Indicators link");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(u => u.EndsWith("/indicators", StringComparison.Ordinal));

        await TabToAsync(page, "el.matches('main a[href^=\"indicators/\"]')", "an indicator's link");
        var code = (await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('href')"))["indicators/".Length..];
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "keyboard-focus.png") });
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(u => u.Contains("/indicators/" + code, StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("h1")).Not.ToBeEmptyAsync();

        // On the indicator page the downloads are reached by Tab too.
        await TabToAsync(page, "el.matches('[data-nris-png]')", "the PNG button");
    }

    [Fact]
    public async Task The_indicator_view_downloads_as_a_PNG_image()
    {
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, "demo.leader", web.PasswordOf("demo.leader"));
        await page.GotoAsync("/indicators/POP_AVG?territory=VN&periodicity=Yearly");
        await Assertions.Expect(page.Locator("#series-chart")).ToHaveAttributeAsync("data-rendered", "true");
        await Assertions.Expect(page.Locator("#map-chart")).ToHaveAttributeAsync("data-rendered", "true");

        foreach (var (button, file) in new[] { ("series-chart", "POP_AVG-series.png"), ("map-chart", "POP_AVG-map.png") })
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"[data-nris-png='{button}']").ClickAsync());
            Assert.Equal(file, download.SuggestedFilename);
            var path = Path.Combine(WebFixture.Screenshots, "download-" + file);
            await download.SaveAsAsync(path);
            var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
            Assert.True(bytes.Length > 1000, $"{file}: {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        }
    }

    // WCAG 2 relative luminance and contrast of every visible element that carries its own text (body text, table
    // cells, buttons, links, labels), against the first opaque background behind it; semi-transparent colours are
    // blended. Large text (24 px, or 18.66 px bold) needs 3:1, the rest 4.5:1. Disabled controls are exempt (WCAG).
    private const string ContrastScript = """
        () => {
          const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(x => x).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const blend = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
          const background = el => {
            const layers = [];
            for (let e = el; e; e = e.parentElement) {
              const c = parse(getComputedStyle(e).backgroundColor);
              if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
            }
            let bg = { r: 255, g: 255, b: 255, a: 1 };
            for (let i = layers.length - 1; i >= 0; i--) bg = blend(layers[i], bg);
            return bg;
          };
          const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
          const failures = []; let checked = 0;
          document.querySelectorAll('body *').forEach(el => {
            if (['SCRIPT', 'STYLE', 'svg', 'CANVAS', 'OPTION', 'TEXTAREA', 'SELECT'].includes(el.tagName)) return;
            if (el.closest('[data-chart], canvas, svg, .visually-hidden, [disabled]')) return;
            const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim().length > 0);
            if (!own) return;
            const r = el.getBoundingClientRect(), s = getComputedStyle(el);
            if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return;
            const bg = background(el), fg = blend(parse(s.color), bg);
            const l1 = lum(fg), l2 = lum(bg), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
            const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
            const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            checked++;
            if (ratio < need) failures.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' "' + el.textContent.trim().slice(0, 40) + '" ' + ratio.toFixed(2) + ':1 (' + s.color + ' on rgb(' + [bg.r, bg.g, bg.b].map(Math.round).join(',') + '))');
          });
          return JSON.stringify({ checked, failures: failures.slice(0, 30) });
        }
        """;

    private sealed record Contrast(int Checked, string[] Failures);

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public async Task Text_buttons_and_links_of_the_main_pages_have_a_contrast_of_at_least_4_5_to_1()
    {
        var signIn = await web.NewPageAsync();
        await signIn.GotoAsync("/sign-in");
        var results = new List<string>();
        await CheckAsync(signIn, "/sign-in", results);

        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, IdentityBootstrap(), await web.AdminPasswordAsync());
        foreach (var address in new[] { "/today", "/indicators", "/indicators/POP_AVG?territory=VN&periodicity=Yearly", "/entry", "/review", "/compliance", "/admin", "/open-data" })
        {
            await page.GotoAsync(address);
            await CheckAsync(page, address, results);
        }
        Assert.True(results.Count == 0, "Contrast below WCAG AA:\n" + string.Join("\n", results));
    }

    private static string IdentityBootstrap() => Nris.Server.Auth.IdentityBootstrap.AdminUserName;

    private static async Task CheckAsync(IPage page, string address, List<string> results)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var json = await page.EvaluateAsync<string>(ContrastScript);
        var contrast = System.Text.Json.JsonSerializer.Deserialize<Contrast>(json, Web)!;
        Assert.True(contrast.Checked > 10, $"{address}: only {contrast.Checked} elements with text");
        results.AddRange(contrast.Failures.Select(f => address + ": " + f));
    }
}
