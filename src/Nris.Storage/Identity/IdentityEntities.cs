using Microsoft.AspNetCore.Identity;

namespace Nris.Storage.Identity;

/// <summary>A person who signs in (a civil servant). Identity's columns plus the organization the account belongs to.</summary>
public sealed class NrisUser : IdentityUser
{
    /// <summary>The organization whose administrators manage this account.</summary>
    public string OrganizationCode { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>Set on a password made by someone else (first password, reset): only a password change is allowed until then.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>A disabled account cannot sign in and its open sessions stop at the next request.</summary>
    public bool IsDisabled { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>One grant of a user: a role over an organization's subtree up to a classification ceiling.</summary>
public sealed class UserGrantEntity
{
    public long Id { get; set; }

    public string UserId { get; set; } = "";

    public string Role { get; set; } = "";

    public string OrganizationCode { get; set; } = "";

    public string Ceiling { get; set; } = "";
}

/// <summary>
/// A machine client (a ministry's or province's own reporting system). Its secret is shown once and only its SHA-256
/// is kept: the secret is 256 random bits, so a fast hash is enough (there is nothing to guess).
/// </summary>
public sealed class ApiClientEntity
{
    /// <summary>Public identifier, also the lookup prefix inside the key ("nris_{Id}_{secret}").</summary>
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string OrganizationCode { get; set; } = "";

    public string Role { get; set; } = "";

    public string Ceiling { get; set; } = "";

    /// <summary>SHA-256 of the secret part of the key, lower-case hex.</summary>
    public string KeyHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime? ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>When the key was last replaced; the old key stopped working then.</summary>
    public DateTime? RotatedAt { get; set; }
}

/// <summary>One line of the append-only audit trail: who did what, when, from where.</summary>
public sealed class AuditEventEntity
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary>User name, client id, "cli" or "system"; the attempted name for a failed sign-in.</summary>
    public string Actor { get; set; } = "";

    /// <summary>The actor's organization, when known.</summary>
    public string? ActorOrganization { get; set; }

    /// <summary>Dotted action name, e.g. "auth.sign-in-failed", "admin.user-created", "regime.confidential-read".</summary>
    public string Action { get; set; } = "";

    /// <summary>What was acted on: a user name, a client id, a regime code.</summary>
    public string? Target { get; set; }

    /// <summary>The organization the target belongs to; administrators see events of their subtree by it.</summary>
    public string? OrganizationCode { get; set; }

    public string? RemoteAddress { get; set; }

    public string? Detail { get; set; }
}
