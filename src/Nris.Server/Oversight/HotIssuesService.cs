using System.Globalization;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;

namespace Nris.Server.Oversight;

/// <summary>One hot issue: what, how serious (larger first), one line in Vietnamese and English, and where the evidence is.</summary>
/// <param name="Kind"><c>target</c> (a target off track or at risk), <c>cross-check</c> (two sources disagree) or
/// <c>anomaly</c> (a value or report flagged by the anomaly detectors; <c>Code</c> names the detectors) or <c>missing</c>
/// (a province's or ministry's report not received after its deadline; <c>Code</c> is the regime) or <c>move</c> (one of the
/// biggest moves against the same period last year; <c>Code</c> is the indicator).</param>
/// <param name="Score">The size of the problem as a share: a target's shortfall against the pace needed (doubled when
/// off track), a cross-check's relative gap.</param>
/// <param name="Code">The target's or the cross-check rule's code.</param>
/// <param name="Indicator">The indicator concerned.</param>
/// <param name="Territory">The territory concerned.</param>
/// <param name="Period">The period concerned (a target's latest reported period).</param>
/// <param name="ExplanationVi">One line in Vietnamese.</param>
/// <param name="ExplanationEn">The same in English.</param>
/// <param name="EvidenceLink">The API answer the issue comes from.</param>
public sealed record HotIssueDto(
    string Kind, double Score, string Code, string? Indicator, string? Territory, string? Period,
    string ExplanationVi, string ExplanationEn, string EvidenceLink);

