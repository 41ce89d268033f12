using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using static Nris.Core.Tests.Aggregation.AggregationTestCatalogue;

namespace Nris.Core.Tests.Aggregation;

/// <summary>
/// A time series across the 2025 merger of Hà Giang (02) into Tuyên Quang (08), from the real statistics: 2020–2022
/// average population (reference/vn-stats/provinces_63_indicators_long.csv, POP_AVG, thousand persons) and a 2025
/// figure for the merged province.
/// </summary>
public sealed class BoundaryChangeSeriesTests
{
    private static readonly Lazy<CatalogueSnapshot> Real = new(() => new CatalogueSnapshot(TestData.Reference with { Indicators = Indicators }));

    [Fact]
    public void Tuyen_Quang_as_then_and_as_now_year_by_year()
    {
        decimal[] haGiang = [870.24m, 887.09m, 892.72m];
        decimal[] tuyenQuang = [792.9m, 801.67m, 805.78m];
        var facts = new List<Fact>();
        for (var i = 0; i < 3; i++)
        {
            facts.Add(F("POP_AVG", "02", Period.Year(2020 + i), haGiang[i]));
            facts.Add(F("POP_AVG", "08", Period.Year(2020 + i), tuyenQuang[i]));
        }

        facts.Add(F("POP_AVG", "08", Period.Year(2025), 1_865.3m));
        using var e = AggregationEngine.Build(Real.Value, facts);

        var asThen = e.Series("POP_AVG", "08", Period.Year(2020), Period.Year(2025), sourceCode: "CTK");
        var asNow = e.Series("POP_AVG", "08", Period.Year(2020), Period.Year(2025), sourceCode: "CTK", mode: AggregationMode.AsNow);
        decimal? At(IReadOnlyList<PeriodValue> series, int year) => series.Single(p => p.Period == Period.Year(year)).Value.Value;

        // As then: the Tuyên Quang of each year — before the merger without Hà Giang.
        Assert.Equal([792.9m, 801.67m, 805.78m], new[] { 2020, 2021, 2022 }.Select(y => At(asThen, y)));
        // As now: today's Tuyên Quang, Hà Giang included, by hand: 870.24 + 792.9 = 1,663.14; 887.09 + 801.67 = 1,688.76;
        // 892.72 + 805.78 = 1,698.50.
        Assert.Equal([1_663.14m, 1_688.76m, 1_698.50m], new[] { 2020, 2021, 2022 }.Select(y => At(asNow, y)));
        // After the merger both modes are the same province.
        Assert.Equal(1_865.3m, At(asThen, 2025));
        Assert.Equal(1_865.3m, At(asNow, 2025));
        // Hà Giang itself has an as-then series and nothing as now.
        Assert.Equal(887.09m, At(e.Series("POP_AVG", "02", Period.Year(2020), Period.Year(2022), sourceCode: "CTK"), 2021));
        Assert.All(e.Series("POP_AVG", "02", Period.Year(2020), Period.Year(2022), sourceCode: "CTK", mode: AggregationMode.AsNow),
            p => Assert.Null(p.Value.Value));
    }
}
