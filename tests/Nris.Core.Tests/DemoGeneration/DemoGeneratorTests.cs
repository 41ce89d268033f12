using Nris.Core.DemoGeneration;
using Nris.Core.Periods;

namespace Nris.Core.Tests.DemoGeneration;

public sealed class DemoGeneratorTests
{
    private static readonly Lazy<DemoPlaces> LazyPlaces = new(() =>
    {
        using var reader = new StreamReader(TestData.ReferencePath("vn-stats/communes_2025_area_population.csv"));
        return DemoPlaces.Read(reader);
    });

    private static DemoPlaces Places => LazyPlaces.Value;

    private static string Fingerprint(DemoReport r) =>
        $"{r.RegimeCode}|{r.Period}|{r.ReporterCode}|{r.Late}|" +
        string.Join(";", r.Values.Select(v => $"{v.IndicatorCode}/{v.TerritoryCode}/{v.Number?.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{v.Text}"));

    [Fact]
    public void The_real_hierarchy_is_read_with_its_populations()
    {
        Assert.Equal(34, Places.Provinces.Count);
        Assert.Equal(3321, Places.Communes.Count);
        Assert.Equal(Places.Communes.Sum(c => c.Population), Places.Provinces.Sum(p => p.Population));
        // Hồ Chí Minh City (79) is the most populous province after the reform, far above Lai Châu (12).
        Assert.Equal("79", Places.Provinces.MaxBy(p => p.Population)!.Code);
        Assert.True(Places.Provinces.Single(p => p.Code == "79").Population > 10 * Places.Provinces.Single(p => p.Code == "12").Population);
    }

    [Fact]
    public void The_same_seed_gives_the_same_reports_and_another_seed_other_values()
    {
        var a = new DemoGenerator(Places, 300_000, seed: 42).Reports().Select(Fingerprint).ToList();
        var b = new DemoGenerator(Places, 300_000, seed: 42).Reports().Select(Fingerprint).ToList();
        var c = new DemoGenerator(Places, 300_000, seed: 43).Reports().Select(Fingerprint).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // A seed changes the numbers and who is late or missing, not what a report is about.
        Assert.True(a.Count(x => c.Contains(x)) < a.Count / 10);
    }

    [Fact]
    public void It_stops_on_the_day_the_target_is_reached_and_S_is_about_a_million_values()
    {
        var reports = new DemoGenerator(Places, DemoScale.S, seed: 1).Reports().ToList();
        var values = reports.Sum(r => (long)r.Values.Count);
        Assert.InRange(values, 1_000_000, 1_000_000 + 21_000 + (3321 * 8) + (34 * 26));
        Assert.Equal(DemoGenerator.Start, reports.Min(r => r.Period.Start));
        Assert.All(reports, r => Assert.True(r.Values.Count > 0));
        // One key never repeats: a report is submitted once.
        Assert.Equal(reports.Count, reports.Select(r => (r.RegimeCode, r.Period, r.ReporterCode)).Distinct().Count());
    }

    [Fact]
    public void Some_reporters_are_missing_and_some_late_and_the_late_ones_come_last()
    {
        var reports = new DemoGenerator(Places, 2_000_000, seed: 5).Reports().ToList();
        var daily = reports.Where(r => r.RegimeCode == "DVC-NGAY").ToList();
        var days = daily.Select(r => r.Period).Distinct().Count();
        var missing = (days * 34) - daily.Count;
        Assert.InRange(missing, 1, days * 34 / 20);
        var late = reports.Count(r => r.Late);
        Assert.InRange(late, 1, reports.Count / 10);
        var firstLate = reports.FindIndex(r => r.Late);
        Assert.All(reports.Skip(firstLate), r => Assert.True(r.Late));
        // Quarterly commune reports: a few of the 3,321 communes miss a quarter.
        var q3 = reports.Count(r => r.RegimeCode == "KTXH-XA-QUY" && r.Period == Period.Quarter(2025, 3));
        Assert.InRange(q3, 3321 - 100, 3321 - 1);
    }

    [Fact]
    public void Values_follow_population_weekdays_and_tet()
    {
        var reports = new DemoGenerator(Places, 5_000_000, seed: 3).Reports()
            .Where(r => r.RegimeCode == "DVC-NGAY").ToList();
        decimal Received(string province, DateOnly day) =>
            reports.Where(r => r.ReporterCode == "UBND." + province && r.Period == Period.Day(day))
                .SelectMany(r => r.Values).Where(v => v.IndicatorCode == "DOSSIERS_RECEIVED" && v.TerritoryCode == province)
                .Select(v => v.Number!.Value).DefaultIfEmpty(-1).Single();

        // Tuesday 17 February 2026 is Tết: a tiny fraction of the Tuesday three weeks before.
        var hcm = "79";
        var before = Received(hcm, new DateOnly(2026, 1, 27));
        var tet = Received(hcm, new DateOnly(2026, 2, 17));
        Assert.True(before > 0 && tet >= 0, $"{before} {tet}");
        Assert.True(tet * 5 < before, $"Tết {tet} vs {before}");
        // A Sunday is quieter than the Monday after it.
        Assert.True(Received(hcm, new DateOnly(2025, 9, 7)) * 3 < Received(hcm, new DateOnly(2025, 9, 8)));
        // Hồ Chí Minh City receives many more dossiers than Lai Châu on the same day.
        Assert.True(Received(hcm, new DateOnly(2025, 9, 8)) > 10 * Received("12", new DateOnly(2025, 9, 8)));
    }

    [Fact]
    public void The_transform_seam_can_change_or_drop_any_report()
    {
        var plain = new DemoGenerator(Places, 100_000, seed: 9).Reports().ToList();
        var planted = new DemoGenerator(Places, 100_000, seed: 9)
        {
            Transform = r => r.ReporterCode == "UBND.01" ? null
                : r.ReporterCode == "UBND.79" ? r with { Values = [.. r.Values.Select(v => v with { Number = v.Number * 10 })] }
                : r,
        }.Reports().ToList();
        Assert.DoesNotContain(planted, r => r.ReporterCode == "UBND.01");
        Assert.Contains(plain, r => r.ReporterCode == "UBND.01");
        var original = plain.First(r => r.ReporterCode == "UBND.79");
        var changed = planted.First(r => r.ReporterCode == "UBND.79" && r.Period == original.Period && r.RegimeCode == original.RegimeCode);
        Assert.Equal(original.Values[0].Number * 10, changed.Values[0].Number);
    }
}
