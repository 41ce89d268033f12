using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nris.Server.Tests.Connectors;

/// <summary>
/// A small data source on loopback for the pull tests, standing in for a ministry's own system: <c>/dvc?after=N</c>
/// serves the daily public-service figures of the days released so far as JSON records with increasing ids, whole
/// days only, two days per page; <c>/hang</c> never answers; <c>/garbage</c> answers something that is not JSON. It
/// logs every record id it serves, so a test can tell whether anything was read twice.
/// </summary>
public sealed class FeedSource : LoopbackSource
{
    public const int IndicatorsPerDay = 5;
    private static readonly string[] Metrics = ["received", "online", "portal", "processed", "ontime"];
    private int _releasedDays;

    public FeedSource(DateOnly firstDay) => FirstDay = firstDay;

    public DateOnly FirstDay { get; }

    /// <summary>Every record id served, in order, with repeats if any.</summary>
    public ConcurrentQueue<long> Served { get; } = new();

    public int HangRequests;

    public int ReleasedDays => Volatile.Read(ref _releasedDays);

    public void Release(int days) => Volatile.Write(ref _releasedDays, days);

    /// <summary>The figure a day holds for a metric: online ≤ received, portal ≤ online, on time ≤ processed.</summary>
    public static int ValueOf(int day, string metric) => metric switch
    {
        "received" => 200 + day,
        "online" => 150 + day,
        "portal" => 100 + day,
        "processed" => 180 + day,
        _ => 170 + day,
    };

    public static string IndicatorOf(string metric) => metric switch
    {
        "received" => "DOSSIERS_RECEIVED",
        "online" => "DOSSIERS_ONLINE",
        "portal" => "DOSSIERS_PORTAL",
        "processed" => "DOSSIERS_PROCESSED",
        _ => "DOSSIERS_ONTIME",
    };

    public static IReadOnlyDictionary<string, string> Mapping => Metrics.ToDictionary(m => m, IndicatorOf);

    public DateOnly Day(int day) => FirstDay.AddDays(day - 1);

    protected override void Map(WebApplication app)
    {
        app.MapGet("/dvc", (string? after) =>
        {
            // The first request has no cursor yet ("after=").
            var from = long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            var records = new List<object>();
            // Ids: day d's metrics are (d-1)*5+1 … d*5; a page holds the next two released days.
            var firstDay = (int)(from / IndicatorsPerDay) + 1;
            for (var d = firstDay; d <= Math.Min(ReleasedDays, firstDay + 1); d++)
            {
                for (var m = 0; m < IndicatorsPerDay; m++)
                {
                    var id = (long)((d - 1) * IndicatorsPerDay + m + 1);
                    if (id <= from)
                    {
                        continue;
                    }
                    Served.Enqueue(id);
                    records.Add(new
                    {
                        id, date = Day(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), metric = Metrics[m], count = ValueOf(d, Metrics[m]),
                    });
                }
            }
            return Results.Text(JsonSerializer.Serialize(new { observations = records }), "application/json");
        });
        app.MapGet("/hang", async (HttpContext http) =>
        {
            Interlocked.Increment(ref HangRequests);
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        });
        app.MapGet("/garbage", () => Results.Text("<html>Service temporarily unavailable{", "application/json"));
    }
}
