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
            if (args.Contains("--diag"))
            {
                var g = DemoAnomalyData.Clean(places, seed, years);
                var gaps = ExpectedValues.Gaps(g, g.Periods.Count - 12, g.Periods.Count, new AnomalyThresholds());
                var planted = g.Clone();
                var key = AnomalyPlanter.Plant(planted, PlantedKind.Inflated, 0.05, planted.Periods.Count - 12, seed * 31);
                var pg = ExpectedValues.Gaps(planted, planted.Periods.Count - 12, planted.Periods.Count, new AnomalyThresholds());
                foreach (var k in key)
                {
                    var x = pg.FirstOrDefault(q => q.Reporter == k.Reporter && q.Cell == k.Cell && q.Period == k.Period);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planted {g.Cells[k.Cell],-26} r{k.Reporter} p{k.Period} factor {planted[k.Reporter, k.Cell, k.Period] / g[k.Reporter, k.Cell, k.Period]:0.00} gap {x.LogGap:0.000} sigma {x.Sigma:0.000} own {x.OwnZ:0.0} z {x.Z:0.0} rel {x.Related} rho {x.Correlation:0.00}"));
                }

                foreach (var grp in gaps.GroupBy(x => x.Cell))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g.Cells[grp.Key],-28} n={grp.Count()} z>3:{grp.Count(x => Math.Abs(x.Z) > 3 && Math.Abs(x.LogGap) > 0.05)} z>2:{grp.Count(x => Math.Abs(x.Z) > 2 && Math.Abs(x.LogGap) > 0.05)} medSigma={grp.Select(x => x.Sigma).Order().ElementAt(grp.Count() / 2):0.000} maxAbsGap={grp.Max(x => Math.Abs(x.LogGap)):0.000}"));
                }

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
