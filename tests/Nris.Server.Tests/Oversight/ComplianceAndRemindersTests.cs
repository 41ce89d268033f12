using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Oversight;
using Nris.Server.Tests.Auth;
using Nris.Storage;
using static Nris.Server.Tests.Api.ReportTestData;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// One simulated reporting month on a server of its own, the fake clock moved through the deadline of KTXH-TINH-THANG
/// 2026-M03 (day 20 of March, late from 21 March 00:00 in Vietnam = 20 March 17:00 UTC): compliance states and rates
/// at each step, a reminder before the deadline and an escalation after it, arriving in our SMTP receiver and webhook
/// receiver exactly once — through repeated passes, a failing webhook retried with backoff, and a restart on the same
/// database — and the compliance view built step by step equal to one rebuilt from the ledger. It runs on SQLite
/// (<see cref="ComplianceAndRemindersTests"/>) and on PostgreSQL (<see cref="PostgresComplianceAndRemindersTests"/>).
/// </summary>
public abstract class ComplianceAndRemindersSuite
{
    private const string Period = "2026-M03";
    private const string Secret = "test-webhook-secret";
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings that put the server on another database than its own SQLite file (none: SQLite).</summary>
    protected virtual Task<string[]> DatabaseSettingsAsync() => Task.FromResult<string[]>([]);

    [Fact]
    public async Task A_month_through_its_deadline_has_the_right_states_rates_and_exactly_one_reminder_and_escalation_per_channel()
    {
        await using var smtp = new SmtpReceiver();
        await using var hooks = new WebhookReceiver(failFirst: 1);
        // A start with a sub-microsecond part, as a real clock has: stored times must be normalized.
        await using var server = new OversightServer(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero).AddTicks(7),
        [
            .. await DatabaseSettingsAsync(),
            "--Nris:Oversight:PollMilliseconds=50",
            "--Nris:Notifications:IntervalSeconds=86400",
            "--Nris:Notifications:DaysBefore=3",
            "--Nris:Notifications:WindowDays=5",
            $"--Nris:Notifications:Regimes:0={Regime}",
            "--Nris:Notifications:Smtp:Host=127.0.0.1",
            $"--Nris:Notifications:Smtp:Port={smtp.Port}",
            "--Nris:Notifications:Smtp:From=nris@test.vn",
            $"--Nris:Notifications:Webhooks:0:Url={hooks.Url}",
            $"--Nris:Notifications:Webhooks:0:Secret={Secret}",
            $"--Nris:Notifications:Webhooks:0:Organizations:0={Hanoi}",
            "--Nris:Notifications:RetryBaseSeconds=30",
        ]);
        await server.StartAsync();
        var reporterUser = await server.UserAsync(Hanoi, "reporter", "reporter@hanoi.test.vn");
        var adminUser = await server.UserAsync(Hanoi, "agencyAdministrator", "admin@hanoi.test.vn");
        var reviewerUser = await server.UserAsync("VPCP", "reviewer", "reviewer@vpcp.test.vn");
        // Sessions expire when the clock jumps days ahead, so each step signs in again.
        var reporter = await server.SignInAsync(reporterUser.UserName, reporterUser.Password);
        var admin = await server.SignInAsync(adminUser.UserName, adminUser.Password);
        var reviewer = await server.SignInAsync(reviewerUser.UserName, reviewerUser.Password);
        async Task SignInAgainAsync()
        {
            reporter.Dispose();
            admin.Dispose();
            reviewer.Dispose();
            reporter = await server.SignInAsync(reporterUser.UserName, reporterUser.Password);
            admin = await server.SignInAsync(adminUser.UserName, adminUser.Password);
            reviewer = await server.SignInAsync(reviewerUser.UserName, reviewerUser.Password);
        }
        var reminders = server.Services.GetRequiredService<ReminderService>();
        var matrixPath = $"/api/oversight/compliance/matrix?regime={Regime}&from={Period}&to={Period}";

