using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Validation;

/// <summary>The codes of validation issues; an API returns them as they are, so clients can switch on them.</summary>
public static class IssueCodes
{
    /// <summary>The indicator is not on the regime's form.</summary>
    public const string UnknownIndicator = "unknown-indicator";
    /// <summary>The disaggregation key is malformed or not a column of the indicator's row.</summary>
    public const string UnknownDisaggregation = "unknown-disaggregation";
    /// <summary>The territory does not exist on any day of the period.</summary>
    public const string UnknownTerritory = "unknown-territory";
    /// <summary>The reporter may not report for that territory.</summary>
    public const string TerritoryOutOfScope = "territory-out-of-scope";
    /// <summary>The same cell is given twice.</summary>
    public const string DuplicateCell = "duplicate-cell";
    /// <summary>A numeric indicator without a number.</summary>
    public const string NotANumber = "not-a-number";
    /// <summary>An integer indicator with a fraction.</summary>
    public const string NotAnInteger = "not-an-integer";
    /// <summary>A text indicator without text.</summary>
    public const string NotText = "not-text";
    /// <summary>A yes/no indicator without a yes or no.</summary>
    public const string NotAFlag = "not-a-flag";
    /// <summary>More than one of number, text and flag is set.</summary>
    public const string MultipleValues = "multiple-values";
    /// <summary>Below the indicator's minimum, above its maximum, or an implausible percentage.</summary>
    public const string OutOfRange = "out-of-range";
    /// <summary>A text value longer than <see cref="SubmissionValidator.MaxTextLength"/>.</summary>
    public const string TextTooLong = "text-too-long";
    /// <summary>A note longer than <see cref="SubmissionValidator.MaxNoteLength"/>.</summary>
    public const string NoteTooLong = "note-too-long";
    /// <summary>A required cell is blank.</summary>
    public const string Required = "required";
    /// <summary>The period has the wrong periodicity or lies outside the regime version's validity.</summary>
    public const string WrongPeriod = "wrong-period";
    /// <summary>The organization is not among the regime's reporters.</summary>
    public const string NotAReporter = "not-a-reporter";
    /// <summary>A validation rule failed.</summary>
    public const string Rule = "rule";
    /// <summary>A validation rule of the catalogue cannot be parsed or names a cell the form lacks.</summary>
    public const string RuleInvalid = "rule-invalid";
}

/// <summary>
/// One problem found in a submission, in Vietnamese and English, located as precisely as it can be: the element of
/// the submitted list, the form row and column with their labels, and the rule for rule failures.
/// </summary>
/// <param name="Code">What kind of problem; one of <see cref="IssueCodes"/>.</param>
/// <param name="Severity">Errors block the submission; warnings need an explanation.</param>
/// <param name="MessageVi">The message in Vietnamese.</param>
/// <param name="MessageEn">The message in English.</param>
public sealed record ValidationIssue(string Code, RuleSeverity Severity, string MessageVi, string MessageEn)
{
    /// <summary>0-based index of the value in the submitted list; null for report-level issues.</summary>
    public int? ValueIndex { get; init; }

    /// <summary>Form row code, e.g. "A01".</summary>
    public string? RowCode { get; init; }

    /// <summary>Form column code: "_T" or a codelist code.</summary>
    public string? Column { get; init; }

    /// <summary>Indicator code.</summary>
    public string? IndicatorCode { get; init; }

    /// <summary>Disaggregation key as submitted.</summary>
    public string? Disaggregation { get; init; }

    /// <summary>Territory code (the reporter's own filled in).</summary>
    public string? TerritoryCode { get; init; }

    /// <summary>Vietnamese row label.</summary>
    public string? RowLabel { get; init; }

    /// <summary>English row label.</summary>
    public string? RowLabelEn { get; init; }

    /// <summary>Vietnamese column label.</summary>
    public string? ColumnLabel { get; init; }

    /// <summary>English column label.</summary>
    public string? ColumnLabelEn { get; init; }

    /// <summary>The rule's code, for <see cref="IssueCodes.Rule"/> and <see cref="IssueCodes.RuleInvalid"/>.</summary>
    public string? RuleCode { get; init; }

    /// <summary>For rule failures: the values involved.</summary>
    public IReadOnlyList<RuleTermValue> Values { get; init; } = [];

    /// <summary>For warnings: the reporter's explanation, when given.</summary>
    public string? Explanation { get; init; }

    /// <summary>Whether this is a warning with an explanation.</summary>
    public bool IsExplained => Severity == RuleSeverity.Warning && !string.IsNullOrWhiteSpace(Explanation);
}

/// <summary>One rule of the regime and what it gave on this submission.</summary>
/// <param name="Rule">The catalogue rule.</param>
/// <param name="Evaluation">Its evaluation; null when the rule could not be compiled.</param>
public sealed record RuleCheck(ValidationRule Rule, RuleEvaluation? Evaluation);

/// <summary>The result of validating a submission.</summary>
public sealed class ValidationReport
{
    /// <summary>Wraps the issues and rule results.</summary>
    public ValidationReport(IReadOnlyList<ValidationIssue> issues, IReadOnlyList<RuleCheck> ruleChecks)
    {
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(ruleChecks);
        Issues = issues;
        RuleChecks = ruleChecks;
    }

    /// <summary>Every issue: report-level first, then by value index, then required cells, then rules.</summary>
    public IReadOnlyList<ValidationIssue> Issues { get; }

    /// <summary>Every rule of the regime with its outcome, in catalogue order.</summary>
    public IReadOnlyList<RuleCheck> RuleChecks { get; }

    /// <summary>Whether any issue is an error: the submission must be refused.</summary>
    public bool HasErrors => Issues.Any(i => i.Severity == RuleSeverity.Error);

    /// <summary>Warnings without an explanation: the submission is refused until each is explained.</summary>
    public IEnumerable<ValidationIssue> UnexplainedWarnings =>
        Issues.Where(i => i.Severity == RuleSeverity.Warning && !i.IsExplained);

    /// <summary>Whether the submission may be accepted: no errors and every warning explained.</summary>
    public bool CanSubmit => !HasErrors && !UnexplainedWarnings.Any();
}

/// <summary>Earlier values of the same reporter, for <c>prev(x)</c> and <c>same_period_last_year(x)</c>.</summary>
public interface IValueHistory
{
    /// <summary>The number reported for <paramref name="cell"/> in <paramref name="period"/>, or null when none.</summary>
    decimal? Number(CellKey cell, Period period);
}
