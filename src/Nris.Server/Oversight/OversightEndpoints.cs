using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Storage;
using Nris.Storage.Oversight;

namespace Nris.Server.Oversight;

/// <summary>One in-app notification.</summary>
public sealed record NotificationDto(
    long Id, string Kind, string Title, string TitleEn, string Body, string BodyEn, string? Regime, string? Period, string? Reporter,
    DateTimeOffset Created, DateTimeOffset? Read)
{
    public static NotificationDto From(NotificationEntity n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new(n.Id, n.Kind, n.Title, n.TitleEn, n.Body, n.BodyEn, n.Regime, n.Period, n.Reporter,
            LedgerTime.FromUnixMicroseconds(n.CreatedUs), n.ReadUs is { } r ? LedgerTime.FromUnixMicroseconds(r) : null);
    }
}

/// <summary>What a user receives. Without a stored choice: everything, in-app and by e-mail.</summary>
public sealed record NotificationPreferencesDto(bool InApp, bool Email, bool Reminders, bool Escalations)
{
    public static NotificationPreferencesDto Default { get; } = new(true, true, true, true);

    public static NotificationPreferencesDto From(NotificationPreferenceEntity p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.InApp, p.Email, p.Reminders, p.Escalations);
    }
}

/// <summary>
/// The oversight API (<c>/api/oversight/...</c>): compliance matrix, rates, scorecards, and the caller's in-app
/// notifications. Every endpoint needs a signed-in caller; what it sees is decided by its <see cref="AccessScope"/>,
/// and something it may not see answers 404 exactly like something that does not exist.
/// </summary>
public static class OversightEndpoints
{
    public static IEndpointRouteBuilder MapOversightEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/oversight").WithTags("Oversight");
        group.MapGet("/compliance/matrix", Matrix).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Reporters × periods of one regime, each expected report in one state, with row, column and overall rates.");
        group.MapGet("/compliance/regimes", Regimes).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Completeness and timeliness of every regime the caller may see over one year, with the trend by period.");
        group.MapGet("/compliance/scorecard/{organization}", Scorecard).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("An organization's reporting record over one year: on-time %, completeness, revisions after acceptance, returns.");
        group.MapGet("/targets", Targets).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("Assigned targets of a year with their progress: actual vs the pace needed, on track / at risk / off track. Only targets whose figures the caller may read.");
        group.MapPut("/targets/{code}", SetTargetAsync).RequireNrisAccess(NrisAccess.InRole(Role.Reviewer, Role.AgencyAdministrator))
            .WithSummary("Creates (201) or replaces (200) an assigned target: indicator, territory, year, kind, value, legal basis, milestones. A ledger entry (target.set). Leaders and agency administrators of the territory's People's Committee or above.");
        group.MapPost("/targets/{code}/retire", RetireTargetAsync).RequireNrisAccess(NrisAccess.InRole(Role.Reviewer, Role.AgencyAdministrator))
            .WithSummary("Withdraws an assigned target with a reason. A ledger entry (target.retired). Same rights as setting it.");
        group.MapGet("/cross-checks", CrossChecksAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Cross-check discrepancies of one period: the same quantity from two sources (e.g. a province and the responsible ministry) beyond tolerance, with both values, their provenance, the gap and since when. Only pairs the caller may read on both sides.");
        group.MapGet("/hot-issues", HotIssuesAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("What needs attention now, most serious first: targets off track or at risk, cross-check discrepancies and anomalies of the last two months, missing reports of provinces and ministries; each with a one-line vi/en explanation and an evidence link. Scoped like its sources.");
        group.MapGet("/anomalies", AnomaliesAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Anomaly flags over the stored values (outliers against own history and peers, jumps, smoothed series, copied reports, round figures, Benford), each with a vi/en explanation and an evidence link; filters: regime, period, reporter, detector, take. Only reporters the caller may see, like the compliance matrix.");
        group.MapGet("/notifications", NotificationsAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("The caller's own in-app notifications (reminders and escalations), newest first.");
        group.MapPost("/notifications/{id:long}/read", MarkReadAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Marks one of the caller's own notifications as read.");
        group.MapGet("/notification-preferences", PreferencesAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("What the caller receives: channels (in-app, e-mail) and kinds (reminders, escalations).");
        group.MapPut("/notification-preferences", SavePreferencesAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Chooses what the caller receives.");
        return routes;
    }

    private const int MaxNotifications = 200;

    private static async Task<Results<Ok<IReadOnlyList<TargetProgressDto>>, ProblemHttpResult>> Targets(
        string? year, string? territory, AccessScope access, TargetService targets, TimeProvider clock, CancellationToken ct)
    {
        if (!targets.IsReady)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "not-ready", "Not ready", "Chưa sẵn sàng",
                "The aggregates are still being built; try again shortly.", "Số liệu tổng hợp đang được dựng; vui lòng thử lại sau.");
        }

        // Read what the ledger holds now, so a caller sees the target it has just set (also through another replica).
        await targets.CatchUpAsync(ct);

        return Query.TryInt(year, "year", VietnamTime.Today(clock).Year, 2000, 2100, out var y, out var problem)
            ? TypedResults.Ok(targets.Progress(access, y, string.IsNullOrWhiteSpace(territory) ? null : territory.Trim()))
            : problem;
    }

    /// <summary>The largest target body accepted.</summary>
    private const int MaxTargetBody = 64 * 1024;

    private static async Task<Results<Created<TargetChangeDto>, Ok<TargetChangeDto>, ProblemHttpResult>> SetTargetAsync(
        string code, HttpContext http, AccessScope access, TargetService targets,
        Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (input, problem) = await SubmissionEndpoints.ReadAsync<TargetInput>(http, MaxTargetBody, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var (change, created) = await targets.SetAsync(code, input!, access, NrisClaims.ActorName(http.User), ct);
            return created ? TypedResults.Created("/api/oversight/targets?year=" + change.Target.Year.ToString(CultureInfo.InvariantCulture), change) : TypedResults.Ok(change);
        }
        catch (Requests.RequestProblemException e)
        {
            return Requests.RequestEndpoints.ToProblem(e);
        }
    }

    private static async Task<Results<Ok<TargetChangeDto>, ProblemHttpResult>> RetireTargetAsync(
        string code, HttpContext http, AccessScope access, TargetService targets,
        Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (input, problem) = await SubmissionEndpoints.ReadAsync<RetireTargetInput>(http, MaxTargetBody, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            return TypedResults.Ok(await targets.RetireAsync(code, input!, access, NrisClaims.ActorName(http.User), ct));
        }
        catch (Requests.RequestProblemException e)
        {
            return Requests.RequestEndpoints.ToProblem(e);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<CrossCheckDiscrepancyDto>>, ProblemHttpResult>> CrossChecksAsync(
        string? period, string? rule, AccessScope access, CrossCheckService crossChecks, CancellationToken ct)
    {
        if (!crossChecks.IsReady)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "not-ready", "Not ready", "Chưa sẵn sàng",
                "The aggregates are still being built; try again shortly.", "Số liệu tổng hợp đang được dựng; vui lòng thử lại sau.");
        }

        if (period is null)
        {
            return Problems.BadRequest("period", "'period' is required, e.g. 2026-M03.", "Thiếu tham số 'period', ví dụ 2026-M03.");
        }

        if (!TryPeriod(period, "period", out var p, out var problem))
        {
            return problem;
        }

        var code = string.IsNullOrWhiteSpace(rule) ? null : rule.Trim();
        if (code is not null && !crossChecks.Rules.Any(r => r.Code == code))
        {
            return Problems.NotFound("Cross-check", Query.Truncate(code), "Quy tắc kiểm tra chéo");
        }

        return TypedResults.Ok(await crossChecks.CheckAsync(access, p, code, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<HotIssueDto>>, ProblemHttpResult>> HotIssuesAsync(
        string? take, AccessScope access, HotIssuesService hotIssues, CancellationToken ct)
    {
        if (!hotIssues.IsReady)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "not-ready", "Not ready", "Chưa sẵn sàng",
                "The aggregates are still being built; try again shortly.", "Số liệu tổng hợp đang được dựng; vui lòng thử lại sau.");
        }

        return Query.TryInt(take, "take", 20, 1, HotIssuesService.MaxTake, out var n, out var problem)
            ? TypedResults.Ok(await hotIssues.GetAsync(access, n, ct))
            : problem;
    }

    private static async Task<Results<Ok<IReadOnlyList<AnomalyDto>>, ProblemHttpResult>> AnomaliesAsync(
        string? regime, string? period, string? reporter, string? detector, string? take, AccessScope access, CatalogueState catalogue,
        AnomalyService anomalies, CancellationToken ct)
    {
        var code = string.IsNullOrWhiteSpace(regime) ? null : regime.Trim();
        if (code is not null && catalogue.Current.LatestRegime(code) is null)
        {
            return Problems.NotFound("Regime", Query.Truncate(code), "Chế độ báo cáo");
        }

        Period? p = null;
        if (!string.IsNullOrWhiteSpace(period))
        {
            if (!TryPeriod(period, "period", out var parsed, out var periodProblem))
            {
                return periodProblem;
            }

            p = parsed;
        }

        var who = string.IsNullOrWhiteSpace(reporter) ? null : reporter.Trim();
        if (who is { Length: > 64 })
        {
            return Problems.BadRequest("reporter", "'reporter' is longer than 64 characters.", "'reporter' dài hơn 64 ký tự.");
        }

        var which = string.IsNullOrWhiteSpace(detector) ? null : detector.Trim();
        if (which is not null && !AnomalyService.StoredDetectors.Contains(which))
        {
            var known = string.Join(", ", AnomalyService.StoredDetectors);
            return Problems.BadRequest("detector", $"'{Query.Truncate(which)}' is not a detector; use one of {known}.",
                $"'{Query.Truncate(which)}' không phải là bộ phát hiện; dùng một trong {known}.");
        }

        if (!Query.TryInt(take, "take", 200, 1, AnomalyService.MaxTake, out var n, out var problem))
        {
            return problem;
        }

        return TypedResults.Ok(await anomalies.GetAsync(access, new AnomalyQuery(code, p, who, which, n), ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<NotificationDto>>, ProblemHttpResult>> NotificationsAsync(
        string? unread, string? limit, HttpContext http, IDbContextFactory<NrisDbContext> contexts, CancellationToken ct)
    {
        if (UserName(http) is not { } user)
        {
            return NotAUser();
        }

        if (!Query.TryInt(limit, "limit", 50, 1, MaxNotifications, out var take, out var problem))
        {
            return problem;
        }

        var onlyUnread = string.Equals(unread, "true", StringComparison.OrdinalIgnoreCase);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Notifications.AsNoTracking().Where(n => n.UserName == user && (!onlyUnread || n.ReadUs == null))
            .OrderByDescending(n => n.Id).Take(take).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<NotificationDto>>([.. rows.Select(NotificationDto.From)]);
    }

    private static async Task<Results<Ok<NotificationDto>, ProblemHttpResult>> MarkReadAsync(
        long id, HttpContext http, IDbContextFactory<NrisDbContext> contexts, TimeProvider clock, CancellationToken ct)
    {
        if (UserName(http) is not { } user)
        {
            return NotAUser();
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        // Someone else's notification answers exactly like a missing one.
        var row = await db.Notifications.SingleOrDefaultAsync(n => n.Id == id && n.UserName == user, ct);
        if (row is null)
        {
            return Problems.NotFound("Notification", id.ToString(CultureInfo.InvariantCulture), "Thông báo");
        }

        row.ReadUs ??= LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(NotificationDto.From(row));
    }

    private static async Task<Results<Ok<NotificationPreferencesDto>, ProblemHttpResult>> PreferencesAsync(
        HttpContext http, IDbContextFactory<NrisDbContext> contexts, CancellationToken ct)
    {
        if (UserName(http) is not { } user)
        {
            return NotAUser();
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.NotificationPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserName == user, ct);
        return TypedResults.Ok(row is null ? NotificationPreferencesDto.Default : NotificationPreferencesDto.From(row));
    }

    private static async Task<Results<Ok<NotificationPreferencesDto>, ProblemHttpResult>> SavePreferencesAsync(
        NotificationPreferencesDto? body, HttpContext http, IDbContextFactory<NrisDbContext> contexts, TimeProvider clock, CancellationToken ct)
    {
        if (UserName(http) is not { } user)
        {
            return NotAUser();
        }

        if (body is null)
        {
            return Problems.BadRequest("body", "A JSON body with inApp, email, reminders and escalations is required.",
                "Cần nội dung JSON gồm inApp, email, reminders và escalations.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.NotificationPreferences.SingleOrDefaultAsync(p => p.UserName == user, ct);
        if (row is null)
        {
            row = new NotificationPreferenceEntity { UserName = user };
            db.NotificationPreferences.Add(row);
        }

        row.InApp = body.InApp;
        row.Email = body.Email;
        row.Reminders = body.Reminders;
        row.Escalations = body.Escalations;
        row.UpdatedUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(NotificationPreferencesDto.From(row));
    }

    // Notifications belong to users; an API client has none.
    private static string? UserName(HttpContext http) =>
        http.User.FindFirstValue(NrisClaims.Kind) == NrisClaims.UserKind ? http.User.FindFirstValue(NrisClaims.Name) : null;

    private static ProblemHttpResult NotAUser() =>
        Problems.BadRequest("caller", "Only a signed-in user has notifications; an API client has none.",
            "Chỉ người dùng đăng nhập mới có thông báo; ứng dụng kết nối (API client) không có.");

    private static Results<Ok<ComplianceMatrixDto>, ProblemHttpResult> Matrix(
        string? regime, string? from, string? to, string? within, AccessScope access, CatalogueState catalogue, ComplianceService compliance)
    {
        if (NotReady(compliance) is { } notReady)
        {
            return notReady;
        }

        if (string.IsNullOrWhiteSpace(regime) || catalogue.Current.LatestRegime(regime.Trim()) is not { } latest)
        {
            return regime is null ? Problems.BadRequest("regime", "'regime' is required.", "Thiếu tham số 'regime'.")
                : Problems.NotFound("Regime", Query.Truncate(regime), "Chế độ báo cáo");
        }

        if (!TryPeriod(from, "from", out var first, out var problem) || !TryPeriod(to, "to", out var last, out problem))
        {
            return problem;
        }

        if (first.Periodicity != latest.Periodicity || last.Periodicity != latest.Periodicity || last < first)
        {
            return Problems.BadRequest("to",
                $"'from' and 'to' must be {latest.Periodicity.ToString().ToLowerInvariant()} periods of regime '{latest.Code}', 'from' not after 'to'.",
                $"'from' và 'to' phải là kỳ cùng loại với chế độ báo cáo '{latest.Code}', 'from' không sau 'to'.");
        }

        if (within is not null && catalogue.Current.Organizations.Versions(within.Trim()).Count == 0)
        {
            return Problems.NotFound("Organization", Query.Truncate(within), "Cơ quan, đơn vị");
        }

        try
        {
            return compliance.Matrix(access, latest.Code, first, last, within?.Trim()) is { } matrix
                ? TypedResults.Ok(matrix)
                : Problems.NotFound("Regime", latest.Code, "Chế độ báo cáo");
        }
        catch (ArgumentException e) when (e.ParamName == "to")
        {
            return Problems.BadRequest("to", $"A matrix spans at most {ComplianceCalendarLimit} periods.", $"Một bảng có tối đa {ComplianceCalendarLimit} kỳ.");
        }
    }

    private const int ComplianceCalendarLimit = Core.Oversight.ComplianceCalendar.MaxPeriods;

    private static Results<Ok<IReadOnlyList<RegimeRatesDto>>, ProblemHttpResult> Regimes(
        string? year, AccessScope access, ComplianceService compliance, TimeProvider clock)
    {
        if (NotReady(compliance) is { } notReady)
        {
            return notReady;
        }

        return Query.TryInt(year, "year", VietnamTime.Today(clock).Year, 2000, 2100, out var y, out var problem)
            ? TypedResults.Ok(compliance.RegimeRates(access, y))
            : problem;
    }

    private static async Task<Results<Ok<ScorecardDto>, ProblemHttpResult>> Scorecard(
        string organization, string? year, AccessScope access, ComplianceService compliance, TimeProvider clock, CancellationToken ct)
    {
        if (NotReady(compliance) is { } notReady)
        {
            return notReady;
        }

        if (!Query.TryInt(year, "year", VietnamTime.Today(clock).Year, 2000, 2100, out var y, out var problem))
        {
            return problem;
        }

        return await compliance.ScorecardAsync(access, organization, y, ct) is { } card
            ? TypedResults.Ok(card)
            : Problems.NotFound("Organization", Query.Truncate(organization), "Cơ quan, đơn vị");
    }

    private static ProblemHttpResult? NotReady(ComplianceService compliance) =>
        compliance.IsReady ? null : Problems.Create(StatusCodes.Status503ServiceUnavailable, "not-ready", "Not ready", "Chưa sẵn sàng",
            "The compliance view is still being built; try again shortly.", "Dữ liệu tình hình báo cáo đang được dựng; vui lòng thử lại sau.");

    private static bool TryPeriod(string? value, string name, out Period period, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (Period.TryParse(value?.Trim(), out period))
        {
            return true;
        }

        problem = Problems.BadRequest(name,
            $"'{Query.Truncate(value ?? "")}' is not a period; use e.g. 2026-M03, 2026-Q1, 2026-S1, 2026, 2026-W05 or 2026-03-15.",
            $"'{Query.Truncate(value ?? "")}' không phải là kỳ báo cáo; dùng ví dụ 2026-M03, 2026-Q1, 2026-S1, 2026, 2026-W05 hoặc 2026-03-15.");
        return false;
    }
}
