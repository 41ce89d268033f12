using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Testing;

namespace Nris.Bench;

/// <summary>
/// A real Nris server in this process: Kestrel on a loopback port, a fresh database (a temporary SQLite file or a
/// throwaway PostgreSQL cluster), the reference data and demo catalogue loaded through the normal start-up path.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nris-bench-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication _app = null!;
    private PostgresCluster? _cluster;

    public string Db { get; private set; } = "";

    public string ConnectionString { get; private set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public CatalogueState Catalogue => Services.GetRequiredService<CatalogueState>();

    public static async Task<BenchServer> StartAsync(string db, CancellationToken ct)
    {
        var server = new BenchServer { Db = db };
        Directory.CreateDirectory(server._directory);
        if (db == "postgres")
        {
            server._cluster = await PostgresCluster.StartAsync(ct);
            server.ConnectionString = await server._cluster.CreateDatabaseAsync("nris_bench", ct);
        }
        else
        {
            server.ConnectionString = $"Data Source={Path.Combine(server._directory, "nris.db")}";
        }
        server._app = NrisApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Nris:Database:Provider=" + (db == "postgres" ? "postgres" : "sqlite"),
            "--ConnectionStrings:Nris=" + server.ConnectionString,
            "--Logging:LogLevel:Default=Warning",
            "--Nris:Ledger:KeyFile=" + Path.Combine(server._directory, "instance-key.pem"),
            // The drivers send thousands of reports from one address; the limit is raised for them, not removed.
            "--Nris:RateLimits:submission:PermitLimit=10000000",
            // Historical statistics are not part of what is measured.
            "--Nris:Demo:LoadHistory=false",
        ]);
        var watch = Stopwatch.StartNew();
        await NrisApp.PrepareAsync(server._app, ct);
        await server._app.StartAsync(ct);
        server.BaseAddress = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Console.WriteLine($"server: {db} ready in {watch.ElapsedMilliseconds} ms at {server.BaseAddress}");
        return server;
    }

    /// <summary>Creates an API client (reporter role) for an organization and returns its key.</summary>
    public async Task<string> CreateApiKeyAsync(string organizationCode, CancellationToken ct)
    {
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Accounts>();
        var admin = new AccessScope([new Grant(Role.SystemAdministrator, "CP", Classification.Confidential)],
            Catalogue.Current.Organizations, DateOnly.FromDateTime(DateTime.UtcNow));
        var created = await accounts.CreateClientAsync(admin, "bench-" + organizationCode,
            new Grant(Role.Reporter, organizationCode, Classification.Internal), 1, "bench", ct);
        return created.Value?.Secret ?? throw new InvalidOperationException($"API client for {organizationCode}: {created.Outcome} {string.Join("; ", created.Errors ?? [])}");
    }

    public async Task<(long Reports, long Values, long CurrentValues, long LedgerEntries, bool LedgerOk, string Reason)> CountAndVerifyAsync(CancellationToken ct)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
        var verification = await scope.ServiceProvider.GetRequiredService<LedgerVerifyService>().VerifyAsync(ct);
        return (await db.Reports.LongCountAsync(ct), await db.ReportValues.LongCountAsync(ct), await db.CurrentValues.LongCountAsync(ct),
            await db.LedgerEntries.LongCountAsync(ct), verification.Ok, verification.ReasonEn);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp reaper; the figures do not depend on it.
        }
    }
}

/// <summary>
/// Sends one report: through SubmissionService in-process ("service", everything below HTTP) or over HTTP to
/// POST /api/reports/{regime}/{period}/{reporter}/submit with an API key ("http").
/// </summary>
public sealed class Submitter(BenchServer server, string mode) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
    private string? _key;
    private readonly SemaphoreSlim _keyLock = new(1, 1);

    public string Mode => mode;

    /// <summary>Null on success, else the error. A <paramref name="baseVersion"/> above 0 sends a revision of that version.</summary>
    /// <remarks>
    /// Over HTTP the body is <paramref name="body"/> when given (built by <see cref="Body"/> before the clock starts, so
    /// the driver's own JSON writing is not counted against the server), else built here.
    /// </remarks>
    public async Task<string?> SubmitAsync(ReportKey key, IReadOnlyList<ReportValue> values, CancellationToken ct, int baseVersion = 0, byte[]? body = null)
    {
        var idempotencyKey = "bench-" + key + "-" + baseVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (mode == "http")
        {
            var apiKey = await KeyAsync(ct);
            using var request = new HttpRequestMessage(HttpMethod.Post,
                $"/api/reports/{key.RegimeCode}/{key.Period}/{key.ReporterCode}/{(baseVersion == 0 ? "submit" : "revise")}")
            {
                Content = new ByteArrayContent(body ?? Body(values, baseVersion)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            using var response = await _http.SendAsync(request, ct);
            return response.StatusCode == System.Net.HttpStatusCode.Created ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        }
        try
        {
            await using var scope = server.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var request = new SubmissionRequest(values, IdempotencyKey: idempotencyKey);
            var actor = new SubmissionActor("bench@" + key.ReporterCode, key.ReporterCode);
            await (baseVersion == 0
                ? service.SubmitAsync(key, request, actor, ct)
                : service.ReviseAsync(key, baseVersion, "bench revision", request, actor, ct));
            return null;
        }
        catch (SubmissionRejectedException e)
        {
            return "rejected: " + string.Join("; ", e.Report.Issues.Take(3).Select(i => i.MessageEn));
        }
        catch (Exception e) when (e is SubmissionRefusedException or SubmissionConflictException or DbUpdateException or InvalidOperationException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    /// <summary>
    /// The JSON body of POST …/submit (<c>{values}</c>) or, for <paramref name="baseVersion"/> above 0, of POST …/revise
    /// (<c>{baseVersion, reason, values}</c>), with the field names of <c>SubmissionInput</c>/<c>ValueInput</c>.
    /// </summary>
    public static byte[] Body(IReadOnlyList<ReportValue> values, int baseVersion)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(values.Count * 96 + 256);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (baseVersion > 0)
            {
                json.WriteNumber("baseVersion", baseVersion);
                json.WriteString("reason", "bench revision");
            }
            json.WriteStartArray("values");
            foreach (var v in values)
            {
                json.WriteStartObject();
                json.WriteString("indicator", v.IndicatorCode);
                json.WriteString("disaggregation", v.Disaggregation);
                if (v.TerritoryCode is not null)
                {
                    json.WriteString("territory", v.TerritoryCode);
                }
                if (v.Number is { } number)
                {
                    json.WriteNumber("number", number);
                }
                if (v.Text is not null)
                {
                    json.WriteString("text", v.Text);
                }
                if (v.Flag is { } flag)
                {
                    json.WriteBoolean("flag", flag);
                }
                json.WriteString("status", System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(v.Status.ToString()));
                if (v.Note is not null)
                {
                    json.WriteString("note", v.Note);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One API client with the reporter role over the whole country (the government, CP), made before anything is
    /// timed: authentication costs the same per request whichever organization a key is bound to.
    /// </summary>
    private async Task<string> KeyAsync(CancellationToken ct)
    {
        await _keyLock.WaitAsync(ct);
        try
        {
            return _key ??= await server.CreateApiKeyAsync(Organization.GovernmentCode, ct);
        }
        finally
        {
            _keyLock.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _keyLock.Dispose();
    }
}
