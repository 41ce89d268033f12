using Nris.Core.Oversight;

namespace Nris.Core.Tests.Oversight;

public sealed class TargetTests
{
    private static Target Revenue(params TargetMilestone[] milestones) =>
        new("T1", "BUDGET_REVENUE", "01", 2026, TargetKind.Level, 1200m, HigherIsBetter: true, "Nghị quyết HĐND (demo)", "Provincial council resolution (demo)",
            null, IsDemo: true, milestones);

    private static readonly Target Growth =
        new("T2", "GRDP_GROWTH", "VN", 2026, TargetKind.Rate, 10m, true, "Nghị quyết Quốc hội về kế hoạch phát triển KT-XH năm 2026",
            "National Assembly resolution on the 2026 socio-economic plan", null, false, []);

    private static readonly Target Inflation =
        new("T3", "CPI_AVG_YTD", "VN", 2026, TargetKind.Rate, 4.5m, HigherIsBetter: false, "Nghị quyết Quốc hội về kế hoạch phát triển KT-XH năm 2026",
            "National Assembly resolution on the 2026 socio-economic plan", null, false, []);

    [Fact]
    public void A_level_is_judged_against_pro_rata_seasonal_or_milestone_pace()
    {
        // A quarter gone: 300 needed pro rata.
        Assert.Equal(TargetStatus.OnTrack, TargetEvaluator.Evaluate(Revenue(), 310m, 0.25m, null, null).Status);
        Assert.Equal(TargetStatus.AtRisk, TargetEvaluator.Evaluate(Revenue(), 290m, 0.25m, null, null).Status);
        var off = TargetEvaluator.Evaluate(Revenue(), 200m, 0.25m, null, null);
        Assert.Equal(TargetStatus.OffTrack, off.Status);
        Assert.Equal(300m, off.Needed);
        Assert.Equal("pro-rata", off.Pace);
        Assert.Contains("không đạt tiến độ", off.ExplanationVi, StringComparison.Ordinal);
        Assert.Contains("off track", off.ExplanationEn, StringComparison.Ordinal);

        // Last year a fifth of the revenue came in the first quarter: 240 is enough.
        var seasonal = TargetEvaluator.Evaluate(Revenue(), 245m, 0.25m, 0.2m, null);
        Assert.Equal(("seasonal", TargetStatus.OnTrack), (seasonal.Pace, seasonal.Status));
        // A milestone given by the act wins over both.
        var milestone = TargetEvaluator.Evaluate(Revenue(new TargetMilestone("2026-Q1", 400m)), 310m, 0.25m, 0.2m, new TargetMilestone("2026-Q1", 400m));
        Assert.Equal(("milestone", TargetStatus.OffTrack), (milestone.Pace, milestone.Status));
    }

    [Fact]
    public void A_rate_is_compared_with_the_target_and_a_ceiling_the_other_way_round()
    {
        Assert.Equal(TargetStatus.OnTrack, TargetEvaluator.Evaluate(Growth, 10.2m, 0.5m, null, null).Status);
        Assert.Equal(TargetStatus.AtRisk, TargetEvaluator.Evaluate(Growth, 9.3m, 0.5m, null, null).Status);
        Assert.Equal(TargetStatus.OffTrack, TargetEvaluator.Evaluate(Growth, 7.9m, 0.5m, null, null).Status);
        Assert.Equal(TargetStatus.OnTrack, TargetEvaluator.Evaluate(Inflation, 3.9m, 0.5m, null, null).Status);
        Assert.Equal(TargetStatus.AtRisk, TargetEvaluator.Evaluate(Inflation, 5.2m, 0.5m, null, null).Status);
        Assert.Equal(TargetStatus.OffTrack, TargetEvaluator.Evaluate(Inflation, 6.1m, 0.5m, null, null).Status);
        Assert.Equal(TargetStatus.NoData, TargetEvaluator.Evaluate(Inflation, null, 0.5m, null, null).Status);
    }
}
