namespace Nris.Core.Catalogue;

/// <summary>
/// Everything the catalogue holds, as plain lists: what the reference-data and demo-catalogue readers produce,
/// what storage persists and loads, and what `nris catalogue export/import` writes and reads.
/// </summary>
public sealed record CatalogueContent(
    IReadOnlyList<Territory> Territories,
    IReadOnlyList<TerritorySuccession> TerritorySuccessions,
    IReadOnlyList<Organization> Organizations,
    IReadOnlyList<OrganizationSuccession> OrganizationSuccessions,
    IReadOnlyList<InformationCategory> Categories,
    IReadOnlyList<Codelist> Codelists,
    IReadOnlyList<Indicator> Indicators,
    IReadOnlyList<Regime> Regimes)
{
    /// <summary>An empty catalogue.</summary>
    public static CatalogueContent Empty { get; } = new([], [], [], [], [], [], [], []);
}
