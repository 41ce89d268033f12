using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Oversight;
using Nris.Core.Security;
using Nris.Server.Catalogue;
using Nris.Storage;
using Nris.Storage.Oversight;

namespace Nris.Server.Oversight;

/// <summary>The channels a notification goes out on.</summary>
public static class NotificationChannels
{
    public const string InApp = "inapp";
    public const string Email = "email";
    public const string Webhook = "webhook";

    /// <summary>
    /// How each person of an audience is reached for a reminder or an escalation: in-app and e-mail (when SMTP is
    /// configured and the person has an address), as far as their preferences allow; one route per channel × person.
    /// The caller adds its webhooks, whose audience is an organization rather than a person.
    /// </summary>
    public static IEnumerable<(string Channel, string Address, string UserName)> PersonalRoutes(
        IEnumerable<(string UserName, string? Email)> audience,
        IReadOnlyDictionary<string, Nris.Storage.Oversight.NotificationPreferenceEntity> preferences,
        bool escalation,
        bool smtp)
    {
        foreach (var (userName, email) in audience.DistinctBy(p => p.UserName))
        {
            var pref = preferences.GetValueOrDefault(userName);
            if (pref is not null && !(escalation ? pref.Escalations : pref.Reminders))
            {
                continue;
            }

            if (pref?.InApp ?? true)
            {
                yield return (InApp, userName, userName);
            }

            if (smtp && (pref?.Email ?? true) && !string.IsNullOrWhiteSpace(email))
            {
                yield return (Email, email, userName);
            }
        }
    }
}

/// <summary>What one reminder pass did.</summary>
public sealed record ReminderPassResult(int Planned, int Created, int Delivered, int Retried, int Failed);

