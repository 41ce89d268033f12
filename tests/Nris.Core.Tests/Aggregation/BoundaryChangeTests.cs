using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using static Nris.Core.Tests.Aggregation.AggregationTestCatalogue;

namespace Nris.Core.Tests.Aggregation;

/// <summary>As then and as now on the shipped reference data: 63 provinces before 1 July 2025, 34 after.</summary>
public sealed class BoundaryChangeTests
{
    // Average population 2022, thousand persons, from
    // /work/shared/data/vn-stats/provinces_63_population_area_2011_2022.csv (column avg_population_thousand).
    private const decimal HaGiang = 892.72m;     // 02, merged into Tuyên Quang
    private const decimal CaoBang = 543.05m;     // 04, code retained
    private const decimal BacKan = 324.35m;      // 06, merged into Thái Nguyên (19)
    private const decimal TuyenQuang = 805.78m;  // 08, code retained

    private static readonly Lazy<CatalogueSnapshot> Real = new(() => new CatalogueSnapshot(TestData.Reference with { Indicators = Indicators }));

    [Fact]
    public void Ha_Giang_and_Tuyen_Quang_as_then_and_as_now()
    {
        var y2022 = Period.Year(2022);
        using var e = AggregationEngine.Build(Real.Value,
        [
            F("POP_AVG", "02", y2022, HaGiang), F("POP_AVG", "04", y2022, CaoBang),
            F("POP_AVG", "06", y2022, BacKan), F("POP_AVG", "08", y2022, TuyenQuang),
        ]);
        AggregateValue Cell(string code, AggregationMode mode) => e.Cell(new CellQuery("POP_AVG", code, y2022, SourceCode: "CTK", Mode: mode));

        // As then: Hà Giang and Tuyên Quang are separate provinces of 2022, out of 63.
        Assert.Equal(HaGiang, Cell("02", AggregationMode.AsThen).Value);
        Assert.Equal(TuyenQuang, Cell("08", AggregationMode.AsThen).Value);
        var thenNation = Cell("VN", AggregationMode.AsThen);
        Assert.Equal(HaGiang + CaoBang + BacKan + TuyenQuang, thenNation.Value);
        Assert.Equal((4, 63), (thenNation.Reported, thenNation.Expected));
        Assert.Equal(63, e.Children("POP_AVG", "VN", y2022, sourceCode: "CTK").Count);

        // As now: one Tuyên Quang (08) holding both, on today's 34 provinces; Hà Giang no longer exists.
        Assert.Equal(1698.50m, Cell("08", AggregationMode.AsNow).Value);
        Assert.Equal(HaGiang + TuyenQuang, Cell("08", AggregationMode.AsNow).Value);
        Assert.Equal(AggregateFlags.None, Cell("08", AggregationMode.AsNow).Flags);
        Assert.Null(Cell("02", AggregationMode.AsNow).Value);
        Assert.Equal(BacKan, Cell("19", AggregationMode.AsNow).Value);
        Assert.Equal(CaoBang, Cell("04", AggregationMode.AsNow).Value);
        var now = e.Children("POP_AVG", "VN", y2022, sourceCode: "CTK", mode: AggregationMode.AsNow);
        Assert.Equal(34, now.Count);
        Assert.Equal(thenNation.Value, Cell("VN", AggregationMode.AsNow).Value);
        Assert.Equal(thenNation.Value, now.Sum(c => c.Value.Value ?? 0m));
        Assert.Equal(["08", "04", "19"], e.Top("POP_AVG", TerritoryLevel.Province, y2022, 3, sourceCode: "CTK", mode: AggregationMode.AsNow)
            .Select(t => t.TerritoryCode));
    }

    [Fact]
    public void A_period_after_the_reform_is_on_the_34_provinces()
    {
        using var e = AggregationEngine.Build(Real.Value, [F("POP_AVG", "08", Period.Year(2025), 1700m)]);
        var nation = e.Cell(new CellQuery("POP_AVG", "VN", Period.Year(2025), SourceCode: "CTK"));
        Assert.Equal((1700m, 1, 34), (nation.Value!.Value, nation.Reported, nation.Expected));
    }
}
