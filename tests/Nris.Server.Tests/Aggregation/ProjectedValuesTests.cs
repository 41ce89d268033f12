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
}
