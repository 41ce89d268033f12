using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Storage;
using Nris.Storage.Federation;

namespace Nris.Server.Federation;

/// <summary>
/// The child's outbox: follows the local ledger and forwards every entry, in order, to the parent, with the payload
/// of entries of shared regimes and without it for the rest (see <see cref="Core.Federation.ForwardedEntry"/>), plus
/// the signed checkpoints that fall in each batch. The cursor (the last sequence the parent acknowledged) is kept in
/// <c>federation_outbox</c>, so the outbox resumes where it stopped after a restart or days offline; the parent is
/// idempotent on (instance, origin sequence), so a batch resent after a lost answer changes nothing. Failures are
/// retried with exponential backoff up to <see cref="FederationOptions.MaxBackoff"/>.
/// </summary>
public sealed class FederationOutbox(
    FederationOptions options, IServiceScopeFactory scopes, IHttpClientFactory httpClients, TimeProvider time, ILogger<FederationOutbox> logger)
    : BackgroundService
{
    public const string CursorName = "parent";
    public const string HttpClientName = "nris-federation";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.IsChild)
        {
            return;
        }
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Federation: forwarding the ledger to {Parent} as instance {Instance}; shared regimes: {Regimes}",
                options.ParentUrl, options.InstanceId, string.Join(",", options.SharedRegimes));
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await ForwardOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FederationForwardException or DbUpdateException)
            {
                failures++;
                await RecordFailureAsync(e.Message, stoppingToken);
                var delay = TimeSpan.FromMilliseconds(Math.Min(options.MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures, 16))));
                logger.LogWarning("Federation: forwarding failed ({Failures} in a row), next try in {Delay}: {Error}", failures, delay, e.Message);
                await Task.Delay(delay, time, stoppingToken);
                continue;
            }
            if (!more)
            {
                await Task.Delay(options.Poll, time, stoppingToken);
            }
        }
    }

    /// <summary>Sends the next batch after the cursor; returns whether there may be more to send at once.</summary>
    public async Task<bool> ForwardOnceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
        var cursor = await db.FederationOutbox.SingleOrDefaultAsync(c => c.Name == CursorName, cancellationToken);
        if (cursor is null)
        {
            cursor = new FederationOutboxEntity { Name = CursorName };
            db.FederationOutbox.Add(cursor);
            await db.SaveChangesAsync(cancellationToken);
        }
        var head = await db.LedgerEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        if (head <= cursor.AcknowledgedSequence)
        {
            return false;
        }

        var entries = new List<ForwardedEntryDto>();
        long bytes = 0;
        var rows = db.LedgerEntries.AsNoTracking().Where(e => e.Sequence > cursor.AcknowledgedSequence).OrderBy(e => e.Sequence)
            .Take(options.BatchSize).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var shared = IsShared(row.Kind, row.Payload);
            if (entries.Count > 0 && shared && bytes + row.Payload.Length > options.MaxBatchBytes)
            {
                break;
            }
            bytes += shared ? row.Payload.Length : 0;
            entries.Add(new ForwardedEntryDto(row.Sequence, row.Kind, shared ? Convert.ToBase64String(row.Payload) : null,
                shared ? row.Actor : null, row.TimeUs, Convert.ToHexStringLower(row.PreviousHash), Convert.ToHexStringLower(row.Hash)));
        }
        var first = entries[0].Sequence;
        var last = entries[^1].Sequence;
        var checkpoints = await db.LedgerCheckpoints.AsNoTracking().Where(c => c.Sequence >= first && c.Sequence <= last)
            .OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var batch = new ForwardBatchDto(options.InstanceId, head, entries,
            checkpoints.ConvertAll(c => (ForwardedCheckpointDto?)new ForwardedCheckpointDto(c.Sequence, Convert.ToHexStringLower(c.Hash), c.TimeUs, c.KeyId,
                Convert.ToBase64String(c.Signature))));

        var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ParentUrl!, "api/federation/entries"))
        {
            Content = JsonContent.Create(batch),
        };
        request.Headers.Add("X-Api-Key", options.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        using var response = await http.SendAsync(request, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        long acknowledged;
        if (response.IsSuccessStatusCode)
        {
            acknowledged = JsonDocument.Parse(text).RootElement.GetProperty("acknowledged").GetInt64();
        }
        else if (response.StatusCode == HttpStatusCode.Conflict && TryExpected(text, out var expected))
        {
            // The parent holds a different amount than our cursor says (our cursor was lost, or theirs): theirs wins.
            acknowledged = expected - 1;
        }
        else
        {
            throw new FederationForwardException($"The parent answered {(int)response.StatusCode}: {(text.Length > 500 ? text[..500] : text)}");
        }

        var now = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        var moved = acknowledged != cursor.AcknowledgedSequence;
        cursor.AcknowledgedSequence = acknowledged;
        cursor.UpdatedUs = now;
        cursor.LastSuccessUs = now;
        cursor.Attempts = 0;
        await db.SaveChangesAsync(cancellationToken);
        return moved && acknowledged < head;
    }

    private bool IsShared(string kind, byte[] payload)
    {
        if (!kind.StartsWith("submission.", StringComparison.Ordinal) || options.SharedRegimes.Count == 0)
        {
            return false;
        }
        try
        {
            // Both version and decision documents name their regime at the top level.
            var reader = new Utf8JsonReader(payload);
            using var json = JsonDocument.ParseValue(ref reader);
            return json.RootElement.TryGetProperty("regime", out var regime) && regime.GetString() is { } code
                && (options.SharedRegimes.Contains(code) || options.SharedRegimes.Contains("*"));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryExpected(string text, out long expected)
    {
        expected = 0;
        try
        {
            return JsonDocument.Parse(text).RootElement.TryGetProperty("expected", out var e) && e.TryGetInt64(out expected) && expected >= 1;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task RecordFailureAsync(string error, CancellationToken cancellationToken)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            var cursor = await db.FederationOutbox.SingleOrDefaultAsync(c => c.Name == CursorName, cancellationToken);
            if (cursor is null)
            {
                return;
            }
            cursor.Attempts++;
            cursor.LastError = error.Length > 2000 ? error[..2000] : error;
            cursor.LastErrorUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning("Federation: could not record the failure: {Error}", e.Message);
        }
    }
}

/// <summary>The parent refused or failed a batch in a way the outbox retries later.</summary>
public sealed class FederationForwardException(string message) : Exception(message);
