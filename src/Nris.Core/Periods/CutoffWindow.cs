using System.Globalization;

namespace Nris.Core.Periods;

/// <summary>
/// The data cutoff window (thời gian chốt số liệu) of a report: the days whose facts the report covers.
/// Both ends are inclusive. Under Decree 09/2019 it differs from the period itself: May's monthly report covers
/// 15 April to 14 May.
/// </summary>
/// <param name="Start">The first day covered.</param>
/// <param name="End">The last day covered.</param>
public readonly record struct CutoffWindow(DateOnly Start, DateOnly End)
{
    /// <summary>Whether <paramref name="date"/> lies in the window.</summary>
    public bool Contains(DateOnly date) => Start <= date && date <= End;

    /// <summary>The number of days in the window.</summary>
    public int Days => End.DayNumber - Start.DayNumber + 1;

    /// <summary>The window as an ISO 8601 interval, <c>2026-04-15/2026-05-14</c>.</summary>
    public override string ToString() =>
        Start.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture) + "/" +
        End.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
}
