using System.Globalization;
using Nris.Core.Oversight;

namespace Nris.Bench;

/// <summary>
/// <c>anomalies [--seed N] [--seeds K] [--reporters R] [--cells C] [--rate X] [--z Z1,Z2…]</c>: plants each known manipulation into
/// seeded generated data and prints recall and false-positive rate per detector, summed over K seeds
/// (docs/benchmarks.md, "Oversight").
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
        foreach (var z in zs)
        {
            Evaluate(seed, seeds, reporters, cells, rate, new AnomalyThresholds { RobustZ = z });
        }

        return 0;
    }

    private static void Evaluate(int seed, int seeds, int reporters, int cells, double rate, AnomalyThresholds thresholds)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var totals = new Dictionary<(PlantedKind, string), (int Planted, int Found, int Clean, int Fp)>();
        for (var s = seed; s < seed + seeds; s++)
        {
            foreach (var score in AnomalyEvaluation.Run(s, reporters, cells, years: 5, rate, thresholds))
            {
                var key = (score.Kind, score.Detector);
                var t = totals.GetValueOrDefault(key);
                totals[key] = (t.Planted + score.Planted, t.Found + score.Found, t.Clean + score.Clean, t.Fp + score.FalsePositives);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeds {seed}..{seed + seeds - 1}, {reporters} reporters × {cells} cells × 60 months, plant rate {rate}, year under review = last 12 months, robust z > {thresholds.RobustZ}"));
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
