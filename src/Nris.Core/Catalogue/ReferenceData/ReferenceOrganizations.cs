using System.Text.Json;

namespace Nris.Core.Catalogue.ReferenceData;

/// <summary>
/// The reporting organizations of the reference data: the central bodies listed in <c>reference/organizations.json</c>
/// and one People's Committee per province, district and commune version, generated from the territories because
/// there are thirteen thousand of them and they follow the territories exactly.
/// </summary>
public static class ReferenceOrganizations
{
    /// <summary>The listed organizations (Government, ministries, agencies, state corporations).</summary>
    public const string OrganizationsFile = "organizations.json";

    /// <summary>Successions between listed organizations.</summary>
    public const string SuccessionsFile = "organization-successions.json";

    /// <summary>The prefix of People's Committee codes (Ủy ban nhân dân).</summary>
    public const string CommitteePrefix = "UBND.";

    /// <summary>The code of the People's Committee of <paramref name="territoryCode"/>: "UBND.01", "UBND.00004".</summary>
    public static string CommitteeCode(string territoryCode) => CommitteePrefix + territoryCode;

    /// <summary>Reads <see cref="OrganizationsFile"/>: a JSON array of organizations in the <see cref="CatalogueJson"/> shape.</summary>
    /// <exception cref="JsonException">The JSON is malformed or has unknown members.</exception>
    public static IReadOnlyList<Organization> ReadOrganizations(Stream json) =>
        JsonSerializer.Deserialize<Organization[]>(json, CatalogueJson.Options)
        ?? throw new JsonException($"{OrganizationsFile}: expected an array, found null.");

    /// <summary>Reads <see cref="SuccessionsFile"/>: a JSON array of organization successions.</summary>
    /// <exception cref="JsonException">The JSON is malformed or has unknown members.</exception>
    public static IReadOnlyList<OrganizationSuccession> ReadSuccessions(Stream json) =>
        JsonSerializer.Deserialize<OrganizationSuccession[]>(json, CatalogueJson.Options)
        ?? throw new JsonException($"{SuccessionsFile}: expected an array, found null.");

    /// <summary>
    /// One People's Committee per province, district and commune version (not the nation), with the territory's
    /// validity; it reports to the committee of the parent territory, and a province's committee to the Government.
    /// </summary>
    public static IReadOnlyList<Organization> Committees(IEnumerable<Territory> territories)
    {
        ArgumentNullException.ThrowIfNull(territories);
        var result = new List<Organization>();
        foreach (var t in territories)
        {
            var kind = t.Level switch
            {
                TerritoryLevel.Province => OrganizationKind.ProvincialCommittee,
                TerritoryLevel.District => OrganizationKind.DistrictCommittee,
                TerritoryLevel.Commune => OrganizationKind.CommuneCommittee,
                _ => (OrganizationKind?)null,
            };
            if (kind is not { } k)
            {
                continue;
            }

            var parent = t.Level == TerritoryLevel.Province || t.ParentCode is null
                ? Organization.GovernmentCode
                : CommitteeCode(t.ParentCode);
            result.Add(new Organization(
                CommitteeCode(t.Code),
                t.Validity,
                k,
                "Ủy ban nhân dân " + t.Name,
                "People's Committee of " + t.NameEn,
                "UBND " + t.ShortName,
                parent,
                t.Code));
        }

        return result;
    }

    /// <summary>The committees' successions: one per territory succession, same kind, date and legal basis.</summary>
    public static IReadOnlyList<OrganizationSuccession> CommitteeSuccessions(IEnumerable<TerritorySuccession> successions)
    {
        ArgumentNullException.ThrowIfNull(successions);
        return [.. successions
            .Where(s => s.Level != TerritoryLevel.Nation)
            .Select(s => new OrganizationSuccession(CommitteeCode(s.FromCode), CommitteeCode(s.ToCode), s.Effective, s.Kind, s.LegalBasis))];
    }
}
