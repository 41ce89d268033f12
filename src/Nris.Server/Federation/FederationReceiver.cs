using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Federation;
using Nris.Core.Ledger;
using Nris.Core.Submissions;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Federation;

namespace Nris.Server.Federation;

/// <summary>The outcome of a forwarded batch at the parent.</summary>
public abstract record ReceiveOutcome
{
    /// <summary>Everything up to <paramref name="Acknowledged"/> is held; the child continues after it.</summary>
    public sealed record Accepted(long Acknowledged, int Applied) : ReceiveOutcome;

    /// <summary>The batch does not start where the parent is; the child must resend from <paramref name="Expected"/>.</summary>
    public sealed record Gap(long Expected) : ReceiveOutcome;

    /// <summary>An entry was refused and recorded; the link is now stopped until an operator looks.</summary>
    public sealed record Refused(long Sequence, FederationBreak Break, long Acknowledged) : ReceiveOutcome;

    /// <summary>The link was stopped earlier by a refusal.</summary>
    public sealed record Stopped(string? LastError) : ReceiveOutcome;
}

/// <summary>
/// The parent's side of federation: checks each forwarded entry of a child's ledger (chain continuity, recomputed hash
/// of shared entries, checkpoints under the child's registered key, reporter signatures) and turns shared submissions
/// and decisions into ordinary local ones through <see cref="SubmissionService"/>, so they are ledgered, aggregated and
/// cross-checked like any report. The local entry's actor names the origin: <c>federation:{instance}#{sequence}:{actor}</c>.
/// </summary>
/// <remarks>
/// Exactly once in effect: an origin entry is recorded under (instance, origin sequence) after it is applied; if the
/// process dies between the local append and that record, the retry finds the local entry by its actor (which names
/// the origin sequence) and records it instead of applying it again. Batches of one parent process are serialized.
/// </remarks>
public sealed class FederationReceiver(NrisDbContext db, SubmissionService submissions, ReporterSignatures signatures, TimeProvider time)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The actor a forwarded entry gets in the local ledger.</summary>
    public static string ActorFor(string instanceId, long originSequence, string? originActor) =>
        $"federation:{instanceId}#{originSequence.ToString(CultureInfo.InvariantCulture)}:{originActor ?? "?"}";

    public async Task<ReceiveOutcome> ReceiveAsync(
        FederationInstanceEntity instanceKey, long originHead, IReadOnlyList<ForwardedEntry> entries, IReadOnlyList<Checkpoint> checkpoints,
        CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var instance = await db.FederationInstances.SingleAsync(i => i.InstanceId == instanceKey.InstanceId, cancellationToken);
            if (instance.State != "ok")
            {
                return new ReceiveOutcome.Stopped(instance.LastError);
            }
            var now = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
            instance.LastReceivedUs = now;
            instance.OriginHead = Math.Max(instance.OriginHead, originHead);
            var byCheckpoint = checkpoints.GroupBy(c => c.Sequence).ToDictionary(g => g.Key, g => g.ToList());
            using var verifier = new CheckpointVerifier([instance.PublicKeyPem]);
            var applied = 0;

            foreach (var entry in entries)
            {
                if (entry.Sequence <= instance.LastSequence)
                {
                    // A resend of something already held: it must be exactly what was received then.
                    var held = await db.FederationEntries.AsNoTracking()
                        .SingleOrDefaultAsync(e => e.InstanceId == instance.InstanceId && e.OriginSequence == entry.Sequence, cancellationToken);
                    if (held is not null && !held.OriginHash.AsSpan().SequenceEqual(entry.Hash))
                    {
                        return await RefuseAsync(instance, entry.Sequence, new FederationBreak("rewritten",
                            $"Entry {entry.Sequence} was received before with another hash; the origin's ledger was rewritten.",
                            $"Bản ghi {entry.Sequence} đã nhận trước đây với mã băm khác; sổ cái của hệ thống gửi đã bị viết lại."), cancellationToken);
                    }
                    continue;
                }
                if (entry.Sequence != instance.LastSequence + 1)
                {
                    await SaveAsync(instance, cancellationToken);
                    return new ReceiveOutcome.Gap(instance.LastSequence + 1);
                }
                if (FederationChain.CheckNext(instance.LastSequence, instance.LastHash, entry) is { } broken)
                {
                    return await RefuseAsync(instance, entry.Sequence, broken, cancellationToken);
                }
                if (byCheckpoint.TryGetValue(entry.Sequence, out var signed))
                {
                    foreach (var checkpoint in signed)
                    {
                        if (FederationChain.CheckCheckpoint(verifier, checkpoint, entry.Hash) is { } bad)
                        {
                            return await RefuseAsync(instance, entry.Sequence, bad, cancellationToken);
                        }
                    }
                }

                long? localSequence = null;
                if (entry.IsShared)
                {
                    ForwardedDocument? document;
                    try
                    {
                        document = ForwardedDocument.Parse(entry.Kind, entry.Payload!);
                    }
                    catch (FormatException e)
                    {
                        return await RefuseAsync(instance, entry.Sequence, new FederationBreak("malformed-payload",
                            $"Entry {entry.Sequence}: {e.Message}", $"Bản ghi {entry.Sequence}: nội dung không đúng định dạng báo cáo Nris."), cancellationToken);
                    }
                    if (document is not null)
                    {
                        var (sequence, refusal) = await ApplyAsync(instance, entry, document, cancellationToken);
                        if (refusal is not null)
                        {
                            return await RefuseAsync(instance, entry.Sequence, refusal, cancellationToken);
                        }
                        localSequence = sequence;
                        applied++;
                    }
                }

                db.FederationEntries.Add(new FederationEntryEntity
                {
                    InstanceId = instance.InstanceId, OriginSequence = entry.Sequence, Kind = entry.Kind, OriginHash = entry.Hash,
                    PreviousHash = entry.PreviousHash, Shared = entry.IsShared, LocalSequence = localSequence, ReceivedUs = now,
                });
                instance.LastSequence = entry.Sequence;
                instance.LastHash = entry.Hash;
                if (signed is not null)
                {
                    instance.LastCheckpointSequence = entry.Sequence;
                }
                if (localSequence is not null)
                {
                    instance.AppliedCount++;
                }
                // One entry at a time: what is saved is exactly what was applied, so a crash loses nothing and repeats nothing.
                await SaveAsync(instance, cancellationToken);
            }
            await SaveAsync(instance, cancellationToken);
            return new ReceiveOutcome.Accepted(instance.LastSequence, applied);
        }
        finally
        {
            db.ChangeTracker.Clear();
            Gate.Release();
        }
    }

    private async Task<(long? Sequence, FederationBreak? Refusal)> ApplyAsync(
        FederationInstanceEntity instance, ForwardedEntry entry, ForwardedDocument document, CancellationToken cancellationToken)
    {
        var actorName = ActorFor(instance.InstanceId, entry.Sequence, entry.Actor);
        // Applied before, and the record of it lost with a crash: the local entry carries the origin in its actor.
        var earlier = await db.ReportEvents.AsNoTracking().Where(e => e.Actor == actorName).Select(e => (long?)e.LedgerSequence)
            .FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
        {
            return (earlier, null);
        }

        var target = submissions.Describe(document.Key);
        if (target is null)
        {
            return (null, new FederationBreak("unknown-report",
                $"Entry {entry.Sequence}: report {document.Key} names a regime or reporter this instance does not have.",
                $"Bản ghi {entry.Sequence}: báo cáo {document.Key} có chế độ hoặc đơn vị báo cáo không có trên hệ thống này."));
        }
        try
        {
            switch (document)
            {
                case ForwardedVersion version:
                {
                    SubmissionSignature? signature = null;
                    if (version.Signature is { } claimed)
                    {
                        var check = signatures.Check(
                            new SubmissionDocument(version.Key, version.RegimeVersion, version.Version, version.Reason, version.Values, version.Explanations),
                            claimed.Value);
                        if (check.Signature is null)
                        {
                            return (null, new FederationBreak("bad-signature", $"Entry {entry.Sequence}: {check.ReasonEn}", $"Bản ghi {entry.Sequence}: {check.ReasonVi}"));
                        }
                        signature = check.Signature;
                    }
                    var request = new SubmissionRequest(version.Values, version.Explanations, null, signature);
                    var actor = new SubmissionActor(actorName, version.Key.ReporterCode);
                    var result = entry.Kind == LedgerEntryKind.SubmissionSubmitted
                        ? await submissions.SubmitAsync(version.Key, request, actor, cancellationToken)
                        : await submissions.ReviseAsync(version.Key, version.Version - 1, version.Reason ?? "", request, actor, cancellationToken);
                    return (result.LedgerSequence, null);
                }
                case ForwardedDecision decision:
                {
                    var actor = new SubmissionActor(actorName, decision.Organization);
                    var result = decision.Action switch
                    {
                        SubmissionAction.Accept => await submissions.AcceptAsync(decision.Key, decision.Version, actor, cancellationToken),
                        SubmissionAction.Return => await submissions.ReturnAsync(decision.Key, decision.Version, decision.Reason ?? "", actor, cancellationToken),
                        _ => await submissions.ReopenAsync(decision.Key, decision.Version, decision.Reason ?? "", actor, cancellationToken),
                    };
                    return (result.LedgerSequence, null);
                }
                default:
                    return (null, null);
            }
        }
        catch (SubmissionException e)
        {
            return (null, new FederationBreak("not-applicable:" + e.Code,
                $"Entry {entry.Sequence} ({document.Key}) cannot be applied here: {e.MessageEn}",
                $"Bản ghi {entry.Sequence} ({document.Key}) không áp dụng được: {e.MessageVi}"));
        }
    }

    // SubmissionService clears the change tracker after each write, so the instance row is attached again before saving.
    private async Task SaveAsync(FederationInstanceEntity instance, CancellationToken cancellationToken)
    {
        db.FederationInstances.Update(instance);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<ReceiveOutcome> RefuseAsync(FederationInstanceEntity instance, long sequence, FederationBreak refusal, CancellationToken cancellationToken)
    {
        var now = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        db.FederationIncidents.Add(new FederationIncidentEntity
        {
            InstanceId = instance.InstanceId, OriginSequence = sequence, Code = refusal.Code.Length > 64 ? refusal.Code[..64] : refusal.Code,
            MessageEn = refusal.MessageEn, MessageVi = refusal.MessageVi, TimeUs = now,
        });
        instance.State = "stopped";
        instance.LastError = refusal.MessageEn.Length > 2000 ? refusal.MessageEn[..2000] : refusal.MessageEn;
        instance.LastErrorUs = now;
        instance.ErrorCount++;
        await SaveAsync(instance, cancellationToken);
        return new ReceiveOutcome.Refused(sequence, refusal, instance.LastSequence);
    }
}
