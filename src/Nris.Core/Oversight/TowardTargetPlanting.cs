using System.Globalization;
using Nris.Core.Periods;

namespace Nris.Core.Oversight;

/// <summary>One revision to make: the reporter's report of <paramref name="Period"/> gets new totals for some indicators.</summary>
/// <param name="Reporter">The reporting organization.</param>
/// <param name="Period">The period code.</param>
/// <param name="Values">Indicator → (the value it had, the value it gets).</param>
/// <param name="Planted">True when the revision was planted to move toward the targets; false for an honest correction.</param>
public sealed record PlannedRevision(string Reporter, string Period, IReadOnlyDictionary<string, (decimal Before, decimal After)> Values, bool Planted);

/// <summary>What <see cref="TowardTargetPlanting.Plan"/> decided: demo targets, the revisions and the planted reporters.</summary>
public sealed record TowardTargetPlan(int Year, IReadOnlyList<Target> Targets, IReadOnlyList<PlannedRevision> Revisions, IReadOnlyList<string> PlantedReporters);

/// <summary>Recall and false positives of <c>toward-target</c> on one plan, counted in reporters.</summary>
public sealed record TowardTargetScore(int Planted, int Found, int Clean, int FalsePositives);

/// <summary>
/// The planted kind "revises toward the target" (<c>nris demo generate --plant toward-target</c>). Every reporter gets
/// demo targets for the year under review (the calendar year of the last period) for a few indicators — a level a few
/// percent above its year's pace, a rate a little above its typical value — and revises a few of that year's reports.
/// Most reporters' revisions are honest corrections (a few percent either way); the planted reporters' revisions move
/// each revised figure from its old value toward its target, part of the way or past it. Seeded: the same grid, rate
/// and seed give the same plan.
/// </summary>
public static class TowardTargetPlanting
{
    /// <summary>The name <c>--plant</c> takes.</summary>
    public const string KindName = "toward-target";

    /// <summary>The indicators that get demo targets (those of KTXH-TINH-THANG that have a target in real plans), with the kind of target.</summary>
    public static IReadOnlyList<(string Indicator, TargetKind Kind)> Indicators { get; } =
    [
        ("BUDGET_REVENUE", TargetKind.Level), ("RETAIL_SALES", TargetKind.Level), ("EXPORT", TargetKind.Level), ("IIP", TargetKind.Rate),
    ];

    /// <summary>How many reports of the year each reporter revises.</summary>
    public const int RevisedReports = 4;

    /// <summary>The chance that a revision changes each indicator with a target (at least one always changes).</summary>
    public const double ChangeShare = 0.75;

