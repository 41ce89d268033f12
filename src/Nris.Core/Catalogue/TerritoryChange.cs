using System.Globalization;

namespace Nris.Core.Catalogue;

/// <summary>
/// A change of the administrative map from one date (a merger, a split, a new unit, a renaming), as an administrator
/// states it and as the parent publishes it to its children: the units whose version in force the day before
/// <see cref="Effective"/> ends then, the new versions that start on <see cref="Effective"/>, the succession links
/// between the two, and, when the change brings them, the organizations (People's Committees) that end, start and
/// succeed one another on the same date.
/// </summary>
/// <param name="Effective">The first day of the new map.</param>
/// <param name="EndTerritories">Codes of the units whose version in force the day before ends that day.</param>
/// <param name="Territories">The new unit versions, each valid from <paramref name="Effective"/>.</param>
/// <param name="Successions">How the ended units passed into the new ones, each effective on <paramref name="Effective"/>.</param>
/// <param name="EndOrganizations">Codes of the organizations whose version in force the day before ends that day.</param>
/// <param name="Organizations">The new organization versions, each valid from <paramref name="Effective"/>.</param>
/// <param name="OrganizationSuccessions">How ended organizations passed into new ones, effective on <paramref name="Effective"/>.</param>
/// <param name="Description">What the change is, e.g. the legal basis ("Nghị quyết 1656/NQ-UBTVQH15").</param>
public sealed record TerritoryChange(
    DateOnly Effective,
    IReadOnlyList<string> EndTerritories,
    IReadOnlyList<Territory> Territories,
    IReadOnlyList<TerritorySuccession> Successions,
    IReadOnlyList<string>? EndOrganizations = null,
    IReadOnlyList<Organization>? Organizations = null,
    IReadOnlyList<OrganizationSuccession>? OrganizationSuccessions = null,
    string? Description = null)
{
    /// <summary>At most this many items (ends, versions and links together) in one change.</summary>
    public const int MaxItems = 10_000;

    /// <summary>The code a territory change goes by in the ledger and the feed: <c>territories@2026-07-01</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Code => "territories@" + Effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The number of items the change holds.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int ItemCount => EndTerritories.Count + Territories.Count + Successions.Count
        + (EndOrganizations?.Count ?? 0) + (Organizations?.Count ?? 0) + (OrganizationSuccessions?.Count ?? 0);
}
