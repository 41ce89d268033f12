using Nris.Core.Oversight;
using Nris.Core.Periods;

namespace Nris.Core.Tests.Oversight;

public sealed class TowardTargetTests
{
    private static readonly Target Level = new("T-L", "BUDGET_REVENUE", "01", 2026, TargetKind.Level, 1200, true, "x", "x", null, false, []);
    private static readonly Target Rate = new("T-R", "IIP", "01", 2026, TargetKind.Rate, 110, true, "x", "x", null, false,
        [new TargetMilestone("2026-Q2", 108)]);

    private static RevisedFigure Figure(string period, decimal before, decimal after, string indicator = "BUDGET_REVENUE", long sequence = 1) =>
        new("R", "UBND.01", Period.Parse(period), indicator, "01", 1, 2, before, after, sequence);

    [Fact]
    public void A_level_is_judged_against_one_periods_pace_and_passing_the_target_counts_as_toward()
    {
        Assert.Equal(100m, TowardTargetDetector.Goal(Level, Period.Parse("2026-M03")));
        Assert.Equal(300m, TowardTargetDetector.Goal(Level, Period.Parse("2026-Q3")));
        Assert.Null(TowardTargetDetector.Goal(Level, Period.Parse("2026-03-05")));
        Assert.True(TowardTargetDetector.Judge(Figure("2026-M03", 90, 95), Level)!.Toward);
        Assert.True(TowardTargetDetector.Judge(Figure("2026-M03", 90, 120), Level)!.Toward);
        Assert.False(TowardTargetDetector.Judge(Figure("2026-M03", 90, 85), Level)!.Toward);
        Assert.False(TowardTargetDetector.Judge(Figure("2026-M03", 110, 115), Level)!.Toward);
        Assert.Null(TowardTargetDetector.Judge(Figure("2026-M03", 100, 115), Level));
        Assert.Null(TowardTargetDetector.Judge(Figure("2026-M03", 90, 90), Level));
        Assert.Null(TowardTargetDetector.Judge(Figure("2026-M03", 90, 95), null));
    }

    [Fact]
    public void A_rate_is_judged_against_the_milestone_due_by_the_end_of_the_period()
    {
        Assert.Equal(110m, TowardTargetDetector.Goal(Rate, Period.Parse("2026-M05")));
        Assert.Equal(108m, TowardTargetDetector.Goal(Rate, Period.Parse("2026-M06")));
        Assert.Equal(108m, TowardTargetDetector.Goal(Rate, Period.Parse("2026-M09")));
    }

    [Fact]
    public void A_reporter_is_flagged_only_when_so_many_toward_moves_are_unlikely_by_chance()
    {
        IEnumerable<RevisedFigure> Moves(int toward, int away) =>
            Enumerable.Range(1, toward).Select(i => Figure($"2026-M{i:00}", 90, 96, sequence: i))
                .Concat(Enumerable.Range(1, away).Select(i => Figure($"2026-M{i:00}", 90, 80, sequence: 100 + i)));

        // 6 of 6: p = 1/64, not below 1 %; 7 of 7: p = 1/128.
        Assert.Empty(TowardTargetDetector.Detect(Moves(6, 0), [Level]));
        var finding = Assert.Single(TowardTargetDetector.Detect(Moves(7, 0), [Level]));
        Assert.Equal((7, 7), (finding.Toward, finding.Moves));
        Assert.Equal(1.0 / 128, finding.PValue, 12);
        Assert.StartsWith("7 of 7 revisions of 2026 moved the figures toward the assigned target", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("BUDGET_REVENUE 2026-M01 v1→v2 90→96 (pace 100 a period of the year's target 1,200, T-L)", finding.MessageEn, StringComparison.Ordinal);
        Assert.Contains("and 4 more", finding.MessageEn, StringComparison.Ordinal);
        Assert.Empty(TowardTargetDetector.Detect(Moves(9, 5), [Level]));
        Assert.Single(TowardTargetDetector.Detect(Moves(12, 1), [Level]));
        // Another year's target, or another territory's, does not judge these figures.
        Assert.Empty(TowardTargetDetector.Detect(Moves(10, 0), [Level with { Year = 2025 }]));
        Assert.Empty(TowardTargetDetector.Detect(Moves(10, 0), [Level with { TerritoryCode = "79" }]));
    }

    [Fact]
    public void The_planted_plan_is_seeded_and_its_planted_reporters_are_found()
    {
        var grid = SeriesGenerator.Generate(5, reporters: 34, cells: 4, years: 3);
        var named = new ReportGrid(grid.Reporters.Select(r => "UBND." + r).ToList(), ["BUDGET_REVENUE", "RETAIL_SALES", "EXPORT", "IIP"], grid.Periods, 12);
        for (var r = 0; r < grid.Reporters.Count; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                for (var p = 0; p < grid.Periods.Count; p++)
                {
                    named[r, c, p] = grid[r, c, p];
                }
            }
        }

        var plan = TowardTargetPlanting.Plan(named, 0.15, 3);
        var again = TowardTargetPlanting.Plan(named, 0.15, 3);
        Assert.Equal(plan.PlantedReporters, again.PlantedReporters);
        Assert.Equal(plan.Revisions.Count, again.Revisions.Count);
        Assert.Equal(5, plan.PlantedReporters.Count);
        Assert.Equal(34 * 4, plan.Targets.Count);
        Assert.All(plan.Targets, t => Assert.True(t.IsDemo && t.Year == 2023));
        Assert.All(plan.Revisions.Where(r => r.Planted), r => Assert.Contains(r.Reporter, plan.PlantedReporters));
        var score = TowardTargetPlanting.Evaluate(named, 0.15, 3);
        Assert.Equal(5, score.Found);
        Assert.True(score.FalsePositives <= 1, score.ToString());
    }
}
