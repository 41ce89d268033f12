using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Periods;
using static Nris.Core.Tests.Periods.PeriodGen;

namespace Nris.Core.Tests.Periods;

public class PeriodPropertyTests
{
    [Fact]
    public void Parse_reads_back_what_ToString_writes() =>
        Holds(AnyPeriod, p =>
        {
            Assert.Equal(p, Period.Parse(p.ToString()));
            Assert.True(Period.TryParse(p.ToString(), out var again));
            Assert.Equal(p, again);
        }, runs: 2000);

    [Fact]
    public void TryParse_never_throws_and_Parse_throws_only_FormatException() =>
        Holds(CodeLike, s =>
        {
            var ok = Period.TryParse(s, out var p);
            try
            {
                var parsed = Period.Parse(s);
                Assert.True(ok);
                Assert.Equal(p, parsed);
                // Whatever is accepted is accepted in canonical form, apart from the YYYY-A1 alias.
                Assert.True(parsed.ToString() == s || s.EndsWith("-A1", StringComparison.Ordinal), s);
            }
            catch (FormatException ex)
            {
                Assert.False(ok);
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
        }, runs: 5000);

    [Fact]
    public void Weeks_agree_with_the_framework_iso_calendar() =>
        Holds(Dates, d =>
        {
            var week = Period.Containing(d, Periodicity.Weekly);
            var dt = d.ToDateTime(TimeOnly.MinValue);
            Assert.Equal(ISOWeek.GetYear(dt), week.Year);
            Assert.Equal(
                string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(dt):D4}-W{ISOWeek.GetWeekOfYear(dt):D2}"),
                week.ToString());
            Assert.Equal(DayOfWeek.Monday, week.Start.DayOfWeek);
            Assert.Equal(7, week.Days);
        }, runs: 2000);

    [Fact]
    public void Containing_holds_the_date() =>
        Holds(Dates.SelectMany(d => Periodicities.Select(f => (d, f))), x =>
        {
            var p = Period.Containing(x.d, x.f);
            Assert.Equal(x.f, p.Periodicity);
            Assert.True(p.Contains(x.d));
            Assert.True(p.Contains(Period.Day(x.d)));
            Assert.Equal(p, Period.Containing(p.Start, x.f));
            Assert.Equal(p, Period.Containing(p.End, x.f));
        }, runs: 2000);

    [Fact]
    public void Next_and_Previous_undo_each_other_and_leave_no_gap() =>
        Holds(AnyPeriod, p =>
        {
            Assert.Equal(p, p.Next().Previous());
            Assert.Equal(p, p.Previous().Next());
            Assert.Equal(p.End.AddDays(1), p.Next().Start);
            Assert.Equal(p.Start.AddDays(-1), p.Previous().End);
            Assert.Equal(p.Periodicity, p.Next().Periodicity);
            Assert.True(p < p.Next());
        }, runs: 2000);

    [Fact]
    public void Children_tile_their_parent_and_name_it_as_parent() =>
        Holds(NestingPairs, x =>
        {
            var (parent, finer) = x;
            var children = parent.Children(finer).ToList();

            Assert.Equal(parent.Start, children[0].Start);
            Assert.Equal(parent.End, children[^1].End);
            for (var i = 0; i < children.Count; i++)
            {
                Assert.Equal(finer, children[i].Periodicity);
                Assert.True(parent.Contains(children[i]));
                Assert.Equal(parent, children[i].Parent(parent.Periodicity));
                if (i > 0)
                {
                    Assert.Equal(children[i - 1].End.AddDays(1), children[i].Start);
                }
            }

            Assert.Equal(parent.Days, children.Sum(c => c.Days));
        }, runs: 300);

