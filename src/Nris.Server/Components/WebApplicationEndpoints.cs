using Nris.Server.Auth;

namespace Nris.Server.Components;

/// <summary>Maps the web application's pages and its interactive circuit.</summary>
public static class WebApplicationEndpoints
{
    /// <summary>
    /// Every page is reachable by URL (a signed-out visitor is sent to sign-in, see <see cref="Shared.SignedInPage"/>);
    /// what a page shows is decided inside it by the caller's <c>AccessScope</c>, as in the API.
    /// </summary>
    public static IEndpointRouteBuilder MapWebApplication(this IEndpointRouteBuilder routes)
    {
        routes.MapRazorComponents<App>()
            .RequireNrisAccess(NrisAccess.Public);
        // Signed-in pages listen here for "numbers you can see have changed"; they then re-read through their own scope.
        routes.MapHub<Live.LiveHub>("/live").RequireNrisAccess(NrisAccess.Authenticated);
        return routes;
    }
}
