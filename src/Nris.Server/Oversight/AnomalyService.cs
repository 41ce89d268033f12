using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Catalogue;
using Nris.Storage;

namespace Nris.Server.Oversight;

/// <summary>
/// One anomaly flag over the stored values, with its one-line Vietnamese/English explanation and a link to the evidence.
/// </summary>
/// <param name="Detector">The detector's stable name (see <see cref="Detectors"/>).</param>
/// <param name="Regime">The regime the values were reported under.</param>
/// <param name="Reporter">The reporting organization.</param>
/// <param name="Period">The period flagged; null for a flag on a whole year (<c>smoothed</c>, <c>benford</c>).</param>
/// <param name="Year">The year of the period, or the year flagged.</param>
/// <param name="Indicator">The cell's indicator; null for a flag on a whole report or a reporter's year.</param>
/// <param name="Disaggregation">The cell's disaggregation.</param>
/// <param name="Territory">The cell's territory.</param>
/// <param name="Value">The flagged value (cell flags with a period).</param>
/// <param name="Score">The detector's statistic: larger is more anomalous; comparable only within one detector.</param>
/// <param name="ExplanationVi">One line in Vietnamese.</param>
/// <param name="ExplanationEn">The same in English.</param>
/// <param name="EvidenceLink">Where to see the figures: the value's provenance, or the report.</param>
public sealed record AnomalyDto(
    string Detector, string Regime, string Reporter, string? Period, int Year, string? Indicator, string? Disaggregation, string? Territory,
    decimal? Value, double Score, string ExplanationVi, string ExplanationEn, string EvidenceLink);

/// <summary>What to list: every filter is optional.</summary>
public sealed record AnomalyQuery(string? Regime = null, Period? Period = null, string? Reporter = null, string? Detector = null, int Take = 200);

/// <summary>
/// Anomaly detection over the stored values (phát hiện bất thường). For each regime of monthly, quarterly, half-yearly
/// or yearly periodicity, the current values are laid out as a <see cref="ReportGrid"/> — reporters × cells (indicator ×
/// disaggregation, plus the territory when it is not the reporter's own) × every period from the first to the last
/// reported, each series with its whole history — and <see cref="AnomalyDetector"/> runs over it.
/// </summary>
/// <remarks>
/// <para>Computed when asked, with a cache per regime that is keyed by the regime's own head (the last ledger entry
/// that touched one of its reports), the targets view and the catalogue snapshot: an entry on one of the regime's
/// reports (a submission, revision, acceptance, return …) or on a target makes the next question scan that regime
/// again, and entries of other regimes or kinds leave it cached, so the answer is always the one a scan from scratch
/// would give (tests hold the cached answer equal to a fresh service's). The current values are written in the same
/// transaction as their ledger entry, so there is no lag.</para>
/// <para>Scope: a flag is listed when the caller may see how its reporter reports under its regime, the same rule as
/// the compliance matrix (<see cref="ComplianceService.CanSee"/>): the reporter's own subtree, or the regime's
/// recipient. A flag's explanation may quote the peers' typical growth (a median), never another reporter's value.</para>
/// </remarks>
public sealed class AnomalyService(CatalogueState catalogue, IDbContextFactory<NrisDbContext> contexts, TargetService targets)
{
    /// <summary>The most flags one call returns.</summary>
    public const int MaxTake = 1000;

    /// <summary>The most periods of one regime laid out (the latest ones): 20 years of months.</summary>
    public const int MaxPeriods = 240;

    /// <summary>The detectors that run over the stored values (<c>toward-target</c> over the revision histories against the targets view).</summary>
    public static IReadOnlyList<string> StoredDetectors { get; } =
    [
        Detectors.OwnHistory, Detectors.Peers, Detectors.YearOnYearJump, Detectors.Smoothed, Detectors.CopiedForward,
        Detectors.RoundFigures, Detectors.Benford, Detectors.ExpectedValue, Detectors.TowardTarget, RecentPeriodDetector.Name,
    ];

    private readonly ConcurrentDictionary<string, Scan> _cache = new(StringComparer.Ordinal);

