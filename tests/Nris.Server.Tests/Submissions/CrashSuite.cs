using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Server.Tests.Auth;
using Nris.Storage;

namespace Nris.Server.Tests.Submissions;

/// <summary>
/// Issue #4, crash safety with a real server process: the built server runs as a child process on its own database;
/// many clients submit and revise commune reports over HTTP; the process is killed with SIGKILL in the middle of the
/// stream, then started again on the same database. Every submission that was acknowledged (201) must be there with
/// exactly its values and ledger entry; nothing may be half-written (every stored version has all its values, its
/// ledger entry, its event and, if current, the current-values view; the ledger is gapless and verifies); a retry of
/// every request whose answer was lost, with the same Idempotency-Key, must succeed with the version it asked for;
/// and the restarted server accepts new submissions. Several kill rounds on one database.
/// </summary>
public abstract class CrashSuite
{
    private const string Regime = "KTXH-XA-QUY";
    private const string Period = "2025-Q4";
    private const int Rounds = 3;
    private const int Clients = 12;

    // The kill comes after this many acknowledgements in a round: a count, not a time, so the test is deterministic in
    // what it asserts, while the exact point of the kill (which requests are in flight) varies from run to run.
    private const int AcknowledgementsBeforeKill = 30;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract string Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync(string directory, CancellationToken cancellationToken);

    /// <summary>Whether, right now, a transaction of the server holds written but uncommitted data in the database.</summary>
    protected abstract Task<bool> WriteInProgressAsync(string connectionString, CancellationToken cancellationToken);

    private sealed record Sent(string Reporter, int Commune, int Version, string IdempotencyKey)
    {
        public IReadOnlyDictionary<string, decimal> Values => ValuesOf(Commune, Version);
    }

    private sealed record Acknowledged(Sent Sent, long LedgerSequence, string LedgerHash, bool Replayed = false);

    /// <summary>The 8 cells of KTXH-XA-QUY for the n-th commune at a version: every version of every report differs.</summary>
    private static Dictionary<string, decimal> ValuesOf(int commune, int version) => new(StringComparer.Ordinal)
    {
        ["HOUSEHOLDS"] = 1000 + commune,
        ["POVERTY_RATE_MD"] = 4.25m,
        ["HEALTH_INSURANCE_COVERAGE"] = 92.5m,
        ["RICE_OUTPUT"] = 100.5m + version,
        ["BUDGET_REVENUE"] = 5000.125m + commune,
        ["DOSSIERS_RECEIVED"] = 300,
        ["DOSSIERS_ONTIME"] = 250 + version,
        ["TRAFFIC_ACCIDENTS"] = version,
    };

    [Fact]
    public async Task Sigkill_during_concurrent_submissions_loses_no_acknowledged_submission_and_leaves_none_half_written()
    {
        var directory = Path.Combine(Path.GetTempPath(), "nris-crash-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var connectionString = await CreateDatabaseAsync(directory, Ct);
        var acknowledged = new ConcurrentBag<Acknowledged>();
        ServerProcess? server = null;
        try
        {
            server = await ServerProcess.StartAsync(Provider, connectionString, directory, Ct);
            var (adminPassword, apiKey) = await FirstStartAsync(server);
            var communes = await CommunesAsync(server);
            var indexOf = communes.Select((code, i) => (code, i)).ToDictionary(c => c.code, c => c.i, StringComparer.Ordinal);
            var next = -1;

            for (var round = 1; round <= Rounds; round++)
            {
                // Clients submit version 1 of a commune's report, then revise it to version 2, then take the next commune.
                var inDoubt = new ConcurrentBag<Sent>();
                var unexpected = new ConcurrentBag<string>();
                var roundAcknowledged = 0;
                var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var http = Client(server, apiKey);
                var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var n = Interlocked.Increment(ref next);
                        if (n >= communes.Count)
                        {
                            unexpected.Add("ran out of communes");
                            return;
                        }
                        for (var version = 1; version <= 2; version++)
                        {
                            var sent = new Sent(communes[n], n, version, $"crash-{communes[n]}-v{version}");
                            var (ack, error) = await SendAsync(http, sent);
                            if (ack is not null)
                            {
                                acknowledged.Add(ack);
                                if (Interlocked.Increment(ref roundAcknowledged) == AcknowledgementsBeforeKill)
                                {
                                    enough.TrySetResult();
                                }
                            }
                            else if (error is null)
                            {
                                // No answer: the server died with the request in flight (or before it was sent).
                                inDoubt.Add(sent);
                                return;
                            }
                            else
                            {
                                unexpected.Add(error);
                                enough.TrySetResult();
                                return;
                            }
                        }
                    }
                })).ToList();

                await enough.Task.WaitAsync(TimeSpan.FromMinutes(5), Ct);
                // Then the kill is aimed inside a write: the database is watched until one of the server's transactions
                // has written and not committed, and the process is killed at once.
                var probes = 0;
                while (unexpected.IsEmpty && !await WriteInProgressAsync(connectionString, Ct))
                {
                    Assert.True(++probes < 100_000, "no write transaction was ever seen open");
                }
                var exitCode = await server.KillAsync();
                await Task.WhenAll(clients);
                await server.DisposeAsync();
                server = null;

