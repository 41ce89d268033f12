using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Nris.Web.Tests;

/// <summary>
/// The federation status page (/admin/federation) of a system administrator: a registered child whose link was
/// stopped by a chain break shows its state, the incident and a resume button that works; this instance (no parent)
/// says it forwards nowhere and follows no catalogue. Anyone else sees a notice.
/// </summary>
public sealed class FederationPageTests(WebFixture web)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_system_administrator_sees_a_stopped_link_with_its_incident_and_resumes_it()
    {
        var admin = await web.CreateUserAsync("CP", "systemAdministrator");
        using var api = await ApiAsync(admin.UserName, admin.Password);
        var id = "web" + Guid.NewGuid().ToString("N")[..10];
        var pem = (await api.GetFromJsonAsync<JsonElement>("/api/ledger/public-key", Ct)).GetProperty("publicKeyPem").GetString();
        await PostAsync(api, "/api/admin/federation/instances", new { instanceId = id, organizationCode = "UBND.01", publicKeyPem = pem }, 201);
        var key = (await PostAsync(api, "/api/admin/clients", new { name = "instance " + id, organizationCode = "UBND.01", role = "reporter" }, 201))
            .GetProperty("key").GetString()!;

        // The child's first entry does not start from the genesis hash: a chain break, refused and recorded.
        using (var child = new HttpClient { BaseAddress = web.BaseAddress })
        {
            child.DefaultRequestHeaders.Add("X-Api-Key", key);
            using var response = await child.PostAsJsonAsync("/api/federation/entries", new
            {
                instanceId = id, originHead = 1,
                entries = new[] { new { sequence = 1, kind = "catalogue.changed", timeUs = 1_700_000_000_000_000L, previousHash = new string('b', 64), hash = new string('c', 64) } },
            }, Ct);
            Assert.Equal(422, (int)response.StatusCode);
        }

        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, admin.UserName, admin.Password);
        await page.GotoAsync("/admin");
        await page.GetByTestId("federation-link").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Liên kết hệ thống");
        var row = page.Locator($"tr[data-instance='{id}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("state-" + id)).ToHaveTextAsync("Đã dừng");
        await Assertions.Expect(page.GetByTestId("incidents-" + id)).ToContainTextAsync("chain-break");
        await Assertions.Expect(page.GetByTestId("outbox-off")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("catalogue-off")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "federation.png"), FullPage = true });

        await page.GetByTestId("resume-" + id).ClickAsync();
        await Assertions.Expect(page.GetByTestId("state-" + id)).ToHaveTextAsync("Hoạt động");
        await Assertions.Expect(page.GetByTestId("resume-" + id)).ToHaveCountAsync(0);
        // The incident stays on record after the resume.
        await Assertions.Expect(page.GetByTestId("incidents-" + id)).ToContainTextAsync("chain-break");

        // An agency administrator is not a system administrator.
        var agency = await web.CreateUserAsync("UBND.01", "agencyAdministrator");
        var other = await web.NewPageAsync();
        await WebFixture.SignInAsync(other, agency.UserName, agency.Password);
        await other.GotoAsync("/admin/federation");
        await Assertions.Expect(other.GetByTestId("no-access")).ToBeVisibleAsync();
        await Assertions.Expect(other.GetByTestId("instances")).ToHaveCountAsync(0);
    }

    private async Task<HttpClient> ApiAsync(string userName, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = web.BaseAddress };
        using var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { userName, password }, Ct);
        Assert.True(response.IsSuccessStatusCode, $"sign-in {userName}: {(int)response.StatusCode}");
        var token = await client.GetFromJsonAsync<JsonElement>("/api/auth/antiforgery", Ct);
        client.DefaultRequestHeaders.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        return client;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, int expected)
    {
        using var response = await client.PostAsJsonAsync(path, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
