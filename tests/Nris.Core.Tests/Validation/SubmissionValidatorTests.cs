using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using static Nris.Core.Tests.Validation.ValidationTestData;

namespace Nris.Core.Tests.Validation;

/// <summary>The monthly socio-economic report of Hà Nội's People's Committee (KTXH-TINH-THANG v2) for May 2026.</summary>
public sealed class SubmissionValidatorTests
{
    private static readonly Period May2026 = Period.Month(2026, 5);
    private static readonly DateOnly AsOf = new(2026, 5, 31);

    private static Regime Regime => Snapshot.Regime("KTXH-TINH-THANG", AsOf)!;

    private static Organization HaNoi => Snapshot.Organizations.Find("UBND.01", AsOf)!;

    private static SubmissionValidator Validator { get; } = new(Snapshot, Snapshot.Regime("KTXH-TINH-THANG", AsOf)!);

    private static ReportValue Num(string indicator, decimal value, string disaggregation = "_T", string? territory = null) =>
        new(indicator, disaggregation, territory, value, null, null);

    /// <summary>A report that breaks no rule.</summary>
    private static List<ReportValue> Clean() =>
    [
        Num("IIP", 108.5m),
        Num("RETAIL_SALES", 45_000m),
        Num("CPI_YOY", 103.2m),
        Num("CPI_MOM", 100.3m),
        Num("EXPORT", 2_000m),
        Num("EXPORT", 1_500m, "ECON_SECTOR:FDI"),
        Num("ENT_NEW", 1_200m),
        Num("BUDGET_REVENUE", 50_000m),
        Num("BUDGET_REVENUE_DOMESTIC", 45_000m),
        Num("BUDGET_EXPENDITURE", 40_000m),
        Num("PUBINV_PLAN", 90_000m),
        Num("PUBINV_DISBURSED_YTD", 30_000m),
        Num("TRAFFIC_ACCIDENTS", 100m),
        Num("TRAFFIC_DEATHS", 40m),
        Num("TRAFFIC_INJURIES", 80m),
        Num("DOSSIERS_RECEIVED", 50_000m),
        Num("DOSSIERS_ONLINE", 40_000m),
        new("SUMMARY_NOTE", "_T", null, null, "Kinh tế tiếp tục phục hồi.", null, ObservationStatus.Estimated),
    ];

    private static List<ReportValue> With(Func<ReportValue, ReportValue?> change)
    {
        var values = new List<ReportValue>();
        foreach (var v in Clean())
        {
            if (change(v) is { } changed)
            {
                values.Add(changed);
            }
        }

        return values;
    }

    private static ValidationReport Validate(IReadOnlyList<ReportValue> values, IReadOnlyList<WarningExplanation>? explanations = null, IValueHistory? history = null) =>
        Validator.Validate(May2026, HaNoi, values, explanations, history);

    private static ValidationIssue Only(ValidationReport report, string code)
    {
        var issue = Assert.Single(report.Issues);
        Assert.Equal(code, issue.Code);
        return issue;
    }

    private sealed class History(Dictionary<(string Indicator, string Period), decimal> values) : IValueHistory
    {
        public decimal? Number(CellKey cell, Period period) =>
            values.TryGetValue((cell.IndicatorCode, period.ToString()), out var v) && cell.TerritoryCode == "01" && cell.Disaggregation == "_T" ? v : null;
    }

    [Fact]
    public void The_demo_regime_and_reporter_are_what_the_tests_assume()
    {
        Assert.Equal(2, Regime.Version);
        Assert.Equal("01", HaNoi.TerritoryCode);
        Assert.Equal(OrganizationKind.ProvincialCommittee, HaNoi.Kind);
    }

    [Fact]
    public void A_clean_report_passes()
    {
        var report = Validate(Clean());
        Assert.Empty(report.Issues);
        Assert.False(report.HasErrors);
        Assert.Empty(report.UnexplainedWarnings);
        Assert.True(report.CanSubmit);
        Assert.Equal(Regime.Rules.Count, report.RuleChecks.Count);
        Assert.All(report.RuleChecks, c => Assert.NotEqual(RuleOutcome.Fail, c.Evaluation!.Outcome));
    }

    [Fact]
    public void The_static_shortcut_gives_the_same_result() =>
        Assert.Empty(SubmissionValidator.Validate(Snapshot, Regime, May2026, HaNoi, Clean()).Issues);