    [Fact]
    public void A_parent_contains_its_child() =>
        Holds(NestingPairs.SelectMany(x => Gen.Elements(x.Parent.Children(x.Finer).ToArray())), child =>
        {
            foreach (var coarser in Enum.GetValues<Periodicity>().Where(c => c > child.Periodicity && c != Periodicity.Weekly))
            {
                if (child.Periodicity == Periodicity.Weekly)
                {
                    Assert.Throws<ArgumentException>(() => child.Parent(coarser));
                    continue;
                }

                var parent = child.Parent(coarser);
                Assert.Equal(coarser, parent.Periodicity);
                Assert.True(parent.Contains(child));
                Assert.Contains(child, parent.Children(child.Periodicity));
            }
        }, runs: 500);

    [Fact]
    public void Same_period_last_year_is_one_year_earlier() =>
        Holds(AnyPeriod, p =>
        {
            var last = p.SamePeriodLastYear();
            Assert.Equal(p.Periodicity, last.Periodicity);
            Assert.Equal(p.Year - 1, last.Year);
            switch (p.Periodicity)
            {
                case Periodicity.Weekly:
                    var week = ISOWeek.GetWeekOfYear(p.Start.ToDateTime(TimeOnly.MinValue));
                    var lastWeek = ISOWeek.GetWeekOfYear(last.Start.ToDateTime(TimeOnly.MinValue));
                    Assert.Equal(week == 53 && ISOWeek.GetWeeksInYear(p.Year - 1) == 52 ? 52 : week, lastWeek);
                    break;
                case Periodicity.Daily when p.Start is { Month: 2, Day: 29 }:
                    Assert.Equal(new DateOnly(p.Year - 1, 2, 28), last.Start);
                    break;
                default:
                    Assert.Equal(p.Start.Month, last.Start.Month);
                    Assert.Equal(p.Start.Day, last.Start.Day);
                    Assert.Equal(p.Days - (p.Periodicity == Periodicity.Daily ? 0 : LeapDayIn(p) - LeapDayIn(last)), last.Days);
                    break;
            }
        }, runs: 2000);

    [Fact]
    public void InYear_tiles_the_year_for_calendar_periodicities_and_the_iso_year_for_weeks() =>
        Holds(Years.SelectMany(y => Periodicities.Select(f => (y, f))), x =>
        {
            var periods = Period.InYear(x.y, x.f).ToList();
            Assert.All(periods, p => Assert.Equal(x.y, p.Year));
            for (var i = 1; i < periods.Count; i++)
            {
                Assert.Equal(periods[i - 1].Next(), periods[i]);
            }

            if (x.f == Periodicity.Weekly)
            {
                Assert.Equal(ISOWeek.GetWeeksInYear(x.y), periods.Count);
                Assert.Equal(1, ISOWeek.GetWeekOfYear(periods[0].Start.ToDateTime(TimeOnly.MinValue)));
                Assert.NotEqual(x.y, periods[^1].Next().Year);
            }
            else
            {
                Assert.Equal(new DateOnly(x.y, 1, 1), periods[0].Start);
                Assert.Equal(new DateOnly(x.y, 12, 31), periods[^1].End);
            }
        }, runs: 300);

    [Fact]
    public void Ordering_is_by_start_then_finer_first() =>
        Holds(AnyPeriod.Two(), x =>
        {
            var (a, b) = x;
            var expected = a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Periodicity.CompareTo(b.Periodicity);
            Assert.Equal(Math.Sign(expected), Math.Sign(a.CompareTo(b)));
            Assert.Equal(-Math.Sign(a.CompareTo(b)), Math.Sign(b.CompareTo(a)));
            Assert.Equal(a == b, a.CompareTo(b) == 0);
        }, runs: 2000);

    private static Gen<(Period Parent, Periodicity Finer)> NestingPairs { get; } =
        AnyPeriod.Where(p => p.Periodicity != Periodicity.Daily).SelectMany(p =>
            Gen.Elements(Enum.GetValues<Periodicity>()
                .Where(f => f < p.Periodicity && f != Periodicity.Weekly)
                .ToArray())
            .Select(f => (p, f)));

    private static int LeapDayIn(Period p) =>
        DateTime.IsLeapYear(p.Start.Year) && p.Contains(new DateOnly(p.Start.Year, 2, 29)) ? 1 : 0;
}
