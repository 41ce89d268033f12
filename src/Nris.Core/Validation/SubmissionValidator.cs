using System.Globalization;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Validation;

/// <summary>
/// Validates submissions of one regime version: the structure of every value, required cells, the period, the
/// reporter's territorial scope, and the regime's rules. Build one per regime version and reuse it: the form and
/// the rules are compiled once; the instance <c>Validate</c> is thread-safe.
/// </summary>
/// <remarks>
/// <para>Territorial scope: a People's Committee (provincial, district or commune) reports for its own territory
/// and territories within it. Organizations without a territory — the Government, ministries, agencies, state
/// corporations — have a nation-wide mandate and may report for any territory. A value without a territory is the
/// reporter's own: its committee's territory, or the nation for the others.</para>
/// <para>Territories are looked up over the whole period: a code is known if a version of it is in force on some
/// day of the period, and scope is judged on the last such day, so units merged mid-period are still accepted.</para>
/// <para>A value with neither number, text nor flag is a blank cell, the same as leaving it out; the required
/// check then applies. Rules read numbers only: a yes/no cell reads as 1 or 0, a text cell as blank.</para>
/// <para>Rules run over the reporter's own territory. A rule in the catalogue that does not compile is reported as
/// an error (<see cref="IssueCodes.RuleInvalid"/>) rather than skipped, so a broken catalogue cannot wave data
/// through unchecked.</para>
/// </remarks>
public sealed class SubmissionValidator
{
    /// <summary>The longest text value accepted, in characters.</summary>
    public const int MaxTextLength = 4000;

    /// <summary>The longest note accepted on a value, in characters.</summary>
    public const int MaxNoteLength = 1000;

    /// <summary>
    /// The largest magnitude accepted for a percent indicator without its own maximum (growth rates): 1,000 %.
    /// Anything beyond is almost always a unit slip (a count or a per-mille typed as a percentage).
    /// </summary>
    public const decimal PercentSanityLimit = 1000m;

    /// <summary>
    /// The largest magnitude any reported number may have, whatever the indicator's own limits: 10^18 (a quintillion;
    /// Việt Nam's GDP in đồng is about 10^16). Within it the sums of a whole country's reports stay far inside
    /// decimal's range, so aggregation never overflows on accepted data.
    /// </summary>
    public const decimal MaxMagnitude = 1_000_000_000_000_000_000m;

    private readonly CatalogueSnapshot _catalogue;
    private readonly CompiledRule[] _rules;

