using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// A <c>children</c> cross-check over HTTP (the shared scenario: <see cref="PlantedGapCrossCheckSuite"/>): the rule
/// compares a province's own budget revenue figure with the sum of the figures of its communes, all sent in the
/// province's socio-economic report (a province may give figures for its communes; its own figure is the cell's value,
/// the communes' figures are the parts). Hà Nội reports 100 for the city and 40 + 30 for two wards; Hồ Chí Minh City
/// 1000 against 600 + 399.9.
/// </summary>
public abstract class CrossCheckChildrenTestsSuite : PlantedGapCrossCheckSuite
{
    private const string Rule = "XC-TEST-REVENUE-COMMUNES";

    // The extra cross-check rule this test adds to the shipped ones.
    private static readonly object TestRule = new
    {
        code = Rule, kind = "children", indicatorCode = "BUDGET_REVENUE",
        leftSource = Regime, rightSource = Regime, territoryCodes = new[] { "01", "79" },
        absoluteTolerance = 0.5m, relativeTolerance = 0.01m,
        name = "Thu ngân sách: tỉnh so với tổng các xã", nameEn = "Budget revenue: the province against the sum of its communes",
    };

    // The report's own BUDGET_REVENUE (the province's figure) set to the total, plus one figure per commune.
    private static List<Dictionary<string, object?>> WithCommunes(string reporter, decimal total, params (string Commune, decimal Value)[] communes)
    {
        var values = Values(reporter, period: Period);
        values.Single(v => (string)v["indicator"]! == "BUDGET_REVENUE")["number"] = total;
        values.AddRange(communes.Select(c => new Dictionary<string, object?> { ["indicator"] = "BUDGET_REVENUE", ["territory"] = c.Commune, ["number"] = c.Value }));
        return values;
    }

    [Fact]
    public async Task A_province_against_its_communes_shows_a_planted_gap_with_both_provenances_and_not_one_within_tolerance()
    {
        var (left, right) = await PlantedGapIsShownAsync(TestRule, Rule,
            WithCommunes(Hanoi, 100m, ("00004", 40m), ("00008", 30m)), WithCommunes(Hcmc, 1000m, ("25747", 600m), ("25750", 399.9m)));

        // The left side is the province's own figure; the right side is made of the two wards' figures.
        Assert.Equal(["01"], left.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("territory").GetString()));
        Assert.Equal(["00004", "00008"], right.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("territory").GetString()).Order(StringComparer.Ordinal));
    }
}

/// <summary>The scenario on SQLite (the server's own database file).</summary>
public sealed class CrossCheckChildrenTests : CrossCheckChildrenTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresCrossCheckChildrenTests(Nris.Testing.PostgresFixture postgres) : CrossCheckChildrenTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
