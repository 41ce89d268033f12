using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nris.Core.Ledger;

namespace Nris.Core.Catalogue;

/// <summary>What kind of catalogue change a <see cref="CatalogueChange"/> is.</summary>
public enum CatalogueChangeKind
{
    /// <summary>A new regime (its first version).</summary>
    RegimeCreated = 0,
    /// <summary>A new version of an existing regime; the previous version's validity was closed.</summary>
    RegimeVersioned = 1,
    /// <summary>A new indicator.</summary>
    IndicatorCreated = 2,
    /// <summary>An indicator's definition replaced (indicators are not versioned).</summary>
    IndicatorChanged = 3,
}

/// <summary>
/// One administrative change to the catalogue and the whole catalogue it results in. Built by the pure functions
/// of <see cref="CatalogueChanges"/>; the caller checks <see cref="Content"/> with <see cref="CatalogueCheck"/>,
/// stores <see cref="Changed"/> / <see cref="ChangedIndicator"/> and appends <see cref="LedgerPayload"/>.
/// </summary>
/// <param name="Kind">What changed.</param>
/// <param name="Code">Code of the regime or indicator.</param>
/// <param name="Content">The whole catalogue after the change.</param>
/// <param name="Changed">For regimes: the new version.</param>
/// <param name="Closed">For a new regime version: the previous version with its validity closed, when it had to be closed.</param>
/// <param name="ChangedIndicator">For indicators: the new definition.</param>
public sealed record CatalogueChange(
    CatalogueChangeKind Kind,
    string Code,
    CatalogueContent Content,
    Regime? Changed = null,
    Regime? Closed = null,
    Indicator? ChangedIndicator = null)
{
    /// <summary>The version of the regime this change creates; 0 for indicators, which have no versions.</summary>
    public int Version => Changed?.Version ?? 0;

    /// <summary>
    /// The canonical JSON payload of the <c>catalogue.changed</c> ledger entry: kind, code, version, the full new
    /// item (and the closed validity of the previous version), and the actor. Whatever moves published numbers is
    /// thereby covered by the hash chain.
    /// </summary>
    public byte[] LedgerPayload(string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var node = new JsonObject
        {
            ["change"] = Kind switch
            {
                CatalogueChangeKind.RegimeCreated => "regime.created",
                CatalogueChangeKind.RegimeVersioned => "regime.versioned",
                CatalogueChangeKind.IndicatorCreated => "indicator.created",
                _ => "indicator.changed",
            },
            ["kind"] = Changed is null ? "indicator" : "regime",
            ["code"] = Code,
            ["version"] = Version,
            ["item"] = Changed is not null
                ? JsonSerializer.SerializeToNode(Changed, CatalogueJson.Options)
                : JsonSerializer.SerializeToNode(ChangedIndicator, CatalogueJson.Options),
            ["actor"] = actor,
        };
        if (Closed is not null)
        {
            node["closed"] = new JsonObject
            {
                ["version"] = Closed.Version,
                ["validity"] = JsonSerializer.SerializeToNode(Closed.Validity, CatalogueJson.Options),
            };
        }
        return CanonicalJson.Serialize(node);
    }
}

/// <summary>Why a catalogue change cannot even be built (before <see cref="CatalogueCheck"/> looks at the result).</summary>
/// <param name="Field">The field at fault.</param>
/// <param name="Message">What is wrong, in Vietnamese.</param>
/// <param name="MessageEn">What is wrong, in English.</param>
/// <param name="IsConflict">True when the request is well formed but collides with the current catalogue (an existing code, a stale version).</param>
public sealed record CatalogueChangeRefusal(string Field, string Message, string MessageEn, bool IsConflict = false);

