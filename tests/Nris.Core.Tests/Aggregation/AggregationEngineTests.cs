using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using static Nris.Core.Tests.Aggregation.AggregationTestCatalogue;

namespace Nris.Core.Tests.Aggregation;

public sealed class AggregationEngineTests
{
    private static readonly Period Jan = Period.Month(2024, 1);
    private static readonly Period Feb = Period.Month(2024, 2);
    private static readonly Period Mar = Period.Month(2024, 3);
    private static readonly Period Q1 = Period.Quarter(2024, 1);

    private static AggregationEngine Engine(params Fact[] facts) => AggregationEngine.Build(Tiny(), facts);

    private static AggregateValue Cell(AggregationEngine e, string indicator, string territory, Period period,
        string? source = "CTK", string disaggregation = Disaggregations.Total) =>
        e.Cell(new CellQuery(indicator, territory, period, disaggregation, source));

    [Fact]
    public void Sum_over_territory_with_completeness_and_the_missing_commune_listed()
    {
        using var e = Engine(F("GRDP", "C11", Jan, 10.5m), F("GRDP", "C12", Jan, 20.25m));
        var p1 = Cell(e, "GRDP", "P1", Jan);
        Assert.Equal(30.75m, p1.Value);
        Assert.Equal((2, 3), (p1.Reported, p1.Expected));
        Assert.False(p1.IsComplete);
        Assert.Equal(["C13"], e.Missing(new CellQuery("GRDP", "P1", Jan, SourceCode: "CTK")));

        var vn = Cell(e, "GRDP", "VN", Jan);
        Assert.Equal(30.75m, vn.Value);
        Assert.Equal((2, 4), (vn.Reported, vn.Expected));
        Assert.Equal(["C13", "C21"], e.Missing(new CellQuery("GRDP", "VN", Jan, SourceCode: "CTK")));
        Assert.Equal((1, 1), (Cell(e, "GRDP", "C11", Jan).Reported, Cell(e, "GRDP", "C11", Jan).Expected));
    }

    [Fact]
    public void Average_min_max_and_none_over_territory()
    {
        using var e = Engine(
            F("AVG", "C11", Jan, 10m), F("AVG", "C12", Jan, 20m), F("AVG", "C21", Jan, 6m),
            F("LOW", "C11", Jan, 10m), F("LOW", "C12", Jan, -3m), F("LOW", "C21", Jan, 7m),
            F("HIGH", "C11", Jan, 10m), F("HIGH", "C12", Jan, -3m), F("HIGH", "C21", Jan, 7m),
            F("CPI", "C11", Jan, 101.5m), F("CPI", "C12", Jan, 99m));
        Assert.Equal(15m, Cell(e, "AVG", "P1", Jan).Value);
        // The nation averages its provinces (15 and 6), not the three communes.
        Assert.Equal(10.5m, Cell(e, "AVG", "VN", Jan).Value);
        Assert.Equal(-3m, Cell(e, "LOW", "VN", Jan).Value);
        Assert.Equal(10m, Cell(e, "HIGH", "P1", Jan).Value);
        Assert.Equal(7m, Cell(e, "HIGH", "P2", Jan).Value);
        Assert.Null(Cell(e, "CPI", "P1", Jan).Value);
        Assert.Equal(101.5m, Cell(e, "CPI", "C11", Jan).Value);
    }

    [Fact]
    public void Weighted_average_uses_the_weight_indicator_and_follows_a_weight_change()
    {
        var pop = F("POP_AVG", "C12", Jan, 300m);
        using var e = Engine(F("RATE", "C11", Jan, 10m), F("RATE", "C12", Jan, 40m), F("POP_AVG", "C11", Jan, 100m), pop);
        Assert.Equal(32.5m, Cell(e, "RATE", "P1", Jan).Value); // (10·100 + 40·300) / 400

        e.Apply(FactDelta.Revise(pop, pop with { Value = 100m, LedgerSequence = pop.LedgerSequence + 1000 }));
        Assert.Equal(25m, Cell(e, "RATE", "P1", Jan).Value);
        Assert.Equal(25m, Cell(e, "RATE", "VN", Jan).Value);

        e.Apply(FactDelta.Remove(pop with { Value = 100m }));
        var p1 = Cell(e, "RATE", "P1", Jan);
        Assert.Equal(10m, p1.Value); // C12 has no weight any more: left out, and said so
        Assert.True(p1.Flags.HasFlag(AggregateFlags.Approximate));
    }

