using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Auth;
using Nris.Server.Tests.Auth;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// A Nris server of its own for the oversight tests: its own SQLite file (or the database its settings name: later
/// settings override earlier ones) and its own fake clock (the shared fixture's
/// clock must not jump months for everyone), started again on the same database to test what survives a restart.
/// </summary>
public sealed class OversightServer(DateTimeOffset start, IReadOnlyList<string> settings) : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nris-oversight-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private int _clients;

    public FakeClock Clock { get; } = new(start);

    public CapturingAnnouncer Announced { get; } = new();

    public IServiceProvider Services => _app!.Services;

    public Uri BaseAddress { get; private set; } = null!;

    public string AdminPassword { get; private set; } = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_directory);
        _app = NrisApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Nris:Database:Provider=sqlite",
            $"--ConnectionStrings:Nris=Data Source={Path.Combine(_directory, "nris.db")}",
            "--Logging:LogLevel:Default=Warning",
            "--Nris:Demo:LoadHistory=false",
            "--Nris:RateLimits:sign-in:PermitLimit=100",
            .. settings,
        ], builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Services.AddSingleton<ICredentialAnnouncer>(Announced);
        });
        await NrisApp.PrepareAsync(_app, Ct);
        await _app.StartAsync(Ct);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        if (AdminPassword.Length == 0)
        {
            var first = Announced.PasswordOf(IdentityBootstrap.AdminUserName);
            using var admin = await SignInAsync(IdentityBootstrap.AdminUserName, first);
            AdminPassword = first + "Z9";
            await admin.PostJsonAsync("/api/auth/change-password", new { currentPassword = first, newPassword = AdminPassword }, 204);
        }
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _app = null;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public ApiSession NewSession()
    {
        var n = Interlocked.Increment(ref _clients);
        var handler = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", $"10.9.{(n >> 8) & 255}.{n & 255}");
        return new ApiSession(client);
    }

    public async Task<ApiSession> SignInAsync(string userName, string password)
    {
        var session = NewSession();
        using var response = await session.PostAsync("/api/auth/sign-in", new { userName, password });
        Assert.True(response.IsSuccessStatusCode, $"sign-in {userName}: {(int)response.StatusCode}");
        await session.RefreshAntiforgeryAsync();
        return session;
    }

    /// <summary>Creates a user through the admin API with one grant, changes its first password, and gives it an e-mail address.</summary>
    public async Task<(string UserName, string Password)> UserAsync(string organizationCode, string role, string email)
    {
        using var admin = await SignInAsync(IdentityBootstrap.AdminUserName, AdminPassword);
        var name = "o" + Guid.NewGuid().ToString("N")[..10];
        var created = await admin.PostJsonAsync("/api/admin/users", new
        {
            userName = name, organizationCode,
            grants = new[] { new { role, organizationCode, ceiling = "internal" } },
        }, 201);
        var first = created.GetProperty("password").GetString()!;
        using (var session = await SignInAsync(name, first))
        {
            await session.PostJsonAsync("/api/auth/change-password", new { currentPassword = first, newPassword = first + "Z9" }, 204);
        }

        // The admin API does not take e-mail addresses yet; the identity store does.
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Nris.Storage.Identity.NrisUser>>();
        var user = (await users.FindByNameAsync(name))!;
        Assert.True((await users.SetEmailAsync(user, email)).Succeeded);
        return (name, first + "Z9");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp-dir reaper; no result depends on it.
        }
    }
}
