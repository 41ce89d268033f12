using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Periods;
using static Nris.Core.Tests.Periods.PeriodGen;

namespace Nris.Core.Tests.Periods;

public class ReportingCalendarTests
{
    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static CutoffWindow W(string start, string end) => new(D(start), D(end));

    [Theory]
    [InlineData("2026-M01", "2025-12-15", "2026-01-14")]
    [InlineData("2026-M02", "2026-01-15", "2026-02-14")]
    [InlineData("2026-M03", "2026-02-15", "2026-03-14")]
    [InlineData("2026-M05", "2026-04-15", "2026-05-14")]
    [InlineData("2026-M12", "2026-11-15", "2026-12-14")]
    [InlineData("2026-Q1", "2025-12-15", "2026-03-14")]
    [InlineData("2026-Q2", "2026-03-15", "2026-06-14")]
    [InlineData("2026-Q3", "2026-06-15", "2026-09-14")]
    [InlineData("2026-Q4", "2026-09-15", "2026-12-14")]
    [InlineData("2026-S1", "2025-12-15", "2026-06-14")]
    [InlineData("2026-S2", "2026-06-15", "2026-12-14")]
    [InlineData("2026", "2025-12-15", "2026-12-14")]
    [InlineData("2025", "2024-12-15", "2025-12-14")]
    [InlineData("2024-M03", "2024-02-15", "2024-03-14")]
    [InlineData("2026-05-14", "2026-05-14", "2026-05-14")]
    [InlineData("2026-01-01", "2026-01-01", "2026-01-01")]
    [InlineData("2026-W20", "2026-05-11", "2026-05-17")]
    [InlineData("2026-W53", "2026-12-28", "2027-01-03")]
    [InlineData("2025-W01", "2024-12-30", "2025-01-05")]
    public void Decree09_windows_follow_article_12(string code, string start, string end)
    {
        Assert.Equal(W(start, end), ReportingCalendar.Cutoff(Period.Parse(code), "decree09"));
    }

    [Theory]
    [InlineData("2026-M01")]
    [InlineData("2024-M02")]
    [InlineData("2026-Q1")]
    [InlineData("2026-S2")]
    [InlineData("2026")]
    [InlineData("2026-W53")]
    [InlineData("2026-05-14")]
    public void The_calendar_rule_covers_the_period_itself(string code)
    {
        var p = Period.Parse(code);
        Assert.Equal(new CutoffWindow(p.Start, p.End), ReportingCalendar.Cutoff(p, "calendar"));
        Assert.Equal(new CutoffWindow(p.Start, p.End), ReportingCalendar.Cutoff(p, ReportingCalendar.CalendarRule));
    }

    [Fact]
    public void Rule_names_are_read_without_regard_to_case()
    {
        var may = Period.Month(2026, 5);
        Assert.Equal(ReportingCalendar.Cutoff(may, "decree09"), ReportingCalendar.Cutoff(may, "Decree09"));
        Assert.Equal(ReportingCalendar.Cutoff(may, "calendar"), ReportingCalendar.Cutoff(may, "CALENDAR"));
    }

