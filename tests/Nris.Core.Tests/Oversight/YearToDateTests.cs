using Nris.Core.DemoGeneration;
using Nris.Core.Oversight;

namespace Nris.Core.Tests.Oversight;

/// <summary>
/// The year-to-date columns of the demo's monthly provincial report and the identity check that the expected-value
/// score draws on: real generated data (34 provinces, five years), planted, judged.
/// </summary>
public sealed class YearToDateTests
{
    private const string Regime = "KTXH-TINH-THANG";

    private static readonly Lazy<DemoPlaces> Places = new(() =>
    {
        using var reader = new StreamReader(TestData.ReferencePath("vn-stats/communes_2025_area_population.csv"));
        return DemoPlaces.Read(reader);
    });

    private static ReportGrid Grid(int seed, int years, double revision = 0.03) =>
        DemoPlanting.ToGrid(new DemoGenerator(Places.Value, long.MaxValue, seed)
        {
            Regimes = new HashSet<string>(StringComparer.Ordinal) { Regime },
            Until = DemoGenerator.Start.AddYears(years).AddDays(-1),
            YearToDateRevision = revision,
        }.Reports(), Regime)!;

    [Fact]
    public void The_cumulative_columns_add_up_with_the_months_up_to_the_revisions_and_leave_the_other_values_alone()
    {
        var grid = Grid(7, 2);
        var exact = Grid(7, 2, revision: 0);
        Assert.Equal(DemoGenerator.YearToDateIndicators.Count, YearToDate.Pairs(grid).Count);
        foreach (var (month, cumulative) in YearToDate.Pairs(grid))
        {
            Assert.Equal(grid.Cells[month] + YearToDate.Suffix, grid.Cells[cumulative]);
            for (var r = 0; r < grid.Reporters.Count; r++)
            {
                for (var p = 1; p < grid.Periods.Count; p++)
                {
                    var (m, y, before) = (grid[r, month, p], grid[r, cumulative, p], grid[r, cumulative, p - 1]);
                    if (double.IsNaN(m))
                    {
                        continue;
                    }

                    if (grid.Periods[p].EndsWith("M01", StringComparison.Ordinal))
                    {
                        // January: the cumulative is the month.
                        Assert.Equal(m, y);
                    }
                    else if (!double.IsNaN(before))
                    {
                        // Later: this cumulative less the last one is the month, give or take 3 % of last month's figure.
                        var last = grid[r, month, p - 1];
                        Assert.InRange(m - (y - before), -(0.03 * last) - 1, (0.03 * last) + 1);
                    }
                }
            }
        }

        // The revisions come from streams of their own: every value but the cumulatives is the same without them.
        for (var c = 0; c < grid.Cells.Count; c++)
        {
            if (!grid.Cells[c].EndsWith(YearToDate.Suffix, StringComparison.Ordinal) || grid.Cells[c] == "PUBINV_DISBURSED_YTD")
            {
                for (var r = 0; r < grid.Reporters.Count; r++)
                {
                    Assert.Equal(exact.Series(r, c), grid.Series(r, c));
                }
            }
        }
    }

    [Fact]
    public void An_inflated_month_is_found_through_its_cumulative_and_an_inflated_cumulative_on_itself()
    {
        var grid = Grid(2, 5);
        var first = DemoPlanting.ReviewStart(grid);
        var injuries = grid.Cells.ToList().IndexOf("TRAFFIC_INJURIES");
        var cumulative = grid.Cells.ToList().IndexOf("TRAFFIC_INJURIES_YTD");
        var t = new AnomalyThresholds();
        // A 25 % inflation of a monthly injury count (noise about ±30 %): an ordinary-looking month, but it no longer
        // adds up with the year-to-date column.
        var (r, p) = (Enumerable.Range(0, grid.Reporters.Count).First(i => grid[i, injuries, first + 3] > 50), first + 3);
        var planted = grid.Clone();
        planted[r, injuries, p] = Math.Round(grid[r, injuries, p] * 1.25, 1);
        var flags = ExpectedValues.Detect(planted, first, grid.Periods.Count, t).ToList();
        var flag = Assert.Single(flags, f => f.Reporter == r && f.Period == p && (f.Cell == injuries || f.Cell == cumulative));
        Assert.Equal(injuries, flag.Cell);
        Assert.Contains("Does not add up with the year-to-date figures", flag.MessageEn, StringComparison.Ordinal);
        Assert.Contains("TRAFFIC_INJURIES_YTD", flag.MessageEn, StringComparison.Ordinal);
        Assert.Contains("Không khớp với số lũy kế", flag.MessageVi, StringComparison.Ordinal);
        // Off, the third-round score does not see it.
        Assert.DoesNotContain(ExpectedValues.Detect(planted, first, grid.Periods.Count, t with { YearToDateCheck = false }),
            f => f.Reporter == r && f.Period == p && f.Cell == injuries);

        // The cumulative raised instead: the flag is on the cumulative, not on the month.
        planted = grid.Clone();
        planted[r, cumulative, p] = Math.Round(grid[r, cumulative, p] * 1.25, 1);
        flags = [.. ExpectedValues.Detect(planted, first, grid.Periods.Count, t)];
        flag = Assert.Single(flags, f => f.Reporter == r && (f.Cell == injuries || f.Cell == cumulative) && (f.Period == p || f.Period == p + 1));
        Assert.Equal((cumulative, p), (flag.Cell, flag.Period));
        Assert.Contains("previous period's cumulative plus this period's TRAFFIC_INJURIES", flag.MessageEn, StringComparison.Ordinal);
    }

    /// <summary>
    /// The goal of issue #8 on the demo data, on one tuning seed (the bench's held-out seeds 11–30 are in
    /// docs/benchmarks.md): inflated values at ≥ 90 % recall and ≤ 5 % false positives with the year-to-date check,
    /// also on the month cells alone; and the other kinds still at the goal with the cumulative columns in the form.
    /// </summary>
    [Fact]
    public void On_the_demo_data_planted_manipulations_are_found_at_the_goal_rates()
    {
        var clean = Grid(1, 5);
        var first = DemoPlanting.ReviewStart(clean);
        var scores = AnomalyEvaluation.Evaluate(clean, first, 0.05, 1);
        foreach (var s in scores.Where(s => s.Detector is Detectors.ExpectedValue or Detectors.Smoothed or Detectors.CopiedForward or Detectors.RoundFigures))
        {
            Assert.True(s.Planted >= 10, $"{s.Detector}: only {s.Planted} planted");
            Assert.True(s.Recall >= 0.9, $"{s.Detector} on {s.Kind}: recall {s.Recall:P1} ({s.Found}/{s.Planted})");
            Assert.True(s.FalsePositiveRate <= 0.05, $"{s.Detector} on {s.Kind}: false positives {s.FalsePositiveRate:P2} ({s.FalsePositives}/{s.Clean})");
        }

        var months = AnomalyEvaluation.InflatedCurve(clean, first, 0.05, 1, [new AnomalyThresholds().ExpectedZ],
            cells: c => !YearToDate.Pairs(clean).Any(x => x.Cumulative == c)).Single().Score;
        Assert.True(months.Recall >= 0.9 && months.FalsePositiveRate <= 0.05, $"month cells: {months.Recall:P1} at {months.FalsePositiveRate:P2}");
    }
}
