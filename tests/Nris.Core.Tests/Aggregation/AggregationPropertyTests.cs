using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using static Nris.Core.Tests.Aggregation.AggregationTestCatalogue;

namespace Nris.Core.Tests.Aggregation;

public sealed class AggregationPropertyTests
{
    private static readonly DateOnly Change = new(2024, 3, 1);

    private static readonly Period[] Periods =
    [
        Period.Month(2024, 1), Period.Month(2024, 2), Period.Month(2024, 3), Period.Quarter(2024, 1),
        Period.Day(new DateOnly(2024, 1, 15)), Period.Week(2024, 3), Period.Year(2024),
    ];

    private static readonly Period[] Queried = [.. Periods, Period.HalfYear(2024, 1)];
    private static readonly string[] Sources = ["S1", "S2"];
    private static readonly string[] Disaggs = [Disaggregations.Total, "SEX:M"];

    /// <summary>A random world: a hierarchy (with districts or not, and one commune replaced on 1 March 2024),
    /// indicators with random rules, and a random history of additions, revisions and removals.</summary>
    private sealed record World(CatalogueSnapshot Catalogue, IReadOnlyList<string> Codes, IReadOnlyList<FactDelta[]> Steps, IReadOnlyList<Fact> Current)
    {
        public override string ToString() =>
            $"{Codes.Count} units, {Steps.Sum(s => s.Length)} deltas; indicators " +
            string.Join(", ", Catalogue.Content.Indicators.Select(i => $"{i.Code}:{i.TerritoryAggregation}/{i.TimeAggregation}"));
    }

    private static World MakeWorld(int seed)
    {
        var r = new Random(seed);
        var units = new List<Territory> { Unit("VN", TerritoryLevel.Nation, null) };
        var successions = new List<TerritorySuccession>();
        var commune = 0;
        for (var p = 1; p <= r.Next(1, 4); p++)
        {
            var province = $"P{p}";
            units.Add(Unit(province, TerritoryLevel.Province, "VN"));
            var parents = new List<string>();
            if (r.Next(2) == 0)
            {
                parents.Add(province);
            }
            else
            {
                for (var d = 1; d <= r.Next(1, 3); d++)
                {
                    units.Add(Unit($"{province}D{d}", TerritoryLevel.District, province));
                    parents.Add($"{province}D{d}");
                }
            }

            foreach (var parent in parents)
            {
                for (var c = 0; c < r.Next(1, 4); c++)
                {
                    units.Add(Unit($"C{++commune}", TerritoryLevel.Commune, parent));
                }
            }

            if (r.Next(2) == 0)
            {
                units.Add(Unit($"OLD{p}", TerritoryLevel.Commune, parents[0], null, Change.AddDays(-1)));
                units.Add(Unit($"NEW{p}", TerritoryLevel.Commune, parents[0], Change));
                successions.Add(new TerritorySuccession($"OLD{p}", $"NEW{p}", Change, SuccessionKind.Full, TerritoryLevel.Commune));
            }
        }

        TerritoryAggregation[] plain = [TerritoryAggregation.Sum, TerritoryAggregation.Average, TerritoryAggregation.Min, TerritoryAggregation.Max, TerritoryAggregation.None];
        TimeAggregation RandomTime() => (TimeAggregation)r.Next(4);
        var i0 = Ind("I0", plain[r.Next(plain.Length)], RandomTime(), sourceOrder: r.Next(2) == 0 ? ["S2"] : null);
        Indicator Other(string code) => r.Next(3) == 0
            ? Ind(code, TerritoryAggregation.WeightedAverage, RandomTime(), weight: "I0")
            : Ind(code, plain[r.Next(plain.Length)], RandomTime());
        var catalogue = Snapshot(units, successions, [i0, Other("I1"), Other("I2")]);

        var codes = units.Select(u => u.Code).Append("GHOST").ToList();
        var current = new Dictionary<(string, string, string, Period, string), Fact>();
        var steps = new List<FactDelta[]>();
        long sequence = 0;
        for (var step = 0; step < r.Next(1, 60); step++)
        {
            var batch = new List<FactDelta>();
            for (var k = 0; k < (r.Next(4) == 0 ? r.Next(2, 5) : 1); k++)
            {
                var value = r.Next(-50, 1000) / (decimal)Math.Pow(10, r.Next(0, 3));
                var status = (ObservationStatus)r.Next(4);
                if (current.Count > 0 && r.Next(3) == 0)
                {
                    var old = current.Values.ElementAt(r.Next(current.Count));
                    var key = (old.IndicatorCode, old.Disaggregation, old.TerritoryCode, old.Period, old.SourceCode);
                    if (r.Next(2) == 0)
                    {
                        current.Remove(key);
                        batch.Add(FactDelta.Remove(old));
                    }
                    else
                    {
                        var revised = old with { Value = value, Status = status, LedgerSequence = ++sequence };
                        current[key] = revised;
                        batch.Add(FactDelta.Revise(old, revised));
                    }

                    continue;
                }

                var fact = new Fact($"I{r.Next(3)}", Disaggs[r.Next(2)], codes[r.Next(codes.Count)], Periods[r.Next(Periods.Length)],
                    Sources[r.Next(2)], value, status, ++sequence);
                var newKey = (fact.IndicatorCode, fact.Disaggregation, fact.TerritoryCode, fact.Period, fact.SourceCode);
                batch.Add(current.TryGetValue(newKey, out var existing) ? FactDelta.Revise(existing, fact) : FactDelta.Add(fact));
                current[newKey] = fact;
            }

            steps.Add([.. batch]);
        }

        return new World(catalogue, codes, steps, [.. current.Values]);
    }

