using Nris.Core.Catalogue;
using Nris.Core.Periods;

namespace Nris.Core.Tests.Catalogue;

public sealed class CatalogueCheckTests
{
    private static readonly Codelist Sex = new("SEX", "Giới tính", "Sex", [new("M", "Nam", "Male"), new("F", "Nữ", "Female")]);

    private static Indicator Count(string code, params string[] disaggregations) =>
        new(code, "Chỉ tiêu " + code, "Indicator " + code, "người", "persons", IndicatorValueType.Integer, "SOC",
            TerritoryAggregation.Sum, TimeAggregation.Sum, disaggregations);

    private static Regime Regime(string code = "R", int version = 1, Validity? validity = null) =>
        new(code, version, validity ?? Validity.Always, "Báo cáo", "Report", "Nghị định 09/2019/NĐ-CP", RegimeType.Periodic,
            Periodicity.Monthly, "decree09", "day 20 of last month",
            new ReporterSpec([OrganizationKind.ProvincialCommittee], []), "VPCP",
            [new FormSection("A", "Phần A", "Part A", [
                new FormRow("A01", "Dân số", "Population", "POP", "SEX"),
                new FormRow("A02", "Lao động", "Labour", "LAB"),
            ])],
            [new ValidationRule("R01", "A02 <= A01", RuleSeverity.Error, "Lao động không vượt dân số.", "Labour cannot exceed population.")],
            Classification.Internal, "SOC");

    /// <summary>A small catalogue with no problems; each test breaks one thing.</summary>
    private static CatalogueContent Good() => CatalogueContent.Empty with
    {
        Categories = [new InformationCategory("SOC", "Xã hội", "Society", 1)],
        Codelists = [Sex],
        Indicators =
        [
            Count("POP", "SEX"),
            Count("LAB"),
            Count("AREA") with { ValueType = IndicatorValueType.Decimal, TimeAggregation = TimeAggregation.Last, Decimals = 1 },
            new("DENSITY", "Mật độ", "Density", "người/km²", "persons/km2", IndicatorValueType.Decimal, "SOC",
                TerritoryAggregation.WeightedAverage, TimeAggregation.Average, [], WeightIndicatorCode: "AREA", Formula: "POP / AREA"),
        ],
        Regimes = [Regime()],
    };

    private static CatalogueContent WithIndicator(Indicator indicator) =>
        Good() with { Indicators = [.. Good().Indicators, indicator] };

    private static CatalogueContent WithRegime(Func<Regime, Regime> change) => Good() with { Regimes = [change(Regime())] };

    private static CatalogueContent WithRule(string expression) =>
        WithRegime(r => r with { Rules = [new ValidationRule("R09", expression, RuleSeverity.Warning, "Sai.", "Wrong.")] });

    private static CatalogueProblem Single(CatalogueContent content, CatalogueItemKind kind, string field)
    {
        var problems = CatalogueCheck.Check(content);
        var problem = Assert.Single(problems);
        Assert.Equal(kind, problem.ItemKind);
        Assert.Equal(field, problem.Field);
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
        Assert.False(string.IsNullOrWhiteSpace(problem.MessageEn));
        return problem;
    }

    [Fact]
    public void The_good_catalogue_has_no_problems() => Assert.Empty(CatalogueCheck.Check(Good()));

    [Fact]
    public void Duplicate_category_codes() =>
        Single(Good() with { Categories = [.. Good().Categories, new InformationCategory("SOC", "Khác", "Other")] },
            CatalogueItemKind.Category, "code");

    [Fact]
    public void Duplicate_codelist_codes() =>
        Single(Good() with { Codelists = [Sex, Sex] }, CatalogueItemKind.Codelist, "code");

    [Fact]
    public void Duplicate_code_inside_a_codelist() =>
        Single(Good() with { Codelists = [Sex with { Codes = [.. Sex.Codes, new CodeItem("F", "Nữ", "Female")] }] },
            CatalogueItemKind.Codelist, "codes[F]");

    [Fact]
    public void Explicit_total_code_in_a_codelist() =>
        Single(Good() with { Codelists = [Sex with { Codes = [.. Sex.Codes, new CodeItem("_T", "Tổng", "Total")] }] },
            CatalogueItemKind.Codelist, "codes[_T]");

    [Fact]
    public void Duplicate_indicator_codes() =>
        Single(WithIndicator(Count("LAB")), CatalogueItemKind.Indicator, "code");

    [Fact]
    public void Missing_names() =>
        Single(WithIndicator(Count("X") with { NameEn = " " }), CatalogueItemKind.Indicator, "nameEn");

