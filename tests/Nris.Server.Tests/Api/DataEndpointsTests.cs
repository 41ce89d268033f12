using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Submissions;

namespace Nris.Server.Tests.Api;

/// <summary>
/// /api/data on the real server with the demo catalogue: Hà Nội and Hồ Chí Minh City report GRDP (an internal regime)
/// and health establishments (a public regime) through the submission engine; the aggregates follow, and each caller
/// gets only what its scope allows.
/// </summary>
public sealed class DataEndpointsTests(NrisServerFixture server)
{
    private const string Grdp = "GRDP-TINH-QUY";
    private const string Health = "YTE-TINH-NAM";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<ReportValue> GrdpValues(decimal total) =>
    [
        .. new[] { "GRDP", "GRDP_CONST" }.SelectMany(i => new ReportValue[]
        {
            new(i, Disaggregations.Total, null, total, null, null, ObservationStatus.Provisional),
            new(i, "ECON_ACTIVITY:AGR", null, total * 0.1m, null, null),
            new(i, "ECON_ACTIVITY:IND", null, total * 0.4m, null, null),
            new(i, "ECON_ACTIVITY:SRV", null, total * 0.5m, null, null),
        }),
        new("GRDP_GROWTH", Disaggregations.Total, null, 5.5m, null, null),
    ];

    private static List<ReportValue> HealthValues(decimal total) =>
    [
        new("HEALTH_EST_TOTAL", Disaggregations.Total, null, total, null, null),
        new("HEALTH_EST_HOSPITAL", Disaggregations.Total, null, 10, null, null),
        new("HEALTH_EST_HOSPITAL", "HOSPITAL_LEVEL:CENTRAL", null, 2, null, null),
        new("HEALTH_EST_HOSPITAL", "HOSPITAL_LEVEL:PROVINCIAL", null, 5, null, null),
        new("HEALTH_EST_HOSPITAL", "HOSPITAL_LEVEL:DISTRICT", null, 3, null, null),
        new("HEALTH_EST_POLYCLINIC", Disaggregations.Total, null, 5, null, null),
        new("HEALTH_EST_REHAB", Disaggregations.Total, null, 1, null, null),
        new("HEALTH_EST_STATION", Disaggregations.Total, null, 50, null, null),
        new("HOSPITAL_BEDS", Disaggregations.Total, null, 1000, null, null),
        new("DOCTORS", Disaggregations.Total, null, 300, null, null),
        new("DOCTORS", "SEX:M", null, 100, null, null),
        new("DOCTORS", "SEX:F", null, 200, null, null),
    ];

