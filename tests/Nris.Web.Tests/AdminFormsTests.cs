using Microsoft.Playwright;
using Nris.Server.Auth;

namespace Nris.Web.Tests;

/// <summary>
/// The administration forms: an agency administrator creates users, sets roles and creates API clients inside its own
/// subtree only; a system administrator publishes a regime's next version from the page.
/// </summary>
public sealed class AdminFormsTests(WebFixture web)
{
    private const string Commune = "UBND.00070";

    [Fact]
    public async Task A_province_administrator_creates_a_commune_user_sets_roles_and_creates_a_client_but_cannot_pick_another_province()
    {
        var admin = await web.CreateUserAsync("UBND.01", "agencyAdministrator");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, admin.UserName, admin.Password);
        await page.GotoAsync("/admin");

        // The organization field offers Hà Nội and its communes, never another province.
        var organization = page.GetByTestId("new-user").GetByLabel("Đơn vị", new() { Exact = true });
        await Assertions.Expect(organization.Locator($"option[value='{Commune}']")).ToHaveCountAsync(1);
        await Assertions.Expect(organization.Locator("option[value='UBND.01']")).ToHaveCountAsync(1);
        await Assertions.Expect(organization.Locator("option[value='UBND.79']")).ToHaveCountAsync(0);
        await Assertions.Expect(organization.Locator("option[value^='UBND.79']")).ToHaveCountAsync(0);
        // Nor may it give the system administrator role.
        await Assertions.Expect(page.GetByTestId("new-user").GetByLabel("Quản trị hệ thống")).ToHaveCountAsync(0);

