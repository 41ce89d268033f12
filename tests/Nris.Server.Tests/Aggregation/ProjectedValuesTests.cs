using Nris.Core.Aggregation;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Aggregation;

/// <summary>The projection's copy of the current values: the upsert and removal rules of the table, and the facts.</summary>
public sealed class ProjectedValuesTests
{
    private static CurrentKey Cell(string reporter, string territory = "01001") => new("POP", Disaggregations.Total, territory, "2026-M03", reporter);

    [Fact]
    public void Two_reporters_of_one_regime_on_one_cell_give_the_later_value_and_removing_it_brings_back_the_other()
    {
        var values = new ProjectedValues(Snapshot);
        values.Upsert(Cell("UBND.01"), new CurrentRow(1, MonthlyRegime, 10, ObservationStatus.Official, 5));
        Assert.Equal([new FactDelta(null, values.Facts().Single())], values.TakeDeltas());
        values.Upsert(Cell(Commune), new CurrentRow(2, MonthlyRegime, 20, ObservationStatus.Official, 7));
        var delta = Assert.Single(values.TakeDeltas());
        Assert.Equal((10m, 20m, 7L), (delta.Old!.Value.Value, delta.New!.Value.Value, delta.New.Value.LedgerSequence));
        Assert.Equal(20m, values.Facts().Single().Value);

        values.RemoveReport(2);
        delta = Assert.Single(values.TakeDeltas());
        Assert.Equal((20m, 10m), (delta.Old!.Value.Value, delta.New!.Value.Value));
        values.RemoveReport(1);
        delta = Assert.Single(values.TakeDeltas());
        Assert.Null(delta.New);
        Assert.Empty(values.Facts());
        Assert.Equal(0, values.Count);
    }

    [Fact]
    public void A_cell_upserted_by_another_report_of_the_same_reporter_moves_to_it_and_leaves_with_it()
    {
        // SubmissionTables upserts on (indicator, disaggregation, territory, period, reporter): the second report takes
        // the row over, and removing that report removes the row, without bringing the first report's value back.
        var values = new ProjectedValues(Snapshot);
        values.Upsert(Cell("UBND.01", "01"), new CurrentRow(1, MonthlyRegime, 10, ObservationStatus.Official, 3));
        Assert.Single(values.TakeDeltas());
        values.Upsert(Cell("UBND.01", "01"), new CurrentRow(2, BigRegime, 11, ObservationStatus.Official, 4));
        var deltas = values.TakeDeltas();
        Assert.Equal(2, deltas.Count);
        Assert.Contains(deltas, d => d.Old?.SourceCode == MonthlyRegime && d.New is null);
        Assert.Contains(deltas, d => d.Old is null && d.New?.SourceCode == BigRegime);
        values.RemoveReport(1);
        Assert.Empty(values.TakeDeltas());
        values.RemoveReport(2);
        Assert.Empty(values.Facts());
        Assert.Equal(0, values.Count);
    }

    [Fact]
    public void Values_without_a_number_or_of_an_unknown_indicator_are_kept_but_are_no_facts()
    {
        var values = new ProjectedValues(Snapshot);
        values.Upsert(new CurrentKey("REMARK", Disaggregations.Total, "01", "2026-M03", "UBND.01"), new CurrentRow(1, MonthlyRegime, null, ObservationStatus.Official, 1));
        values.Upsert(new CurrentKey("NO_SUCH", Disaggregations.Total, "01", "2026-M03", "UBND.01"), new CurrentRow(1, MonthlyRegime, 5, ObservationStatus.Official, 1));
        Assert.Equal(2, values.Count);
        Assert.Empty(values.TakeDeltas());
        Assert.Empty(values.Facts());
    }

