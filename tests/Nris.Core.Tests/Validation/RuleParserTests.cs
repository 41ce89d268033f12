using Nris.Core.Validation;
using static Nris.Core.Tests.Validation.ValidationTestData;

namespace Nris.Core.Tests.Validation;

public sealed class RuleParserTests
{
    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("100 / 10 / 5", 2)]
    [InlineData("2 * 3 + 4 * 5", 26)]
    [InlineData("8 - 2 * 3", 2)]
    [InlineData("-2 * 3", -6)]
    [InlineData("-(2 + 3)", -5)]
    [InlineData("- -4", 4)]
    [InlineData("3 - -4", 7)]
    [InlineData("2 * -3", -6)]
    [InlineData("0.5 + 0.25", 0.75)]
    [InlineData("1 / 3", 0.3333333333)]
    [InlineData("2 / 3", 0.6666666667)]
    public void Arithmetic_follows_the_usual_precedence_and_unary_minus(string text, double expected) =>
        Assert.Equal((decimal)expected, Number(text));

    [Theory]
    [InlineData("abs(-3.5)", 3.5)]
    [InlineData("sum(1, 2, 3)", 6)]
    [InlineData("sum(4)", 4)]
    [InlineData("min(5, 2, 9)", 2)]
    [InlineData("max(5, 2, 9)", 9)]
    [InlineData("min(-1)", -1)]
    [InlineData("round(2.345, 2)", 2.35)]
    [InlineData("round(-2.5, 0)", -3)]
    [InlineData("round(1234.5678, 1)", 1234.6)]
    [InlineData("if(1 > 0, 10, 20)", 10)]
    [InlineData("if(1 < 0, 10, 20)", 20)]
    [InlineData("ABS(-1) + Sum(1, 1) + MAX(0, 1)", 4)]
    public void Every_numeric_function_computes(string text, double expected) =>
        Assert.Equal((decimal)expected, Number(text));

    [Theory]
    [InlineData("1 = 1", RuleOutcome.Pass)]
    [InlineData("1 <> 1", RuleOutcome.Fail)]
    [InlineData("1 < 2", RuleOutcome.Pass)]
    [InlineData("2 <= 2", RuleOutcome.Pass)]
    [InlineData("1 > 2", RuleOutcome.Fail)]
    [InlineData("2 >= 3", RuleOutcome.Fail)]
    [InlineData("1 = 1 and 2 = 3", RuleOutcome.Fail)]
    [InlineData("1 = 1 or 2 = 3", RuleOutcome.Pass)]
    [InlineData("not 1 = 1", RuleOutcome.Fail)]
    [InlineData("1 = 2 or 1 = 1 and 2 = 3", RuleOutcome.Fail)]
    [InlineData("(1 = 2 or 1 = 1) and 2 = 2", RuleOutcome.Pass)]
    [InlineData("1 = 2 AND 1 = 1 OR 2 = 2", RuleOutcome.Pass)]
    [InlineData("NOT 1 = 2 And 1 = 1", RuleOutcome.Pass)]
    [InlineData("If(1 = 1, 2 = 2)", RuleOutcome.Pass)]
    [InlineData("IF(1 = 1, 2 = 3, 1 = 1)", RuleOutcome.Fail)]
    [InlineData("isBlank(A01)", RuleOutcome.Pass)]
    [InlineData("1 + 2 * 3 = 7", RuleOutcome.Pass)]
    public void Conditions_bind_and_tighter_than_or_and_keywords_ignore_case(string text, RuleOutcome expected) =>
        Assert.Equal(expected, Outcome(text));

    [Fact]
    public void Column_references_read_their_column_and_a_bare_row_reads_the_total()
    {
        var expression = RuleExpression.Parse("A01 = A01[M] + A01[F] and B02[_T] >= 0");
        Assert.True(expression.IsCondition);
        Assert.Equal(
            [new("A01", "_T", PeriodShift.Current), new("A01", "M", PeriodShift.Current), new("A01", "F", PeriodShift.Current), new("B02", "_T", PeriodShift.Current)],
            expression.References);
        Assert.Equal(RuleOutcome.Pass, Outcome("A01 = A01[M] + A01[F]", ("A01", 10), ("A01[M]", 4), ("A01[F]", 6)));
        Assert.Equal(RuleOutcome.Fail, Outcome("A01 = A01[M] + A01[F]", ("A01", 10), ("A01[M]", 4), ("A01[F]", 5)));
    }

    [Fact]
    public void Row_codes_are_case_sensitive()
    {
        Assert.Equal(RuleOutcome.Pass, Outcome("a01 = 5", ("a01", 5), ("A01", 6)));
        Assert.Equal(RuleOutcome.Fail, Outcome("A01 = 5", ("a01", 5), ("A01", 6)));
    }

    [Fact]
    public void Shifted_references_are_listed_with_their_period()
    {
        var expression = RuleExpression.Parse("abs(A02 / same_period_last_year(A02 + A03[F]) - 1) < 0.5 or isblank(prev(B05))");
        Assert.Equal(
            [
                new("A02", "_T", PeriodShift.Current),
                new("A02", "_T", PeriodShift.SamePeriodLastYear),
                new("A03", "F", PeriodShift.SamePeriodLastYear),
                new("B05", "_T", PeriodShift.Previous),
            ],
            expression.References);
    }

    [Theory]
    [InlineData("abs(A01 - (A02 + A03)", 22, "Thiếu dấu ')'", "Missing ')'")]
    [InlineData("(1 + 2", 7, "Thiếu dấu ')'", "Missing ')'")]
    [InlineData("foo(A01) > 0", 1, "Hàm 'foo' không tồn tại", "Unknown function 'foo'")]
    [InlineData("A01 > 0 and bar(1)", 13, "Hàm 'bar' không tồn tại", "Unknown function 'bar'")]
    [InlineData("abs(A01, A02) > 0", 1, "Hàm 'abs' nhận 1 đối số, không phải 2", "Function 'abs' takes 1 argument(s), not 2")]
    [InlineData("A01 > round(A02)", 7, "Hàm 'round' nhận 2 đối số, không phải 1", "Function 'round' takes 2 argument(s), not 1")]
    [InlineData("if(A01 > 0)", 1, "Hàm 'if' nhận 2 hoặc 3 đối số, không phải 1", "Function 'if' takes 2 or 3 argument(s), not 1")]
    [InlineData("sum() > 0", 1, "Hàm 'sum' nhận ít nhất 1 đối số, không phải 0", "Function 'sum' takes at least 1 argument(s), not 0")]
    [InlineData("A01 > 0)", 8, "Thừa dấu ')'", "Unexpected ')'")]
    [InlineData("A01 A02", 5, "Thừa 'A02'", "Unexpected 'A02'")]
    [InlineData("A01 > 1.2.3", 7, "Số '1.2.3' không hợp lệ", "Invalid number '1.2.3'")]
    [InlineData("A01 > 12abc", 7, "Số '12abc' không hợp lệ", "Invalid number '12abc'")]
    [InlineData("A01 > .5", 7, "Số '.5' không hợp lệ", "Invalid number '.5'")]
    [InlineData("A01 > 1,5", 8, "Thừa ','", "Unexpected ','")]
    [InlineData("A01 > 99999999999999999999999999999", 7, "Số '99999999999999999999999999999' không hợp lệ", "Invalid number '99999999999999999999999999999'")]
    [InlineData("A01 # 2", 5, "Ký tự '#' không được dùng", "Character '#' is not allowed")]
    [InlineData("", 1, "Biểu thức rỗng", "The expression is empty")]
    [InlineData("   ", 4, "Biểu thức rỗng", "The expression is empty")]
    [InlineData("A01 >", 6, "Biểu thức kết thúc giữa chừng", "The expression ends too early")]
    [InlineData("A01 > and", 7, "Thiếu toán hạng trước 'and'", "An operand is missing before 'and'")]
    [InlineData("A01[] > 0", 5, "Thiếu mã cột trong [ ]", "A column code is missing inside [ ]")]
    [InlineData("A01[F > 0", 7, "Thiếu dấu ']'", "Missing ']'")]
    [InlineData("1 < A01 < 3", 9, "Không được nối tiếp hai phép so sánh; hãy dùng 'and'", "Comparisons cannot be chained; use 'and'")]
    [InlineData("A01 + (A02 > 0)", 7, "Cần một giá trị số (gần '+'), không phải một điều kiện", "A number is expected (near '+'), not a condition")]
    [InlineData("A01 and A02 > 0", 1, "Cần một điều kiện, ví dụ một phép so sánh (gần 'and')", "A condition such as a comparison is expected (near 'and')")]
    [InlineData("not A01", 5, "Cần một điều kiện, ví dụ một phép so sánh (gần 'not')", "A condition such as a comparison is expected (near 'not')")]
    [InlineData("if(A01 > 0, 5)", 13, "if không có nhánh 'else' thì nhánh 'then' phải là một điều kiện", "Without an 'else', the 'then' of if must be a condition")]
    [InlineData("isblank(A01 + A02)", 9, "isblank nhận một ô, ví dụ isblank(A01) hoặc isblank(prev(A01))", "isblank takes one cell, e.g. isblank(A01) or isblank(prev(A01))")]
    [InlineData("prev(prev(A01)) > 0", 6, "Không được lồng 'prev' trong prev hoặc same_period_last_year", "'prev' cannot be nested inside prev or same_period_last_year")]
    public void Syntax_errors_say_where_and_why_in_both_languages(string text, int position, string vi, string en)
    {
        var error = Assert.Throws<RuleSyntaxException>(() => RuleExpression.Parse(text));
        Assert.Equal(position, error.Position);
        Assert.Equal(vi, error.Reason);
        Assert.Equal(en, error.ReasonEn);
        Assert.Equal($"{vi} tại vị trí {position} / {en} at position {position}", error.Message);
        Assert.False(RuleExpression.TryParse(text, out var none, out var same));
        Assert.Null(none);
        Assert.Equal(error.Message, same!.Message);
    }

    [Fact]
    public void The_message_format_matches_the_documented_example()
    {
        var error = Assert.Throws<RuleSyntaxException>(() => RuleExpression.Parse("abs(A01 - A02"));
        Assert.Equal("Thiếu dấu ')' tại vị trí 14 / Missing ')' at position 14", error.Message);
        Assert.Equal("Thiếu dấu ')' tại vị trí 14", error.MessageVi);
        Assert.Equal("Missing ')' at position 14", error.MessageEn);
    }

    [Fact]
    public void A_rule_must_be_a_condition()
    {
        Assert.False(RuleExpression.Parse("A01 + 1").IsCondition);
        Assert.Throws<RuleSyntaxException>(() => RuleExpression.ParseRule("A01 + 1"));
        Assert.Throws<InvalidOperationException>(() => RuleExpression.Parse("A01 + 1").Evaluate(RuleData.Empty));
        Assert.Throws<InvalidOperationException>(() => RuleExpression.Parse("A01 > 1").EvaluateNumber(RuleData.Empty));
    }

    [Fact]
    public void Nesting_up_to_the_limit_parses_and_one_more_level_is_a_syntax_error()
    {
        // The whole expression is one level, so 63 parentheses inside it reach the limit of 64.
        var deepest = new string('(', RuleExpression.MaxDepth - 1) + "1" + new string(')', RuleExpression.MaxDepth - 1) + " = 1";
        Assert.Equal(RuleOutcome.Pass, RuleExpression.Parse(deepest).Evaluate(RuleData.Empty).Outcome);

        var tooDeep = "(" + deepest[..^4] + ")" + " = 1";
        var error = Assert.Throws<RuleSyntaxException>(() => RuleExpression.Parse(tooDeep));
        // The 64th parenthesis opens level 65; the error points at what follows it.
        Assert.Equal(RuleExpression.MaxDepth + 1, error.Position);
        Assert.Contains("too deep", error.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("quá sâu", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100, "(", ")")]
    [InlineData(500, "abs(", ")")]
    [InlineData(1500, "-", "")]
    [InlineData(500, "not ", "")]
    [InlineData(400, "sum(1, ", ")")]
    public void Deep_nesting_within_the_length_limit_is_a_syntax_error_not_a_crash(int levels, string open, string close)
    {
        var text = string.Concat(Enumerable.Repeat(open, levels)) + "1 > 0" + string.Concat(Enumerable.Repeat(close, levels));
        Assert.True(text.Length <= RuleExpression.MaxLength);
        Assert.Throws<RuleSyntaxException>(() => RuleExpression.Parse(text));
    }

    [Fact]
    public void Ten_thousand_nested_parentheses_are_refused_without_a_stack_overflow()
    {
        var text = new string('(', 10_000) + "1" + new string(')', 10_000);
        var error = Assert.Throws<RuleSyntaxException>(() => RuleExpression.Parse(text));
        Assert.Contains("4000", error.ReasonEn, StringComparison.Ordinal);
        Assert.Equal(RuleExpression.MaxLength + 1, error.Position);
    }

    [Fact]
    public void Expressions_up_to_the_length_limit_parse_and_longer_ones_do_not()
    {
        // "A01 + " repeated is a long left-deep chain: bounded by the length limit, not the depth limit.
        var body = string.Concat(Enumerable.Repeat("1 + ", 995)) + "1";
        var text = body + " >= 0";
        Assert.True(text.Length <= RuleExpression.MaxLength);
        Assert.Equal(RuleOutcome.Pass, RuleExpression.Parse(text).Evaluate(RuleData.Empty).Outcome);
        Assert.Equal(996m, RuleExpression.Parse(body).EvaluateNumber(RuleData.Empty).Value);

        var tooLong = text + new string(' ', RuleExpression.MaxLength - text.Length + 1);
        Assert.Throws<RuleSyntaxException>(() => RuleExpression.Parse(tooLong));
    }

    [Fact]
    public void A_parsed_expression_is_reused_across_threads()
    {
        var expression = RuleExpression.Parse("A01 = A02 + A03 and prev(A01) <= A01");
        Parallel.For(0, 2000, new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken }, i =>
        {
            var data = Cells(("A01", i), ("A02", i / 2), ("A03", i - (i / 2)), ("prev(A01)", i % 2 == 0 ? i : i + 1));
            var expected = i % 2 == 0 ? RuleOutcome.Pass : RuleOutcome.Fail;
            Assert.Equal(expected, expression.Evaluate(data).Outcome);
        });
    }
}
