using Nris.Core.Oversight;

namespace Nris.Core.Tests.Oversight;

public sealed class AnomalyDetectionTests
{
    private const int Years = 5;
    private const int FirstPeriod = (Years - 1) * 12;

    [Theory]
    [InlineData(12000.0, true)]
    [InlineData(4500.0, true)]
    [InlineData(30.0, true)]
    [InlineData(12345.6, false)]
    [InlineData(4510.0, false)]
    [InlineData(7.0, false)]
    public void Round_figures_have_at_most_two_significant_digits(double value, bool round) =>
        Assert.Equal(round, AnomalyDetector.IsRound(value));

    [Fact]
    public void The_generator_is_deterministic_and_its_clean_data_raise_few_flags()
    {
        var a = SeriesGenerator.Generate(7, 10, 20, Years);
        var b = SeriesGenerator.Generate(7, 10, 20, Years);
        Assert.Equal(a.Series(3, 4), b.Series(3, 4));
        Assert.NotEqual(a.Series(3, 4), SeriesGenerator.Generate(8, 10, 20, Years).Series(3, 4));
        Assert.Empty(AnomalyDetector.CopiedReports(a, FirstPeriod, new AnomalyThresholds()));
    }

    [Fact]
    public void A_copied_report_and_a_rounded_report_are_flagged_with_explanations()
    {
        var grid = SeriesGenerator.Generate(11, 20, 40, Years);
        var copied = AnomalyPlanter.Plant(grid, PlantedKind.Copied, 0.02, FirstPeriod, 5);
        Assert.NotEmpty(copied);
        var flags = AnomalyDetector.CopiedReports(grid, FirstPeriod, new AnomalyThresholds()).ToList();
        Assert.All(copied, c => Assert.Contains(flags, f => f.Reporter == c.Reporter && f.Period == c.Period));
        Assert.All(flags, f => Assert.Contains("kỳ trước", f.MessageVi, StringComparison.Ordinal));
        Assert.All(flags, f => Assert.Contains("previous period", f.MessageEn, StringComparison.Ordinal));

        var rounded = SeriesGenerator.Generate(12, 20, 40, Years);
        var key = AnomalyPlanter.Plant(rounded, PlantedKind.RoundFigures, 0.02, FirstPeriod, 6);
        var roundFlags = AnomalyDetector.RoundReports(rounded, FirstPeriod, new AnomalyThresholds()).ToList();
        Assert.Contains(roundFlags, f => key.Any(k => k.Reporter == f.Reporter && k.Period == f.Period));
    }

    [Fact]
    public void Revisions_that_always_move_toward_the_target_are_flagged_and_mixed_ones_are_not()
    {
        var always = Enumerable.Range(0, 8).Select(i => (Before: 90.0 + i, After: 95.0 + i, Target: 110.0)).ToList();
        var flag = AnomalyDetector.TowardTarget(3, always);
        Assert.NotNull(flag);
        Assert.Contains("8/8", flag.MessageVi, StringComparison.Ordinal);
        var mixed = always.Select((v, i) => i % 2 == 0 ? v : (v.Before, v.Before - 5, v.Target)).ToList();
        Assert.Null(AnomalyDetector.TowardTarget(3, mixed));
        Assert.Null(AnomalyDetector.TowardTarget(3, always.Take(4).ToList()));
    }

    /// <summary>
    /// The measured goal of issue #8 on one seed (the bench runs more seeds; docs/benchmarks.md has the figures):
    /// every detector finds at least 90 % of its planted kind and flags at most 5 % of untouched units.
    /// </summary>
    [Fact]
    public void Planted_manipulations_are_found_at_the_goal_rates()
    {
        var scores = AnomalyEvaluation.Run(seed: 1, reporters: 34, cells: 80, years: Years, rate: 0.05);
        Assert.Equal(AnomalyEvaluation.Pairs.Count, scores.Count);
        // Benford judges whole reporter-years, of which one seed has only 34; the bench sums many seeds.
        Assert.All(scores, s => Assert.True(s.Planted >= (s.Kind == PlantedKind.Fabricated ? 1 : 10), $"{s.Detector}: only {s.Planted} planted"));
        Assert.All(scores, s => Assert.True(s.Recall >= 0.9, $"{s.Detector} on {s.Kind}: recall {s.Recall:P1} ({s.Found}/{s.Planted})"));
        Assert.All(scores, s => Assert.True(s.FalsePositiveRate <= 0.05, $"{s.Detector} on {s.Kind}: false positives {s.FalsePositiveRate:P2} ({s.FalsePositives}/{s.Clean})"));
    }
}
