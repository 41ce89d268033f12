using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Storage;

namespace Nris.Server.Auth;

/// <summary>
/// Authenticates machine clients by API key, sent as <c>Authorization: Bearer nris_…</c> or <c>X-Api-Key: nris_…</c>.
/// The key is checked against the database on every request, so a revoked or rotated key stops working at once.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NrisDbContext db,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>Whether the request carries a key (or any bearer credential), and so is for this scheme.</summary>
    public static bool Presents(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderName) ||
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString();
        if (presented.Length == 0)
        {
            var authorization = Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return AuthenticateResult.NoResult();
            }

            presented = authorization["Bearer ".Length..].Trim();
        }

        if (!Secrets.TryParseKey(presented, out var clientId, out var secret))
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        var client = await db.ApiClients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId, Context.RequestAborted);
        if (client is null && await Connectors.ConnectorKeys.AuthenticateAsync(db, clientId, secret, SchemeName, Context.RequestAborted) is { } connector)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(connector, SchemeName));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // One message for every failure: the caller learns nothing about which clients exist.
        if (client is null || !Secrets.HashEquals(client.KeyHash, Secrets.Hash(secret)) || client.RevokedAt is not null ||
            (client.ExpiresAt is { } expires && expires <= now) ||
            !Grant.TryParseName<Role>(client.Role, out var role) || !Grant.TryParseName<Classification>(client.Ceiling, out var ceiling))
        {
            return AuthenticateResult.Fail("Invalid, revoked or expired API key.");
        }

        var principal = NrisClaims.Principal(
            SchemeName, NrisClaims.ClientKind, client.Id, client.Id, client.OrganizationCode,
            [new Grant(role, client.OrganizationCode, ceiling)]);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
