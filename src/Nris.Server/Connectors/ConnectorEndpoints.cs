using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Core.Security;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Connectors;

namespace Nris.Server.Connectors;

/// <summary>One error of a connector, as the health view lists it.</summary>
public sealed record ConnectorErrorDto(DateTimeOffset Time, string Code, string Message, string MessageVi);

/// <summary>
/// A connector with its health: when it last received a record, how many today, how far behind (lag: minutes since the
/// last record), errors, and its state — <c>ok</c>, <c>waiting</c> (nothing received yet), <c>quiet</c> (nothing for
/// longer than quietAfterMinutes), <c>failing</c> (the last fetch or push failed) or <c>disabled</c>.
/// </summary>
public sealed record ConnectorDto(
    string Name, string Kind, string Format, string Regime, string Organization, string? Description, bool Enabled, string State,
    DateTimeOffset? LastReceived, string? LastPeriod, long RecordsToday, long Records, double? LagMinutes, int QuietAfterMinutes,
    long ErrorCount, int ConsecutiveFailures, DateTimeOffset? LastAttempt, string? PullUrl, string? Cursor, DateTimeOffset? NextPull,
    string? KeyId, IReadOnlyList<ConnectorErrorDto> RecentErrors, ConnectorDefinition Definition);

/// <summary>The connector list: every connector the caller administers.</summary>
public sealed record ConnectorListDto(int Count, IReadOnlyList<ConnectorDto> Items);

/// <summary>A created connector, and for a push connector its key — shown this once.</summary>
public sealed record ConnectorCreatedDto(ConnectorDto Connector, string? Key);

/// <summary>Turns a connector on or off.</summary>
public sealed record ConnectorEnabledRequest(bool Enabled);

/// <summary>
/// Live connections (issue #9): administrators define connectors (<c>/api/admin/connectors</c>) and read their health;
/// a push connector's source posts its batches to <c>POST /api/connectors/{name}/observations</c> with the connector's
/// own key, which no other endpoint accepts.
/// </summary>
public static class ConnectorEndpoints
{
    private const int RecentErrors = 20;
    private static readonly ConcurrentDictionary<long, (long Minute, int Count)> Rates = new();

