using Microsoft.AspNetCore.Http.HttpResults;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Server.Auth;

namespace Nris.Server.Api;

public sealed record GrantInput(string? Role, string? OrganizationCode, string? Ceiling);

public sealed record CreateUserRequest(string? UserName, string? DisplayName, string? OrganizationCode, IReadOnlyList<GrantInput>? Grants);

public sealed record SetGrantsRequest(IReadOnlyList<GrantInput>? Grants);

public sealed record CreateClientRequest(string? Name, string? OrganizationCode, string? Role, string? Ceiling, int? ExpiresInDays);

public sealed record UserWithPasswordDto(UserDto User, string Password);

public sealed record ClientWithKeyDto(ClientDto Client, string Key);

/// <summary>
/// Delegated administration (phân quyền quản trị): users and API clients, each inside the caller's subtree. A
/// system administrator manages everything; an agency administrator its organization and the bodies under it.
/// </summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin").WithTags("Administration").RequireNrisAccess(NrisAccess.Administrators);
        admin.MapGet("/users", ListUsersAsync).WithSummary("Users in the caller's subtree, optionally under one organization.");
        admin.MapPost("/users", CreateUserAsync).WithSummary("Create a user inside the caller's subtree; the first password is returned once and must be changed.");
        admin.MapGet("/users/{id}", GetUserAsync).WithSummary("One user (by id or user name) in the caller's subtree.");
        admin.MapPost("/users/{id}/disable", (string id, AccessScope scope, Accounts accounts, CancellationToken ct) => SetDisabledAsync(id, true, scope, accounts, ct))
            .WithSummary("Disable a user; its sessions end at once.");
        admin.MapPost("/users/{id}/enable", (string id, AccessScope scope, Accounts accounts, CancellationToken ct) => SetDisabledAsync(id, false, scope, accounts, ct))
            .WithSummary("Enable a disabled user.");
        admin.MapPost("/users/{id}/reset-password", ResetPasswordAsync).WithSummary("Give a user a new random password, returned once; it must be changed at sign-in.");
        admin.MapPut("/users/{id}/grants", SetGrantsAsync).WithSummary("Replace a user's grants (roles, subtrees, ceilings) within the caller's rights.");
        admin.MapGet("/clients", ListClientsAsync).WithSummary("API clients of the caller's subtree (never their keys).");
        admin.MapPost("/clients", CreateClientAsync).WithSummary("Create an API client bound to an organization; the key is returned once.");
        admin.MapPost("/clients/{id}/revoke", RevokeClientAsync).WithSummary("Revoke an API client; its key stops working at once.");
        admin.MapPost("/clients/{id}/rotate", RotateClientAsync).WithSummary("Replace an API client's key; the old key stops working at once.");

        routes.MapGet("/api/organizations/{code}/users", ListOrganizationUsersAsync).WithTags("Administration")
            .RequireNrisAccess(NrisAccess.Administrators)
            .WithSummary("Users of an organization's subtree, for its administrators.");
        return routes;
    }

    private static async Task<Ok<ListDto<UserDto>>> ListUsersAsync(string? organization, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        var users = await accounts.ListUsersAsync(scope, string.IsNullOrWhiteSpace(organization) ? null : organization, ct);
        return TypedResults.Ok(new ListDto<UserDto>(users.Count, users));
    }

    private static async Task<Results<Ok<ListDto<UserDto>>, ProblemHttpResult>> ListOrganizationUsersAsync(
        string code, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        // Out of scope looks exactly like a missing organization.
        if (!scope.CanAdminister(code))
        {
            return Problems.NotFound("Organization", code, "Cơ quan, đơn vị");
        }

        var users = await accounts.ListUsersAsync(scope, code, ct);
        return TypedResults.Ok(new ListDto<UserDto>(users.Count, users));
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetUserAsync(string id, AccessScope scope, Accounts accounts, CancellationToken ct) =>
        await accounts.FindUserAsync(scope, id, ct) is { } user ? TypedResults.Ok(user) : UserNotFound(id);

    private static async Task<Results<Created<UserWithPasswordDto>, ProblemHttpResult>> CreateUserAsync(
        CreateUserRequest request, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrWhiteSpace(request.OrganizationCode))
        {
            return Problems.BadRequest("userName", "userName and organizationCode are required.", "Cần userName và organizationCode.");
        }

        if (!TryGrants(request.Grants, request.OrganizationCode, out var grants, out var problem))
        {
            return problem;
        }

        var result = await accounts.CreateUserAsync(scope, request.UserName.Trim(), request.DisplayName, request.OrganizationCode.Trim(), grants, ct);
        return result.Outcome == AccountOutcome.Done
            ? TypedResults.Created("/api/admin/users/" + result.Value!.Item.Id, new UserWithPasswordDto(result.Value.Item, result.Value.Secret))
            : Failure(result.Outcome, result, request.UserName);
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> SetDisabledAsync(string id, bool disabled, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        var result = await accounts.SetDisabledAsync(scope, id, disabled, ct);
        return result.Outcome == AccountOutcome.Done ? TypedResults.Ok(result.Value!) : Failure(result.Outcome, result, id);
    }

    private static async Task<Results<Ok<UserWithPasswordDto>, ProblemHttpResult>> ResetPasswordAsync(string id, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        var result = await accounts.ResetPasswordAsync(scope, id, ct);
        return result.Outcome == AccountOutcome.Done
            ? TypedResults.Ok(new UserWithPasswordDto(result.Value!.Item, result.Value.Secret))
            : Failure(result.Outcome, result, id);
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> SetGrantsAsync(
        string id, SetGrantsRequest request, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        var existing = await accounts.FindUserAsync(scope, id, ct);
        if (existing is null)
        {
            return UserNotFound(id);
        }

        if (!TryGrants(request.Grants, existing.OrganizationCode, out var grants, out var problem))
        {
            return problem;
        }

        var result = await accounts.SetGrantsAsync(scope, id, grants, ct);
        return result.Outcome == AccountOutcome.Done ? TypedResults.Ok(result.Value!) : Failure(result.Outcome, result, id);
    }

    private static async Task<Ok<ListDto<ClientDto>>> ListClientsAsync(AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        var clients = await accounts.ListClientsAsync(scope, ct);
        return TypedResults.Ok(new ListDto<ClientDto>(clients.Count, clients));
    }

    private static async Task<Results<Created<ClientWithKeyDto>, ProblemHttpResult>> CreateClientAsync(
        CreateClientRequest request, HttpContext context, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.OrganizationCode) || !Grant.TryParseName<Role>(request.Role, out var role))
        {
            return Problems.BadRequest("role", "organizationCode and a role (reporter, reviewer, analyst) are required.",
                "Cần organizationCode và vai trò (reporter, reviewer, analyst).");
        }

        var ceiling = Classification.Internal;
        if (request.Ceiling is not null && !Grant.TryParseName(request.Ceiling, out ceiling))
        {
            return Problems.BadRequest("ceiling", "ceiling is one of public, internal, confidential.", "ceiling là public, internal hoặc confidential.");
        }

        var result = await accounts.CreateClientAsync(scope, request.Name ?? "", new Grant(role, request.OrganizationCode.Trim(), ceiling),
            request.ExpiresInDays, NrisClaims.ActorName(context.User), ct);
        return result.Outcome == AccountOutcome.Done
            ? TypedResults.Created("/api/admin/clients/" + result.Value!.Item.Id, new ClientWithKeyDto(result.Value.Item, result.Value.Secret))
            : Failure(result.Outcome, result, request.Name ?? "");
    }

    private static async Task<Results<Ok<ClientDto>, ProblemHttpResult>> RevokeClientAsync(string id, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        var result = await accounts.RevokeClientAsync(scope, id, ct);
        return result.Outcome == AccountOutcome.Done ? TypedResults.Ok(result.Value!) : ClientFailure(result.Outcome, result, id);
    }

    private static async Task<Results<Ok<ClientWithKeyDto>, ProblemHttpResult>> RotateClientAsync(string id, AccessScope scope, Accounts accounts, CancellationToken ct)
    {
        var result = await accounts.RotateClientAsync(scope, id, ct);
        return result.Outcome == AccountOutcome.Done
            ? TypedResults.Ok(new ClientWithKeyDto(result.Value!.Item, result.Value.Secret))
            : ClientFailure(result.Outcome, result, id);
    }

    private static bool TryGrants(IReadOnlyList<GrantInput>? inputs, string defaultOrganization, out List<Grant> grants,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        grants = [];
        problem = null;
        foreach (var input in inputs ?? [])
        {
            if (!Grant.TryParseName<Role>(input.Role, out var role))
            {
                problem = Problems.BadRequest("grants", $"'{Query.Truncate(input.Role ?? "")}' is not a role.", $"'{Query.Truncate(input.Role ?? "")}' không phải là vai trò.");
                return false;
            }

            var ceiling = Classification.Internal;
            if (input.Ceiling is not null && !Grant.TryParseName(input.Ceiling, out ceiling))
            {
                problem = Problems.BadRequest("grants", "ceiling is one of public, internal, confidential.", "ceiling là public, internal hoặc confidential.");
                return false;
            }

            grants.Add(new Grant(role, string.IsNullOrWhiteSpace(input.OrganizationCode) ? defaultOrganization : input.OrganizationCode.Trim(), ceiling));
        }

        return true;
    }

    private static ProblemHttpResult UserNotFound(string id) => Problems.NotFound("User", id, "Người dùng");

    private static ProblemHttpResult Failure<T>(AccountOutcome outcome, AccountResult<T> result, string what) => outcome switch
    {
        AccountOutcome.NotFound => UserNotFound(what),
        AccountOutcome.Forbidden => Forbidden(),
        _ => Invalid(result.Errors, result.ErrorsVi),
    };

    private static ProblemHttpResult ClientFailure<T>(AccountOutcome outcome, AccountResult<T> result, string id) => outcome switch
    {
        AccountOutcome.NotFound => Problems.NotFound("API client", id, "Ứng dụng khách API"),
        AccountOutcome.Forbidden => Forbidden(),
        _ => Invalid(result.Errors, result.ErrorsVi),
    };

    public static ProblemHttpResult Forbidden() =>
        Problems.Create(403, "forbidden", "Forbidden", "Không có quyền",
            "This is outside your administrative scope or above your own rights.",
            "Việc này nằm ngoài phạm vi quản trị hoặc vượt quá quyền của bạn.");

    // English and Vietnamese one for one; an error known only in English is given in English in both.
    private static ProblemHttpResult Invalid(IReadOnlyList<string>? errors, IReadOnlyList<string>? errorsVi)
    {
        var en = errors ?? [];
        var vi = errorsVi is { } v && v.Count == en.Count ? v : en;
        return Problems.Create(400, "bad-request", "Invalid request", "Yêu cầu không hợp lệ",
            string.Join(" ", en), string.Join(" ", vi),
            [.. en.Select((e, i) => new ProblemError("request", e, vi[i]))]);
    }
}
