using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Nris.Core.Catalogue;
using Nris.Core.Periods;

namespace Nris.Server.Connectors;

/// <summary>
/// Which record fields carry what. JSON and CSV records are flat: one observation per object or line. Every name has
/// a default, so a source that already speaks our codes needs no field settings at all.
/// </summary>
public sealed record ConnectorFields(
    string? Indicator = null,
    string? Territory = null,
    string? Disaggregation = null,
    string? Period = null,
    string? Value = null,
    string? Status = null,
    string? Note = null,
    string? Cursor = null)
{
    [JsonIgnore]
    public string IndicatorField => Indicator ?? "indicator";
    [JsonIgnore]
    public string TerritoryField => Territory ?? "territory";
    [JsonIgnore]
    public string DisaggregationField => Disaggregation ?? "disaggregation";
    [JsonIgnore]
    public string PeriodField => Period ?? "period";
    [JsonIgnore]
    public string ValueField => Value ?? "value";
    [JsonIgnore]
    public string StatusField => Status ?? "status";
    [JsonIgnore]
    public string NoteField => Note ?? "note";
}

/// <summary>
/// Code tables from the source's codes to ours. A table left out passes codes through unchanged; a table given must
/// hold every code the source sends (an unknown code refuses the batch, naming the record).
/// </summary>
public sealed record ConnectorMapping(
    IReadOnlyDictionary<string, string>? Indicators = null,
    IReadOnlyDictionary<string, string>? Territories = null,
    IReadOnlyDictionary<string, string>? Disaggregations = null,
    IReadOnlyDictionary<string, string>? Periods = null);

/// <summary>How a pull connector fetches: the URL (with <c>{cursor}</c> where the cursor goes), how often, how long it may take.</summary>
public sealed record ConnectorPull(string Url, int IntervalSeconds = 300, int TimeoutSeconds = 30, int MaxRetries = 3);

/// <summary>The limits of one connector: bytes per push or page, records per push or page, requests per minute.</summary>
public sealed record ConnectorLimits(long MaxBytes = 1024 * 1024, int MaxRecords = 10_000, int MaxRequestsPerMinute = 60);