    [Fact]
    public void Unknown_indicator_category() =>
        Single(WithIndicator(Count("X") with { CategoryCode = "NOPE" }), CatalogueItemKind.Indicator, "categoryCode");

    [Fact]
    public void Unknown_disaggregation_codelist() =>
        Single(WithIndicator(Count("X", "AGE")), CatalogueItemKind.Indicator, "disaggregations[0]");

    [Fact]
    public void Weighted_average_without_weight() =>
        Single(WithIndicator(Count("X") with { ValueType = IndicatorValueType.Percent, TerritoryAggregation = TerritoryAggregation.WeightedAverage, TimeAggregation = TimeAggregation.Average }),
            CatalogueItemKind.Indicator, "weightIndicatorCode");

    [Fact]
    public void Weight_that_does_not_exist() =>
        Single(WithIndicator(Count("X") with { ValueType = IndicatorValueType.Percent, TerritoryAggregation = TerritoryAggregation.WeightedAverage, TimeAggregation = TimeAggregation.Average, WeightIndicatorCode = "NOPE" }),
            CatalogueItemKind.Indicator, "weightIndicatorCode");

    [Fact]
    public void Weight_on_an_unweighted_rule() =>
        Single(WithIndicator(Count("X") with { WeightIndicatorCode = "POP" }), CatalogueItemKind.Indicator, "weightIndicatorCode");

