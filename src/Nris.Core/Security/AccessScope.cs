using Nris.Core.Catalogue;

namespace Nris.Core.Security;

/// <summary>
/// What one caller may see and do, decided from its grants and the organization tree on one date. Every query of
/// the server asks this object first and reads only what it allows, so data outside the scope is never loaded.
/// Immutable; build one per request.
/// </summary>
public sealed class AccessScope
{
    private readonly OrganizationIndex? _organizations;

    /// <summary>Builds the scope of a caller holding <paramref name="grants"/>.</summary>
    /// <param name="grants">The caller's grants; empty for an anonymous caller.</param>
    /// <param name="organizations">The organization tree the subtrees are taken from.</param>
    /// <param name="asOf">The date whose reporting lines decide the subtrees (normally today).</param>
    /// <param name="isAuthenticated">Whether the caller proved an identity (a user or a client without grants is still authenticated).</param>
    public AccessScope(IEnumerable<Grant> grants, OrganizationIndex organizations, DateOnly asOf, bool isAuthenticated = true)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(organizations);
        Grants = [.. grants];
        _organizations = organizations;
        AsOf = asOf;
        IsAuthenticated = isAuthenticated;
    }

    private AccessScope()
    {
        Grants = [];
    }

    /// <summary>The scope of an anonymous caller: public data only.</summary>
    public static AccessScope Anonymous { get; } = new();

    /// <summary>The grants the scope was built from.</summary>
    public IReadOnlyList<Grant> Grants { get; }

    /// <summary>The date of the organization tree used.</summary>
    public DateOnly AsOf { get; }

    /// <summary>Whether the caller is signed in (a user) or authenticated (a client).</summary>
    public bool IsAuthenticated { get; }

    /// <summary>Whether the caller holds the system administrator role.</summary>
    public bool IsSystemAdministrator => Grants.Any(g => g.Role == Role.SystemAdministrator);

    /// <summary>The most sensitive classification any grant reaches; <see cref="Classification.Public"/> without grants.</summary>
    public Classification Ceiling => Grants.Count == 0 ? Classification.Public : Grants.Max(g => g.Ceiling);

    /// <summary>Whether the caller holds <paramref name="role"/> anywhere (system administrators hold every role).</summary>
    public bool HasRole(Role role) => Grants.Any(g => g.Role == role || g.Role == Role.SystemAdministrator);

    /// <summary>Whether <paramref name="organizationCode"/> is <paramref name="rootCode"/> or reports to it on <see cref="AsOf"/>.</summary>
    public bool IsWithin(string organizationCode, string rootCode) =>
        _organizations is not null && _organizations.IsWithin(organizationCode, rootCode, AsOf);

    /// <summary>Whether the caller may read data of <paramref name="organizationCode"/>: some grant's subtree holds it.</summary>
    public bool CanRead(string organizationCode) =>
        Grants.Any(g => g.Role == Role.SystemAdministrator || IsWithin(organizationCode, g.OrganizationCode));

    /// <summary>Whether the caller may manage users and clients of <paramref name="organizationCode"/>.</summary>
    public bool CanAdminister(string organizationCode) =>
        Grants.Any(g => g.Role == Role.SystemAdministrator ||
                        (g.Role == Role.AgencyAdministrator && IsWithin(organizationCode, g.OrganizationCode)));

    /// <summary>
    /// Whether the caller may publish versions of <paramref name="regime"/> (delegated regime administration): a
    /// system administrator any; an agency administrator one whose recipient is inside its subtree and whose
    /// classification does not exceed that grant's ceiling. A regime addressed to "each reporter's parent" has no
    /// single recipient, so only a system administrator manages it.
    /// </summary>
    public bool CanAdministerRegime(Regime regime)
    {
        ArgumentNullException.ThrowIfNull(regime);
        return IsSystemAdministrator ||
               (regime.RecipientCode != Regime.ParentRecipient &&
                Grants.Any(g => g.Role == Role.AgencyAdministrator &&
                                IsWithin(regime.RecipientCode, g.OrganizationCode) &&
                                regime.Classification <= g.Ceiling));
    }

    /// <summary>
    /// Whether the caller may see a regime at all. Public regimes are open data; internal ones need an authenticated
    /// grant reaching internal; confidential ones need a grant reaching confidential.
    /// </summary>
    public bool CanReadRegime(Regime regime)
    {
        ArgumentNullException.ThrowIfNull(regime);
        return CanReadClassification(regime.Classification);
    }

    /// <summary>Whether the caller's ceiling reaches <paramref name="classification"/>.</summary>
    public bool CanReadClassification(Classification classification) =>
        classification == Classification.Public || (IsAuthenticated && Ceiling >= classification);

    /// <summary>
    /// Whether the caller may give <paramref name="grant"/> to someone: only a system administrator creates system
    /// administrators; an agency administrator grants other roles inside its own subtree and up to its own ceiling.
    /// </summary>
    public bool CanGive(Grant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (IsSystemAdministrator)
        {
            return true;
        }

        return grant.Role != Role.SystemAdministrator &&
               Grants.Any(g => g.Role == Role.AgencyAdministrator &&
                               IsWithin(grant.OrganizationCode, g.OrganizationCode) &&
                               grant.Ceiling <= g.Ceiling);
    }

    /// <summary>
    /// The roots of the subtrees the caller administers, or null when it administers everything (system administrator).
    /// Queries filter on these roots' subtrees before reading.
    /// </summary>
    public IReadOnlyList<string>? AdministeredRoots() =>
        IsSystemAdministrator
            ? null
            : Grants.Where(g => g.Role == Role.AgencyAdministrator).Select(g => g.OrganizationCode).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The codes of every organization in the subtrees of <paramref name="roots"/> on <see cref="AsOf"/> (roots included),
    /// for filtering a query with <c>IN (…)</c> so that rows outside them are never read.
    /// </summary>
    public IReadOnlySet<string> SubtreeCodes(IEnumerable<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            codes.Add(root);
            if (_organizations is not null)
            {
                foreach (var o in _organizations.Descendants(root, AsOf))
                {
                    codes.Add(o.Code);
                }
            }
        }

        return codes;
    }
}
