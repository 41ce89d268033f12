using System.Collections.Frozen;

namespace Nris.Core.Catalogue;

/// <summary>
/// An immutable, indexed view of the whole catalogue. The server keeps one in memory and swaps it atomically
/// when the catalogue changes, so every request answers from plain dictionaries without touching the database.
/// </summary>
public sealed class CatalogueSnapshot
{
    private readonly FrozenDictionary<string, IReadOnlyList<Regime>> _regimeVersions;

    /// <summary>Builds the indices over <paramref name="content"/>.</summary>
    public CatalogueSnapshot(CatalogueContent content)
    {
        Content = content;
        Territories = new TerritoryIndex(content.Territories, content.TerritorySuccessions);
        Organizations = new OrganizationIndex(content.Organizations, content.OrganizationSuccessions);
        Categories = content.Categories.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        Codelists = content.Codelists.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        Indicators = content.Indicators.ToFrozenDictionary(i => i.Code, StringComparer.Ordinal);
        _regimeVersions = content.Regimes
            .GroupBy(r => r.Code, StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => (IReadOnlyList<Regime>)g.OrderBy(r => r.Version).ToArray(),
                StringComparer.Ordinal);
    }

    /// <summary>The lists this snapshot was built from.</summary>
    public CatalogueContent Content { get; }

    /// <summary>Administrative units with their history.</summary>
    public TerritoryIndex Territories { get; }

    /// <summary>Reporting and receiving bodies with their history.</summary>
    public OrganizationIndex Organizations { get; }

    /// <summary>Information categories by code.</summary>
    public FrozenDictionary<string, InformationCategory> Categories { get; }

    /// <summary>Codelists by code.</summary>
    public FrozenDictionary<string, Codelist> Codelists { get; }

    /// <summary>Indicators by code.</summary>
    public FrozenDictionary<string, Indicator> Indicators { get; }

    /// <summary>Codes of all regimes, in order.</summary>
    public IEnumerable<string> RegimeCodes => _regimeVersions.Keys.Order(StringComparer.Ordinal);

    /// <summary>All versions of a regime, oldest first; empty when the code is unknown.</summary>
    public IReadOnlyList<Regime> RegimeVersions(string code) =>
        _regimeVersions.TryGetValue(code, out var versions) ? versions : [];

    /// <summary>The version of a regime in force on <paramref name="asOf"/>, or null.</summary>
    public Regime? Regime(string code, DateOnly asOf) =>
        RegimeVersions(code).LastOrDefault(r => r.Validity.Contains(asOf));

    /// <summary>The latest version of a regime, or null when the code is unknown.</summary>
    public Regime? LatestRegime(string code) => RegimeVersions(code) is { Count: > 0 } v ? v[^1] : null;
}
