using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Federation;
using Nris.Core.Ledger;
using Nris.Core.Security;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Storage;
using Nris.Storage.Federation;

namespace Nris.Server.Federation;

/// <summary>A registered child instance and the state of its link, as the status API shows it.</summary>
public sealed record FederationInstanceDto(
    string InstanceId, string OrganizationCode, string State, long LastSequence, string LastHash, DateTimeOffset? LastReceivedAt,
    long OriginHead, long Lag, long LastCheckpointSequence, long AppliedCount, long ErrorCount, string? LastError, DateTimeOffset? LastErrorAt,
    IReadOnlyList<FederationIncidentDto> Incidents, long CatalogueSequence = 0, DateTimeOffset? CatalogueReadAt = null);

/// <summary>A refused forwarded entry.</summary>
public sealed record FederationIncidentDto(long OriginSequence, string Code, string MessageEn, string MessageVi, DateTimeOffset Time);

/// <summary>The body that registers a child instance at the parent.</summary>
public sealed record RegisterInstanceDto(string? InstanceId, string? OrganizationCode, string? PublicKeyPem);

/// <summary>The child's outbox as its status API shows it.</summary>
public sealed record FederationOutboxDto(
    bool Configured, string? ParentUrl, string InstanceId, IReadOnlyList<string> SharedRegimes, long Acknowledged, long LedgerHead, long Lag,
    DateTimeOffset? LastSuccessAt, long FailedAttempts, string? LastError, DateTimeOffset? LastErrorAt);

/// <summary>The records a forwarded local entry carries: which instance and which of its ledger entries it came from.</summary>
public sealed record FederationOriginDto(long LocalSequence, string InstanceId, long OriginSequence, string OriginHash, string Kind);

/// <summary>Federation over HTTP (issue #9): children forward their ledger here; operators register children and watch the links.</summary>
public static class FederationEndpoints
{
    public const int MaxEntriesPerBatch = 1000;
    public const int MaxInstanceIdLength = 64;
    public const int MaxPublicKeyLength = 4096;

