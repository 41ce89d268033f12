using System.Globalization;
using Nris.Core.Oversight;

namespace Nris.Bench;

/// <summary>
/// <c>anomalies [--source series|demo] [--seed N] [--seeds K] [--reporters R] [--cells C] [--years Y] [--places FILE] [--rate X] [--z Z1,Z2…]
/// [--curve Z1,Z2…] [--by-indicator Z] [--ytd-revision X]</c>:
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
            if (Get("ytd-revision", "") is { Length: > 0 } revision)
            {
                DemoAnomalyData.Revision = double.Parse(revision, CultureInfo.InvariantCulture);
            }

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

    // The expected-value detector on planted inflated values, per indicator, at one threshold: where the misses are —
    // the third-round score (no year-to-date check, the peer) next to the score with the check.
    private static void ByIndicator(string places, int seed, int seeds, int years, double rate, double z)
    {
        var totals = new SortedDictionary<string, (int Planted, int Found, int Clean, int Fp, double Sigma, int N, int PeerFound, int PeerFp)>(StringComparer.Ordinal);
        var t = new AnomalyThresholds();
        var peer = new AnomalyThresholds { YearToDateCheck = false };
        for (var s = seed; s < seed + seeds; s++)
        {
            var clean = DemoAnomalyData.Clean(places, s, years);
            var first = clean.Periods.Count - clean.PeriodsPerYear;
            var grid = clean.Clone();
            var key = AnomalyPlanter.Plant(grid, PlantedKind.Inflated, rate, first, s * 31 + (int)PlantedKind.Inflated)
                .Select(k => (k.Reporter, k.Cell, k.Period)).ToHashSet();
            var peerFlags = ExpectedValues.Gaps(grid, first, clean.Periods.Count, peer)
                .Where(g => Math.Abs(g.Z) > z && Math.Abs(g.LogGap) > t.MinimumDeviation).Select(g => (g.Reporter, g.Cell, g.Period)).ToHashSet();
            // A clean value is one whose series has nothing planted in the year (as AnomalyEvaluation scores it).
            var plantedSeries = key.Where(k => !grid[k.Reporter, k.Cell, k.Period].Equals(clean[k.Reporter, k.Cell, k.Period]))
                .Select(k => (k.Reporter, k.Cell)).ToHashSet();
            foreach (var g in ExpectedValues.Gaps(grid, first, clean.Periods.Count, t))
            {
                var name = clean.Cells[g.Cell];
                var x = totals.GetValueOrDefault(name);
                var flagged = Math.Abs(g.Z) > z && Math.Abs(g.LogGap) > t.MinimumDeviation ? 1 : 0;
                var peerFlagged = peerFlags.Contains((g.Reporter, g.Cell, g.Period)) ? 1 : 0;
                var planted = key.Contains((g.Reporter, g.Cell, g.Period)) && !grid[g.Reporter, g.Cell, g.Period].Equals(clean[g.Reporter, g.Cell, g.Period]);
                if (!planted && plantedSeries.Contains((g.Reporter, g.Cell)))
                {
                    continue;
                }

                totals[name] = planted
                    ? (x.Planted + 1, x.Found + flagged, x.Clean, x.Fp, x.Sigma + g.Sigma, x.N + 1, x.PeerFound + peerFlagged, x.PeerFp)
                    : (x.Planted, x.Found, x.Clean + 1, x.Fp + flagged, x.Sigma + g.Sigma, x.N + 1, x.PeerFound, x.PeerFp + peerFlagged);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"expected-value per indicator, robust z > {z}, seeds {seed}..{seed + seeds - 1}, plant rate {rate}"));
        Console.WriteLine("| indicator | planted | third round: recall | third round: FP rate | with year-to-date check: recall | with check: FP rate | clean values |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, x) in totals)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {x.Planted} | {100.0 * x.PeerFound / Math.Max(1, x.Planted):0.0}% | {100.0 * x.PeerFp / Math.Max(1, x.Clean):0.00}% | {100.0 * x.Found / Math.Max(1, x.Planted):0.0}% | {100.0 * x.Fp / Math.Max(1, x.Clean):0.00}% | {x.Clean} |"));
        }

        Console.WriteLine();
    }

    // The expected-value detector's recall and false positives on planted inflated values at each threshold: the
    // third-round score (no year-to-date check) as the peer, and the score with the check; for all cells, the month
    // cells (the form of the third round) and the year-to-date cells.
    private static void Curve(Func<int, ReportGrid> clean, int seed, int seeds, double rate, List<double> zs, string source)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var groups = new (string Name, Func<ReportGrid, Func<int, bool>?> Cells)[]
        {
            ("all cells", _ => null),
            ("the third round's cells (all but the cumulative columns)", g => c => !YearToDate.Pairs(g).Any(x => x.Cumulative == c)),
            ("the cumulative columns (X_YTD next to X)", g => c => YearToDate.Pairs(g).Any(x => x.Cumulative == c)),
        };
        var variants = new[] { new AnomalyThresholds { YearToDateCheck = false }, new AnomalyThresholds() };
        var totals = new Dictionary<(string Group, int Variant, double Z), (int Planted, int Found, int Clean, int Fp)>();
        for (var s = seed; s < seed + seeds; s++)
        {
            var grid = clean(s);
            foreach (var (group, cells) in groups)
            {
                for (var v = 0; v < variants.Length; v++)
                {
                    foreach (var (z, score) in AnomalyEvaluation.InflatedCurve(grid, grid.Periods.Count - grid.PeriodsPerYear, rate, s, zs, variants[v], cells(grid)))
                    {
                        var t = totals.GetValueOrDefault((group, v, z));
                        totals[(group, v, z)] = (t.Planted + score.Planted, t.Found + score.Found, t.Clean + score.Clean, t.Fp + score.FalsePositives);
                    }
                }
            }
        }

        foreach (var (group, _) in groups)
        {
            if (totals.Where(x => x.Key.Group == group).Sum(x => x.Value.Planted) == 0)
            {
                continue;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"expected-value on planted inflated values, {source}, {group}, seeds {seed}..{seed + seeds - 1}, plant rate {rate}"));
            Console.WriteLine("| robust z > | planted | third round: recall | third round: FP rate | with year-to-date check: recall | with check: FP rate | clean values |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var z in zs.Order())
            {
                var (p, n) = (totals[(group, 0, z)], totals[(group, 1, z)]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {z:0.0#} | {n.Planted} | {100.0 * p.Found / Math.Max(1, p.Planted):0.0}% | {100.0 * p.Fp / Math.Max(1, p.Clean):0.00}% | {100.0 * n.Found / Math.Max(1, n.Planted):0.0}% | {100.0 * n.Fp / Math.Max(1, n.Clean):0.00}% | {n.Clean} |"));
            }

            Console.WriteLine();
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
            // The peer in the same run: the third-round score, without the year-to-date check.
            Add(totals, AnomalyEvaluation.InflatedCurve(clean, DemoPlanting.ReviewStart(clean), rate, s, [thresholds.ExpectedZ],
                thresholds with { YearToDateCheck = false }).Select(x => x.Score with { Detector = Detectors.ExpectedValue + " (third round, peer)" }));
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
