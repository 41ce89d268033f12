using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Nris.Server.Auth;

namespace Nris.Server.Tests.Auth;

/// <summary>A clock the tests move by hand; starts at the real time so "today" is today.</summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Keeps the first-start credentials in memory instead of printing them.</summary>
public sealed class CapturingAnnouncer : ICredentialAnnouncer
{
    private readonly ConcurrentDictionary<string, string> _passwords = new(StringComparer.Ordinal);

    public void Announce(string userName, string role, string organizationCode, string password) => _passwords[userName] = password;

    public string PasswordOf(string userName) => _passwords[userName];

    public IReadOnlyCollection<string> UserNames => [.. _passwords.Keys];
}

/// <summary>An HTTP client with its own cookies; adds the antiforgery header to unsafe requests like a browser app would.</summary>
public sealed class ApiSession(HttpClient client) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Client { get; } = client;

    public string? CsrfToken { get; set; }

    public async Task RefreshAntiforgeryAsync()
    {
        var token = await GetJsonAsync("/api/auth/antiforgery");
        CsrfToken = token.GetProperty("token").GetString();
    }

    public void UseApiKey(string key) => Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, bool withCsrf = true)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (withCsrf && CsrfToken is not null && method != HttpMethod.Get)
        {
            request.Headers.Add(SecurityServices.AntiforgeryHeader, CsrfToken);
        }

        return Client.SendAsync(request, Ct);
    }

    /// <summary>Sends a body exactly as given (malformed JSON, huge strings), with extra headers such as Idempotency-Key.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent content, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (CsrfToken is not null)
        {
            request.Headers.Add(SecurityServices.AntiforgeryHeader, CsrfToken);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return Client.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });

    public async Task<JsonElement> GetJsonAsync(string path, int expected = 200) => await ReadAsync(await GetAsync(path), "GET " + path, expected);

    public async Task<JsonElement> PostJsonAsync(string path, object? body, int expected = 200) =>
        await ReadAsync(await PostAsync(path, body), "POST " + path, expected);

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string what, int expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True((int)response.StatusCode == expected, $"{what}: expected {expected}, got {(int)response.StatusCode}: {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    public void Dispose() => Client.Dispose();
}
