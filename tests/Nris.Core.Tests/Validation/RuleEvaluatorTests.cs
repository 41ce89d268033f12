using Nris.Core.Validation;
using static Nris.Core.Tests.Validation.ValidationTestData;

namespace Nris.Core.Tests.Validation;

public sealed class RuleEvaluatorTests
{
    [Theory]
    [InlineData("A01 + 1")]
    [InlineData("A01 - 1")]
    [InlineData("2 * A01")]
    [InlineData("A01 / 2")]
    [InlineData("-A01")]
    [InlineData("abs(A01)")]
    [InlineData("min(A01, 1)")]
    [InlineData("max(1, A01)")]
    [InlineData("round(A01, 1)")]
    [InlineData("round(1.25, A01)")]
    public void Arithmetic_with_a_blank_cell_is_blank(string text) =>
        Assert.Null(Number(text));

    [Fact]
    public void Sum_counts_blank_cells_as_zero()
    {
        Assert.Equal(5m, Number("sum(A01, A02, A03)", ("A01", 2), ("A03", 3)));
        Assert.Equal(RuleOutcome.Pass, Outcome("A01 = sum(A01[M], A01[F])", ("A01", 7), ("A01[F]", 7)));
    }

    [Fact]
    public void Sum_of_only_blank_cells_is_blank()
    {
        Assert.Null(Number("sum(A01, A02)"));
        Assert.Equal(RuleOutcome.NotApplicable, Outcome("A01 = sum(A01[M], A01[F])", ("A01", 7)));
    }

    [Theory]
    [InlineData("A01 = 1")]
    [InlineData("A01 <> 1")]
    [InlineData("A01 < 1")]
    [InlineData("A01 <= 1")]
    [InlineData("A01 > 1")]
    [InlineData("A01 >= 1")]
    [InlineData("B01 = A01 + B01")]
    public void Comparison_with_a_blank_cell_is_not_applicable(string text) =>
        Assert.Equal(RuleOutcome.NotApplicable, Outcome(text, ("B01", 1)));

    [Fact]
    public void And_is_false_when_either_side_is_false_even_if_the_other_is_not_applicable()
    {
        Assert.Equal(RuleOutcome.Fail, Outcome("A01 > 0 and B01 > 0", ("B01", -1)));
        Assert.Equal(RuleOutcome.Fail, Outcome("B01 > 0 and A01 > 0", ("B01", -1)));
        Assert.Equal(RuleOutcome.NotApplicable, Outcome("A01 > 0 and B01 > 0", ("B01", 1)));
        Assert.Equal(RuleOutcome.Pass, Outcome("A01 > 0 and B01 > 0", ("A01", 1), ("B01", 1)));
    }

    [Fact]
    public void Or_is_true_when_either_side_is_true_even_if_the_other_is_not_applicable()
    {
        Assert.Equal(RuleOutcome.Pass, Outcome("A01 > 0 or B01 > 0", ("B01", 1)));
        Assert.Equal(RuleOutcome.Pass, Outcome("B01 > 0 or A01 > 0", ("B01", 1)));
        Assert.Equal(RuleOutcome.NotApplicable, Outcome("A01 > 0 or B01 > 0", ("B01", -1)));
        Assert.Equal(RuleOutcome.Fail, Outcome("A01 > 0 or B01 > 0", ("A01", -1), ("B01", -1)));
    }

    [Fact]
    public void Not_of_not_applicable_is_not_applicable() =>
        Assert.Equal(RuleOutcome.NotApplicable, Outcome("not A01 > 0"));

    [Fact]
    public void If_without_else_holds_when_the_condition_is_false()
    {
        Assert.Equal(RuleOutcome.Pass, Outcome("if(C01 = 0, C02 = 0)", ("C01", 3), ("C02", 9)));
        Assert.Equal(RuleOutcome.Fail, Outcome("if(C01 = 0, C02 = 0)", ("C01", 0), ("C02", 9)));
        Assert.Equal(RuleOutcome.Pass, Outcome("if(C01 = 0, C02 = 0)", ("C01", 0), ("C02", 0)));
    }

