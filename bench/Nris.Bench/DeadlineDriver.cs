using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Bench;

/// <summary>
/// Issue #4, deadline day: every commune (KTXH-XA-QUY), province (KTXH-TINH-THANG) and ministry or agency
/// (DTC-GIAINGAN-THANG) submits its report at once through N concurrent clients; latency percentiles, errors, then the
/// reports are counted and the ledger verified.
/// </summary>
public static class DeadlineDriver
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        Console.WriteLine($"deadline: db={options.Db} mode={options.Mode} clients={options.Clients} (service = SubmissionService in-process, below HTTP; http = POST to the real endpoints over loopback with an API key, client in the same process)");
        var data = new DataGenerator();
        var jobs = new List<(ReportKey Key, List<ReportValue> Values)>();
        var quarter = Period.Quarter(2025, 4);
        var month = Period.Month(2025, 11);
        jobs.AddRange(data.Communes.Select(c => (new ReportKey("KTXH-XA-QUY", quarter, DataGenerator.Committee(c.Code)), data.CommuneQuarter(c))));
        jobs.AddRange(data.Provinces.Select(p => (new ReportKey("KTXH-TINH-THANG", month, DataGenerator.Committee(p.Code)), data.ProvinceMonth(p))));
        using (var organizations = JsonDocument.Parse(File.ReadAllText(DataGenerator.FindUp(Path.Combine("reference", "organizations.json")))))
        {
            foreach (var o in organizations.RootElement.EnumerateArray())
            {
                var kind = o.GetProperty("kind").GetString();
                var open = !o.TryGetProperty("validity", out var validity) || !validity.TryGetProperty("to", out _);
                if (open && kind is "ministry" or "ministryLevelAgency" or "governmentAgency")
                {
                    jobs.Add((new ReportKey("DTC-GIAINGAN-THANG", month, o.GetProperty("code").GetString()!), data.Disbursement()));
                }
            }
        }
        // Arrival order is shuffled (deterministically), as on a real deadline day.
        var random = new Random(9);
        var order = jobs.OrderBy(_ => random.Next()).ToList();

        await using var server = await BenchServer.StartAsync(options.Db, ct);
        using var submitter = new Submitter(server, options.Mode);
        var warm = await IngestDriver.WarmUpAsync(submitter, data, ct);
        var latencies = new double[order.Count];
        var errors = 0;
        var next = -1;
        var watch = Stopwatch.StartNew();
        async Task SendAsync(int n)
        {
            var started = Stopwatch.GetTimestamp();
            var error = await submitter.SubmitAsync(order[n].Key, order[n].Values, ct);
            latencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (error is not null && Interlocked.Increment(ref errors) <= 5)
            {
                Console.WriteLine($"  {order[n].Key}: FAILED {error}");
            }
        }
        if (options.Rate > 0)
        {
            // Open loop: reports arrive at a fixed rate whatever the server's speed, as reporters do, with at most
            // --clients in flight; a report's latency is counted from its own send.
            using var inFlight = new SemaphoreSlim(options.Clients);
            var sends = new List<Task>(order.Count);
            for (var n = 0; n < order.Count; n++)
            {
                var due = TimeSpan.FromSeconds(n / options.Rate) - watch.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, ct);
                }
                await inFlight.WaitAsync(ct);
                var i = n;
                sends.Add(Task.Run(async () =>
                {
                    try
                    {
                        await SendAsync(i);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }, ct));
            }
            await Task.WhenAll(sends);
        }
        else
        {
            // Closed loop: every client sends its next report as soon as the last is answered (saturation).
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < order.Count)
                {
                    await SendAsync(n);
                }
            }, ct)));
        }
        watch.Stop();
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
        var counts = await server.CountAndVerifyAsync(ct);
        // The warm-up's reports are in the count too.
        var lost = order.Count - errors - (counts.Reports - warm);
        Console.WriteLine(string.Create(Inv,
            $"  {order.Count} reports ({order.Count(j => j.Key.RegimeCode == "KTXH-XA-QUY")} communes, {order.Count(j => j.Key.RegimeCode == "KTXH-TINH-THANG")} provinces, {order.Count(j => j.Key.RegimeCode == "DTC-GIAINGAN-THANG")} ministries/agencies), {order.Sum(j => j.Values.Count)} values in {watch.Elapsed.TotalSeconds:F1} s = {order.Count / watch.Elapsed.TotalSeconds:F1} reports/s"));
        Console.WriteLine();
        Console.WriteLine("| db | mode | clients | arrival | reports | wall | p50 | p90 | p99 | max | errors | stored | lost | ledger entries | verify |");
        Console.WriteLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine(string.Create(Inv,
            $"| {options.Db} | {options.Mode} | {options.Clients} | {(options.Rate > 0 ? options.Rate.ToString("F1", Inv) + "/s" : "closed loop")} | {order.Count} | {watch.Elapsed.TotalSeconds:F1} s | {P(0.5):F0} ms | {P(0.9):F0} ms | {P(0.99):F0} ms | {latencies[^1]:F0} ms | {errors} | {counts.Reports} | {lost} | {counts.LedgerEntries} | {(counts.LedgerOk ? "ok" : "FAILED " + counts.Reason)} |"));
        return errors == 0 && lost == 0 && counts.LedgerOk ? 0 : 1;
    }
}
