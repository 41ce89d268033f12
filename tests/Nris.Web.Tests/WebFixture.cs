using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Nris.Server;
using Nris.Server.Auth;

[assembly: AssemblyFixture(typeof(Nris.Web.Tests.WebFixture))]

namespace Nris.Web.Tests;

/// <summary>
/// A real Nris server (Kestrel on a free loopback port, a fresh SQLite file, the demo catalogue and history loaded by the
/// normal start-up) and Debian's Chromium driven by Playwright. Never `playwright install`: the browser is the system's.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nris-web-tests-" + Guid.NewGuid().ToString("N"));
    private readonly CapturingAnnouncer _announced = new();
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Where screenshots go: kept after the run as test artifacts.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string PasswordOf(string userName) => _announced.PasswordOf(userName);

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Directory.CreateDirectory(Screenshots);
        _app = NrisApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Nris:Database:Provider=sqlite",
            $"--ConnectionStrings:Nris=Data Source={Path.Combine(_directory, "nris.db")}",
            "--Logging:LogLevel:Default=Warning",
            "--Nris:RateLimits:sign-in:PermitLimit=1000",
        ], builder => builder.Services.AddSingleton<ICredentialAnnouncer>(_announced));
        await NrisApp.PrepareAsync(_app, TestContext.Current.CancellationToken);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS is left to the temp reaper; no result depends on it.
        }
    }

    /// <summary>A new browser context (own cookies) at 1366×768, Vietnamese.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 768)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "vi-VN",
        });
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Tên đăng nhập").FillAsync(userName);
        await page.GetByLabel("Mật khẩu", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("/sign-in", StringComparison.Ordinal));
    }

    private string? _adminPassword;

    /// <summary>The system administrator's changed password, once <see cref="CreateUserAsync"/> has run.</summary>
    public async Task<string> AdminPasswordAsync()
    {
        if (_adminPassword is null)
        {
            await CreateUserAsync("UBND.01", "analyst");
        }

        return _adminPassword!;
    }

    /// <summary>Creates a user through the admin API (as an operator would) and returns its changed password.</summary>
    public async Task<(string UserName, string Password)> CreateUserAsync(string organizationCode, string role)
    {
        // Tests run in parallel: one at a time here, or a second caller signs in with the first password while the
        // first caller changes it, and its session then still owes a password change (403 on the admin API).
        await _adminGate.WaitAsync();
        try
        {
            return await CreateUserOnceAsync(organizationCode, role);
        }
        finally
        {
            _adminGate.Release();
        }
    }

    private readonly SemaphoreSlim _adminGate = new(1, 1);

    private async Task<(string UserName, string Password)> CreateUserOnceAsync(string organizationCode, string role)
    {
        using var admin = await ApiSignInAsync(IdentityBootstrap.AdminUserName, _adminPassword ?? PasswordOf(IdentityBootstrap.AdminUserName));
        if (_adminPassword is null)
        {
            var first = PasswordOf(IdentityBootstrap.AdminUserName);
            _adminPassword = first + "Z9";
            await SendAsync(admin, HttpMethod.Post, "/api/auth/change-password", new { currentPassword = first, newPassword = _adminPassword });
        }

        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        var created = await SendAsync(admin, HttpMethod.Post, "/api/admin/users", new
        {
            userName = name, organizationCode,
            grants = new[] { new { role, organizationCode, ceiling = "internal" } },
        });
        var password = created.GetProperty("password").GetString()!;
        using var user = await ApiSignInAsync(name, password);
        await SendAsync(user, HttpMethod.Post, "/api/auth/change-password", new { currentPassword = password, newPassword = password + "Z9" });
        return (name, password + "Z9");
    }

    private async Task<HttpClient> ApiSignInAsync(string userName, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = BaseAddress };
        using var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { userName, password }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"sign-in {userName}: {(int)response.StatusCode}");
        var token = await client.GetFromJsonAsync<JsonElement>("/api/auth/antiforgery", TestContext.Current.CancellationToken);
        client.DefaultRequestHeaders.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        return client;
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed class CapturingAnnouncer : ICredentialAnnouncer
    {
        private readonly ConcurrentDictionary<string, string> _passwords = new(StringComparer.Ordinal);

        public void Announce(string userName, string role, string organizationCode, string password) => _passwords[userName] = password;

        public string PasswordOf(string userName) => _passwords[userName];
    }
}
