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
    /// <summary>A codelist created or replaced whole.</summary>
    CodelistChanged = 4,
    /// <summary>An information category created or replaced whole.</summary>
    CategoryChanged = 5,
    /// <summary>A change of the administrative map (territories, successions, organizations) from a date.</summary>
    TerritoryChanged = 6,
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
/// <param name="ChangedCodelist">For codelists: the new codelist.</param>
/// <param name="ChangedCategory">For categories: the new category.</param>
/// <param name="Territorial">For a territory change: the change as stated.</param>
/// <param name="ClosedTerritories">For a territory change: the unit versions it ended, with their new end date.</param>
/// <param name="ClosedOrganizations">For a territory change: the organization versions it ended, with their new end date.</param>
public sealed record CatalogueChange(
    CatalogueChangeKind Kind,
    string Code,
    CatalogueContent Content,
    Regime? Changed = null,
    Regime? Closed = null,
    Indicator? ChangedIndicator = null,
    Codelist? ChangedCodelist = null,
    InformationCategory? ChangedCategory = null,
    TerritoryChange? Territorial = null,
    IReadOnlyList<Territory>? ClosedTerritories = null,
    IReadOnlyList<Organization>? ClosedOrganizations = null)
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
                CatalogueChangeKind.CodelistChanged => "codelist.changed",
                CatalogueChangeKind.CategoryChanged => "category.changed",
                CatalogueChangeKind.TerritoryChanged => "territory.changed",
                _ => "indicator.changed",
            },
            ["kind"] = Kind switch
            {
                CatalogueChangeKind.CodelistChanged => "codelist",
                CatalogueChangeKind.CategoryChanged => "category",
                CatalogueChangeKind.TerritoryChanged => "territory",
                _ => Changed is null ? "indicator" : "regime",
            },
            ["code"] = Code,
            ["version"] = Version,
            ["item"] = Kind switch
            {
                CatalogueChangeKind.CodelistChanged => JsonSerializer.SerializeToNode(ChangedCodelist, CatalogueJson.Options),
                CatalogueChangeKind.CategoryChanged => JsonSerializer.SerializeToNode(ChangedCategory, CatalogueJson.Options),
                CatalogueChangeKind.TerritoryChanged => JsonSerializer.SerializeToNode(Territorial, CatalogueJson.Options),
                _ => Changed is not null
                    ? JsonSerializer.SerializeToNode(Changed, CatalogueJson.Options)
                    : JsonSerializer.SerializeToNode(ChangedIndicator, CatalogueJson.Options),
            },
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

    /// <summary>Creates a codelist, or replaces the one of the same code whole (keeping its place in the list).</summary>
    public static CatalogueChangeRefusal? TrySetCodelist(CatalogueContent content, Codelist codelist, out CatalogueChange? change)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(codelist);
        var codelists = content.Codelists.ToList();
        var at = codelists.FindIndex(c => c.Code == codelist.Code);
        if (at < 0)
        {
            codelists.Add(codelist);
        }
        else
        {
            codelists[at] = codelist;
        }
        change = new(CatalogueChangeKind.CodelistChanged, codelist.Code, content with { Codelists = codelists }, ChangedCodelist: codelist);
        return null;
    }

    /// <summary>Creates an information category, or replaces the one of the same code whole.</summary>
    public static CatalogueChangeRefusal? TrySetCategory(CatalogueContent content, InformationCategory category, out CatalogueChange? change)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(category);
        var categories = content.Categories.ToList();
        var at = categories.FindIndex(c => c.Code == category.Code);
        if (at < 0)
        {
            categories.Add(category);
        }
        else
        {
            categories[at] = category;
        }
        change = new(CatalogueChangeKind.CategoryChanged, category.Code, content with { Categories = categories }, ChangedCategory: category);
        return null;
    }

    /// <summary>
    /// Changes the administrative map from <see cref="TerritoryChange.Effective"/>: each ended unit's version in force
    /// the day before is closed that day (one already closed that day stays as it is), the new versions and links are
    /// added, and the resulting map must index (no overlapping versions, parents in force, links between versions that
    /// exist). Organizations likewise.
    /// </summary>
    public static CatalogueChangeRefusal? TryChangeTerritories(CatalogueContent content, TerritoryChange territorial, out CatalogueChange? change)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(territorial);
        change = null;
        var effective = territorial.Effective;
        var dayBefore = effective.AddDays(-1);
        if (territorial.ItemCount == 0)
        {
            return new("territories", "thay đổi không có nội dung", "the change holds nothing");
        }
        if (territorial.ItemCount > TerritoryChange.MaxItems)
        {
            return new("territories",
                string.Create(CultureInfo.InvariantCulture, $"một thay đổi có tối đa {TerritoryChange.MaxItems} mục"),
                string.Create(CultureInfo.InvariantCulture, $"a change holds at most {TerritoryChange.MaxItems} items"));
        }

        var territories = content.Territories.ToList();
        var closedTerritories = new List<Territory>();
        for (var i = 0; i < territorial.EndTerritories.Count; i++)
        {
            var code = territorial.EndTerritories[i];
            var at = territories.FindIndex(t => t.Code == code && t.Validity.Contains(dayBefore));
            if (at < 0)
            {
                return new(Field("endTerritories", i), $"đơn vị '{code}' không có phiên bản hiệu lực ngày {Iso(dayBefore)}",
                    $"territory '{code}' has no version in force on {Iso(dayBefore)}");
            }
            if (territories[at].Validity.To != dayBefore)
            {
                territories[at] = territories[at] with { Validity = territories[at].Validity with { To = dayBefore } };
                closedTerritories.Add(territories[at]);
            }
        }
        for (var i = 0; i < territorial.Territories.Count; i++)
        {
            var t = territorial.Territories[i];
            if (t.Validity.From != effective)
            {
                return new(Field("territories", i) + ".validity.from", $"phiên bản mới của '{t.Code}' phải có hiệu lực từ {Iso(effective)}",
                    $"the new version of '{t.Code}' must be valid from {Iso(effective)}");
            }
            territories.Add(t);
        }
        for (var i = 0; i < territorial.Successions.Count; i++)
        {
            if (territorial.Successions[i].Effective != effective)
            {
                return new(Field("successions", i) + ".effective", $"liên kết kế thừa phải có hiệu lực từ {Iso(effective)}",
                    $"a succession link must be effective on {Iso(effective)}");
            }
        }

        var organizations = content.Organizations.ToList();
        var closedOrganizations = new List<Organization>();
        var endOrganizations = territorial.EndOrganizations ?? [];
        for (var i = 0; i < endOrganizations.Count; i++)
        {
            var code = endOrganizations[i];
            var at = organizations.FindIndex(o => o.Code == code && o.Validity.Contains(dayBefore));
            if (at < 0)
            {
                return new(Field("endOrganizations", i), $"cơ quan '{code}' không có phiên bản hiệu lực ngày {Iso(dayBefore)}",
                    $"organization '{code}' has no version in force on {Iso(dayBefore)}");
            }
            if (organizations[at].Validity.To != dayBefore)
            {
                organizations[at] = organizations[at] with { Validity = organizations[at].Validity with { To = dayBefore } };
                closedOrganizations.Add(organizations[at]);
            }
        }
        var newOrganizations = territorial.Organizations ?? [];
        for (var i = 0; i < newOrganizations.Count; i++)
        {
            var o = newOrganizations[i];
            if (o.Validity.From != effective)
            {
                return new(Field("organizations", i) + ".validity.from", $"phiên bản mới của '{o.Code}' phải có hiệu lực từ {Iso(effective)}",
                    $"the new version of '{o.Code}' must be valid from {Iso(effective)}");
            }
            organizations.Add(o);
        }
        var organizationSuccessions = territorial.OrganizationSuccessions ?? [];
        for (var i = 0; i < organizationSuccessions.Count; i++)
        {
            if (organizationSuccessions[i].Effective != effective)
            {
                return new(Field("organizationSuccessions", i) + ".effective", $"liên kết kế thừa phải có hiệu lực từ {Iso(effective)}",
                    $"a succession link must be effective on {Iso(effective)}");
            }
        }

        var next = content with
        {
            Territories = territories,
            TerritorySuccessions = [.. content.TerritorySuccessions, .. territorial.Successions],
            Organizations = organizations,
            OrganizationSuccessions = [.. content.OrganizationSuccessions, .. organizationSuccessions],
        };
        // The indices are what every reader builds from the map: a map they cannot index is refused here, whole.
        try
        {
            _ = new TerritoryIndex(next.Territories, next.TerritorySuccessions);
        }
        catch (ArgumentException e)
        {
            return new("territories", "bản đồ hành chính sau thay đổi không nhất quán: " + e.Message,
                "the administrative map would not hold together: " + e.Message);
        }
        try
        {
            _ = new OrganizationIndex(next.Organizations, next.OrganizationSuccessions);
        }
        catch (ArgumentException e)
        {
            return new("organizations", "danh sách cơ quan sau thay đổi không nhất quán: " + e.Message,
                "the organizations would not hold together: " + e.Message);
        }
        change = new(CatalogueChangeKind.TerritoryChanged, territorial.Code, next, Territorial: territorial,
            ClosedTerritories: closedTerritories, ClosedOrganizations: closedOrganizations);
        return null;
    }

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
