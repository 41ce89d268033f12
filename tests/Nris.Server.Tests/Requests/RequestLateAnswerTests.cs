using System.Globalization;
using Nris.Server.Tests.Auth;
using Nris.Server.Tests.Oversight;

namespace Nris.Server.Tests.Requests;

/// <summary>
/// Timeliness of a request's answers on a fake clock, at the deadline's edge: a request due 16 March 2026 is late from
/// 17 March 00:00 in Vietnam (16 March 17:00 UTC). Hà Nội answers one second before that and is <c>receivedOnTime</c>;
/// Đà Nẵng answers at that instant and is <c>receivedLate</c>, and stays late after its answer is returned and
/// revised (timeliness goes by the first answer). Both states are read over the API, in the request and in the list.
/// </summary>
public sealed class RequestLateAnswerTests
{
    private const string Hanoi = "UBND.01";
    private const string Danang = "UBND.48";

    [Fact]
    public async Task An_answer_after_the_deadline_is_received_late_and_one_before_it_on_time()
    {
        await using var server = new OversightServer(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), ["--Nris:Notifications:Enabled=false"]);
        await server.StartAsync();
        var leaderUser = await server.UserAsync("VPCP", "reviewer", "leader@vpcp.test.vn");
        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var danangUser = await server.UserAsync(Danang, "reporter", "reporter@danang.test.vn");
        var leader = await server.SignInAsync(leaderUser.UserName, leaderUser.Password);

        var id = (await leader.PostJsonAsync("/api/requests", new
        {
            issuer = "VPCP", subject = "Tình hình mưa lũ", subjectEn = "Flood situation", targets = new { codes = new[] { Hanoi, Danang } },
            period = "2026-M03", deadline = "2026-03-16", questions = new[] { new { text = "Thiệt hại ban đầu?" } },
        }, 201)).GetProperty("id").GetInt64();
        var path = "/api/requests/" + id.ToString(CultureInfo.InvariantCulture);
        object Answer(int baseVersion, string text) => new { baseVersion, texts = new[] { new { question = "Q1", text } } };

        Assert.Equal("notYetDue", (await States(leader, path))[Danang]);

        // 16 March 16:59:59 UTC = 23:59:59 in Vietnam, the last second of the deadline day.
        // Sessions expire when the clock jumps days ahead, so everyone signs in after the jump.
        server.Clock.Advance(new DateTimeOffset(2026, 3, 16, 16, 59, 59, TimeSpan.Zero) - server.Clock.GetUtcNow());
        leader.Dispose();
        leader = await server.SignInAsync(leaderUser.UserName, leaderUser.Password);
        using var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password);
        using var danang = await server.SignInAsync(danangUser.UserName, danangUser.Password);
        await hanoi.PostJsonAsync(path + "/answers/" + Hanoi, Answer(0, "Chưa có thiệt hại."), 201);

        // 17 March 00:00 in Vietnam: Đà Nẵng has not answered, so it is missing; then it answers, late.
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("missing", (await States(leader, path))[Danang]);
        await danang.PostJsonAsync(path + "/answers/" + Danang, Answer(0, "Hai cầu bị hư hỏng."), 201);

        var states = await States(leader, path);
        Assert.Equal("receivedOnTime", states[Hanoi]);
        Assert.Equal("receivedLate", states[Danang]);
        var targets = (await leader.GetJsonAsync(path)).GetProperty("targets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("organization").GetString()!);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 17, 0, 0, TimeSpan.Zero), targets[Danang].GetProperty("firstAnswered").GetDateTimeOffset());

        // The list shows the same states; the target's own side sees its own state.
        var listed = (await leader.GetJsonAsync("/api/requests?as=issuer")).GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);
        Assert.Equal("receivedLate", listed.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("organization").GetString() == Danang).GetProperty("state").GetString());
        Assert.Equal("receivedLate", Assert.Single((await danang.GetJsonAsync(path)).GetProperty("targets").EnumerateArray()).GetProperty("state").GetString());

        // Returned and revised: still late (the first answer decides), and accepted at the end.
        await leader.PostJsonAsync(path + "/answers/" + Danang + "/return", new { version = 1, reason = "Thiếu số liệu thiệt hại." }, 200);
        Assert.Equal("returned", (await States(leader, path))[Danang]);
        await danang.PostJsonAsync(path + "/answers/" + Danang, Answer(1, "Hai cầu bị hư hỏng, thiệt hại 3 tỷ đồng."), 201);
        Assert.Equal("receivedLate", (await States(leader, path))[Danang]);
        await leader.PostJsonAsync(path + "/answers/" + Danang + "/accept", new { version = 2 }, 200);
        Assert.Equal("accepted", (await States(leader, path))[Danang]);
        Assert.Equal("receivedOnTime", (await States(leader, path))[Hanoi]);
        leader.Dispose();
    }

    private static async Task<Dictionary<string, string>> States(ApiSession session, string path) =>
        (await session.GetJsonAsync(path)).GetProperty("targets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("organization").GetString()!, t => t.GetProperty("state").GetString()!);
}