/// <summary>
/// The hot-issues feed (vấn đề nổi cộm): one ranked list of what needs attention now, joined from the other oversight
/// services and scoped like them. It joins the targets off track or at risk this year, and the cross-check
/// discrepancies and anomaly flags of the last two months, and the missing reports of provinces and ministries. Pages call <see cref="GetAsync"/> in-process; the API is
/// <c>GET /api/oversight/hot-issues</c>.
/// </summary>
public sealed class HotIssuesService(
    TargetService targets, CrossCheckService crossChecks, AnomalyService anomalies, ComplianceService compliance, CatalogueState catalogue, TimeProvider clock,
    AggregationProjection projection)
{
    /// <summary>A move against the same period last year is listed from this size (a share: 0.3 is ±30 %).</summary>
    public const decimal MoveThreshold = 0.3m;

    /// <summary>The most moves listed: the largest ones.</summary>
    public const int MaxMoves = 10;

    /// <summary>What a move of 100 % or more scores: under a 25 % cross-check gap, an anomaly far from both its history and peers, or an off-track target.</summary>
    public const double MaxMoveScore = 0.25;

    /// <summary>The most issues one call returns.</summary>
    public const int MaxTake = 100;

    /// <summary>The score of a reporter whose revisions move toward the targets (<c>toward-target</c>).</summary>
    public const double TowardTargetScore = 0.4;

    /// <summary>The score of a missing report: below a 10 % cross-check gap and any anomaly.</summary>
    public const double MissingScore = 0.1;

    /// <summary>Whether the aggregates the feed reads are built.</summary>
    public bool IsReady => targets.IsReady && crossChecks.IsReady && compliance.IsReady;

    // The reporters whose missing reports are hot: provinces, ministries and agencies at their level.
    private static readonly OrganizationKind[] Important =
    [
        OrganizationKind.ProvincialCommittee, OrganizationKind.Ministry, OrganizationKind.MinistryLevelAgency, OrganizationKind.GovernmentAgency,
    ];

    /// <summary>The <paramref name="take"/> most serious issues the caller may see, most serious first.</summary>
    public async Task<IReadOnlyList<HotIssueDto>> GetAsync(AccessScope scope, int take, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, MaxTake);
        var today = VietnamTime.Today(clock);
        var issues = new List<HotIssueDto>();
        foreach (var t in targets.Progress(scope, today.Year))
        {
            if (t.Status is not (TargetStatus.OffTrack or TargetStatus.AtRisk) || t.Actual is not { } actual || t.Needed is not { } needed)
            {
                continue;
            }

            var shortfall = needed == 0 ? 1.0 : (double)(Math.Abs(needed - actual) / Math.Abs(needed));
            issues.Add(new HotIssueDto("target", t.Status == TargetStatus.OffTrack ? 2 * shortfall : shortfall, t.Code, t.Indicator,
                t.Territory, t.LastPeriod, t.ExplanationVi, t.ExplanationEn,
                string.Create(CultureInfo.InvariantCulture, $"/api/oversight/targets?year={t.Year}&territory={Uri.EscapeDataString(t.Territory)}")));
        }

        var thisMonth = Period.Month(today.Year, today.Month);
        foreach (var period in new[] { thisMonth.Previous(), thisMonth.Previous().Previous() })
        {
            foreach (var d in await crossChecks.CheckAsync(scope, period, null, ct))
            {
                issues.Add(new HotIssueDto("cross-check", (double)(d.RelativeGap ?? 1m), d.Rule, d.Indicator, d.Territory, d.Period,
                    d.ExplanationVi, d.ExplanationEn,
                    $"/api/oversight/cross-checks?period={d.Period}&rule={Uri.EscapeDataString(d.Rule)}"));
            }
        }

        // Anomalies of the same two months. A detector's statistic is not a share, so the score is a fixed rank per
        // kind of evidence: a value far from both its own history and its peers first (0.5), then a copied or rounded
        // report (0.3), then any other single detector (0.2) — below a 20 % cross-check gap or target shortfall.
        var flags = new List<AnomalyDto>();
        foreach (var period in new[] { thisMonth.Previous(), thisMonth.Previous().Previous() })
        {
            flags.AddRange(await anomalies.GetAsync(scope, new AnomalyQuery(Period: period, Take: AnomalyService.MaxTake), ct));
        }

        foreach (var cell in flags.Where(f => f.Period is not null).GroupBy(f => (f.Regime, f.Reporter, f.Period, f.Indicator, f.Disaggregation, f.Territory)))
        {
            var detectors = cell.Select(f => f.Detector).ToHashSet(StringComparer.Ordinal);
            var first = cell.First();
            var score = detectors.Contains(Detectors.OwnHistory) && detectors.Contains(Detectors.Peers) ? 0.5
                : first.Indicator is null ? 0.3 : 0.2;
            issues.Add(new HotIssueDto("anomaly", score, string.Join("+", detectors.Order(StringComparer.Ordinal)), first.Indicator,
                first.Territory, first.Period, $"{first.Reporter} ({first.Regime}, {first.Period}{Cell(first)}): {first.ExplanationVi}",
                $"{first.Reporter} ({first.Regime}, {first.Period}{Cell(first)}): {first.ExplanationEn}", first.EvidenceLink));
        }

        // Reporters whose revisions of this year move their figures toward the targets (toward-target flags a reporter's
        // year, not one period): above a single detector's value, below a value far from both its history and its peers.
        foreach (var f in flags.Where(f => f.Detector == Detectors.TowardTarget).DistinctBy(f => (f.Regime, f.Reporter, f.Year)))
        {
            issues.Add(new HotIssueDto("anomaly", TowardTargetScore, Detectors.TowardTarget, null, null, null,
                string.Create(CultureInfo.InvariantCulture, $"{f.Reporter} ({f.Regime}, {f.Year}): {f.ExplanationVi}"),
                string.Create(CultureInfo.InvariantCulture, $"{f.Reporter} ({f.Regime}, {f.Year}): {f.ExplanationEn}"), f.EvidenceLink));
        }

        issues.AddRange(Moves(scope, today));

        // Missing reports (deadline passed, nothing received) of important reporters in the last two complete periods of
        // each monthly, quarterly, half-yearly or yearly regime. A fixed low score: a fact to chase, ranked under the
        // suspicions above.
        var snapshot = catalogue.Current;
        foreach (var regime in snapshot.RegimeCodes.Select(snapshot.LatestRegime).OfType<Regime>())
        {
            if (!AnomalyService.Supports(regime.Periodicity) || !scope.CanReadRegime(regime))
            {
                continue;
            }

            var last = Period.Containing(today, regime.Periodicity).Previous();
            if (compliance.Matrix(scope, regime.Code, last.Previous(), last) is not { } matrix)
            {
                continue;
            }

            foreach (var row in matrix.Reporters)
            {
                if (snapshot.Organizations.Versions(row.Reporter) is not { Count: > 0 } versions || !Important.Contains(versions[^1].Kind))
                {
                    continue;
                }

                foreach (var cell in row.Cells.Where(c => c.State == ComplianceState.Missing))
                {
                    var due = matrix.Periods.First(p => p.Period == cell.Period).Deadline;
                    var dueText = due.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
                    issues.Add(new HotIssueDto("missing", MissingScore, regime.Code, null, versions[^1].TerritoryCode, cell.Period,
                        $"{row.Name} chưa gửi báo cáo {regime.Code} kỳ {cell.Period}; hạn gửi {dueText}.",
                        $"{row.NameEn} has not sent {regime.Code} for {cell.Period}; it was due on {due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.",
                        $"/api/oversight/compliance/matrix?regime={Uri.EscapeDataString(regime.Code)}&from={cell.Period}&to={cell.Period}"));
                }
            }
        }

        return [.. issues.OrderByDescending(i => i.Score).ThenBy(i => i.Kind, StringComparer.Ordinal)
            .ThenBy(i => i.Code, StringComparer.Ordinal).ThenBy(i => i.Territory, StringComparer.Ordinal).Take(take)];
    }

    /// <summary>
    /// The biggest moves against the same period last year (so sánh cùng kỳ): for the last two complete months, every
    /// numeric indicator of a monthly regime the caller may read, for the nation and each province, read through the
    /// caller's aggregate scope (so only figures it may read); those that moved by <see cref="MoveThreshold"/> or more,
    /// the <see cref="MaxMoves"/> largest. Score: the size of the move, capped at 100 %, times <see cref="MaxMoveScore"/>.
    /// </summary>
    public IReadOnlyList<HotIssueDto> Moves(AccessScope scope, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!projection.IsReady)
        {
            return [];
        }

        var snapshot = catalogue.Current;
        var engine = projection.Engine;
        var cells = new AggregateScope(scope, snapshot);
        var indicators = snapshot.RegimeCodes.Select(snapshot.LatestRegime).OfType<Regime>()
            .Where(r => r.Periodicity == Periodicity.Monthly && scope.CanReadRegime(r))
            .SelectMany(r => r.Rows.Select(row => row.IndicatorCode)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(code => snapshot.Indicators.GetValueOrDefault(code)).OfType<Indicator>().ToList();
        var thisMonth = Period.Month(today.Year, today.Month);
        var moves = new List<(decimal Share, HotIssueDto Issue)>();
        foreach (var period in new[] { thisMonth.Previous(), thisMonth.Previous().Previous() })
        {
            var lastYear = Period.Month(period.Year - 1, period.End.Month);
            var territories = new List<string> { Territory.NationCode };
            territories.AddRange(snapshot.Territories.Children(Territory.NationCode, period.End).Select(t => t.Code));
            foreach (var indicator in indicators)
            {
                foreach (var territory in territories)
                {
                    if (cells.Cell(engine, new CellQuery(indicator.Code, territory, period)) is not { Value: { } now } ||
                        cells.Cell(engine, new CellQuery(indicator.Code, territory, lastYear)) is not { Value: { } before } || before == 0)
                    {
                        continue;
                    }

                    var share = (now - before) / Math.Abs(before);
                    if (Math.Abs(share) < MoveThreshold)
                    {
                        continue;
                    }

                    var percent = (share * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture);
                    var nowText = now.ToString("0.##", CultureInfo.InvariantCulture);
                    var beforeText = before.ToString("0.##", CultureInfo.InvariantCulture);
                    var place = territory == Territory.NationCode ? "VN" : territory;
                    moves.Add((Math.Abs(share), new HotIssueDto("move", (double)Math.Min(Math.Abs(share), 1m) * MaxMoveScore, indicator.Code, indicator.Code,
                        territory, period.ToString(),
                        $"{indicator.Name} ({place}, {period}): {percent}% so với cùng kỳ năm trước ({beforeText} → {nowText}).",
                        $"{indicator.NameEn} ({place}, {period}): {percent}% on the same period last year ({beforeText} → {nowText}).",
                        $"/api/data/provenance?indicator={Uri.EscapeDataString(indicator.Code)}&territory={Uri.EscapeDataString(territory)}&period={period}")));
                }
            }
        }

        return [.. moves.OrderByDescending(m => m.Share).ThenBy(m => m.Issue.Code, StringComparer.Ordinal).ThenBy(m => m.Issue.Territory, StringComparer.Ordinal)
            .Take(MaxMoves).Select(m => m.Issue)];
    }

    private static string Cell(AnomalyDto f) => f.Indicator is null ? "" : ", " + f.Indicator;
}
