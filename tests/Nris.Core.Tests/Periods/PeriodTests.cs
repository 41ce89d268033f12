using Nris.Core.Periods;

namespace Nris.Core.Tests.Periods;

public class PeriodTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    [Theory]
    [InlineData("2026-05-14", Periodicity.Daily, "2026-05-14", "2026-05-14", 2026)]
    [InlineData("2024-02-29", Periodicity.Daily, "2024-02-29", "2024-02-29", 2024)]
    [InlineData("2026-W20", Periodicity.Weekly, "2026-05-11", "2026-05-17", 2026)]
    [InlineData("2020-W53", Periodicity.Weekly, "2020-12-28", "2021-01-03", 2020)]
    [InlineData("2025-W01", Periodicity.Weekly, "2024-12-30", "2025-01-05", 2025)]
    [InlineData("2026-W53", Periodicity.Weekly, "2026-12-28", "2027-01-03", 2026)]
    [InlineData("2026-M05", Periodicity.Monthly, "2026-05-01", "2026-05-31", 2026)]
    [InlineData("2024-M02", Periodicity.Monthly, "2024-02-01", "2024-02-29", 2024)]
    [InlineData("2026-M02", Periodicity.Monthly, "2026-02-01", "2026-02-28", 2026)]
    [InlineData("2026-Q1", Periodicity.Quarterly, "2026-01-01", "2026-03-31", 2026)]
    [InlineData("2026-Q2", Periodicity.Quarterly, "2026-04-01", "2026-06-30", 2026)]
    [InlineData("2026-Q4", Periodicity.Quarterly, "2026-10-01", "2026-12-31", 2026)]
    [InlineData("2026-S1", Periodicity.HalfYearly, "2026-01-01", "2026-06-30", 2026)]
    [InlineData("2026-S2", Periodicity.HalfYearly, "2026-07-01", "2026-12-31", 2026)]
    [InlineData("2026", Periodicity.Yearly, "2026-01-01", "2026-12-31", 2026)]
    [InlineData("0001", Periodicity.Yearly, "0001-01-01", "0001-12-31", 1)]
    [InlineData("9999-12-31", Periodicity.Daily, "9999-12-31", "9999-12-31", 9999)]
    public void Parses_codes_and_formats_them_back(string code, Periodicity periodicity, string start, string end, int year)
    {
        var p = Period.Parse(code);

        Assert.Equal(periodicity, p.Periodicity);
        Assert.Equal(DateOnly.ParseExact(start, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), p.Start);
        Assert.Equal(DateOnly.ParseExact(end, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), p.End);
        Assert.Equal(year, p.Year);
        Assert.Equal(code, p.ToString());
        Assert.True(Period.TryParse(code, out var again));
        Assert.Equal(p, again);
    }

    [Fact]
    public void Reads_A1_as_the_year_and_writes_the_plain_year()
    {
        var p = Period.Parse("2026-A1");

        Assert.Equal(Period.Year(2026), p);
        Assert.Equal("2026", p.ToString());
    }

    [Fact]
    public void Factories_build_the_periods_their_codes_name()
    {
        Assert.Equal("2026-05-14", Period.Day(D(2026, 5, 14)).ToString());
        Assert.Equal("2026-W20", Period.Week(2026, 20).ToString());
        Assert.Equal("2026-M05", Period.Month(2026, 5).ToString());
        Assert.Equal("2026-Q2", Period.Quarter(2026, 2).ToString());
        Assert.Equal("2026-S2", Period.HalfYear(2026, 2).ToString());
        Assert.Equal("2026", Period.Year(2026).ToString());
    }

    [Fact]
    public void Iso_week_years_differ_from_calendar_years_at_their_edges()
    {
        Assert.Equal("2025-W01", Period.Containing(D(2024, 12, 30), Periodicity.Weekly).ToString());
        Assert.Equal("2026-W53", Period.Containing(D(2027, 1, 1), Periodicity.Weekly).ToString());
        Assert.Equal("2020-W53", Period.Containing(D(2021, 1, 3), Periodicity.Weekly).ToString());
        Assert.Equal("2021-W01", Period.Containing(D(2021, 1, 4), Periodicity.Weekly).ToString());
        Assert.Equal(2026, Period.Week(2026, 53).Year);
        Assert.Equal(2027, Period.Week(2026, 53).End.Year);
        Assert.Equal(53, Period.InYear(2020, Periodicity.Weekly).Count());
        Assert.Equal(52, Period.InYear(2021, Periodicity.Weekly).Count());
    }

    [Fact]
    public void A_week_53_that_does_not_exist_is_refused()
    {
        Assert.True(Period.TryParse("2020-W53", out _));
        Assert.False(Period.TryParse("2021-W53", out _));
        var ex = Assert.Throws<FormatException>(() => Period.Parse("2021-W53"));
        Assert.Contains("2021-W53", ex.Message, StringComparison.Ordinal);
        Assert.Contains("52", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Week(2021, 53));
    }

    [Theory]
    [InlineData("2026-M13", "month")]
    [InlineData("2026-M00", "month")]
    [InlineData("2026-13-01", "month")]
    [InlineData("2026-02-29", "days 01 to 28")]
    [InlineData("2026-04-31", "days 01 to 30")]
    [InlineData("2026-W00", "weeks")]
    [InlineData("2026-W54", "weeks")]
    [InlineData("2026-Q0", "quarter")]
    [InlineData("2026-Q5", "quarter")]
    [InlineData("2026-S3", "half-year")]
    [InlineData("2026-A2", "A1")]
    [InlineData("0000", "year")]
    [InlineData("0000-M01", "year")]
    [InlineData("9999-W52", "9999-12-31")]
    [InlineData("", "expected")]
    [InlineData("26", "expected")]
    [InlineData("2026-", "expected")]
    [InlineData("2026-W5", "expected")]
    [InlineData("2026-M5", "expected")]
    [InlineData("2026-m05", "expected")]
    [InlineData("2026-Q02", "expected")]
    [InlineData("2026-5-14", "expected")]
    [InlineData("2026/05/14", "expected")]
    [InlineData(" 2026", "expected")]
    [InlineData("2026 ", "expected")]
    [InlineData("2026-M05 ", "expected")]
    [InlineData("-2026", "expected")]
    [InlineData("+2026-M05", "expected")]
    [InlineData("２０２６", "expected")]
    [InlineData("202६-M05", "expected")]
    [InlineData("2026-Q-1", "expected")]
    [InlineData("2026-X1", "expected")]
    [InlineData("2026Q1", "expected")]
    [InlineData("12026", "expected")]
    public void Bad_codes_are_refused_with_a_message_saying_what_is_wrong(string code, string hint)
    {
        Assert.False(Period.TryParse(code, out var result));
        Assert.Equal(default, result);
        var ex = Assert.Throws<FormatException>(() => Period.Parse(code));
        Assert.Contains($"'{code}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(hint, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_bad_input_not_a_crash()
    {
        Assert.False(Period.TryParse(null, out _));
        Assert.Throws<FormatException>(() => Period.Parse(null!));
    }

    [Fact]
    public void A_huge_input_is_not_echoed_in_full()
    {
        var huge = new string('9', 100_000);
        var ex = Assert.Throws<FormatException>(() => Period.Parse(huge));
        Assert.True(ex.Message.Length < 400, ex.Message);
    }

    [Fact]
    public void Factories_refuse_numbers_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Month(2026, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Month(2026, 13));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Quarter(2026, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.HalfYear(2026, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Year(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Year(10_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Week(2026, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Week(9999, 52));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Containing(D(2026, 1, 1), (Periodicity)42));
    }

    [Fact]
    public void Default_is_the_first_day_of_year_1()
    {
        Period p = default;
        Assert.Equal(Period.Day(DateOnly.MinValue), p);
        Assert.Equal("0001-01-01", p.ToString());
        Assert.Equal(1, p.Year);
    }

    [Fact]
    public void Containing_finds_the_period_of_each_periodicity()
    {
        var date = D(2026, 8, 19);
        Assert.Equal(Period.Day(date), Period.Containing(date, Periodicity.Daily));
        Assert.Equal(Period.Week(2026, 34), Period.Containing(date, Periodicity.Weekly));
        Assert.Equal(Period.Month(2026, 8), Period.Containing(date, Periodicity.Monthly));
        Assert.Equal(Period.Quarter(2026, 3), Period.Containing(date, Periodicity.Quarterly));
        Assert.Equal(Period.HalfYear(2026, 2), Period.Containing(date, Periodicity.HalfYearly));
        Assert.Equal(Period.Year(2026), Period.Containing(date, Periodicity.Yearly));
    }

    [Fact]
    public void Contains_is_about_dates_and_includes_itself()
    {
        var q2 = Period.Quarter(2026, 2);
        Assert.True(q2.Contains(q2));
        Assert.True(q2.Contains(Period.Month(2026, 5)));
        Assert.False(q2.Contains(Period.Month(2026, 7)));
        Assert.False(Period.Month(2026, 5).Contains(q2));
        Assert.True(q2.Contains(D(2026, 4, 1)));
        Assert.True(q2.Contains(D(2026, 6, 30)));
        Assert.False(q2.Contains(D(2026, 3, 31)));
        Assert.False(q2.Contains(D(2026, 7, 1)));
        // 2026-W53 runs into January 2027, so no month or calendar year holds it.
        Assert.False(Period.Year(2026).Contains(Period.Week(2026, 53)));
        Assert.False(Period.Month(2026, 12).Contains(Period.Week(2026, 53)));
        Assert.True(Period.Month(2026, 1).Contains(Period.Week(2026, 2)));
    }

    [Fact]
    public void Previous_and_Next_cross_year_boundaries()
    {
        Assert.Equal(Period.Month(2025, 12), Period.Month(2026, 1).Previous());
        Assert.Equal(Period.Month(2027, 1), Period.Month(2026, 12).Next());
        Assert.Equal(Period.Quarter(2025, 4), Period.Quarter(2026, 1).Previous());
        Assert.Equal(Period.HalfYear(2027, 1), Period.HalfYear(2026, 2).Next());
        Assert.Equal(Period.Year(2025), Period.Year(2026).Previous());
        Assert.Equal(Period.Week(2027, 1), Period.Week(2026, 53).Next());
        Assert.Equal(Period.Week(2020, 53), Period.Week(2021, 1).Previous());
        Assert.Equal(Period.Day(D(2024, 2, 29)), Period.Day(D(2024, 3, 1)).Previous());
        Assert.Equal(Period.Day(D(2027, 1, 1)), Period.Day(D(2026, 12, 31)).Next());
    }

    [Fact]
    public void Previous_and_Next_stop_at_the_ends_of_the_calendar()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Year(9999).Next());
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Month(1, 1).Previous());
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Day(DateOnly.MaxValue).Next());
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Week(1, 1).Previous());
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.Year(1).SamePeriodLastYear());
        Assert.Equal(12, Period.InYear(9999, Periodicity.Monthly).Count());
        Assert.Equal(365, Period.Year(9999).Children(Periodicity.Daily).Count());
    }

    [Fact]
    public void Same_period_last_year()
    {
        Assert.Equal(Period.Day(D(2023, 2, 28)), Period.Day(D(2024, 2, 29)).SamePeriodLastYear());
        Assert.Equal(Period.Day(D(2025, 5, 14)), Period.Day(D(2026, 5, 14)).SamePeriodLastYear());
        Assert.Equal(Period.Month(2025, 5), Period.Month(2026, 5).SamePeriodLastYear());
        Assert.Equal(Period.Quarter(2025, 1), Period.Quarter(2026, 1).SamePeriodLastYear());
        Assert.Equal(Period.HalfYear(2025, 2), Period.HalfYear(2026, 2).SamePeriodLastYear());
        Assert.Equal(Period.Year(2025), Period.Year(2026).SamePeriodLastYear());
        Assert.Equal(Period.Week(2025, 20), Period.Week(2026, 20).SamePeriodLastYear());
        // 2025 has no week 53, so week 53 of 2026 is compared with week 52.
        Assert.Equal(Period.Week(2025, 52), Period.Week(2026, 53).SamePeriodLastYear());
        Assert.Equal(Period.Week(2020, 10), Period.Week(2021, 10).SamePeriodLastYear());
        Assert.Equal(Period.Week(2024, 1), Period.Week(2025, 1).SamePeriodLastYear());
    }

    [Fact]
    public void Parent_walks_up_nesting_periodicities()
    {
        var may = Period.Month(2026, 5);
        Assert.Equal(Period.Quarter(2026, 2), may.Parent(Periodicity.Quarterly));
        Assert.Equal(Period.HalfYear(2026, 1), may.Parent(Periodicity.HalfYearly));
        Assert.Equal(Period.Year(2026), may.Parent(Periodicity.Yearly));
        Assert.Equal(Period.HalfYear(2026, 2), Period.Quarter(2026, 3).Parent(Periodicity.HalfYearly));
        Assert.Equal(Period.Week(2026, 53), Period.Day(D(2027, 1, 2)).Parent(Periodicity.Weekly));
        Assert.Equal(Period.Year(2027), Period.Day(D(2027, 1, 2)).Parent(Periodicity.Yearly));
    }

    [Theory]
    [InlineData("2026-M05", Periodicity.Monthly)]
    [InlineData("2026-M05", Periodicity.Weekly)]
    [InlineData("2026-M05", Periodicity.Daily)]
    [InlineData("2026-Q2", Periodicity.Monthly)]
    [InlineData("2026", Periodicity.Quarterly)]
    [InlineData("2026-W20", Periodicity.Monthly)]
    [InlineData("2026-W20", Periodicity.Yearly)]
    [InlineData("2026-05-14", (Periodicity)9)]
    public void Parent_refuses_what_is_not_coarser_or_does_not_nest(string code, Periodicity coarser)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Period.Parse(code).Parent(coarser));
        Assert.Equal("coarser", ex.ParamName);
    }

    [Fact]
    public void Children_list_the_finer_periods_in_order()
    {
        Assert.Equal(
            [Period.Month(2026, 4), Period.Month(2026, 5), Period.Month(2026, 6)],
            Period.Quarter(2026, 2).Children(Periodicity.Monthly));
        Assert.Equal(
            [Period.Quarter(2026, 3), Period.Quarter(2026, 4)],
            Period.HalfYear(2026, 2).Children(Periodicity.Quarterly));
        Assert.Equal(366, Period.Year(2024).Children(Periodicity.Daily).Count());
        Assert.Equal(365, Period.Year(2026).Children(Periodicity.Daily).Count());
        Assert.Equal(7, Period.Week(2026, 53).Children(Periodicity.Daily).Count());
        Assert.Equal(29, Period.Month(2028, 2).Children(Periodicity.Daily).Count());
    }

    [Fact]
    public void Children_refuse_eagerly_what_is_not_finer_or_does_not_nest()
    {
        // Thrown at the call, not at the first MoveNext, so a bad request fails where it is made.
        Assert.Throws<ArgumentException>(() => Period.Year(2026).Children(Periodicity.Weekly));
        Assert.Throws<ArgumentException>(() => Period.Month(2026, 1).Children(Periodicity.Weekly));
        Assert.Throws<ArgumentException>(() => Period.Month(2026, 1).Children(Periodicity.Quarterly));
        Assert.Throws<ArgumentException>(() => Period.Month(2026, 1).Children(Periodicity.Monthly));
        Assert.Throws<ArgumentException>(() => Period.Week(2026, 1).Children(Periodicity.Weekly));
    }

    [Fact]
    public void InYear_lists_the_periods_that_start_in_the_year()
    {
        Assert.Equal(366, Period.InYear(2024, Periodicity.Daily).Count());
        Assert.Equal(12, Period.InYear(2026, Periodicity.Monthly).Count());
        Assert.Equal(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"], Period.InYear(2026, Periodicity.Quarterly).Select(p => p.ToString()));
        Assert.Equal(["2026-S1", "2026-S2"], Period.InYear(2026, Periodicity.HalfYearly).Select(p => p.ToString()));
        Assert.Equal([Period.Year(2026)], Period.InYear(2026, Periodicity.Yearly));
        var weeks = Period.InYear(2026, Periodicity.Weekly).ToList();
        Assert.Equal(53, weeks.Count);
        Assert.Equal(D(2025, 12, 29), weeks[0].Start);
        Assert.Equal(D(2027, 1, 3), weeks[^1].End);
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.InYear(0, Periodicity.Monthly));
        Assert.Throws<ArgumentOutOfRangeException>(() => Period.InYear(9999, Periodicity.Weekly));
    }

    [Fact]
    public void Sorting_is_by_start_then_finer_first()
    {
        var periods = new[]
        {
            Period.Year(2026), Period.Quarter(2026, 2), Period.Month(2026, 4), Period.Day(D(2026, 4, 1)),
            Period.Week(2026, 1), Period.Month(2026, 1), Period.HalfYear(2026, 1), Period.Day(D(2026, 3, 31)),
        };

        var sorted = periods.Order().Select(p => p.ToString());

        Assert.Equal(
            ["2026-W01", "2026-M01", "2026-S1", "2026", "2026-03-31", "2026-04-01", "2026-M04", "2026-Q2"],
            sorted);
        Assert.True(Period.Month(2026, 4) < Period.Quarter(2026, 2));
        Assert.True(Period.Quarter(2026, 2) > Period.Day(D(2026, 4, 1)));
        Assert.True(Period.Year(2026) >= Period.Year(2026));
        Assert.True(Period.Year(2026) <= Period.Year(2026));
        Assert.Equal(0, Period.Year(2026).CompareTo(Period.Year(2026)));
    }

    [Fact]
    public void Parses_through_IParsable_so_hosts_can_bind_codes()
    {
        Assert.Equal(Period.Quarter(2026, 3), ParseVia<Period>("2026-Q3"));
        Assert.False(TryParseVia<Period>("2026-Q9", out _));
    }

    private static T ParseVia<T>(string s) where T : IParsable<T> => T.Parse(s, null);

    private static bool TryParseVia<T>(string s, out T? result) where T : IParsable<T> => T.TryParse(s, null, out result);
}