        var name = "c" + Guid.NewGuid().ToString("N")[..10];
        var form = page.GetByTestId("new-user");
        await form.GetByLabel("Tên đăng nhập").FillAsync(name);
        await form.GetByLabel("Họ và tên").FillAsync("Nguyễn Văn Xã");
        await organization.SelectOptionAsync(Commune);
        await form.GetByLabel("Báo cáo viên").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Tạo người dùng" }).ClickAsync();
        var result = page.GetByTestId("new-user-result");
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-success"));
        var password = await result.GetByTestId("secret").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(password));
        var row = page.GetByTestId("users").Locator($"tr[data-user='{name}']");
        await Assertions.Expect(row).ToContainTextAsync($"Reporter|{Commune}|Internal");

        // The same name again: refused, in Vietnamese, nothing else created.
        await form.GetByLabel("Tên đăng nhập").FillAsync(name);
        await form.GetByRole(AriaRole.Button, new() { Name = "Tạo người dùng" }).ClickAsync();
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-danger"));
        await Assertions.Expect(result).ToContainTextAsync("Yêu cầu không hợp lệ");

        // Roles: reporter and reviewer of the commune.
        var grants = page.GetByTestId("set-grants");
        var user = await page.EvaluateAsync<string>($"() => Array.from(document.querySelectorAll('#sg-user option')).find(o => o.textContent.startsWith('{name} ')).value");
        await grants.GetByLabel("Người dùng").SelectOptionAsync(user);
        await grants.GetByLabel("Đơn vị", new() { Exact = true }).SelectOptionAsync(Commune);
        await grants.GetByLabel("Báo cáo viên").CheckAsync();
        await grants.GetByLabel("Thẩm định", new() { Exact = true }).CheckAsync();
        await grants.GetByRole(AriaRole.Button, new() { Name = "Lưu quyền" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync($"Reviewer|{Commune}|Internal");
        await Assertions.Expect(row).ToContainTextAsync($"Reporter|{Commune}|Internal");

        // An API client of the commune: its key is shown once and it is listed.
        var client = page.GetByTestId("new-client");
        var clientName = "app-" + name;
        await client.GetByLabel("Tên ứng dụng").FillAsync(clientName);
        await client.GetByLabel("Đơn vị", new() { Exact = true }).SelectOptionAsync(Commune);
        await client.GetByLabel("Vai trò", new() { Exact = true }).SelectOptionAsync("reporter");
        await client.GetByRole(AriaRole.Button, new() { Name = "Tạo ứng dụng" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-client-result").GetByTestId("secret")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("clients")).ToContainTextAsync(clientName);
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "admin-forms.png"), FullPage = true });

        // The new user signs in with the first password and must change it: the account works.
        var other = await web.NewPageAsync();
        await other.GotoAsync("/sign-in");
        await other.GetByLabel("Tên đăng nhập").FillAsync(name);
        await other.GetByLabel("Mật khẩu", new() { Exact = true }).FillAsync(password!.Trim());
        await other.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await other.WaitForURLAsync(u => !u.Contains("/sign-in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_system_administrator_publishes_a_regime_version_from_the_page_and_sees_bad_json_named()
    {
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, IdentityBootstrap.AdminUserName, await web.AdminPasswordAsync());
        await page.GotoAsync("/admin");
        await page.GetByTestId("editable-RUNG-NAM").GetByRole(AriaRole.Link).ClickAsync();
        var editor = page.GetByTestId("edit-regime");
        // The main fields are a form; the JSON is under "Advanced".
        await Assertions.Expect(editor.GetByLabel("Kỳ báo cáo")).ToHaveValueAsync("yearly");
        await editor.GetByText("Nâng cao: nội dung JSON").ClickAsync();
        var json = editor.GetByLabel("Phiên bản mới của chế độ RUNG-NAM");
        var text = await json.InputValueAsync();
        Assert.Contains("\"version\": 2", text, StringComparison.Ordinal);

        // A body missing its fields: nothing saved, the problem names the field.
        await json.FillAsync("{\"code\": \"RUNG-NAM\"}");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Lưu" }).ClickAsync();
        var result = editor.Locator("[data-nris-admin-result]");
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-danger"));
        await Assertions.Expect(result).ToHaveAttributeAsync("data-status", "400");

        // Back to the good JSON, then the English name and a row's label through the form: both written into the body.
        await json.FillAsync(text);
        var nameEn = editor.GetByLabel("Tên (tiếng Anh)", new() { Exact = true });
        await nameEn.FillAsync("(v2) " + await nameEn.InputValueAsync());
        var label = editor.GetByTestId("regime-rows").Locator("tr").Nth(1).Locator("input").Nth(1);
        await label.FillAsync("Row label of version 2");
        Assert.Contains("\"labelEn\": \"Row label of version 2\"", await json.InputValueAsync(), StringComparison.Ordinal);
        await editor.GetByRole(AriaRole.Button, new() { Name = "Lưu" }).ClickAsync();
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-success"));
        await page.GotoAsync("/admin?regime=RUNG-NAM");
        await Assertions.Expect(page.Locator("tr[data-regime='RUNG-NAM']")).ToContainTextAsync("v2");
        // The editor now starts from version 2: its English name and row label are the ones saved.
        await Assertions.Expect(page.GetByTestId("edit-regime").GetByLabel("Tên (tiếng Anh)", new() { Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^\\(v2\\) "));
        await Assertions.Expect(page.GetByTestId("regime-rows").Locator("tr").Nth(1).Locator("input").Nth(1)).ToHaveValueAsync("Row label of version 2");
    }

    [Fact]
    public async Task A_system_administrator_changes_an_indicator_unit_through_the_form_and_sees_a_bad_value_named_at_its_field()
    {
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, IdentityBootstrap.AdminUserName, await web.AdminPasswordAsync());
        await page.GotoAsync("/admin?indicator=FOREST_DAMAGED#edit-indicator");
        var editor = page.GetByTestId("edit-indicator");
        var unit = editor.GetByLabel("Đơn vị tính (tiếng Việt)");
        await Assertions.Expect(unit).ToHaveValueAsync("ha");
        await Assertions.Expect(editor.GetByLabel("Tổng hợp theo địa bàn")).ToHaveValueAsync("sum");
        await Assertions.Expect(editor.GetByTestId("advanced-indicator")).Not.ToHaveAttributeAsync("open", "");

        // A bad number of decimals: refused, the problem shown under the field, nothing saved.
        await unit.FillAsync("nghìn ha");
        var decimals = editor.GetByLabel("Số chữ số thập phân");
        await decimals.FillAsync("11");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Lưu" }).ClickAsync();
        var result = editor.Locator("[data-nris-admin-result]");
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-danger"));
        await Assertions.Expect(decimals).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-invalid"));
        var error = editor.Locator("[data-nris-field-error='decimals']");
        await Assertions.Expect(error).ToContainTextAsync("số chữ số thập phân phải từ 0 đến 10");
        await Assertions.Expect(decimals).ToHaveAttributeAsync("aria-describedby", await error.GetAttributeAsync("id") ?? "");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "admin-indicator-form-error.png"), FullPage = true });
        var stored = await page.Context.APIRequest.GetAsync("/api/indicators/FOREST_DAMAGED");
        Assert.Equal(200, stored.Status);
        Assert.DoesNotContain("nghìn ha", await stored.TextAsync(), StringComparison.Ordinal);

        // Fixed: saved, the error gone, and the indicator list shows the new unit.
        await decimals.FillAsync("1");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Lưu" }).ClickAsync();
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-success"));
        await Assertions.Expect(error).ToHaveCountAsync(0);
        await page.GotoAsync("/admin?indicator=FOREST_DAMAGED");
        await Assertions.Expect(page.GetByTestId("edit-indicator").GetByLabel("Đơn vị tính (tiếng Việt)")).ToHaveValueAsync("nghìn ha");
        await Assertions.Expect(page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "FOREST_DAMAGED", Exact = true }) })).ToContainTextAsync("nghìn ha");
    }
}