/// <summary>
/// Chases late reporters (đôn đốc): plans the reminders and escalations due now (<see cref="ReminderPlanner"/>), writes
/// one send-log row per notification × channel × address — the row's unique key is what makes a notification go out
/// once, even across restarts and replicas — then delivers what is pending: in-app notifications in the same
/// transaction as their send-log row, e-mail through the configured SMTP server, webhooks as an HMAC-SHA256-signed
/// POST, the last two retried with exponential backoff.
/// </summary>
/// <remarks>
/// Exactly once holds for in-app notifications. For e-mail and webhooks it holds unless the process dies between the
/// other side accepting a delivery and the send-log row recording it; then the delivery is repeated once, with the
/// same <c>Message-ID</c> / <c>X-Nris-Delivery</c> so the receiver can tell.
/// </remarks>
public sealed class ReminderService(
    CatalogueState catalogue,
    ComplianceProjection compliance,
    IDbContextFactory<NrisDbContext> contexts,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<ReminderService> logger) : IDisposable
{
    private const int Chunk = 200;
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(Math.Clamp(options.Value.TimeoutSeconds, 1, 300)) };

    private static readonly JsonSerializerOptions WebhookJson = new(JsonSerializerDefaults.Web);

    /// <summary>The header carrying the body's signature: <c>sha256=</c> and the lowercase hex HMAC-SHA256 of the body.</summary>
    public const string SignatureHeader = "X-Nris-Signature";

    /// <summary>The header carrying the delivery's send-log key, the same on every retry.</summary>
    public const string DeliveryHeader = "X-Nris-Delivery";

    /// <summary>Plans, records and delivers; one pass at a time.</summary>
    public async Task<ReminderPassResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || !compliance.IsReady)
        {
            return new ReminderPassResult(0, 0, 0, 0, 0);
        }

        await _pass.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            var plan = ReminderPlanner.Plan(catalogue.Current, compliance.View, now, settings.Policy);
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var created = plan.Count == 0 ? 0 : await RecordAsync(db, plan, now, settings, cancellationToken);
            var (delivered, retried, failed) = await DeliverAsync(db, now, settings, cancellationToken);
            return new ReminderPassResult(plan.Count, created, delivered, retried, failed);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>The signature header value of <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static string Sign(string secret, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _pass.Dispose();
        _http.Dispose();
    }

    private sealed record Person(string UserName, string? Email, string Role, string OrganizationCode);

    private sealed record Candidate(string Key, string Channel, string Address, ReminderDue Due, string? UserName);

    private async Task<int> RecordAsync(NrisDbContext db, IReadOnlyList<ReminderDue> plan, DateTimeOffset now, NotificationOptions settings, CancellationToken ct)
    {
        var people = await (from g in db.UserGrants.AsNoTracking()
                            join u in db.Users.AsNoTracking() on g.UserId equals u.Id
                            where !u.IsDisabled && (g.Role == nameof(Role.Reporter) || g.Role == nameof(Role.AgencyAdministrator) || g.Role == nameof(Role.Reviewer))
                            select new Person(u.UserName!, u.Email, g.Role, g.OrganizationCode)).ToListAsync(ct);
        var byOrgRole = people.ToLookup(p => (p.OrganizationCode, p.Role));
        var preferences = await db.NotificationPreferences.AsNoTracking().ToDictionaryAsync(p => p.UserName, StringComparer.Ordinal, ct);
        var snapshot = catalogue.Current;
        var smtp = !string.IsNullOrWhiteSpace(settings.Smtp.Host);

        var candidates = new List<Candidate>();
        foreach (var due in plan)
        {
            var audience = new List<Person>();
            if (due.Kind == ReminderKind.Reminder)
            {
                audience.AddRange(byOrgRole[(due.Reporter.Code, nameof(Role.Reporter))]);
            }
            else
            {
                // The reporter's administrator: the nearest organization from the reporter upwards that has one.
                var date = due.Period.Period.End;
                foreach (var code in new[] { due.Reporter.Code }.Concat(snapshot.Organizations.Ancestors(due.Reporter.Code, date).Select(o => o.Code)))
                {
                    var admins = byOrgRole[(code, nameof(Role.AgencyAdministrator))].ToList();
                    if (admins.Count > 0)
                    {
                        audience.AddRange(admins);
                        break;
                    }
                }

                audience.AddRange(byOrgRole[(due.RecipientCode, nameof(Role.Reviewer))]);
            }

            var reached = audience.Select(p => (p.UserName, p.Email));
            foreach (var (channel, address, userName) in NotificationChannels.PersonalRoutes(reached, preferences, due.Kind == ReminderKind.Escalation, smtp))
            {
                candidates.Add(new Candidate(KeyOf(due, channel, address), channel, address, due, userName));
            }

            foreach (var hook in settings.Webhooks.Where(h => !string.IsNullOrWhiteSpace(h.Url)))
            {
                if (hook.Organizations.Count == 0 || hook.Organizations.Contains(due.Reporter.Code, StringComparer.Ordinal) ||
                    (due.Kind == ReminderKind.Escalation && hook.Organizations.Contains(due.RecipientCode, StringComparer.Ordinal)))
                {
                    candidates.Add(new Candidate(KeyOf(due, NotificationChannels.Webhook, hook.Url), NotificationChannels.Webhook, hook.Url, due, null));
                }
            }
        }

        var created = 0;
        var nowUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(now));
        foreach (var chunk in candidates.DistinctBy(c => c.Key).Chunk(Chunk))
        {
            var keys = chunk.Select(c => c.Key).ToList();
            var existing = await db.NotificationSends.AsNoTracking().Where(s => keys.Contains(s.Key)).Select(s => s.Key).ToListAsync(ct);
            var fresh = chunk.Where(c => !existing.Contains(c.Key, StringComparer.Ordinal)).ToList();
            if (fresh.Count == 0)
            {
                continue;
            }

            try
            {
                await AddAsync(db, fresh, nowUs, ct);
                created += fresh.Count;
            }
            catch (DbUpdateException)
            {
                // Another replica recorded some of these between our read and our write: its rows stand, ours go, one by one.
                db.ChangeTracker.Clear();
                foreach (var one in fresh)
                {
                    try
                    {
                        await AddAsync(db, [one], nowUs, ct);
                        created++;
                    }
                    catch (DbUpdateException)
                    {
                        db.ChangeTracker.Clear();
                    }
                }
            }
        }

        if (created > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Recorded {Created} reminder notifications", created);
        }

        return created;
    }

    private static async Task AddAsync(NrisDbContext db, IReadOnlyList<Candidate> fresh, long nowUs, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var c in fresh)
        {
            var due = c.Due;
            var inApp = c.Channel == NotificationChannels.InApp;
            db.NotificationSends.Add(new NotificationSendEntity
            {
                Key = c.Key,
                Channel = c.Channel,
                Address = c.Address,
                Kind = due.Kind == ReminderKind.Reminder ? "reminder" : "escalation",
                Subject = due.Subject,
                Body = c.Channel == NotificationChannels.Webhook ? WebhookBody(c) : due.BodyVi + "\n\n" + due.BodyEn,
                CreatedUs = nowUs,
                SentUs = inApp ? nowUs : null,
                Attempts = inApp ? 1 : 0,
                NextAttemptUs = nowUs,
            });
            if (inApp)
            {
                db.Notifications.Add(new NotificationEntity
                {
                    UserName = c.UserName!,
                    Kind = due.Kind == ReminderKind.Reminder ? "reminder" : "escalation",
                    Title = due.Kind == ReminderKind.Reminder ? $"Nhắc gửi báo cáo {due.Regime.Code} kỳ {due.Period.Period}" : $"Quá hạn: {due.Reporter.Code} chưa gửi {due.Regime.Code} kỳ {due.Period.Period}",
                    TitleEn = due.Kind == ReminderKind.Reminder ? $"Reminder: {due.Regime.Code} for {due.Period.Period}" : $"Overdue: {due.Reporter.Code} has not sent {due.Regime.Code} for {due.Period.Period}",
                    Body = due.BodyVi,
                    BodyEn = due.BodyEn,
                    Regime = due.Regime.Code,
                    Period = due.Period.Period.ToString(),
                    Reporter = due.Reporter.Code,
                    CreatedUs = nowUs,
                });
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static string KeyOf(ReminderDue due, string channel, string address)
    {
        var key = due.Key + "|" + channel + "|" + address;
        // The key column holds 400 characters; a longer address is named by its hash, which is just as unique.
        return key.Length <= 400 ? key : due.Key + "|" + channel + "|sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)));
    }

    private static string WebhookBody(Candidate c)
    {
        var due = c.Due;
        return JsonSerializer.Serialize(new
        {
            id = c.Key,
            kind = due.Kind == ReminderKind.Reminder ? "reminder" : "escalation",
            regime = due.Regime.Code,
            period = due.Period.Period.ToString(),
            reporter = due.Reporter.Code,
            recipient = due.RecipientCode,
            deadline = due.Period.Deadline.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            state = due.State.ToString(),
            subject = due.Subject,
            textVi = due.BodyVi,
            textEn = due.BodyEn,
        }, WebhookJson);
    }

    private async Task<(int Delivered, int Retried, int Failed)> DeliverAsync(NrisDbContext db, DateTimeOffset now, NotificationOptions settings, CancellationToken ct)
    {
        var nowUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(now));
        var pending = await db.NotificationSends.Where(s => s.SentUs == null && !s.Failed && s.NextAttemptUs <= nowUs)
            .OrderBy(s => s.Id).Take(Chunk).ToListAsync(ct);
        int delivered = 0, retried = 0, failed = 0;
        foreach (var send in pending)
        {
            string? error;
            try
            {
                error = send.Channel switch
                {
                    NotificationChannels.Email => await SendEmailAsync(send, settings.Smtp, ct),
                    NotificationChannels.Webhook => await PostWebhookAsync(send, settings, ct),
                    _ => "unknown channel",
                };
            }
            catch (Exception e) when (e is SmtpException or HttpRequestException or IOException or InvalidOperationException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error = e.GetType().Name + ": " + e.Message;
            }

            send.Attempts++;
            if (error is null)
            {
                send.SentUs = nowUs;
                send.LastError = null;
                delivered++;
            }
            else
            {
                send.LastError = error.Length <= 1000 ? error : error[..1000];
                if (send.Attempts >= Math.Max(1, settings.MaxAttempts))
                {
                    send.Failed = true;
                    failed++;
                }
                else
                {
                    // 30 s, 1 min, 2 min, 4 min … by default.
                    var wait = TimeSpan.FromSeconds(Math.Max(1, settings.RetryBaseSeconds) * Math.Pow(2, Math.Min(send.Attempts - 1, 16)));
                    send.NextAttemptUs = nowUs + (long)(wait.TotalMilliseconds * 1000);
                    retried++;
                }

                if (logger.IsEnabled(LogLevel.Warning))
                {
                    logger.LogWarning("Delivering notification {Key} failed (attempt {Attempt}): {Error}", send.Key, send.Attempts, send.LastError);
                }
            }

            // Recorded one by one, so a crash loses at most the record of the delivery in flight.
            await db.SaveChangesAsync(ct);
        }

        return (delivered, retried, failed);
    }

    private static async Task<string?> SendEmailAsync(NotificationSendEntity send, SmtpOptions smtp, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            return "no SMTP server is configured (Nris:Notifications:Smtp:Host)";
        }

        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new System.Net.NetworkCredential(smtp.UserName, smtp.Password);
        }

        using var message = new MailMessage(smtp.From, send.Address, send.Subject, send.Body)
        {
            SubjectEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        message.Headers.Add("Message-ID", "<" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(send.Key)))[..32] + "@nris>");
        message.Headers.Add(DeliveryHeader, send.Key);
        await client.SendMailAsync(message, ct);
        return null;
    }

    private async Task<string?> PostWebhookAsync(NotificationSendEntity send, NotificationOptions settings, CancellationToken ct)
    {
        var hook = settings.Webhooks.FirstOrDefault(h => string.Equals(h.Url, send.Address, StringComparison.Ordinal));
        if (hook is null)
        {
            return "the webhook is no longer configured";
        }

        var body = Encoding.UTF8.GetBytes(send.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(hook.Secret, body));
        request.Headers.Add(DeliveryHeader, send.Key);
        using var response = await _http.SendAsync(request, ct);
        return response.IsSuccessStatusCode ? null : "HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
