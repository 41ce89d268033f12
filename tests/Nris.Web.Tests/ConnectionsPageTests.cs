using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Nris.Server.Connectors;
using Nris.Storage;

namespace Nris.Web.Tests;

/// <summary>The live-connections page: an agency administrator sees its own connectors' health, in Vietnamese first.</summary>
public sealed class ConnectionsPageTests(WebFixture web)
{
    [Fact]
    public async Task An_agency_administrator_sees_the_health_of_its_connections_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var hanoi = "web-hn-" + Guid.NewGuid().ToString("N")[..6];
        var hcmc = "web-hcm-" + Guid.NewGuid().ToString("N")[..6];
        string? key;
        using (var scope = web.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
            (var hanoiRow, key) = ConnectorEndpoints.New(new ConnectorDefinition(hanoi, "push", "json", "DVC-NGAY", "UBND.01", QuietAfterMinutes: 600), "test", time);
            var (hcmcRow, _) = ConnectorEndpoints.New(new ConnectorDefinition(hcmc, "push", "json", "DVC-NGAY", "UBND.79", QuietAfterMinutes: 600), "test", time);
            db.Connectors.AddRange(hanoiRow, hcmcRow);
            await db.SaveChangesAsync(ct);
        }

        // The source pushes one good day and one batch of garbage, through the real endpoint with the connector's key.
        using var source = new HttpClient { BaseAddress = web.BaseAddress };
        source.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key!);
        var day = new[]
        {
            ("DOSSIERS_RECEIVED", 500), ("DOSSIERS_ONLINE", 400), ("DOSSIERS_PORTAL", 300), ("DOSSIERS_PROCESSED", 450), ("DOSSIERS_ONTIME", 440),
        }.Select(x => $"{{\"indicator\":\"{x.Item1}\",\"period\":\"2024-05-02\",\"value\":{x.Item2}}}");
        using (var ok = await source.PostAsync($"/api/connectors/{hanoi}/observations", new StringContent("[" + string.Join(",", day) + "]", Encoding.UTF8, "application/json"), ct))
        {
            Assert.True(ok.IsSuccessStatusCode, await ok.Content.ReadAsStringAsync(ct));
        }
        using (var bad = await source.PostAsync($"/api/connectors/{hanoi}/observations", new StringContent("[{\"indicator\":\"DOSSIERS_RECEIVED\",\"period\":\"2024-05-03\",\"value\":\"nhiều\"}]", Encoding.UTF8, "application/json"), ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var admin = await web.CreateUserAsync("UBND.01", "agencyAdministrator");
        var page = await web.NewPageAsync();
        await WebFixture.SignInAsync(page, admin.UserName, admin.Password);
        await page.GotoAsync("/admin");
        await page.GetByTestId("connections-link").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Kết nối dữ liệu trực tiếp");
        var table = page.GetByTestId("connections");
        await Assertions.Expect(table.Locator($"tr[data-connector='{hanoi}']")).ToHaveCountAsync(1);
        await Assertions.Expect(table.Locator($"tr[data-connector='{hcmc}']")).ToHaveCountAsync(0);
        // The refused batch made the feed "failing" until the next good batch; its error is listed with its record.
        await Assertions.Expect(page.GetByTestId("state-" + hanoi)).ToHaveTextAsync("Lỗi");
        await Assertions.Expect(page.GetByTestId("today-" + hanoi)).ToHaveTextAsync("5");
        await Assertions.Expect(page.GetByTestId("errors-" + hanoi)).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("recent-errors-" + hanoi)).ToContainTextAsync("records[0]");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, "connections.png"), FullPage = false });

        // Someone without the role sees a notice, not the list.
        var analyst = await web.CreateUserAsync("UBND.01", "analyst");
        var other = await web.NewPageAsync();
        await WebFixture.SignInAsync(other, analyst.UserName, analyst.Password);
        await other.GotoAsync("/admin/connections");
        await Assertions.Expect(other.GetByTestId("no-access")).ToBeVisibleAsync();
        await Assertions.Expect(other.GetByTestId("connections")).ToHaveCountAsync(0);
    }
}
