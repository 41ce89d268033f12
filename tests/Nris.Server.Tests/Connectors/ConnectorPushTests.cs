using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Submissions;
using Nris.Server.Tests.Auth;

namespace Nris.Server.Tests.Connectors;

/// <summary>
/// Push connectors on the real server: a ministry's system posts JSON batches with the connector's own key; retried
/// batches are not duplicated, garbage is refused naming the record and field with nothing stored, and the values
/// reach the ledger, the reports, the aggregates and the connector's health.
/// </summary>
public sealed class ConnectorPushTests(NrisServerFixture server)
{
    private const string Regime = "DVC-NGAY";
    private const string Hanoi = "UBND.01";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Record(DateOnly day, string metric, object count) =>
        new { date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), metric, count };

    private static List<object> Day(DateOnly day, int n) =>
        [.. FeedSource.Mapping.Keys.Select(m => Record(day, m, FeedSource.ValueOf(n, m)))];

    private async Task<(string Name, string Key)> CreateAsync(ApiSession admin, string format = "json", object? limits = null)
    {
        var name = "push-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostJsonAsync("/api/admin/connectors", new
        {
            name, kind = "push", format, regime = Regime, organization = Hanoi,
            fields = new { period = "date", indicator = "metric", value = "count" },
            mapping = new { indicators = FeedSource.Mapping },
            limits, quietAfterMinutes = 60, description = "Cổng dịch vụ công Hà Nội (thử)",
        }, 201);
        return (name, created.GetProperty("key").GetString()!);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PushAsync(ApiSession source, string name, HttpContent content, string? batch)
    {
        var response = batch is null
            ? await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", content)
            : await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", content, ("Idempotency-Key", batch));
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private async Task<long> LedgerHeadAsync()
    {
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Nris.Storage.NrisDbContext>();
        return db.LedgerEntries.Max(e => e.Sequence);
    }

    [Fact]
    public async Task Pushed_batches_become_ledgered_reports_once_and_garbage_stores_nothing()
    {
        using var admin = await server.AdminAsync();
        var (name, key) = await CreateAsync(admin);
        using var source = server.NewSession();
        source.UseApiKey(key);
        var d1 = new DateOnly(2024, 2, 5);
        var d2 = d1.AddDays(1);
        var d3 = d1.AddDays(2);

        // Two days in one batch: two reports, version 1 each, submitted by the connector.
        var first = Json(Day(d1, 1).Concat(Day(d2, 2)).ToArray());
        var (status, body, r1) = await PushAsync(source, name, first, "batch-1");
        r1.Dispose();
        Assert.True(status == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal(10, body.GetProperty("records").GetInt32());
        Assert.Equal([1, 1], body.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("version").GetInt32()));
        var head = await LedgerHeadAsync();

        // The retry of the same batch (a lost answer) is answered from the first result and writes nothing.
        var (retryStatus, retry, r2) = await PushAsync(source, name, Json(Day(d1, 1).Concat(Day(d2, 2)).ToArray()), "batch-1");
        Assert.Equal(HttpStatusCode.OK, retryStatus);
        Assert.Equal("true", r2.Headers.GetValues("Idempotent-Replayed").Single());
        r2.Dispose();
        Assert.Equal(body.GetProperty("reports").GetRawText(), retry.GetProperty("reports").GetRawText());
        Assert.Equal(head, await LedgerHeadAsync());

        // The same batch id with other content is refused.
        var (reused, reusedBody, r3) = await PushAsync(source, name, Json(Day(d3, 3)), "batch-1");
        r3.Dispose();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused);
        Assert.True(reusedBody.TryGetProperty("detailVi", out _));

        // Garbage: a value that is not a number names its record and field; a malformed body names its line; a
        // batch that breaks the regime's rule (online > received) is refused by validation. Nothing is stored.
        var bad = Day(d3, 3);
        bad[3] = Record(d3, "processed", "nhiều");
        var (badStatus, badBody, r4) = await PushAsync(source, name, Json(bad), "batch-bad");
        r4.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains(badBody.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "records[3].count");
        Assert.Contains("records[3]", badBody.GetProperty("detailVi").GetString(), StringComparison.Ordinal);
        var (malformed, malformedBody, r5) = await PushAsync(source, name, new StringContent("[{\"date\": \"2024-02-07\",", Encoding.UTF8, "application/json"), null);
        r5.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        Assert.StartsWith("line ", malformedBody.GetProperty("errors")[0].GetProperty("field").GetString(), StringComparison.Ordinal);
        var unmapped = Day(d3, 3);
        unmapped.Add(Record(d3, "visitors", 5));
        var (unmappedStatus, unmappedBody, r6) = await PushAsync(source, name, Json(unmapped), null);
        r6.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, unmappedStatus);
        Assert.Equal("records[5].indicator", unmappedBody.GetProperty("errors")[0].GetProperty("field").GetString());
        var rule = Day(d3, 3);
        rule[1] = Record(d3, "online", 10_000);
        var (ruleStatus, _, r7) = await PushAsync(source, name, Json(rule), null);
        r7.Dispose();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ruleStatus);
        Assert.Equal(head, await LedgerHeadAsync());

        // A later batch corrects one figure of day 2: version 2 of that report holds the day's five values.
        var (fixStatus, fix, r8) = await PushAsync(source, name, Json(new[] { Record(d2, "processed", 190) }), "batch-2");
        r8.Dispose();
        Assert.True(fixStatus == HttpStatusCode.OK, fix.GetRawText());
        Assert.Equal(2, fix.GetProperty("reports")[0].GetProperty("version").GetInt32());

        using (var scope = server.Services.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var report1 = (await service.GetAsync(new ReportKey(Regime, Period.Day(d1), Hanoi), Ct))!;
            Assert.Equal(1, report1.CurrentVersion);
            Assert.Equal("connector:" + name, report1.Versions.Single().SubmittedBy);
            var values1 = await service.GetValuesAsync(new ReportKey(Regime, Period.Day(d1), Hanoi), 1, Ct);
            Assert.Equal(FeedSource.Mapping.Keys.Select(m => (FeedSource.IndicatorOf(m), (decimal)FeedSource.ValueOf(1, m))).OrderBy(x => x.Item1),
                values1.Select(v => (v.IndicatorCode, v.Number!.Value)).OrderBy(x => x.Item1));
            var report2 = (await service.GetAsync(new ReportKey(Regime, Period.Day(d2), Hanoi), Ct))!;
            Assert.Equal([1, 2], report2.Versions.Select(v => v.Version));
            var values2 = await service.GetValuesAsync(new ReportKey(Regime, Period.Day(d2), Hanoi), 2, Ct);
            Assert.Equal(5, values2.Count);
            Assert.Equal(190m, values2.Single(v => v.IndicatorCode == "DOSSIERS_PROCESSED").Number);
            Assert.Equal((decimal)FeedSource.ValueOf(2, "received"), values2.Single(v => v.IndicatorCode == "DOSSIERS_RECEIVED").Number);
            Assert.Null(await service.GetAsync(new ReportKey(Regime, Period.Day(d3), Hanoi), Ct));
        }

        // The aggregates include the pushed values (Hà Nội and the nation, source = the regime the connector feeds).
        await server.Services.GetRequiredService<AggregationProjection>().WaitForAsync(fix.GetProperty("reports")[0].GetProperty("ledgerSequence").GetInt64(), Ct)
            .WaitAsync(TimeSpan.FromMinutes(2), Ct);
        var cell = await admin.GetJsonAsync($"/api/data/cell?indicator=DOSSIERS_PROCESSED&period={Period.Day(d2)}&source={Regime}&territory=01");
        Assert.Equal(190m, cell.GetProperty("value").GetProperty("value").GetDecimal());
        var nation = await admin.GetJsonAsync($"/api/data/cell?indicator=DOSSIERS_RECEIVED&period={Period.Day(d1)}&source={Regime}&territory=VN");
        Assert.Equal(FeedSource.ValueOf(1, "received"), nation.GetProperty("value").GetProperty("value").GetDecimal());

        // Health: records received, the refused batches listed as errors.
        var health = await admin.GetJsonAsync("/api/admin/connectors/" + name);
        Assert.Equal(11, health.GetProperty("records").GetInt64());
        Assert.Equal(Period.Day(d2).ToString(), health.GetProperty("lastPeriod").GetString());
        Assert.True(health.GetProperty("lastReceived").ValueKind == JsonValueKind.String);
        Assert.True(health.GetProperty("errorCount").GetInt64() >= 3);
        Assert.Contains(health.GetProperty("recentErrors").EnumerateArray(), e => e.GetProperty("code").GetString() == "invalid-batch");
        var list = await admin.GetJsonAsync("/api/admin/connectors");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("name").GetString() == name);

        var verified = await admin.PostJsonAsync("/api/admin/ledger/verify", new { });
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.GetRawText());
    }

    [Fact]
    public async Task A_connector_key_opens_its_own_push_endpoint_and_nothing_else()
    {
        using var admin = await server.AdminAsync();
        var (name, key) = await CreateAsync(admin);
        var (other, _) = await CreateAsync(admin);
        using var source = server.NewSession();
        source.UseApiKey(key);
        foreach (var path in new[] { "/api/reports?regime=DVC-NGAY", "/api/admin/connectors", "/api/provenance?sequence=1", "/api/oversight/notifications" })
        {
            using var refused = await source.GetAsync(path);
            Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, path + " " + refused.StatusCode);
        }
        using (var wrong = await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{other}/observations", Json(Array.Empty<object>())))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }
        // A signed-in administrator cannot push either: the endpoint takes connector keys only.
        using (var byAdmin = await admin.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", Json(Array.Empty<object>())))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        }
        // A rotated key replaces the old one at once.
        var rotated = await admin.PostJsonAsync($"/api/admin/connectors/{name}/key", new { });
        using (var old = await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", Json(Array.Empty<object>())))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }
        source.UseApiKey(rotated.GetProperty("key").GetString()!);
        using (var ok = await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", Json(Array.Empty<object>())))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }

    [Fact]
    public async Task Limits_refuse_oversized_batches_and_bad_definitions_are_named()
    {
        using var admin = await server.AdminAsync();
        var (name, key) = await CreateAsync(admin, "csv", new { maxBytes = 400, maxRecords = 3, maxRequestsPerMinute = 1000 });
        using var source = server.NewSession();
        source.UseApiKey(key);
        var csv = new StringBuilder("date,metric,count\n");
        foreach (var m in FeedSource.Mapping.Keys)
        {
            csv.Append("2024-03-01,").Append(m).Append(",1\n");
        }
        using (var tooMany = await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        }
        using (var tooBig = await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations", new StringContent(new string('x', 1000), Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        }
        // A CSV line with a bad date is named by its line.
        using (var badLine = await source.SendRawAsync(HttpMethod.Post, $"/api/connectors/{name}/observations",
                   new StringContent("date,metric,count\n2024-03-01,received,5\n2024-13-45,online,4\n", Encoding.UTF8, "text/csv")))
        {
            var text = await badLine.Content.ReadAsStringAsync(Ct);
            Assert.Equal(HttpStatusCode.BadRequest, badLine.StatusCode);
            Assert.Contains("line 3", text, StringComparison.Ordinal);
        }

        var refused = await admin.PostJsonAsync("/api/admin/connectors", new
        {
            name = "Bad Name!", kind = "sideways", format = "xml", regime = "NOPE", organization = "UBND.01", limits = new { maxBytes = 0 },
        }, 400);
        var fields = refused.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("name", fields);
        Assert.Contains("kind", fields);
        Assert.Contains("format", fields);
        Assert.Contains("regime", fields);
        Assert.Contains("limits.maxBytes", fields);
        // BCA does not report DVC-NGAY: the organization must be one of the regime's reporters.
        var notReporter = await admin.PostJsonAsync("/api/admin/connectors", new { name = "x-" + Guid.NewGuid().ToString("N")[..6], kind = "push", format = "json", regime = "TNGT-BCA-NGAY", organization = "UBND.01" }, 400);
        Assert.Equal("organization", notReporter.GetProperty("errors")[0].GetProperty("field").GetString());
        await admin.PostJsonAsync("/api/admin/connectors", new { name, kind = "push", format = "json", regime = Regime, organization = Hanoi }, 409);
    }
}
