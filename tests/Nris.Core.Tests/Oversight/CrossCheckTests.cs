using Nris.Core.Oversight;

namespace Nris.Core.Tests.Oversight;

public sealed class CrossCheckTests
{
    [Theory]
    // A gap must exceed both tolerances to be a discrepancy.
    [InlineData(100, 130, 0.5, 0.01, true)]
    [InlineData(129.5, 130, 0.5, 0.01, false)]   // within the absolute tolerance
    [InlineData(100000, 100400, 1, 0.01, false)] // 0.4 %: within the relative tolerance
    [InlineData(1, 3, 5, 0, false)]              // 200 % but within the absolute tolerance
    [InlineData(0, 0, 0, 0, false)]
    [InlineData(0, 2, 1, 0.5, true)]
    public void A_gap_is_a_discrepancy_only_beyond_both_tolerances(double left, double right, double absolute, double relative, bool expected)
    {
        var c = CrossCheckEvaluator.Compare((decimal)left, (decimal)right, (decimal)absolute, (decimal)relative);
        Assert.Equal(expected, c.IsDiscrepancy);
        Assert.Equal((decimal)left - (decimal)right, c.Gap);
    }

    [Fact]
    public void The_relative_gap_is_of_the_larger_value_and_the_explanation_names_both_sources()
    {
        var rule = new CrossCheckRule("X", "BUDGET_REVENUE", null, "KTXH-TINH-THANG", "NSNN-BTC-THANG", [], 0.5m, 0.01m, "Thu", "Revenue");
        var c = CrossCheckEvaluator.Compare(100m, 125m, 0.5m, 0.01m);
        Assert.Equal(0.2m, c.RelativeGap);
        Assert.Null(CrossCheckEvaluator.Compare(0m, 0m, 0m, 0m).RelativeGap);
        var (vi, en) = CrossCheckEvaluator.Explain(rule, "01", "2026-M03", 100m, 125m, c);
        Assert.Equal("Thu (01, 2026-M03): KTXH-TINH-THANG báo cáo 100, NSNN-BTC-THANG báo cáo 125 — chênh lệch -25 (20 %).", vi);
        Assert.Equal("Revenue (01, 2026-M03): KTXH-TINH-THANG reports 100, NSNN-BTC-THANG reports 125 — a gap of -25 (20 %).", en);
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossCheckEvaluator.Compare(1m, 2m, -1m, 0m));
    }
}
