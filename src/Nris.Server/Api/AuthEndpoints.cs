using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Nris.Core.Security;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Storage.Identity;

namespace Nris.Server.Api;

public sealed record SignInRequest(string? UserName, string? Password, string? TwoFactorCode);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record TwoFactorCodeRequest(string? Code);

public sealed record AntiforgeryDto(string HeaderName, string Token);

public sealed record TwoFactorSetupDto(string SharedKey, string AuthenticatorUri);

public sealed record MeDto(
    string Id, string Name, string Kind, string OrganizationCode, string? OrganizationName,
    IReadOnlyList<GrantDto> Grants, Core.Catalogue.Classification Ceiling, bool MustChangePassword, bool TwoFactorEnabled);

public sealed record GrantDto(Role Role, string OrganizationCode, Core.Catalogue.Classification Ceiling)
{
    public static GrantDto From(Grant g) => new(g.Role, g.OrganizationCode, g.Ceiling);
}

/// <summary>Sign-in and the caller's own account: antiforgery token, sign-in/out, password change, TOTP, /api/me.</summary>
public static class AuthEndpoints
{
    /// <summary>Credentials are small; a large body on these endpoints is an attack, not a sign-in.</summary>
    private const long AuthBodyLimit = 16 * 1024;

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/auth").WithTags("Authentication")
            .WithMetadata(new RequestSizeLimitAttribute(AuthBodyLimit));
        auth.MapGet("/antiforgery", GetAntiforgery).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("A token to send as X-CSRF-TOKEN with every POST/PUT/DELETE made with the session cookie.");
        auth.MapPost("/sign-in", SignInAsync).RequireNrisAccess(NrisAccess.Public).RequireRateLimiting(SecurityServices.SignInRateLimit)
            .WithSummary("Sign in with user name, password and, when enabled, a TOTP code; sets the session cookie.");
        auth.MapPost("/sign-out", SignOutAsync).RequireNrisAccess(NrisAccess.AuthenticatedPendingPasswordChange)
            .WithSummary("End the session.");
        auth.MapPost("/change-password", ChangePasswordAsync).RequireNrisAccess(NrisAccess.AuthenticatedPendingPasswordChange)
            .RequireRateLimiting(SecurityServices.SignInRateLimit)
            .WithSummary("Change the caller's password; required after a first or reset password.");
        auth.MapPost("/two-factor/setup", SetupTwoFactorAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("A new authenticator key (TOTP) for the caller; two-factor is on after /two-factor/enable.");
        auth.MapPost("/two-factor/enable", EnableTwoFactorAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .RequireRateLimiting(SecurityServices.SignInRateLimit)
            .WithSummary("Turn on two-factor sign-in by proving a code from the authenticator.");
        routes.MapGet("/api/me", GetMeAsync).WithTags("Authentication").RequireNrisAccess(NrisAccess.AuthenticatedPendingPasswordChange)
            .WithSummary("The caller: identity, organization, grants and classification ceiling.");
        return routes;
    }

    private static Ok<AntiforgeryDto> GetAntiforgery(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryDto(tokens.HeaderName!, tokens.RequestToken!));
    }

    private static ProblemHttpResult SignInFailed(string type = "sign-in-failed") => type == "two-factor-required"
        ? Problems.Create(401, type, "Two-factor code required", "Cần mã xác thực hai lớp",
            "This account uses two-factor sign-in: send the current code from the authenticator as twoFactorCode.",
            "Tài khoản dùng xác thực hai lớp: gửi mã hiện tại từ ứng dụng xác thực trong trường twoFactorCode.")
        : Problems.Create(401, type, "Sign-in failed", "Đăng nhập không thành công",
            "The user name or password is wrong, or the account is locked or disabled.",
            "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị khóa.");

