using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using static Nris.Core.Tests.Aggregation.AggregationTestCatalogue;

namespace Nris.Core.Tests.Aggregation;

/// <summary>Measures the managed heap, so it must run alone: other tests allocating or freeing in the same process
/// at the same time would move the measurement (a parallel test's freed memory once made it negative).</summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

[Collection(nameof(HeapMeasurement))]
public sealed class AggregationSizeTests
{
    [Fact]
    public void A_million_facts_stay_compact()
    {
        // 1,000 communes in 10 provinces × 1,000 (indicator, month, source) combinations = 1,000,000 facts.
        var units = new List<Territory> { Unit("VN", TerritoryLevel.Nation, null) };
        for (var p = 0; p < 10; p++)
        {
            units.Add(Unit($"P{p}", TerritoryLevel.Province, "VN"));
            for (var c = 0; c < 100; c++)
            {
                units.Add(Unit($"C{p}_{c}", TerritoryLevel.Commune, $"P{p}"));
            }
        }

        var catalogue = Snapshot(units, []);
        var communes = units.Where(u => u.Level == TerritoryLevel.Commune).Select(u => u.Code).ToArray();
        var months = Enumerable.Range(0, 100).Select(i => Period.Month(2000 + (i / 12), (i % 12) + 1)).ToArray();
        string[] indicators = ["GRDP", "AVG", "LOW", "HIGH", "EMP"];
        string[] sources = ["S1", "S2"];
        IEnumerable<Fact> Facts()
        {
            long sequence = 0;
            foreach (var indicator in indicators)
            {
                foreach (var source in sources)
                {
                    foreach (var month in months)
                    {
                        foreach (var commune in communes)
                        {
                            yield return new Fact(indicator, Disaggregations.Total, commune, month, source,
                                (sequence % 100_000) / 100m, ObservationStatus.Normal, ++sequence);
                        }
                    }
                }
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(true);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var engine = AggregationEngine.Build(catalogue, Facts());
        var elapsed = watch.Elapsed;
        var after = GC.GetTotalMemory(true);
        var perFact = (after - before) / (double)engine.FactCount;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{engine.FactCount:N0} facts, {engine.AggregateCount:N0} aggregates: {perFact:F1} managed bytes per fact, built in {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(1_000_000, engine.FactCount);
        Assert.InRange(perFact, 1, 200);
        // P0's January from S1 is the first 100 facts, valued 0.00 to 0.99.
        Assert.Equal(Enumerable.Range(0, 100).Sum(i => i / 100m), engine.Cell(new CellQuery("GRDP", "P0", months[0], SourceCode: "S1")).Value);
    }
}
