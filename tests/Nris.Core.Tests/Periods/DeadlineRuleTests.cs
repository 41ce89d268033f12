using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Periods;
using static Nris.Core.Tests.Periods.PeriodGen;

namespace Nris.Core.Tests.Periods;

public class DeadlineRuleTests
{
    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Due(string rule, string period, string cutoffRule = "decree09")
    {
        var p = Period.Parse(period);
        return DeadlineRule.Parse(rule).DeadlineFor(p, ReportingCalendar.Cutoff(p, cutoffRule));
    }

    [Theory]
    // day N of last month, clamped to the month's length, including leap Februaries.
    [InlineData("day 20 of last month", "2026-M05", "2026-05-20")]
    [InlineData("day 29 of last month", "2024-M02", "2024-02-29")]
    [InlineData("day 29 of last month", "2028-M02", "2028-02-29")]
    [InlineData("day 29 of last month", "2026-M02", "2026-02-28")]
    [InlineData("day 31 of last month", "2024-M02", "2024-02-29")]
    [InlineData("day 31 of last month", "2028-M02", "2028-02-29")]
    [InlineData("day 31 of last month", "2026-M02", "2026-02-28")]
    [InlineData("day 31 of last month", "2026-M04", "2026-04-30")]
    [InlineData("day 31 of last month", "2026-Q1", "2026-03-31")]
    [InlineData("day 20 of last month", "2026-Q2", "2026-06-20")]
    [InlineData("day 20 of last month", "2026-S2", "2026-12-20")]
    [InlineData("day 20 of last month", "2026", "2026-12-20")]
    [InlineData("day 1 of last month", "2026-W53", "2027-01-01")]
    // day N of next month, across the year boundary.
    [InlineData("day 20 of next month", "2026-M12", "2027-01-20")]
    [InlineData("day 20 of next month", "2026-Q4", "2027-01-20")]
    [InlineData("day 31 of next month", "2024-M01", "2024-02-29")]
    [InlineData("day 31 of next month", "2027-M01", "2027-02-28")]
    [InlineData("day 5 of next month", "2026-05-31", "2026-06-05")]
    // N days after cutoff: Decree 09 windows end on the 14th.
    [InlineData("5 days after cutoff", "2026-M05", "2026-05-19")]
    [InlineData("20 days after cutoff", "2026-M12", "2027-01-03")]
    [InlineData("20 days after cutoff", "2026", "2027-01-03")]
    [InlineData("15 days after cutoff", "2024-M02", "2024-02-29")]
    [InlineData("0 days after cutoff", "2026-Q1", "2026-03-14")]
    [InlineData("1 day after cutoff", "2026-W53", "2027-01-04")]
    // N days after end.
    [InlineData("0 days after end", "2026-M05", "2026-05-31")]
    [InlineData("0 days after end", "2026-05-14", "2026-05-14")]
    [InlineData("15 days after end", "2026-Q4", "2027-01-15")]
    [InlineData("1 day after end", "2024-02-28", "2024-02-29")]
    [InlineData("30 days after end", "2026", "2027-01-30")]
    // day N of month M of next year.
    [InlineData("day 31 of month 3 of next year", "2026", "2027-03-31")]
    [InlineData("day 29 of month 2 of next year", "2027", "2028-02-29")]
    [InlineData("day 29 of month 2 of next year", "2026", "2027-02-28")]
    [InlineData("day 31 of month 4 of next year", "2026-S2", "2027-04-30")]
    public void Each_form_gives_its_due_date(string rule, string period, string expected)
    {
        Assert.Equal(D(expected), Due(rule, period));
    }

    [Fact]
    public void Days_after_cutoff_follows_the_cutoff_rule()
    {
        Assert.Equal(D("2026-05-19"), Due("5 days after cutoff", "2026-M05", "decree09"));
        Assert.Equal(D("2026-06-05"), Due("5 days after cutoff", "2026-M05", "calendar"));
    }

    [Theory]
    [InlineData("day 20 of last month", "day 20 of last month")]
    [InlineData("  DAY 20   of\tLast Month ", "day 20 of last month")]
    [InlineData("Day 05 Of Next Month", "day 5 of next month")]
    [InlineData("5 days after cutoff", "5 days after cutoff")]
    [InlineData("5 DAYS AFTER CUTOFF", "5 days after cutoff")]
    [InlineData("1 days after end", "1 day after end")]
    [InlineData("1 day after end", "1 day after end")]
    [InlineData("0 day after end", "0 days after end")]
    [InlineData("day 31 of month 3 of next year", "day 31 of month 3 of next year")]
    [InlineData("day 31\nof month 03\r\nof next   year", "day 31 of month 3 of next year")]
    public void Reads_case_and_space_freely_and_writes_canonical_text(string text, string canonical)
    {
        var rule = DeadlineRule.Parse(text);

        Assert.Equal(canonical, rule.ToString());
        Assert.Equal(rule, DeadlineRule.Parse(canonical));
        Assert.True(DeadlineRule.TryParse(text, out var again));
        Assert.Equal(rule, again);
    }

