using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
/// SDMX through a connector's mapping: a statistics system pushes SDMX-CSV (1.0 and 2.0) with its own indicator and area
/// codes; garbage is refused naming the observation and the column with nothing stored; a later figure for the same day
/// stands as the next version of that day's report (the day still holds one value per indicator). A pull connector reads
/// an SDMX REST data query (<c>updatedAfter={cursor}</c>, answered in SDMX-CSV) across a server restart: a correction
/// published by the source replaces the earlier figure as a new version, and nothing is read twice.
/// </summary>
public sealed class ConnectorSdmxTests(NrisServerFixture server)
{
    private const string Regime = "DVC-NGAY";
    private const string Hanoi = "UBND.01";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The source's own indicator codes, as an SDMX data structure of the portal would name them.</summary>
    private static readonly Dictionary<string, string> SourceCodes = new(StringComparer.Ordinal)
    {
        ["HS_TIEPNHAN"] = "DOSSIERS_RECEIVED",
        ["HS_TRUCTUYEN"] = "DOSSIERS_ONLINE",
        ["HS_CONGQG"] = "DOSSIERS_PORTAL",
        ["HS_GIAIQUYET"] = "DOSSIERS_PROCESSED",
        ["HS_DUNGHAN"] = "DOSSIERS_ONTIME",
    };

