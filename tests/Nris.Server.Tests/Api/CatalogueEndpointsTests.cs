using System.Net;
using System.Text.Json;

namespace Nris.Server.Tests.Api;

public sealed class CatalogueEndpointsTests(NrisServerFixture server)
{
    [Theory]
    [InlineData("2025-06-30", "province", 63)]
    [InlineData("2025-07-01", "province", 34)]
    [InlineData("2025-06-30", "district", 696)]
    [InlineData("2025-07-01", "district", 0)]
    [InlineData("2025-06-30", "commune", 10035)]
    [InlineData("2025-07-01", "commune", 3321)]
    public async Task Territories_as_of_a_date_follow_the_2025_reform(string at, string level, int expected)
    {
        var json = await server.GetJsonAsync($"/api/territories?at={at}&level={level}");
        Assert.Equal(expected, json.GetProperty("count").GetInt32());
        Assert.Equal(expected, json.GetProperty("items").GetArrayLength());
        Assert.All(json.GetProperty("items").EnumerateArray(), t => Assert.Equal(level, t.GetProperty("level").GetString()));
    }

    [Fact]
    public async Task A_reused_code_names_different_units_before_and_after_the_reform()
    {
        var before = await server.GetJsonAsync("/api/territories/00004?at=2025-06-30");
        var after = await server.GetJsonAsync("/api/territories/00004?at=2025-07-01");
        Assert.Equal("Phường Trúc Bạch", before.GetProperty("territory").GetProperty("name").GetString());
        Assert.Equal("Phường Ba Đình", after.GetProperty("territory").GetProperty("name").GetString());
        Assert.Equal("001", before.GetProperty("territory").GetProperty("parentCode").GetString());
        Assert.Equal("01", after.GetProperty("territory").GetProperty("parentCode").GetString());

        var predecessors = after.GetProperty("predecessors").EnumerateArray()
            .Select(p => p.GetProperty("territory").GetProperty("code").GetString()).ToList();
        Assert.Contains("00004", predecessors);
        Assert.True(predecessors.Count > 1, "Phường Ba Đình was formed from several old wards");
        Assert.Equal(2, after.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task A_merged_province_names_its_successor_and_ancestors_reach_the_nation()
    {
        var haGiang = await server.GetJsonAsync("/api/territories/02?at=2025-06-30");
        var successors = haGiang.GetProperty("successors").EnumerateArray().ToList();
        Assert.Single(successors);
        Assert.Equal("08", successors[0].GetProperty("territory").GetProperty("code").GetString());
        Assert.Equal("full", successors[0].GetProperty("kind").GetString());

        var children = await server.GetJsonAsync("/api/territories/01/children?at=2025-07-01");
        Assert.True(children.GetProperty("count").GetInt32() > 100, "Hà Nội has 126 communes and wards after the reform");
        var commune = children.GetProperty("items")[0].GetProperty("code").GetString();
        var detail = await server.GetJsonAsync($"/api/territories/{commune}?at=2025-07-01");
        var ancestors = detail.GetProperty("ancestors").EnumerateArray().Select(a => a.GetProperty("code").GetString()).ToList();
        Assert.Equal(["01", "VN"], ancestors);
    }

    [Fact]
    public async Task Unknown_codes_get_a_bilingual_404_problem_naming_the_code()
    {
        using var response = await server.Client.GetAsync(new Uri("/api/territories/99999?at=2025-07-01", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("99999", problem.GetProperty("detail").GetString());
        Assert.Contains("99999", problem.GetProperty("detailVi").GetString());
        Assert.Equal("Không tìm thấy", problem.GetProperty("titleVi").GetString());

        foreach (var path in new[] { "/api/indicators/NOPE", "/api/regimes/NOPE", "/api/regimes/NOPE/periods?year=2026", "/api/organizations/NOPE", "/api/codelists/NOPE" })
        {
            var p = await server.GetJsonAsync(path, 404);
            Assert.Contains("NOPE", p.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("/api/territories?at=30/06/2025", "at")]
    [InlineData("/api/territories?at=2025-02-30", "at")]
    [InlineData("/api/territories/01?at=tomorrow", "at")]
    [InlineData("/api/territories?level=hamlet", "level")]
    [InlineData("/api/territories?level=1", "level")]
    [InlineData("/api/organizations?kind=club", "kind")]
    [InlineData("/api/regimes?at=2026-13-01", "at")]
    public async Task Bad_parameters_get_a_400_problem_naming_the_parameter(string path, string field)
    {
        var problem = await server.GetJsonAsync(path, 400);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("messageVi").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("messageEn").GetString()));
    }

    [Fact]
    public async Task A_huge_parameter_is_not_echoed_back_whole()
    {
        var huge = new string('x', 5000);
        var problem = await server.GetJsonAsync("/api/territories?at=" + huge, 400);
        Assert.True(problem.GetProperty("detail").GetString()!.Length < 300);
    }

    [Fact]
    public async Task Monthly_regime_periods_carry_decree_09_cutoff_windows_and_deadlines()
    {
        // An internal regime: its calendar is for signed-in users (anonymous callers get 404, see the matrix).
        using var session = await server.AdminAsync();
        var json = await session.GetJsonAsync("/api/regimes/KTXH-TINH-THANG/periods?year=2026");
        var periods = json.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal(12, periods.Count);
        Assert.Equal("2026-M01", periods[0].GetProperty("period").GetString());
        Assert.Equal("2025-12-15", periods[0].GetProperty("cutoffStart").GetString());
        Assert.Equal("2026-01-14", periods[0].GetProperty("cutoffEnd").GetString());
        Assert.Equal("2026-M12", periods[11].GetProperty("period").GetString());
        Assert.Equal("2026-11-15", periods[11].GetProperty("cutoffStart").GetString());
        Assert.Equal("2026-12-14", periods[11].GetProperty("cutoffEnd").GetString());
        foreach (var p in periods)
        {
            var deadline = DateOnly.Parse(p.GetProperty("deadline").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var cutoffEnd = DateOnly.Parse(p.GetProperty("cutoffEnd").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(deadline >= cutoffEnd, $"{p.GetProperty("period")}: the deadline {deadline} is before the cutoff end {cutoffEnd}");
        }

        var bad = await session.GetJsonAsync("/api/regimes/KTXH-TINH-THANG/periods?year=twenty", 400);
        Assert.Equal("year", bad.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_demo_catalogue_is_served()
    {
        var indicators = await server.GetJsonAsync("/api/indicators");
        Assert.True(indicators.GetProperty("count").GetInt32() >= 60);
        // Anonymous callers see the public regimes only; a signed-in administrator sees them all.
        var regimes = await server.GetJsonAsync("/api/regimes?at=2026-06-01");
        Assert.True(regimes.GetProperty("count").GetInt32() >= 8);
        Assert.All(regimes.GetProperty("items").EnumerateArray(), r => Assert.Equal("public", r.GetProperty("classification").GetString()));
        using var admin = await server.AdminAsync();
        Assert.True((await admin.GetJsonAsync("/api/regimes?at=2026-06-01")).GetProperty("count").GetInt32() >= 12);
        // The catalogue's seven categories (other tests on this shared server may add their own through the admin API).
        var categories = await server.GetJsonAsync("/api/categories");
        Assert.Superset(new HashSet<string>(["ECON", "FIN", "TRADE", "SOC", "HEALTH_EDU", "TRANSPORT_ENV", "ADMIN"], StringComparer.Ordinal),
            categories.EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToHashSet(StringComparer.Ordinal));
        var ministries = await server.GetJsonAsync("/api/organizations?kind=ministry&at=2025-07-01");
        Assert.Equal(14, ministries.GetProperty("count").GetInt32());
        var before = await server.GetJsonAsync("/api/organizations/BKHDT?at=2025-02-28");
        Assert.Equal("BTC", before.GetProperty("successors")[0].GetProperty("organization").GetProperty("code").GetString());
    }

    [Fact]
    public async Task OpenApi_document_ui_and_health_are_served()
    {
        var doc = await server.GetJsonAsync("/openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/regimes/{code}/periods", out _));
        using var ui = await server.Client.GetAsync(new Uri("/docs/index.html", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        using var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_gets_a_problem_document()
    {
        var problem = await server.GetJsonAsync("/api/nothing-here", 404);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("titleVi", out _));
    }
}