        // 10 March: nothing is due; nothing to chase.
        await CatchUpAsync(server);
        var matrix = await reviewer.GetJsonAsync(matrixPath);
        Assert.Equal(34, matrix.GetProperty("reporters").GetArrayLength());
        Assert.Equal("notYetDue", HanoiState(matrix));
        Assert.Equal(34, matrix.GetProperty("totals").GetProperty("notYetDue").GetInt32());
        // Nothing is judged before the deadline, so there is no rate yet (null members are left out).
        Assert.False(matrix.GetProperty("totals").TryGetProperty("completeness", out _));
        await reminders.RunAsync(Ct);
        Assert.Empty(smtp.Messages);
        Assert.Empty(hooks.Requests);

        // The administrator wants escalations in the application only, not by e-mail.
        using (var saved = await admin.SendAsync(HttpMethod.Put, "/api/oversight/notification-preferences", new { inApp = true, email = false, reminders = true, escalations = true }))
        {
            Assert.False((await ApiSession.ReadAsync(saved, "PUT preferences", 200)).GetProperty("email").GetBoolean());
        }

        // 18 March (3 days before): a reminder to Hà Nội's reporter, in-app, by e-mail and to the webhook, which fails once.
        server.Clock.Advance(TimeSpan.FromDays(8));
        await SignInAgainAsync();
        var first = await reminders.RunAsync(Ct);
        Assert.Equal(1, first.Retried);
        await reminders.RunAsync(Ct);
        var reminderKey = $"reminder|{Regime}|{Period}|{Hanoi}";
        Assert.Single(Mails(smtp, reminderKey + "|email|"));
        Assert.Equal("reporter@hanoi.test.vn", Assert.Single(Mails(smtp, reminderKey + "|email|")).To.Single());
        Assert.Single(hooks.Requests);
        Assert.Equal(500, hooks.Requests.Single().Status);
        var inbox = await reporter.GetJsonAsync("/api/oversight/notifications");
        var note = Assert.Single(inbox.EnumerateArray(), n => n.GetProperty("period").GetString() == Period);
        Assert.Equal("reminder", note.GetProperty("kind").GetString());
        Assert.Contains(Period, note.GetProperty("title").GetString(), StringComparison.Ordinal);

        // A minute later the webhook is tried again (backoff 30 s), signed, and succeeds; nothing else is sent twice.
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var retry = await reminders.RunAsync(Ct);
        Assert.Equal(1, retry.Delivered);
        await reminders.RunAsync(Ct);
        Assert.Equal(2, hooks.Requests.Count);
        var delivered = hooks.Requests.Last();
        Assert.Equal(200, delivered.Status);
        Assert.Equal(ReminderService.Sign(Secret, delivered.Body), delivered.Headers[ReminderService.SignatureHeader]);
        Assert.Equal(hooks.Requests.First().Headers[ReminderService.DeliveryHeader], delivered.Headers[ReminderService.DeliveryHeader]);
        using (var body = JsonDocument.Parse(delivered.Body))
        {
            Assert.Equal("reminder", body.RootElement.GetProperty("kind").GetString());
            Assert.Equal(Hanoi, body.RootElement.GetProperty("reporter").GetString());
            Assert.Equal("2026-03-20", body.RootElement.GetProperty("deadline").GetString());
        }

        Assert.Single(Mails(smtp, reminderKey + "|email|"));

