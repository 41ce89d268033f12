using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Nris.Core.Periods;

/// <summary>
/// When a periodic report is due (thời hạn gửi báo cáo), as a regime states it, e.g. <c>day 20 of last month</c>
/// or <c>day 31 of month 3 of next year</c>. The due date is the last day on which the report is on time; see
/// <see cref="ReportingCalendar.DueInstant"/> for the instant it becomes late.
/// </summary>
/// <remarks>
/// The text is read without regard to case or spacing. A day number past the end of its month means that month's
/// last day, so <c>day 31 of last month</c> is 28 or 29 February for a period ending in February.
/// </remarks>
public sealed record DeadlineRule
{
    private const int MaxDaysAfter = 3660;

    /// <summary>The accepted forms, N and M standing for numbers.</summary>
    public static IReadOnlyList<string> Forms { get; } =
    [
        "day N of last month",
        "day N of next month",
        "N days after cutoff",
        "N days after end",
        "day N of month M of next year",
    ];

    private enum Kind
    {
        DayOfLastMonth,
        DayOfNextMonth,
        DaysAfterCutoff,
        DaysAfterEnd,
        DayOfMonthOfNextYear,
    }

    private readonly Kind _kind;
    private readonly int _number;
    private readonly int _month;

    private DeadlineRule(Kind kind, int number, int month = 0)
    {
        _kind = kind;
        _number = number;
        _month = month;
    }

    /// <summary>Reads a deadline rule in one of the <see cref="Forms"/>.</summary>
    /// <exception cref="FormatException">The text is not a rule; the message quotes it and lists the accepted forms.</exception>
    public static DeadlineRule Parse(string text) =>
        TryParseCore(text, out var rule, out var error) ? rule : throw new FormatException(error);

    /// <summary>Reads a deadline rule; false, and never an exception, when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out DeadlineRule? rule) =>
        TryParseCore(text, out rule, out _);

    /// <summary>The due date of the report for <paramref name="period"/> whose data are cut off at <paramref name="cutoff"/>.</summary>
    /// <remarks>A rule can give a date before the cutoff ends (<c>day 10 of last month</c> with Decree 09 windows
    /// ending on the 14th); that is a regime's mistake, reported where regimes are checked rather than here.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The date would fall after 9999-12-31.</exception>
    public DateOnly DeadlineFor(Period period, CutoffWindow cutoff)
    {
        var end = period.End;
        switch (_kind)
        {
            case Kind.DayOfLastMonth:
                return DayOfMonth(end.Year, end.Month, _number);
            case Kind.DayOfNextMonth:
                var next = end.AddMonths(1);
                return DayOfMonth(next.Year, next.Month, _number);
            case Kind.DaysAfterCutoff:
                return cutoff.End.AddDays(_number);
            case Kind.DaysAfterEnd:
                return end.AddDays(_number);
            default:
                if (end.Year >= Period.MaxYear)
                {
                    throw new ArgumentOutOfRangeException(nameof(period), period, "The deadline would fall after 9999-12-31.");
                }

                return DayOfMonth(end.Year + 1, _month, _number);
        }
    }

    /// <summary>The canonical text of the rule, which <see cref="Parse"/> reads back to an equal rule.</summary>
    public override string ToString() => _kind switch
    {
        Kind.DayOfLastMonth => string.Create(CultureInfo.InvariantCulture, $"day {_number} of last month"),
        Kind.DayOfNextMonth => string.Create(CultureInfo.InvariantCulture, $"day {_number} of next month"),
        Kind.DaysAfterCutoff => string.Create(CultureInfo.InvariantCulture, $"{_number} {DayWord(_number)} after cutoff"),
        Kind.DaysAfterEnd => string.Create(CultureInfo.InvariantCulture, $"{_number} {DayWord(_number)} after end"),
        _ => string.Create(CultureInfo.InvariantCulture, $"day {_number} of month {_month} of next year"),
    };

    private static string DayWord(int n) => n == 1 ? "day" : "days";

    private static DateOnly DayOfMonth(int year, int month, int day) =>
        new(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)));

    private static bool TryParseCore(string? text, [NotNullWhen(true)] out DeadlineRule? rule, [NotNullWhen(false)] out string? error)
    {
        rule = null;
        if (text is null)
        {
            error = Explain("A deadline rule is required, but the text is null.");
            return false;
        }

        var words = text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        string? problem;
        if (words is ["day", var n, "of", "last", "month"])
        {
            if (TryNumber(n, 1, 31, "the day", out var day, out problem))
            {
                rule = new DeadlineRule(Kind.DayOfLastMonth, day);
            }
        }
        else if (words is ["day", var n2, "of", "next", "month"])
        {
            if (TryNumber(n2, 1, 31, "the day", out var day, out problem))
            {
                rule = new DeadlineRule(Kind.DayOfNextMonth, day);
            }
        }
        else if (words is [var n3, "days" or "day", "after", "cutoff" or "end"])
        {
            if (TryNumber(n3, 0, MaxDaysAfter, "the number of days", out var days, out problem))
            {
                rule = new DeadlineRule(words[3] == "cutoff" ? Kind.DaysAfterCutoff : Kind.DaysAfterEnd, days);
            }
        }
        else if (words is ["day", var n4, "of", "month", var m, "of", "next", "year"])
        {
            if (TryNumber(n4, 1, 31, "the day", out var day, out problem) &&
                TryNumber(m, 1, 12, "the month", out var month, out problem))
            {
                rule = new DeadlineRule(Kind.DayOfMonthOfNextYear, day, month);
            }
        }
        else
        {
            problem = "it matches none of the accepted forms";
        }

        if (rule is not null)
        {
            error = null;
            return true;
        }

        var shown = text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");
        error = Explain($"'{shown}' is not a deadline rule: {problem}.");
        return false;
    }

    private static string Explain(string what) =>
        what + " Accepted forms: " + string.Join(", ", Forms.Select(f => "'" + f + "'")) + ".";

    // ASCII digits only, so "٢٠" or "+5" or "1e3" are not numbers here; the length cap keeps int from overflowing.
    private static bool TryNumber(string word, int min, int max, string what, out int value, [NotNullWhen(false)] out string? problem)
    {
        value = 0;
        var isNumber = word.Length is > 0 and <= 6;
        foreach (var c in word)
        {
            isNumber &= char.IsAsciiDigit(c);
            value = isNumber ? (value * 10) + (c - '0') : 0;
        }

        if (!isNumber || value < min || value > max)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"{what} must be a whole number from {min} to {max}, not '{word}'");
            return false;
        }

        problem = null;
        return true;
    }
}