/// <summary>
/// The pure rules of catalogue administration: a regime is created at version 1; a regime changes only by a new
/// version valid from a date, which closes the previous version the day before (a published version is never
/// edited in place); an indicator is created or replaced whole. Nothing here checks consistency:
/// <see cref="CatalogueCheck"/> does that on the resulting catalogue.
/// </summary>
public static class CatalogueChanges
{
    /// <summary>Adds <paramref name="regime"/> as a new regime; refused when the code exists or the version is not 1.</summary>
    public static CatalogueChangeRefusal? TryCreateRegime(CatalogueContent content, Regime regime, out CatalogueChange? change)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(regime);
        change = null;
        if (content.Regimes.Any(r => r.Code == regime.Code))
        {
            return new("code", $"chế độ báo cáo '{regime.Code}' đã tồn tại; hãy ban hành phiên bản mới",
                $"regime '{regime.Code}' already exists; publish a new version instead", IsConflict: true);
        }
        if (regime.Version != 1)
        {
            return new("version", "chế độ báo cáo mới bắt đầu từ phiên bản 1", "a new regime starts at version 1");
        }
        change = new(CatalogueChangeKind.RegimeCreated, regime.Code, content with { Regimes = [.. content.Regimes, regime] }, Changed: regime);
        return null;
    }

    /// <summary>
    /// Adds <paramref name="next"/> as the version after the latest one of its regime. It must be valid from a date
    /// after the latest version's start; the latest version, if still in force on that date, is closed the day before.
    /// </summary>
    public static CatalogueChangeRefusal? TryPublishRegimeVersion(CatalogueContent content, Regime next, out CatalogueChange? change)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(next);
        change = null;
        var latest = content.Regimes.Where(r => r.Code == next.Code).MaxBy(r => r.Version);
        if (latest is null)
        {
            return new("code", $"chế độ báo cáo '{next.Code}' không tồn tại", $"regime '{next.Code}' does not exist");
        }
        if (next.Version != latest.Version + 1)
        {
            // Also what two administrators publishing at once get: the second must look at the first's version.
            return new("version",
                string.Create(CultureInfo.InvariantCulture, $"phiên bản mới phải là {latest.Version + 1} (phiên bản mới nhất là {latest.Version})"),
                string.Create(CultureInfo.InvariantCulture, $"the new version must be {latest.Version + 1} (the latest is {latest.Version})"),
                IsConflict: next.Version > 0);
        }
        if (next.Validity.From is not { } from)
        {
            return new("validity.from", "phiên bản mới cần ngày bắt đầu hiệu lực", "a new version needs the date it takes effect");
        }
        if (latest.Validity.From is { } latestFrom && from <= latestFrom)
        {
            return new("validity.from",
                $"phiên bản mới phải có hiệu lực sau ngày {Iso(latestFrom)} (ngày bắt đầu của phiên bản {latest.Version})",
                $"the new version must take effect after {Iso(latestFrom)} (when version {latest.Version} did)");
        }

        Regime? closed = null;
        var regimes = content.Regimes.ToList();
        if (latest.Validity.To is not { } to || to >= from)
        {
            closed = latest with { Validity = latest.Validity with { To = from.AddDays(-1) } };
            regimes[regimes.IndexOf(latest)] = closed;
        }
        regimes.Add(next);
        change = new(CatalogueChangeKind.RegimeVersioned, next.Code, content with { Regimes = regimes }, Changed: next, Closed: closed);
        return null;
    }

    /// <summary>Adds a new indicator; refused when the code exists.</summary>
    public static CatalogueChangeRefusal? TryCreateIndicator(CatalogueContent content, Indicator indicator, out CatalogueChange? change)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(indicator);
        change = null;
        if (content.Indicators.Any(i => i.Code == indicator.Code))
        {
            return new("code", $"chỉ tiêu '{indicator.Code}' đã tồn tại", $"indicator '{indicator.Code}' already exists", IsConflict: true);
        }
        change = new(CatalogueChangeKind.IndicatorCreated, indicator.Code,
            content with { Indicators = [.. content.Indicators, indicator] }, ChangedIndicator: indicator);
        return null;
    }

    /// <summary>Replaces an existing indicator's definition, keeping its place in the list.</summary>
    public static CatalogueChangeRefusal? TryReplaceIndicator(CatalogueContent content, Indicator indicator, out CatalogueChange? change)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(indicator);
        change = null;
        var indicators = content.Indicators.ToList();
        var at = indicators.FindIndex(i => i.Code == indicator.Code);
        if (at < 0)
        {
            return new("code", $"chỉ tiêu '{indicator.Code}' không tồn tại", $"indicator '{indicator.Code}' does not exist");
        }
        indicators[at] = indicator;
        change = new(CatalogueChangeKind.IndicatorChanged, indicator.Code, content with { Indicators = indicators }, ChangedIndicator: indicator);
        return null;
    }

    /// <summary>
    /// The canonical payload of the <c>catalogue.changed</c> entry of a whole-catalogue import: the counts of what
    /// was imported and the SHA-256 of each imported file, so the entry pins the exact files.
    /// </summary>
    /// <param name="imported">What the files held.</param>
    /// <param name="fileHashes">File name → lowercase hex SHA-256 of its bytes.</param>
    /// <param name="actor">Who imported.</param>
    public static byte[] ImportPayload(CatalogueContent imported, IReadOnlyDictionary<string, string> fileHashes, string actor)
    {
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentNullException.ThrowIfNull(fileHashes);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var files = new JsonObject();
        foreach (var (name, hash) in fileHashes)
        {
            files[name] = hash;
        }
        return CanonicalJson.Serialize(new JsonObject
        {
            ["change"] = "catalogue.imported",
            ["kind"] = "catalogue",
            ["counts"] = new JsonObject
            {
                ["categories"] = imported.Categories.Count,
                ["codelists"] = imported.Codelists.Count,
                ["indicators"] = imported.Indicators.Count,
                ["regimes"] = imported.Regimes.Count,
            },
            ["sha256"] = files,
            ["actor"] = actor,
        });
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
