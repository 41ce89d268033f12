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
    // Two shapes of 200,000 values: 50,000 reports of four values (the per-report groups and their index weigh about
    // 17 bytes a value there), and 2,000 reports of a hundred values (one commune, one month, a hundred
    // disaggregations), closer to real reports (the generated demo's have 300 to 600). Measured with this test: the
    // 48-byte slot with two hash chains and a doubly linked report list, 79.2 and 59.5 bytes a value; the columns
    // (30 bytes a value, one hash chain, period and reporter kept per report), 55.3 and 34.1. Both bounds fail on the
    // older structure (and on the 72-byte slot and the dictionary of strings before it: about 90 and 585).
    [Theory]
    [InlineData(false, 62)]
    [InlineData(true, 40)]
    public void Two_hundred_thousand_current_values_fit_the_bound(bool hundredValuesPerReport, int bound)
    {
        // 2,000 communes × 25 months × (4 or 100) disaggregations, one reporter per commune, each row bringing fresh
        // copies of its strings as a database read does.
        var communes = hundredValuesPerReport ? 80 : 2000;
        const int months = 25;
        var disaggregations = hundredValuesPerReport
            ? Enumerable.Range(0, 100).Select(d => string.Create(CultureInfo.InvariantCulture, $"D{d:D3}")).ToArray()
            : ["TOTAL", "MALE", "FEMALE", "URBAN"];
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
        Assert.Equal(200_000, values.Count);
        Assert.Equal(values.Count, values.Facts().Count());
        GC.KeepAlive(values);
        Assert.InRange(perValue, 1, bound);
    }
}
