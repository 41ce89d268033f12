using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Storage;
using Nris.Storage.Identity;

namespace Nris.Server.Auth;

public enum AccountOutcome
{
    Done,
    /// <summary>Missing, or outside the actor's scope: the two are not told apart, so existence does not leak.</summary>
    NotFound,
    /// <summary>The target is known (e.g. a public organization code) but the actor may not act on it.</summary>
    Forbidden,
    Invalid,
}

/// <summary>The outcome of an account operation, its value when done, and what was wrong when invalid.</summary>
/// <param name="Outcome">Done, not found, forbidden or invalid.</param>
/// <param name="Value">The result when done.</param>
/// <param name="Errors">What was wrong, in English.</param>
/// <param name="ErrorsVi">The same in Vietnamese, one for one; null when only English is known.</param>
public sealed record AccountResult<T>(AccountOutcome Outcome, T? Value = default, IReadOnlyList<string>? Errors = null, IReadOnlyList<string>? ErrorsVi = null);

public sealed record UserDto(
    string Id, string UserName, string DisplayName, string OrganizationCode, IReadOnlyList<string> Grants,
    bool IsDisabled, bool MustChangePassword, bool TwoFactorEnabled, DateTimeOffset? LockedOutUntil, DateTime CreatedAt);

public sealed record ClientDto(
    string Id, string Name, string OrganizationCode, string Role, string Ceiling, DateTime CreatedAt, string CreatedBy,
    DateTime? ExpiresAt, DateTime? RevokedAt, DateTime? RotatedAt);

/// <summary>A new account or client and its secret, shown once.</summary>
public sealed record WithSecret<T>(T Item, string Secret);

