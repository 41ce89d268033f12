using System.Globalization;
using System.Text.Json;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Federation;

/// <summary>
/// One entry of a child instance's ledger as it travels to the parent. Every entry of the child's ledger is forwarded,
/// in order, so the parent can check the whole chain's continuity; the payload travels only for entries of regimes
/// shared upward (the others are <i>redacted</i>: sequence, kind, time and hashes only, so the parent sees that they
/// exist and where they sit in the chain, but not what they say).
/// </summary>
/// <param name="Sequence">The entry's sequence in the child's ledger.</param>
/// <param name="Kind">The entry's kind.</param>
/// <param name="Payload">The payload bytes for a shared entry; null when redacted.</param>
/// <param name="Actor">The actor for a shared entry; null when redacted.</param>
/// <param name="Time">The entry's time.</param>
/// <param name="PreviousHash">The previous entry's hash (32 bytes).</param>
/// <param name="Hash">The entry's hash (32 bytes).</param>
public sealed record ForwardedEntry(long Sequence, string Kind, byte[]? Payload, string? Actor, DateTimeOffset Time, byte[] PreviousHash, byte[] Hash)
{
    /// <summary>Whether the payload came with the entry.</summary>
    public bool IsShared => Payload is not null;
}

/// <summary>Why a forwarded entry was refused: a stable code and the reason in English and Vietnamese.</summary>
public sealed record FederationBreak(string Code, string MessageEn, string MessageVi);

/// <summary>
/// The parent's checks of a child's chain, pure: each forwarded entry must follow the last accepted one (next
/// sequence, previous hash equal to the last hash), and a shared entry's hash must be the one its fields give
/// (<see cref="LedgerHasher"/>); a checkpoint must be signed by the child's registered key and name exactly the hash the
/// chain has at its sequence.
/// </summary>
public static class FederationChain
{
    /// <summary>Checks that <paramref name="entry"/> continues the chain after (<paramref name="lastSequence"/>, <paramref name="lastHash"/>).</summary>
    /// <returns>Null when it does; else why not.</returns>
    public static FederationBreak? CheckNext(long lastSequence, ReadOnlySpan<byte> lastHash, ForwardedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Sequence != lastSequence + 1)
        {
            return new FederationBreak("out-of-order",
                $"Entry {entry.Sequence.ToString(CultureInfo.InvariantCulture)} does not follow {lastSequence.ToString(CultureInfo.InvariantCulture)}; entry {(lastSequence + 1).ToString(CultureInfo.InvariantCulture)} is expected next.",
                $"Bản ghi {entry.Sequence.ToString(CultureInfo.InvariantCulture)} không nối tiếp bản ghi {lastSequence.ToString(CultureInfo.InvariantCulture)}; cần bản ghi {(lastSequence + 1).ToString(CultureInfo.InvariantCulture)}.");
        }
        if (entry.PreviousHash is not { Length: LedgerHasher.HashSize } || entry.Hash is not { Length: LedgerHasher.HashSize })
        {
            return new FederationBreak("malformed", $"Entry {entry.Sequence}: a hash is not 32 bytes.", $"Bản ghi {entry.Sequence}: mã băm không đủ 32 byte.");
        }
        if (!entry.PreviousHash.AsSpan().SequenceEqual(lastHash))
        {
            return new FederationBreak("chain-break",
                $"Entry {entry.Sequence}: its previous hash is not the hash of entry {lastSequence}; the origin's chain is broken.",
                $"Bản ghi {entry.Sequence}: mã băm trước không khớp mã băm của bản ghi {lastSequence}; chuỗi của hệ thống gửi bị đứt.");
        }
        if (entry.IsShared)
        {
            byte[] computed;
            try
            {
                computed = LedgerHasher.ComputeHash(entry.Sequence, entry.Kind, entry.Payload, entry.Actor ?? "", entry.Time, entry.PreviousHash);
            }
            catch (ArgumentException)
            {
                computed = [];
            }
            if (!computed.AsSpan().SequenceEqual(entry.Hash))
            {
                return new FederationBreak("hash-mismatch",
                    $"Entry {entry.Sequence}: its hash is not the hash of its content; the entry was altered.",
                    $"Bản ghi {entry.Sequence}: mã băm không khớp nội dung; bản ghi đã bị sửa đổi.");
            }
        }
        return null;
    }

    /// <summary>Checks a checkpoint of the child against its registered key and the hash the chain has at that sequence.</summary>
    /// <returns>Null when it holds; else why not.</returns>
    public static FederationBreak? CheckCheckpoint(CheckpointVerifier verifier, Checkpoint checkpoint, ReadOnlySpan<byte> hashAtSequence)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var status = verifier.Check(checkpoint);
        if (status != CheckpointSignatureStatus.Valid)
        {
            return new FederationBreak("bad-checkpoint",
                $"Checkpoint at {checkpoint.Sequence}: {status} under the origin's registered key.",
                $"Điểm kiểm tra tại {checkpoint.Sequence}: chữ ký không hợp lệ với khóa đã đăng ký ({status}).");
        }
        if (!checkpoint.Hash.AsSpan().SequenceEqual(hashAtSequence))
        {
            return new FederationBreak("checkpoint-mismatch",
                $"Checkpoint at {checkpoint.Sequence} signs a hash the forwarded chain does not have there.",
                $"Điểm kiểm tra tại {checkpoint.Sequence} ký một mã băm khác với chuỗi đã nhận.");
        }
        return null;
    }
}

