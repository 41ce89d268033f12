using Nris.Core.Submissions;
using Nris.Core.Validation;
using static Nris.Core.Tests.Validation.ValidationTestData;

namespace Nris.Core.Tests.Validation;

public sealed class DemoRulesTests
{
    public static TheoryData<string, int, string> DemoRules()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var regime in Demo.Regimes)
        {
            foreach (var rule in regime.Rules)
            {
                data.Add(regime.Code, regime.Version, rule.Code);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DemoRules))]
    public void Every_demo_rule_parses_as_a_condition_over_cells_of_its_form(string regimeCode, int version, string ruleCode)
    {
        var regime = Snapshot.RegimeVersions(regimeCode).Single(r => r.Version == version);
        var rule = regime.Rules.Single(r => r.Code == ruleCode);
        var expression = RuleExpression.ParseRule(rule.Expression);
        var form = new ReportForm(regime, Snapshot);
        Assert.NotEmpty(expression.References);
        Assert.All(expression.References, r => Assert.NotNull(form.Cell(r.RowCode, r.Column)));

        // With nothing filled in, a rule never blames the reporter.
        Assert.NotEqual(RuleOutcome.Fail, expression.Evaluate(RuleData.Empty).Outcome);
    }

    [Fact]
    public void Every_demo_regime_compiles_into_a_validator_without_broken_rules()
    {
        Assert.True(Demo.Regimes.Sum(r => r.Rules.Count) >= 60);
        foreach (var regime in Demo.Regimes)
        {
            var validator = new SubmissionValidator(Snapshot, regime);
            var organization = Snapshot.Organizations.All.First(o => regime.Reporters.Includes(o));
            // A regime open at the start (historical data) is checked on a date inside it.
            var period = Nris.Core.Periods.Period.Containing(regime.Validity.From ?? regime.Validity.To ?? new DateOnly(2020, 1, 1), regime.Periodicity);
            var report = validator.Validate(period, organization, []);
            Assert.DoesNotContain(report.Issues, i => i.Code == IssueCodes.RuleInvalid);
        }
    }
}
