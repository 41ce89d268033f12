using System.Globalization;

namespace Nris.Server.Federation;

/// <summary>
/// How this instance takes part in a federation (<c>Nris:Federation:*</c>). With <see cref="ParentUrl"/> set, this
/// instance is a child: it forwards its ledger to the parent. Any instance can be a parent: children are registered
/// through <c>POST /api/admin/federation/instances</c>.
/// </summary>
public sealed record FederationOptions(
    Uri? ParentUrl,
    string? ApiKey,
    string InstanceId,
    IReadOnlySet<string> SharedRegimes,
    int BatchSize,
    long MaxBatchBytes,
    TimeSpan Poll,
    TimeSpan MaxBackoff,
    TimeSpan RequestTimeout)
{
    public const string Section = "Nris:Federation";

    public bool IsChild => ParentUrl is not null && !string.IsNullOrWhiteSpace(ApiKey);

    public static FederationOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var s = configuration.GetSection(Section);
        var url = s["Parent:Url"];
        // A list (SharedRegimes:0, SharedRegimes:1 …) or one comma-separated value.
        var shared = s.GetSection("SharedRegimes").GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (shared.Count == 0)
        {
            shared = [.. (s["SharedRegimes"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        return new FederationOptions(
            string.IsNullOrWhiteSpace(url) ? null : new Uri(url, UriKind.Absolute),
            s["Parent:ApiKey"],
            s["InstanceId"] is { Length: > 0 } id ? id : Environment.MachineName.ToLowerInvariant(),
            new HashSet<string>(shared, StringComparer.Ordinal),
            Math.Clamp(int.Parse(s["BatchSize"] ?? "100", CultureInfo.InvariantCulture), 1, 1000),
            long.Parse(s["MaxBatchBytes"] ?? "8388608", CultureInfo.InvariantCulture),
            TimeSpan.FromMilliseconds(int.Parse(s["PollMilliseconds"] ?? "500", CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(int.Parse(s["MaxBackoffSeconds"] ?? "60", CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(int.Parse(s["RequestTimeoutSeconds"] ?? "60", CultureInfo.InvariantCulture)));
    }
}

/// <summary>The body a child posts to <c>POST /api/federation/entries</c>.</summary>
/// <param name="InstanceId">The child's instance id as registered at the parent.</param>
/// <param name="OriginHead">The child's ledger head when it sent the batch (for the lag).</param>
/// <param name="Entries">Consecutive entries of the child's ledger.</param>
/// <param name="Checkpoints">The child's signed checkpoints whose sequence falls within the batch.</param>
public sealed record ForwardBatchDto(string? InstanceId, long OriginHead, IReadOnlyList<ForwardedEntryDto?>? Entries, IReadOnlyList<ForwardedCheckpointDto?>? Checkpoints);

/// <summary>One forwarded entry: hashes in lowercase hex, payload in base64 (absent when redacted), time in microseconds since 1970.</summary>
public sealed record ForwardedEntryDto(long Sequence, string? Kind, string? Payload, string? Actor, long TimeUs, string? PreviousHash, string? Hash);

/// <summary>One forwarded checkpoint, as <c>GET /api/ledger/checkpoints</c> shows it but with the time in microseconds.</summary>
public sealed record ForwardedCheckpointDto(long Sequence, string? Hash, long TimeUs, string? KeyId, string? Signature);

/// <summary>The parent's answer: the last origin sequence it holds (the child's new cursor) and how many became local entries.</summary>
public sealed record ForwardResultDto(string InstanceId, long Acknowledged, int Applied);