        // 21 March 00:00 UTC (07:00 in Vietnam, the deadline passed at midnight): missing everywhere; escalation to
        // Hà Nội's administrator (in-app only, by its choice) and to the recipient's reviewer (in-app and e-mail).
        server.Clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        await SignInAgainAsync();
        await CatchUpAsync(server);
        matrix = await reviewer.GetJsonAsync(matrixPath);
        Assert.Equal("missing", HanoiState(matrix));
        Assert.Equal(34, matrix.GetProperty("totals").GetProperty("missing").GetInt32());
        Assert.Equal(0.0, matrix.GetProperty("totals").GetProperty("completeness").GetDouble());
        await reminders.RunAsync(Ct);
        await reminders.RunAsync(Ct);
        var escalationKey = $"escalation|{Regime}|{Period}|{Hanoi}";
        Assert.Equal("reviewer@vpcp.test.vn", Assert.Single(Mails(smtp, escalationKey + "|email|")).To.Single());
        Assert.Empty(Mails(smtp, escalationKey + "|email|admin@"));
        Assert.Single((await admin.GetJsonAsync("/api/oversight/notifications")).EnumerateArray(),
            n => n.GetProperty("kind").GetString() == "escalation" && n.GetProperty("reporter").GetString() == Hanoi);
        // The recipient hears about every province that has not reported, once each.
        Assert.Equal(34, Mails(smtp, "escalation|").Count(m => m.To.Single() == "reviewer@vpcp.test.vn"));
        Assert.Equal(3, hooks.Requests.Count);
        Assert.Contains(escalationKey, hooks.Requests.Last().Headers[ReminderService.DeliveryHeader], StringComparison.Ordinal);

        // 22 March: Hà Nội reports late; returned; revised; accepted. The states follow; no chase is repeated.
        server.Clock.Advance(TimeSpan.FromDays(1));
        await SignInAgainAsync();
        var path = Path(Period, Hanoi);
        await reporter.PostJsonAsync(path + "/submit", Body(Hanoi, period: Period), 201);
        Assert.Equal("receivedLate", await HanoiStateAsync(server, reviewer, matrixPath));
        await reviewer.PostJsonAsync(path + "/return", new { version = 1, reason = "Thiếu số liệu / figures missing" });
        Assert.Equal("returned", await HanoiStateAsync(server, reviewer, matrixPath));
        await reminders.RunAsync(Ct);
        await reporter.PostJsonAsync(path + "/revise", new { values = Values(Hanoi, 120m, Period), baseVersion = 1, reason = "Bổ sung / completed" }, 201);
        Assert.Equal("receivedLate", await HanoiStateAsync(server, reviewer, matrixPath));
        await reviewer.PostJsonAsync(path + "/accept", new { version = 2 });
        Assert.Equal("accepted", await HanoiStateAsync(server, reviewer, matrixPath));
        matrix = await reviewer.GetJsonAsync(matrixPath);
        var hanoiRow = matrix.GetProperty("reporters").EnumerateArray().Single(r => r.GetProperty("reporter").GetString() == Hanoi);
        Assert.Equal(1.0, hanoiRow.GetProperty("totals").GetProperty("completeness").GetDouble());
        Assert.Equal(0.0, hanoiRow.GetProperty("totals").GetProperty("timeliness").GetDouble());
        Assert.Equal(1, matrix.GetProperty("totals").GetProperty("accepted").GetInt32());
        Assert.Equal(33, matrix.GetProperty("totals").GetProperty("missing").GetInt32());

        // The scorecard of Hà Nội, seen by its administrator: one return, no revision after acceptance.
        var card = await admin.GetJsonAsync($"/api/oversight/compliance/scorecard/{Hanoi}?year=2026");
        var regimeCard = card.GetProperty("regimes").EnumerateArray().Single(r => r.GetProperty("regime").GetString() == Regime);
        Assert.Equal(1, regimeCard.GetProperty("returnedCount").GetInt32());
        Assert.Equal(0, regimeCard.GetProperty("revisionsAfterAcceptance").GetInt32());
        Assert.Equal(1, regimeCard.GetProperty("rates").GetProperty("accepted").GetInt32());
        // …and not by Hồ Chí Minh City's (404, like an organization that does not exist).
        await admin.GetJsonAsync("/api/oversight/compliance/scorecard/UBND.79?year=2026", 404);