    [Fact]
    public void Different_rules_are_not_equal()
    {
        Assert.NotEqual(DeadlineRule.Parse("5 days after cutoff"), DeadlineRule.Parse("5 days after end"));
        Assert.NotEqual(DeadlineRule.Parse("day 5 of last month"), DeadlineRule.Parse("day 5 of next month"));
        Assert.NotEqual(DeadlineRule.Parse("day 5 of month 3 of next year"), DeadlineRule.Parse("day 5 of month 4 of next year"));
    }

    [Theory]
    [InlineData("", "none of the accepted forms")]
    [InlineData("   ", "none of the accepted forms")]
    [InlineData("day 20 of previous month", "none of the accepted forms")]
    [InlineData("day 20 of last month please", "none of the accepted forms")]
    [InlineData("5 days before end", "none of the accepted forms")]
    [InlineData("5 weeks after end", "none of the accepted forms")]
    [InlineData("days after end", "none of the accepted forms")]
    [InlineData("20 of last month", "none of the accepted forms")]
    [InlineData("day 0 of last month", "from 1 to 31")]
    [InlineData("day 32 of last month", "from 1 to 31")]
    [InlineData("day -1 of last month", "from 1 to 31")]
    [InlineData("day +5 of next month", "from 1 to 31")]
    [InlineData("day 99999999999 of next month", "from 1 to 31")]
    [InlineData("day twenty of last month", "from 1 to 31")]
    [InlineData("day ２０ of last month", "from 1 to 31")]
    [InlineData("-1 days after end", "from 0 to 3660")]
    [InlineData("3661 days after cutoff", "from 0 to 3660")]
    [InlineData("1.5 days after cutoff", "from 0 to 3660")]
    [InlineData("day 31 of month 13 of next year", "from 1 to 12")]
    [InlineData("day 31 of month 0 of next year", "from 1 to 12")]
    [InlineData("day 40 of month 3 of next year", "from 1 to 31")]
    public void Invalid_text_is_refused_naming_the_text_and_the_accepted_forms(string text, string hint)
    {
        Assert.False(DeadlineRule.TryParse(text, out var rule));
        Assert.Null(rule);
        var ex = Assert.Throws<FormatException>(() => DeadlineRule.Parse(text));
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(hint, ex.Message, StringComparison.Ordinal);
        foreach (var form in DeadlineRule.Forms)
        {
            Assert.Contains(form, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Null_text_is_refused_as_bad_input()
    {
        Assert.False(DeadlineRule.TryParse(null, out _));
        Assert.Throws<FormatException>(() => DeadlineRule.Parse(null!));
    }

    [Fact]
    public void Every_rule_reads_back_from_its_text_and_never_falls_before_its_anchor() =>
        Holds(Rules.SelectMany(r => AnyPeriod.Where(p => p.Year < 9980).Select(p => (r, p))), x =>
        {
            var (rule, p) = x;
            Assert.Equal(rule, DeadlineRule.Parse(rule.ToString()));
            var cutoff = ReportingCalendar.Cutoff(p, "decree09");
            var due = rule.DeadlineFor(p, cutoff);
            var text = rule.ToString();
            if (text.EndsWith("after cutoff", StringComparison.Ordinal))
            {
                Assert.True(due >= cutoff.End);
            }
            else if (text.EndsWith("after end", StringComparison.Ordinal))
            {
                Assert.True(due >= p.End);
            }
            else if (text.EndsWith("last month", StringComparison.Ordinal))
            {
                Assert.Equal((p.End.Year, p.End.Month), (due.Year, due.Month));
            }
            else
            {
                Assert.True(due > p.End);
            }
        }, runs: 1000);

    [Fact]
    public void TryParse_never_throws_on_arbitrary_text() =>
        Holds(RuleLike, s =>
        {
            var ok = DeadlineRule.TryParse(s, out var rule);
            try
            {
                Assert.Equal(rule, DeadlineRule.Parse(s));
                Assert.True(ok);
            }
            catch (FormatException)
            {
                Assert.False(ok);
            }
        }, runs: 3000);

    private static Gen<DeadlineRule> Rules { get; } = Gen.OneOf(
        Gen.Choose(1, 31).Select(n => DeadlineRule.Parse($"day {n} of last month")),
        Gen.Choose(1, 31).Select(n => DeadlineRule.Parse($"day {n} of next month")),
        Gen.Choose(0, 3660).Select(n => DeadlineRule.Parse($"{n} days after cutoff")),
        Gen.Choose(0, 3660).Select(n => DeadlineRule.Parse($"{n} days after end")),
        Gen.Choose(1, 31).SelectMany(n => Gen.Choose(1, 12).Select(m => DeadlineRule.Parse($"day {n} of month {m} of next year"))));

    private static Gen<string> RuleLike { get; } = Gen.Frequency(
        (1, ArbMap.Default.ArbFor<string>().Generator),
        (3, Gen.Elements("day", "days", "DAY", "of", "last", "next", "month", "year", "after", "cutoff", "end", "0", "1", "31", "-3", "99999999999", "١", " ", "\t")
            .ListOf().Select(ws => string.Join(" ", ws))));
}
