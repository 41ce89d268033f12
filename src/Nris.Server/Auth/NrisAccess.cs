using Microsoft.AspNetCore.Authorization;
using Nris.Core.Security;

namespace Nris.Server.Auth;

/// <summary>Who may call an endpoint, declared on every endpoint. An endpoint without it is refused (fallback deny).</summary>
public enum NrisAccessKind
{
    /// <summary>Anyone, signed in or not: catalogue metadata, open data, sign-in itself.</summary>
    Public,
    /// <summary>Any signed-in user or authenticated client; what it sees is still decided by its scope.</summary>
    Authenticated,
    /// <summary>Callers holding one of the listed roles; what they see is still decided by their scope.</summary>
    Roles,
    /// <summary>A live connection's own key, and nothing else (the push endpoint of connectors).</summary>
    Connector,
}

/// <summary>Endpoint metadata: the declared access of an endpoint. The authorization matrix test reads it.</summary>
public sealed record NrisAccessMetadata(NrisAccessKind Kind, IReadOnlyList<Role> Roles, bool AllowPendingPasswordChange)
{
    public override string ToString() => Kind == NrisAccessKind.Roles ? "Roles(" + string.Join(",", Roles) + ")" : Kind.ToString();
}

/// <summary>The access declarations used by endpoints.</summary>
public static class NrisAccess
{
    public static NrisAccessMetadata Public { get; } = new(NrisAccessKind.Public, [], true);

    public static NrisAccessMetadata Authenticated { get; } = new(NrisAccessKind.Authenticated, [], false);

    /// <summary>Authenticated, and callable while a user still has to change a password it was given (me, change-password, sign-out).</summary>
    public static NrisAccessMetadata AuthenticatedPendingPasswordChange { get; } = new(NrisAccessKind.Authenticated, [], true);

    /// <summary>The administrators: system administrators everywhere, agency administrators in their subtree.</summary>
    public static NrisAccessMetadata Administrators { get; } = InRole(Role.SystemAdministrator, Role.AgencyAdministrator);

    /// <summary>Only a connector's push key (which in turn is refused everywhere else).</summary>
    public static NrisAccessMetadata Connector { get; } = new(NrisAccessKind.Connector, [], false);

    public static NrisAccessMetadata InRole(params Role[] roles) => new(NrisAccessKind.Roles, roles, false);

    /// <summary>Declares the access of an endpoint or group and applies the matching authorization.</summary>
    public static TBuilder RequireNrisAccess<TBuilder>(this TBuilder builder, NrisAccessMetadata access)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(access);
        builder.WithMetadata(access);
        if (access.Kind == NrisAccessKind.Public)
        {
            builder.Add(b => b.Metadata.Add(new AllowAnonymousAttribute()));
            return builder;
        }

        var policy = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .AddRequirements(new NrisAccessRequirement(access))
            .Build();
        return builder.RequireAuthorization(policy);
    }

    /// <summary>Declares that only callers holding one of <paramref name="roles"/> may call the endpoint.</summary>
    public static TBuilder RequireNrisAccess<TBuilder>(this TBuilder builder, params Role[] roles)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireNrisAccess(InRole(roles));
}

/// <summary>The authorization requirement behind <see cref="NrisAccess.RequireNrisAccess{TBuilder}(TBuilder, NrisAccessMetadata)"/>.</summary>
public sealed class NrisAccessRequirement(NrisAccessMetadata access) : IAuthorizationRequirement
{
    public NrisAccessMetadata Access { get; } = access;
}

/// <summary>Checks roles from the caller's grants, and holds users with a pending password change to the few endpoints that allow it.</summary>
public sealed class NrisAccessHandler : AuthorizationHandler<NrisAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, NrisAccessRequirement requirement)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return Task.CompletedTask;
        }

        if (user.HasClaim(NrisClaims.MustChangePassword, "true") && !requirement.Access.AllowPendingPasswordChange)
        {
            return Task.CompletedTask;
        }

        // A connector's key is good for its push endpoint only, and that endpoint takes nothing else.
        var isConnector = user.HasClaim(NrisClaims.Kind, NrisClaims.ConnectorKind);
        if (isConnector || requirement.Access.Kind == NrisAccessKind.Connector)
        {
            if (isConnector && requirement.Access.Kind == NrisAccessKind.Connector)
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }

        if (requirement.Access.Kind == NrisAccessKind.Authenticated)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var grants = NrisClaims.Grants(user);
        if (grants.Any(g => g.Role == Role.SystemAdministrator || requirement.Access.Roles.Contains(g.Role)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The fallback policy's requirement: an endpoint that declared no access is refused to everyone. Requests that
/// matched no endpoint pass, so an unknown path is still a plain 404 (and a wrong method a 405).
/// </summary>
public sealed class UndeclaredEndpointRequirement : AuthorizationHandler<UndeclaredEndpointRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UndeclaredEndpointRequirement requirement)
    {
        // Routing's own 405 endpoint answers a wrong method on a known path; it serves nothing, so it is let through.
        if (context.Resource is HttpContext http && http.GetEndpoint() is null or { DisplayName: "405 HTTP Method Not Supported" })
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
