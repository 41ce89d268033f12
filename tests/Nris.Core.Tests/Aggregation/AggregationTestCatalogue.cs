using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Tests.Aggregation;

/// <summary>Small catalogues and fact helpers for aggregation tests.</summary>
internal static class AggregationTestCatalogue
{
    public static readonly DateOnly Reform = new(2025, 7, 1);

    public static Territory Unit(string code, TerritoryLevel level, string? parent, DateOnly? from = null, DateOnly? to = null) =>
        new(code, new Validity(from, to), level, code, code, code, code, parent, null, "t", "t");

    public static Indicator Ind(
        string code, TerritoryAggregation territory, TimeAggregation time, string? weight = null, string? formula = null,
        IReadOnlyList<string>? sourceOrder = null, IReadOnlyList<string>? disaggregations = null) =>
        new(code, code, code, "u", "u", IndicatorValueType.Decimal, "C", territory, time, disaggregations ?? [], weight, formula,
            SourceOrder: sourceOrder);

    public static readonly Codelist Sex = new("SEX", "Giới tính", "Sex", [new("M", "Nam", "Male"), new("F", "Nữ", "Female")]);

    public static IReadOnlyList<Indicator> Indicators { get; } =
    [
        Ind("GRDP", TerritoryAggregation.Sum, TimeAggregation.Sum, sourceOrder: ["CTK"]),
        Ind("POP_AVG", TerritoryAggregation.Sum, TimeAggregation.Last),
        Ind("RATE", TerritoryAggregation.WeightedAverage, TimeAggregation.Average, weight: "POP_AVG"),
        Ind("AVG", TerritoryAggregation.Average, TimeAggregation.Average),
        Ind("LOW", TerritoryAggregation.Min, TimeAggregation.Sum),
        Ind("HIGH", TerritoryAggregation.Max, TimeAggregation.Sum),
        Ind("CPI", TerritoryAggregation.None, TimeAggregation.None),
        Ind("GRDP_PER_CAPITA", TerritoryAggregation.WeightedAverage, TimeAggregation.None, weight: "POP_AVG", formula: "GRDP / POP_AVG"),
        Ind("EMP", TerritoryAggregation.Sum, TimeAggregation.Sum, disaggregations: ["SEX"]),
    ];

    /// <summary>VN ⊃ P1 {C11, C12, C13}, P2 {C21}; no changes over time.</summary>
    public static CatalogueSnapshot Tiny() => Snapshot(
        [
            Unit("VN", TerritoryLevel.Nation, null),
            Unit("P1", TerritoryLevel.Province, "VN"),
            Unit("P2", TerritoryLevel.Province, "VN"),
            Unit("C11", TerritoryLevel.Commune, "P1"),
            Unit("C12", TerritoryLevel.Commune, "P1"),
            Unit("C13", TerritoryLevel.Commune, "P1"),
            Unit("C21", TerritoryLevel.Commune, "P2"),
        ],
        []);

    /// <summary>VN ⊃ P1; commune X of P1 is split into A and B on 1 July 2025; commune Y is renamed Z.</summary>
    public static CatalogueSnapshot Split() => Snapshot(
        [
            Unit("VN", TerritoryLevel.Nation, null),
            Unit("P1", TerritoryLevel.Province, "VN"),
            Unit("X", TerritoryLevel.Commune, "P1", null, Reform.AddDays(-1)),
            Unit("Y", TerritoryLevel.Commune, "P1", null, Reform.AddDays(-1)),
            Unit("A", TerritoryLevel.Commune, "P1", Reform),
            Unit("B", TerritoryLevel.Commune, "P1", Reform),
            Unit("Z", TerritoryLevel.Commune, "P1", Reform),
        ],
        [
            new TerritorySuccession("X", "A", Reform, SuccessionKind.Partial, TerritoryLevel.Commune),
            new TerritorySuccession("X", "B", Reform, SuccessionKind.Partial, TerritoryLevel.Commune),
            new TerritorySuccession("Y", "Z", Reform, SuccessionKind.Renamed, TerritoryLevel.Commune),
        ]);

    public static CatalogueSnapshot Snapshot(IReadOnlyList<Territory> territories, IReadOnlyList<TerritorySuccession> successions,
        IReadOnlyList<Indicator>? indicators = null) =>
        new(new CatalogueContent(territories, successions, [], [], [new InformationCategory("C", "C", "C")], [Sex], indicators ?? Indicators, []));

    private static long _sequence;

    public static Fact F(string indicator, string territory, Period period, decimal value, string source = "CTK",
        string disaggregation = Disaggregations.Total, ObservationStatus status = ObservationStatus.Normal) =>
        new(indicator, disaggregation, territory, period, source, value, status, Interlocked.Increment(ref _sequence));
}
