using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Aggregation;
using Nris.Core.Periods;
using Nris.Server;
using Nris.Server.Aggregation;
using Nris.Server.Auth;
using Nris.Server.Connectors;
using Nris.Storage;

namespace Nris.Cli.Tests;

/// <summary>
/// <c>nris demo feed</c> against a real demo server (Kestrel on loopback, its own SQLite file): the server creates its
/// two demo connectors, the feed serves the portal figures the pull connector reads and pushes the traffic accidents
/// with the key the server wrote; the daily records land in the ledger as reports by the connectors, reach the
/// aggregates, and each connector's health shows records today.
/// </summary>
public sealed class DemoFeedTests : CliTestBase
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Real time, moved forward on demand so the pull connector's one-minute interval passes at once. The feed runs on
    /// real time, so the server's clock must stay on the feed's day in Vietnam: late in that day it starts four hours
    /// behind, and it is never moved more than three hours ahead of where it started.
    /// </summary>
    private sealed class MovableClock : TimeProvider
    {
        private static readonly TimeSpan MaxAdvance = TimeSpan.FromHours(3);
        private readonly long _start;
        private long _offset;

        public MovableClock()
        {
            var timeOfDay = TimeProvider.System.GetUtcNow().ToOffset(ReportingCalendar.VietnamOffset).TimeOfDay;
            _start = _offset = timeOfDay >= TimeSpan.FromHours(21) ? -TimeSpan.FromHours(4).Ticks : 0;
        }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offset));

        /// <summary>Moves the clock forward, unless that would take it more than three hours past its start.</summary>
        public bool Advance(TimeSpan by)
        {
            if (Interlocked.Read(ref _offset) + by.Ticks - _start > MaxAdvance.Ticks)
            {
                return false;
            }
            Interlocked.Add(ref _offset, by.Ticks);
            return true;
        }
    }

    private sealed class QuietAnnouncer : ICredentialAnnouncer
    {
        public void Announce(string userName, string role, string organizationCode, string password)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task The_demo_feed_fills_the_demo_servers_live_connections_with_daily_records()
    {
        var clock = new MovableClock();
        var serverUrl = $"http://127.0.0.1:{FreePort()}";
        var feedUrl = $"http://127.0.0.1:{FreePort()}";
        var keyFile = Path.Combine(Folder, "demo-feed.key");
        await using var app = NrisApp.Build(
        [
            "--urls=" + serverUrl,
            "--Nris:Database:Provider=sqlite",
            $"--ConnectionStrings:Nris=Data Source={Path.Combine(Folder, "server.db")}",
            "--Logging:LogLevel:Default=Warning",
            "--Nris:Demo:LoadHistory=false",
            "--Nris:Demo:FeedAddress=" + feedUrl,
            "--Nris:Demo:FeedKeyFile=" + keyFile,
            "--Nris:Connectors:TickMilliseconds=50",
            "--Nris:Connectors:RetryBaseMilliseconds=20",
            "--Nris:Notifications:Enabled=false",
        ], builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton<ICredentialAnnouncer>(new QuietAnnouncer());
        });
        await NrisApp.PrepareAsync(app, Ct);
        await app.StartAsync(Ct);
        await DemoConnectors.EnsureAsync(app, Ct);
        Assert.True(File.Exists(keyFile));

        // The feed, as `nris demo feed` runs it: three past days, then today's running totals every second.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var feed = NrisCli.RunAsync(["demo", "feed", "--listen", feedUrl, "--server", serverUrl, "--key-file", keyFile, "--interval", "1", "--days", "3"],
            output, error, stop.Token);

        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(ReportingCalendar.VietnamOffset).DateTime);
        var days = Enumerable.Range(1, 3).Select(d => Period.Day(today.AddDays(-d)).ToString()).ToList();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            var portal = await db.Reports.AsNoTracking().Where(r => r.RegimeCode == "DVC-NGAY" && r.ReporterCode == "UBND.01").Select(r => r.Period).ToListAsync(Ct);
            var accidents = await db.Reports.AsNoTracking().Where(r => r.RegimeCode == "TNGT-BCA-NGAY" && r.ReporterCode == "BCA").Select(r => r.Period).ToListAsync(Ct);
            var todayCode = Period.Day(today).ToString();
            if (days.All(portal.Contains) && portal.Contains(todayCode) && days.All(accidents.Contains) && accidents.Contains(todayCode))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"portal {string.Join(",", portal)}; accidents {string.Join(",", accidents)}; feed: {output} {error}");
            Assert.False(feed.IsCompleted, $"the feed stopped: {output} {error}");
            // The pull runs every minute: let a minute pass.
            Assert.True(clock.Advance(TimeSpan.FromSeconds(61)), $"three hours of server time passed; portal {string.Join(",", portal)}; accidents {string.Join(",", accidents)}");
            await Task.Delay(200, Ct);
        }
        await stop.CancelAsync();
        Assert.Equal(0, await feed);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            // The ledger names the connectors as the source of each report version.
            var pulled = await db.LedgerEntries.AsNoTracking().Where(e => e.Actor == "connector:" + DemoConnectors.PullName).ToListAsync(Ct);
            var pushed = await db.LedgerEntries.AsNoTracking().Where(e => e.Actor == "connector:" + DemoConnectors.PushName).ToListAsync(Ct);
            Assert.True(pulled.Count >= 4, $"{pulled.Count} pulled entries");
            Assert.True(pushed.Count >= 4, $"{pushed.Count} pushed entries");

            // The aggregates hold them: a past day's dossiers for Hà Nội and the nation's traffic accidents.
            var projection = app.Services.GetRequiredService<AggregationProjection>();
            await projection.WaitForAsync(Math.Max(pulled.Max(e => e.Sequence), pushed.Max(e => e.Sequence)), Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
            var day = Period.Day(today.AddDays(-1));
            var dossiers = projection.Engine.Cell(new CellQuery("DOSSIERS_RECEIVED", "01", day, "_T", "DVC-NGAY"));
            Assert.True(dossiers.Value > 0, $"dossiers {dossiers}");
            var crashes = projection.Engine.Cell(new CellQuery("TRAFFIC_ACCIDENTS", "VN", day, "_T", "TNGT-BCA-NGAY"));
            Assert.NotNull(crashes.Value);

            // Each connector's health: records today, no failure.
            foreach (var name in new[] { DemoConnectors.PullName, DemoConnectors.PushName })
            {
                var connector = await db.Connectors.AsNoTracking().SingleAsync(c => c.Name == name, Ct);
                var health = await ConnectorEndpoints.DtoAsync(db, connector, clock, Ct);
                Assert.True(health.RecordsToday > 0, $"{name}: {health}");
                Assert.True(health.State == "ok", $"{name}: {health}");
                Assert.Equal(Period.Day(today).ToString(), health.LastPeriod);
            }
        }
        await app.StopAsync(Ct);
    }
}