    [Fact]
    public void Explicit_own_territory_is_the_same_cell_as_the_implicit_one()
    {
        var values = Clean();
        values.Add(Num("IIP", 108.5m, territory: "01"));
        var issue = Only(Validate(values), IssueCodes.DuplicateCell);
        Assert.Equal(values.Count - 1, issue.ValueIndex);
        Assert.Contains("phần tử 0", issue.MessageVi, StringComparison.Ordinal);
        Assert.Contains("element 0", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_indicator_is_an_error_naming_the_element()
    {
        var values = Clean();
        values.Insert(3, Num("GRDP", 5m));
        var issue = Only(Validate(values), IssueCodes.UnknownIndicator);
        Assert.Equal(RuleSeverity.Error, issue.Severity);
        Assert.Equal(3, issue.ValueIndex);
        Assert.Equal("GRDP", issue.IndicatorCode);
        Assert.Null(issue.RowCode);
        Assert.StartsWith("Phần tử 3: chỉ tiêu 'GRDP' không có trong biểu mẫu KTXH-TINH-THANG", issue.MessageVi, StringComparison.Ordinal);
        Assert.StartsWith("Element 3: indicator 'GRDP' is not on the form of KTXH-TINH-THANG", issue.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SEX:F")]
    [InlineData("ECON_SECTOR:OTHER")]
    [InlineData("FDI")]
    [InlineData("ECON_SECTOR:_T")]
    [InlineData("")]
    public void An_unknown_disaggregation_is_an_error_naming_the_row(string disaggregation)
    {
        var values = Clean();
        values.Add(Num("EXPORT", 10m, disaggregation));
        var issue = Only(Validate(values), IssueCodes.UnknownDisaggregation);
        Assert.Equal("A05", issue.RowCode);
        Assert.Equal("Kim ngạch xuất khẩu", issue.RowLabel);
        Assert.Equal("Exports", issue.RowLabelEn);
        Assert.Contains("ECON_SECTOR:FDI", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fraction_in_an_integer_indicator_names_row_column_and_labels_in_both_languages()
    {
        var issue = Only(Validate(With(v => v.IndicatorCode == "ENT_NEW" ? v with { Number = 1200.5m } : v)), IssueCodes.NotAnInteger);
        Assert.Equal(6, issue.ValueIndex);
        Assert.Equal("A06", issue.RowCode);
        Assert.Equal("_T", issue.Column);
        Assert.Equal("ENT_NEW", issue.IndicatorCode);
        Assert.Equal("_T", issue.Disaggregation);
        Assert.Equal("01", issue.TerritoryCode);
        Assert.Equal("Số doanh nghiệp thành lập mới", issue.RowLabel);
        Assert.Equal("New enterprises", issue.RowLabelEn);
        Assert.Equal("Tổng số", issue.ColumnLabel);
        Assert.Equal("Total", issue.ColumnLabelEn);
        Assert.Equal("Phần tử 6, dòng A06 (Số doanh nghiệp thành lập mới), cột _T (Tổng số): 1200.5 không phải số nguyên", issue.MessageVi);
        Assert.Equal("Element 6, row A06 (New enterprises), column _T (Total): 1200.5 is not a whole number", issue.MessageEn);
    }

    [Fact]
    public void A_broken_down_cell_is_labelled_with_its_codelist_item()
    {
        var issue = Only(Validate(With(v => v.Disaggregation == "ECON_SECTOR:FDI" ? v with { Number = -1m } : v)), IssueCodes.OutOfRange);
        Assert.Equal("A05", issue.RowCode);
        Assert.Equal("FDI", issue.Column);
        Assert.Equal("Khu vực có vốn đầu tư nước ngoài", issue.ColumnLabel);
        Assert.Equal("Foreign-invested sector", issue.ColumnLabelEn);
        Assert.Contains("-1 is below the minimum 0", issue.MessageEn, StringComparison.Ordinal);
        Assert.Contains("-1 nhỏ hơn mức tối thiểu 0", issue.MessageVi, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_beyond_ten_to_the_eighteenth_is_refused_whatever_the_indicators_limits()
    {
        // (The form's own rule that FDI exports cannot exceed the total fires as well; only the range issue is checked.)
        var issue = Validate(With(v => v.Disaggregation == "ECON_SECTOR:FDI" ? v with { Number = 2_000_000_000_000_000_000m } : v))
            .Issues.Single(i => i.Code == IssueCodes.OutOfRange);
        Assert.Equal("FDI", issue.Column);
        Assert.Contains("exceeds the largest magnitude a reported figure may have (±10^18)", issue.MessageEn, StringComparison.Ordinal);
        Assert.Contains("vượt quá độ lớn tối đa của một số liệu báo cáo (±10^18)", issue.MessageVi, StringComparison.Ordinal);

        var atLimit = Validate(With(v => v.Disaggregation == "ECON_SECTOR:FDI" ? v with { Number = SubmissionValidator.MaxMagnitude } : v));
        Assert.DoesNotContain(atLimit.Issues, i => i.Code == IssueCodes.OutOfRange);
    }

    [Fact]
    public void Text_in_a_numeric_indicator_is_not_a_number()
    {
        var issue = Only(Validate(With(v => v.IndicatorCode == "IIP" ? v with { Number = null, Text = "108,5" } : v)), IssueCodes.NotANumber);
        Assert.Equal("A01", issue.RowCode);
        Assert.Contains("takes a number", issue.MessageEn, StringComparison.Ordinal);
        Assert.Contains("nhận một số", issue.MessageVi, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_in_a_text_indicator_is_not_text() =>
        Assert.Equal("D01", Only(Validate(With(v => v.IndicatorCode == "SUMMARY_NOTE" ? v with { Text = null, Number = 1m } : v)), IssueCodes.NotText).RowCode);

    [Fact]
    public void Two_of_number_text_and_flag_are_refused() =>
        Only(Validate(With(v => v.IndicatorCode == "IIP" ? v with { Flag = true } : v)), IssueCodes.MultipleValues);

    [Fact]
    public void Text_and_notes_have_length_limits()
    {
        var longText = new string('x', SubmissionValidator.MaxTextLength + 1);
        Only(Validate(With(v => v.IndicatorCode == "SUMMARY_NOTE" ? v with { Text = longText } : v)), IssueCodes.TextTooLong);
        Assert.Empty(Validate(With(v => v.IndicatorCode == "SUMMARY_NOTE" ? v with { Text = longText[1..] } : v)).Issues);

        var longNote = new string('n', SubmissionValidator.MaxNoteLength + 1);
        Assert.Equal("A02", Only(Validate(With(v => v.IndicatorCode == "RETAIL_SALES" ? v with { Note = longNote } : v)), IssueCodes.NoteTooLong).RowCode);
        Assert.Empty(Validate(With(v => v.IndicatorCode == "RETAIL_SALES" ? v with { Note = longNote[1..] } : v)).Issues);
    }

    [Fact]
    public void A_missing_required_cell_is_an_error_and_a_missing_optional_one_is_not()
    {
        var issue = Only(Validate(With(v => v.IndicatorCode == "CPI_MOM" ? null : v)), IssueCodes.Required);
        Assert.Null(issue.ValueIndex);
        Assert.Equal("A04", issue.RowCode);
        Assert.Equal("_T", issue.Column);
        Assert.Equal("Chỉ số giá tiêu dùng so với tháng trước", issue.RowLabel);
        Assert.Equal("Dòng A04 (Chỉ số giá tiêu dùng so với tháng trước), cột _T (Tổng số): bắt buộc phải nhập", issue.MessageVi);
        Assert.Equal("Row A04 (CPI vs previous month), column _T (Total): is required", issue.MessageEn);

        // A05 (exports) and D01 (the summary) are optional.
        Assert.Empty(Validate(With(v => v.IndicatorCode is "EXPORT" or "SUMMARY_NOTE" ? null : v)).Issues);
    }

    [Fact]
    public void A_blank_value_is_the_same_as_a_missing_one() =>
        Only(Validate(With(v => v.IndicatorCode == "CPI_MOM" ? v with { Number = null } : v)), IssueCodes.Required);

    [Fact]
    public void A_required_cell_given_only_for_another_territory_is_still_missing()
    {
        var values = With(v => v.IndicatorCode == "CPI_MOM" ? v with { TerritoryCode = "00004" } : v);
        Assert.Equal("A04", Only(Validate(values), IssueCodes.Required).RowCode);
    }

    [Fact]
    public void The_same_cell_twice_is_a_duplicate()
    {
        var values = Clean();
        values.Add(Num("EXPORT", 1_400m, "ECON_SECTOR:FDI"));
        var issue = Only(Validate(values), IssueCodes.DuplicateCell);
        Assert.Equal(values.Count - 1, issue.ValueIndex);
        Assert.Equal("FDI", issue.Column);
    }

    [Fact]
    public void A_period_of_the_wrong_periodicity_is_refused()
    {
        var report = Validator.Validate(Period.Quarter(2026, 2), HaNoi, Clean());
        var issue = Only(report, IssueCodes.WrongPeriod);
        Assert.Null(issue.ValueIndex);
        Assert.Contains("2026-Q2", issue.MessageEn, StringComparison.Ordinal);
        Assert.Contains("không phải kỳ tháng", issue.MessageVi, StringComparison.Ordinal);
    }

    [Fact]
    public void A_period_before_the_regime_version_is_refused()
    {
        var report = Validator.Validate(Period.Month(2025, 6), HaNoi, Clean());
        Assert.Contains(report.Issues, i => i.Code == IssueCodes.WrongPeriod && i.MessageEn.Contains("outside the validity", StringComparison.Ordinal));
        Assert.True(report.HasErrors);
        Assert.Empty(Validator.Validate(Period.Month(2025, 7), HaNoi, Clean()).Issues);
    }

    [Fact]
    public void An_unknown_territory_is_an_error()
    {
        var values = Clean();
        values.Add(Num("IIP", 1m, territory: "99999"));
        var issue = Only(Validate(values), IssueCodes.UnknownTerritory);
        Assert.Equal("99999", issue.TerritoryCode);
        Assert.Contains("địa bàn 99999", issue.MessageVi, StringComparison.Ordinal);
    }

    [Fact]
    public void A_territory_that_ceased_before_the_period_is_unknown()
    {
        // District 001 (quận Ba Đình) was abolished on 1 July 2025.
        var values = Clean();
        values.Add(Num("IIP", 1m, territory: "001"));
        Only(Validate(values), IssueCodes.UnknownTerritory);
    }

    [Fact]
    public void A_province_may_report_for_its_own_communes()
    {
        var values = Clean();
        values.Add(Num("TRAFFIC_ACCIDENTS", 3m, territory: "00004"));
        Assert.Empty(Validate(values).Issues);
    }

    [Fact]
    public void A_province_reporting_for_a_commune_of_another_province_is_out_of_scope()
    {
        var values = Clean();
        values.Add(Num("TRAFFIC_ACCIDENTS", 3m, territory: "26740"));
        var issue = Only(Validate(values), IssueCodes.TerritoryOutOfScope);
        Assert.Equal(RuleSeverity.Error, issue.Severity);
        Assert.Equal("26740", issue.TerritoryCode);
        Assert.Equal("C01", issue.RowCode);
        Assert.Contains("Phường Sài Gòn", issue.MessageVi, StringComparison.Ordinal);
        Assert.Contains("Sai Gon Ward", issue.MessageEn, StringComparison.Ordinal);
        Assert.Contains("UBND.01", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ministry_has_a_nation_wide_mandate()
    {
        var regime = Snapshot.Regime("DTC-GIAINGAN-THANG", AsOf)!;
        var ministry = Snapshot.Organizations.Find("BTC", AsOf)!;
        var report = SubmissionValidator.Validate(Snapshot, regime, May2026, ministry,
        [
            Num("PUBINV_PLAN", 100m), Num("PUBINV_DISBURSED", 10m), Num("PUBINV_DISBURSED_YTD", 40m),
            Num("PUBINV_PLAN", 10m, territory: "26740"),
        ]);
        Assert.Empty(report.Issues);
    }

    [Fact]
    public void An_organization_outside_the_regimes_reporters_is_refused()
    {
        var ministry = Snapshot.Organizations.Find("BTC", AsOf)!;
        var issue = Only(Validator.Validate(May2026, ministry, Clean()), IssueCodes.NotAReporter);
        Assert.Contains("BTC", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_error_rule_blocks_and_shows_the_values()
    {
        var report = Validate(With(v => v.IndicatorCode == "BUDGET_REVENUE_DOMESTIC" ? v with { Number = 60_000m } : v));
        var issue = Only(report, IssueCodes.Rule);
        Assert.Equal(RuleSeverity.Error, issue.Severity);
        Assert.Equal("R01", issue.RuleCode);
        Assert.True(report.HasErrors);
        Assert.False(report.CanSubmit);
        Assert.Equal("R01: Thu nội địa không được lớn hơn tổng thu ngân sách. (B02 = 60000, B01 = 50000)", issue.MessageVi);
        Assert.Equal("R01: Domestic revenue cannot exceed total budget revenue. (B02 = 60000, B01 = 50000)", issue.MessageEn);
        Assert.Equal([new RuleTermValue("B02", 60_000m), new RuleTermValue("B01", 50_000m)], issue.Values);
    }

    [Fact]
    public void A_failing_rule_with_and_shows_the_rule_values()
    {
        var report = Validate(With(v => v.IndicatorCode switch
        {
            "TRAFFIC_ACCIDENTS" => v with { Number = 0m },
            "TRAFFIC_DEATHS" => v with { Number = 0m },
            _ => v,
        }));
        var issue = Only(report, IssueCodes.Rule);
        Assert.Equal("R03", issue.RuleCode);
        Assert.EndsWith("(C01 = 0, C02 = 0, C03 = 80)", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_warning_rule_is_listed_until_explained()
    {
        var values = With(v => v.IndicatorCode == "CPI_YOY" ? v with { Number = 140m } : v);
        var report = Validate(values);
        var issue = Only(report, IssueCodes.Rule);
        Assert.Equal(RuleSeverity.Warning, issue.Severity);
        Assert.Equal("R04", issue.RuleCode);
        Assert.False(report.HasErrors);
        Assert.Same(issue, Assert.Single(report.UnexplainedWarnings));
        Assert.False(report.CanSubmit);
        Assert.Contains("A03 = 140", issue.MessageEn, StringComparison.Ordinal);

        Assert.Single(Validate(values, [new WarningExplanation("R04", "   ")]).UnexplainedWarnings);
        Assert.Single(Validate(values, [new WarningExplanation("R07", "Giá xăng tăng")]).UnexplainedWarnings);

        var explained = Validate(values, [new WarningExplanation("R04", "Giá xăng dầu tăng mạnh trong tháng")]);
        Assert.Empty(explained.UnexplainedWarnings);
        Assert.True(explained.CanSubmit);
        Assert.Equal("Giá xăng dầu tăng mạnh trong tháng", Assert.Single(explained.Issues).Explanation);
    }

    [Fact]
    public void An_explanation_does_not_excuse_an_error_rule()
    {
        var values = With(v => v.IndicatorCode == "BUDGET_REVENUE_DOMESTIC" ? v with { Number = 60_000m } : v);
        var report = Validate(values, [new WarningExplanation("R01", "Có lý do")]);
        Assert.True(report.HasErrors);
        Assert.Null(Assert.Single(report.Issues).Explanation);
    }

    [Fact]
    public void History_feeds_prev_and_same_period_last_year()
    {
        var history = new History(new()
        {
            [("PUBINV_DISBURSED_YTD", "2026-M04")] = 35_000m,
            [("RETAIL_SALES", "2025-M05")] = 20_000m,
        });
        var report = Validate(Clean(), history: history);
        Assert.Equal(["R06", "R07"], report.UnexplainedWarnings.Select(i => i.RuleCode));
        Assert.Contains("B05 = 30000, prev(B05) = 35000", report.Issues[1].MessageEn, StringComparison.Ordinal);
        Assert.Contains("same_period_last_year(A02) = 20000", report.Issues[0].MessageEn, StringComparison.Ordinal);

        var fine = new History(new()
        {
            [("PUBINV_DISBURSED_YTD", "2026-M04")] = 25_000m,
            [("RETAIL_SALES", "2025-M05")] = 40_000m,
        });
        Assert.Empty(Validate(Clean(), history: fine).Issues);
    }

    [Fact]
    public void A_rule_on_a_blank_cell_is_not_applicable_not_failed()
    {
        var report = Validate(With(v => v.IndicatorCode == "BUDGET_REVENUE" ? null : v));
        Assert.Equal(IssueCodes.Required, Assert.Single(report.Issues).Code);
        Assert.Equal(RuleOutcome.NotApplicable, report.RuleChecks.Single(c => c.Rule.Code == "R01").Evaluation!.Outcome);
    }

    [Fact]
    public void A_value_for_another_territory_does_not_enter_the_rules()
    {
        var values = Clean();
        values.Add(Num("BUDGET_REVENUE_DOMESTIC", 900_000m, territory: "00004"));
        Assert.Empty(Validate(values).Issues);
    }

    [Fact]
    public void A_broken_rule_in_the_catalogue_is_an_error_not_a_silent_pass()
    {
        var broken = Regime with
        {
            Rules =
            [
                new ValidationRule("X1", "B02 <= (B01", RuleSeverity.Warning, "x", "x"),
                new ValidationRule("X2", "Z99 > 0", RuleSeverity.Warning, "x", "x"),
                new ValidationRule("X3", "A05[SEX] > 0", RuleSeverity.Warning, "x", "x"),
                new ValidationRule("X4", "A01 + 1", RuleSeverity.Warning, "x", "x"),
            ],
        };
        var report = SubmissionValidator.Validate(Snapshot, broken, May2026, HaNoi, Clean());
        Assert.Equal(4, report.Issues.Count);
        Assert.All(report.Issues, i => Assert.Equal((IssueCodes.RuleInvalid, RuleSeverity.Error), (i.Code, i.Severity)));
        Assert.Contains("Missing ')' at position 12", report.Issues[0].MessageEn, StringComparison.Ordinal);
        Assert.Contains("row 'Z99' is not on the form", report.Issues[1].MessageEn, StringComparison.Ordinal);
        Assert.Contains("row A05 has no column 'SEX'", report.Issues[2].MessageEn, StringComparison.Ordinal);
        Assert.All(report.RuleChecks, c => Assert.Null(c.Evaluation));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var values = With(v => v.IndicatorCode switch
        {
            "CPI_MOM" => null,
            "ENT_NEW" => v with { Number = 1.5m },
            "BUDGET_REVENUE_DOMESTIC" => v with { Number = 60_000m },
            _ => v,
        });
        values.Add(Num("GRDP", 1m));
        var report = Validate(values);
        Assert.Equal(
            [IssueCodes.NotAnInteger, IssueCodes.UnknownIndicator, IssueCodes.Required, IssueCodes.Rule],
            report.Issues.Select(i => i.Code));
    }

    [Fact]
    public void A_percentage_beyond_a_thousand_percent_is_implausible()
    {
        var regime = Snapshot.Regime("TINDUNG-NHNN-THANG", AsOf)!;
        var bank = Snapshot.Organizations.Find("NHNN", AsOf)!;
        Assert.Empty(SubmissionValidator.Validate(Snapshot, regime, May2026, bank, [Num("CREDIT_GROWTH", 12m)]).Issues);
        var report = SubmissionValidator.Validate(Snapshot, regime, May2026, bank, [Num("CREDIT_GROWTH", 1200m)]);
        var issue = report.Issues.Single(i => i.Code == IssueCodes.OutOfRange);
        Assert.Contains("implausible for a percentage", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_share_above_its_maximum_is_out_of_range()
    {
        var regime = Snapshot.Regime("LDVL-QUY", AsOf)!;
        var gso = Snapshot.Organizations.Find("CTK", AsOf)!;
        var report = SubmissionValidator.Validate(Snapshot, regime, Period.Quarter(2026, 1), gso, [Num("TRAINED_LABOUR_SHARE", 101m)]);
        var issue = report.Issues.Single(i => i.Code == IssueCodes.OutOfRange);
        Assert.Equal("B03", issue.RowCode);
        Assert.Contains("above the maximum 100 %", issue.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_yes_no_indicator_takes_a_flag_and_rules_read_it_as_one_or_zero()
    {
        var regime = Snapshot.Regime("CCHC-QUY", AsOf)!;
        var q = Period.Quarter(2026, 1);
        List<ReportValue> values = [Num("PROCEDURES_SIMPLIFIED", 5m), Num("ONLINE_SERVICES_FULL", 100m), Num("ONLINE_SERVICES_PARTIAL", 50m), new("PORTAL_CONNECTED", "_T", null, null, null, true)];
        Assert.Empty(SubmissionValidator.Validate(Snapshot, regime, q, HaNoi, values).Issues);
        values[3] = Num("PORTAL_CONNECTED", 1m);
        Assert.Equal(IssueCodes.NotAFlag, Assert.Single(SubmissionValidator.Validate(Snapshot, regime, q, HaNoi, values).Issues).Code);

        var withFlagRule = regime with { Rules = [new ValidationRule("F1", "A04 = 1", RuleSeverity.Error, "x", "x")] };
        values[3] = new("PORTAL_CONNECTED", "_T", null, null, null, false);
        Assert.Equal("F1", Assert.Single(SubmissionValidator.Validate(Snapshot, withFlagRule, q, HaNoi, values).Issues).RuleCode);
    }

    [Fact]
    public void One_validator_serves_many_threads()
    {
        var bad = With(v => v.IndicatorCode == "BUDGET_REVENUE_DOMESTIC" ? v with { Number = 60_000m } : v);
        var clean = Clean();
        Parallel.For(0, 200, new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken }, i =>
        {
            var report = Validate(i % 2 == 0 ? clean : bad);
            Assert.Equal(i % 2 != 0, report.HasErrors);
        });
    }
}
