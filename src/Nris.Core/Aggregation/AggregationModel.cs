using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Aggregation;

/// <summary>
/// One current reported value of a numeric indicator, as the aggregation engine takes it in: the cell key
/// (indicator × disaggregation × territory × period × source), the number, its status and the ledger entry it came from.
/// </summary>
/// <param name="IndicatorCode">The indicator, e.g. "GRDP".</param>
/// <param name="Disaggregation">"_T" or "CODELIST:CODE".</param>
/// <param name="TerritoryCode">The territory the value describes (a code valid on the last day of the period).</param>
/// <param name="Period">The reported period.</param>
/// <param name="SourceCode">
/// The source the value is aggregated under. Values only add up within one source, so for values that many People's
/// Committees report about their own territories the caller passes one channel code for all of them (the regime or
/// the organization kind), not each committee's own code; a ministry or the statistics office is its own source.
/// </param>
/// <param name="Value">The number, kept exactly (decimal semantics: sums of currency amounts are exact).</param>
/// <param name="Status">Estimated, provisional or official.</param>
/// <param name="LedgerSequence">The ledger entry that made this the current value (0 to 2^48 − 1), for provenance.</param>
public readonly record struct Fact(
    string IndicatorCode,
    string Disaggregation,
    string TerritoryCode,
    Period Period,
    string SourceCode,
    decimal Value,
    ObservationStatus Status,
    long LedgerSequence);

/// <summary>
/// A change to the set of current values, as one ledger entry produces it: a new value (<see cref="Old"/> null), a
/// removal (<see cref="New"/> null) or a revision (both, normally with the same cell key).
/// </summary>
/// <param name="Old">The value being replaced or removed, or null.</param>
/// <param name="New">The value being added, or null.</param>
public readonly record struct FactDelta(Fact? Old, Fact? New)
{
    /// <summary>A new value.</summary>
    public static FactDelta Add(Fact fact) => new(null, fact);

    /// <summary>A removed value.</summary>
    public static FactDelta Remove(Fact fact) => new(fact, null);

    /// <summary>A revision: <paramref name="old"/> replaced by <paramref name="new"/>.</summary>
    public static FactDelta Revise(Fact old, Fact @new) => new(old, @new);
}

/// <summary>Which administrative map a time series is shown on.</summary>
public enum AggregationMode
{
    /// <summary>Each period on the units that existed then (63 provinces before July 2025).</summary>
    AsThen = 0,
    /// <summary>Earlier data re-aggregated onto today's units through the succession links.</summary>
    AsNow = 1,
}

/// <summary>Status flags carried by every aggregate answer.</summary>
[Flags]
public enum AggregateFlags
{
    /// <summary>Nothing to note.</summary>
    None = 0,
    /// <summary>At least one contributing value is provisional (sơ bộ).</summary>
    Provisional = 1,
    /// <summary>At least one contributing value is estimated (ước tính).</summary>
    Estimated = 2,
    /// <summary>
    /// The value is an approximation: a split unit was apportioned without a known weight (equally), a rate was
    /// re-aggregated across a split, or a weighted average had to leave out children whose weight is unknown.
    /// </summary>
    Approximate = 4,
    /// <summary>A derived period was computed from incomplete child periods.</summary>
    Partial = 8,
}

/// <summary>The answer for one aggregate cell.</summary>
/// <param name="Value">The value, or null when nothing is known.</param>
/// <param name="Flags">Provisional, estimated, approximate, partial.</param>
/// <param name="Reported">How many of the expected reporters are covered (e.g. 31 of 34 provinces).</param>
/// <param name="Expected">How many reporters are expected: the units at the series' reporting level under the territory.</param>
/// <param name="Source">The source the value came from (for a preferred value, the chosen one); null when mixed or unknown.</param>
public sealed record AggregateValue(decimal? Value, AggregateFlags Flags, int Reported, int Expected, string? Source)
{
    /// <summary>An answer with no value and no expected reporters.</summary>
    public static AggregateValue Empty { get; } = new(null, AggregateFlags.None, 0, 0, null);

    /// <summary>Whether every expected reporter is covered.</summary>
    public bool IsComplete => Expected > 0 && Reported >= Expected;
}

/// <summary>One aggregate cell to look up.</summary>
/// <param name="IndicatorCode">The indicator (reported or derived).</param>
/// <param name="TerritoryCode">The territory: valid on the period's last day (as then) or on the as-now date (as now).</param>
/// <param name="Period">The period; coarser periods than those reported are derived over time.</param>
/// <param name="Disaggregation">"_T" or "CODELIST:CODE".</param>
/// <param name="SourceCode">One source, or null for the preferred value by the indicator's source order.</param>
/// <param name="Mode">As then or as now.</param>
/// <param name="AsNowDate">For <see cref="AggregationMode.AsNow"/>: the date whose map is used; null for the latest map.</param>
public sealed record CellQuery(
    string IndicatorCode,
    string TerritoryCode,
    Period Period,
    string Disaggregation = Disaggregations.Total,
    string? SourceCode = null,
    AggregationMode Mode = AggregationMode.AsThen,
    DateOnly? AsNowDate = null);

/// <summary>One territory's answer in a list (children of a unit, top N).</summary>
/// <param name="TerritoryCode">The territory.</param>
/// <param name="Value">Its aggregate.</param>
public sealed record TerritoryValue(string TerritoryCode, AggregateValue Value);

/// <summary>A reported total checked against the sum of its parts across one codelist.</summary>
/// <param name="ReportedTotal">The total cell ("_T").</param>
/// <param name="SumOfParts">The sum of the codelist's cells, or null when no part has a value.</param>
/// <param name="PartsWithValue">How many codes of the codelist have a value.</param>
/// <param name="Codes">How many codes the codelist has.</param>
public sealed record DisaggregationCheck(AggregateValue ReportedTotal, decimal? SumOfParts, int PartsWithValue, int Codes)
{
    /// <summary>Whether a reported total and a sum of parts both exist and differ.</summary>
    public bool IsInconsistent => ReportedTotal.Value is { } total && SumOfParts is { } sum && total != sum;
}

/// <summary>Options of the aggregation engine.</summary>
/// <param name="ApportionIndicatorCode">
/// The indicator whose values (total, preferred source, in the year a split took effect) apportion a split unit's
/// values among its successors in as-now mode; when unknown the split is equal and flagged approximate.
/// </param>
/// <param name="BuildThreads">
/// How many threads a build (start-up, <c>nris rebuild</c>, a catalogue change) computes the aggregates on: 0 (the
/// default) for one per core, at most <see cref="MaxBuildThreads"/>; 1 for the calling thread only. The result is the
/// same for every count. Incremental updates always run on the writer's thread.
/// </param>
public sealed record AggregationOptions(string ApportionIndicatorCode = "POP_AVG", int BuildThreads = 0)
{
    /// <summary>The most threads a build uses when <see cref="BuildThreads"/> is 0.</summary>
    public const int MaxBuildThreads = 8;

    /// <summary>The number of build threads these options mean on this machine (at least 1).</summary>
    public int EffectiveBuildThreads =>
        BuildThreads > 0 ? BuildThreads : Math.Clamp(Environment.ProcessorCount, 1, MaxBuildThreads);
}
