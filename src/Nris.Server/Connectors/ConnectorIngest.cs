using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Catalogue;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Connectors;

namespace Nris.Server.Connectors;

/// <summary>What became of one report (one period) of a batch.</summary>
public sealed record ConnectorReportResult(string Period, int Version, long LedgerSequence, int Values);

/// <summary>What a batch did: its id, how many records, the report versions it wrote; <see cref="Replayed"/> for a retry.</summary>
public sealed record ConnectorBatchResult(string Connector, string BatchId, int Records, IReadOnlyList<ConnectorReportResult> Reports, bool Replayed = false);

/// <summary>The same batch id came again with another body.</summary>
public sealed class ConnectorBatchConflictException(string batchId)
    : Exception($"The batch id '{batchId}' was already used for a different batch.")
{
    public string BatchId { get; } = batchId;
}

/// <summary>
/// Turns a connector's checked batch into ledgered submission versions through the ordinary submission path: one
/// report per period (regime × day × the connector's organization). A report that exists is revised with the batch's
/// values laid over its current ones, so a feed may send a day in several batches; a warning rule that fires is
/// explained automatically as "received from connector …", so it is flagged for review instead of stopping the feed,
/// while an error refuses the batch. Every report of a batch is validated before the first is written, so a batch
/// that does not fit stores nothing.
/// </summary>
/// <remarks>
/// Exactly once: each report version carries the idempotency key "batch id | period" under the connector's actor
/// name, and the batch row is written after the last of them. A retried batch whose row exists is answered from it;
/// one interrupted half-way (a crash, a lost answer) skips the periods already written and writes the rest.
/// </remarks>
public sealed class ConnectorIngest(NrisDbContext db, SubmissionService submissions, CatalogueState catalogue, TimeProvider time)
{
    private static readonly ConcurrentDictionary<long, SemaphoreSlim> Locks = new();
    private const int MaxConflictRetries = 5;

    /// <summary>The ledger actor of a connector: what provenance and report history show as "submitted by".</summary>
    public static string ActorName(string connector) => "connector:" + connector;

    public static byte[] Hash(byte[] body) => SHA256.HashData(body);

    /// <summary>The stored answer to a batch id, or null; a different body under the same id throws.</summary>
    public async Task<ConnectorBatchResult?> FindAsync(ConnectorEntity connector, string batchId, byte[] bodyHash, CancellationToken ct)
    {
        var stored = await db.ConnectorBatches.AsNoTracking().SingleOrDefaultAsync(b => b.ConnectorId == connector.Id && b.BatchId == batchId, ct);
        if (stored is null)
        {
            return null;
        }
        if (!stored.BodyHash.AsSpan().SequenceEqual(bodyHash))
        {
            throw new ConnectorBatchConflictException(batchId);
        }
        return JsonSerializer.Deserialize<ConnectorBatchResult>(stored.ResultJson, ConnectorDefinition.Json)! with { Replayed = true };
    }

