using System.Globalization;
using Nris.Core.Oversight;

namespace Nris.Bench;

/// <summary>
/// <c>anomalies [--source series|demo] [--seed N] [--seeds K] [--reporters R] [--cells C] [--years Y] [--places FILE] [--rate X] [--z Z1,Z2…]</c>:
/// plants each known manipulation into seeded generated data and prints recall and false-positive rate per detector,
/// summed over K seeds (docs/benchmarks.md, "Oversight"). <c>--source series</c> (default) uses
/// <see cref="SeriesGenerator"/>; <c>--source demo</c> uses <c>nris demo generate</c>'s monthly provincial reports
/// (34 provinces × their numeric indicators × Y years from July 2025), the year under review being the last 12 months.
/// </summary>
public static class AnomalyEvaluationDriver
{
    public static int Run(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var seed = Int("seed", 1);
        var seeds = Int("seeds", 5);
        var reporters = Int("reporters", 34);
        var cells = Int("cells", 80);
        var rate = double.Parse(Get("rate", "0.05"), CultureInfo.InvariantCulture);
        var zs = Get("z", new AnomalyThresholds().RobustZ.ToString(CultureInfo.InvariantCulture)).Split(',')
            .Select(z => double.Parse(z, CultureInfo.InvariantCulture)).ToList();
        if (Get("source", "series") == "demo")
        {
            var years = Int("years", 5);
            var places = Get("places", "") is { Length: > 0 } given ? given : DemoAnomalyData.FindPlaces();
            foreach (var z in zs)
            {
                EvaluateDemo(places, seed, seeds, years, rate, new AnomalyThresholds { RobustZ = z });
            }

            return 0;
        }

        foreach (var z in zs)
        {
            Evaluate(seed, seeds, reporters, cells, rate, new AnomalyThresholds { RobustZ = z });
        }

        return 0;
    }

    private static void EvaluateDemo(string places, int seed, int seeds, int years, double rate, AnomalyThresholds thresholds)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var totals = new Dictionary<(PlantedKind, string), (int Planted, int Found, int Clean, int Fp)>();
        var shape = "";
        for (var s = seed; s < seed + seeds; s++)
        {
            var clean = DemoAnomalyData.Clean(places, s, years);
            shape = string.Create(CultureInfo.InvariantCulture,
                $"{clean.Reporters.Count} provinces × {clean.Cells.Count} indicators × {clean.Periods.Count} months ({clean.Periods[0]}..{clean.Periods[^1]})");
            Add(totals, AnomalyEvaluation.Evaluate(clean, DemoPlanting.ReviewStart(clean), rate, s, thresholds));
        }

        Print(totals, string.Create(CultureInfo.InvariantCulture,
            $"nris demo generate data (KTXH-TINH-THANG), seeds {seed}..{seed + seeds - 1}, {shape}, plant rate {rate}, year under review = last 12 months, robust z > {thresholds.RobustZ}"), watch);
    }

    private static void Add(Dictionary<(PlantedKind, string), (int Planted, int Found, int Clean, int Fp)> totals, IEnumerable<DetectorScore> scores)
    {
        foreach (var score in scores)
        {
            var key = (score.Kind, score.Detector);
            var t = totals.GetValueOrDefault(key);
            totals[key] = (t.Planted + score.Planted, t.Found + score.Found, t.Clean + score.Clean, t.Fp + score.FalsePositives);
        }
    }

    private static void Evaluate(int seed, int seeds, int reporters, int cells, double rate, AnomalyThresholds thresholds)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var totals = new Dictionary<(PlantedKind, string), (int Planted, int Found, int Clean, int Fp)>();
        for (var s = seed; s < seed + seeds; s++)
        {
            Add(totals, AnomalyEvaluation.Run(s, reporters, cells, years: 5, rate, thresholds));
        }

        Print(totals, string.Create(CultureInfo.InvariantCulture,
            $"seeds {seed}..{seed + seeds - 1}, {reporters} reporters × {cells} cells × 60 months, plant rate {rate}, year under review = last 12 months, robust z > {thresholds.RobustZ}"), watch);
    }

    private static void Print(Dictionary<(PlantedKind, string), (int Planted, int Found, int Clean, int Fp)> totals, string title, System.Diagnostics.Stopwatch watch)
    {
        Console.WriteLine(title);
        Console.WriteLine("| planted kind | detector | planted | found | recall | clean units | false positives | FP rate |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var ((kind, detector), t) in totals)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {detector} | {t.Planted} | {t.Found} | {100.0 * t.Found / Math.Max(1, t.Planted):0.0}% | {t.Clean} | {t.Fp} | {100.0 * t.Fp / Math.Max(1, t.Clean):0.00}% |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"elapsed {watch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine();
    }
}