/// <summary>A submission or decision read back from a ledger payload (the documents <see cref="SubmissionPayload"/> writes).</summary>
public abstract record ForwardedDocument(ReportKey Key, int Version)
{
    /// <summary>
    /// Reads a <c>submission.*</c> entry's payload. Returns null for other kinds of entries; throws
    /// <see cref="FormatException"/> for a payload that is not a well-formed submission or decision document.
    /// </summary>
    public static ForwardedDocument? Parse(string kind, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (kind is not (LedgerEntryKind.SubmissionSubmitted or LedgerEntryKind.SubmissionRevised or LedgerEntryKind.SubmissionAccepted
            or LedgerEntryKind.SubmissionReturned or LedgerEntryKind.SubmissionReopened))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            var key = new ReportKey(Str(root, "regime"), Period.Parse(Str(root, "period")), Str(root, "reporter"));
            var version = root.GetProperty("version").GetInt32();
            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (kind is LedgerEntryKind.SubmissionSubmitted or LedgerEntryKind.SubmissionRevised)
            {
                var values = root.GetProperty("values").EnumerateArray().Select(v => new ReportValue(
                    Str(v, "indicator"), Str(v, "disaggregation"), Str(v, "territory"),
                    v.TryGetProperty("number", out var n) ? n.GetDecimal() : null,
                    v.TryGetProperty("text", out var t) ? t.GetString() : null,
                    v.TryGetProperty("flag", out var f) ? f.GetBoolean() : null,
                    Status(Str(v, "status")),
                    v.TryGetProperty("note", out var note) && note.ValueKind == JsonValueKind.String ? note.GetString() : null)).ToList();
                var explanations = root.GetProperty("explanations").EnumerateArray()
                    .Select(e => new WarningExplanation(Str(e, "rule"), Str(e, "text"))).ToList();
                SubmissionSignature? signature = null;
                if (root.TryGetProperty("signature", out var s) && s.ValueKind == JsonValueKind.Object)
                {
                    signature = new SubmissionSignature(Str(s, "format"), Str(root, "signer"), Convert.FromBase64String(Str(s, "value")));
                }
                return new ForwardedVersion(key, version, root.GetProperty("regimeVersion").GetInt32(), reason, values, explanations, signature);
            }
            var action = kind switch
            {
                LedgerEntryKind.SubmissionAccepted => SubmissionAction.Accept,
                LedgerEntryKind.SubmissionReturned => SubmissionAction.Return,
                _ => SubmissionAction.Reopen,
            };
            return new ForwardedDecision(key, version, action, Str(root, "organization"), reason);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new FormatException("The payload is not a well-formed Nris submission or decision document.", e);
        }
    }

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null.");

    private static ObservationStatus Status(string s) => s switch
    {
        "normal" => ObservationStatus.Normal,
        "estimated" => ObservationStatus.Estimated,
        "provisional" => ObservationStatus.Provisional,
        "official" => ObservationStatus.Official,
        _ => throw new FormatException($"Unknown observation status '{s}'."),
    };
}

/// <summary>A version (submitted or revised) read from a forwarded payload.</summary>
public sealed record ForwardedVersion(
    ReportKey Key, int Version, int RegimeVersion, string? Reason, IReadOnlyList<ReportValue> Values,
    IReadOnlyList<WarningExplanation> Explanations, SubmissionSignature? Signature) : ForwardedDocument(Key, Version);

/// <summary>A decision (accept, return, reopen) read from a forwarded payload.</summary>
public sealed record ForwardedDecision(ReportKey Key, int Version, SubmissionAction Action, string Organization, string? Reason)
    : ForwardedDocument(Key, Version);