    /// <summary>Plans the targets and revisions over <paramref name="clean"/> (reporters × indicators × periods, as <see cref="DemoPlanting.ToGrid"/> lays them out).</summary>
    public static TowardTargetPlan Plan(ReportGrid clean, double rate, int seed, int revisedReports = RevisedReports)
    {
        ArgumentNullException.ThrowIfNull(clean);
        var random = new Random(unchecked((seed * 31) + 7919));
        var last = Period.Parse(clean.Periods[^1]);
        var year = last.Year;
        var months = Enumerable.Range(0, clean.Periods.Count).Where(p => Period.Parse(clean.Periods[p]).Year == year).ToList();
        var cells = Indicators.Select(x => (x.Indicator, x.Kind, Cell: IndexOf(clean.Cells, x.Indicator))).Where(x => x.Cell >= 0).ToList();
        var count = Math.Clamp((int)Math.Round(rate * clean.Reporters.Count), 1, clean.Reporters.Count);
        var planted = Enumerable.Range(0, clean.Reporters.Count).OrderBy(_ => random.Next()).Take(count).ToHashSet();
        var targets = new List<Target>();
        var revisions = new List<PlannedRevision>();
        for (var r = 0; r < clean.Reporters.Count; r++)
        {
            var reporter = clean.Reporters[r];
            var territory = TerritoryOf(reporter);
            var goals = new Dictionary<string, (Target Target, decimal Goal, int Decimals)>(StringComparer.Ordinal);
            foreach (var (indicator, kind, c) in cells)
            {
                var values = months.Select(p => clean[r, c, p]).Where(v => !double.IsNaN(v)).ToList();
                if (values.Count == 0)
                {
                    continue;
                }

                var decimals = kind == TargetKind.Rate ? 2 : 1;
                var value = kind == TargetKind.Rate
                    ? Math.Round(values.Order().ElementAt(values.Count / 2) + 0.3 + (1.2 * random.NextDouble()), 2)
                    : Math.Round(values.Average() * clean.PeriodsPerYear * (1.02 + (0.1 * random.NextDouble())), 1);
                var target = new Target(
                    string.Create(CultureInfo.InvariantCulture, $"DEMO-TT-{year}-{territory}-{indicator}"), indicator, territory, year, kind, (decimal)value, true,
                    "Chỉ tiêu minh họa (demo) để thử phát hiện điều chỉnh số liệu về phía chỉ tiêu, không phải chỉ tiêu được giao thật",
                    "Demonstration target for testing the toward-target detector, not a real assignment", null, true, []);
                targets.Add(target);
                goals[indicator] = (target, TowardTargetDetector.Goal(target, last)!.Value, decimals);
            }

            var usable = months.Where(p => cells.Any(x => goals.ContainsKey(x.Indicator) && !double.IsNaN(clean[r, x.Cell, p]))).ToList();
            foreach (var p in usable.OrderBy(_ => random.Next()).Take(revisedReports).Order())
            {
                var changes = new Dictionary<string, (decimal Before, decimal After)>(StringComparer.Ordinal);
                var candidates = cells.Where(x => goals.ContainsKey(x.Indicator) && !double.IsNaN(clean[r, x.Cell, p])).ToList();
                var always = random.Next(candidates.Count);
                for (var i = 0; i < candidates.Count; i++)
                {
                    var (indicator, _, c) = candidates[i];
                    if (i != always && random.NextDouble() >= ChangeShare)
                    {
                        continue;
                    }

                    var (_, goal, decimals) = goals[indicator];
                    var before = (decimal)clean[r, c, p];
                    double after;
                    if (planted.Contains(r))
                    {
                        // Part of the way to the target, or a little past it.
                        after = (double)before + ((double)(goal - before) * (0.4 + random.NextDouble()));
                    }
                    else
                    {
                        // An honest correction: a few percent, either way.
                        after = (double)before * Math.Exp(0.03 * SeriesGenerator.Normal(random));
                    }

                    var rounded = Math.Round((decimal)Math.Max(after, 0.01), decimals);
                    if (rounded != before)
                    {
                        changes[indicator] = (before, rounded);
                    }
                }

                if (changes.Count > 0)
                {
                    revisions.Add(new PlannedRevision(reporter, clean.Periods[p], changes, planted.Contains(r)));
                }
            }
        }

        return new TowardTargetPlan(year, targets, revisions, [.. planted.Order().Select(r => clean.Reporters[r])]);
    }

    /// <summary>The revisions of a plan as revised figures (version 1 → 2), as the stored revision history would give them.</summary>
    public static IEnumerable<RevisedFigure> Figures(TowardTargetPlan plan, string regime)
    {
        ArgumentNullException.ThrowIfNull(plan);
        long sequence = 0;
        foreach (var revision in plan.Revisions)
        {
            sequence++;
            foreach (var (indicator, (before, after)) in revision.Values)
            {
                yield return new RevisedFigure(regime, revision.Reporter, Period.Parse(revision.Period), indicator, TerritoryOf(revision.Reporter), 1, 2,
                    before, after, sequence);
            }
        }
    }

    /// <summary>Plans over <paramref name="clean"/>, runs the detector, and counts planted reporters found and clean reporters flagged.</summary>
    public static TowardTargetScore Evaluate(ReportGrid clean, double rate, int seed, int revisedReports = RevisedReports, double alpha = TowardTargetDetector.Alpha)
    {
        ArgumentNullException.ThrowIfNull(clean);
        var plan = Plan(clean, rate, seed, revisedReports);
        var flagged = TowardTargetDetector.Detect(Figures(plan, "evaluation"), plan.Targets, alpha: alpha).Select(f => f.Reporter).ToHashSet(StringComparer.Ordinal);
        var planted = plan.PlantedReporters.ToHashSet(StringComparer.Ordinal);
        return new TowardTargetScore(planted.Count, planted.Count(flagged.Contains), clean.Reporters.Count - planted.Count,
            flagged.Count(r => !planted.Contains(r)));
    }

    /// <summary>The territory a demo reporter reports for: "UBND.01" reports for "01".</summary>
    public static string TerritoryOf(string reporter)
    {
        ArgumentNullException.ThrowIfNull(reporter);
        var prefix = Catalogue.ReferenceData.ReferenceOrganizations.CommitteePrefix;
        return reporter.StartsWith(prefix, StringComparison.Ordinal) ? reporter[prefix.Length..] : reporter;
    }

    private static int IndexOf(IReadOnlyList<string> items, string item)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] == item)
            {
                return i;
            }
        }

        return -1;
    }
}
