using System.Security.Claims;
using Nris.Storage;
using Nris.Storage.Identity;

namespace Nris.Server.Auth;

/// <summary>The actions written to the audit trail.</summary>
public static class AuditActions
{
    public const string SignIn = "auth.sign-in";
    public const string SignInFailed = "auth.sign-in-failed";
    public const string LockedOut = "auth.locked-out";
    public const string SignOut = "auth.sign-out";
    public const string PasswordChanged = "auth.password-changed";
    public const string TwoFactorEnabled = "auth.two-factor-enabled";
    public const string UserCreated = "admin.user-created";
    public const string UserDisabled = "admin.user-disabled";
    public const string UserEnabled = "admin.user-enabled";
    public const string PasswordReset = "admin.password-reset";
    public const string GrantsChanged = "admin.grants-changed";
    public const string ClientCreated = "admin.client-created";
    public const string ClientRevoked = "admin.client-revoked";
    public const string ClientRotated = "admin.client-rotated";
    public const string ConfidentialRead = "data.confidential-read";
    public const string Export = "data.export";
    public const string RegimeCreated = "regime.created";
    public const string RegimeVersioned = "regime.versioned";
    public const string IndicatorChanged = "indicator.changed";
    public const string CodelistChanged = "codelist.changed";
    public const string CategoryChanged = "category.changed";
    public const string TerritoryChanged = "territory.changed";
    public const string FederationInstanceRegistered = "federation.instance-registered";
    public const string FederationLinkResumed = "federation.link-resumed";
    public const string FederationCatalogueApplied = "federation.catalogue-applied";
    public const string FederationCatalogueResumed = "federation.catalogue-resumed";
}

/// <summary>Writes audit events. Each write is its own insert and commit: an audited action is never lost with a later failure.</summary>
public sealed class AuditLog(NrisDbContext db, TimeProvider clock, IHttpContextAccessor http)
{
    public async Task WriteAsync(
        string action, string? target, string? organizationCode, string? detail, CancellationToken cancellationToken,
        string? actor = null, string? actorOrganization = null)
    {
        var context = http.HttpContext;
        var user = context?.User;
        var entry = db.AuditEvents.Add(new AuditEventEntity
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = Truncate(actor ?? (user is null ? "cli" : NrisClaims.ActorName(user)), 256)!,
            ActorOrganization = actorOrganization ?? user?.FindFirstValue(NrisClaims.Organization),
            Action = action,
            Target = Truncate(target, 256),
            OrganizationCode = organizationCode,
            RemoteAddress = context?.Connection.RemoteIpAddress?.ToString(),
            Detail = Truncate(detail, 2000),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            entry.State = Microsoft.EntityFrameworkCore.EntityState.Detached;
        }
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
