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

    /// <summary>
    /// The parent's instance public key (its <c>GET /api/ledger/public-key</c>), from <c>Parent:PublicKeyPem</c> or the
    /// file named by <c>Parent:PublicKeyFile</c>. The catalogue published by the parent is applied only when its
    /// signatures verify under this key; without it the child does not subscribe to the catalogue.
    /// </summary>
    public string? ParentPublicKeyPem { get; init; }

    /// <summary>How often the child asks the parent for catalogue changes (<c>CataloguePollSeconds</c>, default 30).</summary>
    public TimeSpan CataloguePoll { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether this child follows the parent's catalogue.</summary>
    public bool SubscribesToCatalogue => IsChild && !string.IsNullOrWhiteSpace(ParentPublicKeyPem);

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
        var pem = s["Parent:PublicKeyPem"];
        if (string.IsNullOrWhiteSpace(pem) && s["Parent:PublicKeyFile"] is { Length: > 0 } keyFile)
        {
            // Read at start-up: a missing file is a configuration error the operator must see at once.
            pem = File.ReadAllText(keyFile);
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
            TimeSpan.FromSeconds(int.Parse(s["RequestTimeoutSeconds"] ?? "60", CultureInfo.InvariantCulture)))
        {
            ParentPublicKeyPem = string.IsNullOrWhiteSpace(pem) ? null : pem,
            CataloguePoll = TimeSpan.FromMilliseconds(Math.Max(100,
                double.Parse(s["CataloguePollSeconds"] ?? "30", NumberStyles.Float, CultureInfo.InvariantCulture) * 1000)),
        };
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

/// <summary>The parent's answer to <c>GET /api/federation/catalogue</c>: catalogue changes after the child's cursor, oldest first.</summary>
/// <param name="InstanceId">The asking child.</param>
/// <param name="Head">The parent's newest catalogue change (its ledger sequence; 0 when none).</param>
/// <param name="Items">Up to <c>limit</c> changes after <c>after</c>.</param>
public sealed record CatalogueFeedDto(string InstanceId, long Head, IReadOnlyList<CatalogueFeedItemDto> Items);

/// <summary>One published change: the parent's ledger entry (hashes hex, payload base64, time µs) and the parent's checkpoint over it.</summary>
public sealed record CatalogueFeedItemDto(
    long Sequence, string? Kind, string? Payload, string? Actor, long TimeUs, string? PreviousHash, string? Hash, ForwardedCheckpointDto? Signature);
