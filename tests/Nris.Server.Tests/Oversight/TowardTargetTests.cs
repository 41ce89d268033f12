using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.DemoGeneration;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Server.Catalogue;
using Nris.Server.Demo;
using Nris.Server.Oversight;
using Nris.Storage;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// <c>toward-target</c> over the stored revision histories. Three provinces' monthly reports (July 2025 to June 2026)
/// are loaded through the submission path; Hà Nội's and Đà Nẵng's leaders assign 2026 targets over HTTP (budget
/// revenue and retail sales, levels for the year). Then Hà Nội's reporter revises four months, each revision moving both
/// figures toward the month's pace of the target; Đà Nẵng's reporter revises four months too, half of the figures
/// toward and half away. Only Hà Nội is flagged, with an explanation naming the revisions and the targets; Đà Nẵng's
/// and Hồ Chí Minh City's reporters see nothing of it; it joins the hot issues; the cached answer equals a scan from
/// scratch; and retiring one of Hà Nội's targets (a ledger entry the targets view follows) leaves too few judged
/// revisions, so the flag goes.
/// </summary>
public abstract class TowardTargetTestsSuite
{
    private const string Regime = "KTXH-TINH-THANG";
    private const string Hanoi = "UBND.01";
    private const string DaNang = "UBND.48";
    private const string Hcmc = "UBND.79";
    private static readonly string[] Indicators = ["BUDGET_REVENUE", "RETAIL_SALES"];
    private static readonly string[] Months = ["2026-M02", "2026-M03", "2026-M04", "2026-M05"];
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    [Fact]
    public async Task A_reporter_whose_revisions_move_toward_its_targets_is_flagged_over_stored_data_scoped_and_in_hot_issues()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 7, 10, 0, 0, 0, TimeSpan.Zero), [.. await DatabaseSettingsAsync(), "--Nris:Notifications:Enabled=false"]);
        await server.StartAsync();
        var places = DemoLoader.ReadPlaces(server.Services.GetRequiredService<IConfiguration>());
        var generator = new DemoGenerator(places, long.MaxValue, 7)
        {
            Regimes = new HashSet<string>(StringComparer.Ordinal) { Regime }, Until = new DateOnly(2026, 6, 30),
        };
        var reports = generator.Reports().Where(r => r.ReporterCode is Hanoi or DaNang or Hcmc).ToList();
        var load = await server.Services.GetRequiredService<DemoLoader>().LoadAsync(reports, null, Ct);
        Assert.Equal(0, load.Refused);

        using var vpcp = await SignInAsync(server, "VPCP", "reviewer", "reviewer@vpcp.test.vn");
        using var hanoiLeader = await SignInAsync(server, Hanoi, "reviewer", "leader@hanoi.test.vn");
        using var daNangLeader = await SignInAsync(server, DaNang, "reviewer", "leader@danang.test.vn");
        using var hanoi = await SignInAsync(server, Hanoi, "reporter", "reporter@hanoi.test.vn");
        using var daNang = await SignInAsync(server, DaNang, "reporter", "reporter@danang.test.vn");
        using var hcmc = await SignInAsync(server, Hcmc, "reporter", "reporter@hcmc.test.vn");

        // 2026 targets: 10 % above a year at the first half's monthly average.
        var goals = new Dictionary<(string Reporter, string Indicator), decimal>();
        foreach (var (leader, reporter, territory) in new[] { (hanoiLeader, Hanoi, "01"), (daNangLeader, DaNang, "48") })
        {
            foreach (var indicator in Indicators)
            {
                var mean = reports.Where(r => r.ReporterCode == reporter && r.Period.Year == 2026).Average(r => Number(r, indicator));
                var value = Math.Round(mean * 12 * 1.1m, 1);
                var code = $"TT-{territory}-{indicator}";
                await Auth.ApiSession.ReadAsync(await leader.SendAsync(HttpMethod.Put, "/api/oversight/targets/" + code, new
                {
                    indicatorCode = indicator, territoryCode = territory, year = 2026, kind = "level", value,
                    legalBasis = "Nghị quyết HĐND (kiểm thử)", legalBasisEn = "Provincial council resolution (test)",
                }), "PUT " + code, 201);
                goals[(reporter, indicator)] = TowardTargetDetector.Goal(
                    new Target(code, indicator, territory, 2026, TargetKind.Level, value, true, "x", "x", null, false, []), Period.Parse("2026-M06"))!.Value;
            }
        }

        var url = $"/api/oversight/anomalies?regime={Regime}&detector={Detectors.TowardTarget}";
        Assert.Empty((await vpcp.GetJsonAsync(url)).EnumerateArray());

        // Hà Nội: every revised figure goes 80 % of the way to the month's pace. Đà Nẵng: budget revenue toward it,
        // retail sales away from it (honest corrections, as far as direction goes).
        foreach (var month in Months)
        {
            await ReviseAsync(hanoi, reports, Hanoi, month, indicator => Toward(reports, Hanoi, month, indicator, goals[(Hanoi, indicator)], 0.8m));
            await ReviseAsync(daNang, reports, DaNang, month, indicator => indicator == "BUDGET_REVENUE"
                ? Toward(reports, DaNang, month, indicator, goals[(DaNang, indicator)], 0.5m)
                : Toward(reports, DaNang, month, indicator, goals[(DaNang, indicator)], -0.2m));
        }

        var flags = (await vpcp.GetJsonAsync(url)).EnumerateArray().ToList();
        var flag = Assert.Single(flags);
        Assert.Equal(Hanoi, flag.GetProperty("reporter").GetString());
        Assert.Equal(2026, flag.GetProperty("year").GetInt32());
        Assert.False(flag.TryGetProperty("period", out var period) && period.ValueKind != JsonValueKind.Null, flag.ToString());
        var en = flag.GetProperty("explanationEn").GetString()!;
        Assert.StartsWith("8 of 8 revisions of 2026 moved the figures toward the assigned target", en, StringComparison.Ordinal);
        Assert.Contains("BUDGET_REVENUE 2026-M02 v1→v2", en, StringComparison.Ordinal);
        Assert.Contains("TT-01-BUDGET_REVENUE", en, StringComparison.Ordinal);
        Assert.Contains("TT-01-RETAIL_SALES", en, StringComparison.Ordinal);
        Assert.Contains("and 5 more", en, StringComparison.Ordinal);
        Assert.Contains("8/8 lần điều chỉnh số liệu năm 2026 đưa số liệu về phía chỉ tiêu được giao", flag.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        Assert.True(flag.GetProperty("score").GetDouble() > 2, flag.ToString());
        await vpcp.GetJsonAsync(flag.GetProperty("evidenceLink").GetString()!);

        // Scope: Hà Nội's reporter sees its own flag; Đà Nẵng's and Hồ Chí Minh City's see nothing of it.
        Assert.Single((await hanoi.GetJsonAsync(url)).EnumerateArray());
        Assert.Empty((await daNang.GetJsonAsync(url)).EnumerateArray());
        Assert.Empty((await hcmc.GetJsonAsync(url + "&reporter=" + Hanoi)).EnumerateArray());

        // Hot issues (today 2026-07-10): the flag joins the feed, for those who may see it.
        bool IsHot(JsonElement i) => i.GetProperty("kind").GetString() == "anomaly" && i.GetProperty("code").GetString() == Detectors.TowardTarget;
        var hot = Assert.Single((await vpcp.GetJsonAsync("/api/oversight/hot-issues?take=100")).EnumerateArray(), IsHot);
        Assert.StartsWith($"{Hanoi} ({Regime}, 2026): 8 of 8 revisions", hot.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Equal(flag.GetProperty("evidenceLink").GetString(), hot.GetProperty("evidenceLink").GetString());
        Assert.Single((await hanoi.GetJsonAsync("/api/oversight/hot-issues?take=100")).EnumerateArray(), IsHot);
        Assert.DoesNotContain((await daNang.GetJsonAsync("/api/oversight/hot-issues?take=100")).EnumerateArray(), IsHot);

        // The cached answer equals a scan from scratch.
        var fresh = ActivatorUtilities.CreateInstance<AnomalyService>(server.Services);
        var snapshot = server.Services.GetRequiredService<CatalogueState>().Current;
        var all = (await vpcp.GetJsonAsync($"/api/oversight/anomalies?regime={Regime}&take=1000")).EnumerateArray().ToList();
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            var scanned = await fresh.ScanAsync(db, snapshot, snapshot.LatestRegime(Regime)!, Ct);
            var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            Assert.Equal(scanned.Where(f => f.Reporter is Hanoi or DaNang or Hcmc).Select(f => JsonSerializer.Serialize(f, options)).Order(StringComparer.Ordinal),
                all.Select(f => JsonSerializer.Serialize(JsonSerializer.Deserialize<AnomalyDto>(f.GetRawText(), options), options)).Order(StringComparer.Ordinal));
        }

        // The scans follow the ledger per regime: asking again runs no scan; a commune's quarterly report (another
        // regime's ledger entry) leaves this regime's scan cached; accepting Hà Nội's revised report rescans it, and the
        // answer equals a scan from scratch.
        var anomalies = server.Services.GetRequiredService<AnomalyService>();
        var allUrl = $"/api/oversight/anomalies?regime={Regime}&take=1000";
        await vpcp.GetJsonAsync(allUrl);
        var scans = anomalies.Scans;
        await vpcp.GetJsonAsync(allUrl);
        Assert.Equal(scans, anomalies.Scans);
        var commune = new DemoGenerator(places, long.MaxValue, 7)
        {
            Regimes = new HashSet<string>(StringComparer.Ordinal) { "KTXH-XA-QUY" }, Until = new DateOnly(2025, 9, 30),
        }.Reports().First();
        Assert.Equal(1, (await server.Services.GetRequiredService<DemoLoader>().LoadAsync([commune], null, Ct)).Submitted);
        await vpcp.GetJsonAsync(allUrl);
        Assert.Equal(scans, anomalies.Scans);
        var key = new Nris.Core.Submissions.ReportKey(Regime, Period.Parse("2026-M05"), Hanoi);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var submissions = scope.ServiceProvider.GetRequiredService<Nris.Server.Submissions.SubmissionService>();
            var report = (await submissions.GetAsync(key, Ct))!;
            await submissions.AcceptAsync(key, report.CurrentVersion, new Nris.Server.Submissions.SubmissionActor("test:reviewer", report.RecipientCode), Ct);
        }

        var accepted = (await vpcp.GetJsonAsync(allUrl)).EnumerateArray().ToList();
        Assert.Equal(scans + 1, anomalies.Scans);
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            var scanned = await ActivatorUtilities.CreateInstance<AnomalyService>(server.Services).ScanAsync(db, snapshot, snapshot.LatestRegime(Regime)!, Ct);
            var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            Assert.Equal(scanned.Where(f => f.Reporter is Hanoi or DaNang or Hcmc).Select(f => JsonSerializer.Serialize(f, options)).Order(StringComparer.Ordinal),
                accepted.Select(f => JsonSerializer.Serialize(JsonSerializer.Deserialize<AnomalyDto>(f.GetRawText(), options), options)).Order(StringComparer.Ordinal));
        }

        Assert.Single((await vpcp.GetJsonAsync(url)).EnumerateArray());

        // Retiring Hà Nội's budget target leaves four judged revisions, too few to flag.
        await hanoiLeader.PostJsonAsync("/api/oversight/targets/TT-01-BUDGET_REVENUE/retire", new { reason = "Thay chỉ tiêu / replaced" }, 200);
        Assert.Empty((await vpcp.GetJsonAsync(url)).EnumerateArray());
    }

    private static async Task<Auth.ApiSession> SignInAsync(OversightServer server, string organization, string role, string email)
    {
        var user = await server.UserAsync(organization, role, email);
        return await server.SignInAsync(user.UserName, user.Password);
    }

    private static decimal Number(DemoReport report, string indicator) => report.Values.Single(v => v.IndicatorCode == indicator).Number!.Value;

    // The figure moved a share of the way from its stored value to the goal (a negative share moves it away).
    private static decimal Toward(List<DemoReport> reports, string reporter, string month, string indicator, decimal goal, decimal share)
    {
        var before = Number(reports.Single(r => r.ReporterCode == reporter && r.Period.ToString() == month), indicator);
        return Math.Round(before + ((goal - before) * share), 1);
    }

    // Revises both indicators over HTTP; domestic revenue keeps its share of the total, so the form's rules hold.
    private static async Task ReviseAsync(Auth.ApiSession session, List<DemoReport> reports, string reporter, string month, Func<string, decimal> revised)
    {
        var report = reports.Single(r => r.ReporterCode == reporter && r.Period.ToString() == month);
        var revenue = revised("BUDGET_REVENUE");
        var domestic = Math.Round(Number(report, "BUDGET_REVENUE_DOMESTIC") * revenue / Number(report, "BUDGET_REVENUE"), 1);
        var values = report.Values.Select(v => new
        {
            indicator = v.IndicatorCode,
            number = v.IndicatorCode switch
            {
                "BUDGET_REVENUE" or "RETAIL_SALES" => revised(v.IndicatorCode),
                "BUDGET_REVENUE_DOMESTIC" => Math.Min(domestic, revenue),
                _ => v.Number,
            },
            text = v.Text,
        }).ToArray();
        await AnomalyTestsSuite.SubmitAsync(session, reporter, month, new { values, baseVersion = 1, reason = "Cập nhật số liệu / updated figures" }, "revise");
    }
}

/// <summary>The scenario on SQLite (the server's own database file).</summary>
public sealed class TowardTargetTests : TowardTargetTestsSuite;

/// <summary>The same scenario on a PostgreSQL database of its own.</summary>
public sealed class PostgresTowardTargetTests(Nris.Testing.PostgresFixture postgres) : TowardTargetTestsSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
