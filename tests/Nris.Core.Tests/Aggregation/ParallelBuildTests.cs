using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.DemoGeneration;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Tests.Catalogue;
using static Nris.Core.Tests.Aggregation.AggregationTestCatalogue;

namespace Nris.Core.Tests.Aggregation;

/// <summary>
/// A build on several threads (issue #5: the rebuild uses both cores) gives exactly what a build on one thread gives,
/// on the demo catalogue and the demo generator's data over the real hierarchy.
/// </summary>
public sealed class ParallelBuildTests
{
    private static readonly Lazy<(CatalogueSnapshot Catalogue, List<Fact> Facts)> Demo = new(() =>
    {
        var demo = DemoCatalogueTests.LoadDemo();
        var catalogue = new CatalogueSnapshot(TestData.Reference with
        {
            Categories = demo.Categories, Codelists = demo.Codelists, Indicators = demo.Indicators, Regimes = demo.Regimes,
        });
        using var reader = new StreamReader(TestData.ReferencePath("vn-stats/communes_2025_area_population.csv"));
        var places = DemoPlaces.Read(reader);
        var prefix = DemoGenerator.Committee("").Length;
        var facts = new List<Fact>();
        long sequence = 0;
        // About 150,000 values: every daily, monthly and quarterly regime of the demo, a few weeks from July 2025.
        foreach (var report in new DemoGenerator(places, 150_000, seed: 3).Reports())
        {
            sequence++;
            var own = report.ReporterCode[prefix..];
            foreach (var v in report.Values)
            {
                if (v.Number is { } number && catalogue.Indicators.ContainsKey(v.IndicatorCode))
                {
                    var status = (ObservationStatus)(sequence % 4);
                    facts.Add(new Fact(v.IndicatorCode, v.Disaggregation, v.TerritoryCode ?? own, report.Period, report.RegimeCode, number, status, sequence));
                }
            }
        }

        return (catalogue, facts);
    });