    [Fact]
    public void If_with_else_takes_the_else_branch_when_the_condition_is_false()
    {
        Assert.Equal(RuleOutcome.Fail, Outcome("if(C01 = 0, C02 = 0, C02 > 10)", ("C01", 3), ("C02", 9)));
        Assert.Equal(RuleOutcome.Pass, Outcome("if(C01 = 0, C02 = 0, C02 > 5)", ("C01", 3), ("C02", 9)));
    }

    [Fact]
    public void If_with_a_not_applicable_condition_is_not_applicable()
    {
        Assert.Equal(RuleOutcome.NotApplicable, Outcome("if(C01 = 0, C02 = 0)", ("C02", 9)));
        Assert.Null(Number("if(C01 = 0, 1, 2)"));
    }

    [Fact]
    public void Isblank_is_true_or_false_never_not_applicable()
    {
        Assert.Equal(RuleOutcome.Pass, Outcome("isblank(A01)"));
        Assert.Equal(RuleOutcome.Fail, Outcome("isblank(A01)", ("A01", 0)));
        Assert.Equal(RuleOutcome.Pass, Outcome("not isblank(A01[F])", ("A01[F]", 0)));
        Assert.Equal(RuleOutcome.Pass, Outcome("isblank(prev(A01))", ("A01", 5)));
        Assert.Equal(RuleOutcome.Fail, Outcome("isblank(same_period_last_year(A01))", ("same_period_last_year(A01)", 5)));
    }

    [Fact]
    public void Division_by_zero_is_not_applicable_with_a_note()
    {
        var evaluation = RuleExpression.Parse("A02 / A01 < 2").Evaluate(Cells(("A01", 0), ("A02", 5)));
        Assert.Equal(RuleOutcome.NotApplicable, evaluation.Outcome);
        var note = Assert.Single(evaluation.Notes);
        Assert.Equal(5, note.Position);
        Assert.Equal("Division by zero", note.MessageEn);
        Assert.Equal("Phép chia cho 0", note.Message);
        Assert.Contains(evaluation.Values, v => v.Text == "A02 / A01" && v.IsUndefined && v.Value is null);
    }

    [Fact]
    public void Division_by_zero_spoils_a_sum_instead_of_counting_as_zero()
    {
        var result = RuleExpression.Parse("sum(A01 / 0, 5)").EvaluateNumber(Cells(("A01", 1)));
        Assert.True(result.IsUndefined);
        Assert.Null(result.Value);
        Assert.Single(result.Notes);
    }

    [Fact]
    public void Division_by_zero_inside_a_decided_or_does_not_matter()
    {
        var evaluation = RuleExpression.Parse("A01 = 0 or A02 / A01 > 1").Evaluate(Cells(("A01", 0), ("A02", 5)));
        Assert.Equal(RuleOutcome.Pass, evaluation.Outcome);
        Assert.Empty(evaluation.Notes);
    }

    [Fact]
    public void Blank_over_zero_is_blank_not_undefined()
    {
        var result = RuleExpression.Parse("A01 / 0").EvaluateNumber(RuleData.Empty);
        Assert.Null(result.Value);
        Assert.False(result.IsUndefined);
    }

    [Fact]
    public void Overflow_is_undefined_not_an_exception()
    {
        var result = RuleExpression.Parse("A01 * A01").EvaluateNumber(Cells(("A01", decimal.MaxValue)));
        Assert.True(result.IsUndefined);
        Assert.Equal("The result is too large", Assert.Single(result.Notes).MessageEn);
        Assert.Equal(RuleOutcome.NotApplicable, Outcome("A01 * A01 > 0", ("A01", decimal.MaxValue)));
    }

    [Fact]
    public void Round_with_bad_digits_is_undefined()
    {
        Assert.True(RuleExpression.Parse("round(1.5, 0.5)").EvaluateNumber(RuleData.Empty).IsUndefined);
        Assert.True(RuleExpression.Parse("round(1.5, -1)").EvaluateNumber(RuleData.Empty).IsUndefined);
        Assert.True(RuleExpression.Parse("round(1.5, 29)").EvaluateNumber(RuleData.Empty).IsUndefined);
    }

    [Fact]
    public void Equality_is_exact_on_decimals()
    {
        Assert.Equal(RuleOutcome.Pass, Outcome("0.1 + 0.2 = 0.3"));
        Assert.Equal(RuleOutcome.Fail, Outcome("A01 = 0.3", ("A01", 0.30000000001m)));
        Assert.Equal(RuleOutcome.Pass, Outcome("A01 = 100", ("A01", 100.000m)));
    }

