using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nris.Core.Periods;
using Nris.Server.Connectors;

namespace Nris.Cli;

/// <summary>
/// <c>nris demo feed</c>: a stand-in for two ministries' own systems, so the demo server's live connections have a
/// source. It serves Hà Nội's public-service portal figures (daily dossiers) over HTTP for the pull connector
/// <c>demo-dvc-hanoi</c> — the last two weeks, then today's running totals, which grow every interval — and pushes the
/// Ministry of Public Security's daily traffic accidents by transport mode to the push connector <c>demo-tngt-bca</c>.
/// The figures are made up but shaped like the real ones (weekday rhythm, online share, on-time share).
/// </summary>
internal static class DemoFeed
{
    private static readonly string[] Modes = ["ROAD", "RAIL", "WATERWAY", "SEA", "AIR"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var listen = new Option<string>("--listen") { Description = "Where the portal feed listens (the pull connector's URL).", DefaultValueFactory = _ => DemoConnectors.FeedAddress };
        var server = new Option<string>("--server") { Description = "The Nris server the traffic-accident figures are pushed to.", DefaultValueFactory = _ => "http://localhost:5080" };
        var keyFile = new Option<string>("--key-file") { Description = "The push connector's key, as the demo server wrote it on its first start.", DefaultValueFactory = _ => DemoConnectors.KeyFile };
        var key = new Option<string?>("--key") { Description = "The push key itself (instead of --key-file)." };
        var interval = new Option<int>("--interval") { Description = "Seconds between updates of today's figures and pushes.", DefaultValueFactory = _ => 30 };
        var days = new Option<int>("--days") { Description = "Past days the portal serves at start.", DefaultValueFactory = _ => 14 };
        var rounds = new Option<int>("--rounds") { Description = "Stop after this many updates (0: run until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var command = new Command("feed", "Serve and push realistic daily data for the demo server's live connections (demo-dvc-hanoi, demo-tngt-bca).")
        {
            listen, server, keyFile, key, interval, days, rounds,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(interval) is < 1 or > 86_400 || parse.GetValue(days) is < 0 or > 366 || parse.GetValue(rounds) < 0)
            {
                await error.WriteLineAsync("--interval 1–86400, --days 0–366, --rounds ≥ 0.");
                return 2;
            }
            var pushKey = parse.GetValue(key);
            if (pushKey is null && File.Exists(parse.GetValue(keyFile)))
            {
                pushKey = (await File.ReadAllTextAsync(parse.GetValue(keyFile)!, ct)).Trim();
            }
            if (pushKey is null)
            {
                await error.WriteLineAsync($"Không có khóa đẩy ({parse.GetValue(keyFile)}): chỉ phục vụ dữ liệu kéo. / No push key ({parse.GetValue(keyFile)}): serving the pull feed only.");
            }
            return await RunAsync(parse.GetValue(listen)!, new Uri(parse.GetValue(server)!), pushKey, parse.GetValue(interval), parse.GetValue(days),
                parse.GetValue(rounds), output, error, ct);
        });
        return command;
    }

    private sealed record PortalRecord(long Id, string Ngay, string ChiSo, long SoLuong);

    private static async Task<int> RunAsync(string listen, Uri server, string? pushKey, int interval, int days, int rounds, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        var records = new List<PortalRecord>();
        var gate = new Lock();
        var today = Today();
        lock (gate)
        {
            for (var d = days; d >= 1; d--)
            {
                Append(records, today.AddDays(-d), 1.0);
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listen);
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/dvc.json", (string? after) =>
        {
            var from = long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            lock (gate)
            {
                var page = records.Where(r => r.Id > from).Take(500)
                    .Select(r => new { id = r.Id, ngay = r.Ngay, chi_so = r.ChiSo, so_luong = r.SoLuong }).ToList();
                return Results.Text(JsonSerializer.Serialize(new { observations = page }), "application/json");
            }
        });
        await app.StartAsync(ct);
        await output.WriteLineAsync($"Cổng DVC Hà Nội (mô phỏng) tại {listen}/dvc.json; đẩy TNGT tới {server}. / Portal feed at {listen}/dvc.json; pushing traffic accidents to {server}.");

        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        if (pushKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pushKey);
            for (var d = days; d >= 1; d--)
            {
                await PushAsync(http, today.AddDays(-d), 1.0, "final", output, error, ct);
            }
        }
        try
        {
            for (var round = 1; rounds == 0 || round <= rounds; round++)
            {
                // Today's running totals: the share of the day gone by (Vietnam time), new records each update.
                var now = DateTimeOffset.UtcNow.ToOffset(ReportingCalendar.VietnamOffset);
                var share = Math.Clamp(now.TimeOfDay.TotalHours / 24.0, 0.02, 1.0);
                lock (gate)
                {
                    Append(records, Today(), share);
                }
                if (pushKey is not null)
                {
                    await PushAsync(http, Today(), share, "r" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), output, error, ct);
                }
                await Task.Delay(TimeSpan.FromSeconds(interval), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static DateOnly Today() => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(ReportingCalendar.VietnamOffset).DateTime);

    private static Random RandomOf(DateOnly day, string what) => new(day.DayNumber * 31 + what.Length * 7919 + what[0]);

    /// <summary>A day's portal figures (×share for a day in progress): online ≤ received, portal ≤ online, on time ≤ processed.</summary>
    private static void Append(List<PortalRecord> records, DateOnly day, double share)
    {
        var random = RandomOf(day, "dvc");
        var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var received = (long)((weekend ? 1_800 : 10_500) * (0.85 + random.NextDouble() * 0.3) * share);
        var online = (long)(received * (0.78 + random.NextDouble() * 0.12));
        var portal = (long)(online * (0.45 + random.NextDouble() * 0.2));
        var processed = (long)(received * (0.9 + random.NextDouble() * 0.12));
        var onTime = (long)(processed * (0.95 + random.NextDouble() * 0.04));
        var payments = (long)(online * (0.2 + random.NextDouble() * 0.1));
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var (metric, value) in new[]
                 {
                     ("tiep_nhan", received), ("truc_tuyen", online), ("qua_cong_quoc_gia", portal), ("da_giai_quyet", processed),
                     ("dung_han", onTime), ("thanh_toan_truc_tuyen", payments),
                 })
        {
            records.Add(new PortalRecord(records.Count + 1, date, metric, value));
        }
    }

    /// <summary>Pushes a day's traffic accidents by mode (totals = sum of modes; no accidents, no casualties).</summary>
    private static async Task PushAsync(HttpClient http, DateOnly day, double share, string round, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var random = RandomOf(day, "tngt");
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = new List<object>();
        long totalA = 0, totalD = 0, totalI = 0;
        foreach (var mode in Modes)
        {
            var mean = mode switch { "ROAD" => 33.0, "RAIL" => 0.5, "WATERWAY" => 0.3, _ => 0.02 };
            var accidents = (long)Math.Round(mean * (0.7 + random.NextDouble() * 0.6) * share);
            var deaths = accidents == 0 ? 0 : (long)Math.Round(accidents * (0.6 + random.NextDouble() * 0.4));
            var injuries = accidents == 0 ? 0 : (long)Math.Round(accidents * (0.5 + random.NextDouble() * 0.4));
            totalA += accidents;
            totalD += deaths;
            totalI += injuries;
            rows.Add(new { indicator = "TRAFFIC_ACCIDENTS", disaggregation = "TRANSPORT_MODE:" + mode, period = date, value = accidents });
            rows.Add(new { indicator = "TRAFFIC_DEATHS", disaggregation = "TRANSPORT_MODE:" + mode, period = date, value = deaths });
            rows.Add(new { indicator = "TRAFFIC_INJURIES", disaggregation = "TRANSPORT_MODE:" + mode, period = date, value = injuries });
        }
        rows.Add(new { indicator = "TRAFFIC_ACCIDENTS", disaggregation = "_T", period = date, value = totalA });
        rows.Add(new { indicator = "TRAFFIC_DEATHS", disaggregation = "_T", period = date, value = totalD });
        rows.Add(new { indicator = "TRAFFIC_INJURIES", disaggregation = "_T", period = date, value = totalI });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/connectors/{DemoConnectors.PushName}/observations")
        {
            Content = new StringContent(JsonSerializer.Serialize(rows), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", $"tngt-{date}-{round}");
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            await (response.IsSuccessStatusCode ? output : error).WriteLineAsync(
                $"TNGT {date} ({round}): {(int)response.StatusCode}{(response.IsSuccessStatusCode ? "" : " " + text[..Math.Min(text.Length, 300)])}");
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"TNGT {date}: máy chủ không phản hồi / the server did not answer: {e.Message}");
        }
    }
}
