using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// A <c>disaggregation</c> cross-check over HTTP (the shared scenario: <see cref="PlantedGapCrossCheckSuite"/>): the
/// rule compares a province's exports total with the sum of its parts by economic sector. Hà Nội reports a total of
/// 100 with parts 40 + 30; Hồ Chí Minh City 1000 with parts 600 + 399.9 + 0.
/// </summary>
public abstract class CrossCheckDisaggregationTestsSuite : PlantedGapCrossCheckSuite
{
    private const string Rule = "XC-TEST-EXPORT-SECTORS";

    // The extra cross-check rule this test adds to the shipped ones.
    private static readonly object TestRule = new
    {
        code = Rule, kind = "disaggregation", indicatorCode = "EXPORT", codelist = "ECON_SECTOR",
        leftSource = Regime, rightSource = Regime, territoryCodes = new[] { "01", "79" },
        absoluteTolerance = 0.5m, relativeTolerance = 0.01m,
        name = "Xuất khẩu: tổng số so với tổng các khu vực kinh tế", nameEn = "Exports: the total against the sum of the economic sectors",
    };

    private static List<Dictionary<string, object?>> WithExports(string reporter, decimal total, params (string Sector, decimal Value)[] parts)
    {
        var values = Values(reporter, period: Period);
        values.Add(new() { ["indicator"] = "EXPORT", ["number"] = total });
        values.AddRange(parts.Select(p => new Dictionary<string, object?> { ["indicator"] = "EXPORT", ["disaggregation"] = "ECON_SECTOR:" + p.Sector, ["number"] = p.Value }));
        return values;
    }

    [Fact]
    public async Task A_total_against_its_parts_shows_a_planted_gap_with_both_provenances_and_not_one_within_tolerance()
    {
        var (left, right) = await PlantedGapIsShownAsync(TestRule, Rule,
            WithExports(Hanoi, 100m, ("STATE", 40m), ("NONSTATE", 30m)), WithExports(Hcmc, 1000m, ("STATE", 600m), ("NONSTATE", 399.9m), ("FDI", 0m)));

        // Both sides are Hà Nội's own territory: the total and its sector parts.
        Assert.All(left.GetProperty("evidence").EnumerateArray(), e => Assert.Equal("01", e.GetProperty("territory").GetString()));
        Assert.All(right.GetProperty("evidence").EnumerateArray(), e => Assert.Equal("01", e.GetProperty("territory").GetString()));
    }
}

/// <summary>The scenario on SQLite (the server's own database file).</summary>
public sealed class CrossCheckDisaggregationTests : CrossCheckDisaggregationTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresCrossCheckDisaggregationTests(Nris.Testing.PostgresFixture postgres) : CrossCheckDisaggregationTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
