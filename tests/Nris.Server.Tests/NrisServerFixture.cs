using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server;
using Nris.Server.Auth;
using Nris.Server.Tests.Auth;

[assembly: AssemblyFixture(typeof(Nris.Server.Tests.NrisServerFixture))]

namespace Nris.Server.Tests;

/// <summary>
/// One real Nris server per test assembly: Kestrel on a free loopback port, a fresh SQLite file, the real
/// reference data and demo catalogue loaded through the normal start-up path. A derived fixture may put the server
/// on another database (<see cref="DatabaseArgumentsAsync"/>).
/// </summary>
public class NrisServerFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nris-server-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    private int _clients;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The server's clock: tests move it to expire keys without sleeping.</summary>
    public FakeClock Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The credentials the first start announced (admin and the demo accounts), by user name.</summary>
    public CapturingAnnouncer Announced { get; } = new();

    public IServiceProvider Services => _app!.Services;

    public string DataDirectory => _directory;

    public Uri BaseAddress { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Where the server reads trusted roots for reporters' signatures (Nris:Signatures:TrustedRootsFile).</summary>
    public string TrustedRootsFile => Path.Combine(_directory, "trusted-roots.pem");

    /// <summary>Whether the start-up loads the historical statistics (Nris:Demo:LoadHistory); a derived fixture may turn it off.</summary>
    public bool LoadHistory { get; init; } = true;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var database = await DatabaseArgumentsAsync(TestContext.Current.CancellationToken);
        _app = NrisApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            .. database,
            "--Logging:LogLevel:Default=Warning",
            // Each test client has its own address (X-Forwarded-For from loopback is trusted), so limits are per test;
            // a long window makes the 429 test independent of timing.
            "--Nris:RateLimits:sign-in:PermitLimit=10",
            "--Nris:RateLimits:sign-in:WindowSeconds=3600",
            // The signature tests write their own test CA's root here before they submit.
            $"--Nris:Signatures:TrustedRootsFile={TrustedRootsFile}",
            // The history is loaded here (one test checks its provenance); fixtures that do not need it turn it off.
            $"--Nris:Demo:LoadHistory={(LoadHistory ? "true" : "false")}",
            // Below the yearbook history's ~9,000 values, so one unbounded SDMX query proves the 413 (SdmxServiceTests).
            "--Nris:Sdmx:MaxObservations=5000",
        ], builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Services.AddSingleton<ICredentialAnnouncer>(Announced);
        });
        await NrisApp.PrepareAsync(_app, TestContext.Current.CancellationToken);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress };

        // The printed first password of admin must be changed before anything else, as an operator would.
        var first = Announced.PasswordOf(IdentityBootstrap.AdminUserName);
        using var admin = await SignInAsync(IdentityBootstrap.AdminUserName, first);
        AdminPassword = first + "Z9";
        await admin.PostJsonAsync("/api/auth/change-password", new { currentPassword = first, newPassword = AdminPassword }, 204);
    }

    /// <summary>The server's database settings: by default a SQLite file in <see cref="DataDirectory"/>.</summary>
    protected virtual Task<string[]> DatabaseArgumentsAsync(CancellationToken cancellationToken) => Task.FromResult(new[]
    {
        "--Nris:Database:Provider=sqlite",
        $"--ConnectionStrings:Nris=Data Source={Path.Combine(_directory, "nris.db")}",
    });

    /// <summary>Releases what <see cref="DatabaseArgumentsAsync"/> set up, after the server stopped.</summary>
    protected virtual ValueTask DisposeDatabaseAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        await DisposeDatabaseAsync();

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the OS is cleaned by the temp-dir reaper; the test result does not depend on it.
        }
    }

    /// <summary>A new client with its own cookies and its own client address (for rate limits and audit).</summary>
    public ApiSession NewSession()
    {
        var n = Interlocked.Increment(ref _clients);
        var handler = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");
        return new ApiSession(client);
    }

    /// <summary>Signs in and fetches an antiforgery token; fails the test when sign-in fails.</summary>
    public async Task<ApiSession> SignInAsync(string userName, string password)
    {
        var session = NewSession();
        using var response = await session.PostAsync("/api/auth/sign-in", new { userName, password });
        Assert.True(response.IsSuccessStatusCode, $"sign-in {userName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        await session.RefreshAntiforgeryAsync();
        return session;
    }

    /// <summary>The admin's password after the forced change of the printed first password.</summary>
    public string AdminPassword { get; private set; } = "";

    public Task<ApiSession> AdminAsync() => SignInAsync(IdentityBootstrap.AdminUserName, AdminPassword);

    /// <summary>Creates a user through the admin API, changes its first password, and returns a signed-in session.</summary>
    public async Task<(ApiSession Session, string Id, string UserName, string Password)> UserAsync(
        string organizationCode, string role, string? grantOrganization = null, string ceiling = "internal")
    {
        using var admin = await AdminAsync();
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        var created = await admin.PostJsonAsync("/api/admin/users", new
        {
            userName = name, organizationCode,
            grants = new[] { new { role, organizationCode = grantOrganization ?? organizationCode, ceiling } },
        }, 201);
        var first = created.GetProperty("password").GetString()!;
        var session = await SignInAsync(name, first);
        var password = first + "Z9";
        await session.PostJsonAsync("/api/auth/change-password", new { currentPassword = first, newPassword = password }, 204);
        await session.RefreshAntiforgeryAsync();
        return (session, created.GetProperty("user").GetProperty("id").GetString()!, name, password);
    }

    public async Task<JsonElement> GetJsonAsync(string path, int expectedStatus = 200)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == expectedStatus, $"GET {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
