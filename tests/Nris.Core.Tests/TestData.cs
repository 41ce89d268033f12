using Nris.Core.Catalogue;
using Nris.Core.Catalogue.ReferenceData;

namespace Nris.Core.Tests;

/// <summary>
/// The shipped reference data (copied next to the test binaries by NrisShipsData), read once per test run:
/// reading and indexing it is the expensive part, and every catalogue test asks the same questions of it.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<CatalogueContent> LazyReference = new(() => ReferenceCatalogue.Read(p => File.OpenRead(ReferencePath(p))));
    private static readonly Lazy<TerritoryIndex> LazyTerritories =
        new(() => new TerritoryIndex(Reference.Territories, Reference.TerritorySuccessions));
    private static readonly Lazy<OrganizationIndex> LazyOrganizations =
        new(() => new OrganizationIndex(Reference.Organizations, Reference.OrganizationSuccessions));

    /// <summary>The folder holding the reference files.</summary>
    public static string ReferenceFolder { get; } = Path.Combine(AppContext.BaseDirectory, "reference");

    /// <summary>Full path of a reference file given relative to the reference folder with '/' separators.</summary>
    public static string ReferencePath(string relative) =>
        Path.Combine([ReferenceFolder, .. relative.Split('/')]);

    public static CatalogueContent Reference => LazyReference.Value;

    public static TerritoryIndex Territories => LazyTerritories.Value;

    public static OrganizationIndex Organizations => LazyOrganizations.Value;
}
