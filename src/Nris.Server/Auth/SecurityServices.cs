using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Nris.Core.Security;
using Nris.Server.Api;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Storage;
using Nris.Storage.Identity;

namespace Nris.Server.Auth;

/// <summary>Registers and wires the one authorization layer: identity, both schemes, policies, the scope, hardening.</summary>
public static class SecurityServices
{
    public const string CookieScheme = "Nris.Cookie";
    public const string SelectorScheme = "Nris";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string SignInRateLimit = "sign-in";
    public const string SubmissionRateLimit = "submission";

    public static IServiceCollection AddNrisSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();
        services.AddIdentityCore<NrisUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 5;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<NrisDbContext>()
            .AddDefaultTokenProviders();
        // Operators may tighten (never loosen by accident) the policy in configuration: Nris:Identity:Password:RequiredLength …
        services.Configure<IdentityOptions>(configuration.GetSection("Nris:Identity"));
        services.AddScoped<AuditLog>();
        services.AddScoped<Accounts>();
        services.AddScoped(ScopeOf);

        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Cookie or API key", o =>
                o.ForwardDefaultSelector = ctx => ApiKeyAuthenticationHandler.Presents(ctx.Request)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "nris.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(configuration.GetValue("Nris:Auth:SessionHours", 8.0));
                o.SlidingExpiration = true;
                // An API answers 401/403; it does not redirect to a login page.
                o.Events.OnRedirectToLogin = ctx => { ctx.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = ctx => { ctx.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            });

        services.AddSingleton<IAuthorizationHandler, NrisAccessHandler>();
        services.AddSingleton<IAuthorizationHandler, UndeclaredEndpointRequirement>();
        services.AddAuthorization(o =>
            // Nothing is readable by default: an endpoint must declare its access (RequireNrisAccess).
            o.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new UndeclaredEndpointRequirement()).Build());
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "nris.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            AddLimit(o, configuration, SignInRateLimit, 10, 60);
            AddLimit(o, configuration, SubmissionRateLimit, 120, 60);
        });
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Only proxies on this machine are trusted by default (the defaults: loopback); more in Nris:KnownProxies.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in configuration.GetSection("Nris:KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return services;
    }

    private static void AddLimit(Microsoft.AspNetCore.RateLimiting.RateLimiterOptions o, IConfiguration configuration, string name, int permits, int seconds)
    {
        var section = configuration.GetSection("Nris:RateLimits:" + name);
        var limit = section.GetValue("PermitLimit", permits);
        var window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", seconds));
        // Per client address (after trusted proxies); a caller cannot escape by changing user name or client id.
        o.AddPolicy(name, ctx => RateLimitPartition.GetFixedWindowLimiter(
            ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0 }));
    }

    /// <summary>The caller's scope for this request, built once from its claims, today's organization tree and date.</summary>
    private static AccessScope ScopeOf(IServiceProvider services)
    {
        var user = services.GetRequiredService<IHttpContextAccessor>().HttpContext?.User;
        if (user?.Identity?.IsAuthenticated != true)
        {
            return AccessScope.Anonymous;
        }

        var clock = services.GetRequiredService<TimeProvider>();
        var catalogue = services.GetRequiredService<CatalogueState>().Current;
        return new AccessScope(NrisClaims.Grants(user), catalogue.Organizations, VietnamTime.Today(clock));
    }

    // Every request with a session cookie re-reads the account: a disabled user, a reset password or changed grants
    // take effect at the next request, not when the cookie expires.
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirst(NrisClaims.Id)?.Value;
        var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<NrisUser>>();
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (user is null || user.IsDisabled || await users.IsLockedOutAsync(user) ||
            user.SecurityStamp != context.Principal!.FindFirst(NrisClaims.SecurityStamp)?.Value)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }

        var accounts = context.HttpContext.RequestServices.GetRequiredService<Accounts>();
        context.ReplacePrincipal(await PrincipalForAsync(user, accounts, context.HttpContext.RequestAborted));
    }

    public static async Task<System.Security.Claims.ClaimsPrincipal> PrincipalForAsync(NrisUser user, Accounts accounts, CancellationToken ct) =>
        NrisClaims.Principal(CookieScheme, NrisClaims.UserKind, user.Id, user.UserName!, user.OrganizationCode,
            await accounts.GrantsOfAsync(user.Id, ct), user.MustChangePassword, user.SecurityStamp);

    /// <summary>The security part of the pipeline, in order: forwarded headers, headers, authentication, antiforgery, authorization, rate limits.</summary>
    public static void UseNrisSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use(SecurityHeadersAsync);
        app.UseAuthentication();
        app.Use(AntiforgeryAsync);
        app.UseAuthorization();
        app.UseRateLimiter();
    }

    private static Task SecurityHeadersAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            // The OpenAPI UI needs inline styles and scripts of its own; everything else gets the strict policy.
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase)
                ? "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
                : "default-src 'self'; frame-ancestors 'none'";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }

    // A browser sends the session cookie with any request, including one forged by another site; it cannot add a
    // custom header to a cross-site request. So an unsafe request made with the cookie must carry the token from
    // GET /api/auth/antiforgery. Requests with an API key are exempt: browsers never attach those by themselves.
    private static async Task AntiforgeryAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) &&
            !HttpMethods.IsOptions(context.Request.Method) &&
            context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme })
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await Problems.Create(400, "antiforgery", "Missing or invalid antiforgery token", "Thiếu hoặc sai mã chống giả mạo yêu cầu",
                    $"Requests made with a session cookie must send the {AntiforgeryHeader} header obtained from GET /api/auth/antiforgery.",
                    $"Yêu cầu dùng cookie phiên phải gửi tiêu đề {AntiforgeryHeader} lấy từ GET /api/auth/antiforgery.").ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }
}
