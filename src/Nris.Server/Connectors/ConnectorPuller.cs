using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Security;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Server.Oversight;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Connectors;
using Nris.Storage.Oversight;

namespace Nris.Server.Connectors;

/// <summary>How the connector worker runs (section <c>Nris:Connectors</c>).</summary>
public sealed class ConnectorOptions
{
    public const string Section = "Nris:Connectors";

    /// <summary>Whether pull connectors are fetched and quiet feeds are alerted by this server.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often (real milliseconds) the worker looks for due pulls and quiet feeds.</summary>
    public int TickMilliseconds { get; set; } = 1000;

    /// <summary>The first retry of a failed fetch waits this long (real milliseconds); each later one twice as long.</summary>
    public int RetryBaseMilliseconds { get; set; } = 250;

    /// <summary>Most pages read from one source in one run, so one busy source cannot hold its turn forever.</summary>
    public int MaxPagesPerRun { get; set; } = 20;
}

/// <summary>
/// The connector worker: fetches each due pull connector's URL — JSON, CSV or SDMX-CSV (an SDMX REST data query
/// answers SDMX-CSV) — with its timeout and retries with backoff, reads the page through the same reader and ingest
/// as a push, and keeps the connector's cursor (the largest cursor-field value read) and ETag in the database with
/// the batch, so nothing is read twice across restarts. Every connector is fetched on its own task: a source that
/// hangs or sends garbage is recorded as an error on that connector and delays nobody else. The same loop alerts a
/// connector's administrators once per quiet spell when a feed has sent nothing for longer than its quiet interval.
/// </summary>
public sealed class ConnectorPuller(
    IServiceScopeFactory scopes, CatalogueState catalogueState, IHttpClientFactory httpClients, TimeProvider time, Microsoft.Extensions.Options.IOptions<ConnectorOptions> options,
    Microsoft.Extensions.Options.IOptionsMonitor<NotificationOptions> notifications, ILogger<ConnectorPuller> logger)
    : BackgroundService
{
    public const string HttpClientName = "nris-connectors";
    private readonly ConcurrentDictionary<long, Task> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(settings.TickMilliseconds, 50, 60_000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning(e, "Connectors: the worker's pass failed; it runs again at the next tick");
            }
            try
            {
                await Task.Delay(tick, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Let running fetches see the cancellation and end before the host disposes the database.
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or HttpRequestException or DbUpdateException or InvalidOperationException)
        {
            logger.LogDebug(e, "Connectors: a fetch ended with the shutdown");
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
        var connectors = await db.Connectors.AsNoTracking().Where(c => c.Enabled).ToListAsync(ct);
        var now = time.GetUtcNow();
        var nowUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(now));
        foreach (var c in connectors)
        {
            var definition = JsonSerializer.Deserialize<ConnectorDefinition>(c.DefinitionJson, ConnectorDefinition.Json)!;
            if (c.Kind == ConnectorDefinition.PullKind && c.NextPullUs <= nowUs && !_running.ContainsKey(c.Id))
            {
                var task = Task.Run(() => RunPullAsync(c.Id, ct), CancellationToken.None);
                _running[c.Id] = task;
                _ = task.ContinueWith(_ => _running.TryRemove(c.Id, out Task? _), TaskScheduler.Default);
            }
            if (c.QuietAlertedUs is null && ConnectorEndpoints.IsQuiet(c, definition, now))
            {
                await AlertQuietAsync(db, c, definition, nowUs, ct);
            }
        }
    }

    /// <summary>One run of a pull connector: pages until the source has nothing new (or the page cap), then the next run is scheduled.</summary>
    public async Task RunPullAsync(long connectorId, CancellationToken ct)
    {
        var settings = options.Value;
        try
        {
            for (var page = 0; page < Math.Max(1, settings.MaxPagesPerRun); page++)
            {
                if (!await PullPageAsync(connectorId, ct))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server is stopping; the cursor in the database is where the next start resumes.
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning(e, "Connectors: pull run of connector {Id} failed", connectorId);
        }
    }

    /// <summary>Fetches and ingests one page; true when it brought new records and the cursor moved (so there may be more).</summary>
    private async Task<bool> PullPageAsync(long connectorId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
        var ingest = scope.ServiceProvider.GetRequiredService<ConnectorIngest>();
        var catalogue = catalogueState;
        var connector = await db.Connectors.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectorId, ct);
        if (connector is null || !connector.Enabled)
        {
            return false;
        }
        var definition = JsonSerializer.Deserialize<ConnectorDefinition>(connector.DefinitionJson, ConnectorDefinition.Json)!;
        var pull = definition.Pull!;
        var limits = definition.LimitsOrDefault;
        var url = pull.Url.Replace("{cursor}", Uri.EscapeDataString(connector.Cursor ?? ""), StringComparison.Ordinal);
        await MarkAttemptAsync(db, connectorId, ct);

        byte[]? body = null;
        string? etag = null;
        string? failure = null, failureVi = null, code = null;
        for (var attempt = 0; attempt <= pull.MaxRetries; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.RetryBaseMilliseconds * Math.Pow(2, attempt - 1)), ct);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(pull.TimeoutSeconds));
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (connector.ETag is { } known)
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", known);
                }
                var http = httpClients.CreateClient(HttpClientName);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    await SucceededAsync(db, connectorId, pull, ct);
                    return false;
                }
                if (!response.IsSuccessStatusCode)
                {
                    (code, failure, failureVi) = ("http-" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
                        $"The source answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}.",
                        $"Nguồn trả lời {(int)response.StatusCode} {response.ReasonPhrase} cho {url}.");
                    if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                    {
                        break;
                    }
                    continue;
                }
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                body = await ConnectorEndpoints.ReadLimitedAsync(stream, limits.MaxBytes, timeout.Token);
                if (body is null)
                {
                    (code, failure, failureVi) = ("too-large", $"The source sent more than {limits.MaxBytes} bytes; the page was refused.",
                        $"Nguồn gửi quá {limits.MaxBytes} byte; trang dữ liệu bị từ chối.");
                    break;
                }
                etag = response.Headers.ETag?.ToString();
                failure = null;
                break;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                (code, failure, failureVi) = ("timeout", $"The source did not answer within {pull.TimeoutSeconds} s ({url}).",
                    $"Nguồn không trả lời trong {pull.TimeoutSeconds} giây ({url}).");
            }
            catch (HttpRequestException e)
            {
                (code, failure, failureVi) = ("unreachable", $"The source could not be reached ({url}): {e.Message}",
                    $"Không kết nối được tới nguồn ({url}): {e.Message}");
            }
        }
        if (failure is not null || body is null)
        {
            await FailedAsync(db, connectorId, pull, code ?? "error", failure ?? "The fetch failed.", failureVi ?? "Lấy dữ liệu thất bại.", ct);
            return false;
        }

        try
        {
            var regime = catalogue.Current.Regime(connector.RegimeCode, VietnamTime.Today(time)) ?? catalogue.Current.LatestRegime(connector.RegimeCode)!;
            var mapping = await ConnectorEndpoints.MappingAsync(db, definition, ct);
            var batch = ConnectorReader.Read(body, definition, mapping, regime, catalogue.Current);
            if (batch.Records == 0)
            {
                await SucceededAsync(db, connectorId, pull, ct, etag);
                return false;
            }
            var cursor = batch.MaxCursor is { } max && (connector.Cursor is null || ConnectorReader.CompareCursor(max, connector.Cursor) > 0) ? max : connector.Cursor;
            await ingest.IngestAsync(connector, ConnectorIngest.PageBatchId(body), ConnectorIngest.Hash(body), batch, cursor, etag, ct);
            await SucceededAsync(db, connectorId, pull, ct);
            // A page without a cursor field cannot be paged further; one whose cursor did not move has nothing newer.
            return cursor != connector.Cursor;
        }
        catch (ConnectorBatchException e)
        {
            var first = e.Problems[0];
            await FailedAsync(db, connectorId, pull, "invalid-batch", $"{first.Location} ({first.Field}): {first.MessageEn}", $"{first.Location} ({first.Field}): {first.MessageVi}", ct);
        }
        catch (SubmissionException e)
        {
            await FailedAsync(db, connectorId, pull, e.Code, e.MessageEn, e.MessageVi, ct);
        }
        catch (ConnectorBatchConflictException e)
        {
            await FailedAsync(db, connectorId, pull, "batch-conflict", e.Message, "Trùng mã lô với nội dung khác.", ct);
        }
        return false;
    }

    private async Task MarkAttemptAsync(NrisDbContext db, long id, CancellationToken ct)
    {
        var nowUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        await db.Connectors.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastAttemptUs, nowUs), ct);
    }

    private async Task SucceededAsync(NrisDbContext db, long id, ConnectorPull pull, CancellationToken ct, string? etag = null)
    {
        var next = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow().AddSeconds(pull.IntervalSeconds)));
        db.ChangeTracker.Clear();
        var row = await db.Connectors.SingleAsync(c => c.Id == id, ct);
        row.ConsecutiveFailures = 0;
        row.NextPullUs = next;
        if (etag is not null)
        {
            row.ETag = etag;
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task FailedAsync(NrisDbContext db, long id, ConnectorPull pull, string code, string en, string vi, CancellationToken ct)
    {
        await ConnectorEndpoints.RecordErrorAsync(db, id, code, en, vi, time, failure: true, ct);
        var row = await db.Connectors.SingleAsync(c => c.Id == id, ct);
        // Backoff across runs: the interval doubled per consecutive failure, at most an hour (or the interval if longer).
        var delay = Math.Min(pull.IntervalSeconds * Math.Pow(2, Math.Min(row.ConsecutiveFailures - 1, 16)), Math.Max(3600, pull.IntervalSeconds));
        row.NextPullUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow().AddSeconds(delay)));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.LogWarning("Connectors: {Id} failed ({Code}): {Error}", id, code, en);
        }
    }

    /// <summary>
    /// A feed went quiet: an in-app notification to the administrators of its organization (and the system
    /// administrators), an e-mail to those with an address when SMTP is configured, and a post to each webhook that
    /// takes the organization — recorded in the notification send log under a key naming the quiet spell, in the same
    /// transaction that marks the spell alerted, so each spell is alerted exactly once, even with several servers.
    /// </summary>
    private async Task AlertQuietAsync(NrisDbContext db, ConnectorEntity c, ConnectorDefinition definition, long nowUs, CancellationToken ct)
    {
        var spell = (c.LastReceivedUs ?? c.CreatedUs).ToString(CultureInfo.InvariantCulture);
        var catalogue = catalogueState.Current;
        var today = VietnamTime.Today(time);
        var organizations = new HashSet<string>(StringComparer.Ordinal) { c.OrganizationCode };
        foreach (var a in catalogue.Organizations.Ancestors(c.OrganizationCode, today))
        {
            organizations.Add(a.Code);
        }
        var people = await (from g in db.UserGrants.AsNoTracking()
                            join u in db.Users.AsNoTracking() on g.UserId equals u.Id
                            where !u.IsDisabled && (g.Role == nameof(Role.SystemAdministrator) ||
                                                    (g.Role == nameof(Role.AgencyAdministrator) && organizations.Contains(g.OrganizationCode)))
                            select new { u.UserName, u.Email }).Distinct().ToListAsync(ct);
        var settings = notifications.CurrentValue;
        var last = c.LastReceivedUs is { } l ? ConnectorIngest.Us(l) : "—";
        var titleVi = $"Kết nối {c.Name} im lặng";
        var titleEn = $"Connector {c.Name} is quiet";
        var bodyVi = $"Kết nối {c.Name} ({c.RegimeCode}, {c.OrganizationCode}) không nhận được bản ghi nào trong hơn {definition.QuietAfterMinutes} phút; lần nhận cuối: {last}.";
        var bodyEn = $"Connector {c.Name} ({c.RegimeCode}, {c.OrganizationCode}) has received nothing for more than {definition.QuietAfterMinutes} minutes; last received: {last}.";
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var marked = await db.Connectors.Where(x => x.Id == c.Id && x.QuietAlertedUs == null && x.LastReceivedUs == c.LastReceivedUs)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.QuietAlertedUs, nowUs), ct);
        if (marked == 0)
        {
            return; // another server alerted this spell, or a record arrived meanwhile
        }
        void Send(string channel, string address, string body, bool inApp) => db.NotificationSends.Add(new NotificationSendEntity
        {
            Key = $"connector-quiet|{c.Name}|{spell}|{channel}|{address}",
            Channel = channel, Address = address, Kind = "connector", Subject = titleEn + " / " + titleVi, Body = body,
            CreatedUs = nowUs, SentUs = inApp ? nowUs : null, Attempts = inApp ? 1 : 0, NextAttemptUs = nowUs,
        });
        foreach (var p in people.DistinctBy(p => p.UserName))
        {
            Send(NotificationChannels.InApp, p.UserName!, bodyVi + "\n\n" + bodyEn, inApp: true);
            db.Notifications.Add(new NotificationEntity
            {
                UserName = p.UserName!, Kind = "connector", Title = titleVi, TitleEn = titleEn, Body = bodyVi, BodyEn = bodyEn,
                Regime = c.RegimeCode, Reporter = c.OrganizationCode, CreatedUs = nowUs,
            });
            if (!string.IsNullOrWhiteSpace(settings.Smtp.Host) && !string.IsNullOrWhiteSpace(p.Email))
            {
                Send(NotificationChannels.Email, p.Email, bodyVi + "\n\n" + bodyEn, inApp: false);
            }
        }
        foreach (var hook in settings.Webhooks.Where(h => !string.IsNullOrWhiteSpace(h.Url) &&
                     (h.Organizations.Count == 0 || h.Organizations.Contains(c.OrganizationCode, StringComparer.Ordinal))))
        {
            Send(NotificationChannels.Webhook, hook.Url, JsonSerializer.Serialize(new
            {
                id = $"connector-quiet|{c.Name}|{spell}", kind = "connector-quiet", connector = c.Name, regime = c.RegimeCode,
                organization = c.OrganizationCode, lastReceived = last, quietAfterMinutes = definition.QuietAfterMinutes,
                subject = titleEn, textVi = bodyVi, textEn = bodyEn,
            }), inApp: false);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Connectors: {Name} is quiet; {People} administrators alerted", c.Name, people.Count);
        }
    }
}