    private static async Task<Results<Ok<MeDto>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext context, UserManager<NrisUser> users, Accounts accounts, AuditLog audit,
        CatalogueState catalogue, CancellationToken ct)
    {
        var name = request.UserName?.Trim() ?? "";
        if (name.Length == 0 || name.Length > 256 || string.IsNullOrEmpty(request.Password) || request.Password.Length > 1024)
        {
            return Problems.BadRequest("userName", "User name and password are required.", "Cần tên đăng nhập và mật khẩu.");
        }

        var user = await users.FindByNameAsync(name);
        if (user is null || user.IsDisabled)
        {
            await audit.WriteAsync(AuditActions.SignInFailed, name, user?.OrganizationCode, user is null ? "unknown user" : "disabled", ct, actor: name);
            return SignInFailed();
        }

        if (await users.IsLockedOutAsync(user))
        {
            await audit.WriteAsync(AuditActions.SignInFailed, name, user.OrganizationCode, "locked out", ct, actor: name, actorOrganization: user.OrganizationCode);
            return SignInFailed();
        }

        if (!await users.CheckPasswordAsync(user, request.Password))
        {
            return await FailAsync(users, audit, user, "wrong password", ct);
        }

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.TwoFactorCode))
            {
                return SignInFailed("two-factor-required");
            }

            if (!await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, request.TwoFactorCode.Replace(" ", "", StringComparison.Ordinal)))
            {
                return await FailAsync(users, audit, user, "wrong two-factor code", ct);
            }
        }

        await users.ResetAccessFailedCountAsync(user);
        var principal = await SecurityServices.PrincipalForAsync(user, accounts, ct);
        await context.SignInAsync(SecurityServices.CookieScheme, principal);
        context.User = principal;
        await audit.WriteAsync(AuditActions.SignIn, name, user.OrganizationCode, null, ct);
        return TypedResults.Ok(await MeAsync(principal, users, catalogue));
    }

    private static async Task<ProblemHttpResult> FailAsync(UserManager<NrisUser> users, AuditLog audit, NrisUser user, string why, CancellationToken ct)
    {
        await users.AccessFailedAsync(user);
        var locked = await users.IsLockedOutAsync(user);
        await audit.WriteAsync(locked ? AuditActions.LockedOut : AuditActions.SignInFailed, user.UserName, user.OrganizationCode,
            locked ? why + "; locked out until " + user.LockoutEnd?.ToString("O", CultureInfo.InvariantCulture) : why,
            ct, actor: user.UserName, actorOrganization: user.OrganizationCode);
        return SignInFailed();
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context, AuditLog audit, CancellationToken ct)
    {
        if (context.User.Identity?.AuthenticationType == SecurityServices.CookieScheme)
        {
            await audit.WriteAsync(AuditActions.SignOut, NrisClaims.ActorName(context.User), context.User.FindFirst(NrisClaims.Organization)?.Value, null, ct);
            await context.SignOutAsync(SecurityServices.CookieScheme);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, HttpContext context, UserManager<NrisUser> users, Accounts accounts, AuditLog audit, CancellationToken ct)
    {
        if (await CurrentUserAsync(context, users) is not { } user)
        {
            return NotAUser();
        }

        if (string.IsNullOrEmpty(request.CurrentPassword) || string.IsNullOrEmpty(request.NewPassword) || request.NewPassword.Length > 1024)
        {
            return Problems.BadRequest("newPassword", "The current and the new password are required.", "Cần mật khẩu hiện tại và mật khẩu mới.");
        }

        if (request.NewPassword == request.CurrentPassword)
        {
            return Problems.BadRequest("newPassword", "The new password must differ from the current one.", "Mật khẩu mới phải khác mật khẩu hiện tại.");
        }

        var changed = await users.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword);
        if (!changed.Succeeded)
        {
            var errors = changed.Errors.Select(e => new ProblemError(IdentityMessages.PasswordField(e), e.Description, IdentityMessages.Vi(e))).ToList();
            return Problems.Create(400, "password-rejected", "Password not changed", "Không đổi được mật khẩu",
                "The current password is wrong or the new one does not meet the password policy.",
                "Mật khẩu hiện tại không đúng hoặc mật khẩu mới không đạt yêu cầu.", errors);
        }

        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await audit.WriteAsync(AuditActions.PasswordChanged, user.UserName, user.OrganizationCode, null, ct);
        // The stamp changed with the password: renew this session's cookie, other sessions end.
        await context.SignInAsync(SecurityServices.CookieScheme, await SecurityServices.PrincipalForAsync(user, accounts, ct));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TwoFactorSetupDto>, ProblemHttpResult>> SetupTwoFactorAsync(
        HttpContext context, UserManager<NrisUser> users, Accounts accounts, CancellationToken ct)
    {
        if (await CurrentUserAsync(context, users) is not { } user)
        {
            return NotAUser();
        }

        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        // A new key changes the security stamp: keep this session, end the others.
        await context.SignInAsync(SecurityServices.CookieScheme, await SecurityServices.PrincipalForAsync(user, accounts, ct));
        var uri = $"otpauth://totp/Nris:{Uri.EscapeDataString(user.UserName!)}?secret={key}&issuer=Nris&digits=6";
        return TypedResults.Ok(new TwoFactorSetupDto(key, uri));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EnableTwoFactorAsync(
        TwoFactorCodeRequest request, HttpContext context, UserManager<NrisUser> users, Accounts accounts, AuditLog audit, CancellationToken ct)
    {
        if (await CurrentUserAsync(context, users) is not { } user)
        {
            return NotAUser();
        }

        if (string.IsNullOrWhiteSpace(request.Code) ||
            !await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, request.Code.Replace(" ", "", StringComparison.Ordinal)))
        {
            return Problems.BadRequest("code", "The code does not match the authenticator key.", "Mã không khớp với khóa xác thực.");
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        await audit.WriteAsync(AuditActions.TwoFactorEnabled, user.UserName, user.OrganizationCode, null, ct);
        await context.SignInAsync(SecurityServices.CookieScheme, await SecurityServices.PrincipalForAsync(user, accounts, ct));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MeDto>> GetMeAsync(HttpContext context, UserManager<NrisUser> users, CatalogueState catalogue) =>
        TypedResults.Ok(await MeAsync(context.User, users, catalogue));

    private static async Task<MeDto> MeAsync(System.Security.Claims.ClaimsPrincipal principal, UserManager<NrisUser> users, CatalogueState catalogue)
    {
        var kind = principal.FindFirst(NrisClaims.Kind)?.Value ?? NrisClaims.UserKind;
        var org = principal.FindFirst(NrisClaims.Organization)?.Value ?? "";
        var grants = NrisClaims.Grants(principal);
        var twoFactor = false;
        if (kind == NrisClaims.UserKind && principal.FindFirst(NrisClaims.Id)?.Value is { } id && await users.FindByIdAsync(id) is { } user)
        {
            twoFactor = user.TwoFactorEnabled;
        }

        var versions = catalogue.Current.Organizations.Versions(org);
        var organization = versions.Count > 0 ? versions[^1] : null;
        return new MeDto(
            principal.FindFirst(NrisClaims.Id)?.Value ?? "", NrisClaims.ActorName(principal), kind, org, organization?.Name,
            [.. grants.Select(GrantDto.From)],
            grants.Count == 0 ? Core.Catalogue.Classification.Public : grants.Max(g => g.Ceiling),
            principal.HasClaim(NrisClaims.MustChangePassword, "true"), twoFactor);
    }

    private static async Task<NrisUser?> CurrentUserAsync(HttpContext context, UserManager<NrisUser> users) =>
        context.User.FindFirst(NrisClaims.Kind)?.Value == NrisClaims.UserKind && context.User.FindFirst(NrisClaims.Id)?.Value is { } id
            ? await users.FindByIdAsync(id)
            : null;

    private static ProblemHttpResult NotAUser() =>
        Problems.Create(400, "not-a-user", "Not a user account", "Không phải tài khoản người dùng",
            "Only people signed in with a password have a password and an authenticator; API clients do not.",
            "Chỉ người dùng đăng nhập bằng mật khẩu mới có mật khẩu và xác thực hai lớp; ứng dụng khách API thì không.");
}
