using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nris.Core.Ledger;
using Nris.Core.Oversight;
using Nris.Core.Requests;
using Nris.Core.Security;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Server.Oversight;
using Nris.Storage;
using Nris.Storage.Oversight;

namespace Nris.Server.Requests;

/// <summary>
/// Chases the targets of ad-hoc report requests (đôn đốc) through the same channels and send log as the regimes'
/// reminders: a reminder before the deadline to the target's reporters, an escalation after it to the target's nearest
/// agency administrators, the issuer's reviewers and the person who issued the request. Every notification × channel
/// × address is one row of <c>notification_sends</c> with a unique key ("request-reminder|17|UBND.01|email|a@b"), written
/// before delivery, so it goes out once across passes, restarts and replicas; delivery and retries are the
/// <see cref="ReminderService"/>'s.
/// </summary>
public sealed class RequestReminderService(
    CatalogueState catalogue,
    ReminderService delivery,
    IDbContextFactory<NrisDbContext> contexts,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<RequestReminderService> logger) : IDisposable
{
    private readonly SemaphoreSlim _pass = new(1, 1);
    private static readonly JsonSerializerOptions WebhookJson = new(JsonSerializerDefaults.Web);

    private sealed record Person(string UserName, string? Email, string Role, string OrganizationCode);

    private sealed record Candidate(string Key, string Channel, string Address, RequestReminderDue Due, string? UserName);

    /// <summary>Records what is due now (once), then lets the reminder service deliver what is pending. Returns how many sends were recorded.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return 0;
        }

        int created;
        await _pass.WaitAsync(cancellationToken);
        try
        {
            created = await RecordAsync(settings, cancellationToken);
        }
        finally
        {
            _pass.Release();
        }

        await delivery.RunAsync(cancellationToken);
        return created;
    }

    private async Task<int> RecordAsync(NotificationOptions settings, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var policy = settings.Policy;
        var today = VietnamTime.Today(clock);
        var earliest = today.AddDays(-(policy.EscalateAfterDays + policy.WindowDays + 1));
        var latest = today.AddDays(policy.DaysBefore + 1);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var accepted = nameof(RequestAnswerStatus.Accepted);
        var rows = await (from t in db.ReportRequestTargets.AsNoTracking()
                          join r in db.ReportRequests.AsNoTracking() on t.RequestId equals r.Id
                          where r.Deadline >= earliest && r.Deadline <= latest && t.Status != accepted
                          select new { r.Id, r.Subject, r.SubjectEn, r.IssuerCode, r.IssuedBy, t.OrganizationCode, r.Deadline, t.Status, t.FirstAnsweredUs })
            .ToListAsync(ct);
        var plan = RequestReminderPlanner.Plan(rows.Select(x => new RequestTargetStanding(
            x.Id, x.Subject, x.SubjectEn, x.IssuerCode, x.IssuedBy, x.OrganizationCode, x.Deadline, Enum.Parse<RequestAnswerStatus>(x.Status),
            x.FirstAnsweredUs is { } f ? LedgerTime.FromUnixMicroseconds(f) : null)), now, policy);
        if (plan.Count == 0)
        {
            return 0;
        }

        var people = await (from g in db.UserGrants.AsNoTracking()
                            join u in db.Users.AsNoTracking() on g.UserId equals u.Id
                            where !u.IsDisabled
                            select new Person(u.UserName!, u.Email, g.Role, g.OrganizationCode)).ToListAsync(ct);
        var byOrgRole = people.ToLookup(p => (p.OrganizationCode, p.Role));
        var byName = people.ToLookup(p => p.UserName, StringComparer.Ordinal);
        var preferences = await db.NotificationPreferences.AsNoTracking().ToDictionaryAsync(p => p.UserName, StringComparer.Ordinal, ct);
        var organizations = catalogue.Current.Organizations;
        var smtp = !string.IsNullOrWhiteSpace(settings.Smtp.Host);
        var candidates = new List<Candidate>();
        foreach (var due in plan)
        {
            var t = due.Target;
            var audience = new List<Person>();
            if (due.Kind == ReminderKind.Reminder)
            {
                audience.AddRange(byOrgRole[(t.TargetCode, nameof(Role.Reporter))]);
            }
            else
            {
                foreach (var code in new[] { t.TargetCode }.Concat(organizations.Ancestors(t.TargetCode, today).Select(o => o.Code)))
                {
                    var admins = byOrgRole[(code, nameof(Role.AgencyAdministrator))].ToList();
                    if (admins.Count > 0)
                    {
                        audience.AddRange(admins);
                        break;
                    }
                }

                audience.AddRange(byOrgRole[(t.IssuerCode, nameof(Role.Reviewer))]);
                audience.AddRange(byName[t.IssuedBy]);
            }

            var reached = audience.Select(p => (p.UserName, p.Email));
            foreach (var (channel, address, userName) in NotificationChannels.PersonalRoutes(reached, preferences, due.Kind == ReminderKind.Escalation, smtp))
            {
                candidates.Add(new Candidate(KeyOf(due, channel, address), channel, address, due, userName));
            }

            foreach (var hook in settings.Webhooks.Where(h => !string.IsNullOrWhiteSpace(h.Url)))
            {
                if (hook.Organizations.Count == 0 || hook.Organizations.Contains(t.TargetCode, StringComparer.Ordinal) ||
                    (due.Kind == ReminderKind.Escalation && hook.Organizations.Contains(t.IssuerCode, StringComparer.Ordinal)))
                {
                    candidates.Add(new Candidate(KeyOf(due, NotificationChannels.Webhook, hook.Url), NotificationChannels.Webhook, hook.Url, due, null));
                }
            }
        }

        var nowUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(now));
        var created = 0;
        foreach (var chunk in candidates.DistinctBy(c => c.Key).Chunk(200))
        {
            var keys = chunk.Select(c => c.Key).ToList();
            var existing = await db.NotificationSends.AsNoTracking().Where(s => keys.Contains(s.Key)).Select(s => s.Key).ToListAsync(ct);
            foreach (var one in chunk.Where(c => !existing.Contains(c.Key, StringComparer.Ordinal)))
            {
                // One by one: another replica may record the same key between our read and our write; its row stands.
                try
                {
                    await AddAsync(db, one, nowUs, ct);
                    created++;
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                }
            }
        }

        if (created > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Recorded {Created} request reminder notifications", created);
        }

        return created;
    }

    private static async Task AddAsync(NrisDbContext db, Candidate c, long nowUs, CancellationToken ct)
    {
        var due = c.Due;
        var kind = due.Kind == ReminderKind.Reminder ? "reminder" : "escalation";
        var inApp = c.Channel == NotificationChannels.InApp;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.NotificationSends.Add(new NotificationSendEntity
        {
            Key = c.Key, Channel = c.Channel, Address = c.Address, Kind = kind, Subject = due.Subject,
            Body = c.Channel == NotificationChannels.Webhook ? WebhookBody(c) : due.BodyVi + "\n\n" + due.BodyEn,
            CreatedUs = nowUs, SentUs = inApp ? nowUs : null, Attempts = inApp ? 1 : 0, NextAttemptUs = nowUs,
        });
        if (inApp)
        {
            var code = ReportRequests.CodeOf(due.Target.RequestId);
            db.Notifications.Add(new NotificationEntity
            {
                UserName = c.UserName!, Kind = kind,
                Title = due.Kind == ReminderKind.Reminder ? $"Nhắc trả lời yêu cầu {code}" : $"Quá hạn: {due.Target.TargetCode} chưa trả lời {code}",
                TitleEn = due.Kind == ReminderKind.Reminder ? $"Reminder: request {code}" : $"Overdue: {due.Target.TargetCode} has not answered {code}",
                Body = due.BodyVi, BodyEn = due.BodyEn, Regime = code, Period = null, Reporter = due.Target.TargetCode, CreatedUs = nowUs,
            });
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static string KeyOf(RequestReminderDue due, string channel, string address)
    {
        var key = due.Key + "|" + channel + "|" + address;
        return key.Length <= 400 ? key : due.Key + "|" + channel + "|sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)));
    }

    private static string WebhookBody(Candidate c)
    {
        var due = c.Due;
        return JsonSerializer.Serialize(new
        {
            id = c.Key,
            kind = due.Kind == ReminderKind.Reminder ? "request-reminder" : "request-escalation",
            request = ReportRequests.CodeOf(due.Target.RequestId),
            reporter = due.Target.TargetCode,
            recipient = due.Target.IssuerCode,
            deadline = due.Target.Deadline.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            state = due.State.ToString(),
            subject = due.Subject,
            textVi = due.BodyVi,
            textEn = due.BodyEn,
        }, WebhookJson);
    }

    /// <inheritdoc />
    public void Dispose() => _pass.Dispose();
}

/// <summary>Runs the request reminder pass every <c>Nris:Notifications:IntervalSeconds</c> (default 60).</summary>
public sealed class RequestReminderFollower(RequestReminderService reminders, IOptions<NotificationOptions> notifications, ILogger<RequestReminderFollower> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Clamp(notifications.Value.IntervalSeconds, 1, 86_400)), stoppingToken);
                await reminders.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogError(e, "The request reminder pass failed; retrying");
            }
        }
    }
}

/// <summary>Registers ad-hoc report requests.</summary>
public static class RequestServices
{
    public static IServiceCollection AddRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RequestOptions>(configuration.GetSection(RequestOptions.Section));
        services.AddScoped<RequestService>();
        services.AddSingleton<RequestReminderService>();
        services.AddHostedService<RequestReminderFollower>();
        return services;
    }
}
