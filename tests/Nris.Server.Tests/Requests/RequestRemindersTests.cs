using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Oversight;
using Nris.Server.Requests;
using Nris.Server.Tests.Auth;
using Nris.Server.Tests.Oversight;

namespace Nris.Server.Tests.Requests;

/// <summary>
/// A request's targets through its deadline on a fake clock: a reminder before it to each target that has not answered,
/// an escalation after it for the one that is still missing, each exactly once per channel (SMTP receiver, webhook
/// receiver, in-app) through repeated passes and a restart on the same database; run on SQLite and on PostgreSQL.
/// </summary>
public abstract class RequestRemindersSuite
{
    private const string Hanoi = "UBND.01";
    private const string Danang = "UBND.48";
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    [Fact]
    public async Task Reminders_and_escalations_of_a_request_arrive_exactly_once_across_passes_and_a_restart()
    {
        await using var smtp = new SmtpReceiver();
        await using var hooks = new WebhookReceiver(failFirst: 0);
        await using var server = new OversightServer(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero), [
            "--Nris:Notifications:IntervalSeconds=86400",
            "--Nris:Notifications:DaysBefore=3",
            "--Nris:Notifications:WindowDays=5",
            // No regime is chased here: only the request's notifications are counted.
            "--Nris:Notifications:Regimes:0=NO-SUCH-REGIME",
            "--Nris:Notifications:Smtp:Host=127.0.0.1",
            $"--Nris:Notifications:Smtp:Port={smtp.Port}",
            "--Nris:Notifications:Smtp:From=nris@test.vn",
            $"--Nris:Notifications:Webhooks:0:Url={hooks.Url}",
            "--Nris:Notifications:Webhooks:0:Secret=request-secret",
            .. await DatabaseSettingsAsync(),
        ]);
        await server.StartAsync();
        var leaderUser = await server.UserAsync("VPCP", "reviewer", "leader@vpcp.test.vn");
        var hanoiUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var danangUser = await server.UserAsync(Danang, "reporter", "reporter@danang.test.vn");
        var danangAdminUser = await server.UserAsync(Danang, "agencyAdministrator", "admin@danang.test.vn");
        var service = server.Services.GetRequiredService<RequestReminderService>();

        // 10 March (Vietnam): the Government Office asks both cities, answer by 16 March (late from 17 March 00:00 +07).
        long id;
        using (var leader = await server.SignInAsync(leaderUser.UserName, leaderUser.Password))
        {
            id = (await leader.PostJsonAsync("/api/requests", new
            {
                issuer = "VPCP", subject = "Tình hình mưa lũ", subjectEn = "Flood situation", targets = new { codes = new[] { Hanoi, Danang } },
                period = "2026-M03", deadline = "2026-03-16", questions = new[] { new { text = "Thiệt hại ban đầu?" } },
            }, 201)).GetProperty("id").GetInt64();
        }

        var path = "/api/requests/" + id.ToString(CultureInfo.InvariantCulture);
        await service.RunAsync(Ct);
        Assert.Empty(RequestMails(smtp));
        Assert.Empty(hooks.Requests);

        // 14 March: within three days of the deadline, each city's reporter is reminded once, however many passes run.
        server.Clock.Advance(TimeSpan.FromDays(4));
        Assert.True(await service.RunAsync(Ct) > 0);
        Assert.Equal(0, await service.RunAsync(Ct));
        var reminders = RequestMails(smtp);
        Assert.Equal(["reporter@danang.test.vn", "reporter@hanoi.test.vn"], reminders.Select(m => m.To.Single()).Order(StringComparer.Ordinal));
        Assert.Equal(2, hooks.Requests.Count);
        Assert.All(hooks.Requests, r => Assert.Equal(
            ReminderService.Sign("request-secret", r.Body), r.Headers[ReminderService.SignatureHeader]));

        // Hà Nội answers on time; Đà Nẵng does not.
        using (var hanoi = await server.SignInAsync(hanoiUser.UserName, hanoiUser.Password))
        {
            await hanoi.PostJsonAsync(path + "/answers/" + Hanoi, new { baseVersion = 0, texts = new[] { new { question = "Q1", text = "Chưa có thiệt hại." } } }, 201);
        }

        // 17 March: Đà Nẵng is missing and escalated once — to its agency administrator and to the issuing leader; Hà Nội is not.
        server.Clock.Advance(TimeSpan.FromDays(3));
        await service.RunAsync(Ct);
        await service.RunAsync(Ct);
        var escalations = RequestMails(smtp).Where(m => m.Headers[ReminderService.DeliveryHeader].StartsWith("request-escalation|", StringComparison.Ordinal)).ToList();
        Assert.Equal(["admin@danang.test.vn", "leader@vpcp.test.vn"], escalations.Select(m => m.To.Single()).Order(StringComparer.Ordinal));
        Assert.All(escalations, m => Assert.Contains("|" + Danang + "|", m.Headers[ReminderService.DeliveryHeader], StringComparison.Ordinal));
        Assert.Equal(3, hooks.Requests.Count);
        using (var leader = await server.SignInAsync(leaderUser.UserName, leaderUser.Password))
        {
            var request = await leader.GetJsonAsync(path);
            var states = request.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("organization").GetString()!, t => t.GetProperty("state").GetString());
            Assert.Equal("receivedOnTime", states[Hanoi]);
            Assert.Equal("missing", states[Danang]);
        }

        // A restart on the same database: the passes send nothing again.
        var mails = smtp.Messages.Count;
        await server.StopAsync();
        await server.StartAsync();
        service = server.Services.GetRequiredService<RequestReminderService>();
        Assert.Equal(0, await service.RunAsync(Ct));
        Assert.Equal(0, await service.RunAsync(Ct));
        Assert.Equal(mails, smtp.Messages.Count);
        Assert.Equal(3, hooks.Requests.Count);

        // In the application: the Đà Nẵng reporter has one reminder, the leader one escalation; the ledger verifies.
        using (var danang = await server.SignInAsync(danangUser.UserName, danangUser.Password))
        {
            var notes = (await danang.GetJsonAsync("/api/oversight/notifications")).EnumerateArray().ToList();
            Assert.Single(notes);
            Assert.Equal("reminder", notes[0].GetProperty("kind").GetString());
        }

        using (var leader = await server.SignInAsync(leaderUser.UserName, leaderUser.Password))
        {
            var notes = (await leader.GetJsonAsync("/api/oversight/notifications")).EnumerateArray().ToList();
            Assert.Single(notes);
            Assert.Equal("escalation", notes[0].GetProperty("kind").GetString());
            Assert.Equal(Danang, notes[0].GetProperty("reporter").GetString());
        }

        using var admin = await server.SignInAsync(Nris.Server.Auth.IdentityBootstrap.AdminUserName, server.AdminPassword);
        Assert.True((await admin.PostJsonAsync("/api/admin/ledger/verify", new { })).GetProperty("ok").GetBoolean());
        _ = danangAdminUser;
    }

    private static List<ReceivedMail> RequestMails(SmtpReceiver smtp) =>
        [.. smtp.Messages.Where(m => m.Headers.TryGetValue(ReminderService.DeliveryHeader, out var key) && key.StartsWith("request-", StringComparison.Ordinal))];
}

/// <summary>The request's reminders on SQLite (the server's own database file).</summary>
public sealed class RequestRemindersTests : RequestRemindersSuite;

/// <summary>The same on a PostgreSQL database of its own, restarted on the same database.</summary>
public sealed class PostgresRequestRemindersTests(Nris.Testing.PostgresFixture postgres) : RequestRemindersSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
