using Nris.Core.Catalogue;
using Nris.Core.Catalogue.ReferenceData;

namespace Nris.Core.Tests.Catalogue;

/// <summary>The shipped administrative units, read through the real files.</summary>
public sealed class AdministrativeUnitsTests
{
    private static readonly DateOnly LastDayBefore = new(2025, 6, 30);
    private static readonly DateOnly Reform = new(2025, 7, 1);
    private static TerritoryIndex Index => TestData.Territories;

    [Theory]
    [InlineData(TerritoryLevel.Nation, 1, 1)]
    [InlineData(TerritoryLevel.Province, 63, 34)]
    [InlineData(TerritoryLevel.District, 696, 0)]
    [InlineData(TerritoryLevel.Commune, 10_035, 3_321)]
    public void Counts_before_and_after_the_reform(TerritoryLevel level, int before, int after)
    {
        Assert.Equal(before, Index.AsOf(LastDayBefore, level).Count);
        Assert.Equal(after, Index.AsOf(Reform, level).Count);
    }

    [Fact]
    public void Holds_every_version_once()
    {
        // 1 nation + 10,794 pre-2025 + 3,355 from 2025 + 11 new versions on 2026-04-30.
        Assert.Equal(1 + 10_794 + 3_355 + 11, Index.Count);
        Assert.Equal(1 + 34 + 3_321, Index.AsOf(new DateOnly(2026, 5, 1)).Count);
    }

    [Fact]
    public void Every_current_commune_has_a_predecessor()
    {
        var orphans = Index.AsOf(Reform, TerritoryLevel.Commune).Where(c => Index.Predecessors(c).Count == 0).Select(c => c.Code).ToList();
        Assert.Empty(orphans);
    }

    [Fact]
    public void Every_current_province_has_a_predecessor_province()
    {
        foreach (var province in Index.AsOf(Reform, TerritoryLevel.Province))
        {
            Assert.NotEmpty(Index.Predecessors(province));
            Assert.All(Index.Predecessors(province), l => Assert.Equal(TerritoryLevel.Province, l.Territory.Level));
        }
    }

    [Fact]
    public void Every_old_commune_in_the_mapping_has_a_successor()
    {
        var mapped = TestData.Reference.TerritorySuccessions
            .Where(s => s.Effective == Reform && s.Level == TerritoryLevel.Commune)
            .Select(s => s.FromCode)
            .ToHashSet(StringComparer.Ordinal);
        var oldCommunes = Index.AsOf(LastDayBefore, TerritoryLevel.Commune);
        Assert.All(oldCommunes, c => Assert.Contains(c.Code, mapped));
        Assert.All(oldCommunes, c => Assert.NotEmpty(Index.Successors(c)));
    }

    [Fact]
    public void Drops_only_links_from_the_twelve_old_communes_missing_from_the_GSO_list()
    {
        var units = ReadUnits();
        var dropped = units.DroppedSuccessions.Select(s => s.FromCode).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["07693", "07732", "07744", "16387", "16411", "18448", "20176", "20674", "25102", "25174", "25177", "25186"],
            dropped);
        Assert.All(dropped, code => Assert.Empty(Index.Versions(code)));

