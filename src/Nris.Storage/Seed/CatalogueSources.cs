using Microsoft.Extensions.Configuration;
using Nris.Core.Catalogue;
using Nris.Core.Catalogue.ReferenceData;

namespace Nris.Storage.Seed;

/// <summary>
/// Where the shipped reference data (<c>reference/</c>) and demo catalogue (<c>catalogue/demo/</c>) are read
/// from. Core parses; this class only opens the files. By default they are next to the binaries (the build copies
/// them there); <c>Nris:DataFiles</c> points elsewhere, e.g. at an edited copy.
/// </summary>
public sealed class CatalogueSources(string referenceDirectory, string demoCatalogueDirectory)
{
    public string ReferenceDirectory { get; } = referenceDirectory;

    public string DemoCatalogueDirectory { get; } = demoCatalogueDirectory;

    public static CatalogueSources FromConfiguration(IConfiguration configuration)
    {
        var root = configuration["Nris:DataFiles"] is { Length: > 0 } configured ? configured : AppContext.BaseDirectory;
        return new CatalogueSources(Path.Combine(root, "reference"), Path.Combine(root, "catalogue", "demo"));
    }

    /// <summary>Territories, organizations and their successions.</summary>
    public CatalogueContent ReadReference() =>
        ReferenceCatalogue.Read(path => File.OpenRead(Path.Combine(ReferenceDirectory, path)));

    /// <summary>Categories, codelists, indicators and regimes of the demo.</summary>
    public CatalogueContent ReadDemoCatalogue() => ReadCatalogueFiles(DemoCatalogueDirectory);

    /// <summary>Reads the four catalogue files of <paramref name="directory"/>.</summary>
    /// <exception cref="CatalogueFormatException">A file is missing or not valid; the message names it.</exception>
    public static CatalogueContent ReadCatalogueFiles(string directory) =>
        CatalogueFiles.ReadAll(name =>
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path)
                ? File.OpenRead(path)
                : throw new CatalogueFormatException($"{name}: thiếu tệp {path} / {name}: the file {path} is missing.");
        });

    /// <summary>Writes the four catalogue files into <paramref name="directory"/>, creating it if needed.</summary>
    public static void WriteCatalogueFiles(string directory, CatalogueContent content)
    {
        Directory.CreateDirectory(directory);
        CatalogueFiles.WriteAll(content, name => File.Create(Path.Combine(directory, name)));
    }

    /// <summary>The reference part of <paramref name="reference"/> with the catalogue part of <paramref name="catalogue"/>.</summary>
    public static CatalogueContent Merge(CatalogueContent reference, CatalogueContent catalogue) =>
        ReferencePart(reference) with
        {
            Categories = catalogue.Categories,
            Codelists = catalogue.Codelists,
            Indicators = catalogue.Indicators,
            Regimes = catalogue.Regimes,
        };

    /// <summary>Only territories, organizations and their successions.</summary>
    public static CatalogueContent ReferencePart(CatalogueContent content) =>
        content with { Categories = [], Codelists = [], Indicators = [], Regimes = [] };
}
