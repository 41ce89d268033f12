using System.Text.Json;
using System.Text.Json.Nodes;
using Nris.Core.Catalogue;
using Nris.Core.Catalogue.ReferenceData;

namespace Nris.Core.Tests.Catalogue;

/// <summary>The shipped organizations: the listed central bodies and the generated People's Committees.</summary>
public sealed class OrganizationTests
{
    private static readonly DateOnly BeforeMerger = new(2025, 2, 28);
    private static readonly DateOnly Merger = new(2025, 3, 1);
    private static readonly DateOnly LastDayBefore = new(2025, 6, 30);
    private static readonly DateOnly Reform = new(2025, 7, 1);
    private static OrganizationIndex Index => TestData.Organizations;

    [Fact]
    public void Fourteen_ministries_and_three_ministry_level_agencies_after_the_merger()
    {
        Assert.Equal(
            ["BCA", "BCT", "BDTTG", "BGDDT", "BKHCN", "BNG", "BNNMT", "BNV", "BQP", "BTC", "BTP", "BVHTTDL", "BXD", "BYT"],
            Index.AsOf(Reform, OrganizationKind.Ministry).Select(o => o.Code));
        Assert.Equal(["NHNN", "TTCP", "VPCP"], Index.AsOf(Reform, OrganizationKind.MinistryLevelAgency).Select(o => o.Code));
        Assert.Equal(14, Index.AsOf(Merger, OrganizationKind.Ministry).Count);
        Assert.Equal(5, Index.AsOf(Reform, OrganizationKind.GovernmentAgency).Count);
        Assert.All(Index.AsOf(Reform, OrganizationKind.Ministry), m => Assert.Equal("CP", m.ParentCode));
    }

    [Fact]
    public void Eighteen_ministries_and_four_ministry_level_agencies_before_the_merger()
    {
        Assert.Equal(18, Index.AsOf(BeforeMerger, OrganizationKind.Ministry).Count);
        Assert.Equal(4, Index.AsOf(BeforeMerger, OrganizationKind.MinistryLevelAgency).Count);
        Assert.Null(Index.Find("BNNMT", BeforeMerger));
        Assert.NotNull(Index.Find("BNNMT", Merger));
    }

    [Fact]
    public void Planning_and_Investment_ended_and_passed_into_Finance()
    {
        var bkhdt = Index.Find("BKHDT", BeforeMerger)!;
        Assert.Null(Index.Find("BKHDT", Merger));
        var link = Assert.Single(Index.Successors(bkhdt));
        Assert.Equal(("BTC", SuccessionKind.Full, Merger), (link.Organization.Code, link.Kind, link.Effective));
        var successions = Index.Successions.Where(s => s.FromCode == "BKHDT").ToList();
        Assert.Equal("Nghị quyết 176/2025/QH15", Assert.Single(successions).LegalBasis);
    }

    [Fact]
    public void Labour_and_Information_were_split()
    {
        Assert.Equal(
            ["BGDDT", "BNV", "BYT"],
            Index.Successors(Index.Find("BLDTBXH", BeforeMerger)!).Select(l => l.Organization.Code));
        Assert.All(Index.Successors(Index.Find("BLDTBXH", BeforeMerger)!), l => Assert.Equal(SuccessionKind.Partial, l.Kind));
        Assert.Equal(["BKHCN", "BVHTTDL"], Index.Successors(Index.Find("BTTTT", BeforeMerger)!).Select(l => l.Organization.Code));
        Assert.Equal(
            ["BNNPTNT", "BTNMT"],
            Index.Predecessors(Index.Find("BNNMT", Merger)!).Select(l => l.Organization.Code));
    }

    [Fact]
    public void The_statistics_office_moved_from_Planning_to_Finance()
    {
        var gso = Index.Find("TCTK", BeforeMerger)!;
        Assert.Equal("BKHDT", gso.ParentCode);
        var nso = Index.Find("CTK", Merger)!;
        Assert.Equal(("Cục Thống kê", "BTC", OrganizationKind.Department), (nso.Name, nso.ParentCode, nso.Kind));
        Assert.Same(nso, Assert.Single(Index.Successors(gso)).Organization);
        Assert.True(Index.IsWithin("CTK", "BTC", Reform));
        Assert.True(Index.IsWithin("TCTK", "BKHDT", BeforeMerger));
    }

    [Fact]
    public void State_corporations_report_to_their_owner_of_the_day()
    {
        Assert.Equal(["BTC", "CP"], Index.Ancestors("EVN", Reform).Select(o => o.Code));
        Assert.Equal(["UBQLV", "CP"], Index.Ancestors("EVN", BeforeMerger).Select(o => o.Code));
        Assert.True(Index.IsWithin("VIETTEL", "BQP", Reform));
        Assert.Equal(6, Index.AsOf(Reform, OrganizationKind.StateCorporation).Count);
        var pvn = Index.Find("PVN", new DateOnly(2025, 4, 9))!;
        Assert.Equal("Tập đoàn Công nghiệp - Năng lượng Quốc gia Việt Nam", pvn.Name);
        Assert.Equal(SuccessionKind.Renamed, Assert.Single(Index.Predecessors(pvn)).Kind);
    }