    private sealed record Scan(long Head, CatalogueSnapshot Catalogue, IReadOnlyList<Target> Targets, IReadOnlyList<AnomalyDto> Flags);

    private long _scans;

    /// <summary>How many regime scans this service has run (a cached answer runs none): for operators and tests.</summary>
    public long Scans => Interlocked.Read(ref _scans);

    /// <summary>Whether the detectors can run over a regime of this periodicity ("same period last year" needs whole years of periods).</summary>
    public static bool Supports(Periodicity periodicity) => PeriodsPerYear(periodicity) > 0;

    /// <summary>The flags the caller may see, newest period first, then the larger score.</summary>
    public async Task<IReadOnlyList<AnomalyDto>> GetAsync(AccessScope scope, AnomalyQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Take, MaxTake);
        var snapshot = catalogue.Current;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // The targets view first (toward-target judges revisions against it); its list is replaced only when a target
        // entry arrives, so the same list means the same targets.
        await targets.CatchUpAsync(ct);
        var targetsNow = targets.Targets;
        var result = new List<AnomalyDto>();
        foreach (var code in query.Regime is { } one ? [one] : snapshot.RegimeCodes)
        {
            if (snapshot.LatestRegime(code) is not { } regime || !(Supports(regime.Periodicity) || IsRecent(regime.Periodicity)) ||
                !scope.IsAuthenticated || !scope.CanReadRegime(regime))
            {
                continue;
            }

            // The regime's own head: the last ledger entry that touched one of its reports (a submission, revision,
            // acceptance, return or reopening sets it). Read before scanning, so a scan sees at least this much, and an
            // entry of another regime or of another kind leaves this regime's cached scan in place.
            var head = await db.Reports.Where(r => r.RegimeCode == code).MaxAsync(r => (long?)r.LastLedgerSequence, ct) ?? 0;
            if (!_cache.TryGetValue(code, out var scan) || scan.Head != head || !ReferenceEquals(scan.Catalogue, snapshot) ||
                !ReferenceEquals(scan.Targets, targetsNow))
            {
                scan = new Scan(head, snapshot, targetsNow, await ScanAsync(db, snapshot, regime, ct));
                _cache[code] = scan;
            }

            result.AddRange(scan.Flags.Where(f =>
                (query.Detector is null || f.Detector == query.Detector) &&
                (query.Reporter is null || f.Reporter == query.Reporter) &&
                (query.Period is not { } p || f.Period == p.ToString() || (f.Period is null && f.Year == p.Year)) &&
                ComplianceService.CanSee(scope, regime, f.Reporter)));
        }