    [Fact]
    public void Formula_naming_an_unknown_indicator()
    {
        var problem = Single(WithIndicator(Count("X") with { Formula = "POP / NOPE" }), CatalogueItemKind.Indicator, "formula");
        Assert.Contains("NOPE", problem.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Formula_with_bad_syntax() =>
        Single(WithIndicator(Count("X") with { Formula = "(POP + LAB" }), CatalogueItemKind.Indicator, "formula");

    [Fact]
    public void Formula_with_a_comparison_is_not_a_formula() =>
        Single(WithIndicator(Count("X") with { Formula = "POP > LAB" }), CatalogueItemKind.Indicator, "formula");

    [Fact]
    public void Formula_cycle_is_reported_once()
    {
        var content = Good() with
        {
            Indicators =
            [
                .. Good().Indicators,
                Count("X") with { Formula = "Y + 1" },
                Count("Y") with { Formula = "Z * 2" },
                Count("Z") with { Formula = "(X - POP) / 2" },
                Count("SELF") with { Formula = "SELF + 1" },
            ],
        };

        var problems = CatalogueCheck.Check(content);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal("formula", p.Field));
        Assert.Contains(problems, p => p.Code == "X" && p.MessageEn.Contains("X → Y → Z → X", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Code == "SELF");
    }

    [Fact]
    public void Min_greater_than_max() =>
        Single(WithIndicator(Count("X") with { MinValue = 10, MaxValue = 1 }), CatalogueItemKind.Indicator, "minValue");

    [Fact]
    public void Integer_with_decimals() =>
        Single(WithIndicator(Count("X") with { Decimals = 2 }), CatalogueItemKind.Indicator, "decimals");

    [Fact]
    public void Percent_summed_over_territory() =>
        Single(WithIndicator(Count("X") with { ValueType = IndicatorValueType.Percent, TimeAggregation = TimeAggregation.Average }),
            CatalogueItemKind.Indicator, "territoryAggregation");

    [Fact]
    public void Percent_summed_over_time() =>
        Single(WithIndicator(Count("X") with { ValueType = IndicatorValueType.Percent, TerritoryAggregation = TerritoryAggregation.Average }),
            CatalogueItemKind.Indicator, "timeAggregation");

    [Fact]
    public void Text_aggregated_over_territory() =>
        Single(WithIndicator(Count("X") with { ValueType = IndicatorValueType.Text, TimeAggregation = TimeAggregation.None }),
            CatalogueItemKind.Indicator, "territoryAggregation");

    [Fact]
    public void Boolean_with_bounds() =>
        Single(WithIndicator(Count("X") with { ValueType = IndicatorValueType.Boolean, TerritoryAggregation = TerritoryAggregation.None, TimeAggregation = TimeAggregation.Last, MaxValue = 1 }),
            CatalogueItemKind.Indicator, "minValue");

    [Fact]
    public void Duplicate_regime_version() =>
        Single(Good() with { Regimes = [Regime(), Regime()] }, CatalogueItemKind.Regime, "version");

    [Fact]
    public void Overlapping_regime_versions()
    {
        var v1 = Regime(validity: new Validity(new DateOnly(2020, 1, 1), new DateOnly(2025, 7, 1)));
        var v2 = Regime(version: 2, validity: new Validity(new DateOnly(2025, 7, 1), null));

        Single(Good() with { Regimes = [v1, v2] }, CatalogueItemKind.Regime, "validity");
        Assert.Empty(CatalogueCheck.Check(Good() with { Regimes = [v1 with { Validity = v1.Validity with { To = new DateOnly(2025, 6, 30) } }, v2] }));
    }

    [Fact]
    public void Same_code_different_regimes_do_not_clash() =>
        Assert.Empty(CatalogueCheck.Check(Good() with { Regimes = [Regime("A"), Regime("B")] }));

    [Fact]
    public void Row_with_unknown_indicator() =>
        Single(WithRegime(r => r with { Sections = [r.Sections[0] with { Rows = [r.Sections[0].Rows[0], r.Sections[0].Rows[1] with { IndicatorCode = "NOPE" }] }] }),
            CatalogueItemKind.Regime, "sections[A].rows[A02].indicatorCode");

    [Fact]
    public void Row_with_unknown_codelist() =>
        Single(WithRegime(r => r with { Sections = [r.Sections[0] with { Rows = [r.Sections[0].Rows[0] with { DisaggregationCodelist = "AGE" }, r.Sections[0].Rows[1]] }] }),
            CatalogueItemKind.Regime, "sections[A].rows[A01].disaggregationCodelist");

    [Fact]
    public void Row_with_a_codelist_its_indicator_is_not_broken_down_by() =>
        Single(WithRegime(r => r with { Sections = [r.Sections[0] with { Rows = [r.Sections[0].Rows[0], r.Sections[0].Rows[1] with { DisaggregationCodelist = "SEX" }] }] }),
            CatalogueItemKind.Regime, "sections[A].rows[A02].disaggregationCodelist");

    [Fact]
    public void Duplicate_row_codes_across_sections() =>
        Single(WithRegime(r => r with { Sections = [.. r.Sections, new FormSection("B", "Phần B", "Part B", [new FormRow("A01", "Lặp", "Again", "LAB")])] }),
            CatalogueItemKind.Regime, "sections[B].rows[A01]");

    [Fact]
    public void Rule_naming_a_row_that_is_not_in_the_form()
    {
        var problem = Single(WithRule("A03 <= A01"), CatalogueItemKind.Regime, "rules[R09].expression");
        Assert.Contains("A03", problem.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_functions_are_not_rows() =>
        Assert.Empty(CatalogueCheck.Check(WithRule(
            "if(not isblank(prev(A01)), abs(A01 / same_period_last_year(A01) - 1) < 0.5 and sum(A01[M], A01[F]) = A01, A02 >= 0)")));

    [Fact]
    public void Rule_with_a_column_not_in_the_codelist() =>
        Single(WithRule("A01[X] <= A01"), CatalogueItemKind.Regime, "rules[R09].expression");

    [Fact]
    public void Rule_with_a_column_on_an_undisaggregated_row() =>
        Single(WithRule("A02[M] <= A02"), CatalogueItemKind.Regime, "rules[R09].expression");

    [Fact]
    public void Rule_with_an_unknown_function() =>
        Single(WithRule("median(A01, A02) > 0"), CatalogueItemKind.Regime, "rules[R09].expression");

    [Fact]
    public void Rule_functions_are_the_validation_engines_own() =>
        Assert.DoesNotContain(
            CatalogueCheck.Check(WithRule("max(A01, A02) >= min(A01, A02) and round(A01, 0) >= 0")),
            p => p.Field.StartsWith("rules[R09]", StringComparison.Ordinal));

    [Fact]
    public void A_rule_must_be_a_condition() =>
        Single(WithRule("A01 + A02"), CatalogueItemKind.Regime, "rules[R09].expression");

    [Fact]
    public void Rule_with_wrong_argument_count() =>
        Single(WithRule("abs(A01, A02) > 0"), CatalogueItemKind.Regime, "rules[R09].expression");

    [Theory]
    [InlineData("A01 <= ")]
    [InlineData("A01 = = A02")]
    [InlineData("(A01 > 0")]
    [InlineData("A01 > 0)")]
    [InlineData("A01 & A02")]
    [InlineData("A01[] > 0")]
    [InlineData("")]
    public void Rule_with_bad_syntax(string expression) =>
        Single(WithRule(expression), CatalogueItemKind.Regime, "rules[R09].expression");

    [Fact]
    public void Duplicate_rule_codes() =>
        Single(WithRegime(r => r with { Rules = [r.Rules[0], r.Rules[0]] }), CatalogueItemKind.Regime, "rules[R01]");

    [Theory]
    [InlineData("day 20 of last month", true)]
    [InlineData("day 5 of next month", true)]
    [InlineData("3 days after cutoff", true)]
    [InlineData("1 days after end", true)]
    [InlineData("day 31 of month 3 of next year", true)]
    [InlineData("day 32 of next month", false)]
    [InlineData("day 1 of month 13 of next year", false)]
    [InlineData("1 day after end", false)]
    [InlineData("Day 20 of last month", false)]
    [InlineData("day 20 of last month ", false)]
    [InlineData("20/12", false)]
    public void Deadline_grammar(string rule, bool valid)
    {
        Assert.Equal(valid, CatalogueCheck.IsDeadlineRule(rule));
        var problems = CatalogueCheck.Check(WithRegime(r => r with { DeadlineRule = rule }));
        Assert.Equal(valid ? 0 : 1, problems.Count(p => p.Field == "deadlineRule"));
    }

    [Fact]
    public void Unknown_cutoff_rule() =>
        Single(WithRegime(r => r with { CutoffRule = "decree9" }), CatalogueItemKind.Regime, "cutoffRule");

    [Fact]
    public void Decree09_cutoff_on_a_daily_regime() =>
        Single(WithRegime(r => r with { Periodicity = Periodicity.Daily, DeadlineRule = "1 days after end" }), CatalogueItemKind.Regime, "cutoffRule");

    [Fact]
    public void Unknown_regime_category() =>
        Single(WithRegime(r => r with { CategoryCode = "NOPE" }), CatalogueItemKind.Regime, "categoryCode");

    [Fact]
    public void Regime_without_reporters() =>
        Single(WithRegime(r => r with { Reporters = new ReporterSpec([], []) }), CatalogueItemKind.Regime, "reporters");

    [Fact]
    public void Recipient_is_checked_only_when_organizations_are_known()
    {
        var content = WithRegime(r => r with { RecipientCode = "NOPE" });
        Assert.Empty(CatalogueCheck.Check(content));

        var organizations = new[]
        {
            new Organization("CP", Validity.Always, OrganizationKind.Government, "Chính phủ", "Government", null, null),
            new Organization("VPCP", Validity.Always, OrganizationKind.MinistryLevelAgency, "Văn phòng Chính phủ", "Government Office", "VPCP", "CP"),
        };
        Single(content with { Organizations = organizations }, CatalogueItemKind.Regime, "recipientCode");
        Assert.Empty(CatalogueCheck.Check(Good() with { Organizations = organizations }));
        Assert.Empty(CatalogueCheck.Check(WithRegime(r => r with { RecipientCode = "parent" }) with { Organizations = organizations }));
        Single(WithRegime(r => r with { Reporters = new ReporterSpec([], ["BXX"]) }) with { Organizations = organizations },
            CatalogueItemKind.Regime, "reporters.codes");
    }

    [Fact]
    public void Every_problem_is_listed_not_just_the_first()
    {
        var content = Good() with
        {
            Indicators = [.. Good().Indicators, Count("X") with { CategoryCode = "NOPE", MinValue = 5, MaxValue = 1 }],
            Regimes = [Regime() with { CutoffRule = "x", DeadlineRule = "y" }],
        };

        Assert.Equal(4, CatalogueCheck.Check(content).Count);
    }

    [Fact]
    public void Formula_scan_lists_the_indicators_in_order()
    {
        var scan = CatalogueExpressions.ScanFormula("(GRDP - X1) / POP_AVG * 1000");

        Assert.True(scan.IsValid);
        Assert.Equal(["GRDP", "X1", "POP_AVG"], scan.References.Select(r => r.RowCode));
    }

    [Fact]
    public void Rule_scan_reads_columns_and_skips_functions()
    {
        var scan = CatalogueExpressions.ScanRule("if(A01[Y0T14] > 0, sum(B02, C03[F]) <> 0)");

        Assert.True(scan.IsValid, scan.ErrorEn);
        Assert.Equal(
            [new CatalogueCellReference("A01", "Y0T14"), new("B02", null), new("C03", "F")],
            scan.References);
    }

    [Fact]
    public void Scanners_never_throw_on_arbitrary_text()
    {
        // People type these expressions; whatever they type must come back as a problem, not a crash.
        var property = FsCheck.Fluent.Prop.ForAll((string text) =>
        {
            var rule = CatalogueExpressions.ScanRule(text ?? string.Empty);
            var formula = CatalogueExpressions.ScanFormula(text ?? string.Empty);
            _ = CatalogueCheck.IsDeadlineRule(text);
            return (rule.IsValid || rule.ErrorEn is not null) && (formula.IsValid || formula.ErrorEn is not null);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }
}
