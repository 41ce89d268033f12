namespace Nris.Core.Periods;

/// <summary>
/// Holds <c>Period.Year(int)</c>. C# does not let <see cref="Period"/> declare a <c>Year</c> method next to its
/// <see cref="Period.Year"/> property, so the factory is a static extension member and reads the same at the call site.
/// </summary>
public static class PeriodYearFactory
{
    extension(Period)
    {
        /// <summary>The calendar year <paramref name="year"/> (code <c>2026</c>).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The year is outside 1–9999.</exception>
        public static Period Year(int year) => Period.CalendarYear(year);
    }
}