        return [.. result.OrderByDescending(f => f.Year).ThenByDescending(f => f.Period, StringComparer.Ordinal)
            .ThenByDescending(f => f.Score).ThenBy(f => f.Regime, StringComparer.Ordinal).ThenBy(f => f.Reporter, StringComparer.Ordinal)
            .ThenBy(f => f.Detector, StringComparer.Ordinal).ThenBy(f => f.Indicator, StringComparer.Ordinal).Take(query.Take)];
    }

    /// <summary>
    /// Scans one regime from scratch: its grid from the current values, then every detector over every period and
    /// every year. Public so tests can hold the cached answer equal to a fresh scan.
    /// </summary>
    public async Task<IReadOnlyList<AnomalyDto>> ScanAsync(NrisDbContext db, CatalogueSnapshot snapshot, Regime regime, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(regime);
        Interlocked.Increment(ref _scans);
        if (IsRecent(regime.Periodicity))
        {
            return await ScanRecentAsync(db, regime, ct);
        }

        var code = regime.Code;
        var rows = await (from v in db.CurrentValues.AsNoTracking()
                          join r in db.Reports.AsNoTracking() on v.ReportId equals r.Id
                          where r.RegimeCode == code && v.Number != null
                          select new { r.Period, r.ReporterCode, v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number }).ToListAsync(ct);
        var perYear = PeriodsPerYear(regime.Periodicity);
        var parsed = new Dictionary<string, Period>(StringComparer.Ordinal);
        foreach (var text in rows.Select(r => r.Period).Distinct(StringComparer.Ordinal))
        {
            if (Period.TryParse(text, out var p) && p.Periodicity == regime.Periodicity)
            {
                parsed[text] = p;
            }
        }

        if (parsed.Count == 0)
        {
            return [];
        }

        var towardTarget = await TowardTargetAsync(db, regime, ct);

        // Every period from the first to the last, so "same period last year" is a fixed step back; at most MaxPeriods.
        var last = parsed.Values.Max();
        var first = parsed.Values.Min();
        var periods = new List<Period> { last };
        while (periods.Count < MaxPeriods && periods[^1] > first)
        {
            periods.Add(periods[^1].Previous());
        }

        periods.Reverse();
        var periodIndex = periods.Select((p, i) => (p, i)).ToDictionary(x => x.p.ToString(), x => x.i, StringComparer.Ordinal);

        // A value for the reporter's own territory is the form's cell; one for another territory (a ministry's figure
        // for a province) is a cell of its own, so peers compare like with like.
        var home = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? Home(string reporter)
        {
            if (!home.TryGetValue(reporter, out var t))
            {
                t = snapshot.Organizations.Versions(reporter) is { Count: > 0 } versions ? versions[^1].TerritoryCode : null;
                home[reporter] = t;
            }

            return t;
        }

        (string Indicator, string Disaggregation, string? Territory) CellOf(string reporter, string indicator, string disaggregation, string territory) =>
            (indicator, disaggregation, territory == Home(reporter) ? null : territory);

        var kept = rows.Where(r => periodIndex.ContainsKey(r.Period)).ToList();
        var reporters = kept.Select(r => r.ReporterCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var cells = kept.Select(r => CellOf(r.ReporterCode, r.IndicatorCode, r.Disaggregation, r.TerritoryCode)).Distinct()
            .OrderBy(c => c.Indicator, StringComparer.Ordinal).ThenBy(c => c.Disaggregation, StringComparer.Ordinal)
            .ThenBy(c => c.Territory ?? "", StringComparer.Ordinal).ToList();
        var reporterIndex = reporters.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i, StringComparer.Ordinal);
        var cellIndex = cells.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        // Cell names are what explanations quote (a related cell): the indicator, then a breakdown or another territory.
        var grid = new ReportGrid(reporters, [.. cells.Select(c => c.Indicator + (c.Disaggregation == Disaggregations.Total ? "" : "/" + c.Disaggregation)
                + (c.Territory is null ? "" : "@" + c.Territory))],
            [.. periods.Select(p => p.ToString())], perYear);
        foreach (var r in kept)
        {
            grid[reporterIndex[r.ReporterCode], cellIndex[CellOf(r.ReporterCode, r.IndicatorCode, r.Disaggregation, r.TerritoryCode)], periodIndex[r.Period]] =
                (double)r.Number!.Value;
        }

        var thresholds = new AnomalyThresholds();
        var flags = new List<(AnomalyFlag Flag, int Year)>();
        flags.AddRange(AnomalyDetector.GrowthOutliers(grid, 0, thresholds).Select(f => (f, periods[f.Period].Year)));
        flags.AddRange(AnomalyDetector.CopiedReports(grid, 1, thresholds).Select(f => (f, periods[f.Period].Year)));
        flags.AddRange(AnomalyDetector.RoundReports(grid, 0, thresholds).Select(f => (f, periods[f.Period].Year)));
        for (var y = 0; y < periods.Count; y++)
        {
            // The year-long detectors run over each calendar year of the grid (the first may be partial).
            if (y == 0 || periods[y].Year != periods[y - 1].Year)
            {
                var year = periods[y].Year;
                flags.AddRange(AnomalyDetector.SmoothedSeries(grid, y, thresholds).Select(f => (f, year)));
                flags.AddRange(AnomalyDetector.BenfordReporters(grid, y, thresholds).Select(f => (f, year)));
                var next = y + 1;
                while (next < periods.Count && periods[next].Year == year)
                {
                    next++;
                }

                // Each calendar year's values against the model fitted over the years up to its end.
                flags.AddRange(ExpectedValues.Detect(grid, y, next, thresholds).Select(f => (f, year)));
            }
        }

        return [.. flags.Select(x => ToDto(grid, cells, periods, regime.Code, x.Flag, x.Year, Home)), .. towardTarget];
    }

    // toward-target: the regime's stored revision histories against the targets in force, one flag per reporter and year.
    private async Task<IReadOnlyList<AnomalyDto>> TowardTargetAsync(NrisDbContext db, Regime regime, CancellationToken ct)
    {
        // The targets view follows the same ledger: caught up to at least the head the scan is keyed by.
        await targets.CatchUpAsync(ct);
        var inForce = targets.Targets;
        var indicators = inForce.Select(t => t.IndicatorCode).Distinct(StringComparer.Ordinal).ToList();
        var revised = await RevisionHistory.ReadAsync(db, regime, indicators, ct);
        return [.. TowardTargetDetector.Detect(revised, inForce).Select(f => new AnomalyDto(
            Detectors.TowardTarget, f.Regime, f.Reporter, null, f.Year, null, null, null, null, Math.Round(f.Score, 4), f.MessageVi, f.MessageEn,
            $"/api/reports?regime={Uri.EscapeDataString(f.Regime)}&reporter={Uri.EscapeDataString(f.Reporter)}"))];
    }

    private static AnomalyDto ToDto(
        ReportGrid grid, List<(string Indicator, string Disaggregation, string? Territory)> cells, List<Period> periods, string regime,
        AnomalyFlag f, int year, Func<string, string?> home)
    {
        var reporter = grid.Reporters[f.Reporter];
        var period = f.Period >= 0 ? periods[f.Period].ToString() : null;
        if (f.Cell < 0)
        {
            var link = period is not null
                ? $"/api/reports/{Uri.EscapeDataString(regime)}/{period}/{Uri.EscapeDataString(reporter)}"
                : $"/api/reports?regime={Uri.EscapeDataString(regime)}&reporter={Uri.EscapeDataString(reporter)}";
            return new AnomalyDto(f.Detector, regime, reporter, period, year, null, null, null, null, Math.Round(f.Score, 4), f.MessageVi, f.MessageEn, link);
        }

        var cell = cells[f.Cell];
        var territory = cell.Territory ?? home(reporter) ?? "";
        // A flag on a year points at the series' latest value of that year.
        var at = f.Period;
        if (at < 0)
        {
            at = Enumerable.Range(0, periods.Count).Where(p => periods[p].Year == year && !double.IsNaN(grid[f.Reporter, f.Cell, p])).DefaultIfEmpty(-1).Max();
        }

        var value = f.Period >= 0 && !double.IsNaN(grid[f.Reporter, f.Cell, f.Period]) ? (decimal?)grid[f.Reporter, f.Cell, f.Period] : null;
        var evidence = at < 0 ? $"/api/reports?regime={Uri.EscapeDataString(regime)}&reporter={Uri.EscapeDataString(reporter)}"
            : string.Create(CultureInfo.InvariantCulture,
                $"/api/provenance?indicator={Uri.EscapeDataString(cell.Indicator)}&territory={Uri.EscapeDataString(territory)}&period={periods[at]}&disaggregation={Uri.EscapeDataString(cell.Disaggregation)}&source={Uri.EscapeDataString(reporter)}");
        return new AnomalyDto(f.Detector, regime, reporter, period, year, cell.Indicator, cell.Disaggregation, territory, value,
            Math.Round(f.Score, 4), f.MessageVi, f.MessageEn, evidence);
    }

    /// <summary>Whether a regime of this periodicity is scanned over a sparse recent window (daily and weekly: <see cref="RecentPeriodDetector"/>).</summary>
    public static bool IsRecent(Periodicity periodicity) => periodicity is Periodicity.Daily or Periodicity.Weekly;

    // Daily and weekly regimes: only the values of the window (the latest periods and their baselines) are read and laid
    // out as sparse series, one per reporter × indicator × disaggregation × territory; the cells' peers are the other
    // series of the same indicator and disaggregation.
    private static async Task<IReadOnlyList<AnomalyDto>> ScanRecentAsync(NrisDbContext db, Regime regime, CancellationToken ct)
    {
        var code = regime.Code;
        var daily = regime.Periodicity == Periodicity.Daily;
        var texts = await db.Reports.AsNoTracking().Where(r => r.RegimeCode == code).Select(r => r.Period).Distinct().ToListAsync(ct);
        var parsed = new List<Period>();
        foreach (var text in texts)
        {
            if (Period.TryParse(text, out var p) && p.Periodicity == regime.Periodicity)
            {
                parsed.Add(p);
            }
        }

        if (parsed.Count == 0)
        {
            return [];
        }

        var window = RecentPeriodDetector.WindowSteps(daily);
        var periods = new List<Period> { parsed.Max() };
        while (periods.Count < window)
        {
            periods.Add(periods[^1].Previous());
        }

        var stepOf = periods.Select((p, i) => (p, i)).ToDictionary(x => x.p.ToString(), x => x.i, StringComparer.Ordinal);
        var wanted = stepOf.Keys.ToList();
        var rows = await (from v in db.CurrentValues.AsNoTracking()
                          join r in db.Reports.AsNoTracking() on v.ReportId equals r.Id
                          where r.RegimeCode == code && wanted.Contains(r.Period) && v.Number != null
                          select new { r.Period, r.ReporterCode, v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number }).ToListAsync(ct);
        var seriesIndex = new Dictionary<(string Reporter, string Indicator, string Disaggregation, string Territory), int>();
        var cellIndex = new Dictionary<(string Indicator, string Disaggregation), int>();
        var series = new List<(string Reporter, string Indicator, string Disaggregation, string Territory)>();
        var cellOf = new List<int>();
        var values = new List<RecentValue>(rows.Count);
        foreach (var r in rows.OrderBy(r => r.ReporterCode, StringComparer.Ordinal).ThenBy(r => r.IndicatorCode, StringComparer.Ordinal)
            .ThenBy(r => r.Disaggregation, StringComparer.Ordinal).ThenBy(r => r.TerritoryCode, StringComparer.Ordinal))
        {
            var key = (r.ReporterCode, r.IndicatorCode, r.Disaggregation, r.TerritoryCode);
            if (!seriesIndex.TryGetValue(key, out var i))
            {
                seriesIndex[key] = i = series.Count;
                series.Add(key);
                if (!cellIndex.TryGetValue((r.IndicatorCode, r.Disaggregation), out var c))
                {
                    cellIndex[(r.IndicatorCode, r.Disaggregation)] = c = cellIndex.Count;
                }

                cellOf.Add(c);
            }

            values.Add(new RecentValue(i, stepOf[r.Period], (double)r.Number!.Value));
        }

        return [.. RecentPeriodDetector.Detect(cellOf, values, daily).Select(f =>
        {
            var (reporter, indicator, disaggregation, territory) = series[f.Series];
            var period = periods[f.Step];
            return new AnomalyDto(RecentPeriodDetector.Name, code, reporter, period.ToString(), period.Year, indicator, disaggregation, territory,
                (decimal)f.Value, Math.Round(Math.Min(Math.Abs(f.Z), 1e6), 4), f.MessageVi, f.MessageEn,
                string.Create(CultureInfo.InvariantCulture,
                    $"/api/provenance?indicator={Uri.EscapeDataString(indicator)}&territory={Uri.EscapeDataString(territory)}&period={period}&disaggregation={Uri.EscapeDataString(disaggregation)}&source={Uri.EscapeDataString(reporter)}"));
        })];
    }

    private static int PeriodsPerYear(Periodicity periodicity) => periodicity switch
    {
        Periodicity.Monthly => 12,
        Periodicity.Quarterly => 4,
        Periodicity.HalfYearly => 2,
        Periodicity.Yearly => 1,
        _ => 0,
    };
}
