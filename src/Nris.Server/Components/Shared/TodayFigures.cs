using Nris.Core.Catalogue;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Aggregation;
using Nris.Server.Oversight;

namespace Nris.Server.Components.Shared;

/// <summary>An expected report whose deadline passed without it.</summary>
public sealed record LateReport(string Reporter, string Regime, Period Period, DateOnly Deadline);

/// <summary>
/// What Today shows apart from the report counts, hot issues and ticker, for one set of grants and one territory at
/// one state of the data (<see cref="Stamp"/>): the headline tiles, the late reports and the progress to targets. It
/// keeps enough to be brought forward by <see cref="TodayCalculator.Update"/> — the tiles of every indicator it
/// looked at and the late reports per regime — so a new report recomputes only what it can have moved.
/// </summary>
public sealed class TodayFigures
{
    internal TodayFigures(DashboardMemo.Stamp stamp, IReadOnlyList<Indicator> candidates, IReadOnlyList<Tile?> evaluated,
        IReadOnlyDictionary<string, IReadOnlyList<LateReport>> lateByRegime, IReadOnlyList<TargetProgressDto> targets)
    {
        Stamp = stamp;
        Candidates = candidates;
        Evaluated = evaluated;
        LateByRegime = lateByRegime;
        Targets = targets;
        // The freshest figures first (the latest period's end), the catalogue's order among equals: a leader sees what
        // has just arrived, not whichever indicators happen to come first in the catalogue.
        Tiles = [.. evaluated.OfType<Tile>().Select((t, i) => (t, i)).OrderByDescending(x => x.t.Period.End).ThenBy(x => x.i)
            .Select(x => x.t).Take(TodayCalculator.TileCount)];
        Late = [.. lateByRegime.Values.SelectMany(l => l).OrderBy(l => l.Deadline).ThenBy(l => l.Reporter, StringComparer.Ordinal)
            .ThenBy(l => l.Regime, StringComparer.Ordinal).ThenBy(l => l.Period.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>The state of the data these figures were computed at.</summary>
    public DashboardMemo.Stamp Stamp { get; }

    /// <summary>The indicators the caller may see, in the order tiles are looked for.</summary>
    public IReadOnlyList<Indicator> Candidates { get; }

    /// <summary>The tile of each candidate (null: no value in the last periods).</summary>
    public IReadOnlyList<Tile?> Evaluated { get; }

    /// <summary>The late reports of each regime in scope.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LateReport>> LateByRegime { get; }

    /// <summary>The <see cref="TodayCalculator.TileCount"/> tiles with the latest periods.</summary>
    public IReadOnlyList<Tile> Tiles { get; }

    /// <summary>Every late report, earliest deadline first.</summary>
    public IReadOnlyList<LateReport> Late { get; }

    /// <summary>Progress to the assigned targets of the territory.</summary>
    public IReadOnlyList<TargetProgressDto> Targets { get; }
}

/// <summary>
/// Computes <see cref="TodayFigures"/> from scratch, or brings earlier figures forward over a range of ledger entries
/// (<see cref="LedgerChanges"/>): only the tiles of the indicators those entries can have moved, only the late
/// reports of the regimes they touched, the targets only when one of their indicators moved. The result is the same
/// as computing afresh (tests/Nris.Server.Tests/Web/TodayFiguresTests).
/// </summary>
public sealed class TodayCalculator(
    AccessScope scope, string territory, CatalogueSnapshot catalogue, DateOnly today, AggregationProjection aggregates,
    ComplianceService compliance, TargetService targets)
{
    /// <summary>How many headline tiles Today shows.</summary>
    public const int TileCount = 12;

    private readonly Dashboards _dash = new(scope, catalogue, aggregates);

    /// <summary>All figures, from scratch.</summary>
    public TodayFigures Compute(DashboardMemo.Stamp stamp)
    {
        var candidates = Candidates();
        List<Tile?> evaluated = [.. candidates.Select(i => _dash.Tile(i, territory, today))];
        var late = new Dictionary<string, IReadOnlyList<LateReport>>(StringComparer.Ordinal);
        foreach (var code in LateRegimes())
        {
            late[code] = LateOf(code);
        }

        return new TodayFigures(stamp, candidates, evaluated, late, Targets());
    }

    /// <summary>
    /// <paramref name="previous"/> brought forward to <paramref name="stamp"/> given what changed in between; null when
    /// it cannot be (another catalogue, another day, or everything changed): then compute afresh.
    /// </summary>
    public TodayFigures? Update(TodayFigures previous, DashboardMemo.Stamp stamp, LedgerChanges changes)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Everything || !ReferenceEquals(previous.Stamp.Catalogue, catalogue) || !ReferenceEquals(stamp.Catalogue, catalogue) ||
            previous.Stamp.Day != today || stamp.Day != today)
        {
            return null;
        }

        // Tiles: every candidate has been looked at; a touched one is looked at again.
        List<Tile?> evaluated = [.. previous.Evaluated.Select((tile, i) =>
            changes.TouchesIndicator(previous.Candidates[i].Code) ? _dash.Tile(previous.Candidates[i], territory, today) : tile)];

        var late = new Dictionary<string, IReadOnlyList<LateReport>>(previous.LateByRegime, StringComparer.Ordinal);
        foreach (var code in changes.Regimes)
        {
            if (late.ContainsKey(code))
            {
                late[code] = LateOf(code);
            }
        }

        var targetIndicators = targets.Targets.Where(t => t.Year == today.Year && t.TerritoryCode == territory).Select(t => t.IndicatorCode);
        var progress = targetIndicators.Any(changes.TouchesIndicator) ? Targets() : previous.Targets;
        return new TodayFigures(stamp, previous.Candidates, evaluated, late, progress);
    }

    // The indicators the caller may see, in the catalogue's regime order.
    private List<Indicator> Candidates() =>
        [.. catalogue.RegimeCodes.Select(catalogue.LatestRegime).OfType<Regime>()
            .Where(scope.CanReadRegime)
            .SelectMany(r => r.Rows.Select(row => row.IndicatorCode)).Distinct(StringComparer.Ordinal)
            .Select(code => catalogue.Indicators.GetValueOrDefault(code)).OfType<Indicator>()];

    private IEnumerable<string> LateRegimes() =>
        compliance.IsReady
            ? catalogue.RegimeCodes.Where(code => catalogue.LatestRegime(code) is { } regime && scope.CanReadRegime(regime))
            : [];

    // Expected reports of the last two periods of a regime whose deadline has passed without a report (the oversight
    // compliance view), among the reporters the caller may see.
    private List<LateReport> LateOf(string code)
    {
        var regime = catalogue.LatestRegime(code)!;
        var to = Period.Containing(today, regime.Periodicity);
        if (compliance.Matrix(scope, code, to.Previous(), to) is not { } matrix)
        {
            return [];
        }

        var deadlines = matrix.Periods.ToDictionary(p => p.Period, p => p.Deadline, StringComparer.Ordinal);
        return [.. matrix.Reporters.SelectMany(r => r.Cells.Where(c => c.State == ComplianceState.Missing)
            .Select(c => new LateReport(r.Reporter, code, Period.Parse(c.Period), deadlines[c.Period])))];
    }

    private IReadOnlyList<TargetProgressDto> Targets() => targets.IsReady ? targets.Progress(scope, today.Year, territory) : [];
}