        // Targets: Hà Nội's (demo) budget-revenue target of 1,200 has 100 by the end of March, against about 296 needed
        // pro rata: off track.
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            await server.Services.GetRequiredService<Nris.Server.Aggregation.AggregationProjection>().CatchUpAsync(db, Ct);
        }

        var targets = await admin.GetJsonAsync("/api/oversight/targets?year=2026");
        var budget = targets.EnumerateArray().Single(t => t.GetProperty("code").GetString() == "DEMO-2026-HN-BUDGET");
        Assert.Equal(100m, budget.GetProperty("actual").GetDecimal());
        Assert.Equal("pro-rata", budget.GetProperty("pace").GetString());
        Assert.Equal("offTrack", budget.GetProperty("status").GetString());
        Assert.Equal("2026-M03", budget.GetProperty("lastPeriod").GetString());
        Assert.True(budget.GetProperty("isDemo").GetBoolean());
        Assert.InRange(budget.GetProperty("needed").GetDecimal(), 295m, 297m);
        // Hồ Chí Minh City has reported nothing: its target shows, without a figure.
        Assert.False(targets.EnumerateArray().Single(t => t.GetProperty("territory").GetString() == "79").TryGetProperty("actual", out _));
        await admin.GetJsonAsync("/api/oversight/targets?year=1999", 400);

        // The view fed step by step equals the view rebuilt from the whole ledger.
        var projection = server.Services.GetRequiredService<ComplianceProjection>();
        await CatchUpAsync(server);
        await using (var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct))
        {
            var rebuilt = await ComplianceProjection.RebuildAsync(db, Ct);
            Assert.Equal(rebuilt.Snapshot(), projection.View.Snapshot());
            Assert.Equal(rebuilt.LastSequence, projection.View.LastSequence);
        }

        reporter.Dispose();
        admin.Dispose();
        reviewer.Dispose();

        // Restart on the same database: the follower's first pass and ours send nothing again.
        var mails = smtp.Messages.Count;
        var requests = hooks.Requests.Count;
        await server.StopAsync();
        await server.StartAsync();
        await server.Services.GetRequiredService<ReminderService>().RunAsync(Ct);
        await server.Services.GetRequiredService<ReminderService>().RunAsync(Ct);
        Assert.Equal(mails, smtp.Messages.Count);
        Assert.Equal(requests, hooks.Requests.Count);
        using var again = await server.SignInAsync(reporterUser.UserName, reporterUser.Password);
        Assert.Single((await again.GetJsonAsync("/api/oversight/notifications")).EnumerateArray(), n => n.GetProperty("period").GetString() == Period);
        Assert.Equal("accepted", HanoiState(await again.GetJsonAsync(matrixPath)));
    }

    private static List<ReceivedMail> Mails(SmtpReceiver smtp, string keyPrefix) =>
        [.. smtp.Messages.Where(m => m.Headers.TryGetValue(ReminderService.DeliveryHeader, out var key) && key.StartsWith(keyPrefix, StringComparison.Ordinal))];

    private static string? HanoiState(JsonElement matrix) =>
        matrix.GetProperty("reporters").EnumerateArray().Single(r => r.GetProperty("reporter").GetString() == Hanoi)
            .GetProperty("cells")[0].GetProperty("state").GetString();

    private static async Task<string?> HanoiStateAsync(OversightServer server, ApiSession session, string path)
    {
        await CatchUpAsync(server);
        return HanoiState(await session.GetJsonAsync(path));
    }

    // Read-your-write for the test: apply whatever the ledger holds now instead of waiting for the follower's poll.
    private static async Task CatchUpAsync(OversightServer server)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(Ct);
        await server.Services.GetRequiredService<ComplianceProjection>().CatchUpAsync(db, Ct);
    }
}

/// <summary>The simulated month on SQLite (the server's own database file).</summary>
public sealed class ComplianceAndRemindersTests : ComplianceAndRemindersSuite;

/// <summary>The simulated month on a PostgreSQL database of its own, restarted on the same database.</summary>
public sealed class PostgresComplianceAndRemindersTests(Nris.Testing.PostgresFixture postgres) : ComplianceAndRemindersSuite
{
    protected override async Task<string[]> DatabaseSettingsAsync() =>
        ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + await postgres.CreateDatabaseAsync(Ct)];
}