    public static IEndpointRouteBuilder MapConnectorEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/admin/connectors", ListAsync).WithTags("Connectors").RequireNrisAccess(NrisAccess.Administrators)
            .WithSummary("Connectors the caller administers, with their health.");
        routes.MapPost("/api/admin/connectors", CreateAsync).WithTags("Connectors").RequireNrisAccess(NrisAccess.Administrators)
            .WithSummary("Define a push or pull connector; a push connector's key is in the answer, once.");
        var admin = routes.MapGroup("/api/admin/connectors").WithTags("Connectors").RequireNrisAccess(NrisAccess.Administrators);
        admin.MapGet("/{name}", GetAsync).WithSummary("One connector with its health and recent errors.");
        admin.MapPost("/{name}/key", RotateAsync).WithSummary("A new key for a push connector; the old one stops working at once.");
        admin.MapPut("/{name}/enabled", EnableAsync).WithSummary("Turn a connector on or off.");
        routes.MapPost("/api/connectors/{name}/observations", PushAsync).WithTags("Connectors").RequireNrisAccess(NrisAccess.Connector)
            .WithSummary("A push connector's batch of observations (the connector's format), with its own key; Idempotency-Key makes a retry safe.");
        return routes;
    }

    // ------------------------------------------------------------------ admin

    private static async Task<Ok<ConnectorListDto>> ListAsync(AccessScope scope, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        var rows = await db.Connectors.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        var visible = rows.Where(c => scope.CanAdminister(c.OrganizationCode)).ToList();
        var items = new List<ConnectorDto>();
        foreach (var c in visible)
        {
            items.Add(await DtoAsync(db, c, time, ct));
        }
        return TypedResults.Ok(new ConnectorListDto(items.Count, items));
    }

    private static async Task<IResult> GetAsync(string name, AccessScope scope, NrisDbContext db, TimeProvider time, CancellationToken ct) =>
        await FindAsync(db, name, scope, ct) is { } c ? TypedResults.Ok(await DtoAsync(db, c, time, ct)) : NotFound(name);

    private static async Task<IResult> CreateAsync(ConnectorDefinition? definition, HttpContext http, AccessScope scope, NrisDbContext db,
        CatalogueState catalogue, TimeProvider time, CancellationToken ct)
    {
        if (definition is null)
        {
            return Problems.BadRequest("body", "The body is a connector definition (name, kind, format, regime, organization …).",
                "Nội dung là định nghĩa kết nối (name, kind, format, regime, organization …).");
        }
        var problems = definition.Validate(catalogue.Current, VietnamTime.Today(time));
        if (problems.Count > 0)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "bad-request", "Invalid connector", "Kết nối không hợp lệ",
                problems[0].Field + ": " + problems[0].En, problems[0].Field + ": " + problems[0].Vi,
                [.. problems.Select(p => new ProblemError(p.Field, p.En, p.Vi))]);
        }
        if (!scope.CanAdminister(definition.Organization))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Không có quyền",
                $"You do not administer {definition.Organization}, so you cannot connect a source for it.",
                $"Bạn không quản trị {definition.Organization} nên không thể tạo kết nối cho đơn vị này.");
        }
        if (definition.ExchangeMapping is { } mappingName)
        {
            if (await Exchange.ExchangeMappingEndpoints.FindAsync(db, mappingName, ct) is not { } stored)
            {
                return Problems.NotFound("Exchange mapping", Query.Truncate(mappingName), "Bảng ánh xạ trao đổi dữ liệu");
            }
            if (stored.Regime != definition.Regime)
            {
                return Problems.BadRequest("exchangeMapping", $"The mapping '{mappingName}' is for regime {stored.Regime}, not {definition.Regime}.",
                    $"Bảng ánh xạ '{mappingName}' dành cho chế độ {stored.Regime}, không phải {definition.Regime}.");
            }
        }
        if (await db.Connectors.AnyAsync(c => c.Name == definition.Name, ct))
        {
            return Problems.Create(StatusCodes.Status409Conflict, "conflict", "Conflict", "Xung đột",
                $"A connector named '{definition.Name}' exists.", $"Đã có kết nối tên '{definition.Name}'.");
        }
        var (entity, key) = New(definition, NrisClaims.ActorName(http.User), time);
        db.Connectors.Add(entity);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created("/api/admin/connectors/" + entity.Name, new ConnectorCreatedDto(await DtoAsync(db, entity, time, ct), key));
    }

    /// <summary>A new connector row (and a push connector's key); used by the API and by the demo.</summary>
    public static (ConnectorEntity Entity, string? Key) New(ConnectorDefinition definition, string createdBy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(definition);
        string? key = null, keyId = null, hash = null;
        if (definition.Kind == ConnectorDefinition.Push)
        {
            keyId = "k" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
            (key, hash) = Secrets.NewKey(keyId);
        }
        var now = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        return (new ConnectorEntity
        {
            Name = definition.Name, Kind = definition.Kind, RegimeCode = definition.Regime, OrganizationCode = definition.Organization,
            DefinitionJson = JsonSerializer.Serialize(definition, ConnectorDefinition.Json), KeyId = keyId, KeyHash = hash,
            CreatedBy = createdBy, CreatedUs = now, NextPullUs = now,
        }, key);
    }

    private static async Task<IResult> RotateAsync(string name, AccessScope scope, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await FindAsync(db, name, scope, ct) is not { } c)
        {
            return NotFound(name);
        }
        if (c.Kind != ConnectorDefinition.Push)
        {
            return Problems.BadRequest("name", "Only a push connector has a key.", "Chỉ kết nối đẩy mới có khóa.");
        }
        var row = await db.Connectors.SingleAsync(x => x.Id == c.Id, ct);
        var (key, hash) = Secrets.NewKey(row.KeyId!);
        row.KeyHash = hash;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ConnectorCreatedDto(await DtoAsync(db, row, time, ct), key));
    }

    private static async Task<IResult> EnableAsync(string name, ConnectorEnabledRequest? request, AccessScope scope, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await FindAsync(db, name, scope, ct) is not { } c)
        {
            return NotFound(name);
        }
        if (request is null)
        {
            return Problems.BadRequest("enabled", "The body is {\"enabled\": true|false}.", "Nội dung là {\"enabled\": true|false}.");
        }
        var row = await db.Connectors.SingleAsync(x => x.Id == c.Id, ct);
        row.Enabled = request.Enabled;
        row.ConsecutiveFailures = 0;
        row.NextPullUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await DtoAsync(db, row, time, ct));
    }

    private static async Task<ConnectorEntity?> FindAsync(NrisDbContext db, string name, AccessScope scope, CancellationToken ct)
    {
        if (!ConnectorDefinition.IsValidName(name))
        {
            return null;
        }
        var c = await db.Connectors.AsNoTracking().SingleOrDefaultAsync(x => x.Name == name, ct);
        return c is not null && scope.CanAdminister(c.OrganizationCode) ? c : null;
    }

    private static ProblemHttpResult NotFound(string name) => Problems.NotFound("Connector", Query.Truncate(name), "Kết nối");

    /// <summary>A connector's health as of now.</summary>
    public static async Task<ConnectorDto> DtoAsync(NrisDbContext db, ConnectorEntity c, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        var definition = JsonSerializer.Deserialize<ConnectorDefinition>(c.DefinitionJson, ConnectorDefinition.Json)!;
        var now = time.GetUtcNow();
        var today = VietnamTime.Today(time);
        var midnight = LedgerTime.ToUnixMicroseconds(new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), Nris.Core.Periods.ReportingCalendar.VietnamOffset));
        var recordsToday = await db.ConnectorBatches.AsNoTracking().Where(b => b.ConnectorId == c.Id && b.ReceivedUs >= midnight).SumAsync(b => (long)b.Records, ct);
        var errors = await db.ConnectorErrors.AsNoTracking().Where(e => e.ConnectorId == c.Id).OrderByDescending(e => e.Id).Take(RecentErrors).ToListAsync(ct);
        DateTimeOffset? last = c.LastReceivedUs is { } l ? LedgerTime.FromUnixMicroseconds(l) : null;
        double? lag = last is { } t ? Math.Round((now - t).TotalMinutes, 1) : null;
        return new ConnectorDto(c.Name, c.Kind, definition.Format, c.RegimeCode, c.OrganizationCode, definition.Description, c.Enabled,
            StateOf(c, definition, now), last, c.LastPeriod, recordsToday, c.RecordCount, lag, definition.QuietAfterMinutes, c.ErrorCount,
            c.ConsecutiveFailures, c.LastAttemptUs is { } a ? LedgerTime.FromUnixMicroseconds(a) : null, definition.Pull?.Url, c.Cursor,
            c.Kind == ConnectorDefinition.PullKind && c.Enabled ? LedgerTime.FromUnixMicroseconds(c.NextPullUs) : null, c.KeyId,
            [.. errors.Select(e => new ConnectorErrorDto(LedgerTime.FromUnixMicroseconds(e.TimeUs), e.Code, e.MessageEn, e.MessageVi))], definition);
    }

    /// <summary>ok, waiting, quiet, failing or disabled (see <see cref="ConnectorDto"/>).</summary>
    public static string StateOf(ConnectorEntity c, ConnectorDefinition definition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(definition);
        if (!c.Enabled)
        {
            return "disabled";
        }
        if (c.ConsecutiveFailures > 0)
        {
            return "failing";
        }
        if (IsQuiet(c, definition, now))
        {
            return "quiet";
        }
        return c.LastReceivedUs is null ? "waiting" : "ok";
    }

    /// <summary>Whether nothing arrived for longer than the connector's quiet interval (counted from its creation before the first record).</summary>
    public static bool IsQuiet(ConnectorEntity c, ConnectorDefinition definition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(definition);
        var since = LedgerTime.FromUnixMicroseconds(c.LastReceivedUs ?? c.CreatedUs);
        return now - since > TimeSpan.FromMinutes(definition.QuietAfterMinutes);
    }

    /// <summary>Records an error of a connector (a refused push, a failed fetch) and keeps only the latest errors.</summary>
    public static async Task RecordErrorAsync(NrisDbContext db, long connectorId, string code, string en, string vi, TimeProvider time, bool failure, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        db.ConnectorErrors.Add(new ConnectorErrorEntity
        {
            ConnectorId = connectorId, TimeUs = now, Code = code,
            MessageEn = en.Length <= 2000 ? en : en[..2000], MessageVi = vi.Length <= 2000 ? vi : vi[..2000],
        });
        var row = await db.Connectors.SingleAsync(c => c.Id == connectorId, ct);
        row.ErrorCount++;
        row.LastErrorUs = now;
        if (failure)
        {
            row.ConsecutiveFailures++;
        }
        await db.SaveChangesAsync(ct);
        // Keep the most recent errors only: the table is a health view, not an archive (the audit log and logs are).
        var keepFrom = await db.ConnectorErrors.Where(e => e.ConnectorId == connectorId).OrderByDescending(e => e.Id).Skip(200).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
        if (keepFrom is { } cut)
        {
            await db.ConnectorErrors.Where(e => e.ConnectorId == connectorId && e.Id <= cut).ExecuteDeleteAsync(ct);
        }
        db.ChangeTracker.Clear();
    }

    // ------------------------------------------------------------------ push

    private static async Task<IResult> PushAsync(string name, HttpContext http, NrisDbContext db, CatalogueState catalogue, ConnectorIngest ingest,
        TimeProvider time, CancellationToken ct)
    {
        // The key names its connector: a key posts to its own connector only.
        if (http.User.FindFirst(NrisClaims.Connector)?.Value != name)
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Không có quyền",
                "This key belongs to another connector.", "Khóa này thuộc về một kết nối khác.");
        }
        var connector = await db.Connectors.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, ct);
        if (connector is null || !connector.Enabled || connector.Kind != ConnectorDefinition.Push)
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Không có quyền",
                "The connector is disabled or does not take pushes.", "Kết nối đã tắt hoặc không nhận dữ liệu đẩy.");
        }
        var definition = JsonSerializer.Deserialize<ConnectorDefinition>(connector.DefinitionJson, ConnectorDefinition.Json)!;
        var limits = definition.LimitsOrDefault;
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var rate = Rates.AddOrUpdate(connector.Id, _ => (minute, 1), (_, r) => r.Minute == minute ? (minute, r.Count + 1) : (minute, 1));
        if (rate.Count > limits.MaxRequestsPerMinute)
        {
            return Problems.Create(StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many requests", "Quá nhiều yêu cầu",
                $"This connector takes at most {limits.MaxRequestsPerMinute.ToString(CultureInfo.InvariantCulture)} pushes a minute; wait and retry with the same Idempotency-Key.",
                $"Kết nối này nhận tối đa {limits.MaxRequestsPerMinute.ToString(CultureInfo.InvariantCulture)} lần đẩy mỗi phút; hãy đợi rồi gửi lại với cùng Idempotency-Key.");
        }
        string? batchId = null;
        if (http.Request.Headers.TryGetValue("Idempotency-Key", out var header))
        {
            batchId = header.ToString();
            if (batchId.Length is 0 or > 150)
            {
                return Problems.BadRequest("Idempotency-Key", "The Idempotency-Key header must have 1 to 150 characters.", "Tiêu đề Idempotency-Key phải có từ 1 đến 150 ký tự.");
            }
        }

        var body = await ReadLimitedAsync(http.Request.Body, limits.MaxBytes, ct);
        if (body is null)
        {
            await RecordErrorAsync(db, connector.Id, "too-large", $"A push over {limits.MaxBytes} bytes was refused.", $"Một lần đẩy quá {limits.MaxBytes} byte đã bị từ chối.", time, failure: true, ct);
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-large", "Batch too large", "Lô dữ liệu quá lớn",
                $"This connector takes at most {limits.MaxBytes.ToString(CultureInfo.InvariantCulture)} bytes per push.",
                $"Kết nối này nhận tối đa {limits.MaxBytes.ToString(CultureInfo.InvariantCulture)} byte mỗi lần đẩy.",
                [new ProblemError("body", "The body is too large.", "Nội dung quá lớn.")]);
        }
        var hash = ConnectorIngest.Hash(body);
        // Without an Idempotency-Key the body is its own id: the same bytes pushed twice are one batch.
        batchId ??= "body-" + Convert.ToHexStringLower(hash)[..32];
        try
        {
            if (await ingest.FindAsync(connector, batchId, hash, ct) is { } replay)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Ok(replay);
            }
            var regime = catalogue.Current.Regime(connector.RegimeCode, VietnamTime.Today(time)) ?? catalogue.Current.LatestRegime(connector.RegimeCode)!;
            var mapping = await MappingAsync(db, definition, ct);
            var batch = ConnectorReader.Read(body, definition, mapping, regime, catalogue.Current);
            var result = await ingest.IngestAsync(connector, batchId, hash, batch, null, null, ct);
            return TypedResults.Ok(result);
        }
        catch (ConnectorBatchException e)
        {
            var first = e.Problems[0];
            await RecordErrorAsync(db, connector.Id, "invalid-batch", $"{first.Location} ({first.Field}): {first.MessageEn}", $"{first.Location} ({first.Field}): {first.MessageVi}", time, failure: true, ct);
            return Problems.Create(e.Status, e.Status == StatusCodes.Status413PayloadTooLarge ? "too-large" : "invalid-batch",
                "The batch was refused; nothing of it was stored", "Lô dữ liệu bị từ chối; không lưu bản ghi nào",
                $"{first.Location} ({first.Field}): {first.MessageEn}", $"{first.Location} ({first.Field}): {first.MessageVi}",
                [.. e.Problems.Select(p => new ProblemError(p.Field.Length > 0 ? p.Location + "." + p.Field : p.Location, p.MessageEn, p.MessageVi))]);
        }
        catch (ConnectorBatchConflictException e)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused", "Idempotency-Key bị dùng lại",
                $"The Idempotency-Key '{Query.Truncate(e.BatchId)}' was already used for a different batch.",
                $"Idempotency-Key '{Query.Truncate(e.BatchId)}' đã được dùng cho một lô khác.",
                [new ProblemError("Idempotency-Key", "Used for a different batch.", "Đã dùng cho một lô khác.")]);
        }
        catch (SubmissionException e)
        {
            await RecordErrorAsync(db, connector.Id, e.Code, e.MessageEn, e.MessageVi, time, failure: true, ct);
            return SubmissionEndpoints.Map(e);
        }
    }

    /// <summary>The code tables of a connector: inline, or those of the stored exchange mapping it names.</summary>
    public static async Task<ConnectorMapping?> MappingAsync(NrisDbContext db, ConnectorDefinition definition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.ExchangeMapping is not { } name)
        {
            return definition.Mapping;
        }
        var stored = await Exchange.ExchangeMappingEndpoints.FindAsync(db, name, ct)
            ?? throw new ConnectorBatchException([new("connector", "exchangeMapping", $"The connector's exchange mapping '{name}' no longer exists.",
                $"Bảng ánh xạ '{name}' của kết nối không còn tồn tại.")], StatusCodes.Status422UnprocessableEntity);
        return new ConnectorMapping(stored.Indicators, stored.Territories, stored.Disaggregations, stored.Periods);
    }

    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes (read no further than that).</summary>
    public static async Task<byte[]?> ReadLimitedAsync(Stream stream, long max, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
