using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace Nris.Web.Tests;

/// <summary>
/// The ad-hoc report request journey in the browser: the Government Office's leader issues a request to Hà Nội, Hà Nội
/// answers with a value, a text and a file, the leader returns it, Hà Nội revises, the leader accepts; Hồ Chí Minh
/// City cannot open it.
/// </summary>
public sealed class RequestPagesTests(WebFixture web)
{
    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebFixture.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task A_leader_issues_a_target_answers_is_returned_revises_and_is_accepted_and_another_province_cannot_open_it()
    {
        var leaderUser = await web.CreateUserAsync("VPCP", "reviewer");
        var hanoiUser = await web.CreateUserAsync("UBND.01", "reporter");
        var hcmcUser = await web.CreateUserAsync("UBND.79", "reporter");
        var leader = await web.NewPageAsync();
        await WebFixture.SignInAsync(leader, leaderUser.UserName, leaderUser.Password);

        // The leader issues the request from the list page.
        await leader.GotoAsync("/requests");
        await Assertions.Expect(leader.Locator("h1")).ToHaveTextAsync("Yêu cầu báo cáo đột xuất");
        var deadline = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddDays(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await leader.GetByLabel("Kỳ số liệu (ví dụ 2026-Q1)").FillAsync("2026-Q1");
        await leader.GetByLabel("Hạn trả lời").FillAsync(deadline);
        await leader.GetByLabel("Trích yếu (tiếng Việt)").FillAsync("Báo cáo nhanh doanh nghiệp thành lập mới");
        await leader.GetByLabel("Trích yếu (tiếng Anh)").FillAsync("Quick report on new enterprises");
        await leader.GetByLabel("Câu hỏi (mỗi dòng một câu)").FillAsync("Nêu các giải pháp hỗ trợ doanh nghiệp.");
        await leader.Locator("#indicators").FillAsync("ENT_NEW");
        await leader.Locator("#targets").FillAsync("UBND.01");
        await leader.GetByTestId("issue").ClickAsync();
        await Assertions.Expect(leader.GetByTestId("requests-message")).ToContainTextAsync("Đã ban hành yêu cầu");
        await leader.GetByTestId("created-link").ClickAsync();
        await leader.WaitForURLAsync(u => u.Contains("/requests/", StringComparison.Ordinal));
        var path = new Uri(leader.Url).AbsolutePath;
        await Assertions.Expect(leader.GetByTestId("state-UBND.01")).ToHaveAttributeAsync("data-state", "NotYetDue");

        // Hà Nội finds it addressed to it and answers with a number, a text and a file.
        var hanoi = await web.NewPageAsync();
        await WebFixture.SignInAsync(hanoi, hanoiUser.UserName, hanoiUser.Password);
        await hanoi.GotoAsync("/requests");
        await Assertions.Expect(hanoi.GetByTestId("addressed")).ToContainTextAsync("Báo cáo nhanh doanh nghiệp thành lập mới");
        await hanoi.GotoAsync(path);
        var form = hanoi.GetByTestId("answer-UBND.01");
        await form.GetByTestId("value-ENT_NEW-_T").FillAsync("1.200");
        await form.GetByTestId("text-Q1").FillAsync("Giảm thủ tục, hỗ trợ vốn vay.");
        await form.GetByTestId("files").SetInputFilesAsync(new FilePayload { Name = "chi-tiet.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("phuong,so_dn\nHoan Kiem,40\n") });
        await form.GetByTestId("send-answer").ClickAsync();
        await Assertions.Expect(hanoi.GetByTestId("request-message")).ToContainTextAsync("phiên bản 1");
        await Assertions.Expect(hanoi.Locator("[data-answer='UBND.01-v1']")).ToContainTextAsync("1.200");
        await Assertions.Expect(hanoi.Locator("[data-answer='UBND.01-v1']")).ToContainTextAsync("chi-tiet.csv");

        // The leader returns it with a reason.
        await leader.GotoAsync(path);
        await Assertions.Expect(leader.GetByTestId("state-UBND.01")).ToHaveAttributeAsync("data-state", "ReceivedOnTime");
        var decide = leader.GetByTestId("decide-UBND.01");
        await decide.GetByLabel("Lý do trả lại").FillAsync("Đề nghị tách số doanh nghiệp theo phường.");
        await decide.GetByTestId("return").ClickAsync();
        await Assertions.Expect(leader.GetByTestId("request-message")).ToContainTextAsync("Đã trả lại");
        await Assertions.Expect(leader.GetByTestId("state-UBND.01")).ToHaveAttributeAsync("data-state", "Returned");

        // Hà Nội sees why and revises.
        await hanoi.GotoAsync(path);
        await Assertions.Expect(hanoi.GetByTestId("targets")).ToContainTextAsync("Đề nghị tách số doanh nghiệp theo phường.");
        form = hanoi.GetByTestId("answer-UBND.01");
        await form.GetByTestId("value-ENT_NEW-_T").FillAsync("1.250");
        await form.GetByTestId("send-answer").ClickAsync();
        await Assertions.Expect(hanoi.GetByTestId("request-message")).ToContainTextAsync("phiên bản 2");

        // The leader accepts version 2; the answers show both versions; nothing is left to answer.
        await leader.GotoAsync(path);
        await leader.GetByTestId("decide-UBND.01").GetByTestId("accept").ClickAsync();
        await Assertions.Expect(leader.GetByTestId("state-UBND.01")).ToHaveAttributeAsync("data-state", "Accepted");
        await Assertions.Expect(leader.Locator("[data-answer='UBND.01-v2']")).ToContainTextAsync("1.250");
        await Assertions.Expect(leader.Locator("[data-answer='UBND.01-v1']")).ToBeVisibleAsync();
        await Shot(leader, "request-vi");
        await hanoi.GotoAsync(path);
        await Assertions.Expect(hanoi.GetByTestId("answer-UBND.01")).ToHaveCountAsync(0);

        // In English.
        await leader.GotoAsync(path);
        await leader.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(leader.GetByTestId("state-UBND.01")).ToHaveTextAsync("Accepted");
        await Assertions.Expect(leader.GetByTestId("request-subject")).ToContainTextAsync("Quick report on new enterprises");

        // Hồ Chí Minh City, not addressed, cannot open it and does not have it in its list.
        var hcmc = await web.NewPageAsync();
        await WebFixture.SignInAsync(hcmc, hcmcUser.UserName, hcmcUser.Password);
        await hcmc.GotoAsync(path);
        await Assertions.Expect(hcmc.GetByTestId("not-found")).ToBeVisibleAsync();
        await Assertions.Expect(hcmc.Locator("body")).Not.ToContainTextAsync("Báo cáo nhanh doanh nghiệp thành lập mới");
        await hcmc.GotoAsync("/requests");
        await Assertions.Expect(hcmc.Locator("body")).Not.ToContainTextAsync("Báo cáo nhanh doanh nghiệp thành lập mới");
    }
}