    private static IEnumerable<CellQuery> Queries(World w, AggregationMode mode) =>
        from indicator in new[] { "I0", "I1", "I2" }
        from d in Disaggs
        from code in w.Codes
        from p in Queried
        from s in new string?[] { "S1", "S2", null, "S9" }
        select new CellQuery(indicator, code, p, d, s, mode);

    private static readonly Gen<World> Worlds = Gen.Choose(0, int.MaxValue - 1).Select(MakeWorld);

    [Fact]
    public void Incremental_equals_rebuild_equals_the_naive_reference()
    {
        PeriodsHold(Worlds, w =>
        {
            using var incremental = AggregationEngine.Build(w.Catalogue, []);
            foreach (var step in w.Steps)
            {
                if (step.Length == 1)
                {
                    incremental.Apply(step[0]);
                }
                else
                {
                    incremental.Apply(step);
                }
            }

            using var rebuilt = AggregationEngine.Build(w.Catalogue, w.Current);
            var naive = new NaiveAggregator(w.Catalogue, w.Current);
            AssertSameAsRebuilt(w, rebuilt, incremental);
            foreach (var q in Queries(w, AggregationMode.AsThen))
            {
                var expected = naive.Cell(q);
                Assert.True(expected == rebuilt.Cell(q), $"{q}: naive {expected}, engine {rebuilt.Cell(q)}");
            }
        });
    }

    [Fact]
    public void An_engine_over_a_store_follows_the_store_and_equals_the_rebuild_and_the_naive_reference()
    {
        // As the server runs it: the engine keeps no facts of its own, the store changes first and the engine is told
        // what changed, all in one Update. Built empty, then every step; and built over the final store at once.
        PeriodsHold(Worlds, w =>
        {
            var store = new DictionaryFactStore();
            using var incremental = AggregationEngine.Build(w.Catalogue, store, []);
            foreach (var step in w.Steps)
            {
                incremental.Update(() =>
                {
                    foreach (var delta in step)
                    {
                        store.Apply(delta);
                    }

                    return step;
                });
            }

            using var overStore = AggregationEngine.Build(w.Catalogue, store, store.Facts.ToList());
            using var rebuilt = AggregationEngine.Build(w.Catalogue, w.Current);
            var naive = new NaiveAggregator(w.Catalogue, w.Current);
            AssertSameAsRebuilt(w, rebuilt, incremental);
            Assert.Equal(rebuilt.FactCount, overStore.FactCount);
            Assert.Equal(rebuilt.AggregateCount, overStore.AggregateCount);
            foreach (var q in Queries(w, AggregationMode.AsThen))
            {
                var expected = naive.Cell(q);
                Assert.True(expected == incremental.Cell(q), $"{q}: naive {expected}, incremental over a store {incremental.Cell(q)}");
                Assert.True(expected == overStore.Cell(q), $"{q}: naive {expected}, built over a store {overStore.Cell(q)}");
            }
        });
    }

    [Fact]
    public void A_build_on_several_threads_equals_one_on_one_thread_and_the_naive_reference()
    {
        // The build computes the groups of one weight depth on several threads; the result must not depend on how
        // many. Four threads on any machine (more than the cores here), over a fact stream and over a store.
        PeriodsHold(Worlds, w =>
        {
            var store = new DictionaryFactStore();
            foreach (var fact in w.Current)
            {
                store.Apply(FactDelta.Add(fact));
            }

            using var single = AggregationEngine.Build(w.Catalogue, w.Current, new AggregationOptions(BuildThreads: 1));
            using var parallel = AggregationEngine.Build(w.Catalogue, w.Current, new AggregationOptions(BuildThreads: 4));
            using var overStore = AggregationEngine.Build(w.Catalogue, store, store.Facts.ToList(), new AggregationOptions(BuildThreads: 4));
            Assert.Equal(single.DescribeAggregates(), parallel.DescribeAggregates());
            Assert.Equal(single.DescribeAggregates(), overStore.DescribeAggregates());
            AssertSameAsRebuilt(w, single, parallel);
            AssertSameAsRebuilt(w, single, overStore);
            var naive = new NaiveAggregator(w.Catalogue, w.Current);
            foreach (var q in Queries(w, AggregationMode.AsThen))
            {
                var expected = naive.Cell(q);
                Assert.True(expected == parallel.Cell(q), $"{q}: naive {expected}, built on four threads {parallel.Cell(q)}");
            }
        });
    }