    [Fact]
    public void A_weighted_average_past_decimals_range_is_unknown_and_approximate_instead_of_failing_the_build()
    {
        // Each value is within the 10^18 a submission may carry, but value × weight is 10^36.
        var pop = F("POP_AVG", "C12", Jan, 1_000_000_000_000_000_000m);
        using var e = Engine(F("RATE", "C11", Jan, 10m), F("RATE", "C12", Jan, 1_000_000_000_000_000_000m), F("POP_AVG", "C11", Jan, 100m), pop,
            F("GRDP", "C11", Jan, 5m));
        var p1 = Cell(e, "RATE", "P1", Jan);
        Assert.Null(p1.Value);
        Assert.True(p1.Flags.HasFlag(AggregateFlags.Approximate));
        Assert.Equal(5m, Cell(e, "GRDP", "P1", Jan).Value); // the rest of the build is whole

        // A revision that brings the product back into range gives the average again, incrementally.
        e.Apply(FactDelta.Revise(pop, pop with { Value = 300m, LedgerSequence = pop.LedgerSequence + 1000 }));
        var revised = Cell(e, "RATE", "P1", Jan);
        Assert.Equal((10m * 100m + 1_000_000_000_000_000_000m * 300m) / 400m, revised.Value);
        Assert.False(revised.Flags.HasFlag(AggregateFlags.Approximate));
    }

    [Fact]
    public void Time_sum_last_and_average_with_partial_flags()
    {
        using var e = Engine(
            F("GRDP", "C11", Jan, 1m), F("GRDP", "C11", Feb, 2m), F("GRDP", "C11", Mar, 4m),
            F("POP_AVG", "C11", Jan, 100m), F("POP_AVG", "C11", Feb, 110m),
            F("AVG", "C11", Jan, 3m), F("AVG", "C11", Feb, 6m));
        var q = Cell(e, "GRDP", "C11", Q1);
        Assert.Equal(7m, q.Value);
        Assert.Equal(AggregateFlags.None, q.Flags);
        Assert.Equal(7m, Cell(e, "GRDP", "P1", Q1).Value);

        var half = Cell(e, "GRDP", "C11", Period.HalfYear(2024, 1));
        Assert.Equal(7m, half.Value);
        Assert.True(half.Flags.HasFlag(AggregateFlags.Partial)); // April to June are missing

        var stock = Cell(e, "POP_AVG", "C11", Q1);
        Assert.Equal(110m, stock.Value); // the last month with a value
        Assert.True(stock.Flags.HasFlag(AggregateFlags.Partial)); // March itself is missing

        var avg = Cell(e, "AVG", "C11", Q1);
        Assert.Equal(4.5m, avg.Value);
        Assert.True(avg.Flags.HasFlag(AggregateFlags.Partial));

        Assert.Equal(7m, Cell(e, "GRDP", "C11", Period.Year(2024)).Value);
    }

    [Fact]
    public void A_reported_coarser_period_wins_over_derivation_and_weeks_do_not_aggregate()
    {
        using var e = Engine(F("GRDP", "C11", Jan, 1m), F("GRDP", "C11", Q1, 100m), F("GRDP", "C12", Period.Week(2024, 2), 5m));
        Assert.Equal(100m, Cell(e, "GRDP", "C11", Q1).Value);
        Assert.Null(Cell(e, "GRDP", "C12", Jan).Value);
        Assert.Equal(5m, Cell(e, "GRDP", "P1", Period.Week(2024, 2)).Value);
    }

    [Fact]
    public void Disaggregation_totals_are_checked_against_their_parts()
    {
        using var e = Engine(
            F("EMP", "C11", Jan, 12m), F("EMP", "C11", Jan, 5m, disaggregation: "SEX:M"), F("EMP", "C11", Jan, 7m, disaggregation: "SEX:F"),
            F("EMP", "C12", Jan, 13m), F("EMP", "C12", Jan, 5m, disaggregation: "SEX:M"), F("EMP", "C12", Jan, 7m, disaggregation: "SEX:F"));
        var ok = e.CheckDisaggregation("EMP", "SEX", "C11", Jan, "CTK");
        Assert.Equal(12m, ok.SumOfParts);
        Assert.False(ok.IsInconsistent);
        var bad = e.CheckDisaggregation("EMP", "SEX", "C12", Jan, "CTK");
        Assert.True(bad.IsInconsistent);
        Assert.Equal(14m, Cell(e, "EMP", "P1", Jan, disaggregation: "SEX:F").Value);
        var province = e.CheckDisaggregation("EMP", "SEX", "P1", Jan, "CTK");
        Assert.Equal((25m, 24m, 2), (province.ReportedTotal.Value!.Value, province.SumOfParts!.Value, province.PartsWithValue));
    }

