using System.Globalization;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Aggregation;

/// <summary>Measures the managed heap, so it must run alone: other tests allocating or freeing memory in the same
/// process at the same time would move the figure.</summary>
[CollectionDefinition(nameof(ProjectedValuesHeap), DisableParallelization = true)]
public sealed class ProjectedValuesHeap;

[Collection(nameof(ProjectedValuesHeap))]
public sealed class ProjectedValuesSizeTests
{
    [Fact]
    public void Two_hundred_thousand_current_values_take_at_most_100_bytes_each()
    {
        // 2,000 communes × 25 months × 4 disaggregations, one reporter per commune and 50,000 reports of four values,
        // each row bringing fresh copies of its strings as a database read does. The dictionary-of-strings structure
        // this replaced took 585 bytes per value (docs/benchmarks.md); the packed one about 90
        // (a 72-byte slot, two hash-bucket ints, the report index and the interned codes).
        const int communes = 2000, months = 25;
        string[] disaggregations = ["TOTAL", "MALE", "FEMALE", "URBAN"];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(true);
        var values = new ProjectedValues(Snapshot);
        values.BeginBulkLoad();
        long reportId = 0;
        for (var c = 0; c < communes; c++)
        {
            for (var m = 1; m <= months; m++)
            {
                reportId++;
                foreach (var d in disaggregations)
                {
                    var territory = string.Create(CultureInfo.InvariantCulture, $"{c:D5}");
                    var period = string.Create(CultureInfo.InvariantCulture, $"{2020 + (m / 12):D4}-M{(m % 12) + 1:D2}");
                    values.Upsert(new CurrentKey("POP", new string(d), territory, period, "UBND.X." + territory),
                        new CurrentRow(reportId, new string(MonthlyRegime), reportId % 1000 / 10m, ObservationStatus.Official, reportId));
                }
            }
        }

        values.ClearDeltas();
        var after = GC.GetTotalMemory(true);
        var perValue = (after - before) / (double)values.Count;
        Assert.Equal(communes * months * disaggregations.Length, values.Count);
        Assert.Equal(values.Count, values.Facts().Count());
        GC.KeepAlive(values);
        Assert.InRange(perValue, 1, 100);
    }
}
