using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.DemoGeneration;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Server.Demo;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// Daily regimes are scanned over a sparse recent window (<c>recent-spike</c>). Hà Nội and Đà Nẵng report DVC-NGAY
/// (public services, each province and its communes) every day from 1 July to 10 August 2025 through the submission
/// path; Hà Nội's Friday 8 August carries three times its own dossiers received. That value is flagged against the
/// same weekday of the previous four weeks and the other series' move that day; the same series' other days and
/// Đà Nẵng's own series are not; Đà Nẵng's reporter sees nothing of Hà Nội's flag.
/// </summary>
public sealed class RecentSpikeTests
{
    private const string Regime = "DVC-NGAY";
    private const string Hanoi = "UBND.01";
    private const string DaNang = "UBND.48";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_planted_spike_in_stored_daily_data_is_flagged_and_a_clean_series_is_not()
    {
        await using var server = new OversightServer(new DateTimeOffset(2025, 8, 12, 0, 0, 0, TimeSpan.Zero), ["--Nris:Notifications:Enabled=false"]);
        await server.StartAsync();
        var places = DemoLoader.ReadPlaces(server.Services.GetRequiredService<IConfiguration>());
        var spikeDay = Period.Day(new DateOnly(2025, 8, 8));
        var reports = new DemoGenerator(places, long.MaxValue, 11)
        {
            Regimes = new HashSet<string>(StringComparer.Ordinal) { Regime }, Until = new DateOnly(2025, 8, 10),
        }.Reports().Where(r => r.ReporterCode is Hanoi or DaNang).Select(r => r.ReporterCode == Hanoi && r.Period == spikeDay
            ? r with { Values = [.. r.Values.Select(v => v.IndicatorCode == "DOSSIERS_RECEIVED" && v.TerritoryCode == "01" ? v with { Number = v.Number * 3 } : v)] }
            : r).ToList();
        var load = await server.Services.GetRequiredService<DemoLoader>().LoadAsync(reports, null, Ct);
        Assert.Equal(0, load.Refused);

        var vpcpUser = await server.UserAsync("VPCP", "reviewer", "reviewer@vpcp.test.vn");
        var daNangUser = await server.UserAsync(DaNang, "reporter", "reporter@danang.test.vn");
        using var vpcp = await server.SignInAsync(vpcpUser.UserName, vpcpUser.Password);
        using var daNang = await server.SignInAsync(daNangUser.UserName, daNangUser.Password);
        var url = $"/api/oversight/anomalies?regime={Regime}&detector={RecentPeriodDetector.Name}&take=1000";
        var flags = (await vpcp.GetJsonAsync(url)).EnumerateArray().ToList();

        var spike = Assert.Single(flags, f => f.GetProperty("reporter").GetString() == Hanoi && f.GetProperty("territory").GetString() == "01" &&
            f.GetProperty("indicator").GetString() == "DOSSIERS_RECEIVED");
        Assert.Equal(spikeDay.ToString(), spike.GetProperty("period").GetString());
        Assert.Contains("on the median", spike.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Contains("the same weekday of the previous 4 weeks", spike.GetProperty("explanationEn").GetString(), StringComparison.Ordinal);
        Assert.Contains("cùng thứ trong 4 tuần trước", spike.GetProperty("explanationVi").GetString(), StringComparison.Ordinal);
        await vpcp.GetJsonAsync(spike.GetProperty("evidenceLink").GetString()!);

        // Clean series: Đà Nẵng's own figures, on any day and indicator.
        Assert.DoesNotContain(flags, f => f.GetProperty("reporter").GetString() == DaNang && f.GetProperty("territory").GetString() == "48");
        // Scope: Đà Nẵng's reporter sees only its own (none of Hà Nội's).
        Assert.All((await daNang.GetJsonAsync(url)).EnumerateArray(), f => Assert.Equal(DaNang, f.GetProperty("reporter").GetString()));
        Assert.Empty((await daNang.GetJsonAsync(url + "&reporter=" + Hanoi)).EnumerateArray());
        // Among all series, a clean-data flag is rare (each province has ~100 communes × 6 indicators × 7 days judged).
        Assert.True(flags.Count < 40, string.Join(" | ", flags.Select(f => f.ToString())));
    }
}
