using Nris.Core.Catalogue;

namespace Nris.Core.Security;

/// <summary>
/// What a person or a machine client may do. Every role is granted for one organization's subtree (see
/// <see cref="Grant"/>); anonymous callers have no role and see published open data only.
/// </summary>
public enum Role
{
    /// <summary>Administers the whole instance: every organization, every user, every client.</summary>
    SystemAdministrator = 0,
    /// <summary>Administers users, API clients and regimes inside its organization's subtree (phân quyền quản trị).</summary>
    AgencyAdministrator = 1,
    /// <summary>Enters and submits reports for its organization.</summary>
    Reporter = 2,
    /// <summary>Accepts or returns reports addressed to its organization.</summary>
    Reviewer = 3,
    /// <summary>Reads data and aggregates within its scope.</summary>
    Analyst = 4,
}

/// <summary>
/// One grant: a <paramref name="Role"/> over the subtree of <paramref name="OrganizationCode"/> (the organization
/// and every body reporting to it, directly or not), up to the classification <paramref name="Ceiling"/>.
/// </summary>
/// <param name="Role">What the holder may do.</param>
/// <param name="OrganizationCode">Root of the subtree the grant covers, e.g. "UBND.01" for Hà Nội and its communes.</param>
/// <param name="Ceiling">The most sensitive regime classification the holder may read.</param>
public sealed record Grant(Role Role, string OrganizationCode, Classification Ceiling)
{
    /// <summary>The compact text form used in claims and on the command line: "Role|ORG|Ceiling".</summary>
    public override string ToString() => $"{Role}|{OrganizationCode}|{Ceiling}";

    /// <summary>Parses <see cref="ToString"/>'s form; null when it is not one.</summary>
    public static Grant? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split('|');
        if (parts.Length != 3 || parts[1].Length == 0 ||
            !TryParseName<Role>(parts[0], out var role) || !TryParseName<Classification>(parts[2], out var ceiling))
        {
            return null;
        }

        return new Grant(role, parts[1], ceiling);
    }

    /// <summary>Parses an enum member by name only (case-insensitive); numbers and combinations are refused.</summary>
    public static bool TryParseName<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(candidate.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