    [Fact]
    public void Derived_GRDP_per_capita_divides_the_province_aggregates_not_sums_the_communes()
    {
        using var e = Engine(
            F("GRDP", "C11", Period.Year(2024), 100m), F("POP_AVG", "C11", Period.Year(2024), 10m),
            F("GRDP", "C12", Period.Year(2024), 300m), F("POP_AVG", "C12", Period.Year(2024), 20m));
        Assert.Equal(10m, Cell(e, "GRDP_PER_CAPITA", "C11", Period.Year(2024)).Value);
        Assert.Equal(15m, Cell(e, "GRDP_PER_CAPITA", "C12", Period.Year(2024)).Value);
        var p1 = Cell(e, "GRDP_PER_CAPITA", "P1", Period.Year(2024));
        Assert.Equal(13.3333333333m, p1.Value); // 400 / 30, not 10 + 15; quotients are rounded to 10 places
        Assert.Equal("CTK", p1.Source);
        Assert.Equal((2, 3), (p1.Reported, p1.Expected));
        Assert.Equal(2, e.Contributors(new CellQuery("GRDP_PER_CAPITA", "C11", Period.Year(2024), SourceCode: "CTK")).Count);
    }

    [Fact]
    public void Growth_against_the_same_period_last_year()
    {
        using var e = Engine(F("GRDP", "C11", Jan, 30m), F("GRDP", "C11", Period.Month(2023, 1), 24m, status: ObservationStatus.Provisional));
        var g = e.Growth(new CellQuery("GRDP", "P1", Jan, SourceCode: "CTK"));
        Assert.Equal(25m, g.Value);
        Assert.True(g.Flags.HasFlag(AggregateFlags.Provisional));
        Assert.Null(e.Growth(new CellQuery("GRDP", "P1", Feb, SourceCode: "CTK")).Value);
    }

    [Fact]
    public void Each_source_aggregates_separately_and_the_preferred_one_follows_the_source_order()
    {
        using var e = Engine(
            F("GRDP", "C11", Jan, 10m, source: "AAA"), F("GRDP", "C12", Jan, 20m, source: "AAA"),
            F("GRDP", "C11", Jan, 11m, source: "CTK"),
            F("GRDP", "C21", Jan, 5m, source: "AAA"));
        Assert.Equal(30m, Cell(e, "GRDP", "P1", Jan, "AAA").Value);
        Assert.Equal(11m, Cell(e, "GRDP", "P1", Jan, "CTK").Value);
        var preferred = Cell(e, "GRDP", "P1", Jan, source: null);
        Assert.Equal((11m, "CTK"), (preferred.Value!.Value, preferred.Source));
        // CTK says nothing about P2: the preferred value falls back to the next source, and says so.
        var fallback = Cell(e, "GRDP", "P2", Jan, source: null);
        Assert.Equal((5m, "AAA"), (fallback.Value!.Value, fallback.Source));
        // An indicator without source order prefers sources by code.
        using var e2 = Engine(F("AVG", "C11", Jan, 1m, source: "ZZZ"), F("AVG", "C11", Jan, 2m, source: "MMM"));
        Assert.Equal("MMM", Cell(e2, "AVG", "C11", Jan, source: null).Source);
    }

    [Fact]
    public void Provisional_and_estimated_flags_propagate_up_only_where_they_contribute()
    {
        using var e = Engine(
            F("GRDP", "C11", Jan, 1m, status: ObservationStatus.Provisional),
            F("GRDP", "C21", Jan, 2m, status: ObservationStatus.Estimated),
            F("GRDP", "C12", Jan, 2m, status: ObservationStatus.Official));
        Assert.Equal(AggregateFlags.Provisional, Cell(e, "GRDP", "P1", Jan).Flags);
        Assert.Equal(AggregateFlags.Estimated, Cell(e, "GRDP", "P2", Jan).Flags);
        Assert.Equal(AggregateFlags.Provisional | AggregateFlags.Estimated, Cell(e, "GRDP", "VN", Jan).Flags);
    }