    /// <summary>Compiles the form and rules of <paramref name="regime"/>.</summary>
    /// <exception cref="ArgumentException">The form names an indicator or codelist the catalogue lacks.</exception>
    public SubmissionValidator(CatalogueSnapshot catalogue, Regime regime)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(regime);
        _catalogue = catalogue;
        Regime = regime;
        Form = new ReportForm(regime, catalogue);
        _rules = [.. regime.Rules.Select(Compile)];
    }

    /// <summary>The regime version validated.</summary>
    public Regime Regime { get; }

    /// <summary>The regime's form.</summary>
    public ReportForm Form { get; }

    /// <summary>Validates one submission in one call; prefer a reused instance when validating many.</summary>
    public static ValidationReport Validate(
        CatalogueSnapshot catalogue,
        Regime regime,
        Period period,
        Organization reporter,
        IReadOnlyList<ReportValue> values,
        IReadOnlyList<WarningExplanation>? explanations = null,
        IValueHistory? history = null) =>
        new SubmissionValidator(catalogue, regime).Validate(period, reporter, values, explanations, history);

    /// <summary>Validates the values <paramref name="reporter"/> submits for <paramref name="period"/>.</summary>
    /// <param name="period">The reporting period.</param>
    /// <param name="reporter">The reporting organization, in the version in force.</param>
    /// <param name="values">The submitted values; issues name them by index in this list.</param>
    /// <param name="explanations">Explanations for warning rules, by rule code.</param>
    /// <param name="history">The reporter's earlier values, for <c>prev</c> and <c>same_period_last_year</c>; without it
    /// those read blank.</param>
    /// <exception cref="ArgumentException">An element of <paramref name="values"/> is null.</exception>
    public ValidationReport Validate(
        Period period,
        Organization reporter,
        IReadOnlyList<ReportValue> values,
        IReadOnlyList<WarningExplanation>? explanations = null,
        IValueHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(values);
        var issues = new List<ValidationIssue>();
        var ownTerritory = reporter.TerritoryCode ?? Territory.NationCode;

        CheckPeriod(period, issues);
        if (!Regime.Reporters.Includes(reporter))
        {
            issues.Add(new ValidationIssue(IssueCodes.NotAReporter, RuleSeverity.Error,
                $"{reporter.Code} ({reporter.Name}) không thuộc đối tượng báo cáo của chế độ {Regime.Code}",
                $"{reporter.Code} ({reporter.NameEn}) is not a reporter of regime {Regime.Code}"));
        }

        var cells = new Dictionary<CellKey, int>();
        var ownNumbers = new Dictionary<CellKey, decimal>();
        var filled = new HashSet<CellKey>();
        for (var index = 0; index < values.Count; index++)
        {
            var value = values[index] ?? throw new ArgumentException($"Value {index} is null.", nameof(values));
            CheckValue(index, value, period, reporter, ownTerritory, cells, ownNumbers, filled, issues);
        }

        CheckRequired(ownTerritory, filled, issues);
        var checks = CheckRules(period, ownTerritory, ownNumbers, explanations, history, issues);
        return new ValidationReport(issues.AsReadOnly(), checks);
    }

    private void CheckPeriod(Period period, List<ValidationIssue> issues)
    {
        if (period.Periodicity != Regime.Periodicity)
        {
            issues.Add(new ValidationIssue(IssueCodes.WrongPeriod, RuleSeverity.Error,
                $"Kỳ {period} không phải kỳ {PeriodicityVi(Regime.Periodicity)} của chế độ {Regime.Code}",
                $"Period {period} is not a {Regime.Periodicity.ToString().ToLowerInvariant()} period of regime {Regime.Code}"));
        }
        else if (!Regime.Validity.Contains(period.Start) || !Regime.Validity.Contains(period.End))
        {
            issues.Add(new ValidationIssue(IssueCodes.WrongPeriod, RuleSeverity.Error,
                $"Kỳ {period} nằm ngoài thời gian hiệu lực {Regime.Validity} của chế độ {Regime.Code} phiên bản {Regime.Version.ToString(CultureInfo.InvariantCulture)}",
                $"Period {period} lies outside the validity {Regime.Validity} of regime {Regime.Code} version {Regime.Version.ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    private void CheckValue(
        int index,
        ReportValue value,
        Period period,
        Organization reporter,
        string ownTerritory,
        Dictionary<CellKey, int> cells,
        Dictionary<CellKey, decimal> ownNumbers,
        HashSet<CellKey> filled,
        List<ValidationIssue> issues)
    {
        var territory = value.TerritoryCode ?? ownTerritory;
        var at = new Place(index, value, territory, null, null, territory == ownTerritory);
        var rows = Form.RowsFor(value.IndicatorCode);
        if (rows.Count == 0)
        {
            issues.Add(at.Issue(IssueCodes.UnknownIndicator, RuleSeverity.Error,
                $"chỉ tiêu '{value.IndicatorCode}' không có trong biểu mẫu {Regime.Code}",
                $"indicator '{value.IndicatorCode}' is not on the form of {Regime.Code}"));
            return;
        }

        if (!Form.TryLocate(value, out var row, out var column))
        {
            at = at with { Row = rows[0] };
            var expected = string.Join(", ", rows.SelectMany(r => r.Columns).Select(c => c.Disaggregation).Distinct(StringComparer.Ordinal));
            issues.Add(at.Issue(IssueCodes.UnknownDisaggregation, RuleSeverity.Error,
                $"phân tổ '{value.Disaggregation}' không có trong biểu mẫu (dùng: {expected})",
                $"disaggregation '{value.Disaggregation}' is not on the form (use: {expected})"));
            return;
        }

        at = at with { Row = row, Column = column };
        var key = new CellKey(value.IndicatorCode, value.Disaggregation, territory);
        CheckTerritory(at, territory, period, reporter, ownTerritory, issues);

        if (cells.TryGetValue(key, out var first))
        {
            var firstText = first.ToString(CultureInfo.InvariantCulture);
            issues.Add(at.Issue(IssueCodes.DuplicateCell, RuleSeverity.Error,
                $"ô này đã được khai ở phần tử {firstText}", $"this cell was already given in element {firstText}"));
        }
        else
        {
            cells.Add(key, index);
        }

        var number = CheckContent(at, row!.Indicator, value, issues);
        if (!value.IsBlank)
        {
            filled.Add(key);
        }

        if (at.IsOwn && number is { } n)
        {
            ownNumbers.TryAdd(key, n);
        }

        if (value.Note is { Length: > MaxNoteLength } note)
        {
            issues.Add(at.Issue(IssueCodes.NoteTooLong, RuleSeverity.Error,
                $"ghi chú dài {note.Length.ToString(CultureInfo.InvariantCulture)} ký tự, tối đa {MaxNoteLength.ToString(CultureInfo.InvariantCulture)}",
                $"the note has {note.Length.ToString(CultureInfo.InvariantCulture)} characters, at most {MaxNoteLength.ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    private void CheckTerritory(Place at, string territory, Period period, Organization reporter, string ownTerritory, List<ValidationIssue> issues)
    {
        Territory? version = null;
        foreach (var candidate in _catalogue.Territories.Versions(territory))
        {
            if (candidate.Validity.Overlaps(new Validity(period.Start, period.End)))
            {
                version = candidate;
            }
        }

        if (version is null)
        {
            issues.Add(at.Issue(IssueCodes.UnknownTerritory, RuleSeverity.Error,
                $"địa bàn '{territory}' không tồn tại trong kỳ {period}",
                $"territory '{territory}' does not exist in period {period}"));
            return;
        }

        if (!HasTerritorialScope(reporter))
        {
            return;
        }

        var asOf = version.Validity.To is { } to && to < period.End ? to : period.End;
        if (!_catalogue.Territories.IsWithin(territory, ownTerritory, asOf))
        {
            issues.Add(at.Issue(IssueCodes.TerritoryOutOfScope, RuleSeverity.Error,
                $"{reporter.Code} chỉ được báo cáo cho địa bàn {ownTerritory} và các địa bàn trực thuộc, không phải {territory} ({version.Name})",
                $"{reporter.Code} may report only for territory {ownTerritory} and the units within it, not {territory} ({version.NameEn})"));
        }
    }

    private static bool HasTerritorialScope(Organization reporter) =>
        reporter.Kind is OrganizationKind.ProvincialCommittee or OrganizationKind.DistrictCommittee or OrganizationKind.CommuneCommittee
        || (reporter.Kind == OrganizationKind.Department && reporter.TerritoryCode is not null);

    // Checks the value against the indicator; returns the number rules should read, or null.
    private static decimal? CheckContent(Place at, Indicator indicator, ReportValue value, List<ValidationIssue> issues)
    {
        var set = (value.Number is null ? 0 : 1) + (value.Text is null ? 0 : 1) + (value.Flag is null ? 0 : 1);
        if (set == 0)
        {
            return null;
        }

        if (set > 1)
        {
            issues.Add(at.Issue(IssueCodes.MultipleValues, RuleSeverity.Error,
                "chỉ được khai một trong: số, văn bản, có/không", "give only one of a number, a text and a yes/no"));
            return null;
        }

        switch (indicator.ValueType)
        {
            case IndicatorValueType.Text:
                if (value.Text is null)
                {
                    issues.Add(at.Issue(IssueCodes.NotText, RuleSeverity.Error,
                        "chỉ tiêu này nhận văn bản", "this indicator takes text"));
                }
                else if (value.Text.Length > MaxTextLength)
                {
                    issues.Add(at.Issue(IssueCodes.TextTooLong, RuleSeverity.Error,
                        $"văn bản dài {value.Text.Length.ToString(CultureInfo.InvariantCulture)} ký tự, tối đa {MaxTextLength.ToString(CultureInfo.InvariantCulture)}",
                        $"the text has {value.Text.Length.ToString(CultureInfo.InvariantCulture)} characters, at most {MaxTextLength.ToString(CultureInfo.InvariantCulture)}"));
                }

                return null;
            case IndicatorValueType.Boolean:
                if (value.Flag is not { } flag)
                {
                    issues.Add(at.Issue(IssueCodes.NotAFlag, RuleSeverity.Error,
                        "chỉ tiêu này nhận có/không", "this indicator takes yes or no"));
                    return null;
                }

                return flag ? 1m : 0m;
        }

        if (value.Number is not { } number)
        {
            issues.Add(at.Issue(IssueCodes.NotANumber, RuleSeverity.Error,
                "chỉ tiêu này nhận một số", "this indicator takes a number"));
            return null;
        }

        if (indicator.ValueType == IndicatorValueType.Integer && number != decimal.Truncate(number))
        {
            issues.Add(at.Issue(IssueCodes.NotAnInteger, RuleSeverity.Error,
                $"{RuleValues.Format(number)} không phải số nguyên", $"{RuleValues.Format(number)} is not a whole number"));
            return number;
        }

        var unit = string.IsNullOrEmpty(indicator.Unit) ? "" : " " + indicator.Unit;
        var unitEn = string.IsNullOrEmpty(indicator.UnitEn) ? "" : " " + indicator.UnitEn;
        if (Math.Abs(number) > MaxMagnitude)
        {
            issues.Add(at.Issue(IssueCodes.OutOfRange, RuleSeverity.Error,
                $"{RuleValues.Format(number)} vượt quá độ lớn tối đa của một số liệu báo cáo (±10^18)",
                $"{RuleValues.Format(number)} exceeds the largest magnitude a reported figure may have (±10^18)"));
        }
        else if (indicator.MinValue is { } min && number < min)
        {
            issues.Add(at.Issue(IssueCodes.OutOfRange, RuleSeverity.Error,
                $"{RuleValues.Format(number)} nhỏ hơn mức tối thiểu {RuleValues.Format(min)}{unit}",
                $"{RuleValues.Format(number)} is below the minimum {RuleValues.Format(min)}{unitEn}"));
        }
        else if (indicator.MaxValue is { } max && number > max)
        {
            issues.Add(at.Issue(IssueCodes.OutOfRange, RuleSeverity.Error,
                $"{RuleValues.Format(number)} lớn hơn mức tối đa {RuleValues.Format(max)}{unit}",
                $"{RuleValues.Format(number)} is above the maximum {RuleValues.Format(max)}{unitEn}"));
        }
        else if (indicator.ValueType == IndicatorValueType.Percent && Math.Abs(number) > PercentSanityLimit)
        {
            issues.Add(at.Issue(IssueCodes.OutOfRange, RuleSeverity.Error,
                $"{RuleValues.Format(number)} % không hợp lý cho một tỷ lệ phần trăm (tối đa ±{RuleValues.Format(PercentSanityLimit)} %); kiểm tra đơn vị",
                $"{RuleValues.Format(number)} % is implausible for a percentage (at most ±{RuleValues.Format(PercentSanityLimit)} %); check the unit"));
        }

        return number;
    }

    private void CheckRequired(string ownTerritory, HashSet<CellKey> filled, List<ValidationIssue> issues)
    {
        // One indicator may sit in several rows whose totals are one cell; ask for that cell once.
        var asked = new HashSet<CellKey>();
        foreach (var row in Form.Rows)
        {
            var key = new CellKey(row.Indicator.Code, Disaggregations.Total, ownTerritory);
            if (!row.Row.Required || filled.Contains(key) || !asked.Add(key))
            {
                continue;
            }

            var at = new Place(null, null, ownTerritory, row, row.Total, true);
            issues.Add(at.Issue(IssueCodes.Required, RuleSeverity.Error, "bắt buộc phải nhập", "is required"));
        }
    }

    private RuleCheck[] CheckRules(
        Period period,
        string ownTerritory,
        Dictionary<CellKey, decimal> ownNumbers,
        IReadOnlyList<WarningExplanation>? explanations,
        IValueHistory? history,
        List<ValidationIssue> issues)
    {
        var explained = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in explanations ?? [])
        {
            if (e is not null && !string.IsNullOrWhiteSpace(e.Text))
            {
                explained.TryAdd(e.RuleCode, e.Text);
            }
        }

        var data = new SubmissionRuleData(Form, period, ownTerritory, ownNumbers, history);
        var checks = new RuleCheck[_rules.Length];
        for (var i = 0; i < _rules.Length; i++)
        {
            var (rule, expression, error, errorEn) = _rules[i];
            if (expression is null)
            {
                checks[i] = new RuleCheck(rule, null);
                issues.Add(new ValidationIssue(IssueCodes.RuleInvalid, RuleSeverity.Error,
                    $"Quy tắc {rule.Code} của chế độ {Regime.Code} bị lỗi ({error}); báo cho người quản trị danh mục",
                    $"Rule {rule.Code} of regime {Regime.Code} is broken ({errorEn}); tell the catalogue administrator")
                { RuleCode = rule.Code });
                continue;
            }

            var evaluation = expression.Evaluate(data);
            checks[i] = new RuleCheck(rule, evaluation);
            if (evaluation.Outcome != RuleOutcome.Fail)
            {
                continue;
            }

            issues.Add(new ValidationIssue(IssueCodes.Rule, rule.Severity,
                $"{rule.Code}: {rule.Message} ({evaluation.DescribeValues()})",
                $"{rule.Code}: {rule.MessageEn} ({evaluation.DescribeValuesEn()})")
            {
                RuleCode = rule.Code,
                TerritoryCode = ownTerritory,
                Values = evaluation.Values,
                Explanation = rule.Severity == RuleSeverity.Warning && explained.TryGetValue(rule.Code, out var text) ? text : null,
            });
        }

        return checks;
    }

    private CompiledRule Compile(ValidationRule rule)
    {
        RuleExpression expression;
        try
        {
            expression = RuleExpression.ParseRule(rule.Expression);
        }
        catch (RuleSyntaxException e)
        {
            return new CompiledRule(rule, null, e.MessageVi, e.MessageEn);
        }

        foreach (var reference in expression.References)
        {
            if (Form.Row(reference.RowCode) is not { } row)
            {
                return new CompiledRule(rule, null, $"dòng '{reference.RowCode}' không có trong biểu mẫu", $"row '{reference.RowCode}' is not on the form");
            }

            if (row.Column(reference.Column) is null)
            {
                return new CompiledRule(rule, null,
                    $"dòng {reference.RowCode} không có cột '{reference.Column}'", $"row {reference.RowCode} has no column '{reference.Column}'");
            }
        }

        return new CompiledRule(rule, expression, null, null);
    }

    private static string PeriodicityVi(Periodicity periodicity) => periodicity switch
    {
        Periodicity.Daily => "ngày",
        Periodicity.Weekly => "tuần",
        Periodicity.Monthly => "tháng",
        Periodicity.Quarterly => "quý",
        Periodicity.HalfYearly => "6 tháng",
        _ => "năm",
    };

    private readonly record struct CompiledRule(ValidationRule Rule, RuleExpression? Expression, string? Error, string? ErrorEn);

    // Where an issue is: builds the location fields and a bilingual prefix naming row, column and territory.
    private readonly record struct Place(int? Index, ReportValue? Value, string Territory, ReportFormRow? Row, ReportFormColumn? Column, bool IsOwn)
    {
        public ValidationIssue Issue(string code, RuleSeverity severity, string vi, string en)
        {
            var (prefix, prefixEn) = Describe();
            return new ValidationIssue(code, severity, prefix + vi, prefixEn + en)
            {
                ValueIndex = Index,
                RowCode = Row?.Code,
                Column = Column?.Code,
                IndicatorCode = Value?.IndicatorCode ?? Row?.Indicator.Code,
                Disaggregation = Value?.Disaggregation ?? Column?.Disaggregation,
                TerritoryCode = Territory,
                RowLabel = Row?.Row.Label,
                RowLabelEn = Row?.Row.LabelEn,
                ColumnLabel = Column?.Label,
                ColumnLabelEn = Column?.LabelEn,
            };
        }

        private (string Vi, string En) Describe()
        {
            var vi = new List<string>();
            var en = new List<string>();
            if (Index is { } i)
            {
                vi.Add("Phần tử " + i.ToString(CultureInfo.InvariantCulture));
                en.Add("Element " + i.ToString(CultureInfo.InvariantCulture));
            }

            if (Row is not null)
            {
                vi.Add($"dòng {Row.Code} ({Row.Row.Label})");
                en.Add($"row {Row.Code} ({Row.Row.LabelEn})");
            }

            if (Column is not null)
            {
                vi.Add($"cột {Column.Code} ({Column.Label})");
                en.Add($"column {Column.Code} ({Column.LabelEn})");
            }

            if (!IsOwn)
            {
                vi.Add("địa bàn " + Territory);
                en.Add("territory " + Territory);
            }

            return (Capitalize(string.Join(", ", vi)) + ": ", Capitalize(string.Join(", ", en)) + ": ");
        }

        private static string Capitalize(string s) =>
            s.Length == 0 ? s : string.Concat(char.ToUpperInvariant(s[0]).ToString(), s.AsSpan(1));
    }

    private sealed class SubmissionRuleData(
        ReportForm form,
        Period period,
        string territory,
        Dictionary<CellKey, decimal> current,
        IValueHistory? history) : IRuleData
    {
        private readonly Period? _previous = Shift(period, p => p.Previous());
        private readonly Period? _lastYear = Shift(period, p => p.SamePeriodLastYear());

        public decimal? Value(string rowCode, string column, PeriodShift shift)
        {
            if (form.Cell(rowCode, column) is not { } cell)
            {
                return null;
            }

            var key = new CellKey(cell.IndicatorCode, cell.Disaggregation, territory);
            return shift switch
            {
                PeriodShift.Current => current.TryGetValue(key, out var v) ? v : null,
                PeriodShift.Previous => _previous is { } p ? history?.Number(key, p) : null,
                _ => _lastYear is { } y ? history?.Number(key, y) : null,
            };
        }

        // Year 1 has no previous period; its history is simply blank.
        private static Period? Shift(Period period, Func<Period, Period> shift)
        {
            try
            {
                return shift(period);
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }
    }
}
