using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// The scorecard's "validation warnings explained": Hà Nội sends 2026-M01 with a CPI outside the R04 warning's range
/// and an explanation, 2026-M02 without any warning and then revises it with the same explained warning, and 2025-M12
/// (another year) with one too. Its 2026 scorecard counts two versions with one explanation each, in the totals and in
/// the regime's row, over the API and on the oversight page; Hồ Chí Minh City, which sent a clean report, counts none.
/// </summary>
public sealed class ScorecardWarningsTests
{
    private static List<Dictionary<string, object?>> WithCpi(string reporter, string period, decimal cpi)
    {
        var values = Values(reporter, period: period);
        values.Single(v => (string)v["indicator"]! == "CPI_YOY")["number"] = cpi;
        return values;
    }

    private static readonly object[] Explained = [new { rule = "R04", text = "Giá xăng dầu tăng đột biến / a fuel price shock" }];

    [Fact]
    public async Task The_scorecard_counts_report_versions_sent_with_explained_warnings()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 4, 5, 0, 0, 0, TimeSpan.Zero), ["--Nris:Notifications:Enabled=false"]);
        await server.StartAsync();
        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var hcmcUser = await server.UserAsync(Hcmc, "reporter", "reporter@hcmc.test.vn");
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var hcmc = await server.SignInAsync(hcmcUser.UserName, hcmcUser.Password);

        // Without the explanation the warning refuses the report; with it the report is stored.
        await hanoi.PostJsonAsync(Path("2026-M01", Hanoi) + "/submit", new { values = WithCpi(Hanoi, "2026-M01", 150m) }, 422);
        await hanoi.PostJsonAsync(Path("2026-M01", Hanoi) + "/submit", new { values = WithCpi(Hanoi, "2026-M01", 150m), explanations = Explained }, 201);
        await hanoi.PostJsonAsync(Path("2026-M02", Hanoi) + "/submit", new { values = Values(Hanoi, period: "2026-M02") }, 201);
        await hanoi.PostJsonAsync(Path("2026-M02", Hanoi) + "/revise",
            new { values = WithCpi(Hanoi, "2026-M02", 140m), explanations = Explained, baseVersion = 1, reason = "CPI sửa / CPI corrected" }, 201);
        await hanoi.PostJsonAsync(Path("2025-M12", Hanoi) + "/submit", new { values = WithCpi(Hanoi, "2025-M12", 150m), explanations = Explained }, 201);
        await hcmc.PostJsonAsync(Path("2026-M01", Hcmc) + "/submit", new { values = Values(Hcmc, period: "2026-M01") }, 201);

        var card = await hanoi.GetJsonAsync($"/api/oversight/compliance/scorecard/{Hanoi}?year=2026");
        Assert.Equal(2, card.GetProperty("versionsWithExplainedWarnings").GetInt32());
        Assert.Equal(2, card.GetProperty("explainedWarnings").GetInt32());
        var regime = card.GetProperty("regimes").EnumerateArray().Single(r => r.GetProperty("regime").GetString() == Regime);
        Assert.Equal(2, regime.GetProperty("versionsWithExplainedWarnings").GetInt32());
        Assert.Equal(2, regime.GetProperty("explainedWarnings").GetInt32());

        var lastYear = await hanoi.GetJsonAsync($"/api/oversight/compliance/scorecard/{Hanoi}?year=2025");
        Assert.Equal(1, lastYear.GetProperty("versionsWithExplainedWarnings").GetInt32());

        var clean = await hcmc.GetJsonAsync($"/api/oversight/compliance/scorecard/{Hcmc}?year=2026");
        Assert.Equal(0, clean.GetProperty("versionsWithExplainedWarnings").GetInt32());
        Assert.Equal(0, clean.GetProperty("explainedWarnings").GetInt32());

        // The oversight page shows the same count for the organization.
        using var page = await hanoi.GetAsync($"/oversight?organization={Hanoi}");
        Assert.True(page.IsSuccessStatusCode, $"/oversight: {(int)page.StatusCode}");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Matches("data-testid=\"explained-warnings\"[^>]*>\\s*<span>[^<]*</span>\\s*<b>2</b>", html);
    }
}
