namespace Nris.Core.Catalogue.ReferenceData;

/// <summary>
/// The one entry point to the reference data: territories, their successions, organizations (listed and generated
/// People's Committees) and theirs, as the reference part of a <see cref="CatalogueContent"/>. Categories, codelists,
/// indicators and regimes come from the demo catalogue and are left empty here.
/// </summary>
public static class ReferenceCatalogue
{
    /// <summary>The folder of the administrative-unit files, relative to the reference folder.</summary>
    public const string AdministrativeUnitsFolder = "vn-admin";

    /// <summary>Every file the reference data is read from, relative to the reference folder, with '/' separators.</summary>
    public static IReadOnlyList<string> Files { get; } =
    [
        AdministrativeUnitsFolder + "/" + AdministrativeUnitsReader.UnitsPre2025File,
        AdministrativeUnitsFolder + "/" + AdministrativeUnitsReader.Units2025File,
        AdministrativeUnitsFolder + "/" + AdministrativeUnitsReader.Changes20260430File,
        AdministrativeUnitsFolder + "/" + AdministrativeUnitsReader.CommuneMappingFile,
        AdministrativeUnitsFolder + "/" + AdministrativeUnitsReader.ProvinceMappingFile,
        ReferenceOrganizations.OrganizationsFile,
        ReferenceOrganizations.SuccessionsFile,
    ];

    /// <summary>
    /// Reads everything. Core does no I/O, so the caller opens the files: <paramref name="open"/> gets each path of
    /// <see cref="Files"/> and returns a readable stream, which this method disposes.
    /// </summary>
    /// <exception cref="FormatException">A CSV file is malformed; the message names the file, line and column.</exception>
    /// <exception cref="System.Text.Json.JsonException">A JSON file is malformed.</exception>
    public static CatalogueContent Read(Func<string, Stream> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        using var unitsPre2025 = Text(open, Files[0]);
        using var units2025 = Text(open, Files[1]);
        using var changes = Text(open, Files[2]);
        using var communeMapping = Text(open, Files[3]);
        using var provinceMapping = Text(open, Files[4]);
        using var organizations = open(Files[5]);
        using var successions = open(Files[6]);
        return Read(unitsPre2025, units2025, changes, communeMapping, provinceMapping, organizations, successions);
    }

    /// <summary>Reads everything from already opened inputs (see <see cref="AdministrativeUnitsReader.Read"/> and
    /// <see cref="ReferenceOrganizations"/>); the caller disposes them.</summary>
    public static CatalogueContent Read(
        TextReader unitsPre2025,
        TextReader units2025,
        TextReader changes20260430,
        TextReader communeMapping,
        TextReader provinceMapping,
        Stream organizations,
        Stream organizationSuccessions)
    {
        var units = AdministrativeUnitsReader.Read(unitsPre2025, units2025, changes20260430, communeMapping, provinceMapping);
        var listed = ReferenceOrganizations.ReadOrganizations(organizations);
        var listedSuccessions = ReferenceOrganizations.ReadSuccessions(organizationSuccessions);
        return new CatalogueContent(
            units.Territories,
            units.Successions,
            [.. listed, .. ReferenceOrganizations.Committees(units.Territories)],
            [.. listedSuccessions, .. ReferenceOrganizations.CommitteeSuccessions(units.Successions)],
            [],
            [],
            [],
            []);
    }

    private static StreamReader Text(Func<string, Stream> open, string path) =>
        new(open(path), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
}
