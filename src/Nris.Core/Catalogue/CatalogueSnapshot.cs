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
        : this(content, null)
    {
    }

    // Reuses the territory and organization indices of `previous` when the lists are the very same objects: an
    // administrative change to a regime or an indicator must not re-index 40,000 territory versions.
    private CatalogueSnapshot(CatalogueContent content, CatalogueSnapshot? previous)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
        Territories = previous is not null &&
                      ReferenceEquals(previous.Content.Territories, content.Territories) &&
                      ReferenceEquals(previous.Content.TerritorySuccessions, content.TerritorySuccessions)
            ? previous.Territories
            : new TerritoryIndex(content.Territories, content.TerritorySuccessions);
        Organizations = previous is not null &&
                        ReferenceEquals(previous.Content.Organizations, content.Organizations) &&
                        ReferenceEquals(previous.Content.OrganizationSuccessions, content.OrganizationSuccessions)
            ? previous.Organizations
            : new OrganizationIndex(content.Organizations, content.OrganizationSuccessions);
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

    /// <summary>
    /// A snapshot of <paramref name="content"/> that shares this snapshot's territory and organization indices
    /// when <paramref name="content"/> holds the same territory and organization lists (the same objects).
    /// </summary>
    public CatalogueSnapshot With(CatalogueContent content) => new(content, this);

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