    [Fact]
    public void A_committee_exists_for_every_province_district_and_commune_version()
    {
        var territories = TestData.Territories;
        Assert.Equal(territories.Count - 1, Index.All.Count(o => o.Code.StartsWith(ReferenceOrganizations.CommitteePrefix, StringComparison.Ordinal)));
        Assert.Equal(63, Index.AsOf(LastDayBefore, OrganizationKind.ProvincialCommittee).Count);
        Assert.Equal(34, Index.AsOf(Reform, OrganizationKind.ProvincialCommittee).Count);
        Assert.Equal(696, Index.AsOf(LastDayBefore, OrganizationKind.DistrictCommittee).Count);
        Assert.Empty(Index.AsOf(Reform, OrganizationKind.DistrictCommittee));
        Assert.Equal(3_321, Index.AsOf(Reform, OrganizationKind.CommuneCommittee).Count);
    }

    [Fact]
    public void A_reused_commune_code_has_a_committee_on_both_sides()
    {
        var before = Index.Find("UBND.00004", LastDayBefore)!;
        var after = Index.Find("UBND.00004", Reform)!;
        Assert.Equal("Ủy ban nhân dân Phường Trúc Bạch", before.Name);
        Assert.Equal("Ủy ban nhân dân Phường Ba Đình", after.Name);
        Assert.Equal("People's Committee of Ba Dinh Ward", after.NameEn);
        Assert.Equal(("00004", OrganizationKind.CommuneCommittee), (after.TerritoryCode, after.Kind));

        // Committees report along the territory hierarchy of the day: district before the reform, province after.
        Assert.Equal("UBND.001", before.ParentCode);
        Assert.Equal("UBND.01", after.ParentCode);
        Assert.Equal(["UBND.001", "UBND.01", "CP"], Index.Ancestors("UBND.00004", LastDayBefore).Select(o => o.Code));
        Assert.Equal(["UBND.01", "CP"], Index.Ancestors("UBND.00004", Reform).Select(o => o.Code));
        Assert.Contains(Index.Predecessors(after), l => l.Organization.Code == "UBND.00004" && l.Organization.Validity.To == LastDayBefore);
    }

    [Fact]
    public void IsWithin_scopes_a_province_to_its_subtree()
    {
        Assert.True(Index.IsWithin("UBND.00004", "UBND.01", Reform));
        Assert.False(Index.IsWithin("UBND.00004", "UBND.79", Reform));
        Assert.True(Index.IsWithin("UBND.00004", "UBND.01", LastDayBefore));
        Assert.True(Index.IsWithin("UBND.00004", "CP", Reform));
        Assert.True(Index.IsWithin("UBND.01", "UBND.01", Reform));
        Assert.False(Index.IsWithin("UBND.01", "UBND.00004", Reform));
        Assert.False(Index.IsWithin("UBND.001", "UBND.01", Reform));

        var hanoi = Index.Descendants("UBND.01", Reform);
        Assert.Equal(TestData.Territories.Descendants("01", Reform).Count, hanoi.Count);
        Assert.All(hanoi, o => Assert.True(Index.IsWithin(o.Code, "UBND.01", Reform)));
    }

    [Fact]
    public void ForTerritory_finds_the_governing_committee_of_the_day()
    {
        Assert.Equal("Ủy ban nhân dân Tỉnh Đồng Nai", Index.ForTerritory("75", new DateOnly(2026, 4, 29))!.Name);
        Assert.Equal("Ủy ban nhân dân Thành phố Đồng Nai", Index.ForTerritory("75", new DateOnly(2026, 4, 30))!.Name);
        Assert.Equal("UBND.001", Index.ForTerritory("001", LastDayBefore)!.Code);
        Assert.Null(Index.ForTerritory("001", Reform));
        Assert.Null(Index.ForTerritory("VN", Reform));
        Assert.Equal(["UBND.02", "UBND.08"], Index.Predecessors(Index.ForTerritory("08", Reform)!).Select(l => l.Organization.Code));
    }

    [Fact]
    public void Children_are_who_reports_directly()
    {
        var government = Index.Children("CP", Reform);
        Assert.Contains(government, o => o.Code == "BTC");
        Assert.Contains(government, o => o.Code == "UBND.01");
        Assert.DoesNotContain(government, o => o.Code == "CTK");
        Assert.Equal(34 + 14 + 3 + 5, government.Count);
        Assert.Equal(TestData.Territories.Children("01", Reform).Count, Index.Children("UBND.01", Reform).Count);
    }

    [Fact]
    public void The_listed_files_are_in_the_catalogue_json_shape()
    {
        // Reading then writing with CatalogueJson.Options gives back the same document, so the files stay editable
        // by hand and by `nris catalogue export` alike.
        AssertRoundTrips<Organization[]>(ReferenceOrganizations.OrganizationsFile);
        AssertRoundTrips<OrganizationSuccession[]>(ReferenceOrganizations.SuccessionsFile);
    }

    private static void AssertRoundTrips<T>(string file)
    {
        var text = File.ReadAllText(TestData.ReferencePath(file));
        var value = JsonSerializer.Deserialize<T>(text, CatalogueJson.Options);
        var written = JsonNode.Parse(JsonSerializer.Serialize(value, CatalogueJson.Options))!.AsArray();

        // The records' computed Key ("BTC@-") is written too; it is derived, so the files leave it out.
        foreach (var item in written)
        {
            item!.AsObject().Remove("key");
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), written), $"{file} differs from its round trip");
    }
}