    [Fact]
    public void A_units_own_value_stands_for_everything_under_it()
    {
        using var e = Engine(F("GRDP", "P1", Jan, 100m), F("GRDP", "C11", Jan, 1m), F("GRDP", "C21", Jan, 2m));
        var vn = Cell(e, "GRDP", "VN", Jan);
        Assert.Equal(102m, vn.Value); // P1's own 100, not 100 + 1
        Assert.Equal((4, 4), (vn.Reported, vn.Expected)); // P1's own value covers its three communes
        var contributors = e.Contributors(new CellQuery("GRDP", "VN", Jan, SourceCode: "CTK"));
        Assert.Equal(["C21", "P1"], contributors.Select(f => f.TerritoryCode).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Incremental_updates_match_hand_computed_values_and_revisions_replace()
    {
        using var e = Engine();
        var a = F("GRDP", "C11", Jan, 10m);
        e.Apply(FactDelta.Add(a));
        e.Apply(FactDelta.Add(F("GRDP", "C12", Jan, 5m)));
        Assert.Equal(15m, Cell(e, "GRDP", "VN", Jan).Value);
        e.Apply(FactDelta.Revise(a, a with { Value = 12m, Status = ObservationStatus.Provisional, LedgerSequence = a.LedgerSequence + 1000 }));
        Assert.Equal(17m, Cell(e, "GRDP", "VN", Jan).Value);
        Assert.Equal(AggregateFlags.Provisional, Cell(e, "GRDP", "VN", Jan).Flags);
        Assert.Equal(a.LedgerSequence + 1000, e.Contributors(new CellQuery("GRDP", "C11", Jan, SourceCode: "CTK")).Single().LedgerSequence);
        e.Apply(FactDelta.Remove(a));
        Assert.Equal(5m, Cell(e, "GRDP", "VN", Jan).Value);
        Assert.Equal(1, e.FactCount);
    }

    [Fact]
    public void Facts_of_unknown_indicators_are_refused_and_of_absent_units_kept_unplaced()
    {
        Assert.Throws<ArgumentException>(() => Engine(F("NOPE", "C11", Jan, 1m)));
        using var e = Engine(F("GRDP", "GHOST", Jan, 1m));
        Assert.Equal(1, e.UnplacedFacts);
        Assert.Null(Cell(e, "GRDP", "VN", Jan).Value);
    }

    [Fact]
    public void A_split_commune_is_apportioned_by_population_where_known_and_equally_and_approximately_where_not()
    {
        var y2024 = Period.Year(2024);
        Fact[] values = [F("GRDP", "X", y2024, 100m), F("GRDP", "Y", y2024, 7m)];
        using var unweighted = AggregationEngine.Build(Split(), values);
        var equal = unweighted.Cell(new CellQuery("GRDP", "A", y2024, SourceCode: "CTK", Mode: AggregationMode.AsNow));
        Assert.Equal(50m, equal.Value);
        Assert.True(equal.Flags.HasFlag(AggregateFlags.Approximate));
        var renamed = unweighted.Cell(new CellQuery("GRDP", "Z", y2024, SourceCode: "CTK", Mode: AggregationMode.AsNow));
        Assert.Equal((7m, AggregateFlags.None), (renamed.Value!.Value, renamed.Flags));

        using var weighted = AggregationEngine.Build(Split(),
            [.. values, F("POP_AVG", "A", Period.Year(2025), 300m), F("POP_AVG", "B", Period.Year(2025), 100m)]);
        var a = weighted.Cell(new CellQuery("GRDP", "A", y2024, SourceCode: "CTK", Mode: AggregationMode.AsNow));
        var b = weighted.Cell(new CellQuery("GRDP", "B", y2024, SourceCode: "CTK", Mode: AggregationMode.AsNow));
        Assert.Equal((75m, 25m), (a.Value!.Value, b.Value!.Value));
        Assert.Equal(AggregateFlags.None, a.Flags);
        // As then, the old communes; as now, the province is the same unit and keeps its total.
        Assert.Equal(100m, weighted.Cell(new CellQuery("GRDP", "X", y2024, SourceCode: "CTK")).Value);
        Assert.Null(weighted.Cell(new CellQuery("GRDP", "A", y2024, SourceCode: "CTK")).Value);
        Assert.Equal(107m, weighted.Cell(new CellQuery("GRDP", "P1", y2024, SourceCode: "CTK", Mode: AggregationMode.AsNow)).Value);
        var children = weighted.Children("GRDP", "P1", y2024, sourceCode: "CTK", mode: AggregationMode.AsNow);
        Assert.Equal(["A", "B", "Z"], children.Select(c => c.TerritoryCode));
        Assert.Equal(107m, children.Sum(c => c.Value.Value ?? 0m));
    }

    [Fact]
    public void Top_and_bottom_n_and_series()
    {
        using var e = Engine(F("GRDP", "C11", Jan, 3m), F("GRDP", "C12", Jan, 9m), F("GRDP", "C13", Jan, 5m), F("GRDP", "C21", Jan, 1m),
            F("GRDP", "C11", Feb, 4m));
        Assert.Equal(["C12", "C13"], e.Top("GRDP", TerritoryLevel.Commune, Jan, 2, sourceCode: "CTK").Select(t => t.TerritoryCode));
        Assert.Equal(["C21", "C11"], e.Top("GRDP", TerritoryLevel.Commune, Jan, 2, descending: false, sourceCode: "CTK").Select(t => t.TerritoryCode));
        Assert.Equal(["P1", "P2"], e.Top("GRDP", TerritoryLevel.Province, Jan, 5, sourceCode: "CTK").Select(t => t.TerritoryCode));
        var series = e.Series("GRDP", "C11", Jan, Mar, sourceCode: "CTK");
        Assert.Equal([3m, 4m, null], series.Select(s => s.Value.Value));
    }
}