    private async Task<long> SubmitAsync(string regime, Period period, string reporter, List<ReportValue> values)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
        var key = new ReportKey(regime, period, reporter);
        var existing = await service.GetAsync(key, Ct);
        var result = existing is null
            ? await service.SubmitAsync(key, new SubmissionRequest(values), new SubmissionActor("data-test", reporter), Ct)
            : await service.ReviseAsync(key, existing.CurrentVersion, "Kiểm thử", new SubmissionRequest(values), new SubmissionActor("data-test", reporter), Ct);
        return result.LedgerSequence;
    }

    private static decimal? Value(JsonElement answer) =>
        answer.GetProperty("value").TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;

    [Fact]
    public async Task Aggregates_follow_submissions_and_each_caller_reads_only_its_scope()
    {
        var quarter = Period.Quarter(2026, 1);
        await SubmitAsync(Grdp, quarter, "UBND.01", GrdpValues(1234.5m));
        await SubmitAsync(Grdp, quarter, "UBND.79", GrdpValues(9876.5m));
        await SubmitAsync(Health, Period.Parse("2025"), "UBND.79", HealthValues(777));
        var last = await SubmitAsync(Health, Period.Parse("2025"), "UBND.01", HealthValues(333));
        // The submission engine rings the follower after commit; the wait is for that, never a sleep.
        await server.Services.GetRequiredService<AggregationProjection>().WaitForAsync(last, Ct).WaitAsync(TimeSpan.FromMinutes(1), Ct);

        const string cell = "/api/data/cell?indicator=GRDP&period=2026-Q1&source=" + Grdp + "&territory=";
        using var admin = await server.AdminAsync();
        var national = await admin.GetJsonAsync(cell + "VN");
        Assert.Equal(11111m, Value(national));
        Assert.Equal((2, 34, false), (national.GetProperty("value").GetProperty("reported").GetInt32(),
            national.GetProperty("value").GetProperty("expected").GetInt32(), national.GetProperty("value").GetProperty("complete").GetBoolean()));
        Assert.Contains("provisional", national.GetProperty("value").GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        // A national-scope grant (a ministry) reads the national total and its provenance.
        var ministry = await server.UserAsync("BTC", "analyst");
        Assert.Equal(11111m, Value(await ministry.Session.GetJsonAsync(cell + "VN")));
        var provenance = await ministry.Session.GetJsonAsync("/api/data/provenance?indicator=GRDP&period=2026-Q1&territory=VN&source=" + Grdp);
        Assert.Equal(2, provenance.GetProperty("contributorCount").GetInt32());
        Assert.Equal(["UBND.01", "UBND.79"], provenance.GetProperty("contributors").EnumerateArray().Select(c => c.GetProperty("reporter").GetString()).Order());
        Assert.Equal(32, provenance.GetProperty("missing").GetArrayLength());
        var status = await ministry.Session.GetJsonAsync("/api/data/status");
        Assert.True(status.GetProperty("lastAppliedSequence").GetInt64() >= last);

        // Hà Nội reads Hà Nội, never Hồ Chí Minh City nor the national total made from it.
        var hanoi = await server.UserAsync("UBND.01", "analyst");
        using var h = hanoi.Session;
        Assert.Equal(1234.5m, Value(await h.GetJsonAsync(cell + "01")));
        foreach (var path in new[]
        {
            cell + "79", cell + "VN", "/api/data/children?indicator=GRDP&period=2026-Q1&territory=VN&source=" + Grdp,
            "/api/data/provenance?indicator=GRDP&period=2026-Q1&territory=79&source=" + Grdp, "/api/data/provenance?indicator=GRDP&period=2026-Q1&territory=VN&source=" + Grdp,
            "/api/data/series?indicator=GRDP&territory=79&from=2025-Q1&to=2026-Q1&source=" + Grdp,
        })
        {
            using var refused = await h.GetAsync(path);
            var body = await refused.Content.ReadAsStringAsync(Ct);
            Assert.True((int)refused.StatusCode == 404, path + " " + body);
            Assert.DoesNotContain("9876", body, StringComparison.Ordinal);
            Assert.DoesNotContain("11111", body, StringComparison.Ordinal);
        }

        // Without a source the preferred value is chosen among readable sources only: the map of provinces shows Hà
        // Nội's GRDP and nothing for Hồ Chí Minh City, whose only GRDP is internal and outside Hà Nội.
        var map = await h.GetJsonAsync("/api/data/children?indicator=GRDP&period=2026-Q1&territory=VN");
        var byCode = map.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("territory").GetString()!);
        Assert.Equal(1234.5m, Value(byCode["01"]));
        Assert.Null(Value(byCode["79"]));
        Assert.DoesNotContain("9876", map.GetRawText(), StringComparison.Ordinal);

        // Lists hold only what it may read: the ranking of provinces is Hà Nội alone for GRDP.
        var top = await h.GetJsonAsync("/api/data/top?indicator=GRDP&level=province&period=2026-Q1&n=10&order=desc");
        Assert.Equal(["01"], top.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("territory").GetString()));
        Assert.Equal(["79", "01"], (await ministry.Session.GetJsonAsync("/api/data/top?indicator=GRDP&level=province&period=2026-Q1"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("territory").GetString()));
        var series = await h.GetJsonAsync("/api/data/series?indicator=GRDP&territory=01&from=2025-Q1&to=2026-Q1&growth=true");
        var items = series.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        Assert.Equal(1234.5m, Value(items[^1]));
        Assert.Null(Value(items[0]));
        var preferred = await h.GetJsonAsync("/api/data/cell?indicator=GRDP&period=2026-Q1&territory=79");
        Assert.Null(Value(preferred));
        Assert.DoesNotContain("9876", preferred.GetRawText(), StringComparison.Ordinal);
        var ownProvenance = await h.GetJsonAsync("/api/data/provenance?indicator=GRDP&period=2026-Q1&territory=01");
        Assert.Equal("UBND.01", ownProvenance.GetProperty("contributors")[0].GetProperty("reporter").GetString());
        Assert.Equal(1, ownProvenance.GetProperty("contributors")[0].GetProperty("version").GetInt32());
        // Freshness is for operators and analysts; a reviewer has no use for it.
        await h.GetJsonAsync("/api/data/status");
        using var reviewer = (await server.UserAsync("UBND.01", "reviewer")).Session;
        await reviewer.GetJsonAsync("/api/data/status", 403);

        // Anonymous callers read public regimes everywhere, and nothing of internal ones.
        using var anonymous = server.NewSession();
        Assert.Equal(1110m, Value(await anonymous.GetJsonAsync("/api/data/cell?indicator=HEALTH_EST_TOTAL&period=2025&territory=VN")));
        Assert.Equal(777m, Value(await anonymous.GetJsonAsync("/api/data/cell?indicator=HEALTH_EST_TOTAL&period=2025&territory=79&source=" + Health)));
        await anonymous.GetJsonAsync(cell + "01", 404);
        Assert.Null(Value(await anonymous.GetJsonAsync("/api/data/cell?indicator=GRDP&period=2026-Q1&territory=01")));
        await anonymous.GetJsonAsync("/api/data/status", 401);
    }

    [Fact]
    public async Task Bad_parameters_are_bilingual_problems_naming_the_field()
    {
        using var anonymous = server.NewSession();
        foreach (var (path, field) in new[]
        {
            ("/api/data/cell?indicator=GRDP&territory=01&period=2026-Q5", "period"),
            ("/api/data/cell?indicator=GRDP&territory=01&period=2026-Q1&mode=sideways", "mode"),
            ("/api/data/series?indicator=GRDP&territory=01&from=2026-Q1&to=2026-M03", "to"),
            ("/api/data/top?indicator=GRDP&period=2026-Q1&n=0", "n"),
            ("/api/data/top?indicator=GRDP&period=2026-Q1&order=up", "order"),
            ("/api/data/cell?indicator=GRDP&territory=01&period=2026-Q1&growth=maybe", "growth"),
            ("/api/data/cell?territory=01&period=2026-Q1", "indicator"),
        })
        {
            var problem = await anonymous.GetJsonAsync(path, 400);
            Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
            Assert.True(problem.TryGetProperty("titleVi", out _));
        }

        await anonymous.GetJsonAsync("/api/data/cell?indicator=NO_SUCH&territory=01&period=2026-Q1", 404);
        await anonymous.GetJsonAsync("/api/data/cell?indicator=GRDP&territory=XX&period=2026-Q1", 404);
    }
}
