using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Server.Components.Shared;
using Nris.Server.Oversight;
using Nris.Server.Submissions;
using Nris.Server.Tests.Oversight;
using Nris.Storage;

namespace Nris.Server.Tests.Web;

/// <summary>
/// Today's figures brought forward over new ledger entries (only the tiles, late reports and targets those entries can
/// have moved) equal the figures computed afresh at the same state, for a national and a provincial scope, over
/// submissions, a return, a revision and an acceptance in two regimes — on a server of its own (a fixed clock, the
/// demo history loaded), so nothing else moves the data between the two computations.
/// </summary>
public sealed class TodayFiguresTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Commune = "UBND.00070";
    private const string Province = "UBND.01";

    private static readonly (string Indicator, decimal Value)[] ProvinceValues =
    [
        ("IIP", 104m), ("RETAIL_SALES", 9100m), ("CPI_YOY", 103.1m), ("CPI_MOM", 100.2m), ("ENT_NEW", 310m), ("BUDGET_REVENUE", 41000m),
        ("BUDGET_REVENUE_DOMESTIC", 36000m), ("BUDGET_EXPENDITURE", 30000m), ("PUBINV_PLAN", 90000m), ("PUBINV_DISBURSED_YTD", 21000m),
        ("TRAFFIC_ACCIDENTS", 40m), ("TRAFFIC_DEATHS", 12m), ("TRAFFIC_INJURIES", 30m), ("DOSSIERS_RECEIVED", 5000m), ("DOSSIERS_ONLINE", 4000m),
    ];

    private static SubmissionRequest CommuneReport(decimal households) => new(
    [
        Number("HOUSEHOLDS", households), Number("POVERTY_RATE_MD", 4.25m), Number("HEALTH_INSURANCE_COVERAGE", 92.5m),
        Number("RICE_OUTPUT", 100.5m), Number("BUDGET_REVENUE", 5000m), Number("DOSSIERS_RECEIVED", 300m), Number("DOSSIERS_ONTIME", 250m),
        Number("TRAFFIC_ACCIDENTS", 1m),
    ]);

    private static ReportValue Number(string indicator, decimal value) => new(indicator, Disaggregations.Total, null, value, null, null);

    [Fact]
    public async Task Figures_brought_forward_over_new_reports_equal_figures_computed_afresh()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 5, 20, 3, 0, 0, TimeSpan.Zero), ["--Nris:Demo:LoadHistory=true"]);
        await server.StartAsync();
        var services = server.Services;
        var catalogue = services.GetRequiredService<CatalogueState>().Current;
        var aggregates = services.GetRequiredService<AggregationProjection>();
        var complianceView = services.GetRequiredService<ComplianceProjection>();
        var compliance = services.GetRequiredService<ComplianceService>();
        var targets = services.GetRequiredService<TargetService>();
        var contexts = services.GetRequiredService<IDbContextFactory<NrisDbContext>>();
        var today = new DateOnly(2026, 5, 20);
        var viewers = new[]
        {
            (Scope: new AccessScope([new Grant(Role.Analyst, "VPCP", Classification.Internal)], catalogue.Organizations, today), Territory: Territory.NationCode),
            (Scope: new AccessScope([new Grant(Role.Reviewer, Province, Classification.Internal)], catalogue.Organizations, today), Territory: "01"),
        };

        DashboardMemo.Stamp Stamp() => new(catalogue, aggregates.LastAppliedSequence, complianceView.LastAppliedSequence, today);
        TodayCalculator Calculator(AccessScope scope, string territory) =>
            new(scope, territory, catalogue, today, aggregates, compliance, targets);

        var figures = viewers.Select(v => Calculator(v.Scope, v.Territory).Compute(Stamp())).ToArray();
        Assert.All(figures, f => Assert.NotEmpty(f.Tiles));
        Assert.Contains(figures[1].Late, l => l.Reporter == Commune && l.Regime == "KTXH-XA-QUY" && l.Period == Period.Parse("2026-Q1"));

        var submissions = services.GetRequiredService<SubmissionService>();
        var communeQ1 = new ReportKey("KTXH-XA-QUY", Period.Parse("2026-Q1"), Commune);
        var provinceApril = new ReportKey("KTXH-TINH-THANG", Period.Parse("2026-M04"), Province);
        var rounds = new Func<Task<long>>[]
        {
            // A commune's late report arrives, and a province's monthly report: both regimes, tiles and late lists move.
            async () =>
            {
                await submissions.SubmitAsync(communeQ1, CommuneReport(1200m), new SubmissionActor("test", Commune), Ct);
                var r = await submissions.SubmitAsync(provinceApril,
                    new SubmissionRequest([.. ProvinceValues.Select(v => Number(v.Indicator, v.Value))]), new SubmissionActor("test", Province), Ct);
                return r.LedgerSequence;
            },
            // The province returns the commune's report (its values leave the aggregates), the commune revises it.
            async () =>
            {
                await submissions.ReturnAsync(communeQ1, 1, "Số hộ chưa đúng / wrong households", new SubmissionActor("reviewer", Province), Ct);
                var r = await submissions.ReviseAsync(communeQ1, 1, "Sửa số hộ / households corrected", CommuneReport(1500m),
                    new SubmissionActor("test", Commune), Ct);
                return r.LedgerSequence;
            },
            // An acceptance: the report's state moves, no value does.
            async () => (await submissions.AcceptAsync(communeQ1, 2, new SubmissionActor("reviewer", Province), Ct)).LedgerSequence,
        };

        foreach (var round in rounds)
        {
            var before = figures.Select(f => f.Stamp).ToArray();
            var last = await round();
            await aggregates.WaitForAsync(last, Ct).WaitAsync(TimeSpan.FromMinutes(1), Ct);
            await complianceView.WaitForAsync(last, Ct).WaitAsync(TimeSpan.FromMinutes(1), Ct);
            var stamp = Stamp();
            await using var db = await contexts.CreateDbContextAsync(Ct);
            var changes = await LedgerChanges.ReadAsync(db, catalogue,
                Math.Min(before[0].AggregatesSequence, before[0].ComplianceSequence), Math.Max(stamp.AggregatesSequence, stamp.ComplianceSequence), Ct);
            Assert.False(changes.Everything);
            Assert.NotEmpty(changes.Regimes);

            for (var i = 0; i < viewers.Length; i++)
            {
                var calculator = Calculator(viewers[i].Scope, viewers[i].Territory);
                var updated = calculator.Update(figures[i], stamp, changes);
                Assert.NotNull(updated);
                var fresh = calculator.Compute(stamp);
                Assert.Equal(Describe(fresh), Describe(updated));
                figures[i] = updated;
            }
        }

        // Not vacuous: the commune's report left the province's late list, and the province's April figures are tiles.
        Assert.DoesNotContain(figures[1].Late, l => l.Reporter == Commune && l.Regime == "KTXH-XA-QUY" && l.Period == Period.Parse("2026-Q1"));
        Assert.Contains(figures[1].Tiles, t => t.Period == Period.Parse("2026-M04"));

        // A catalogue change, another day or an unknown range is never brought forward: computed afresh instead.
        var calculatorVn = Calculator(viewers[0].Scope, viewers[0].Territory);
        Assert.Null(calculatorVn.Update(figures[0], Stamp(), LedgerChanges.All));
        Assert.Null(calculatorVn.Update(figures[0], Stamp() with { Day = today.AddDays(1) }, LedgerChanges.None));
        await using (var db = await contexts.CreateDbContextAsync(Ct))
        {
            Assert.True((await LedgerChanges.ReadAsync(db, catalogue, -1, Stamp().AggregatesSequence, Ct)).Everything);
        }

        // A report touches the indicators its regime carries and those computed from them (formulas, weights).
        var touched = LedgerChanges.IndicatorsOf(catalogue, ["KTXH-XA-QUY"]);
        Assert.All(catalogue.RegimeVersions("KTXH-XA-QUY").SelectMany(r => r.Rows), row => Assert.Contains(row.IndicatorCode, touched));
        foreach (var indicator in catalogue.Indicators.Values)
        {
            if ((indicator.WeightIndicatorCode is { } w && touched.Contains(w)) ||
                (indicator.IsDerived && catalogue.Indicators.Keys.Any(k => k != indicator.Code && touched.Contains(k) &&
                    System.Text.RegularExpressions.Regex.IsMatch(indicator.Formula!, $@"\b{System.Text.RegularExpressions.Regex.Escape(k)}\b"))))
            {
                Assert.Contains(indicator.Code, touched);
            }
        }
    }

    // Everything Today shows from the figures, as text: tiles (indicator, period, value, change, history), the late
    // reports, the targets.
    private static string Describe(TodayFigures f)
    {
        var s = new StringBuilder();
        foreach (var t in f.Tiles)
        {
            s.Append(CultureInfo.InvariantCulture, $"tile {t.Indicator.Code} {t.Territory} {t.Period} {t.Value.Value} {t.Value.Flags} {t.Value.Reported}/{t.Value.Expected} {t.Value.Source} {t.ChangePercent} [");
            s.AppendJoin(",", t.History.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Period}={h.Value}"))).Append("]\n");
        }

        foreach (var l in f.Late)
        {
            s.Append(CultureInfo.InvariantCulture, $"late {l.Reporter} {l.Regime} {l.Period} {l.Deadline:yyyy-MM-dd}\n");
        }

        foreach (var t in f.Targets)
        {
            s.Append(CultureInfo.InvariantCulture, $"target {t.Code} {t.Actual} {t.Needed} {t.Status} {t.LastPeriod}\n");
        }

        return s.ToString();
    }
}
