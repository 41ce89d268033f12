using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Server.Aggregation;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Aggregation;

/// <summary>Who reads which source at which territory (the rule of docs/aggregation.md).</summary>
public sealed class AggregateScopeTests
{
    private static readonly DateOnly Day = new(2026, 3, 31);

    private static AggregateScope Of(params Grant[] grants) =>
        new(new AccessScope(grants, Snapshot.Organizations, Day), Snapshot);

    [Fact]
    public void A_province_grant_reads_its_province_and_communes_only()
    {
        var hanoi = Of(new Grant(Role.Analyst, Reporter, Classification.Internal));
        Assert.True(hanoi.CanRead(MonthlyRegime, "01", Day));
        Assert.True(hanoi.CanRead(MonthlyRegime, "01001", Day));
        Assert.False(hanoi.CanRead(MonthlyRegime, "02", Day));
        Assert.False(hanoi.CanRead(MonthlyRegime, "VN", Day));
        Assert.False(hanoi.CanRead("NOT-A-REGIME", "01", Day));
    }

    [Fact]
    public void A_grant_of_an_organization_without_a_territory_reads_the_nation_up_to_its_ceiling()
    {
        Assert.True(Of(new Grant(Role.Analyst, Recipient, Classification.Internal)).CanRead(MonthlyRegime, "VN", Day));
        Assert.True(Of(new Grant(Role.Analyst, Recipient, Classification.Internal)).CanRead(MonthlyRegime, "02", Day));
        Assert.False(Of(new Grant(Role.Analyst, Recipient, Classification.Public)).CanRead(MonthlyRegime, "VN", Day));
        Assert.True(Of(new Grant(Role.SystemAdministrator, Reporter, Classification.Public)).CanRead("NOT-A-REGIME", "VN", Day));
    }

    [Fact]
    public void Anonymous_callers_and_callers_without_grants_read_no_internal_source()
    {
        var anonymous = new AggregateScope(AccessScope.Anonymous, Snapshot);
        Assert.False(anonymous.CanRead(MonthlyRegime, "01", Day));
        Assert.Empty(anonymous.Sources(Snapshot.Indicators["POP"], "01", Day).Sources);
        Assert.False(Of().CanRead(MonthlyRegime, "01", Day));
        var (sources, all) = Of(new Grant(Role.Analyst, Reporter, Classification.Internal)).Sources(Snapshot.Indicators["POP"], "01", Day);
        Assert.Equal([BigRegime, MonthlyRegime, CommuneRegime], sources);
        Assert.False(all);
    }
}
