using System.Globalization;
using System.Text;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Server.Tests.Aggregation;

/// <summary>Asks two engines every query over a grid of cells and lists every answer that differs.</summary>
internal static class EngineComparison
{
    public static (int Queries, string Differences) Compare(
        AggregationEngine expected, AggregationEngine actual, IReadOnlyList<string> indicators, IReadOnlyList<string> disaggregations,
        IReadOnlyList<string?> sources, IReadOnlyList<string> territories, IReadOnlyList<Period> periods)
    {
        var differences = new StringBuilder();
        var queries = 0;
        void Check<T>(string what, T a, T b, Func<T, T, bool> same, Func<T, string> show)
        {
            queries++;
            if (!same(a, b) && differences.Length < 4000)
            {
                differences.AppendLine(CultureInfo.InvariantCulture, $"{what}: rebuild {show(a)} ≠ incremental {show(b)}");
            }
        }

        foreach (var indicator in indicators)
        {
            foreach (var d in disaggregations)
            {
                foreach (var source in sources)
                {
                    foreach (var period in periods)
                    {
                        foreach (var mode in new[] { AggregationMode.AsThen, AggregationMode.AsNow })
                        {
                            foreach (var territory in territories)
                            {
                                var q = new CellQuery(indicator, territory, period, d, source, mode);
                                Check($"cell {q}", expected.Cell(q), actual.Cell(q), Equals, Show);
                                Check($"growth {q}", expected.Growth(q), actual.Growth(q), Equals, Show);
                                if (mode == AggregationMode.AsThen)
                                {
                                    Check($"contributors {q}", expected.Contributors(q), actual.Contributors(q), SameFacts, ShowFacts);
                                    Check($"missing {q}", expected.Missing(q), actual.Missing(q), (a, b) => a.SequenceEqual(b), a => string.Join(",", a));
                                }

                                Check($"children {q}", expected.Children(indicator, territory, period, d, source, mode),
                                    actual.Children(indicator, territory, period, d, source, mode), SameList, ShowList);
                            }

                            foreach (var descending in new[] { true, false })
                            {
                                foreach (var level in new[] { TerritoryLevel.Province, TerritoryLevel.Commune })
                                {
                                    Check($"top {indicator} {d} {source} {period} {mode} {level} {descending}",
                                        expected.Top(indicator, level, period, 10, descending, d, source, mode),
                                        actual.Top(indicator, level, period, 10, descending, d, source, mode), SameList, ShowList);
                                }
                            }
                        }
                    }

                    foreach (var group in periods.GroupBy(p => p.Periodicity))
                    {
                        var from = group.Min();
                        var to = group.Max();
                        foreach (var territory in territories)
                        {
                            Check($"series {indicator} {d} {source} {territory} {from}..{to}",
                                expected.Series(indicator, territory, from, to, d, source), actual.Series(indicator, territory, from, to, d, source),
                                (a, b) => a.SequenceEqual(b), a => string.Join("; ", a.Select(p => p.Period + "=" + Show(p.Value))));
                        }
                    }
                }
            }
        }

        return (queries, differences.ToString());
    }

    private static bool SameFacts(IReadOnlyList<Fact> a, IReadOnlyList<Fact> b) =>
        a.Count == b.Count && a.OrderBy(Key, StringComparer.Ordinal).SequenceEqual(b.OrderBy(Key, StringComparer.Ordinal));

    private static string Key(Fact f) => string.Create(CultureInfo.InvariantCulture,
        $"{f.IndicatorCode}/{f.Disaggregation}/{f.TerritoryCode}/{f.Period}/{f.SourceCode}={f.Value}@{f.LedgerSequence}:{f.Status}");

    private static string ShowFacts(IReadOnlyList<Fact> facts) => string.Join(",", facts.Select(Key).Order(StringComparer.Ordinal));

    private static bool SameList(IReadOnlyList<TerritoryValue> a, IReadOnlyList<TerritoryValue> b) => a.SequenceEqual(b);

    private static string ShowList(IReadOnlyList<TerritoryValue> list) => string.Join(",", list.Select(t => t.TerritoryCode + "=" + Show(t.Value)));

    public static string Show(AggregateValue v) => string.Create(CultureInfo.InvariantCulture,
        $"{v.Value?.ToString(CultureInfo.InvariantCulture) ?? "null"} [{v.Flags}] {v.Reported}/{v.Expected} {v.Source}");

    /// <summary>The periods the workload touches and the coarser ones derived from them.</summary>
    public static List<Period> Periods(IEnumerable<Period> reported)
    {
        var set = new SortedSet<Period>();
        foreach (var p in reported)
        {
            set.Add(p);
            foreach (var coarser in new[] { Periodicity.Quarterly, Periodicity.HalfYearly, Periodicity.Yearly })
            {
                if (coarser > p.Periodicity)
                {
                    set.Add(p.Parent(coarser));
                }
            }
        }

        return [.. set];
    }

    public static readonly string[] Totals = [Disaggregations.Total, "SEX:M", "SEX:F"];
}
