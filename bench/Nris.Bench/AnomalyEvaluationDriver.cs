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
        var curve = Get("curve", "") is { Length: > 0 } zsText
            ? zsText.Split(',').Select(z => double.Parse(z, CultureInfo.InvariantCulture)).ToList()
            : null;
        if (Get("source", "series") == "demo")
        {
            var years = Int("years", 5);
            var places = Get("places", "") is { Length: > 0 } given ? given : DemoAnomalyData.FindPlaces();
            if (args.Contains("--toward-target"))
            {
                TowardTargetEvaluation.Run(places, seed, seeds, years, rate, Int("revisions", TowardTargetPlanting.RevisedReports));
                return 0;
            }

            if (Get("by-indicator", "") is { Length: > 0 } byText)
            {
                ByIndicator(places, seed, seeds, years, rate, double.Parse(byText, CultureInfo.InvariantCulture));
                return 0;
            }

            if (curve is not null)
            {
                Curve(s => DemoAnomalyData.Clean(places, s, years), seed, seeds, rate, curve, "nris demo generate data (KTXH-TINH-THANG)");
                return 0;
            }

            foreach (var z in zs)
            {
                EvaluateDemo(places, seed, seeds, years, rate, new AnomalyThresholds { RobustZ = z });
            }

            return 0;
        }

        if (curve is not null)
        {
            Curve(s => SeriesGenerator.Generate(s, reporters, cells, 5), seed, seeds, rate, curve, "SeriesGenerator data");
            return 0;
        }

        foreach (var z in zs)
        {
            Evaluate(seed, seeds, reporters, cells, rate, new AnomalyThresholds { RobustZ = z });
        }

        return 0;
    }

    // The expected-value detector on planted inflated values, per indicator, at one threshold: where the misses are.
    private static void ByIndicator(string places, int seed, int seeds, int years, double rate, double z)
    {
        var totals = new SortedDictionary<string, (int Planted, int Found, int Clean, int Fp, double Sigma, int N)>(StringComparer.Ordinal);
        var t = new AnomalyThresholds();
        for (var s = seed; s < seed + seeds; s++)
        {
            var clean = DemoAnomalyData.Clean(places, s, years);
            var first = clean.Periods.Count - clean.PeriodsPerYear;
            var grid = clean.Clone();
            var key = AnomalyPlanter.Plant(grid, PlantedKind.Inflated, rate, first, s * 31 + (int)PlantedKind.Inflated)
                .Select(k => (k.Reporter, k.Cell, k.Period)).ToHashSet();
            foreach (var g in ExpectedValues.Gaps(grid, first, clean.Periods.Count, t))
            {
                var name = clean.Cells[g.Cell];
                var x = totals.GetValueOrDefault(name);
                var flagged = Math.Abs(g.Z) > z && Math.Abs(g.LogGap) > t.MinimumDeviation;
                var planted = key.Contains((g.Reporter, g.Cell, g.Period)) && !grid[g.Reporter, g.Cell, g.Period].Equals(clean[g.Reporter, g.Cell, g.Period]);
                totals[name] = planted
                    ? (x.Planted + 1, x.Found + (flagged ? 1 : 0), x.Clean, x.Fp, x.Sigma + g.Sigma, x.N + 1)
                    : (x.Planted, x.Found, x.Clean + 1, x.Fp + (flagged ? 1 : 0), x.Sigma + g.Sigma, x.N + 1);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"expected-value per indicator, robust z > {z}, seeds {seed}..{seed + seeds - 1}, plant rate {rate}"));
        Console.WriteLine("| indicator | noise σ (log) | planted | found | recall | clean values | FP rate |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, x) in totals)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {x.Sigma / Math.Max(1, x.N):0.000} | {x.Planted} | {x.Found} | {100.0 * x.Found / Math.Max(1, x.Planted):0.0}% | {x.Clean} | {100.0 * x.Fp / Math.Max(1, x.Clean):0.00}% |"));
        }

        Console.WriteLine();
    }

    // The expected-value detector's recall and false positives on planted inflated values at each threshold.
    private static void Curve(Func<int, ReportGrid> clean, int seed, int seeds, double rate, List<double> zs, string source)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var totals = new Dictionary<double, (int Planted, int Found, int Clean, int Fp)>();
        for (var s = seed; s < seed + seeds; s++)
        {
            var grid = clean(s);
            foreach (var (z, score) in AnomalyEvaluation.InflatedCurve(grid, grid.Periods.Count - grid.PeriodsPerYear, rate, s, zs))
            {
                var t = totals.GetValueOrDefault(z);
                totals[z] = (t.Planted + score.Planted, t.Found + score.Found, t.Clean + score.Clean, t.Fp + score.FalsePositives);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"expected-value on planted inflated values, {source}, seeds {seed}..{seed + seeds - 1}, plant rate {rate}"));
        Console.WriteLine("| robust z > | planted | found | recall | clean values | false positives | FP rate |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (z, t) in totals.OrderBy(x => x.Key))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {z:0.0#} | {t.Planted} | {t.Found} | {100.0 * t.Found / Math.Max(1, t.Planted):0.0}% | {t.Clean} | {t.Fp} | {100.0 * t.Fp / Math.Max(1, t.Clean):0.00}% |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"elapsed {watch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine();
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
