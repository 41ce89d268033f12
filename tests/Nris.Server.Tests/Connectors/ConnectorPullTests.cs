using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Auth;
using Nris.Server.Submissions;
using Nris.Server.Tests.Auth;
using Nris.Server.Tests.Oversight;
using Nris.Storage;

namespace Nris.Server.Tests.Connectors;

/// <summary>
/// Pull connectors against a small source on loopback, on a server of their own with a fake clock (moved forward by
/// the pull interval instead of waiting for it): the server is stopped in the middle of the feed and started again
/// on the same database; a source that hangs and one that sends garbage fail on their own connectors while the good
/// feed goes on. At the end every record was served once, each day is one report version holding its values, the
/// aggregates include them and the ledger verifies. A quiet feed alerts its administrators once per quiet spell.
/// </summary>
public sealed class ConnectorPullTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Start = new(2026, 3, 20, 2, 0, 0, TimeSpan.Zero);
    private static readonly string[] Settings =
    [
        "--Nris:Connectors:TickMilliseconds=50",
        "--Nris:Connectors:RetryBaseMilliseconds=20",
        "--Nris:Notifications:Enabled=false",
    ];

    private static object PullConnector(string name, Uri url, int timeoutSeconds = 5, int quietAfterMinutes = 1440) => new
    {
        name, kind = "pull", format = "json", regime = "DVC-NGAY", organization = "UBND.01",
        fields = new { period = "date", indicator = "metric", value = "count", cursor = "id" },
        mapping = new { indicators = FeedSource.Mapping },
        pull = new { url = url.ToString(), intervalSeconds = 60, timeoutSeconds, maxRetries = 1 },
        quietAfterMinutes,
    };

    /// <summary>Moves the fake clock by a pull interval until the condition holds (at most a few minutes of real time).</summary>
    private static async Task<JsonElement> PollAsync(OversightServer server, ApiSession admin, string name, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var health = await admin.GetJsonAsync("/api/admin/connectors/" + name);
            if (done(health))
            {
                return health;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{name} did not get there: {health.GetRawText()}");
            server.Clock.Advance(TimeSpan.FromSeconds(61));
            await Task.Delay(100, Ct);
        }
    }

    private static string? Cursor(JsonElement health) => health.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    [Fact]
    public async Task A_pull_feed_survives_a_restart_and_bad_sources_fail_alone_with_nothing_lost_or_duplicated()
    {
        var firstDay = new DateOnly(2026, 3, 1);
        await using var source = new FeedSource(firstDay);
        await source.StartAsync();
        source.Release(4);
        await using var server = new OversightServer(Start, Settings);
        await server.StartAsync();
        var admin = await server.SignInAsync(IdentityBootstrap.AdminUserName, server.AdminPassword);
        await admin.PostJsonAsync("/api/admin/connectors", PullConnector("hn-dvc", new Uri(source.BaseAddress, "dvc?after={cursor}")), 201);
        await admin.PostJsonAsync("/api/admin/connectors", PullConnector("hn-hang", new Uri(source.BaseAddress, "hang"), timeoutSeconds: 1), 201);
        await admin.PostJsonAsync("/api/admin/connectors", PullConnector("hn-garbage", new Uri(source.BaseAddress, "garbage")), 201);

        // The first four days arrive (two pages), while the hanging source times out and the garbage is refused.
        await PollAsync(server, admin, "hn-dvc", h => Cursor(h) == "20");
        var hang = await PollAsync(server, admin, "hn-hang", h => h.GetProperty("state").GetString() == "failing");
        Assert.Contains(hang.GetProperty("recentErrors").EnumerateArray(), e => e.GetProperty("code").GetString() == "timeout");
        var garbage = await PollAsync(server, admin, "hn-garbage", h => h.GetProperty("state").GetString() == "failing");
        Assert.Contains(garbage.GetProperty("recentErrors").EnumerateArray(), e => e.GetProperty("code").GetString() == "invalid-batch");

        // The server stops in the middle of the feed; the source publishes four more days meanwhile.
        admin.Dispose();
        await server.StopAsync();
        source.Release(8);
        await server.StartAsync();
        admin = await server.SignInAsync(IdentityBootstrap.AdminUserName, server.AdminPassword);
        var health = await PollAsync(server, admin, "hn-dvc", h => Cursor(h) == "40");
        Assert.Equal("ok", health.GetProperty("state").GetString());
        Assert.Equal(40, health.GetProperty("records").GetInt64());
        Assert.Equal(Period.Day(source.Day(8)).ToString(), health.GetProperty("lastPeriod").GetString());

        // Nothing was read twice: the cursor survived the restart, so every record id was served exactly once.
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), source.Served.Order());

        // Every day is one report version by the connector holding exactly that day's five values.
        long last = 0;
        using (var scope = server.Services.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            for (var d = 1; d <= 8; d++)
            {
                var key = new ReportKey("DVC-NGAY", Period.Day(source.Day(d)), "UBND.01");
                var report = await service.GetAsync(key, Ct);
                Assert.NotNull(report);
                Assert.Equal(1, report.CurrentVersion);
                Assert.Equal("connector:hn-dvc", report.Versions.Single().SubmittedBy);
                var values = await service.GetValuesAsync(key, 1, Ct);
                Assert.Equal(FeedSource.Mapping.Keys.Select(m => (FeedSource.IndicatorOf(m), (decimal)FeedSource.ValueOf(d, m))).OrderBy(x => x.Item1),
                    values.Select(v => (v.IndicatorCode, v.Number!.Value)).OrderBy(x => x.Item1));
                last = Math.Max(last, report.LastLedgerSequence);
            }
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            Assert.Equal(8, await db.LedgerEntries.CountAsync(e => e.Actor == "connector:hn-dvc", Ct));
        }

        // The aggregates include the pulled days, and the ledger verifies.
        await server.Services.GetRequiredService<AggregationProjection>().WaitForAsync(last, Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        var cell = await admin.GetJsonAsync($"/api/data/cell?indicator=DOSSIERS_ONLINE&period={Period.Day(source.Day(8))}&source=DVC-NGAY&territory=VN");
        Assert.Equal(FeedSource.ValueOf(8, "online"), cell.GetProperty("value").GetProperty("value").GetDecimal());
        var verified = await admin.PostJsonAsync("/api/admin/ledger/verify", new { });
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.GetRawText());
        // The bad sources are still failing, on their own.
        Assert.Equal("failing", (await admin.GetJsonAsync("/api/admin/connectors/hn-hang")).GetProperty("state").GetString());
        admin.Dispose();
    }

    [Fact]
    public async Task A_quiet_feed_alerts_its_administrators_once_per_quiet_spell()
    {
        await using var server = new OversightServer(Start, Settings);
        await server.StartAsync();
        using var admin = await server.SignInAsync(IdentityBootstrap.AdminUserName, server.AdminPassword);
        var created = await admin.PostJsonAsync("/api/admin/connectors", new
        {
            name = "quiet-feed", kind = "push", format = "json", regime = "DVC-NGAY", organization = "UBND.01", quietAfterMinutes = 30,
        }, 201);
        using var source = server.NewSession();
        source.UseApiKey(created.GetProperty("key").GetString()!);

        async Task<int> AlertsAsync()
        {
            using var scope = server.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            return await db.NotificationSends.CountAsync(s => s.Key.StartsWith("connector-quiet|quiet-feed|") && s.Address == IdentityBootstrap.AdminUserName, Ct);
        }

        Assert.Equal("waiting", (await admin.GetJsonAsync("/api/admin/connectors/quiet-feed")).GetProperty("state").GetString());
        server.Clock.Advance(TimeSpan.FromMinutes(31));
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await AlertsAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no quiet alert");
            await Task.Delay(100, Ct);
        }
        Assert.Equal("quiet", (await admin.GetJsonAsync("/api/admin/connectors/quiet-feed")).GetProperty("state").GetString());
        var notifications = await admin.GetJsonAsync("/api/oversight/notifications");
        Assert.Contains("quiet-feed", notifications.GetRawText(), StringComparison.Ordinal);

        // Still quiet later: no second alert for the same spell. A probe connector that goes quiet after this point
        // shows that the worker has made a full pass since (each pass looks at every connector).
        server.Clock.Advance(TimeSpan.FromMinutes(31));
        await admin.PostJsonAsync("/api/admin/connectors", new
        {
            name = "quiet-probe", kind = "push", format = "json", regime = "DVC-NGAY", organization = "UBND.01", quietAfterMinutes = 1,
        }, 201);
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await admin.GetJsonAsync("/api/oversight/notifications")).GetRawText().Contains("quiet-probe", StringComparison.Ordinal) == false)
        {
            Assert.True(DateTime.UtcNow < deadline, "the probe was never alerted");
            await Task.Delay(100, Ct);
        }
        Assert.Equal(1, await AlertsAsync());

        // A record ends the spell; the next silence is a new spell with its own alert.
        var day = DateOnly.FromDateTime(Start.UtcDateTime).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var batch = FeedSource.Mapping.Values.Select((indicator, i) => new { indicator, period = day, value = 100 - (i * 10) }).ToArray();
        using (var pushed = await source.SendRawAsync(HttpMethod.Post, "/api/connectors/quiet-feed/observations",
                   new StringContent(JsonSerializer.Serialize(batch), System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(pushed.IsSuccessStatusCode, await pushed.Content.ReadAsStringAsync(Ct));
        }
        Assert.Equal("ok", (await admin.GetJsonAsync("/api/admin/connectors/quiet-feed")).GetProperty("state").GetString());
        server.Clock.Advance(TimeSpan.FromMinutes(31));
        deadline = DateTime.UtcNow.AddMinutes(2);
        while (await AlertsAsync() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "no alert for the second quiet spell");
            await Task.Delay(100, Ct);
        }
        Assert.Equal(2, await AlertsAsync());
    }
}
