namespace Nris.Core.Validation;

/// <summary>Which period a cell reference reads.</summary>
public enum PeriodShift
{
    /// <summary>The period being reported.</summary>
    Current = 0,
    /// <summary>The period before it (<c>prev(x)</c>).</summary>
    Previous = 1,
    /// <summary>The same period one year earlier (<c>same_period_last_year(x)</c>, cùng kỳ năm trước).</summary>
    SamePeriodLastYear = 2,
}

/// <summary>Supplies cell values to rule evaluation.</summary>
public interface IRuleData
{
    /// <summary>The value of a cell, or null when the cell is blank.</summary>
    /// <param name="rowCode">Row code, e.g. "A01" (case-sensitive).</param>
    /// <param name="column">Column code: "_T" for the total (a bare <c>A01</c>), or a codelist code such as "F".</param>
    /// <param name="shift">Which period to read.</param>
    decimal? Value(string rowCode, string column, PeriodShift shift);
}

/// <summary>Adapters that make <see cref="IRuleData"/> from simpler shapes.</summary>
public static class RuleData
{
    /// <summary>Reads cells through a delegate.</summary>
    public static IRuleData From(Func<string, string, PeriodShift, decimal?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new DelegateData(value);
    }

    /// <summary>No cell has a value: every reference is blank.</summary>
    public static IRuleData Empty { get; } = new DelegateData(static (_, _, _) => null);

    private sealed class DelegateData(Func<string, string, PeriodShift, decimal?> value) : IRuleData
    {
        public decimal? Value(string rowCode, string column, PeriodShift shift) => value(rowCode, column, shift);
    }
}