    /// <summary>
    /// The engine that followed the steps holds what a rebuild from the final facts holds: the same counts, and for
    /// every query the same value, the same missing reporters and the same contributing ledger entries (as-then), and
    /// the same values as-now.
    /// </summary>
    private static void AssertSameAsRebuilt(World w, AggregationEngine rebuilt, AggregationEngine incremental)
    {
        Assert.Equal(rebuilt.FactCount, incremental.FactCount);
        Assert.Equal(rebuilt.AggregateCount, incremental.AggregateCount);
        foreach (var q in Queries(w, AggregationMode.AsThen))
        {
            var fromScratch = rebuilt.Cell(q);
            Assert.True(fromScratch == incremental.Cell(q), $"{q}: rebuilt {fromScratch}, incremental {incremental.Cell(q)}");
            Assert.Equal(rebuilt.Missing(q), incremental.Missing(q));
            Assert.Equal(
                rebuilt.Contributors(q).Select(f => f.LedgerSequence).Order(),
                incremental.Contributors(q).Select(f => f.LedgerSequence).Order());
        }

        foreach (var q in Queries(w, AggregationMode.AsNow))
        {
            Assert.Equal(rebuilt.Cell(q), incremental.Cell(q));
        }
    }

    /// <summary>The most obvious fact store: a dictionary by the cell's five codes, handles interned in lists.</summary>
    private sealed class DictionaryFactStore : FactStore
    {
        private readonly Dictionary<(string, string, string, Period, string), Fact> _facts = [];
        private readonly List<(string Indicator, string Disaggregation, string Source)> _series = [];
        private readonly List<Period> _periods = [];
        private readonly List<string> _territories = [];

        public IEnumerable<Fact> Facts => _facts.Values;

        public void Apply(FactDelta delta)
        {
            if (delta.Old is { } old)
            {
                _facts.Remove(Key(old));
            }

            if (delta.New is { } fact)
            {
                _facts[Key(fact)] = fact;
            }
        }

        public override long SeriesHandle(string indicatorCode, string disaggregation, string sourceCode) =>
            Handle(_series, (indicatorCode, disaggregation, sourceCode));

        public override int PeriodHandle(Period period) => Handle(_periods, period);

        public override int TerritoryHandle(string territoryCode) => Handle(_territories, territoryCode);

        public override bool TryGet(long series, int period, int territory, out decimal value, out ObservationStatus status, out long sequence)
        {
            var (indicator, disaggregation, source) = _series[(int)series];
            var found = _facts.TryGetValue((indicator, disaggregation, source, _periods[period], _territories[territory]), out var fact);
            value = fact.Value;
            status = fact.Status;
            sequence = fact.LedgerSequence;
            return found;
        }

        private static (string, string, string, Period, string) Key(Fact f) => (f.IndicatorCode, f.Disaggregation, f.SourceCode, f.Period, f.TerritoryCode);

        private static int Handle<T>(List<T> list, T item)
        {
            var at = list.IndexOf(item);
            if (at < 0)
            {
                at = list.Count;
                list.Add(item);
            }

            return at;
        }
    }

    private static void PeriodsHold(Gen<World> gen, Action<World> property) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), Prop.ForAll(gen.ToArbitrary(), property));

    [Fact]
    public void The_naive_reference_itself_agrees_with_a_hand_computed_case()
    {
        // Guards the reference: if it were wrong the same way as the engine, the property above would not notice.
        var catalogue = Tiny();
        var jan = Period.Month(2024, 1);
        Fact[] facts = [F("AVG", "C11", jan, 10m), F("AVG", "C12", jan, 20m), F("AVG", "C21", jan, 6m)];
        var naive = new NaiveAggregator(catalogue, facts);
        Assert.Equal(10.5m, naive.Cell(new CellQuery("AVG", "VN", jan, SourceCode: "CTK")).Value);
        Assert.Equal(3, naive.Cell(new CellQuery("AVG", "VN", jan, SourceCode: "CTK")).Reported);
    }
}
