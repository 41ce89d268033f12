using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Security;
using Nris.Server.Auth;
using Nris.Storage;

namespace Nris.Server.Api;

public sealed record AuditEventDto(
    long Id, DateTime At, string Actor, string? ActorOrganization, string Action, string? Target, string? OrganizationCode,
    string? RemoteAddress, string? Detail);

/// <summary>
/// Reading the audit trail. There is deliberately no endpoint that changes it, and the database refuses updates
/// and deletes. An agency administrator sees the events of its subtree only.
/// </summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/audit", QueryAsync).WithTags("Audit").RequireNrisAccess(NrisAccess.Administrators)
            .WithSummary("Audit events, newest first, filtered by user, organization (its subtree), action prefix and time.");
        return routes;
    }

    private static async Task<Results<Ok<ListDto<AuditEventDto>>, ProblemHttpResult>> QueryAsync(
        string? user, string? organization, string? action, string? from, string? to, string? limit,
        AccessScope scope, NrisDbContext db, CancellationToken ct)
    {
        if (!TryInstant(from, "from", out var fromAt, out var problem) || !TryInstant(to, "to", out var toAt, out problem) ||
            !Query.TryInt(limit, "limit", 200, 1, 5000, out var take, out problem))
        {
            return problem;
        }

        var events = db.AuditEvents.AsNoTracking();
        if (scope.AdministeredRoots() is { } roots)
        {
            var codes = scope.SubtreeCodes(roots);
            events = events.Where(e => e.OrganizationCode != null && codes.Contains(e.OrganizationCode));
        }

        if (!string.IsNullOrWhiteSpace(organization))
        {
            if (!scope.CanAdminister(organization))
            {
                return Problems.NotFound("Organization", organization, "Cơ quan, đơn vị");
            }

            var codes = scope.SubtreeCodes([organization]);
            events = events.Where(e => e.OrganizationCode != null && codes.Contains(e.OrganizationCode));
        }

        if (!string.IsNullOrWhiteSpace(user))
        {
            events = events.Where(e => e.Actor == user || e.Target == user);
        }

        if (!string.IsNullOrWhiteSpace(action))
        {
            events = events.Where(e => e.Action.StartsWith(action));
        }

        if (fromAt is { } f)
        {
            events = events.Where(e => e.At >= f);
        }

        if (toAt is { } t)
        {
            events = events.Where(e => e.At < t);
        }

        var items = (await events.OrderByDescending(e => e.Id).Take(take).ToListAsync(ct))
            .Select(e => new AuditEventDto(e.Id, Accounts.Utc(e.At), e.Actor, e.ActorOrganization, e.Action, e.Target, e.OrganizationCode, e.RemoteAddress, e.Detail))
            .ToList();
        return TypedResults.Ok(new ListDto<AuditEventDto>(items.Count, items));
    }

    private static bool TryInstant(string? value, string name, out DateTime? at,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        at = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            at = parsed.UtcDateTime;
            return true;
        }

        problem = Problems.BadRequest(name, $"'{Query.Truncate(value)}' is not a date or time (ISO 8601).", $"'{Query.Truncate(value)}' không phải là ngày giờ (ISO 8601).");
        return false;
    }
}
