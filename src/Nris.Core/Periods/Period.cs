using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Nris.Core.Periods;

/// <summary>
/// A reporting period (kỳ báo cáo): a day, an ISO week, a month, a quarter, a half-year or a year.
/// Its code is the SDMX / ISO 8601 form used on the wire and in storage:
/// <c>2026-05-14</c>, <c>2026-W20</c>, <c>2026-M05</c>, <c>2026-Q2</c>, <c>2026-S1</c>, <c>2026</c>.
/// </summary>
/// <remarks>
/// Weeks are ISO 8601 weeks (Monday to Sunday, week 1 holds the year's first Thursday), so
/// <c>2026-W53</c> ends on 3 January 2027 and its <see cref="Year"/> is the ISO week-year, not the calendar year
/// of every day in it. Every other periodicity nests in calendar years. Years run from 1 to 9999, as far as
/// <see cref="DateOnly"/> reaches; an operation whose result would fall outside that throws
/// <see cref="ArgumentOutOfRangeException"/>.
/// </remarks>
public readonly record struct Period : IComparable<Period>, IParsable<Period>
{
    /// <summary>The smallest year a period may belong to.</summary>
    public const int MinYear = 1;

    /// <summary>The largest year a period may belong to.</summary>
    public const int MaxYear = 9999;

    private const string AcceptedCodes =
        "YYYY-MM-DD (day), YYYY-Www (ISO week), YYYY-Mmm (month), YYYY-Qq (quarter), YYYY-Ss (half-year), YYYY or YYYY-A1 (year)";

    // The start day and the periodicity identify a period; everything else is derived, so two equal
    // periods cannot disagree about their end or year, and default(Period) is the valid day 0001-01-01.
    private readonly Periodicity _periodicity;
    private readonly DateOnly _start;

    private Period(Periodicity periodicity, DateOnly start)
    {
        _periodicity = periodicity;
        _start = start;
    }

    /// <summary>How long the period is.</summary>
    public Periodicity Periodicity => _periodicity;

    /// <summary>The first day of the period.</summary>
    public DateOnly Start => _start;

    /// <summary>The last day of the period (inclusive).</summary>
    public DateOnly End => _periodicity switch
    {
        Periodicity.Daily => _start,
        Periodicity.Weekly => _start.AddDays(6),
        Periodicity.Monthly => LastDayOfMonth(_start.Year, _start.Month),
        Periodicity.Quarterly => LastDayOfMonth(_start.Year, _start.Month + 2),
        Periodicity.HalfYearly => LastDayOfMonth(_start.Year, _start.Month + 5),
        _ => new DateOnly(_start.Year, 12, 31),
    };

    /// <summary>
    /// The year in the code: the ISO week-year for weeks (2024-12-30 is in 2025-W01), the calendar year otherwise.
    /// </summary>
    public int Year => _periodicity == Periodicity.Weekly
        ? ISOWeek.GetYear(_start.ToDateTime(TimeOnly.MinValue))
        : _start.Year;

    /// <summary>The number of days in the period.</summary>
    public int Days => End.DayNumber - _start.DayNumber + 1;

    /// <summary>The period of one day.</summary>
    public static Period Day(DateOnly date) => new(Periodicity.Daily, date);

    /// <summary>The ISO 8601 week <paramref name="week"/> of ISO week-year <paramref name="isoYear"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 1–9999, the week does not exist in it,
    /// or the week ends after 9999-12-31.</exception>
    public static Period Week(int isoYear, int week)
    {
        CheckYear(isoYear, nameof(isoYear));
        var weeks = ISOWeek.GetWeeksInYear(isoYear);
        if (week < 1 || week > weeks)
        {
            throw new ArgumentOutOfRangeException(nameof(week), week,
                string.Create(CultureInfo.InvariantCulture, $"ISO year {isoYear} has weeks 1 to {weeks}."));
        }

        if (!TryWeekStart(isoYear, week, out var start))
        {
            throw new ArgumentOutOfRangeException(nameof(week), week, "The week ends after 9999-12-31.");
        }

        return new Period(Periodicity.Weekly, start);
    }

    /// <summary>The calendar month <paramref name="month"/> (1–12) of <paramref name="year"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year or month is out of range.</exception>
    public static Period Month(int year, int month)
    {
        CheckYear(year, nameof(year));
        CheckNumber(month, 12, nameof(month));
        return new Period(Periodicity.Monthly, new DateOnly(year, month, 1));
    }

    /// <summary>The quarter <paramref name="q"/> (1–4) of <paramref name="year"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year or quarter is out of range.</exception>
    public static Period Quarter(int year, int q)
    {
        CheckYear(year, nameof(year));
        CheckNumber(q, 4, nameof(q));
        return new Period(Periodicity.Quarterly, new DateOnly(year, ((q - 1) * 3) + 1, 1));
    }

    /// <summary>The half-year <paramref name="half"/> (1 = January–June, 2 = July–December) of <paramref name="year"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year or half is out of range.</exception>
    public static Period HalfYear(int year, int half)
    {
        CheckYear(year, nameof(year));
        CheckNumber(half, 2, nameof(half));
        return new Period(Periodicity.HalfYearly, new DateOnly(year, half == 1 ? 1 : 7, 1));
    }

    // The public factory Period.Year(int) is a C# 14 static extension member (PeriodYearFactory): a type
    // cannot declare both the Year property and a Year method, and callers want both names.
    internal static Period CalendarYear(int year)
    {
        CheckYear(year, nameof(year));
        return new Period(Periodicity.Yearly, new DateOnly(year, 1, 1));
    }

    /// <summary>The period of periodicity <paramref name="periodicity"/> that contains <paramref name="date"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The periodicity is unknown, or the ISO week of the date
    /// ends after 9999-12-31.</exception>
    public static Period Containing(DateOnly date, Periodicity periodicity)
    {
        switch (periodicity)
        {
            case Periodicity.Daily:
                return new Period(Periodicity.Daily, date);
            case Periodicity.Weekly:
                // DayOfWeek counts from Sunday; ISO weeks start on Monday.
                var monday = date.DayNumber - (((int)date.DayOfWeek + 6) % 7);
                if (monday + 6 > DateOnly.MaxValue.DayNumber)
                {
                    throw new ArgumentOutOfRangeException(nameof(date), date, "The ISO week of this date ends after 9999-12-31.");
                }

                return new Period(Periodicity.Weekly, DateOnly.FromDayNumber(monday));
            case Periodicity.Monthly:
                return new Period(Periodicity.Monthly, new DateOnly(date.Year, date.Month, 1));
            case Periodicity.Quarterly:
                return new Period(Periodicity.Quarterly, new DateOnly(date.Year, ((date.Month - 1) / 3 * 3) + 1, 1));
            case Periodicity.HalfYearly:
                return new Period(Periodicity.HalfYearly, new DateOnly(date.Year, date.Month <= 6 ? 1 : 7, 1));
            case Periodicity.Yearly:
                return new Period(Periodicity.Yearly, new DateOnly(date.Year, 1, 1));
            default:
                throw new ArgumentOutOfRangeException(nameof(periodicity), periodicity, "Unknown periodicity.");
        }
    }

    /// <summary>
    /// All periods of periodicity <paramref name="periodicity"/> that start in <paramref name="year"/>, in order:
    /// for weeks, the 52 or 53 ISO weeks of ISO week-year <paramref name="year"/>; otherwise the calendar year's periods.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The year or periodicity is out of range.</exception>
    public static IEnumerable<Period> InYear(int year, Periodicity periodicity)
    {
        CheckYear(year, nameof(year));
        CheckPeriodicity(periodicity, nameof(periodicity));
        if (periodicity != Periodicity.Weekly)
        {
            return CalendarYear(year).Sequence(periodicity);
        }

        var weeks = ISOWeek.GetWeeksInYear(year);
        if (!TryWeekStart(year, weeks, out _))
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, "The last ISO week of this year ends after 9999-12-31.");
        }

        return Week(year, 1).Take(weeks);
    }

    /// <summary>Whether every day of <paramref name="other"/> lies in this period; a period contains itself.</summary>
    /// <remarks>This compares dates, so January contains the ISO week 5–11 January 2026 even though weeks do not
    /// nest in months in general (see <see cref="Parent"/>).</remarks>
    public bool Contains(Period other) => _start <= other._start && other.End <= End;

    /// <summary>Whether <paramref name="date"/> lies in this period.</summary>
    public bool Contains(DateOnly date) => _start <= date && date <= End;

    /// <summary>The period of the same periodicity just before this one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It would start before 0001-01-01.</exception>
    public Period Previous() => _periodicity switch
    {
        Periodicity.Daily or Periodicity.Weekly => Shifted(-Days),
        _ => ShiftedMonths(-MonthsIn(_periodicity)),
    };

    /// <summary>The period of the same periodicity just after this one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It would end after 9999-12-31.</exception>
    public Period Next() => _periodicity switch
    {
        Periodicity.Daily or Periodicity.Weekly => Shifted(Days),
        _ => ShiftedMonths(MonthsIn(_periodicity)),
    };

    /// <summary>
    /// The same period of the previous year (cùng kỳ năm trước), the comparison every Vietnamese report makes.
    /// For weeks: the same ISO week number of the previous ISO week-year, or its week 52 when that year has no week 53.
    /// For 29 February: 28 February.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">This period is in year 1.</exception>
    public Period SamePeriodLastYear()
    {
        var year = Year;
        if (year <= MinYear)
        {
            throw new ArgumentOutOfRangeException(null, "Year 1 has no previous year.");
        }

        if (_periodicity == Periodicity.Weekly)
        {
            var week = ISOWeek.GetWeekOfYear(_start.ToDateTime(TimeOnly.MinValue));
            return Week(year - 1, Math.Min(week, ISOWeek.GetWeeksInYear(year - 1)));
        }

        // AddYears turns 29 February into 28 February, which is what "the same day last year" means in a report.
        return new Period(_periodicity, _start.AddYears(-1));
    }

    /// <summary>The period of the coarser periodicity <paramref name="coarser"/> that this period lies in (a month's quarter).</summary>
    /// <exception cref="ArgumentException"><paramref name="coarser"/> is not coarser than this period, or this
    /// periodicity does not nest in it (ISO weeks nest in nothing but themselves: they straddle months and years).</exception>
    public Period Parent(Periodicity coarser)
    {
        CheckNests(_periodicity, coarser, nameof(coarser));
        return Containing(_start, coarser);
    }

    /// <summary>The periods of the finer periodicity <paramref name="finer"/> that make up this period, in order
    /// (a quarter's three months, a year's days).</summary>
    /// <exception cref="ArgumentException"><paramref name="finer"/> is not finer than this period, or does not nest in it
    /// (weeks do not nest in months, quarters, half-years or years).</exception>
    public IEnumerable<Period> Children(Periodicity finer)
    {
        CheckNests(finer, _periodicity, nameof(finer));
        return Sequence(finer);
    }

    /// <summary>Orders by <see cref="Start"/>, then finer periodicity first, so a month sorts before the quarter it opens.</summary>
    public int CompareTo(Period other)
    {
        var byStart = _start.CompareTo(other._start);
        return byStart != 0 ? byStart : _periodicity.CompareTo(other._periodicity);
    }

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    public static bool operator <(Period left, Period right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/> or equals it.</summary>
    public static bool operator <=(Period left, Period right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    public static bool operator >(Period left, Period right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/> or equals it.</summary>
    public static bool operator >=(Period left, Period right) => left.CompareTo(right) >= 0;

    /// <summary>The canonical code: <c>2026-05-14</c>, <c>2026-W20</c>, <c>2026-M05</c>, <c>2026-Q2</c>, <c>2026-S1</c> or <c>2026</c>.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var y = Year.ToString("D4", inv);
        return _periodicity switch
        {
            Periodicity.Daily => _start.ToString("yyyy'-'MM'-'dd", inv),
            Periodicity.Weekly => y + "-W" + ISOWeek.GetWeekOfYear(_start.ToDateTime(TimeOnly.MinValue)).ToString("D2", inv),
            Periodicity.Monthly => y + "-M" + _start.Month.ToString("D2", inv),
            Periodicity.Quarterly => y + "-Q" + (((_start.Month - 1) / 3) + 1).ToString(inv),
            Periodicity.HalfYearly => y + (_start.Month == 1 ? "-S1" : "-S2"),
            _ => y,
        };
    }

    /// <summary>Reads a period code (see <see cref="ToString"/>; <c>YYYY-A1</c> is also read as a year).</summary>
    /// <exception cref="FormatException">The text is null or not a valid code; the message says what is wrong.</exception>
    public static Period Parse(string s)
    {
        if (s is null)
        {
            // Callers read codes from files and forms, where a missing cell is bad input like any other.
            throw new FormatException("A period code is required, but the text is null.");
        }

        return TryParseCore(s, out var period, out var error) ? period : throw new FormatException(error);
    }

    /// <summary>Reads a period code; false, and never an exception, when <paramref name="s"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out Period result)
    {
        if (s is not null && TryParseCore(s, out result, out _))
        {
            return true;
        }

        result = default;
        return false;
    }

    static Period IParsable<Period>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<Period>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Period result) =>
        TryParse(s, out result);

    private static bool TryParseCore(string s, out Period result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        var text = s.AsSpan();
        if (text.Length < 4 || !TryDigits(text[..4], out var year))
        {
            error = Bad(s, "expected " + AcceptedCodes + ".");
            return false;
        }

        if (year < MinYear)
        {
            error = Bad(s, "the year must be 0001 to 9999.");
            return false;
        }

        if (text.Length == 4)
        {
            result = CalendarYear(year);
            error = null;
            return true;
        }

        if (text[4] != '-' || text.Length < 7)
        {
            error = Bad(s, "expected " + AcceptedCodes + ".");
            return false;
        }

        var designator = text[5];
        var rest = text[6..];
        if (char.IsAsciiDigit(designator))
        {
            return TryParseDay(s, year, text[5..], out result, out error);
        }

        if (!TryDigits(rest, out var number))
        {
            error = Bad(s, "expected " + AcceptedCodes + ".");
            return false;
        }

        switch (designator)
        {
            case 'W' when rest.Length == 2:
                var weeks = ISOWeek.GetWeeksInYear(year);
                if (number < 1 || number > weeks)
                {
                    error = Bad(s, string.Create(CultureInfo.InvariantCulture, $"ISO year {year:D4} has weeks 01 to {weeks}."));
                    return false;
                }

                if (!TryWeekStart(year, number, out var monday))
                {
                    error = Bad(s, "the week ends after 9999-12-31.");
                    return false;
                }

                result = new Period(Periodicity.Weekly, monday);
                break;
            case 'M' when rest.Length == 2:
                if (number is < 1 or > 12)
                {
                    error = Bad(s, "the month must be 01 to 12.");
                    return false;
                }

                result = Month(year, number);
                break;
            case 'Q' when rest.Length == 1:
                if (number is < 1 or > 4)
                {
                    error = Bad(s, "the quarter must be 1 to 4.");
                    return false;
                }

                result = Quarter(year, number);
                break;
            case 'S' when rest.Length == 1:
                if (number is < 1 or > 2)
                {
                    error = Bad(s, "the half-year must be 1 or 2.");
                    return false;
                }

                result = HalfYear(year, number);
                break;
            case 'A' when rest.Length == 1:
                if (number != 1)
                {
                    error = Bad(s, "a year has only A1.");
                    return false;
                }

                result = CalendarYear(year);
                break;
            default:
                error = Bad(s, "expected " + AcceptedCodes + ".");
                return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseDay(string s, int year, ReadOnlySpan<char> monthDay, out Period result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (monthDay.Length != 5 || monthDay[2] != '-' || !TryDigits(monthDay[..2], out var month) || !TryDigits(monthDay[3..], out var day))
        {
            error = Bad(s, "expected " + AcceptedCodes + ".");
            return false;
        }

        if (month is < 1 or > 12)
        {
            error = Bad(s, "the month must be 01 to 12.");
            return false;
        }

        var days = DateTime.DaysInMonth(year, month);
        if (day < 1 || day > days)
        {
            error = Bad(s, string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2} has days 01 to {days}."));
            return false;
        }

        result = Day(new DateOnly(year, month, day));
        error = null;
        return true;
    }

    // Only ASCII digits: char.IsDigit would let Arabic-Indic or full-width digits through, and int.Parse would
    // accept signs and spaces; a code has neither.
    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 4)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static string Bad(string s, string why)
    {
        // Echo enough of the input to find it in a file without letting a huge field flood the log.
        var shown = s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");
        return $"'{shown}' is not a period code: {why}";
    }

    private static bool TryWeekStart(int isoYear, int week, out DateOnly monday)
    {
        // Week 1 contains 4 January, so its Monday is at most three days before it.
        var jan4 = new DateOnly(isoYear, 1, 4).DayNumber;
        var first = jan4 - (((int)DateOnly.FromDayNumber(jan4).DayOfWeek + 6) % 7);
        var start = first + ((week - 1) * 7);
        if (start < DateOnly.MinValue.DayNumber || start + 6 > DateOnly.MaxValue.DayNumber)
        {
            monday = default;
            return false;
        }

        monday = DateOnly.FromDayNumber(start);
        return true;
    }

    private IEnumerable<Period> Take(int count)
    {
        var current = this;
        for (var i = 0; i < count; i++)
        {
            yield return current;
            if (i + 1 < count)
            {
                current = current.Next();
            }
        }
    }

    // The periods of `finer` from this period's start up to its end; callers have checked that they nest.
    private IEnumerable<Period> Sequence(Periodicity finer)
    {
        var end = End;
        var current = Containing(_start, finer);
        while (true)
        {
            yield return current;
            // Stop before Next() so the last period of 9999 does not step past DateOnly.MaxValue.
            if (current.End >= end)
            {
                yield break;
            }

            current = current.Next();
        }
    }

    private Period Shifted(int days)
    {
        var start = _start.DayNumber + days;
        if (start < DateOnly.MinValue.DayNumber || start + (Days - 1) > DateOnly.MaxValue.DayNumber)
        {
            throw new ArgumentOutOfRangeException(null, $"{this} has no neighbour in that direction within 0001-01-01 to 9999-12-31.");
        }

        return new Period(_periodicity, DateOnly.FromDayNumber(start));
    }

    private Period ShiftedMonths(int months)
    {
        var index = (_start.Year * 12) + _start.Month - 1 + months;
        if (index < MinYear * 12 || index >= (MaxYear + 1) * 12)
        {
            throw new ArgumentOutOfRangeException(null, $"{this} has no neighbour in that direction within 0001-01-01 to 9999-12-31.");
        }

        return new Period(_periodicity, new DateOnly(index / 12, (index % 12) + 1, 1));
    }

    private static int MonthsIn(Periodicity periodicity) => periodicity switch
    {
        Periodicity.Monthly => 1,
        Periodicity.Quarterly => 3,
        Periodicity.HalfYearly => 6,
        _ => 12,
    };

    private static DateOnly LastDayOfMonth(int year, int month) => new(year, month, DateTime.DaysInMonth(year, month));

    private static void CheckNests(Periodicity finer, Periodicity coarser, string paramName)
    {
        CheckPeriodicity(finer, paramName);
        CheckPeriodicity(coarser, paramName);
        if (finer >= coarser)
        {
            throw new ArgumentException($"{finer} is not finer than {coarser}.", paramName);
        }

        // A day lies in exactly one period of every kind; a week can straddle any calendar boundary.
        if (finer == Periodicity.Weekly)
        {
            throw new ArgumentException($"ISO weeks do not nest in {coarser} periods: a week can straddle their boundary.", paramName);
        }
    }

    private static void CheckPeriodicity(Periodicity periodicity, string paramName)
    {
        if (periodicity is < Periodicity.Daily or > Periodicity.Yearly)
        {
            throw new ArgumentOutOfRangeException(paramName, periodicity, "Unknown periodicity.");
        }
    }

    private static void CheckYear(int year, string paramName)
    {
        if (year is < MinYear or > MaxYear)
        {
            throw new ArgumentOutOfRangeException(paramName, year, "The year must be 1 to 9999.");
        }
    }

    private static void CheckNumber(int number, int max, string paramName)
    {
        if (number < 1 || number > max)
        {
            throw new ArgumentOutOfRangeException(paramName, number,
                string.Create(CultureInfo.InvariantCulture, $"It must be 1 to {max}."));
        }
    }
}