    [Theory]
    [InlineData("decree9")]
    [InlineData("decree 09")]
    [InlineData("")]
    [InlineData("nghị định 09")]
    public void An_unknown_cutoff_rule_is_named_in_the_error(string rule)
    {
        var ex = Assert.Throws<ArgumentException>(() => ReportingCalendar.Cutoff(Period.Month(2026, 5), rule));
        Assert.Contains($"'{rule}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("cutoffRule", ex.ParamName);
    }

    [Fact]
    public void A_null_cutoff_rule_is_an_argument_error()
    {
        Assert.ThrowsAny<ArgumentException>(() => ReportingCalendar.Cutoff(Period.Month(2026, 5), null!));
    }

    [Fact]
    public void Decree09_windows_tile_time_for_every_periodicity() =>
        Holds(AnyPeriod, p =>
        {
            var window = ReportingCalendar.Cutoff(p, "decree09");
            var next = ReportingCalendar.Cutoff(p.Next(), "decree09");
            Assert.True(window.Start <= window.End);
            Assert.Equal(window.End.AddDays(1), next.Start);
            if (p.Periodicity >= Periodicity.Monthly)
            {
                // Article 12 windows run from a 15th to a 14th and end in the period's last month.
                Assert.Equal(15, window.Start.Day);
                Assert.Equal(14, window.End.Day);
                Assert.Equal((p.End.Year, p.End.Month), (window.End.Year, window.End.Month));
                Assert.Equal(p.Start.AddMonths(-1).Month, window.Start.Month);
            }
            else
            {
                Assert.Equal(new CutoffWindow(p.Start, p.End), window);
            }
        }, runs: 2000);

    [Fact]
    public void A_decree09_year_of_windows_covers_each_day_exactly_once() =>
        Holds(Years.SelectMany(y => Gen.Elements(Periodicity.Monthly, Periodicity.Quarterly, Periodicity.HalfYearly, Periodicity.Yearly)
            .Select(f => (y, f))), x =>
        {
            var windows = Period.InYear(x.y, x.f).Select(p => ReportingCalendar.Cutoff(p, "decree09")).ToList();
            Assert.Equal(new DateOnly(x.y - 1, 12, 15), windows[0].Start);
            Assert.Equal(new DateOnly(x.y, 12, 14), windows[^1].End);
            Assert.Equal(
                new DateOnly(x.y, 12, 14).DayNumber - new DateOnly(x.y - 1, 12, 15).DayNumber + 1,
                windows.Sum(w => w.Days));
            var day = windows[0].Start;
            foreach (var w in windows)
            {
                Assert.Equal(day, w.Start);
                day = w.End.AddDays(1);
            }
        }, runs: 300);

    [Fact]
    public void Cutoff_window_formats_as_an_iso_interval()
    {
        var w = ReportingCalendar.Cutoff(Period.Month(2026, 1), "decree09");
        Assert.Equal("2025-12-15/2026-01-14", w.ToString());
        Assert.Equal(31, w.Days);
        Assert.True(w.Contains(D("2025-12-15")));
        Assert.True(w.Contains(D("2026-01-14")));
        Assert.False(w.Contains(D("2026-01-15")));
        Assert.False(w.Contains(D("2025-12-14")));
    }

    [Fact]
    public void Due_instant_is_midnight_after_the_deadline_in_Vietnam_time()
    {
        var due = ReportingCalendar.DueInstant(D("2026-05-20"));

        Assert.Equal(new DateTimeOffset(2026, 5, 21, 0, 0, 0, TimeSpan.FromHours(7)), due);
        Assert.Equal(new DateTime(2026, 5, 20, 17, 0, 0, DateTimeKind.Utc), due.UtcDateTime);
        Assert.Equal(TimeSpan.FromHours(7), due.Offset);
        Assert.True(new DateTimeOffset(2026, 5, 20, 23, 59, 59, TimeSpan.FromHours(7)) < due);
        Assert.True(new DateTimeOffset(2026, 5, 20, 16, 59, 59, TimeSpan.Zero) < due);
        Assert.False(new DateTimeOffset(2026, 5, 20, 17, 0, 0, TimeSpan.Zero) < due);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(7)), ReportingCalendar.DueInstant(D("2026-12-31")));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.FromHours(7)), ReportingCalendar.DueInstant(D("2024-02-29")));
    }

    [Fact]
    public void PeriodsOfYear_lists_the_monthly_decree09_calendar()
    {
        var months = ReportingPeriod.PeriodsOfYear(2026, Periodicity.Monthly, "decree09", "day 20 of last month");

        Assert.Equal(12, months.Count);
        Assert.Equal(new ReportingPeriod(Period.Month(2026, 1), W("2025-12-15", "2026-01-14"), D("2026-01-20")), months[0]);
        Assert.Equal(new ReportingPeriod(Period.Month(2026, 2), W("2026-01-15", "2026-02-14"), D("2026-02-20")), months[1]);
        Assert.Equal(new ReportingPeriod(Period.Month(2026, 12), W("2026-11-15", "2026-12-14"), D("2026-12-20")), months[11]);
        Assert.Equal(Period.InYear(2026, Periodicity.Monthly), months.Select(m => m.Period));
    }

    [Fact]
    public void PeriodsOfYear_lists_annual_quarterly_and_weekly_calendars()
    {
        var year = Assert.Single(ReportingPeriod.PeriodsOfYear(2026, Periodicity.Yearly, "decree09", "day 31 of month 3 of next year"));
        Assert.Equal(new ReportingPeriod(Period.Year(2026), W("2025-12-15", "2026-12-14"), D("2027-03-31")), year);

        var quarters = ReportingPeriod.PeriodsOfYear(2026, Periodicity.Quarterly, "calendar", "15 days after end");
        Assert.Equal([D("2026-04-15"), D("2026-07-15"), D("2026-10-15"), D("2027-01-15")], quarters.Select(q => q.Deadline));

        var weeks = ReportingPeriod.PeriodsOfYear(2020, Periodicity.Weekly, "decree09", "1 day after cutoff");
        Assert.Equal(53, weeks.Count);
        Assert.Equal(new ReportingPeriod(Period.Week(2020, 1), W("2019-12-30", "2020-01-05"), D("2020-01-06")), weeks[0]);
        Assert.Equal(D("2021-01-04"), weeks[^1].Deadline);
        Assert.Equal(52, ReportingPeriod.PeriodsOfYear(2021, Periodicity.Weekly, "calendar", "0 days after end").Count);

        Assert.Equal(366, ReportingPeriod.PeriodsOfYear(2024, Periodicity.Daily, "calendar", "0 days after end").Count);
    }

    [Fact]
    public void PeriodsOfYear_refuses_bad_rules()
    {
        Assert.Throws<ArgumentException>(() => ReportingPeriod.PeriodsOfYear(2026, Periodicity.Monthly, "decree10", "day 20 of last month"));
        Assert.Throws<FormatException>(() => ReportingPeriod.PeriodsOfYear(2026, Periodicity.Monthly, "decree09", "day 20 of the month"));
    }

    [Fact]
    public void Every_period_of_every_year_gets_a_calendar() =>
        Holds(Years.Where(y => y < 9998).SelectMany(y => Periodicities.Select(f => (y, f))), x =>
        {
            var rows = ReportingPeriod.PeriodsOfYear(x.y, x.f, "decree09", "5 days after cutoff");
            Assert.Equal(Period.InYear(x.y, x.f), rows.Select(r => r.Period));
            Assert.All(rows, r => Assert.Equal(r.Cutoff.End.AddDays(5), r.Deadline));
        }, runs: 200);
}