    [Fact]
    public void A_report_whose_values_reuse_freed_places_is_found_whole_and_the_store_answers_each_cell()
    {
        // Report 1 takes places 0–2; removed, they are reused by report 3, whose last values go after report 2's:
        // each report must still leave whole, found by its group, and the store must answer from what remains.
        var values = new ProjectedValues(Snapshot);
        void Report(long id, int first, int count, decimal value)
        {
            for (var c = first; c < first + count; c++)
            {
                var commune = "01" + c.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
                values.Upsert(Cell("UBND.X." + commune, commune), new CurrentRow(id, CommuneRegime, value, ObservationStatus.Official, id));
            }
        }

        Report(1, 1, 3, 1m);
        Report(2, 11, 3, 2m);
        values.RemoveReport(1);
        Report(3, 21, 5, 3m);
        values.TakeDeltas();
        Assert.Equal(8, values.Count);

        var series = values.SeriesHandle("POP", Disaggregations.Total, CommuneRegime);
        var period = values.PeriodHandle(Nris.Core.Periods.Period.Month(2026, 3));
        Assert.True(values.TryGet(series, period, values.TerritoryHandle("01023"), out var number, out _, out var sequence));
        Assert.Equal((3m, 3L), (number, sequence));
        Assert.False(values.TryGet(series, period, values.TerritoryHandle("01001"), out _, out _, out _));

        values.RemoveReport(2);
        Assert.Equal(5, values.Count);
        Assert.False(values.TryGet(series, period, values.TerritoryHandle("01011"), out _, out _, out _));
        values.RemoveReport(3);
        Assert.Equal(0, values.Count);
        Assert.Empty(values.Facts());
        Assert.Equal(8, values.TakeDeltas().Count(d => d.New is null));
    }

    [Fact]
    public void Two_spellings_of_one_period_are_one_period_for_the_store_and_the_facts()
    {
        // "2026" and "2026-A1" both parse to the calendar year 2026. The table keeps them apart (the period is part of a
        // row's key), but the facts and the store's answers are per period, so each value must be found under it.
        var values = new ProjectedValues(Snapshot);
        values.Upsert(new CurrentKey("POP", Disaggregations.Total, "01001", "2026", "UBND.X.01001"), new CurrentRow(1, CommuneRegime, 5, ObservationStatus.Official, 1));
        values.Upsert(new CurrentKey("POP", Disaggregations.Total, "01002", "2026-A1", "UBND.X.01002"), new CurrentRow(2, CommuneRegime, 7, ObservationStatus.Official, 2));
        // A second spelling of a cell another reporter of the same regime already gives: one fact, the later value.
        values.Upsert(new CurrentKey("POP", Disaggregations.Total, "01001", "2026-A1", "UBND.01"), new CurrentRow(3, CommuneRegime, 9, ObservationStatus.Official, 3));
        Assert.Equal(3, values.Count);
        var year = Nris.Core.Periods.Period.Parse("2026");
        var facts = values.Facts().OrderBy(f => f.TerritoryCode, StringComparer.Ordinal).ToList();
        Assert.Equal([("01001", 9m), ("01002", 7m)], facts.Select(f => (f.TerritoryCode, f.Value)));
        Assert.All(facts, f => Assert.Equal(year, f.Period));

        var series = values.SeriesHandle("POP", Disaggregations.Total, CommuneRegime);
        var period = values.PeriodHandle(year);
        Assert.True(values.TryGet(series, period, values.TerritoryHandle("01001"), out var first, out _, out var firstSequence));
        Assert.True(values.TryGet(series, period, values.TerritoryHandle("01002"), out var second, out _, out _));
        Assert.Equal((9m, 3L, 7m), (first, firstSequence, second));

        // Each spelling stays its own row of the table: removing the later report brings the earlier value back.
        values.RemoveReport(3);
        Assert.True(values.TryGet(series, period, values.TerritoryHandle("01001"), out first, out _, out _));
        Assert.Equal(5m, first);
        Assert.Equal(["2026", "2026-A1"], values.Rows.Select(r => r.Key.Period).Order(StringComparer.Ordinal));
    }
}