/// <summary>
/// Users and API clients, managed inside an actor's scope. The API, the CLI and the bootstrap all come through
/// here, so the delegation rule (an agency administrator acts only inside its subtree and never above its own
/// rights) lives in one place. Queries filter by the actor's subtree in SQL: rows outside it are never read.
/// </summary>
public sealed class Accounts(
    NrisDbContext db, UserManager<NrisUser> users, CatalogueState catalogue, TimeProvider clock, AuditLog audit)
{
    /// <summary>The scope of an operator at the console (CLI, bootstrap): the whole instance.</summary>
    public AccessScope OperatorScope() =>
        new([new Grant(Role.SystemAdministrator, Organization.GovernmentCode, Classification.Confidential)],
            catalogue.Current.Organizations, VietnamTime.Today(clock));

    public async Task<IReadOnlyList<UserDto>> ListUsersAsync(AccessScope scope, string? organizationCode, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking();
        if (organizationCode is not null)
        {
            if (!scope.CanAdminister(organizationCode))
            {
                return [];
            }

            var codes = scope.SubtreeCodes([organizationCode]);
            query = query.Where(u => codes.Contains(u.OrganizationCode));
        }
        else if (scope.AdministeredRoots() is { } roots)
        {
            var codes = scope.SubtreeCodes(roots);
            query = query.Where(u => codes.Contains(u.OrganizationCode));
        }

        var list = await query.OrderBy(u => u.UserName).ToListAsync(ct);
        return await ToDtosAsync(list, ct);
    }

    public async Task<UserDto?> FindUserAsync(AccessScope scope, string idOrName, CancellationToken ct)
    {
        var user = await FindInScopeAsync(scope, idOrName, ct);
        return user is null ? null : (await ToDtosAsync([user], ct))[0];
    }

    public async Task<AccountResult<WithSecret<UserDto>>> CreateUserAsync(
        AccessScope scope, string userName, string? displayName, string organizationCode, IReadOnlyList<Grant> grants,
        CancellationToken ct, string? password = null, bool mustChangePassword = true)
    {
        var today = VietnamTime.Today(clock);
        if (catalogue.Current.Organizations.Find(organizationCode, today) is null)
        {
            return new(AccountOutcome.Invalid, Errors: [$"Organization '{organizationCode}' does not exist today."], ErrorsVi: [$"Đơn vị '{organizationCode}' không tồn tại vào hôm nay."]);
        }

        if (!scope.CanAdminister(organizationCode) || grants.Any(g => !scope.CanGive(g)))
        {
            return new(AccountOutcome.Forbidden);
        }

        if (grants.FirstOrDefault(g => catalogue.Current.Organizations.Find(g.OrganizationCode, today) is null) is { } bad)
        {
            return new(AccountOutcome.Invalid, Errors: [$"Organization '{bad.OrganizationCode}' of a grant does not exist today."], ErrorsVi: [$"Đơn vị '{bad.OrganizationCode}' của một quyền được cấp không tồn tại vào hôm nay."]);
        }

        password ??= Secrets.Password();
        var user = new NrisUser
        {
            UserName = userName,
            DisplayName = displayName ?? userName,
            OrganizationCode = organizationCode,
            MustChangePassword = mustChangePassword,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return new(AccountOutcome.Invalid, Errors: [.. created.Errors.Select(e => e.Description)], ErrorsVi: [.. created.Errors.Select(IdentityMessages.Vi)]);
        }

        db.UserGrants.AddRange(grants.Select(g => ToEntity(user.Id, g)));
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.UserCreated, userName, organizationCode, "grants: " + string.Join("; ", grants), ct);
        return new AccountResult<WithSecret<UserDto>>(AccountOutcome.Done, new((await ToDtosAsync([user], ct))[0], password));
    }

    public async Task<AccountResult<UserDto>> SetDisabledAsync(AccessScope scope, string idOrName, bool disabled, CancellationToken ct)
    {
        var (outcome, user) = await ManageableAsync(scope, idOrName, ct);
        if (user is null)
        {
            return new(outcome);
        }

        user.IsDisabled = disabled;
        await users.UpdateAsync(user);
        // A new stamp ends the user's open sessions at their next request.
        await users.UpdateSecurityStampAsync(user);
        await audit.WriteAsync(disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, user.UserName, user.OrganizationCode, null, ct);
        return new AccountResult<UserDto>(AccountOutcome.Done, (await ToDtosAsync([user], ct))[0]);
    }

    public async Task<AccountResult<WithSecret<UserDto>>> ResetPasswordAsync(AccessScope scope, string idOrName, CancellationToken ct)
    {
        var (outcome, user) = await ManageableAsync(scope, idOrName, ct);
        if (user is null)
        {
            return new(outcome);
        }

        var password = Secrets.Password();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return new(AccountOutcome.Invalid, Errors: [.. reset.Errors.Select(e => e.Description)], ErrorsVi: [.. reset.Errors.Select(IdentityMessages.Vi)]);
        }

        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.WriteAsync(AuditActions.PasswordReset, user.UserName, user.OrganizationCode, null, ct);
        return new AccountResult<WithSecret<UserDto>>(AccountOutcome.Done, new((await ToDtosAsync([user], ct))[0], password));
    }

    public async Task<AccountResult<UserDto>> SetGrantsAsync(AccessScope scope, string idOrName, IReadOnlyList<Grant> grants, CancellationToken ct)
    {
        var (outcome, user) = await ManageableAsync(scope, idOrName, ct);
        if (user is null)
        {
            return new(outcome);
        }

        if (grants.Any(g => !scope.CanGive(g)))
        {
            return new(AccountOutcome.Forbidden);
        }

        await db.UserGrants.Where(g => g.UserId == user.Id).ExecuteDeleteAsync(ct);
        db.UserGrants.AddRange(grants.Select(g => ToEntity(user.Id, g)));
        await db.SaveChangesAsync(ct);
        await users.UpdateSecurityStampAsync(user);
        await audit.WriteAsync(AuditActions.GrantsChanged, user.UserName, user.OrganizationCode, "grants: " + string.Join("; ", grants), ct);
        return new AccountResult<UserDto>(AccountOutcome.Done, (await ToDtosAsync([user], ct))[0]);
    }

    public async Task<IReadOnlyList<Grant>> GrantsOfAsync(string userId, CancellationToken ct)
    {
        var rows = await db.UserGrants.AsNoTracking().Where(g => g.UserId == userId).OrderBy(g => g.Id).ToListAsync(ct);
        return [.. rows.Select(FromEntity).OfType<Grant>()];
    }

    public async Task<IReadOnlyList<ClientDto>> ListClientsAsync(AccessScope scope, CancellationToken ct)
    {
        var query = db.ApiClients.AsNoTracking();
        if (scope.AdministeredRoots() is { } roots)
        {
            var codes = scope.SubtreeCodes(roots);
            query = query.Where(c => codes.Contains(c.OrganizationCode));
        }

        return [.. (await query.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct)).Select(ToDto)];
    }

    public async Task<AccountResult<WithSecret<ClientDto>>> CreateClientAsync(
        AccessScope scope, string name, Grant grant, int? expiresInDays, string createdBy, CancellationToken ct)
    {
        if (catalogue.Current.Organizations.Find(grant.OrganizationCode, VietnamTime.Today(clock)) is null)
        {
            return new(AccountOutcome.Invalid, Errors: [$"Organization '{grant.OrganizationCode}' does not exist today."], ErrorsVi: [$"Đơn vị '{grant.OrganizationCode}' không tồn tại vào hôm nay."]);
        }

        if (grant.Role is Role.SystemAdministrator or Role.AgencyAdministrator)
        {
            return new(AccountOutcome.Invalid, Errors: ["A machine client cannot be an administrator."], ErrorsVi: ["Ứng dụng khách không thể là quản trị viên."]);
        }

        if (!scope.CanAdminister(grant.OrganizationCode) || !scope.CanGive(grant))
        {
            return new(AccountOutcome.Forbidden);
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 256 || expiresInDays is <= 0 or > 3650)
        {
            return new(AccountOutcome.Invalid, Errors: ["A name (up to 256 characters) is required; expiry is 1 to 3650 days."], ErrorsVi: ["Cần có tên (tối đa 256 ký tự); thời hạn từ 1 đến 3650 ngày."]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var id = Secrets.ClientId();
        var (key, hash) = Secrets.NewKey(id);
        var client = new ApiClientEntity
        {
            Id = id,
            Name = name.Trim(),
            OrganizationCode = grant.OrganizationCode,
            Role = grant.Role.ToString(),
            Ceiling = grant.Ceiling.ToString(),
            KeyHash = hash,
            CreatedAt = now,
            CreatedBy = createdBy,
            ExpiresAt = expiresInDays is { } d ? now.AddDays(d) : null,
        };
        db.ApiClients.Add(client);
        await db.SaveChangesAsync(ct);
        db.Entry(client).State = EntityState.Detached;
        await audit.WriteAsync(AuditActions.ClientCreated, id, grant.OrganizationCode, $"{name}: {grant}", ct);
        return new AccountResult<WithSecret<ClientDto>>(AccountOutcome.Done, new(ToDto(client), key));
    }

    public async Task<AccountResult<ClientDto>> RevokeClientAsync(AccessScope scope, string id, CancellationToken ct)
    {
        var client = await ClientInScopeAsync(scope, id, ct);
        if (client is null)
        {
            return new(AccountOutcome.NotFound);
        }

        client.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.ClientRevoked, id, client.OrganizationCode, null, ct);
        return new AccountResult<ClientDto>(AccountOutcome.Done, ToDto(client));
    }

    public async Task<AccountResult<WithSecret<ClientDto>>> RotateClientAsync(AccessScope scope, string id, CancellationToken ct)
    {
        var client = await ClientInScopeAsync(scope, id, ct);
        if (client is null)
        {
            return new(AccountOutcome.NotFound);
        }

        if (client.RevokedAt is not null)
        {
            return new(AccountOutcome.Invalid, Errors: ["A revoked client cannot get a new key."], ErrorsVi: ["Ứng dụng khách đã bị thu hồi không thể nhận khóa mới."]);
        }

        var (key, hash) = Secrets.NewKey(client.Id);
        client.KeyHash = hash;
        client.RotatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(AuditActions.ClientRotated, id, client.OrganizationCode, null, ct);
        return new AccountResult<WithSecret<ClientDto>>(AccountOutcome.Done, new(ToDto(client), key));
    }

    public static Grant? FromEntity(UserGrantEntity e) =>
        Grant.TryParseName<Role>(e.Role, out var role) && Grant.TryParseName<Classification>(e.Ceiling, out var ceiling)
            ? new Grant(role, e.OrganizationCode, ceiling)
            : null;

    private static UserGrantEntity ToEntity(string userId, Grant g) => new()
    {
        UserId = userId,
        Role = g.Role.ToString(),
        OrganizationCode = g.OrganizationCode,
        Ceiling = g.Ceiling.ToString(),
    };

    private static ClientDto ToDto(ApiClientEntity c) => new(
        c.Id, c.Name, c.OrganizationCode, c.Role, c.Ceiling, Utc(c.CreatedAt), c.CreatedBy, UtcOrNull(c.ExpiresAt),
        UtcOrNull(c.RevokedAt), UtcOrNull(c.RotatedAt));

    internal static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DateTime? UtcOrNull(DateTime? value) => value is { } v ? Utc(v) : null;

    private async Task<IReadOnlyList<UserDto>> ToDtosAsync(IReadOnlyList<NrisUser> list, CancellationToken ct)
    {
        var ids = list.Select(u => u.Id).ToList();
        var grants = (await db.UserGrants.AsNoTracking().Where(g => ids.Contains(g.UserId)).OrderBy(g => g.Id).ToListAsync(ct))
            .ToLookup(g => g.UserId, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        return [.. list.Select(u => new UserDto(
            u.Id, u.UserName!, u.DisplayName, u.OrganizationCode,
            [.. grants[u.Id].Select(FromEntity).OfType<Grant>().Select(g => g.ToString())],
            u.IsDisabled, u.MustChangePassword, u.TwoFactorEnabled,
            u.LockoutEnd is { } end && end > now ? end : null, Utc(u.CreatedAt)))];
    }

    private async Task<NrisUser?> FindInScopeAsync(AccessScope scope, string idOrName, CancellationToken ct)
    {
        var normalized = users.NormalizeName(idOrName);
        var query = db.Users.Where(u => u.Id == idOrName || u.NormalizedUserName == normalized);
        if (scope.AdministeredRoots() is { } roots)
        {
            var codes = scope.SubtreeCodes(roots);
            query = query.Where(u => codes.Contains(u.OrganizationCode));
        }

        return await query.FirstOrDefaultAsync(ct);
    }

    // Managing a user needs its organization in the actor's subtree and every grant it holds within the actor's
    // own rights: otherwise a province administrator could reset the password of a national administrator who
    // happens to sit in that province, and become one.
    private async Task<(AccountOutcome, NrisUser?)> ManageableAsync(AccessScope scope, string idOrName, CancellationToken ct)
    {
        var user = await FindInScopeAsync(scope, idOrName, ct);
        if (user is null)
        {
            return (AccountOutcome.NotFound, null);
        }

        var held = await GrantsOfAsync(user.Id, ct);
        return held.All(scope.CanGive) ? (AccountOutcome.Done, user) : (AccountOutcome.Forbidden, null);
    }

    private async Task<ApiClientEntity?> ClientInScopeAsync(AccessScope scope, string id, CancellationToken ct)
    {
        var query = db.ApiClients.Where(c => c.Id == id);
        if (scope.AdministeredRoots() is { } roots)
        {
            var codes = scope.SubtreeCodes(roots);
            query = query.Where(c => codes.Contains(c.OrganizationCode));
        }

        return await query.FirstOrDefaultAsync(ct);
    }
}