    public static IEndpointRouteBuilder MapFederationEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/federation/entries", ReceiveAsync).WithTags("Federation").RequireNrisAccess(Role.Reporter)
            .WithSummary("A child instance forwards consecutive entries of its ledger (its API client must belong to the instance's organization).");
        routes.MapGet("/api/federation/instances", ListAsync).WithTags("Federation").RequireNrisAccess(NrisAccess.Administrators)
            .WithSummary("The registered child instances in the caller's scope: last entry received, lag, errors, verification state.");
        routes.MapGet("/api/federation/origin", OriginAsync).WithTags("Federation").RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Which child instance and origin ledger entry a local ledger entry came from (?sequence=).");
        routes.MapPost("/api/admin/federation/instances", RegisterAsync).WithTags("Federation").RequireNrisAccess(Role.SystemAdministrator)
            .WithSummary("Register a child instance: its id, its organization and its checkpoint public key.");
        routes.MapPost("/api/admin/federation/instances/{instanceId}/resume", ResumeAsync).WithTags("Federation").RequireNrisAccess(Role.SystemAdministrator)
            .WithSummary("Resume a stopped link after the cause of a refusal was dealt with; the incidents stay on record.");
        routes.MapGet("/api/admin/federation/outbox", OutboxAsync).WithTags("Federation").RequireNrisAccess(Role.SystemAdministrator)
            .WithSummary("This instance's forwarding to its parent: cursor, ledger head, lag, last error.");
        routes.MapCatalogueFeedEndpoints();
        return routes;
    }

    private static async Task<Results<Ok<ForwardResultDto>, ProblemHttpResult>> ReceiveAsync(
        ForwardBatchDto? batch, AccessScope scope, NrisDbContext db, FederationReceiver receiver, CancellationToken ct)
    {
        if (batch?.InstanceId is not { Length: > 0 and <= MaxInstanceIdLength } instanceId)
        {
            return Problems.BadRequest("instanceId", "instanceId is required (1 to 64 characters).", "Cần instanceId (1 đến 64 ký tự).");
        }
        if (batch.Entries is not { Count: > 0 and <= MaxEntriesPerBatch } dtos)
        {
            return Problems.BadRequest("entries", $"entries must hold 1 to {MaxEntriesPerBatch} entries.", $"entries phải có từ 1 đến {MaxEntriesPerBatch} bản ghi.");
        }
        var instance = await db.FederationInstances.AsNoTracking().SingleOrDefaultAsync(i => i.InstanceId == instanceId, ct);
        // The caller must report for the instance's organization; to anyone else the instance does not exist.
        if (instance is null || !(scope.IsSystemAdministrator || scope.Grants.Any(g => g.Role == Role.Reporter && g.OrganizationCode == instance.OrganizationCode)))
        {
            return Problems.NotFound("Federated instance", instanceId, "Hệ thống liên kết");
        }
        var entries = new List<ForwardedEntry>(dtos.Count);
        for (var i = 0; i < dtos.Count; i++)
        {
            if (ToEntry(dtos[i], i, out var entry) is { } problem)
            {
                return problem;
            }
            entries.Add(entry!);
        }
        var checkpoints = new List<Checkpoint>();
        var checkpointDtos = batch.Checkpoints ?? [];
        for (var i = 0; i < checkpointDtos.Count; i++)
        {
            var c = checkpointDtos[i];
            if (c is null || !TryHex(c.Hash, out var hash) || c.KeyId is not { Length: > 0 } || !TryBase64(c.Signature, out var signature)
                || !TryTime(c.TimeUs, out var when))
            {
                return Problems.BadRequest($"checkpoints[{i}]", "A checkpoint needs sequence, hash (hex), timeUs, keyId and signature (base64).",
                    "Điểm kiểm tra cần sequence, hash (hex), timeUs, keyId và signature (base64).");
            }
            checkpoints.Add(new Checkpoint(c.Sequence, hash!, when, c.KeyId, signature!));
        }

        var outcome = await receiver.ReceiveAsync(instance, batch.OriginHead, entries, checkpoints, ct);
        switch (outcome)
        {
            case ReceiveOutcome.Accepted accepted:
                return TypedResults.Ok(new ForwardResultDto(instanceId, accepted.Acknowledged, accepted.Applied));
            case ReceiveOutcome.Gap gap:
            {
                var problem = Problems.Create(StatusCodes.Status409Conflict, "federation-gap", "Not the next entry", "Không phải bản ghi tiếp theo",
                    $"This instance holds entries up to {gap.Expected - 1} of {instanceId}; send from {gap.Expected}.",
                    $"Hệ thống này đã có đến bản ghi {gap.Expected - 1} của {instanceId}; hãy gửi từ bản ghi {gap.Expected}.");
                problem.ProblemDetails.Extensions["expected"] = gap.Expected;
                return problem;
            }
            case ReceiveOutcome.Refused refused:
            {
                var problem = Problems.Create(StatusCodes.Status422UnprocessableEntity, "federation-refused", "Forwarded entry refused",
                    "Bản ghi chuyển tiếp bị từ chối", refused.Break.MessageEn, refused.Break.MessageVi,
                    [new ProblemError($"entries[sequence={refused.Sequence.ToString(CultureInfo.InvariantCulture)}]", refused.Break.MessageEn, refused.Break.MessageVi)]);
                problem.ProblemDetails.Extensions["code"] = refused.Break.Code;
                problem.ProblemDetails.Extensions["acknowledged"] = refused.Acknowledged;
                return problem;
            }
            default:
            {
                var stopped = (ReceiveOutcome.Stopped)outcome;
                return Problems.Create(StatusCodes.Status423Locked, "federation-stopped", "Link stopped", "Liên kết đã dừng",
                    $"The link from {instanceId} was stopped after a refused entry: {stopped.LastError}",
                    $"Liên kết từ {instanceId} đã dừng sau một bản ghi bị từ chối.");
            }
        }
    }

    private static ProblemHttpResult? ToEntry(ForwardedEntryDto? dto, int index, out ForwardedEntry? entry)
    {
        entry = null;
        var field = $"entries[{index.ToString(CultureInfo.InvariantCulture)}]";
        if (dto is null || dto.Sequence < 1 || !LedgerEntryKind.IsWellFormed(dto.Kind))
        {
            return Problems.BadRequest(field, "An entry needs a sequence ≥ 1 and a well-formed kind.", "Bản ghi cần sequence ≥ 1 và kind hợp lệ.");
        }
        if (!TryHex(dto.PreviousHash, out var previous) || !TryHex(dto.Hash, out var hash))
        {
            return Problems.BadRequest(field + ".hash", "previousHash and hash must be 32 bytes in hex.", "previousHash và hash phải là 32 byte dạng hex.");
        }
        if (!TryTime(dto.TimeUs, out var when))
        {
            return Problems.BadRequest(field + ".timeUs", "timeUs is out of range.", "timeUs nằm ngoài phạm vi.");
        }
        byte[]? payload = null;
        if (dto.Payload is not null)
        {
            if (!TryBase64(dto.Payload, out payload) || dto.Actor is not { Length: > 0 })
            {
                return Problems.BadRequest(field + ".payload", "A shared entry needs its payload in base64 and its actor.", "Bản ghi chia sẻ cần payload (base64) và actor.");
            }
        }
        entry = new ForwardedEntry(dto.Sequence, dto.Kind!, payload, payload is null ? null : dto.Actor, when, previous!, hash!);
        return null;
    }

    private static bool TryHex(string? text, out byte[]? bytes)
    {
        bytes = null;
        if (text is not { Length: LedgerHasher.HashSize * 2 })
        {
            return false;
        }
        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryBase64(string? text, out byte[]? bytes)
    {
        bytes = null;
        if (text is null)
        {
            return false;
        }
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryTime(long us, out DateTimeOffset when)
    {
        try
        {
            when = LedgerTime.FromUnixMicroseconds(us);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            when = default;
            return false;
        }
    }

    private static async Task<Ok<List<FederationInstanceDto>>> ListAsync(AccessScope scope, NrisDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await InstancesAsync(scope, db, ct));

    /// <summary>The registered child instances <paramref name="scope"/> administers, as the status API and page show them.</summary>
    public static async Task<List<FederationInstanceDto>> InstancesAsync(AccessScope scope, NrisDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(db);
        var instances = await db.FederationInstances.AsNoTracking().OrderBy(i => i.InstanceId).ToListAsync(ct);
        var list = new List<FederationInstanceDto>();
        foreach (var i in instances.Where(i => scope.CanAdminister(i.OrganizationCode)))
        {
            var incidents = await db.FederationIncidents.AsNoTracking().Where(x => x.InstanceId == i.InstanceId).OrderByDescending(x => x.Id).Take(20)
                .ToListAsync(ct);
            list.Add(new FederationInstanceDto(i.InstanceId, i.OrganizationCode, i.State, i.LastSequence, Convert.ToHexStringLower(i.LastHash),
                At(i.LastReceivedUs), i.OriginHead, Math.Max(0, i.OriginHead - i.LastSequence), i.LastCheckpointSequence, i.AppliedCount,
                i.ErrorCount, i.LastError, At(i.LastErrorUs),
                incidents.ConvertAll(x => new FederationIncidentDto(x.OriginSequence, x.Code, x.MessageEn, x.MessageVi, LedgerTime.FromUnixMicroseconds(x.TimeUs))),
                i.CatalogueSequence, At(i.CatalogueReadUs)));
        }
        return list;
    }

    private static async Task<Results<Ok<FederationOriginDto>, ProblemHttpResult>> OriginAsync(long? sequence, AccessScope scope, NrisDbContext db, CancellationToken ct)
    {
        if (sequence is not { } s || s < 1)
        {
            return Problems.BadRequest("sequence", "sequence (a local ledger sequence ≥ 1) is required.", "Cần sequence (số thứ tự sổ cái ≥ 1).");
        }
        var row = await db.FederationEntries.AsNoTracking().SingleOrDefaultAsync(e => e.LocalSequence == s, ct);
        var instance = row is null ? null : await db.FederationInstances.AsNoTracking().SingleAsync(i => i.InstanceId == row.InstanceId, ct);
        if (row is null || instance is null || !scope.CanRead(instance.OrganizationCode))
        {
            return Problems.NotFound("Forwarded ledger entry", s.ToString(CultureInfo.InvariantCulture), "Bản ghi chuyển tiếp");
        }
        return TypedResults.Ok(new FederationOriginDto(s, row.InstanceId, row.OriginSequence, Convert.ToHexStringLower(row.OriginHash), row.Kind));
    }

    private static async Task<Results<Created<FederationInstanceDto>, ProblemHttpResult>> RegisterAsync(
        RegisterInstanceDto? body, NrisDbContext db, CatalogueState catalogue, TimeProvider time, AuditLog audit, CancellationToken ct)
    {
        if (body?.InstanceId is not { Length: > 0 and <= MaxInstanceIdLength } id || !LedgerEntryKind.IsWellFormed(id))
        {
            return Problems.BadRequest("instanceId", "instanceId must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter.",
                "instanceId phải gồm 1 đến 64 chữ thường, chữ số, '-' hoặc '_', bắt đầu bằng chữ cái.");
        }
        if (body.OrganizationCode is not { Length: > 0 } org || catalogue.Current.Organizations.Find(org, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)) is null)
        {
            return Problems.BadRequest("organizationCode", "organizationCode must name an existing organization.", "organizationCode phải là một cơ quan có trong danh mục.");
        }
        if (body.PublicKeyPem is not { Length: > 0 and <= MaxPublicKeyLength } pem)
        {
            return Problems.BadRequest("publicKeyPem", "publicKeyPem (the child's GET /api/ledger/public-key) is required.", "Cần publicKeyPem (khóa công khai của hệ thống con).");
        }
        try
        {
            using var verifier = new CheckpointVerifier([pem]);
            if (verifier.KeyIds.Count != 1)
            {
                throw new System.Security.Cryptography.CryptographicException("not exactly one key");
            }
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            return Problems.BadRequest("publicKeyPem", "publicKeyPem must hold exactly one P-256 public key in PEM.", "publicKeyPem phải chứa đúng một khóa công khai P-256 dạng PEM.");
        }
        if (await db.FederationInstances.AnyAsync(i => i.InstanceId == id, ct))
        {
            return Problems.Create(StatusCodes.Status409Conflict, "conflict", "Already registered", "Đã đăng ký",
                $"Instance '{id}' is already registered.", $"Hệ thống '{id}' đã được đăng ký.");
        }
        var row = new FederationInstanceEntity
        {
            InstanceId = id, OrganizationCode = org, PublicKeyPem = pem, RegisteredUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow())),
            LastHash = LedgerChain.GenesisPreviousHash, State = "ok",
        };
        db.FederationInstances.Add(row);
        await db.SaveChangesAsync(ct);
        string keyId;
        using (var verifier = new CheckpointVerifier([pem]))
        {
            keyId = verifier.KeyIds.Single();
        }
        await audit.WriteAsync(AuditActions.FederationInstanceRegistered, "federation instance " + id, org, "checkpoint key " + keyId, ct);
        return TypedResults.Created($"/api/federation/instances#{id}", new FederationInstanceDto(id, org, row.State, 0,
            Convert.ToHexStringLower(row.LastHash), null, 0, 0, 0, 0, 0, null, null, []));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResumeAsync(string instanceId, NrisDbContext db, AuditLog audit, CancellationToken ct)
    {
        var row = await db.FederationInstances.SingleOrDefaultAsync(i => i.InstanceId == instanceId, ct);
        if (row is null)
        {
            return Problems.NotFound("Federated instance", instanceId, "Hệ thống liên kết");
        }
        // The chain position is kept: the child continues after the last entry that was accepted.
        var was = row.State;
        row.State = "ok";
        await db.SaveChangesAsync(ct);
        // Who resumed a stopped link, and after which refusal, stays on record next to the incidents.
        await audit.WriteAsync(AuditActions.FederationLinkResumed, "federation instance " + instanceId, row.OrganizationCode,
            string.Create(CultureInfo.InvariantCulture, $"state was {was}; continues after origin entry {row.LastSequence}; last error: {row.LastError ?? "none"}"), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<FederationOutboxDto>> OutboxAsync(FederationOptions options, NrisDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await OutboxStatusAsync(options, db, ct));

    /// <summary>This instance's forwarding to its parent, as the status API and page show it.</summary>
    public static async Task<FederationOutboxDto> OutboxStatusAsync(FederationOptions options, NrisDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(db);
        var cursor = await db.FederationOutbox.AsNoTracking().SingleOrDefaultAsync(c => c.Name == FederationOutbox.CursorName, ct);
        var head = await db.LedgerEntries.MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        var acknowledged = cursor?.AcknowledgedSequence ?? 0;
        return new FederationOutboxDto(options.IsChild, options.ParentUrl?.ToString(), options.InstanceId,
            [.. options.SharedRegimes.Order(StringComparer.Ordinal)], acknowledged, head, Math.Max(0, head - acknowledged), At(cursor?.LastSuccessUs),
            cursor?.Attempts ?? 0, cursor?.LastError, At(cursor?.LastErrorUs));
    }

    private static DateTimeOffset? At(long? us) => us is { } u ? LedgerTime.FromUnixMicroseconds(u) : null;
}