    [Fact]
    public void Quotients_are_rounded_to_ten_decimal_places()
    {
        Assert.Equal(0.3333333333m, Number("1 / 3"));
        Assert.Equal(0.9999999999m, Number("1 / 3 * 3"));
        Assert.Equal(RuleOutcome.Pass, Outcome("A01 / A02 = 0.6666666667", ("A01", 2), ("A02", 3)));
        Assert.Equal(0.0000000001m, Number("1 / 10000000000"));
        Assert.Equal(0m, Number("1 / 100000000000"));
    }

    [Fact]
    public void Prev_reads_the_previous_period()
    {
        var rule = "B05 >= prev(B05) or isblank(prev(B05))";
        Assert.Equal(RuleOutcome.Pass, Outcome(rule, ("B05", 100), ("prev(B05)", 90)));
        Assert.Equal(RuleOutcome.Fail, Outcome(rule, ("B05", 80), ("prev(B05)", 90)));
        Assert.Equal(RuleOutcome.Pass, Outcome(rule, ("B05", 80)));
    }

    [Fact]
    public void Same_period_last_year_reads_last_years_period()
    {
        var rule = "if(not isblank(same_period_last_year(A02)), abs(A02 / same_period_last_year(A02) - 1) < 0.5)";
        Assert.Equal(RuleOutcome.Pass, Outcome(rule, ("A02", 120), ("same_period_last_year(A02)", 100)));
        Assert.Equal(RuleOutcome.Fail, Outcome(rule, ("A02", 160), ("same_period_last_year(A02)", 100)));
        Assert.Equal(RuleOutcome.Pass, Outcome(rule, ("A02", 160)));
        Assert.Equal(RuleOutcome.NotApplicable, Outcome(rule, ("A02", 160), ("same_period_last_year(A02)", 0)));
    }

    [Fact]
    public void A_shift_applies_to_every_cell_of_its_expression()
    {
        var cells = new[] { ("A01", (decimal?)1m), ("A02", 2m), ("prev(A01)", 10m), ("prev(A02)", 20m), ("same_period_last_year(A02[F])", 7m) };
        Assert.Equal(30m, Number("prev(A01 + A02)", cells));
        Assert.Equal(33m, Number("A01 + A02 + prev(A01 + A02)", cells));
        Assert.Equal(7m, Number("same_period_last_year(A02[F] * 1)", cells));
        Assert.Equal(5m, Number("prev(5)", cells));
    }

    [Fact]
    public void The_evaluation_reports_compared_quantities_and_cells_with_their_values()
    {
        var evaluation = RuleExpression.Parse("A01 = A02 + A03").Evaluate(Cells(("A01", 100), ("A02", 50), ("A03", 40)));
        Assert.Equal(RuleOutcome.Fail, evaluation.Outcome);
        Assert.Equal("A01 = 100, A02 + A03 = 90, A02 = 50, A03 = 40", evaluation.DescribeValuesEn());
        Assert.Equal(evaluation.DescribeValuesEn(), evaluation.DescribeValues());
    }

    [Fact]
    public void Values_name_blank_and_shifted_cells_and_skip_plain_numbers()
    {
        var evaluation = RuleExpression.Parse("A03 >= 80 and (B05 + 1) * 2 >= prev(B05)").Evaluate(Cells(("A03", 75.50m)));
        Assert.Equal(RuleOutcome.Fail, evaluation.Outcome);
        Assert.Equal("A03 = 75.5, (B05 + 1) * 2 = (blank), prev(B05) = (blank), B05 = (blank)", evaluation.DescribeValuesEn());
        Assert.Equal("A03 = 75.5, (B05 + 1) * 2 = (trống), prev(B05) = (trống), B05 = (trống)", evaluation.DescribeValues());
    }

    [Fact]
    public void A_numeric_if_picks_a_branch()
    {
        Assert.Equal(3m, Number("if(A01 > 0, A01, 0) + 2", ("A01", 1)));
        Assert.Equal(2m, Number("if(A01 > 0, A01, 0) + 2", ("A01", -1)));
    }
}
