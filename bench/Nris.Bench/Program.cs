using BenchmarkDotNet.Running;

namespace Nris.Bench;

public static class Program
{
    /// <summary>
    /// <c>ingest --db sqlite|postgres [--mode service|http]</c> and <c>deadline --db … [--clients N]</c> are the end-to-end
    /// drivers of docs/benchmarks.md; anything else goes to BenchmarkDotNet.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        var options = BenchOptions.Parse(args);
        switch (args.FirstOrDefault())
        {
            case "ingest":
                return await IngestDriver.RunAsync(options, CancellationToken.None);
            case "deadline":
                return await DeadlineDriver.RunAsync(options, CancellationToken.None);
            case "aggregation":
                return await AggregationDriver.RunAsync(args, CancellationToken.None);
            case "anomalies":
                return AnomalyEvaluationDriver.Run(args);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}

/// <summary>Command-line options shared by the drivers.</summary>
public sealed record BenchOptions(string Db, string Mode, int Clients, int BigSubmissions, int BigValues, int SmallReports, int SmallValues, double Rate)
{
    public static BenchOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);
        return new(Get("db", "sqlite"), Get("mode", "service"), Int("clients", 16), Int("big", 3), Int("big-values", 100_000),
            Int("small", 2000), Int("small-values", 50),
            double.Parse(Get("rate", "0"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
