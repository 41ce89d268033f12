using System.Security.Claims;
using Nris.Core.Security;

namespace Nris.Server.Auth;

/// <summary>
/// The claims both authentication schemes produce, so that everything after authentication (policies, the scope,
/// the audit trail) treats a signed-in person and a machine client the same way.
/// </summary>
public static class NrisClaims
{
    public const string Id = ClaimTypes.NameIdentifier;
    public const string Name = ClaimTypes.Name;
    public const string Kind = "nris:kind";
    public const string Organization = "nris:org";
    public const string Grant = "nris:grant";
    public const string MustChangePassword = "nris:must_change_password";
    public const string SecurityStamp = "nris:stamp";

    public const string UserKind = "user";
    public const string ClientKind = "client";

    /// <summary>A live connection's push key (issue #9): it opens its connector's push endpoint and nothing else.</summary>
    public const string ConnectorKind = "connector";

    /// <summary>The connector a connector key belongs to.</summary>
    public const string Connector = "nris:connector";

    public static ClaimsPrincipal Principal(
        string scheme, string kind, string id, string name, string organization, IEnumerable<Grant> grants,
        bool mustChangePassword = false, string? securityStamp = null)
    {
        var claims = new List<Claim>
        {
            new(Id, id),
            new(Name, name),
            new(Kind, kind),
            new(Organization, organization),
        };
        claims.AddRange(grants.Select(g => new Claim(Grant, g.ToString())));
        if (mustChangePassword)
        {
            claims.Add(new Claim(MustChangePassword, "true"));
        }

        if (securityStamp is not null)
        {
            claims.Add(new Claim(SecurityStamp, securityStamp));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, Name, ClaimTypes.Role));
    }

    public static IReadOnlyList<Grant> Grants(ClaimsPrincipal user) =>
        [.. user.FindAll(Grant).Select(c => Core.Security.Grant.TryParse(c.Value)).OfType<Grant>()];

    /// <summary>The name recorded in the audit trail: the user name or client id; "anonymous" otherwise.</summary>
    public static string ActorName(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(Name) ?? "unknown" : "anonymous";
}