/// <summary>
/// A connector as an administrator defines it (<c>POST /api/admin/connectors</c>): a name, push or pull, the format,
/// the regime it feeds and the organization it reports as, the field mapping (inline, or a stored exchange mapping
/// by name), its limits and, for a pull, where and how often to fetch. <see cref="QuietAfterMinutes"/>: after that
/// long without a record, the feed is quiet and its administrators are alerted once.
/// </summary>
public sealed record ConnectorDefinition(
    string Name,
    string Kind,
    string Format,
    string Regime,
    string Organization,
    ConnectorFields? Fields = null,
    ConnectorMapping? Mapping = null,
    string? ExchangeMapping = null,
    ConnectorPull? Pull = null,
    ConnectorLimits? Limits = null,
    int QuietAfterMinutes = 1440,
    string? Description = null)
{
    public const string Push = "push";
    public const string PullKind = "pull";

    /// <summary>The formats a connector reads.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["json", "csv", "sdmx-csv"];

    /// <summary>Bounds an administrator may not exceed.</summary>
    public const long MaxBytesCeiling = 32L * 1024 * 1024;
    public const int MaxRecordsCeiling = 200_000;

    private static readonly Regex NamePattern = new("^[a-z0-9][a-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 8,
    };

    [JsonIgnore]
    public ConnectorFields FieldsOrDefault => Fields ?? new ConnectorFields();

    [JsonIgnore]
    public ConnectorLimits LimitsOrDefault => Limits ?? new ConnectorLimits();

    public static bool IsValidName(string? name) => name is not null && NamePattern.IsMatch(name);

    /// <summary>Every problem with the definition, as (field, English, Vietnamese); empty when it is usable.</summary>
    public IReadOnlyList<(string Field, string En, string Vi)> Validate(CatalogueSnapshot catalogue, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var problems = new List<(string, string, string)>();
        if (!IsValidName(Name))
        {
            problems.Add(("name", "name: 1 to 64 lower-case letters, digits, '_', '.', '-', starting with a letter or digit.",
                "name: 1 đến 64 ký tự chữ thường, chữ số, '_', '.', '-', bắt đầu bằng chữ hoặc số."));
        }
        if (Kind is not (Push or PullKind))
        {
            problems.Add(("kind", "kind is push or pull.", "kind là push hoặc pull."));
        }
        if (!Formats.Contains(Format))
        {
            problems.Add(("format", "format is one of " + string.Join(", ", Formats) + ".", "format là một trong " + string.Join(", ", Formats) + "."));
        }
        var regime = catalogue.Regime(Regime ?? "", today);
        if (regime is null)
        {
            problems.Add(("regime", $"No regime '{Regime}' is in force today.", $"Không có chế độ báo cáo '{Regime}' đang có hiệu lực."));
        }
        var organization = catalogue.Organizations.Find(Organization ?? "", today);
        if (organization is null)
        {
            problems.Add(("organization", $"There is no organization '{Organization}'.", $"Không có cơ quan '{Organization}'."));
        }
        else if (regime is not null && !regime.Reporters.Includes(organization))
        {
            problems.Add(("organization", $"{Organization} is not a reporter of {regime.Code}.", $"{Organization} không phải đơn vị báo cáo của {regime.Code}."));
        }
        var limits = LimitsOrDefault;
        if (limits.MaxBytes is < 1 or > MaxBytesCeiling)
        {
            problems.Add(("limits.maxBytes", $"limits.maxBytes is 1 to {MaxBytesCeiling.ToString(CultureInfo.InvariantCulture)}.",
                $"limits.maxBytes từ 1 đến {MaxBytesCeiling.ToString(CultureInfo.InvariantCulture)}."));
        }
        if (limits.MaxRecords is < 1 or > MaxRecordsCeiling)
        {
            problems.Add(("limits.maxRecords", $"limits.maxRecords is 1 to {MaxRecordsCeiling.ToString(CultureInfo.InvariantCulture)}.",
                $"limits.maxRecords từ 1 đến {MaxRecordsCeiling.ToString(CultureInfo.InvariantCulture)}."));
        }
        if (limits.MaxRequestsPerMinute is < 1 or > 6000)
        {
            problems.Add(("limits.maxRequestsPerMinute", "limits.maxRequestsPerMinute is 1 to 6000.", "limits.maxRequestsPerMinute từ 1 đến 6000."));
        }
        if (QuietAfterMinutes is < 1 or > 525_600)
        {
            problems.Add(("quietAfterMinutes", "quietAfterMinutes is 1 to 525600 (a year).", "quietAfterMinutes từ 1 đến 525600 (một năm)."));
        }
        if (Description is { Length: > 400 })
        {
            problems.Add(("description", "description has at most 400 characters.", "description tối đa 400 ký tự."));
        }
        if (Kind == PullKind)
        {
            if (Pull is null || !Uri.TryCreate(Pull.Url?.Replace("{cursor}", "x", StringComparison.Ordinal), UriKind.Absolute, out var url) ||
                url.Scheme is not ("http" or "https") || Pull.Url.Length > 2000)
            {
                problems.Add(("pull.url", "A pull connector needs pull.url, an absolute http(s) URL ({cursor} marks where the cursor goes).",
                    "Kết nối kéo cần pull.url là URL http(s) tuyệt đối ({cursor} đánh dấu chỗ đặt con trỏ)."));
            }
            else
            {
                if (Pull.IntervalSeconds is < 1 or > 86_400)
                {
                    problems.Add(("pull.intervalSeconds", "pull.intervalSeconds is 1 to 86400.", "pull.intervalSeconds từ 1 đến 86400."));
                }
                if (Pull.TimeoutSeconds is < 1 or > 300)
                {
                    problems.Add(("pull.timeoutSeconds", "pull.timeoutSeconds is 1 to 300.", "pull.timeoutSeconds từ 1 đến 300."));
                }
                if (Pull.MaxRetries is < 0 or > 10)
                {
                    problems.Add(("pull.maxRetries", "pull.maxRetries is 0 to 10.", "pull.maxRetries từ 0 đến 10."));
                }
            }
        }
        else if (Pull is not null)
        {
            problems.Add(("pull", "Only a pull connector has pull settings.", "Chỉ kết nối kéo mới có thiết lập pull."));
        }
        if (Mapping is not null && ExchangeMapping is not null)
        {
            problems.Add(("mapping", "Give either mapping (inline tables) or exchangeMapping (a stored mapping's name), not both.",
                "Chỉ dùng mapping (bảng trực tiếp) hoặc exchangeMapping (tên bảng ánh xạ đã lưu), không dùng cả hai."));
        }
        if (Mapping is not null)
        {
            var rows = (Mapping.Indicators?.Count ?? 0) + (Mapping.Territories?.Count ?? 0) + (Mapping.Disaggregations?.Count ?? 0) + (Mapping.Periods?.Count ?? 0);
            if (rows > Nris.Exchange.Mapping.ExchangeMapping.MaxRows)
            {
                problems.Add(("mapping", "The mapping has too many rows.", "Bảng ánh xạ có quá nhiều dòng."));
            }
            foreach (var (from, to) in Mapping.Indicators ?? new Dictionary<string, string>())
            {
                if (!catalogue.Indicators.ContainsKey(to))
                {
                    problems.Add(($"mapping.indicators[\"{Short(from)}\"]", $"'{Short(to)}' is not an indicator of the catalogue.", $"'{Short(to)}' không phải chỉ tiêu trong danh mục."));
                }
            }
            foreach (var (from, to) in Mapping.Territories ?? new Dictionary<string, string>())
            {
                if (!catalogue.Territories.Versions(to).Any())
                {
                    problems.Add(($"mapping.territories[\"{Short(from)}\"]", $"'{Short(to)}' is not a territory code.", $"'{Short(to)}' không phải mã đơn vị hành chính."));
                }
            }
            foreach (var (from, to) in Mapping.Periods ?? new Dictionary<string, string>())
            {
                if (!Period.TryParse(to, out _))
                {
                    problems.Add(($"mapping.periods[\"{Short(from)}\"]", $"'{Short(to)}' is not a period code.", $"'{Short(to)}' không phải mã kỳ."));
                }
            }
        }
        return problems;
    }

    private static string Short(string? s) => s is null ? "" : s.Length <= 80 ? s : s[..80] + "…";
}