                // 137 = 128 + 9: the runtime saw the process end by SIGKILL, not by a shutdown.
                Assert.Equal(137, exitCode);
                Assert.Empty(unexpected);
                Assert.True(Volatile.Read(ref roundAcknowledged) >= AcknowledgementsBeforeKill);

                // What the crash left, read straight from the database while no server runs.
                await AssertConsistentAsync(connectionString, acknowledged, indexOf);

                server = await ServerProcess.StartAsync(Provider, connectionString, directory, Ct);
                await AssertLedgerVerifiesAsync(server, adminPassword);

                // A client whose answer was lost retries with the same Idempotency-Key: it gets the version it asked for,
                // whether the first attempt was committed before the kill (replayed) or not (stored now).
                using var retry = Client(server, apiKey);
                var replayed = 0;
                foreach (var sent in inDoubt.OrderBy(s => s.Commune).ThenBy(s => s.Version))
                {
                    var (ack, error) = await SendAsync(retry, sent);
                    Assert.True(ack is not null, $"retry of {sent}: {error ?? "no answer"}\n{server.Output}");
                    acknowledged.Add(ack!);
                    replayed += ack!.Replayed ? 1 : 0;
                }
                TestContext.Current.TestOutputHelper?.WriteLine(
                    $"round {round}: {roundAcknowledged} acknowledged before the kill (killed after {probes} probes saw a write open), {inDoubt.Count} without an answer " +
                    $"({replayed} of them had been committed and were replayed, {inDoubt.Count - replayed} stored on retry)");
                await AssertConsistentAsync(connectionString, acknowledged, indexOf);
            }

            // After the last round the restarted server still takes new reports and the ledger still verifies.
            using (var http = Client(server!, apiKey))
            {
                var n = Interlocked.Increment(ref next);
                var (ack, error) = await SendAsync(http, new Sent(communes[n], n, 1, $"crash-{communes[n]}-v1"));
                Assert.True(ack is not null, error);
                acknowledged.Add(ack!);
            }
            await AssertLedgerVerifiesAsync(server!, adminPassword);
            await AssertConsistentAsync(connectionString, acknowledged, indexOf);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the temp reaper; the result does not depend on it.
            }
        }
    }

    /// <summary>As an operator would: the printed admin password is changed, then an API client (reporter, whole country) is made.</summary>
    private static async Task<(string AdminPassword, string ApiKey)> FirstStartAsync(ServerProcess server)
    {
        var first = await server.AdminPassword.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        using (var session = await SignInAsync(server, first))
        {
            await session.PostJsonAsync("/api/auth/change-password", new { currentPassword = first, newPassword = first + "Z9" }, 204);
        }
        using var admin = await SignInAsync(server, first + "Z9");
        var created = await admin.PostJsonAsync("/api/admin/clients", new { name = "crash-test", organizationCode = "CP", role = "reporter" }, 201);
        return (first + "Z9", created.GetProperty("key").GetString()!);
    }

    private static async Task<ApiSession> SignInAsync(ServerProcess server, string password)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        var session = new ApiSession(new HttpClient(handler) { BaseAddress = server.BaseAddress });
        await session.PostJsonAsync("/api/auth/sign-in", new { userName = "admin", password });
        await session.RefreshAntiforgeryAsync();
        return session;
    }

    private static async Task AssertLedgerVerifiesAsync(ServerProcess server, string adminPassword)
    {
        using var admin = await SignInAsync(server, adminPassword);
        var result = await admin.PostJsonAsync("/api/admin/ledger/verify", new { });
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
    }

    /// <summary>The communes of the 2025 reform (valid at the end of 2025-Q4), in code order.</summary>
    private static async Task<List<string>> CommunesAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var list = await http.GetFromJsonAsync<JsonElement>("/api/territories?level=commune&at=2025-12-31", Ct);
        var codes = list.GetProperty("items").EnumerateArray().Select(t => "UBND." + t.GetProperty("code").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.True(codes.Count > 3000, $"communes: {codes.Count}");
        return codes;
    }

    private static HttpClient Client(ServerProcess server, string apiKey)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    /// <summary>(acknowledgement, null) on 201; (null, null) when no answer came; (null, error) on any other answer.</summary>
    private static async Task<(Acknowledged? Ack, string? Error)> SendAsync(HttpClient http, Sent sent)
    {
        var values = sent.Values.Select(v => new { indicator = v.Key, disaggregation = "_T", number = v.Value }).ToList();
        object body = sent.Version == 1
            ? new { values }
            : new { baseVersion = sent.Version - 1, reason = "Điều chỉnh số liệu / corrected figures", values };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/reports/{Regime}/{Period}/{sent.Reporter}/{(sent.Version == 1 ? "submit" : "revise")}")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Add("Idempotency-Key", sent.IdempotencyKey);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, Ct);
            text = await response.Content.ReadAsStringAsync(Ct);
        }
        catch (HttpRequestException)
        {
            return (null, null);
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return (null, $"{sent}: {(int)response.StatusCode} {text}");
            }
            var result = JsonDocument.Parse(text).RootElement;
            if (result.GetProperty("version").GetInt32() != sent.Version)
            {
                return (null, $"{sent}: acknowledged as version {result.GetProperty("version").GetInt32()}");
            }
            return (new Acknowledged(sent, result.GetProperty("ledgerSequence").GetInt64(), result.GetProperty("ledgerHash").GetString()!,
                response.Headers.Contains("Idempotent-Replayed")), null);
        }
    }

    /// <summary>
    /// Reads every report, version, value, event, current value and ledger entry straight from the database and checks
    /// that each acknowledged submission is there exactly, and that nothing stored is partial or inconsistent.
    /// </summary>
    private async Task AssertConsistentAsync(string connectionString, IEnumerable<Acknowledged> acknowledged, Dictionary<string, int> communes)
    {
        await using var db = new NrisDbContextFactory(new NrisStorageOptions { Provider = Provider, ConnectionString = connectionString }).CreateDbContext();
        var reports = await db.Reports.AsNoTracking().ToListAsync(Ct);
        var versions = await db.ReportVersions.AsNoTracking().ToListAsync(Ct);
        var values = (await db.ReportValues.AsNoTracking().ToListAsync(Ct)).ToLookup(v => v.VersionId);
        var current = (await db.CurrentValues.AsNoTracking().ToListAsync(Ct)).ToLookup(v => v.ReportId);
        var events = await db.ReportEvents.AsNoTracking().ToListAsync(Ct);
        var ledger = await db.LedgerEntries.AsNoTracking().Select(e => new { e.Sequence, e.Kind, e.Hash }).ToListAsync(Ct);

        // The ledger is gapless, and its submission entries are exactly the stored versions, one each.
        Assert.Equal(Enumerable.Range(1, ledger.Count).Select(i => (long)i), ledger.Select(e => e.Sequence).Order());
        var submissionEntries = ledger.Where(e => e.Kind is LedgerEntryKind.SubmissionSubmitted or LedgerEntryKind.SubmissionRevised)
            .ToDictionary(e => e.Sequence);
        Assert.Equal(submissionEntries.Count, versions.Count);
        Assert.Equal(versions.Count, events.Count);
        var eventsByVersion = events.ToDictionary(e => (e.ReportId, e.Version));

        var versionsByReport = versions.ToLookup(v => v.ReportId);
        foreach (var report in reports)
        {
            Assert.Equal(Regime, report.RegimeCode);
            Assert.Equal(Period, report.Period);
            // Every stored version is one the test sent (acknowledged or in doubt), so its values are known exactly.
            var commune = communes[report.ReporterCode];
            var mine = versionsByReport[report.Id].OrderBy(v => v.Version).ToList();
            Assert.Equal(Enumerable.Range(1, report.CurrentVersion), mine.Select(v => v.Version));
            Assert.Equal(mine[^1].LedgerSequence, report.LastLedgerSequence);
            foreach (var version in mine)
            {
                var entry = submissionEntries[version.LedgerSequence];
                Assert.Equal(version.Version == 1 ? LedgerEntryKind.SubmissionSubmitted : LedgerEntryKind.SubmissionRevised, entry.Kind);
                Assert.Equal($"crash-{report.ReporterCode}-v{version.Version}", version.IdempotencyKey);
                Assert.Equal(version.LedgerSequence, eventsByVersion[(report.Id, version.Version)].LedgerSequence);
                Assert.Equal(8, version.ValueCount);
                var stored = values[version.Id].ToList();
                Assert.Equal(8, stored.Count);
                Assert.Equal(ValuesOf(commune, version.Version), stored.ToDictionary(v => v.IndicatorCode, v => v.Number!.Value));
            }
            // The current-values view is the latest version's values, all of them, pointing at it.
            var view = current[report.Id].ToList();
            Assert.Equal(8, view.Count);
            Assert.All(view, v => Assert.Equal((report.CurrentVersion, mine[^1].Id, mine[^1].LedgerSequence), (v.Version, v.ReportVersionId, v.LedgerSequence)));
            Assert.Equal(ValuesOf(commune, report.CurrentVersion), view.ToDictionary(v => v.IndicatorCode, v => v.Number!.Value));
        }
        Assert.Equal(versions.Count, values.Sum(g => g.Count()) / 8);
        Assert.Equal(reports.Count * 8, current.Sum(g => g.Count()));

        // Every acknowledged submission is there, at the ledger entry it was acknowledged with.
        var byKey = reports.ToDictionary(r => r.ReporterCode);
        foreach (var ack in acknowledged)
        {
            Assert.True(byKey.TryGetValue(ack.Sent.Reporter, out var report), $"acknowledged but missing: {ack}");
            var version = versionsByReport[report!.Id].SingleOrDefault(v => v.Version == ack.Sent.Version);
            Assert.True(version is not null, $"acknowledged version missing: {ack}");
            Assert.Equal(ack.LedgerSequence, version!.LedgerSequence);
            Assert.Equal(ack.LedgerHash, Convert.ToHexStringLower(ledger.Single(e => e.Sequence == ack.LedgerSequence).Hash));
        }
    }
}
