using Nris.Core.DemoGeneration;
using Nris.Core.Oversight;

namespace Nris.Core.Tests.Oversight;

/// <summary>
/// The planter wired into the demo generator: the generator's monthly provincial reports laid out as a grid, planted,
/// and the planted figures carried by the transformed reports — exactly, and nowhere else.
/// </summary>
public sealed class DemoPlantingTests
{
    private const string Regime = "KTXH-TINH-THANG";

    private static DemoGenerator Generator(Func<DemoReport, DemoReport?>? transform = null)
    {
        using var reader = new StreamReader(TestData.ReferencePath("vn-stats/communes_2025_area_population.csv"));
        return new DemoGenerator(DemoPlaces.Read(reader), long.MaxValue, 7)
        {
            Regimes = new HashSet<string>(StringComparer.Ordinal) { Regime },
            Until = new DateOnly(2027, 6, 30),
            Transform = transform,
        };
    }

    [Fact]
    public void The_transformed_reports_carry_exactly_the_planted_grid()
    {
        var clean = DemoPlanting.ToGrid(Generator().Reports(), Regime)!;
        Assert.Equal(34, clean.Reporters.Count);
        Assert.Equal(24, clean.Periods.Count);
        Assert.Equal("2026-M07", clean.Periods[DemoPlanting.ReviewStart(clean)]);
        Assert.True(DemoPlanting.TryParseKinds("all", out var kinds));
        var (planted, key) = DemoPlanting.Plant(clean, kinds, 0.05, 7);
        Assert.NotEmpty(key);
        Assert.All(key, k => Assert.True(k.Period < 0 || k.Period >= DemoPlanting.ReviewStart(clean)));

        var carried = DemoPlanting.ToGrid(Generator(DemoPlanting.Transform(clean, planted, Regime)).Reports(), Regime)!;
        var changed = 0;
        for (var r = 0; r < clean.Reporters.Count; r++)
        {
            for (var c = 0; c < clean.Cells.Count; c++)
            {
                for (var p = 0; p < clean.Periods.Count; p++)
                {
                    Assert.Equal(planted[r, c, p], carried[r, c, p]);
                    changed += clean[r, c, p].Equals(planted[r, c, p]) ? 0 : 1;
                    if (p < DemoPlanting.ReviewStart(clean))
                    {
                        Assert.Equal(clean[r, c, p], carried[r, c, p]);
                    }
                }
            }
        }

        Assert.True(changed > 100, $"{changed} values changed");
        var described = DemoPlanting.Describe(clean, Regime, key);
        Assert.All(described, d => Assert.StartsWith("UBND.", d.Reporter, StringComparison.Ordinal));
        Assert.Contains(described, d => d.Kind == PlantedKind.Inflated && d.Indicator is not null && d.Period is not null);
    }

    [Theory]
    [InlineData("inflated,copied", true, 2)]
    [InlineData("ROUND", true, 1)]
    [InlineData("", true, 5)]
    [InlineData("inflated,embezzled", false, 0)]
    public void Kinds_parse(string text, bool ok, int count)
    {
        Assert.Equal(ok, DemoPlanting.TryParseKinds(text, out var kinds));
        Assert.Equal(count, kinds.Count);
    }
}
