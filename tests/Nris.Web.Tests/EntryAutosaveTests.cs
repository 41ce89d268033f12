using System.Text;
using Microsoft.Playwright;
using Nris.Core.Periods;

namespace Nris.Web.Tests;

/// <summary>Data entry without pressing a button: autosaved drafts, messages while typing, and an uploaded file.</summary>
public sealed class EntryAutosaveTests(WebFixture web)
{
    private const string Regime = "KTXH-XA-QUY";

    [Fact]
    public async Task Typing_saves_the_draft_and_shows_messages_and_an_uploaded_file_becomes_the_draft()
    {
        // Two quarters back: the journey test works on the last quarter.
        var period = Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)), Periodicity.Quarterly).Previous().Previous();
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, "demo.reporter", web.PasswordOf("demo.reporter"));
        await page.GotoAsync($"/entry/{Regime}/{period}");
        var form = page.GetByTestId("entry-form");

        // A value over the maximum: the message appears next to its cell while the user is still on the page.
        await page.Locator("input[name='cell.A01._T']").FillAsync("1.111");
        await page.Locator("input[name='cell.A02._T']").FillAsync("150");
        await Assertions.Expect(page.GetByTestId("issue-A02")).ToContainTextAsync("lớn hơn mức tối đa 100");
        await Assertions.Expect(page.GetByTestId("autosave")).ToContainTextAsync("Đã tự động lưu nháp");
        await Assertions.Expect(page.Locator("input[name='cell.A02._T']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-invalid"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "entry-live-validation.png"), FullPage = true });

        // Fixed: the message goes; the draft holds the new value after a reload (nothing was submitted).
        var saved = int.Parse(await form.GetAttributeAsync("data-autosaved") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await page.Locator("input[name='cell.A02._T']").FillAsync("12,5");
        await Assertions.Expect(form).Not.ToHaveAttributeAsync("data-autosaved", saved.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("issue-A02")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("input[name='cell.A02._T']")).ToHaveValueAsync("12,5");
        await Assertions.Expect(page.Locator("input[name='cell.A01._T']")).ToHaveValueAsync("1111");
        await Assertions.Expect(page.GetByTestId("report-state")).ToHaveTextAsync("Chưa gửi");

        // A broken file stores nothing and says where it is broken.
        const string commune = "00070";
        await page.Locator("#upload-format").SelectOptionAsync("csv");
        await page.Locator("#upload-file").SetInputFilesAsync(new FilePayload
        {
            Name = "bad.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"indicator,disaggregation,territory,period,value,status,note\nHOUSEHOLDS,_T,{commune},{period},abc,,\n"),
        });
        await page.GetByTestId("upload").ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-error")).ToContainTextAsync("observation 1 (OBS_VALUE): Giá trị 'abc'");
        await Assertions.Expect(page.Locator("input[name='cell.A01._T']")).ToHaveValueAsync("1111");

        // A good file becomes the draft.
        await page.Locator("#upload-file").SetInputFilesAsync(new FilePayload
        {
            Name = "filled.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"indicator,disaggregation,territory,period,value,status,note\nHOUSEHOLDS,_T,{commune},{period},777,,\n"),
        });
        await page.GetByTestId("upload").ClickAsync();
        await Assertions.Expect(page.Locator("input[name='cell.A01._T']")).ToHaveValueAsync("777");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "entry-uploaded.png"), FullPage = true });
    }
}
