using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.DemoGeneration;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Catalogue;
using Nris.Server.Demo;
using Nris.Server.Oversight;
using Nris.Storage;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// Anomalies over the stored values. Twelve provinces report KTXH-TINH-THANG from 2022-M01 to 2025-M06 through the
/// ordinary submission path (steady growth, a little noise); the clean history is checked to have no flag at all.
/// Then three manipulations are submitted over HTTP by the provinces' own reporters — Hà Nội inflates one figure,
/// Hồ Chí Minh City copies last month's report, Hải Phòng sends fabricated round figures — and each is flagged by its
/// detectors with an explanation and an evidence link to the value's provenance or the report, while no untouched
/// series is; a reporter of another province sees nothing of them; the cached answer equals a scan from scratch; and
/// a revision that undoes the inflation removes its flags.
/// </summary>
public abstract class AnomalyTestsSuite
{
    private const string Regime = "KTXH-TINH-THANG";
    private const string Hanoi = "UBND.01";
    private const string Hcmc = "UBND.79";
    private const string HaiPhong = "UBND.31";
    private static readonly string[] Provinces = ["01", "79", "31", "48", "92", "22", "26", "38", "40", "56", "75", "89"];
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    [Fact]
    public async Task Planted_manipulations_are_flagged_with_evidence_untouched_series_are_not_and_other_provinces_see_nothing()
    {
        await using var server = new OversightServer(new DateTimeOffset(2025, 7, 10, 0, 0, 0, TimeSpan.Zero), [.. await DatabaseSettingsAsync(), "--Nris:Notifications:Enabled=false"]);
        await server.StartAsync();
        var planted = new[] { (Hanoi, "2025-M04"), (Hcmc, "2025-M05"), (HaiPhong, "2025-M06") };
        var history = History().ToList();
        var load = await server.Services.GetRequiredService<DemoLoader>()
            .LoadAsync(history.Where(r => !planted.Contains((r.ReporterCode, r.Period.ToString()))), null, Ct);
        Assert.Equal(0, load.Refused);
        Assert.Equal(history.Count - 3, load.Submitted);

        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var hcmcUser = await server.UserAsync(Hcmc, "reporter", "reporter@hcmc.test.vn");
        var haiPhongUser = await server.UserAsync(HaiPhong, "reporter", "reporter@haiphong.test.vn");
        var vpcpUser = await server.UserAsync("VPCP", "reviewer", "reviewer@vpcp.test.vn");
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var hcmc = await server.SignInAsync(hcmcUser.UserName, hcmcUser.Password);
        using var haiPhong = await server.SignInAsync(haiPhongUser.UserName, haiPhongUser.Password);
        using var vpcp = await server.SignInAsync(vpcpUser.UserName, vpcpUser.Password);
        var url = $"/api/oversight/anomalies?regime={Regime}&take=1000";

        // The clean history: nothing to flag (this also fills the cache the plants must invalidate).
        var clean = (await vpcp.GetJsonAsync(url)).EnumerateArray().ToList();
        Assert.True(clean.Count == 0, "clean history flagged: " + string.Join(" | ", clean.Select(f => f.ToString())));

        // Hà Nội: retail sales of April 2025 raised by 45 %.
        var april = history.Single(r => r.ReporterCode == Hanoi && r.Period.ToString() == "2025-M04");
        var inflated = Math.Round(Number(april, "RETAIL_SALES") * 1.45m, 1);
        var hanoiSequence = await SubmitAsync(hanoi, Hanoi, "2025-M04", With(april, "RETAIL_SALES", inflated), "submit");
        // Hồ Chí Minh City: May 2025 is April's report sent again.
        var hcmcApril = history.Single(r => r.ReporterCode == Hcmc && r.Period.ToString() == "2025-M04");
        await SubmitAsync(hcmc, Hcmc, "2025-M05", new { values = Values(hcmcApril) }, "submit");
        // Hải Phòng: June 2025 with every figure rounded to two significant digits.
        var june = history.Single(r => r.ReporterCode == HaiPhong && r.Period.ToString() == "2025-M06");
        await SubmitAsync(haiPhong, HaiPhong, "2025-M06", new { values = Values(june, RoundTwoDigits) }, "submit");

        var flags = (await vpcp.GetJsonAsync(url)).EnumerateArray().ToList();
        var untouched = flags.Where(f => f.GetProperty("reporter").GetString() is not (Hanoi or Hcmc or HaiPhong)).ToList();
        Assert.True(untouched.Count == 0, "untouched series flagged: " + string.Join(" | ", untouched.Select(f => f.ToString())));
        foreach (var detector in new[] { Detectors.OwnHistory, Detectors.Peers, Detectors.YearOnYearJump })
        {
            var flag = Assert.Single(flags, f => f.GetProperty("detector").GetString() == detector && f.GetProperty("reporter").GetString() == Hanoi);
            Assert.Equal("2025-M04", flag.GetProperty("period").GetString());
            Assert.Equal("RETAIL_SALES", flag.GetProperty("indicator").GetString());
            Assert.Equal("01", flag.GetProperty("territory").GetString());
            Assert.Equal(inflated, flag.GetProperty("value").GetDecimal());
            Assert.Contains("%", flag.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
            Assert.Contains("same period last year", flag.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
            var link = flag.GetProperty("evidenceLink").GetString()!;
            Assert.StartsWith("/api/provenance?indicator=RETAIL_SALES&territory=01&period=2025-M04", link, StringComparison.Ordinal);
            // The evidence names the HTTP submission that planted it.
            var provenance = await vpcp.GetJsonAsync(link);
            Assert.Equal(hanoiSequence, provenance.GetProperty("from").GetProperty("ledgerSequence").GetInt64());
        }

        // The combined score finds it too, and says what it expected and how noisy the series is.
        var expected = Assert.Single(flags, f => f.GetProperty("detector").GetString() == Detectors.ExpectedValue && f.GetProperty("reporter").GetString() == Hanoi);
        Assert.Equal(("2025-M04", "RETAIL_SALES", inflated), (expected.GetProperty("period").GetString(), expected.GetProperty("indicator").GetString(), expected.GetProperty("value").GetDecimal()));
        Assert.Contains("from the expected", expected.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Contains("mức dự kiến", expected.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("/api/provenance?indicator=RETAIL_SALES&territory=01&period=2025-M04", expected.GetProperty("evidenceLink").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(flags, f => f.GetProperty("reporter").GetString() == Hanoi && f.GetProperty("indicator").GetString() != "RETAIL_SALES");
        var copied = Assert.Single(flags, f => f.GetProperty("detector").GetString() == Detectors.CopiedForward);
        Assert.Equal((Hcmc, "2025-M05"), (copied.GetProperty("reporter").GetString(), copied.GetProperty("period").GetString()));
        Assert.False(copied.TryGetProperty("indicator", out _)); // a flag on the whole report
        Assert.Contains("13 of 13 values are identical", copied.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/api/reports/{Regime}/2025-M05/{Hcmc}", copied.GetProperty("evidenceLink").GetString());
        await vpcp.GetJsonAsync(copied.GetProperty("evidenceLink").GetString()!);
        var round = Assert.Single(flags, f => f.GetProperty("detector").GetString() == Detectors.RoundFigures);
        Assert.Equal((HaiPhong, "2025-M06"), (round.GetProperty("reporter").GetString(), round.GetProperty("period").GetString()));
        Assert.Contains("round figures", round.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Contains("số tròn", round.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);

        // The cached answer (built before the plants, invalidated by their ledger entries) equals a scan from scratch.
        var fresh = ActivatorUtilities.CreateInstance<AnomalyService>(server.Services);
        var snapshot = server.Services.GetRequiredService<CatalogueState>().Current;
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            var scanned = await fresh.ScanAsync(db, snapshot, snapshot.LatestRegime(Regime)!, Ct);
            var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            Assert.Equal(scanned.Select(f => JsonSerializer.Serialize(f, options)).Order(StringComparer.Ordinal),
                flags.Select(f => JsonSerializer.Serialize(JsonSerializer.Deserialize<AnomalyDto>(f.GetRawText(), options), options)).Order(StringComparer.Ordinal));
        }

        // Scope: each reporter sees its own province's flags only; the other provinces' stay hidden.
        var hanoiSees = (await hanoi.GetJsonAsync(url)).EnumerateArray().ToList();
        Assert.Equal(4, hanoiSees.Count);
        Assert.All(hanoiSees, f => Assert.Equal(Hanoi, f.GetProperty("reporter").GetString()));
        var hcmcSees = (await hcmc.GetJsonAsync("/api/oversight/anomalies")).EnumerateArray().ToList();
        Assert.All(hcmcSees, f => Assert.Equal(Hcmc, f.GetProperty("reporter").GetString()));
        Assert.Equal(flags.Count(f => f.GetProperty("reporter").GetString() == Hcmc), hcmcSees.Count);
        Assert.Contains(hcmcSees, f => f.GetProperty("detector").GetString() == Detectors.CopiedForward);
        Assert.Empty((await hcmc.GetJsonAsync($"/api/oversight/anomalies?reporter={Hanoi}")).EnumerateArray());

        // The hot-issues feed (today is 2025-07-10: the last two complete months are June and May) joins the copied and
        // the rounded report, each naming its reporter and linking to the report; Hà Nội's April is older.
        var hot = (await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=50")).EnumerateArray()
            .Where(i => i.GetProperty("kind").GetString() == "anomaly").ToList();
        Assert.DoesNotContain(hot, i => i.GetProperty("explanationEn").GetString()!.StartsWith(Hanoi, StringComparison.Ordinal));
        var hotCopy = Assert.Single(hot, i => i.GetProperty("code").GetString() == Detectors.CopiedForward);
        Assert.Equal("2025-M05", hotCopy.GetProperty("period").GetString());
        Assert.StartsWith(Hcmc, hotCopy.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/api/reports/{Regime}/2025-M05/{Hcmc}", hotCopy.GetProperty("evidenceLink").GetString());
        Assert.Single(hot, i => i.GetProperty("code").GetString() == Detectors.RoundFigures);
        var hcmcHot = (await hcmc.GetJsonAsync("/api/oversight/hot-issues?take=50")).EnumerateArray()
            .Where(i => i.GetProperty("kind").GetString() == "anomaly").ToList();
        Assert.Contains(hcmcHot, i => i.GetProperty("code").GetString() == Detectors.CopiedForward);
        Assert.All(hcmcHot, i => Assert.StartsWith(Hcmc, i.GetProperty("explanationEn").GetString(), StringComparison.Ordinal));

        // Missing reports of provinces join the feed below the anomalies: Hà Giang (02) never reported; Hà Nội did.
        var hotAll = (await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=100")).EnumerateArray().ToList();
        var kinds = hotAll.ConvertAll(i => i.GetProperty("kind").GetString());
        Assert.True(kinds.LastIndexOf("anomaly") < kinds.IndexOf("missing"), string.Join(",", kinds));
        var missing = hotAll.Where(i => i.GetProperty("kind").GetString() == "missing").ToList();
        var haGiang = Assert.Single(missing, i => Text(i, "territory") == "02" && i.GetProperty("period").GetString() == "2025-M06");
        Assert.Equal(Regime, haGiang.GetProperty("code").GetString());
        Assert.Contains("has not sent KTXH-TINH-THANG for 2025-M06", haGiang.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/api/oversight/compliance/matrix?regime={Regime}&from=2025-M06&to=2025-M06", haGiang.GetProperty("evidenceLink").GetString());
        Assert.DoesNotContain(missing, i => Text(i, "territory") == "01");
        Assert.DoesNotContain((await hanoi.GetJsonAsync("/api/oversight/hot-issues?take=100")).EnumerateArray(),
            i => i.GetProperty("kind").GetString() == "missing" && Text(i, "territory") != "01");

        // Filters, and bad input.
        Assert.Single((await vpcp.GetJsonAsync(url + "&detector=copied-forward")).EnumerateArray());
        var haiPhongFlags = (await vpcp.GetJsonAsync(url + "&reporter=" + HaiPhong)).EnumerateArray().ToList();
        Assert.Equal(flags.Count(f => f.GetProperty("reporter").GetString() == HaiPhong), haiPhongFlags.Count);
        Assert.All(haiPhongFlags, f => Assert.Equal(HaiPhong, f.GetProperty("reporter").GetString()));
        Assert.Equal(4, (await vpcp.GetJsonAsync(url + "&period=2025-M04")).GetArrayLength());
        var unlimited = $"/api/oversight/anomalies?regime={Regime}";
        Assert.Equal(2, (await vpcp.GetJsonAsync(unlimited + "&take=2")).GetArrayLength());
        Assert.Equal(flags.Count, (await vpcp.GetJsonAsync("/api/oversight/anomalies")).GetArrayLength());
        await vpcp.GetJsonAsync(url + "&detector=astrology", 400);
        await vpcp.GetJsonAsync(url + "&period=April", 400);
        await vpcp.GetJsonAsync(unlimited + "&take=0", 400);
        await vpcp.GetJsonAsync(unlimited + "&take=1001", 400);
        await vpcp.GetJsonAsync("/api/oversight/anomalies?regime=NO-SUCH-REGIME", 404);

        // Hà Nội corrects April: its flags go at the next question.
        await SubmitAsync(hanoi, Hanoi, "2025-M04", new { values = Values(april), baseVersion = 1, reason = "Sửa số liệu / corrected" }, "revise");
        var after = (await vpcp.GetJsonAsync(url)).EnumerateArray().ToList();
        Assert.DoesNotContain(after, f => f.GetProperty("reporter").GetString() == Hanoi);
        Assert.Equal(flags.Count - 4, after.Count);
    }

    // Steady 7 % a year for every province, each at its own size, with ±0.4 % noise: what a clean history looks like to
    // the detectors. The rules of the form hold (domestic ≤ total revenue, year-to-date disbursement ≤ plan, deaths ≤
    // accidents).
    private static IEnumerable<DemoReport> History()
    {
        var random = new Random(20250710);
        foreach (var province in Provinces)
        {
            var size = 0.5 + (2 * random.NextDouble());
            for (var month = new DateOnly(2022, 1, 1); month <= new DateOnly(2025, 6, 1); month = month.AddMonths(1))
            {
                var trend = Math.Pow(1.07, ((month.Year - 2022) * 12 + month.Month - 1) / 12.0);
                double Noise() => 1 + (0.004 * ((random.NextDouble() * 2) - 1));
                var revenue = 8000 * size * trend * Noise();
                var plan = 30000 * size * Math.Pow(1.07, month.Year - 2022);
                var accidents = Math.Round(400 * size * trend * Noise());
                var values = new List<ReportValue>
                {
                    Value("IIP", Math.Round(108.5 * Noise(), 2)),
                    Value("RETAIL_SALES", Math.Round(25000 * size * trend * Noise(), 1)),
                    Value("CPI_YOY", Math.Round(103.4 * Noise(), 2)),
                    Value("CPI_MOM", Math.Round(100.3 * Noise(), 2)),
                    Value("ENT_NEW", Math.Round(900 * size * trend * Noise())),
                    Value("BUDGET_REVENUE", Math.Round(revenue, 1)),
                    Value("BUDGET_REVENUE_DOMESTIC", Math.Round(revenue * 0.8, 1)),
                    Value("BUDGET_EXPENDITURE", Math.Round(7000 * size * trend * Noise(), 1)),
                    Value("PUBINV_PLAN", Math.Round(plan, 1)),
                    Value("PUBINV_DISBURSED_YTD", Math.Round(plan * month.Month / 12.0 * 0.9 * Noise(), 1)),
                    Value("TRAFFIC_ACCIDENTS", accidents),
                    Value("TRAFFIC_DEATHS", Math.Round(accidents * 0.4)),
                    Value("TRAFFIC_INJURIES", Math.Round(accidents * 0.9)),
                };
                yield return new DemoReport(Regime, Period.Month(month.Year, month.Month), "UBND." + province, values);
            }
        }
    }

    // A property that is left out when null (a ministry's missing report has no territory).
    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static ReportValue Value(string indicator, double number) =>
        new(indicator, Disaggregations.Total, null, (decimal)number, null, null);

    private static decimal Number(DemoReport report, string indicator) => report.Values.Single(v => v.IndicatorCode == indicator).Number!.Value;

    private static decimal RoundTwoDigits(decimal value) => (decimal)AnomalyPlanter.RoundToTwoDigits((double)value);

    private static object[] Values(DemoReport report, Func<decimal, decimal>? change = null) =>
        [.. report.Values.Select(v => new { indicator = v.IndicatorCode, number = change is null ? v.Number : change(v.Number!.Value) })];

    private static object With(DemoReport report, string indicator, decimal number) =>
        new { values = report.Values.Select(v => new { indicator = v.IndicatorCode, number = v.IndicatorCode == indicator ? number : v.Number }).ToArray() };

    /// <summary>Submits (or revises) over HTTP; plausibility warnings get an explanation, as a reporter would give.</summary>
    internal static async Task<long> SubmitAsync(Auth.ApiSession session, string reporter, string period, object body, string action)
    {
        var path = $"/api/reports/{Regime}/{period}/{reporter}/{action}";
        using var first = await session.PostAsync(path, body);
        var text = await first.Content.ReadAsStringAsync(Ct);
        if ((int)first.StatusCode == 201)
        {
            return JsonDocument.Parse(text).RootElement.GetProperty("ledgerSequence").GetInt64();
        }

        Assert.True((int)first.StatusCode == 422, text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.All(errors, e => Assert.Equal("warning", e.GetProperty("severity").GetString()));
        var explanations = errors.Select(e => e.GetProperty("ruleCode").GetString()!).Distinct()
            .Select(rule => new { rule, text = "Số liệu kiểm thử / test data" }).ToArray();
        var element = JsonSerializer.SerializeToElement(body);
        var retry = new Dictionary<string, object?>(StringComparer.Ordinal) { ["explanations"] = explanations };
        foreach (var property in element.EnumerateObject())
        {
            retry[property.Name] = property.Value;
        }

        var done = await session.PostJsonAsync(path, retry, 201);
        return done.GetProperty("ledgerSequence").GetInt64();
    }
}

/// <summary>The scenario on SQLite (the server's own database file).</summary>
public sealed class AnomalyTests : AnomalyTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresAnomalyTests(Nris.Testing.PostgresFixture postgres) : AnomalyTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
