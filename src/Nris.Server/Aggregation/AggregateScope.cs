using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Security;

namespace Nris.Server.Aggregation;

/// <summary>
/// The one place that decides which aggregates a caller may read (docs/aggregation.md, "Who sees which aggregate").
/// A source is a regime; an aggregate of a source at a territory is readable when
/// <list type="bullet">
/// <item>the regime is public (open data, for everyone, every territory), or</item>
/// <item>the caller is authenticated and holds a grant whose ceiling reaches the regime's classification and whose
/// organization's territory contains the territory (the organization's own unit or a unit under it). A grant of an
/// organization without a territory (the Government, the Government Office, ministries) or a system administrator's
/// grant covers the nation.</item>
/// </list>
/// So a Hà Nội grant reads Hà Nội and its communes, never Hồ Chí Minh City nor the national total (which is computed
/// from every province). The preferred value (no source asked) is chosen among the readable sources only, so a value
/// from a source the caller may not read can neither be shown nor leak by being chosen.
/// </summary>
public sealed class AggregateScope
{
    private readonly AccessScope _access;
    private readonly CatalogueSnapshot _catalogue;
    private readonly List<(Classification Ceiling, string? Root)> _reach = [];
    private readonly Dictionary<string, Classification?> _classifications = new(StringComparer.Ordinal);
    private readonly string[] _allSources;

    /// <summary>The aggregate scope of a caller with <paramref name="access"/>.</summary>
    public AggregateScope(AccessScope access, CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(catalogue);
        _access = access;
        _catalogue = catalogue;
        if (access.IsAuthenticated)
        {
            foreach (var grant in access.Grants)
            {
                var organization = catalogue.Organizations.Find(grant.OrganizationCode, access.AsOf)
                    ?? (catalogue.Organizations.Versions(grant.OrganizationCode) is { Count: > 0 } v ? v[^1] : null);
                if (grant.Role == Role.SystemAdministrator || (organization is not null && organization.TerritoryCode is null))
                {
                    _reach.Add((grant.Role == Role.SystemAdministrator ? Classification.Confidential : grant.Ceiling, null));
                }
                else if (organization?.TerritoryCode is { } territory)
                {
                    _reach.Add((grant.Ceiling, territory));
                }
            }
        }

        _allSources = [.. catalogue.Content.Regimes.Select(r => r.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether the caller may read aggregates of <paramref name="source"/> at <paramref name="territoryCode"/>
    /// on the map of <paramref name="date"/>.</summary>
    public bool CanRead(string source, string territoryCode, DateOnly date)
    {
        if (ClassificationOf(source) is not { } classification)
        {
            // Not a regime of the catalogue: nothing says who may read it, so only the whole-system role does.
            return _access.IsSystemAdministrator;
        }

        if (classification == Classification.Public)
        {
            return true;
        }

        foreach (var (ceiling, root) in _reach)
        {
            if (ceiling >= classification &&
                (root is null || root == territoryCode || _catalogue.Territories.IsWithin(territoryCode, root, date)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The sources the caller may read at a territory, in the indicator's preference order (its source
    /// order, then code — the engine's own order), and whether that is every source there is.</summary>
    public (IReadOnlyList<string> Sources, bool All) Sources(Indicator indicator, string territoryCode, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var readable = _allSources.Where(s => CanRead(s, territoryCode, date)).ToList();
        var order = indicator.SourceOrder ?? [];
        readable.Sort((a, b) =>
        {
            var ra = Rank(order, a);
            var rb = Rank(order, b);
            return ra != rb ? ra.CompareTo(rb) : string.CompareOrdinal(a, b);
        });
        return (readable, readable.Count == _allSources.Length && _access.IsSystemAdministrator);
    }

    /// <summary>
    /// One cell as the caller may see it: with a source, that source's value if readable; without one, the preferred
    /// value among the readable sources. Null when the caller may read no source at that territory (answer 404).
    /// </summary>
    public AggregateValue? Cell(AggregationEngine engine, CellQuery query)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(query);
        var date = MapDate(engine, query);
        if (query.SourceCode is { } source)
        {
            return CanRead(source, query.TerritoryCode, date) ? engine.Cell(query) : null;
        }

        if (!_catalogue.Indicators.TryGetValue(query.IndicatorCode, out var indicator))
        {
            return null;
        }

        var (sources, all) = Sources(indicator, query.TerritoryCode, date);
        if (all)
        {
            return engine.Cell(query);
        }

        if (sources.Count == 0)
        {
            return null;
        }

        foreach (var s in sources)
        {
            var value = engine.Cell(query with { SourceCode = s });
            if (value.Value is not null)
            {
                return value;
            }
        }

        return AggregateValue.Empty;
    }

    /// <summary>The source a readable cell's answer comes from (for provenance and growth), or null when none has a value.</summary>
    public string? ChosenSource(AggregationEngine engine, CellQuery query) =>
        query.SourceCode ?? Cell(engine, query)?.Source;

    /// <summary>The date whose map a query is answered on: the period's last day (as then) or the as-now date.</summary>
    public static DateOnly MapDate(AggregationEngine engine, CellQuery query)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(query);
        return query.Mode == AggregationMode.AsThen ? query.Period.End : query.AsNowDate ?? engine.CurrentDate;
    }

    private Classification? ClassificationOf(string source)
    {
        if (!_classifications.TryGetValue(source, out var classification))
        {
            // The most restrictive classification any version of the regime had: data reported under a stricter
            // version stays as protected as it was when it was reported.
            var versions = _catalogue.RegimeVersions(source);
            classification = versions.Count == 0 ? null : versions.Max(r => r.Classification);
            _classifications[source] = classification;
        }

        return classification;
    }

    private static int Rank(IReadOnlyList<string> order, string source)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (string.Equals(order[i], source, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