    private static readonly Dictionary<string, string> MetricOf = new(StringComparer.Ordinal)
    {
        ["HS_TIEPNHAN"] = "received", ["HS_TRUCTUYEN"] = "online", ["HS_CONGQG"] = "portal", ["HS_GIAIQUYET"] = "processed", ["HS_DUNGHAN"] = "ontime",
    };

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Sdmx20(IEnumerable<(DateOnly Day, string Code, string Value)> rows, string action = "I")
    {
        var csv = new StringBuilder("STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\n");
        foreach (var (day, code, value) in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"dataflow,VNPORTAL:DF_DVC(1.0),{action},{code},VN-HN,{Iso(day)},{value}\n");
        }
        return csv.ToString();
    }

    private static IEnumerable<(DateOnly, string, string)> DayOf(DateOnly day, int n) =>
        SourceCodes.Keys.Select(c => (day, c, FeedSource.ValueOf(n, MetricOf[c]).ToString(CultureInfo.InvariantCulture)));

    private static object Definition(string name, string kind, object? pull = null) => new
    {
        name, kind, format = "sdmx-csv", regime = Regime, organization = Hanoi,
        mapping = new { indicators = SourceCodes, territories = new Dictionary<string, string> { ["VN-HN"] = "01" } },
        pull, quietAfterMinutes = 1440,
    };

    private async Task<long> LedgerHeadAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<NrisDbContext>().LedgerEntries.MaxAsync(e => e.Sequence, Ct);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PushAsync(ApiSession source, string name, string csv, string batch)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "application/vnd.sdmx.data+csv");
        using var response = await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", content, ("Idempotency-Key", batch));
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Pushed_sdmx_csv_is_mapped_garbage_is_named_and_a_later_figure_for_the_day_stands_as_the_next_version()
    {
        using var admin = await server.AdminAsync();
        var name = "sdmx-push-" + Guid.NewGuid().ToString("N")[..8];
        var key = (await admin.PostJsonAsync("/api/admin/connectors", Definition(name, "push"), 201)).GetProperty("key").GetString()!;
        using var source = server.NewSession();
        source.UseApiKey(key);
        var day = new DateOnly(2024, 4, 9);
        var reportKey = new ReportKey(Regime, Period.Day(day), Hanoi);

        // SDMX-CSV 2.0, the source's codes translated through the connector's mapping.
        var (status, body) = await PushAsync(source, name, Sdmx20(DayOf(day, 1)), "sdmx-1");
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal(5, body.GetProperty("records").GetInt32());
        Assert.Equal(1, body.GetProperty("reports").EnumerateArray().Single().GetProperty("version").GetInt32());
        var head = await LedgerHeadAsync(server.Services);

        // Garbage: a value that is not a number, a code the mapping does not hold, a delete. Each names its observation and
        // column; nothing of the batch is stored.
        var garbage = DayOf(day, 2).ToList();
        garbage[2] = (day, "HS_CONGQG", "khoảng 100");
        (status, body) = await PushAsync(source, name, Sdmx20(garbage), "sdmx-bad-1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "observation 3.OBS_VALUE");
        Assert.True(body.TryGetProperty("detailVi", out _));
        var unmapped = DayOf(day, 2).Append((day, "HS_KHAC", "5"));
        (status, body) = await PushAsync(source, name, Sdmx20(unmapped), "sdmx-bad-2");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "observation 6.INDICATOR");
        (status, body) = await PushAsync(source, name, Sdmx20(DayOf(day, 2), action: "D"), "sdmx-bad-3");
        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, body.GetRawText());
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.Contains("ACTION", StringComparison.Ordinal));
        (status, body) = await PushAsync(source, name, "this is not,an SDMX\nfile", "sdmx-bad-4");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(head, await LedgerHeadAsync(server.Services));

        // A later figure for the same day, in SDMX-CSV 1.0 this time: it stands, as version 2 of the day's report, which
        // still holds one value per indicator.
        var correction = "DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\nVNPORTAL:DF_DVC(1.0),HS_GIAIQUYET,VN-HN," + Iso(day) + ",195\n";
        (status, body) = await PushAsync(source, name, correction, "sdmx-2");
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        var fix = body.GetProperty("reports").EnumerateArray().Single();
        Assert.Equal(2, fix.GetProperty("version").GetInt32());
        using (var scope = server.Services.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var report = (await service.GetAsync(reportKey, Ct))!;
            Assert.Equal([1, 2], report.Versions.Select(v => v.Version));
            Assert.All(report.Versions, v => Assert.Equal("connector:" + name, v.SubmittedBy));
            var values = await service.GetValuesAsync(reportKey, 2, Ct);
            Assert.Equal(5, values.Count);
            Assert.Equal(195m, values.Single(v => v.IndicatorCode == "DOSSIERS_PROCESSED").Number);
            Assert.Equal((decimal)FeedSource.ValueOf(1, "received"), values.Single(v => v.IndicatorCode == "DOSSIERS_RECEIVED").Number);
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            Assert.Equal(2, await db.LedgerEntries.CountAsync(e => e.Actor == "connector:" + name, Ct));
        }

        // The aggregate holds the later figure once (Hà Nội's own territory and the nation).
        await server.Services.GetRequiredService<AggregationProjection>().WaitForAsync(fix.GetProperty("ledgerSequence").GetInt64(), Ct)
            .WaitAsync(TimeSpan.FromMinutes(2), Ct);
        var cell = await admin.GetJsonAsync($"/api/data/cell?indicator=DOSSIERS_PROCESSED&period={Period.Day(day)}&source={Regime}&territory=01");
        Assert.Equal(195m, cell.GetProperty("value").GetProperty("value").GetDecimal());
        var health = await admin.GetJsonAsync("/api/admin/connectors/" + name);
        Assert.Equal(6, health.GetProperty("records").GetInt64());
        Assert.True(health.GetProperty("errorCount").GetInt64() >= 4);
    }

    [Fact]
    public async Task An_sdmx_rest_source_is_pulled_with_its_cursor_across_a_restart_and_a_correction_replaces_the_earlier_figure()
    {
        var start = new DateTimeOffset(2026, 4, 20, 2, 0, 0, TimeSpan.Zero);
        var firstDay = new DateOnly(2026, 4, 1);
        await using var sdmx = new SdmxRestSource();
        await sdmx.StartAsync();
        sdmx.Publish(DayOf(firstDay, 1).Concat(DayOf(firstDay.AddDays(1), 2)), "2026-04-03T01:00:00Z");

        await using var node = new OversightServer(start, ["--Nris:Connectors:TickMilliseconds=50", "--Nris:Connectors:RetryBaseMilliseconds=20", "--Nris:Notifications:Enabled=false"]);
        await node.StartAsync();
        var admin = await node.SignInAsync(IdentityBootstrap.AdminUserName, node.AdminPassword);
        var pull = new
        {
            url = new Uri(sdmx.BaseAddress, "rest/data/VNPORTAL,DF_DVC,1.0/all?updatedAfter={cursor}&format=csvfilewithlabels").ToString(),
            intervalSeconds = 60, timeoutSeconds = 5, maxRetries = 1,
        };
        var connector = Definition("sdmx-pull", "pull", pull);
        var body = JsonSerializer.SerializeToNode(connector, JsonSerializerOptions.Web)!.AsObject();
        body["fields"] = new System.Text.Json.Nodes.JsonObject { ["cursor"] = "UPDATED" };
        await admin.PostJsonAsync("/api/admin/connectors", body, 201);

        var health = await PollAsync(node, admin, h => Cursor(h) == "2026-04-03T01:00:00Z");
        Assert.Equal(10, health.GetProperty("records").GetInt64());

        // The server stops; meanwhile the source corrects one figure of the second day and publishes a third day.
        admin.Dispose();
        await node.StopAsync();
        sdmx.Publish([(firstDay.AddDays(1), "HS_GIAIQUYET", "199")], "2026-04-04T01:00:00Z");
        sdmx.Publish(DayOf(firstDay.AddDays(2), 3), "2026-04-04T01:00:00Z");
        await node.StartAsync();
        admin = await node.SignInAsync(IdentityBootstrap.AdminUserName, node.AdminPassword);
        health = await PollAsync(node, admin, h => Cursor(h) == "2026-04-04T01:00:00Z");
        Assert.Equal("ok", health.GetProperty("state").GetString());
        Assert.Equal(16, health.GetProperty("records").GetInt64());

        // Nothing was read twice: after the restart the query asked only for what was updated after the saved cursor.
        Assert.Equal(16, sdmx.Served.Count);
        Assert.Equal(sdmx.Served.Count, sdmx.Served.Distinct().Count());
        Assert.Contains("2026-04-03T01:00:00Z", sdmx.Cursors);

        using (var scope = node.Services.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var day1 = (await service.GetAsync(new ReportKey(Regime, Period.Day(firstDay), Hanoi), Ct))!;
            Assert.Equal(1, day1.CurrentVersion);
            var key2 = new ReportKey(Regime, Period.Day(firstDay.AddDays(1)), Hanoi);
            var day2 = (await service.GetAsync(key2, Ct))!;
            Assert.Equal([1, 2], day2.Versions.Select(v => v.Version));
            var values = await service.GetValuesAsync(key2, 2, Ct);
            Assert.Equal(5, values.Count);
            Assert.Equal(199m, values.Single(v => v.IndicatorCode == "DOSSIERS_PROCESSED").Number);
            var day3 = (await service.GetAsync(new ReportKey(Regime, Period.Day(firstDay.AddDays(2)), Hanoi), Ct))!;
            Assert.Equal(1, day3.CurrentVersion);
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            Assert.Equal(4, await db.LedgerEntries.CountAsync(e => e.Actor == "connector:sdmx-pull", Ct));
        }
        var verified = await admin.PostJsonAsync("/api/admin/ledger/verify", new { });
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.GetRawText());
        admin.Dispose();
    }

    private static string? Cursor(JsonElement health) => health.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    private static async Task<JsonElement> PollAsync(OversightServer node, ApiSession admin, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var health = await admin.GetJsonAsync("/api/admin/connectors/sdmx-pull");
            if (done(health))
            {
                return health;
            }
            Assert.True(DateTime.UtcNow < deadline, $"sdmx-pull did not get there: {health.GetRawText()}");
            node.Clock.Advance(TimeSpan.FromSeconds(61));
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>
    /// A small SDMX REST data service on loopback: <c>/rest/data/{flow}/all?updatedAfter=…</c> answers, in SDMX-CSV 2.0,
    /// the observations published after that time, each with its <c>UPDATED</c> attribute; it logs every observation served.
    /// </summary>
    private sealed class SdmxRestSource : LoopbackSource
    {
        private readonly List<(DateOnly Day, string Code, string Value, string Updated)> _published = [];
        public ConcurrentQueue<string> Served { get; } = new();

        public ConcurrentQueue<string> Cursors { get; } = new();

        public void Publish(IEnumerable<(DateOnly Day, string Code, string Value)> rows, string updated)
        {
            lock (_published)
            {
                _published.AddRange(rows.Select(r => (r.Day, r.Code, r.Value, updated)));
            }
        }

        protected override void Map(WebApplication app)
        {
            app.MapGet("/rest/data/{flow}/all", (string? updatedAfter) =>
            {
                Cursors.Enqueue(updatedAfter ?? "");
                var csv = new StringBuilder("STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UPDATED\n");
                lock (_published)
                {
                    foreach (var (day, code, value, updated) in _published.Where(p => string.IsNullOrEmpty(updatedAfter) || string.CompareOrdinal(p.Updated, updatedAfter) > 0))
                    {
                        Served.Enqueue($"{Iso(day)}/{code}/{updated}");
                        csv.Append(CultureInfo.InvariantCulture, $"dataflow,VNPORTAL:DF_DVC(1.0),I,{code},VN-HN,{Iso(day)},{value},{updated}\n");
                    }
                }
                return Results.Text(csv.ToString(), "application/vnd.sdmx.data+csv; version=2.0.0");
            });
        }
    }
}
