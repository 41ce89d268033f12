using System.Globalization;

namespace Nris.Server.Tests.Api;

/// <summary>
/// Valid monthly socio-economic reports (KTXH-TINH-THANG, recipient VPCP) for the tests over HTTP. Every test takes
/// its own periods from one counter, so tests running in parallel against the one server never meet on a report.
/// </summary>
public static class ReportTestData
{
    public const string Regime = "KTXH-TINH-THANG";
    public const string Hanoi = "UBND.01";
    public const string Hcmc = "UBND.79";

    /// <summary>The retail sales every Hồ Chí Minh City report carries: a marker no in-scope response may contain.</summary>
    public const string HcmcMarker = "987654.321";

    private static int _next = -1;

    /// <summary>A month no other test uses, from 2020-M01 on (the first version of the regime runs to 2025-M06).</summary>
    public static string NextPeriod()
    {
        var n = Interlocked.Increment(ref _next);
        Assert.True(n < 66, "the tests used up the months of KTXH-TINH-THANG version 1");
        var month = new DateOnly(2020, 1, 1).AddMonths(n);
        return month.ToString("yyyy'-M'MM", CultureInfo.InvariantCulture);
    }

    private static int _nextMatrix = -1;

    /// <summary>A month of the regime's second version (2025-M07 on) for the authorization matrix, which needs many fresh reports.</summary>
    public static string NextPeriodForMatrix()
    {
        var n = Interlocked.Increment(ref _nextMatrix);
        return new DateOnly(2025, 7, 1).AddMonths(n).ToString("yyyy'-M'MM", CultureInfo.InvariantCulture);
    }

    private static bool IsSecondVersion(string? period) => period is not null && string.CompareOrdinal(period, "2025-M07") >= 0 && period.Contains("-M", StringComparison.Ordinal);

    public static string Path(string period, string reporter) => $"/api/reports/{Regime}/{period}/{reporter}";

    /// <summary>Every required cell, the same figures each month (so no same-period or previous-month warning fires).</summary>
    public static List<Dictionary<string, object?>> Values(string reporter, decimal? retail = null, string? period = null)
    {
        var numbers = new (string Indicator, decimal Number)[]
        {
            ("IIP", 100m), ("RETAIL_SALES", retail ?? (reporter == Hcmc ? 987654.321m : 100m)), ("CPI_YOY", 100m), ("CPI_MOM", 100m),
            ("ENT_NEW", 10m), ("BUDGET_REVENUE", 100m), ("BUDGET_REVENUE_DOMESTIC", 100m), ("BUDGET_EXPENDITURE", 100m), ("PUBINV_PLAN", 100m),
            ("PUBINV_DISBURSED_YTD", 100m), ("TRAFFIC_ACCIDENTS", 10m), ("TRAFFIC_DEATHS", 1m), ("TRAFFIC_INJURIES", 2m),
        };
        if (IsSecondVersion(period))
        {
            // The second version (from July 2025) also asks for public-service dossiers.
            numbers = [.. numbers, ("DOSSIERS_RECEIVED", 100m), ("DOSSIERS_ONLINE", 50m)];
        }
        return [.. numbers.Select(n => new Dictionary<string, object?> { ["indicator"] = n.Indicator, ["number"] = n.Number })];
    }

    public static object Body(string reporter, decimal? retail = null, string? period = null) => new { values = Values(reporter, retail, period) };
}
