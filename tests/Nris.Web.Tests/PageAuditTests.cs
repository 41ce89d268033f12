using Microsoft.Playwright;
using Nris.Server.Auth;

namespace Nris.Web.Tests;

/// <summary>
/// Every page, in Vietnamese and in English, at 1366×768: it answers, says its language, gives every visible form field
/// an accessible name (a label, aria-label or aria-labelledby), does not run wider than the screen, and its English
/// headings carry no Vietnamese text left untranslated. A screenshot of each English page is kept.
/// </summary>
public sealed class PageAuditTests(WebFixture web)
{
    private static readonly (string Name, string Path)[] Pages =
    [
        ("today", "/today"), ("indicators", "/indicators"), ("indicator", "/indicators/POP_AVG"), ("category", "/categories/ECON"),
        ("provenance", "/provenance?indicator=POP_AVG&territory=01&period=2022"), ("entry", "/entry"), ("review", "/review"),
        ("compliance", "/compliance"), ("oversight", "/oversight"), ("cross-checks", "/cross-checks"), ("admin", "/admin"),
        ("connections", "/admin/connections"), ("federation", "/admin/federation"), ("requests", "/requests"),
        ("open-data", "/open-data"), ("open-data-indicator", "/open-data/POP_AVG"), ("wall", "/wall"),
    ];

    // Letters only Vietnamese writes (with their tone marks, lower case; headings are compared lower-cased).
    private const string VietnameseLetters = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ";

    private const string Audit = """
        () => {
          const visible = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
          const unlabelled = [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden' && visible(e))
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
            .map(e => e.outerHTML.slice(0, 120));
          const wide = document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;
          const headings = [...document.querySelectorAll('h1, h2, h3, label, thead th, button:not([data-nris-lang])')].filter(visible).map(e => e.textContent.trim());
          return { lang: document.documentElement.lang, unlabelled, wide, headings };
        }
        """;

    private sealed record Result(string Lang, string[] Unlabelled, bool Wide, string[] Headings)
    {
        public static Result From(System.Text.Json.JsonElement e) => new(e.GetProperty("lang").GetString() ?? "",
            [.. e.GetProperty("unlabelled").EnumerateArray().Select(x => x.GetString() ?? "")], e.GetProperty("wide").GetBoolean(),
            [.. e.GetProperty("headings").EnumerateArray().Select(x => x.GetString() ?? "")]);
    }

    [Fact]
    public async Task Every_page_answers_in_both_languages_with_labelled_fields_and_fits_a_laptop_screen()
    {
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, IdentityBootstrap.AdminUserName, await web.AdminPasswordAsync());
        var problems = new List<string>();
        foreach (var lang in new[] { "vi", "en" })
        {
            await page.Context.AddCookiesAsync([new Cookie { Name = "nris.lang", Value = lang, Url = web.BaseAddress.ToString() }]);
            foreach (var (name, path) in Pages)
            {
                var response = await page.GotoAsync(path);
                if (response is null || response.Status >= 400)
                {
                    problems.Add($"{lang} {path}: status {response?.Status}");
                    continue;
                }

                var result = Result.From(await page.EvaluateAsync<System.Text.Json.JsonElement>(Audit));
                if (result.Lang != lang)
                {
                    problems.Add($"{lang} {path}: <html lang={result.Lang}>");
                }

                problems.AddRange(result.Unlabelled.Select(u => $"{lang} {path}: unlabelled field {u}"));
                if (result.Wide && path != "/wall")
                {
                    problems.Add($"{lang} {path}: wider than 1366 px");
                }

                if (lang == "en")
                {
                    problems.AddRange(result.Headings.Where(h => h.ToLowerInvariant().Any(VietnameseLetters.Contains))
                        .Select(h => $"en {path}: heading or label in Vietnamese: {h}"));
                    await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, $"audit-en-{name}.png"), FullPage = true });
                }
            }
        }

        Assert.Empty(problems);
    }
}
