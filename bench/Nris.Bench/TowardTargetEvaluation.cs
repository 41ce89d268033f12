using System.Globalization;
using Nris.Core.Oversight;

namespace Nris.Bench;

/// <summary>
/// <c>anomalies --source demo --toward-target [--seed N] [--seeds K] [--years Y] [--rate X] [--revisions R]</c>: plans
/// demo targets and revisions over <c>nris demo generate</c>'s monthly provincial reports with
/// <see cref="TowardTargetPlanting"/> (the same plan <c>nris demo generate --plant toward-target</c> stores), runs
/// <see cref="TowardTargetDetector"/> over the revised figures, and prints recall and false positives in reporters,
/// summed over K seeds. The peer row is <see cref="AnomalyDetector.TowardTarget"/>, which counts a revision as toward
/// only when it ends closer to the target (one that passes it by more than it was short counts as away).
/// </summary>
internal static class TowardTargetEvaluation
{
    public static void Run(string places, int seed, int seeds, int years, double rate, int revisions)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int planted = 0, found = 0, clean = 0, fp = 0, peerFound = 0, peerFp = 0, moves = 0;
        var shape = "";
        for (var s = seed; s < seed + seeds; s++)
        {
            var grid = DemoAnomalyData.Clean(places, s, years);
            shape = string.Create(CultureInfo.InvariantCulture, $"{grid.Reporters.Count} provinces, {grid.Periods[0]}..{grid.Periods[^1]}");
            var plan = TowardTargetPlanting.Plan(grid, rate, s, revisions);
            var figures = TowardTargetPlanting.Figures(plan, DemoAnomalyData.Regime).ToList();
            var flagged = TowardTargetDetector.Detect(figures, plan.Targets).Select(f => f.Reporter).ToHashSet(StringComparer.Ordinal);
            var targets = plan.Targets.ToDictionary(t => (t.IndicatorCode, t.TerritoryCode));
            var peer = new HashSet<string>(StringComparer.Ordinal);
            foreach (var reporter in figures.GroupBy(f => f.Reporter))
            {
                var judged = reporter.Select(f => TowardTargetDetector.Judge(f, targets.GetValueOrDefault((f.Indicator, f.Territory)))).OfType<JudgedRevision>().ToList();
                moves += judged.Count;
                if (AnomalyDetector.TowardTarget(0, [.. judged.Select(j => ((double)j.Revision.Before, (double)j.Revision.After, (double)j.Goal))]) is not null)
                {
                    peer.Add(reporter.Key);
                }
            }

            var truth = plan.PlantedReporters.ToHashSet(StringComparer.Ordinal);
            planted += truth.Count;
            clean += grid.Reporters.Count - truth.Count;
            found += truth.Count(flagged.Contains);
            fp += flagged.Count(r => !truth.Contains(r));
            peerFound += truth.Count(peer.Contains);
            peerFp += peer.Count(r => !truth.Contains(r));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"toward-target on planted revisions, nris demo generate data (KTXH-TINH-THANG), seeds {seed}..{seed + seeds - 1}, {shape}, plant rate {rate}, {revisions} revised reports per reporter, {moves} revised figures with a target"));
        Console.WriteLine("| detector | planted reporters | found | recall | clean reporters | false positives | FP rate |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| toward-target (direction, stored data) | {planted} | {found} | {100.0 * found / Math.Max(1, planted):0.0}% | {clean} | {fp} | {100.0 * fp / Math.Max(1, clean):0.00}% |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| peer: AnomalyDetector.TowardTarget (distance) | {planted} | {peerFound} | {100.0 * peerFound / Math.Max(1, planted):0.0}% | {clean} | {peerFp} | {100.0 * peerFp / Math.Max(1, clean):0.00}% |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"elapsed {watch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine();
    }
}
