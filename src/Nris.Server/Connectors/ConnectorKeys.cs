using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Nris.Server.Auth;
using Nris.Storage;

namespace Nris.Server.Connectors;

/// <summary>
/// Push keys of connectors. They have the shape of API keys (<c>nris_k…_secret</c>) but live with their connector, not
/// among API clients, and the principal they give holds no role: the authorization layer lets it through to
/// <see cref="NrisAccess.Connector"/> endpoints only (the connector's push endpoint), and nowhere else.
/// </summary>
public static class ConnectorKeys
{
    public static async Task<ClaimsPrincipal?> AuthenticateAsync(NrisDbContext db, string keyId, string secret, string scheme, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!keyId.StartsWith('k'))
        {
            return null;
        }
        var connector = await db.Connectors.AsNoTracking().Where(c => c.KeyId == keyId)
            .Select(c => new { c.Name, c.OrganizationCode, c.KeyHash, c.Enabled }).FirstOrDefaultAsync(ct);
        if (connector is null || connector.KeyHash is null || !connector.Enabled || !Secrets.HashEquals(connector.KeyHash, Secrets.Hash(secret)))
        {
            return null;
        }
        var principal = NrisClaims.Principal(scheme, NrisClaims.ConnectorKind, keyId, ConnectorIngest.ActorName(connector.Name), connector.OrganizationCode, []);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(NrisClaims.Connector, connector.Name));
        return principal;
    }
}