    /// <summary>Writes a checked batch; for a pull, the new cursor and ETag are saved with the batch row, in one transaction.</summary>
    public async Task<ConnectorBatchResult> IngestAsync(ConnectorEntity connector, string batchId, byte[] bodyHash, ConnectorBatch batch,
        string? cursor, string? etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(batch);
        var gate = Locks.GetOrAdd(connector.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (await FindAsync(connector, batchId, bodyHash, ct) is { } earlier)
            {
                return earlier;
            }
            var actor = new SubmissionActor(ActorName(connector.Name), connector.OrganizationCode);
            var byPeriod = batch.Values.GroupBy(v => v.Period).OrderBy(g => g.Key.Start).ToList();

            // Validate every report of the batch before writing any, so a refused batch stores nothing.
            var plans = new List<(ReportKey Key, IReadOnlyList<ReportValue> Values, string IdempotencyKey)>();
            foreach (var group in byPeriod)
            {
                var key = new ReportKey(connector.RegimeCode, group.Key, connector.OrganizationCode);
                var idempotencyKey = batchId + "|" + group.Key;
                if (await WrittenAsync(actor, idempotencyKey, ct))
                {
                    continue;
                }
                var merged = await MergedAsync(key, group.Select(g => g.Value), ct);
                await PrecheckAsync(key, merged.Values, merged.State, connector.Name, ct);
                plans.Add((key, [.. group.Select(g => g.Value)], idempotencyKey));
            }

            var reports = new List<ConnectorReportResult>();
            foreach (var group in byPeriod)
            {
                var idempotencyKey = batchId + "|" + group.Key;
                var plan = plans.FirstOrDefault(p => p.IdempotencyKey == idempotencyKey);
                if (plan.Key is null)
                {
                    reports.Add(await StoredAsync(actor, idempotencyKey, group.Key, group.Count(), ct));
                    continue;
                }
                reports.Add(await WriteAsync(plan.Key, plan.Values, plan.IdempotencyKey, actor, connector.Name, batchId, ct));
            }

            var result = new ConnectorBatchResult(connector.Name, batchId, batch.Records, reports);
            var now = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
            db.ConnectorBatches.Add(new ConnectorBatchEntity
            {
                ConnectorId = connector.Id, BatchId = batchId, BodyHash = bodyHash, Records = batch.Records,
                ResultJson = JsonSerializer.Serialize(result, ConnectorDefinition.Json), ReceivedUs = now,
            });
            var row = await db.Connectors.SingleAsync(c => c.Id == connector.Id, ct);
            row.LastReceivedUs = now;
            row.RecordCount += batch.Records;
            row.ConsecutiveFailures = 0;
            row.QuietAlertedUs = null;
            if (cursor is not null)
            {
                row.Cursor = cursor;
            }
            if (etag is not null)
            {
                row.ETag = etag;
            }
            if (byPeriod.Count > 0)
            {
                var last = byPeriod[^1].Key.ToString();
                if (row.LastPeriod is null || string.CompareOrdinal(last, row.LastPeriod) > 0)
                {
                    row.LastPeriod = last;
                }
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed record Merged(IReadOnlyList<ReportValue> Values, SubmissionState? State, int Version);

    /// <summary>The report's current values with the batch's laid over them (same indicator, disaggregation and territory: the batch wins).</summary>
    private async Task<Merged> MergedAsync(ReportKey key, IEnumerable<ReportValue> incoming, CancellationToken ct)
    {
        var target = submissions.Describe(key) ?? throw new SubmissionRefusedException(SubmissionRefusedException.UnknownRegime,
            $"Không có chế độ {key.RegimeCode} hoặc đơn vị {key.ReporterCode} cho kỳ {key.Period}.",
            $"There is no regime {key.RegimeCode} or reporter {key.ReporterCode} for period {key.Period}.");
        var own = target.Reporter.TerritoryCode ?? Territory.NationCode;
        var cells = new Dictionary<(string, string, string), ReportValue>();
        SubmissionState? state = null;
        var version = 0;
        if (await submissions.GetAsync(key, ct) is { } report)
        {
            state = report.State;
            version = report.CurrentVersion;
            foreach (var v in await submissions.GetValuesAsync(key, report.CurrentVersion, ct))
            {
                cells[(v.IndicatorCode, v.Disaggregation, v.TerritoryCode ?? own)] = v;
            }
        }
        foreach (var v in incoming)
        {
            var territory = v.TerritoryCode ?? own;
            cells[(v.IndicatorCode, v.Disaggregation, territory)] = v with { TerritoryCode = territory };
        }
        return new Merged([.. cells.Values], state, version);
    }

    private async Task PrecheckAsync(ReportKey key, IReadOnlyList<ReportValue> values, SubmissionState? state, string connector, CancellationToken ct)
    {
        if (state == SubmissionState.Accepted)
        {
            throw new SubmissionRefusedException("accepted",
                $"Báo cáo {key} đã được tiếp nhận; cơ quan nhận phải mở lại trước khi kết nối {connector} gửi thêm số liệu cho kỳ này.",
                $"Report {key} has been accepted; the recipient must reopen it before connector {connector} can send more values for this period.");
        }
        var target = submissions.Describe(key)!;
        var history = await CurrentValueHistory.LoadAsync(db, key.ReporterCode, key.Period, ct);
        var validation = new SubmissionValidator(catalogue.Current, target.Regime).Validate(key.Period, target.Reporter, values, Explanations(target.Regime, connector), history);
        if (!validation.CanSubmit)
        {
            throw new SubmissionRejectedException(validation);
        }
    }

    /// <summary>Every warning rule of the regime explained as coming from the connector: flagged for review, not a stop.</summary>
    private static List<WarningExplanation> Explanations(Regime regime, string connector) =>
    [
        .. regime.Rules.Where(r => r.Severity == RuleSeverity.Warning).Select(r => new WarningExplanation(r.Code,
            $"Nhận tự động từ kết nối {connector}; cần rà soát. / Received automatically from connector {connector}; to be reviewed.")),
    ];

    private async Task<ConnectorReportResult> WriteAsync(ReportKey key, IReadOnlyList<ReportValue> incoming, string idempotencyKey, SubmissionActor actor,
        string connector, string batchId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var merged = await MergedAsync(key, incoming, ct);
            var target = submissions.Describe(key)!;
            var request = new SubmissionRequest(merged.Values, Explanations(target.Regime, connector), idempotencyKey);
            try
            {
                var result = merged.Version == 0
                    ? await submissions.SubmitAsync(key, request, actor, ct)
                    : await submissions.ReviseAsync(key, merged.Version,
                        $"Kết nối {connector}, lô {batchId} / connector {connector}, batch {batchId}", request, actor, ct);
                return new ConnectorReportResult(key.Period.ToString(), result.Version, result.LedgerSequence, incoming.Count);
            }
            catch (SubmissionConflictException) when (attempt < MaxConflictRetries)
            {
                // Someone else (a person revising by hand) wrote a version in between: merge over that one instead.
            }
        }
    }

    private Task<bool> WrittenAsync(SubmissionActor actor, string idempotencyKey, CancellationToken ct) =>
        db.IdempotencyKeys.AsNoTracking().AnyAsync(k => k.Scope == actor.User && k.Key == idempotencyKey, ct);

    private async Task<ConnectorReportResult> StoredAsync(SubmissionActor actor, string idempotencyKey, Period period, int values, CancellationToken ct)
    {
        var stored = await db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Scope == actor.User && k.Key == idempotencyKey, ct);
        using var json = JsonDocument.Parse(stored.ResultJson);
        var root = json.RootElement;
        return new ConnectorReportResult(period.ToString(),
            root.TryGetProperty("version", out var v) ? v.GetInt32() : 0,
            root.TryGetProperty("ledgerSequence", out var s) ? s.GetInt64() : 0, values);
    }

    /// <summary>A batch id for a pulled page: the hash of its bytes, so the same page read twice is one batch.</summary>
    public static string PageBatchId(byte[] body) => "pull-" + Convert.ToHexStringLower(SHA256.HashData(body))[..32];

    internal static string Us(long us) => LedgerTime.FromUnixMicroseconds(us).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
