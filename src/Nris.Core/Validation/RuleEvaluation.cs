using System.Globalization;

namespace Nris.Core.Validation;

/// <summary>The outcome of one rule on one report.</summary>
public enum RuleOutcome
{
    /// <summary>The rule holds.</summary>
    Pass = 0,
    /// <summary>The rule is broken.</summary>
    Fail = 1,
    /// <summary>
    /// The rule cannot be decided — a compared value is blank, or a division by zero — so it neither passes nor fails.
    /// A reporter is not blamed by a rule for a blank cell; whether the cell must be filled is checked separately.
    /// </summary>
    NotApplicable = 2,
}

/// <summary>A cell reference of a rule, resolved to the column and period it reads.</summary>
/// <param name="RowCode">Row code, e.g. "A01".</param>
/// <param name="Column">"_T" for a bare reference, else the code in brackets.</param>
/// <param name="Shift">The period read: current, previous, or the same period last year.</param>
public sealed record RuleCellReference(string RowCode, string Column, PeriodShift Shift);

/// <summary>A value involved in a rule, for its message: a compared quantity or a referenced cell.</summary>
/// <param name="Text">The expression as written in the rule, e.g. "A02 + A03" or "prev(B05)".</param>
/// <param name="Value">Its value; null when blank or undefined.</param>
/// <param name="IsUndefined">True when it could not be computed (division by zero, overflow), as opposed to blank.</param>
public sealed record RuleTermValue(string Text, decimal? Value, bool IsUndefined = false)
{
    /// <summary>"A02 + A03 = 90", or "= (trống)" for a blank, "= (không xác định)" for an undefined value.</summary>
    public string Format() => Text + " = " + RuleValues.Format(Value, IsUndefined, english: false);

    /// <summary>"A02 + A03 = 90", or "= (blank)", "= (undefined)".</summary>
    public string FormatEn() => Text + " = " + RuleValues.Format(Value, IsUndefined, english: true);
}

/// <summary>Something the evaluator noticed that explains a not-applicable outcome, e.g. a division by zero.</summary>
/// <param name="Position">1-based position in the expression of the operator concerned.</param>
/// <param name="Message">Vietnamese text.</param>
/// <param name="MessageEn">English text.</param>
public sealed record RuleNote(int Position, string Message, string MessageEn);

/// <summary>The result of evaluating a rule on one report.</summary>
/// <param name="Outcome">Pass, fail, or not applicable.</param>
/// <param name="Values">The compared quantities and referenced cells with their values, in the order written.</param>
/// <param name="Notes">Why something could not be computed; empty in the usual case.</param>
public sealed record RuleEvaluation(RuleOutcome Outcome, IReadOnlyList<RuleTermValue> Values, IReadOnlyList<RuleNote> Notes)
{
    /// <summary>The values in Vietnamese, e.g. "A01 = 100, A02 + A03 = 90".</summary>
    public string DescribeValues() => string.Join(", ", Values.Select(v => v.Format()));

    /// <summary>The values in English, e.g. "A01 = 100, A02 + A03 = 90".</summary>
    public string DescribeValuesEn() => string.Join(", ", Values.Select(v => v.FormatEn()));
}

/// <summary>The result of evaluating a numeric expression.</summary>
/// <param name="Value">The number; null when blank or undefined.</param>
/// <param name="IsUndefined">True when it could not be computed (division by zero, overflow, bad rounding digits).</param>
/// <param name="Notes">Why it could not be computed.</param>
public sealed record NumberEvaluation(decimal? Value, bool IsUndefined, IReadOnlyList<RuleNote> Notes);

/// <summary>How rule values are written in messages.</summary>
public static class RuleValues
{
    /// <summary>
    /// Invariant digits with '.' and no group separator or trailing zeros: 1234.5, -0.25, 100. Statistics are never
    /// formatted with the current culture.
    /// </summary>
    public static string Format(decimal value) =>
        value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>A value, or the words for blank and undefined in the chosen language.</summary>
    public static string Format(decimal? value, bool undefined, bool english) =>
        undefined ? (english ? "(undefined)" : "(không xác định)")
        : value is { } v ? Format(v)
        : english ? "(blank)" : "(trống)";
}