    [Fact]
    public void The_demo_built_on_two_and_three_threads_equals_the_build_on_one()
    {
        var (catalogue, facts) = Demo.Value;
        using var single = AggregationEngine.Build(catalogue, facts, new AggregationOptions(BuildThreads: 1));
        var expected = single.DescribeAggregates();
        Assert.True(expected.Count > 1000, $"only {expected.Count} aggregates: the data does not exercise the build");
        Assert.Contains(expected, line => line.Contains("|VN|", StringComparison.Ordinal));

        foreach (var threads in new[] { 2, 3 })
        {
            using var parallel = AggregationEngine.Build(catalogue, facts, new AggregationOptions(BuildThreads: threads));
            Assert.Equal(single.FactCount, parallel.FactCount);
            Assert.Equal(single.UnplacedFacts, parallel.UnplacedFacts);
            Assert.Equal(single.AggregateCount, parallel.AggregateCount);
            Assert.Equal(expected, parallel.DescribeAggregates());

            // And through the query path: every indicator at the nation and each province, per source and preferred,
            // for every period that has data and the quarter and year above them.
            var periods = facts.Select(f => f.Period).Distinct().Concat([Period.Quarter(2025, 3), Period.Year(2025)]).ToList();
            var sources = facts.Select(f => f.SourceCode).Distinct().Select(s => (string?)s).Append(null).ToList();
            var territories = catalogue.Territories.Children("VN", new DateOnly(2025, 7, 1)).Select(t => t.Code).Prepend("VN").ToList();
            foreach (var indicator in catalogue.Content.Indicators)
            {
                foreach (var period in periods.Where((_, i) => i % 5 == 0 || i >= periods.Count - 2))
                {
                    foreach (var source in sources)
                    {
                        foreach (var territory in territories)
                        {
                            var q = new CellQuery(indicator.Code, territory, period, SourceCode: source);
                            Assert.True(single.Cell(q) == parallel.Cell(q), $"{q}: one thread {single.Cell(q)}, {threads} threads {parallel.Cell(q)}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Weights_that_weigh_each_other_build_the_same_on_one_thread_and_on_four()
    {
        // A weight cycle (A weighted by B, B by A, C by A): its groups read each other's, so that wave runs on one
        // thread, in the order of a build on one thread; the other indicators still go in parallel.
        var catalogue = Snapshot(Tiny().Territories.All.ToList(), [],
        [
            Ind("A", TerritoryAggregation.WeightedAverage, TimeAggregation.Average, weight: "B"),
            Ind("B", TerritoryAggregation.WeightedAverage, TimeAggregation.Average, weight: "A"),
            Ind("C", TerritoryAggregation.WeightedAverage, TimeAggregation.Average, weight: "A"),
            Ind("S", TerritoryAggregation.Sum, TimeAggregation.Sum),
            Ind("M", TerritoryAggregation.Max, TimeAggregation.Sum),
        ]);
        var facts = new List<Fact>();
        var months = Enumerable.Range(1, 12).Select(m => Period.Month(2024, m)).ToList();
        var value = 1m;
        foreach (var indicator in new[] { "A", "B", "C", "S", "M" })
        {
            foreach (var month in months)
            {
                foreach (var commune in new[] { "C11", "C12", "C13", "C21" })
                {
                    value = (value * 7m % 101m) + 0.5m;
                    if (value > 20m || indicator == "S")
                    {
                        facts.Add(F(indicator, commune, month, value));
                    }
                }
            }
        }

        using var single = AggregationEngine.Build(catalogue, facts, new AggregationOptions(BuildThreads: 1));
        using var parallel = AggregationEngine.Build(catalogue, facts, new AggregationOptions(BuildThreads: 4));
        Assert.Equal(single.DescribeAggregates(), parallel.DescribeAggregates());
        Assert.Equal(single.AggregateCount, parallel.AggregateCount);
        Assert.True(single.AggregateCount >= 100, $"{single.AggregateCount} aggregates");
    }

    [Fact]
    public void Values_too_wide_to_carry_and_a_repeated_cell_are_read_from_where_the_facts_are_kept()
    {
        // The build carries each fact's value packed in 64 bits; a wider one, and a negative zero, are read from the
        // fact table or store instead. A cell given twice (the later entry wins) makes the build read every value there.
        var jan = Period.Month(2024, 1);
        var wide = 123456789012345678.9m;
        Fact[] facts = [F("GRDP", "C11", jan, wide), F("GRDP", "C12", jan, -0.0m), F("GRDP", "C13", jan, 1.25m), F("GRDP", "C21", jan, 2m)];
        foreach (var threads in new[] { 1, 2 })
        {
            using var engine = AggregationEngine.Build(Tiny(), facts, new AggregationOptions(BuildThreads: threads));
            Assert.Equal(wide + 1.25m, engine.Cell(new CellQuery("GRDP", "P1", jan, SourceCode: "CTK")).Value);
            Assert.Equal(wide + 3.25m, engine.Cell(new CellQuery("GRDP", "VN", jan, SourceCode: "CTK")).Value);

            Fact[] repeated = [F("GRDP", "C11", jan, 5m), F("GRDP", "C12", jan, 7m), F("GRDP", "C11", jan, 10m), F("GRDP", "C21", jan, 1m)];
            using var again = AggregationEngine.Build(Tiny(), repeated, new AggregationOptions(BuildThreads: threads));
            Assert.Equal(17m, again.Cell(new CellQuery("GRDP", "P1", jan, SourceCode: "CTK")).Value);
            Assert.Equal(18m, again.Cell(new CellQuery("GRDP", "VN", jan, SourceCode: "CTK")).Value);
            Assert.Equal(3, again.FactCount);
            Assert.Equal(new NaiveAggregator(Tiny(), [repeated[1], repeated[2], repeated[3]]).Cell(new CellQuery("GRDP", "VN", jan, SourceCode: "CTK")),
                again.Cell(new CellQuery("GRDP", "VN", jan, SourceCode: "CTK")));
        }
    }

    [Fact]
    public void The_thread_count_is_one_per_core_by_default_and_a_negative_count_is_refused()
    {
        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 1, AggregationOptions.MaxBuildThreads), new AggregationOptions().EffectiveBuildThreads);
        Assert.Equal(1, new AggregationOptions(BuildThreads: 1).EffectiveBuildThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => AggregationEngine.Build(Tiny(), [], new AggregationOptions(BuildThreads: -1)));
    }
}