        // Each commune they fed still has another predecessor (the orphan test above covers all; this names them).
        foreach (var s in units.DroppedSuccessions)
        {
            Assert.NotEmpty(Index.Predecessors(Index.Find(s.ToCode, Reform)!));
        }
    }

    [Fact]
    public void Keeps_island_districts_that_became_special_zones()
    {
        var conDao = Index.Find("26732", Reform)!;
        Assert.Equal("Đặc khu Côn Đảo", conDao.Name);
        var link = Assert.Single(Index.Predecessors(conDao));
        Assert.Equal("755", link.Territory.Code);
        Assert.Equal(TerritoryLevel.District, link.Territory.Level);
        Assert.Equal(SuccessionKind.Full, link.Kind);
    }

    [Fact]
    public void A_reused_commune_code_names_different_units_on_either_side()
    {
        Assert.Equal("Phường Trúc Bạch", Index.Find("00004", LastDayBefore)!.Name);
        Assert.Equal("Phường Ba Đình", Index.Find("00004", Reform)!.Name);
        Assert.Equal(2, Index.Versions("00004").Count);
        Assert.Null(Index.Versions("00004")[0].Validity.From);
        Assert.Equal(Reform, Index.Versions("00004")[1].Validity.From);
    }

    [Fact]
    public void Ha_Giang_went_into_Tuyen_Quang()
    {
        var haGiang = Index.Find("02", LastDayBefore)!;
        Assert.Equal("Tỉnh Hà Giang", haGiang.Name);
        Assert.Null(Index.Find("02", Reform));
        var successor = Assert.Single(Index.Successors(haGiang));
        Assert.Equal("08", successor.Territory.Code);
        Assert.Equal(Reform, successor.Effective);
        Assert.Equal(SuccessionKind.Full, successor.Kind);

        var tuyenQuang = Index.Find("08", Reform)!;
        Assert.Equal(["02", "08"], Index.Predecessors(tuyenQuang).Select(l => l.Territory.Code));
        Assert.All(Index.Predecessors(tuyenQuang), l => Assert.Equal(LastDayBefore, l.Territory.Validity.To));
    }

    [Fact]
    public void Dong_Nai_becomes_a_city_on_30_April_2026()
    {
        var before = Index.Find("75", new DateOnly(2026, 4, 29))!;
        var after = Index.Find("75", new DateOnly(2026, 4, 30))!;
        Assert.Equal("Tỉnh Đồng Nai", before.Name);
        Assert.Equal("Thành phố Đồng Nai", after.Name);
        Assert.Equal("Dong Nai City", after.NameEn);
        Assert.Equal("Municipality", after.UnitTypeEn);
        Assert.Equal(new Validity(Reform, new DateOnly(2026, 4, 29)), before.Validity);
        Assert.Equal(new Validity(new DateOnly(2026, 4, 30), null), after.Validity);

        var link = Assert.Single(Index.Successors(before));
        Assert.Same(after, link.Territory);
        Assert.Equal(SuccessionKind.Renamed, link.Kind);
        var succession = Assert.Single(Index.Successions, s => s.FromCode == "75" && s.Kind == SuccessionKind.Renamed);
        Assert.StartsWith("Nghị quyết 30/2026/QH16", succession.LegalBasis, StringComparison.Ordinal);

        // Its communes live on across the change and belong to whichever version is in force.
        Assert.Equal(Index.Children("75", new DateOnly(2026, 4, 29)).Count, Index.Children("75", new DateOnly(2026, 4, 30)).Count);
    }

    [Fact]
    public void A_Dong_Nai_commune_becomes_a_ward_on_30_April_2026()
    {
        var before = Index.Find("25270", new DateOnly(2026, 4, 29))!;
        var after = Index.Find("25270", new DateOnly(2026, 4, 30))!;
        Assert.Equal(("Xã Lộc Ninh", "Loc Ninh Commune", "Xã", "Commune"), (before.Name, before.NameEn, before.UnitType, before.UnitTypeEn));
        Assert.Equal(("Phường Lộc Ninh", "Loc Ninh Ward", "Phường", "Ward"), (after.Name, after.NameEn, after.UnitType, after.UnitTypeEn));
        var link = Assert.Single(Index.Predecessors(after));
        Assert.Same(before, link.Territory);
        Assert.Equal(SuccessionKind.Renamed, link.Kind);
        Assert.Equal(11, Index.Successions.Count(s => s.Kind == SuccessionKind.Renamed));
    }

    [Fact]
    public void A_2024_commune_sits_under_its_district_province_and_the_nation()
    {
        var date = new DateOnly(2024, 6, 1);
        Assert.Equal(["001", "01", "VN"], Index.Ancestors("00004", date).Select(t => t.Code));
        Assert.Equal(["01", "VN"], Index.Ancestors("00004", Reform).Select(t => t.Code));
        Assert.Empty(Index.Ancestors("VN", date));
        Assert.Empty(Index.Ancestors("001", Reform));
    }

    [Fact]
    public void Children_and_descendants_follow_the_structure_of_the_day()
    {
        var date = new DateOnly(2024, 1, 1);
        Assert.Equal(63, Index.Children("VN", date).Count);
        Assert.All(Index.Children("01", date), t => Assert.Equal(TerritoryLevel.District, t.Level));
        Assert.All(Index.Children("01", Reform), t => Assert.Equal(TerritoryLevel.Commune, t.Level));
        Assert.Equal(10_035, Index.Descendants("VN", date, TerritoryLevel.Commune).Count);
        Assert.Equal(1 + 34 + 3_321 - 1, Index.Descendants("VN", Reform).Count);

        var hanoi = Index.Descendants("01", date, TerritoryLevel.Commune);
        Assert.Equal(hanoi.Select(t => t.Code).Order(StringComparer.Ordinal), hanoi.Select(t => t.Code));
        Assert.Equal(
            Index.Children("01", date).Sum(d => Index.Children(d.Code, date).Count),
            hanoi.Count);
    }

    [Fact]
    public void Queries_on_unknown_codes_are_empty()
    {
        Assert.Null(Index.Find("99999", Reform));
        Assert.Empty(Index.Versions("99999"));
        Assert.Empty(Index.Children("99999", Reform));
        Assert.Empty(Index.Ancestors("99999", Reform));
        Assert.Empty(Index.Descendants("99999", Reform));
        Assert.False(Index.IsWithin("99999", "VN", Reform));
        Assert.Empty(Index.AsOf(Reform, (TerritoryLevel)42));
    }

    [Fact]
    public void Pre_2025_provinces_keep_their_region()
    {
        Assert.Equal("Đồng bằng sông Hồng", Index.Find("01", LastDayBefore)!.Region);
        Assert.Null(Index.Find("01", Reform)!.Region);
        Assert.All(Index.AsOf(LastDayBefore, TerritoryLevel.Province), p => Assert.NotNull(p.Region));
    }

    internal static AdministrativeUnits ReadUnits()
    {
        using var pre = Open(AdministrativeUnitsReader.UnitsPre2025File);
        using var now = Open(AdministrativeUnitsReader.Units2025File);
        using var changes = Open(AdministrativeUnitsReader.Changes20260430File);
        using var communes = Open(AdministrativeUnitsReader.CommuneMappingFile);
        using var provinces = Open(AdministrativeUnitsReader.ProvinceMappingFile);
        return AdministrativeUnitsReader.Read(pre, now, changes, communes, provinces);
    }

    internal static StreamReader Open(string file) =>
        new(TestData.ReferencePath(ReferenceCatalogue.AdministrativeUnitsFolder + "/" + file));
}
