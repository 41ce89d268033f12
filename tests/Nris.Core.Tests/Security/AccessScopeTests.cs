using Nris.Core.Catalogue;
using Nris.Core.Security;

namespace Nris.Core.Tests.Security;

public sealed class AccessScopeTests
{
    private static readonly DateOnly Today = new(2026, 1, 1);

    // CP ─ UBND.01 (Hà Nội) ─ UBND.00070 (Hoàn Kiếm);  CP ─ UBND.79 (HCMC);  CP ─ BTC
    private static readonly OrganizationIndex Tree = new(
    [
        new Organization("CP", Validity.Always, OrganizationKind.Government, "Chính phủ", "Government", null, null),
        new Organization("UBND.01", Validity.Always, OrganizationKind.ProvincialCommittee, "UBND Hà Nội", "Hanoi", null, "CP", "01"),
        new Organization("UBND.00070", Validity.Always, OrganizationKind.CommuneCommittee, "UBND Hoàn Kiếm", "Hoan Kiem", null, "UBND.01", "00070"),
        new Organization("UBND.79", Validity.Always, OrganizationKind.ProvincialCommittee, "UBND TP HCM", "HCMC", null, "CP", "79"),
        new Organization("BTC", Validity.Always, OrganizationKind.Ministry, "Bộ Tài chính", "Ministry of Finance", "BTC", "CP"),
    ], []);

    private static AccessScope Scope(params Grant[] grants) => new(grants, Tree, Today);

    [Fact]
    public void A_province_grant_covers_the_province_and_its_communes_not_the_neighbour()
    {
        var scope = Scope(new Grant(Role.Reporter, "UBND.01", Classification.Internal));
        Assert.True(scope.CanRead("UBND.01"));
        Assert.True(scope.CanRead("UBND.00070"));
        Assert.False(scope.CanRead("UBND.79"));
        Assert.False(scope.CanRead("CP"));
        Assert.False(scope.CanAdminister("UBND.00070"));
    }

    [Fact]
    public void Agency_administrators_administer_and_give_only_inside_their_subtree_and_rights()
    {
        var scope = Scope(new Grant(Role.AgencyAdministrator, "UBND.01", Classification.Internal));
        Assert.True(scope.CanAdminister("UBND.00070"));
        Assert.False(scope.CanAdminister("UBND.79"));
        Assert.True(scope.CanGive(new Grant(Role.Reporter, "UBND.00070", Classification.Internal)));
        Assert.False(scope.CanGive(new Grant(Role.Reporter, "UBND.79", Classification.Internal)));
        Assert.False(scope.CanGive(new Grant(Role.Reporter, "UBND.00070", Classification.Confidential)));
        Assert.False(scope.CanGive(new Grant(Role.SystemAdministrator, "UBND.00070", Classification.Public)));
        Assert.Equal(["UBND.01"], scope.AdministeredRoots());
        Assert.Equal(new HashSet<string> { "UBND.01", "UBND.00070" }, scope.SubtreeCodes(scope.AdministeredRoots()!));
    }

    [Fact]
    public void A_system_administrator_has_everything()
    {
        var scope = Scope(new Grant(Role.SystemAdministrator, "CP", Classification.Confidential));
        Assert.True(scope.CanRead("UBND.79"));
        Assert.True(scope.CanAdminister("BTC"));
        Assert.True(scope.HasRole(Role.Reviewer));
        Assert.Null(scope.AdministeredRoots());
        Assert.True(scope.CanGive(new Grant(Role.SystemAdministrator, "CP", Classification.Confidential)));
    }

    [Theory]
    [InlineData(Classification.Public, Classification.Public, true)]
    [InlineData(Classification.Public, Classification.Internal, false)]
    [InlineData(Classification.Internal, Classification.Internal, true)]
    [InlineData(Classification.Internal, Classification.Confidential, false)]
    [InlineData(Classification.Confidential, Classification.Confidential, true)]
    public void The_classification_ceiling_decides_which_regimes_are_visible(Classification ceiling, Classification regime, bool visible)
    {
        var scope = Scope(new Grant(Role.Analyst, "BTC", ceiling));
        Assert.Equal(visible, scope.CanReadClassification(regime));
    }

    [Fact]
    public void Anonymous_callers_see_public_only_and_nothing_scoped()
    {
        Assert.True(AccessScope.Anonymous.CanReadClassification(Classification.Public));
        Assert.False(AccessScope.Anonymous.CanReadClassification(Classification.Internal));
        Assert.False(AccessScope.Anonymous.CanRead("CP"));
        Assert.False(AccessScope.Anonymous.CanAdminister("CP"));
        Assert.Empty(AccessScope.Anonymous.AdministeredRoots()!);
    }

    [Theory]
    [InlineData("Reporter|UBND.01|Internal", true)]
    [InlineData("reporter|UBND.01|internal", true)]
    [InlineData("1|UBND.01|Internal", false)]
    [InlineData("Reporter||Internal", false)]
    [InlineData("Reporter|UBND.01", false)]
    [InlineData("Boss|UBND.01|Internal", false)]
    public void Grants_parse_from_their_text_form_by_name_only(string text, bool valid)
    {
        var grant = Grant.TryParse(text);
        Assert.Equal(valid, grant is not null);
        if (grant is not null)
        {
            Assert.Equal(grant, Grant.TryParse(grant.ToString()));
        }
    }

    private static Regime RegimeTo(string recipient, Classification classification) =>
        new("R", 1, Validity.Always, "Báo cáo", "Report", "Luật", RegimeType.Periodic, Nris.Core.Periods.Periodicity.Monthly,
            "decree09", "day 20 of last month", new ReporterSpec([OrganizationKind.CommuneCommittee], []), recipient, [], [], classification);

    [Fact]
    public void An_agency_administrator_administers_regimes_addressed_inside_its_subtree_up_to_its_ceiling()
    {
        var hanoi = Scope(new Grant(Role.AgencyAdministrator, "UBND.01", Classification.Internal));
        Assert.True(hanoi.CanAdministerRegime(RegimeTo("UBND.01", Classification.Internal)));
        Assert.True(hanoi.CanAdministerRegime(RegimeTo("UBND.00070", Classification.Public)));
        Assert.False(hanoi.CanAdministerRegime(RegimeTo("UBND.79", Classification.Public)));
        Assert.False(hanoi.CanAdministerRegime(RegimeTo("BTC", Classification.Public)));
        Assert.False(hanoi.CanAdministerRegime(RegimeTo("UBND.01", Classification.Confidential)));
        Assert.False(hanoi.CanAdministerRegime(RegimeTo(Regime.ParentRecipient, Classification.Public)));
        // Another role over the same subtree administers nothing.
        Assert.False(Scope(new Grant(Role.Reviewer, "UBND.01", Classification.Confidential)).CanAdministerRegime(RegimeTo("UBND.01", Classification.Public)));
        Assert.True(Scope(new Grant(Role.SystemAdministrator, "CP", Classification.Public)).CanAdministerRegime(RegimeTo(Regime.ParentRecipient, Classification.Confidential)));
    }
}
