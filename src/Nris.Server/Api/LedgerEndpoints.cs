using Microsoft.AspNetCore.Http.HttpResults;
using Nris.Core.Ledger;
using Nris.Core.Security;
using Nris.Server.Auth;
using Nris.Server.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Server.Api;

public sealed record CheckpointDto(long Sequence, string Hash, DateTimeOffset Time, string KeyId, string Signature)
{
    public static CheckpointDto From(Checkpoint c) =>
        new(c.Sequence, Convert.ToHexStringLower(c.Hash), c.Time, c.KeyId, Convert.ToBase64String(c.Signature));
}

public sealed record PublicKeyDto(string KeyId, string PublicKeyPem, string Algorithm);

public sealed record LedgerVerificationDto(
    bool Ok, long EntriesChecked, long CheckpointsChecked, long? FirstBadSequence, string Problem, string ReasonEn, string ReasonVi);

/// <summary>
/// The ledger's public face: its signed checkpoints and the instance's public key, so anyone can check that published
/// numbers were not rewritten; and for the system administrator, verification and checkpoints on demand.
/// </summary>
public static class LedgerEndpoints
{
    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/ledger/checkpoints", ListCheckpointsAsync).WithTags("Ledger").RequireNrisAccess(NrisAccess.Public)
            .WithSummary("Every signed checkpoint: sequence, entry hash (hex), time, key id and ECDSA P-256 signature (base64).");
        routes.MapGet("/api/ledger/public-key", (CheckpointService checkpoints) =>
                TypedResults.Ok(new PublicKeyDto(checkpoints.Signer.KeyId, checkpoints.PublicKeyPem, "ECDSA P-256 SHA-256")))
            .WithTags("Ledger").RequireNrisAccess(NrisAccess.Public)
            .WithSummary("The instance's public key (SubjectPublicKeyInfo PEM) and its key id, to verify checkpoints.");
        routes.MapPost("/api/admin/ledger/verify", VerifyAsync).WithTags("Ledger").RequireNrisAccess(Role.SystemAdministrator)
            .WithSummary("Recompute every entry's hash and every checkpoint signature (what `nris verify` does).");
        routes.MapPost("/api/admin/ledger/checkpoints", CreateCheckpointAsync).WithTags("Ledger").RequireNrisAccess(Role.SystemAdministrator)
            .WithSummary("Sign a checkpoint for the last entry now.");
        return routes;
    }

    private static async Task<Ok<ListDto<CheckpointDto>>> ListCheckpointsAsync(NrisDbContext db, CancellationToken ct)
    {
        var list = await new LedgerStore(db).ListCheckpointsAsync(ct);
        return TypedResults.Ok(new ListDto<CheckpointDto>(list.Count, [.. list.Select(CheckpointDto.From)]));
    }

    private static async Task<Ok<LedgerVerificationDto>> VerifyAsync(LedgerVerifyService verifier, CancellationToken ct)
    {
        var r = await verifier.VerifyAsync(ct);
        return TypedResults.Ok(new LedgerVerificationDto(r.Ok, r.EntriesChecked, r.CheckpointsChecked, r.FirstBadSequence,
            System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(r.Problem.ToString()), r.ReasonEn, r.ReasonVi));
    }

    private static async Task<Results<Created<CheckpointDto>, ProblemHttpResult>> CreateCheckpointAsync(
        CheckpointService checkpoints, NrisDbContext db, CancellationToken ct) =>
        await checkpoints.CreateAsync(db, ct) is { } checkpoint
            ? TypedResults.Created("/api/ledger/checkpoints", CheckpointDto.From(checkpoint))
            : Problems.Create(StatusCodes.Status409Conflict, "ledger-empty", "The ledger is empty", "Sổ cái đang trống",
                "There is no entry to sign a checkpoint for.", "Chưa có bút toán nào để ký điểm kiểm tra.");
}
