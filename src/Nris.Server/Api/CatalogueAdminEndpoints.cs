using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Server.Auth;
using Nris.Server.Catalogue;

namespace Nris.Server.Api;

/// <summary>The answer to a regime change: the version now in force from its date, and the previous one as closed.</summary>
public sealed record RegimeChangeDto(Regime Regime, Regime? Closed, long LedgerSequence);

/// <summary>The answer to an indicator change.</summary>
public sealed record IndicatorChangeDto(Indicator Indicator, long LedgerSequence);

/// <summary>The answer to a codelist change.</summary>
public sealed record CodelistChangeDto(Codelist Codelist, long LedgerSequence);

/// <summary>The answer to a category change.</summary>
public sealed record CategoryChangeDto(InformationCategory Category, long LedgerSequence);

/// <summary>The answer to a territory change: what was recorded, and the versions it ended.</summary>
public sealed record TerritoryChangeDto(
    string Code, TerritoryChange Change, IReadOnlyList<Territory> ClosedTerritories, IReadOnlyList<Organization> ClosedOrganizations, long LedgerSequence);

/// <summary>One version of a regime, with how many reports were filed under it (a version with reports is settled).</summary>
public sealed record RegimeVersionDto(int Version, Validity Validity, int Reports, Regime Regime);

/// <summary>Every version of a regime, oldest first.</summary>
public sealed record RegimeVersionsDto(string Code, IReadOnlyList<RegimeVersionDto> Versions);

/// <summary>
/// Delegated administration of the catalogue (phân quyền quản trị): regimes by the administrators of their
/// recipient's subtree, indicators (national) by system administrators. Every change is checked against the whole
/// resulting catalogue, stored, and recorded as a <c>catalogue.changed</c> ledger entry in one transaction.
/// </summary>
public static class CatalogueAdminEndpoints
{
    private const string Tag = "Catalogue administration";

    public static IEndpointRouteBuilder MapCatalogueAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        // No route groups: a group's empty sub-pattern would leave a trailing slash on the create routes.
        var admins = NrisAccess.Administrators;
        routes.MapPost("/api/admin/regimes", CreateRegimeAsync).WithTags(Tag).RequireNrisAccess(admins)
            .WithSummary("Create a regime (version 1) addressed to an organization in the caller's subtree.");
        routes.MapPut("/api/admin/regimes/{code}", PublishRegimeVersionAsync).WithTags(Tag).RequireNrisAccess(admins)
            .WithSummary("Publish the next version of a regime, in force from validity.from; the previous version is closed the day before.");
        routes.MapGet("/api/admin/regimes/{code}/versions", ListRegimeVersionsAsync).WithTags(Tag).RequireNrisAccess(admins)
            .WithSummary("Every version of a regime the caller administers, with the number of reports filed under each.");

        // Indicators are national: one definition serves every regime and every aggregate.
        var system = NrisAccess.InRole(Role.SystemAdministrator);
        routes.MapPost("/api/admin/indicators", CreateIndicatorAsync).WithTags(Tag).RequireNrisAccess(system)
            .WithSummary("Create an indicator (system administrators only).");
        routes.MapPut("/api/admin/indicators/{code}", ReplaceIndicatorAsync).WithTags(Tag).RequireNrisAccess(system)
            .WithSummary("Replace an indicator's definition (system administrators only).");
        // Codelists, categories and the administrative map are national too; children of a federation follow them.
        routes.MapPut("/api/admin/codelists/{code}", SetCodelistAsync).WithTags(Tag).RequireNrisAccess(system)
            .WithSummary("Create or replace a codelist whole (system administrators only).");
        routes.MapPut("/api/admin/categories/{code}", SetCategoryAsync).WithTags(Tag).RequireNrisAccess(system)
            .WithSummary("Create or replace an information category (system administrators only).");
        routes.MapPost("/api/admin/territory-changes", ChangeTerritoriesAsync).WithTags(Tag).RequireNrisAccess(system)
            .WithSummary("Change the administrative map from a date: units and organizations that end, new versions, succession links (system administrators only).");
        return routes;
    }

    private static async Task<Results<Created<RegimeChangeDto>, ProblemHttpResult>> CreateRegimeAsync(
        HttpRequest request, AccessScope scope, CatalogueAdministration admin, AuditLog audit, CancellationToken ct)
    {
        var (regime, problem) = await ReadAsync(request, CatalogueFiles.ReadRegimes, ct);
        if (regime is null)
        {
            return problem!;
        }
        if (!scope.CanAdministerRegime(regime))
        {
            return AdminEndpoints.Forbidden();
        }

        var result = await admin.ApplyAsync(
            content => (CatalogueChanges.TryCreateRegime(content, regime, out var change), change), Actor(request), ct);
        if (result.Outcome != CatalogueChangeOutcome.Done)
        {
            return Failure(result);
        }

        await audit.WriteAsync(AuditActions.RegimeCreated, "regime " + regime.Code, RecipientOf(regime),
            Detail(regime, result), ct);
        return TypedResults.Created("/api/regimes/" + Uri.EscapeDataString(regime.Code),
            new RegimeChangeDto(regime, null, result.Entry!.Sequence));
    }

    private static async Task<Results<Ok<RegimeChangeDto>, ProblemHttpResult>> PublishRegimeVersionAsync(
        string code, HttpRequest request, AccessScope scope, CatalogueState state, CatalogueAdministration admin, AuditLog audit,
        CancellationToken ct)
    {
        if (Authorize(state.Current, scope, code) is { } refused)
        {
            return refused;
        }

        var (regime, problem) = await ReadAsync(request, CatalogueFiles.ReadRegimes, ct);
        if (regime is null)
        {
            return problem!;
        }
        if (regime.Code != code)
        {
            return Problems.BadRequest("code", $"The body's code '{Query.Truncate(regime.Code)}' is not the regime '{Query.Truncate(code)}' of the address.",
                $"Mã '{Query.Truncate(regime.Code)}' trong nội dung không phải chế độ '{Query.Truncate(code)}' của địa chỉ.");
        }
        // The new version must stay inside what the caller administers: no moving a regime out of its subtree, no
        // classification above its ceiling.
        if (!scope.CanAdministerRegime(regime))
        {
            return AdminEndpoints.Forbidden();
        }

        var result = await admin.ApplyAsync(
            content => (CatalogueChanges.TryPublishRegimeVersion(content, regime, out var change), change), Actor(request), ct);
        if (result.Outcome != CatalogueChangeOutcome.Done)
        {
            return Failure(result);
        }

        await audit.WriteAsync(AuditActions.RegimeVersioned, "regime " + regime.Code, RecipientOf(regime), Detail(regime, result), ct);
        return TypedResults.Ok(new RegimeChangeDto(regime, result.Change!.Closed, result.Entry!.Sequence));
    }

    private static async Task<Results<Ok<RegimeVersionsDto>, ProblemHttpResult>> ListRegimeVersionsAsync(
        string code, AccessScope scope, CatalogueState state, CatalogueAdministration admin, CancellationToken ct)
    {
        var catalogue = state.Current;
        if (Authorize(catalogue, scope, code) is { } refused)
        {
            return refused;
        }

        var counts = await admin.ReportCountsAsync(code, ct);
        var versions = catalogue.RegimeVersions(code)
            .Select(r => new RegimeVersionDto(r.Version, r.Validity, counts.GetValueOrDefault(r.Version), r))
            .ToList();
        return TypedResults.Ok(new RegimeVersionsDto(code, versions));
    }

    private static async Task<Results<Created<IndicatorChangeDto>, ProblemHttpResult>> CreateIndicatorAsync(
        HttpRequest request, CatalogueAdministration admin, AuditLog audit, CancellationToken ct)
    {
        var (indicator, problem) = await ReadAsync(request, CatalogueFiles.ReadIndicators, ct);
        if (indicator is null)
        {
            return problem!;
        }

        var result = await admin.ApplyAsync(
            content => (CatalogueChanges.TryCreateIndicator(content, indicator, out var change), change), Actor(request), ct);
        if (result.Outcome != CatalogueChangeOutcome.Done)
        {
            return Failure(result);
        }

        await audit.WriteAsync(AuditActions.IndicatorChanged, "indicator " + indicator.Code, null,
            "created; ledger " + result.Entry!.Sequence.ToString(CultureInfo.InvariantCulture), ct);
        return TypedResults.Created("/api/indicators/" + Uri.EscapeDataString(indicator.Code), new IndicatorChangeDto(indicator, result.Entry.Sequence));
    }

    private static async Task<Results<Ok<IndicatorChangeDto>, ProblemHttpResult>> ReplaceIndicatorAsync(
        string code, HttpRequest request, CatalogueState state, CatalogueAdministration admin, AuditLog audit, CancellationToken ct)
    {
        if (!state.Current.Indicators.ContainsKey(code))
        {
            return Problems.NotFound("Indicator", code, "Chỉ tiêu");
        }

        var (indicator, problem) = await ReadAsync(request, CatalogueFiles.ReadIndicators, ct);
        if (indicator is null)
        {
            return problem!;
        }
        if (indicator.Code != code)
        {
            return Problems.BadRequest("code", $"The body's code '{Query.Truncate(indicator.Code)}' is not the indicator '{Query.Truncate(code)}' of the address.",
                $"Mã '{Query.Truncate(indicator.Code)}' trong nội dung không phải chỉ tiêu '{Query.Truncate(code)}' của địa chỉ.");
        }

        var result = await admin.ApplyAsync(
            content => (CatalogueChanges.TryReplaceIndicator(content, indicator, out var change), change), Actor(request), ct);
        if (result.Outcome != CatalogueChangeOutcome.Done)
        {
            return Failure(result);
        }

        await audit.WriteAsync(AuditActions.IndicatorChanged, "indicator " + indicator.Code, null,
            "replaced; ledger " + result.Entry!.Sequence.ToString(CultureInfo.InvariantCulture), ct);
        return TypedResults.Ok(new IndicatorChangeDto(indicator, result.Entry.Sequence));
    }

    private static async Task<Results<Ok<CodelistChangeDto>, ProblemHttpResult>> SetCodelistAsync(
        string code, HttpRequest request, CatalogueAdministration admin, AuditLog audit, CancellationToken ct)
    {
        var (codelist, problem) = await ReadAsync(request, CatalogueFiles.ReadCodelists, ct);
        if (codelist is null)
        {
            return problem!;
        }
        if (codelist.Code != code)
        {
            return Problems.BadRequest("code", $"The body's code '{Query.Truncate(codelist.Code)}' is not the codelist '{Query.Truncate(code)}' of the address.",
                $"Mã '{Query.Truncate(codelist.Code)}' trong nội dung không phải bảng mã '{Query.Truncate(code)}' của địa chỉ.");
        }
        var result = await admin.ApplyAsync(content => (CatalogueChanges.TrySetCodelist(content, codelist, out var change), change), Actor(request), ct);
        if (result.Outcome != CatalogueChangeOutcome.Done)
        {
            return Failure(result);
        }
        await audit.WriteAsync(AuditActions.CodelistChanged, "codelist " + codelist.Code, null,
            "ledger " + result.Entry!.Sequence.ToString(CultureInfo.InvariantCulture), ct);
        return TypedResults.Ok(new CodelistChangeDto(codelist, result.Entry.Sequence));
    }

    private static async Task<Results<Ok<CategoryChangeDto>, ProblemHttpResult>> SetCategoryAsync(
        string code, HttpRequest request, CatalogueAdministration admin, AuditLog audit, CancellationToken ct)
    {
        var (category, problem) = await ReadAsync(request, CatalogueFiles.ReadCategories, ct);
        if (category is null)
        {
            return problem!;
        }
        if (category.Code != code)
        {
            return Problems.BadRequest("code", $"The body's code '{Query.Truncate(category.Code)}' is not the category '{Query.Truncate(code)}' of the address.",
                $"Mã '{Query.Truncate(category.Code)}' trong nội dung không phải nhóm thông tin '{Query.Truncate(code)}' của địa chỉ.");
        }
        var result = await admin.ApplyAsync(content => (CatalogueChanges.TrySetCategory(content, category, out var change), change), Actor(request), ct);
        if (result.Outcome != CatalogueChangeOutcome.Done)
        {
            return Failure(result);
        }
        await audit.WriteAsync(AuditActions.CategoryChanged, "category " + category.Code, null,
            "ledger " + result.Entry!.Sequence.ToString(CultureInfo.InvariantCulture), ct);
        return TypedResults.Ok(new CategoryChangeDto(category, result.Entry.Sequence));
    }

    private static async Task<Results<Created<TerritoryChangeDto>, ProblemHttpResult>> ChangeTerritoriesAsync(
        HttpRequest request, CatalogueAdministration admin, AuditLog audit, CancellationToken ct)
    {
        var (territorial, problem) = await ReadAsync(request, CatalogueFiles.ReadTerritoryChanges, ct);
        if (territorial is null)
        {
            return problem!;
        }
        var result = await admin.ApplyAsync(content => (CatalogueChanges.TryChangeTerritories(content, territorial, out var change), change), Actor(request), ct);
        if (result.Outcome != CatalogueChangeOutcome.Done)
        {
            return Failure(result);
        }
        var change = result.Change!;
        await audit.WriteAsync(AuditActions.TerritoryChanged, territorial.Code, null,
            string.Create(CultureInfo.InvariantCulture,
                $"{change.ClosedTerritories?.Count ?? 0} ended, {territorial.Territories.Count} new, {territorial.Successions.Count} links; {(territorial.Organizations?.Count ?? 0)} organizations; ledger {result.Entry!.Sequence}"), ct);
        return TypedResults.Created("/api/territories?at=" + territorial.Effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            new TerritoryChangeDto(territorial.Code, territorial, change.ClosedTerritories ?? [], change.ClosedOrganizations ?? [], result.Entry.Sequence));
    }

    // A regime the caller may not see answers like an unknown one (confidential regimes do not leak); one it sees
    // but does not administer is refused.
    private static ProblemHttpResult? Authorize(CatalogueSnapshot catalogue, AccessScope scope, string code)
    {
        var versions = catalogue.RegimeVersions(code);
        if (versions.Count == 0 || !versions.All(scope.CanReadRegime))
        {
            return Problems.NotFound("Reporting regime", code, "Chế độ báo cáo");
        }
        return scope.CanAdministerRegime(versions[^1]) ? null : AdminEndpoints.Forbidden();
    }

    /// <summary>
    /// Reads one catalogue item with the catalogue files' strict reader (every field stated, no unknown members, no
    /// nulls inside lists), so an API change and a file import accept exactly the same shapes.
    /// </summary>
    private static async Task<(T? Item, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, Func<Stream, IReadOnlyList<T>> read, CancellationToken ct)
        where T : class
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte((byte)'[');
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 1)
        {
            return (null, Problems.BadRequest("body", "A JSON object is required.", "Cần một đối tượng JSON."));
        }
        buffer.WriteByte((byte)']');
        buffer.Position = 0;
        try
        {
            var items = read(buffer);
            return items.Count == 1
                ? (items[0], null)
                : (null, Problems.BadRequest("body", "Exactly one JSON object is required.", "Cần đúng một đối tượng JSON."));
        }
        catch (CatalogueFormatException e)
        {
            // The reader names paths inside the wrapping array ($[0].x); the caller sent the object itself.
            var field = e.JsonPath is { } path && path.StartsWith("$[0]", StringComparison.Ordinal) ? "$" + path[4..] : e.JsonPath ?? "body";
            return (null, Problems.BadRequest(field, e.ReasonEn, e.Reason));
        }
    }

    private static ProblemHttpResult Failure(CatalogueChangeResult result)
    {
        if (result.Outcome == CatalogueChangeOutcome.Invalid)
        {
            var problems = result.Problems!;
            return Problems.Create(422, "catalogue-invalid", "The catalogue would not hold together", "Danh mục sẽ không nhất quán",
                string.Create(CultureInfo.InvariantCulture, $"The change leaves {problems.Count} problem(s) in the catalogue; nothing was saved."),
                string.Create(CultureInfo.InvariantCulture, $"Thay đổi để lại {problems.Count} lỗi trong danh mục; không lưu gì."),
                [.. problems.Select(p => new ProblemError(p.Field, $"{p.ItemKind} {p.Code}: {p.MessageEn}", $"{p.ItemKind} {p.Code}: {p.Message}"))]);
        }

        var refusal = result.Refusal!;
        return result.Outcome == CatalogueChangeOutcome.Conflict
            ? Problems.Create(409, "conflict", "Conflict", "Xung đột", refusal.MessageEn, refusal.Message,
                [new ProblemError(refusal.Field, refusal.MessageEn, refusal.Message)])
            : Problems.Create(422, "catalogue-change-refused", "Change refused", "Thay đổi bị từ chối", refusal.MessageEn, refusal.Message,
                [new ProblemError(refusal.Field, refusal.MessageEn, refusal.Message)]);
    }

    private static string Actor(HttpRequest request) => NrisClaims.ActorName(request.HttpContext.User);

    private static string? RecipientOf(Regime regime) => regime.RecipientCode == Regime.ParentRecipient ? null : regime.RecipientCode;

    private static string Detail(Regime regime, CatalogueChangeResult result) =>
        string.Create(CultureInfo.InvariantCulture,
            $"version {regime.Version} from {regime.Validity.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "the beginning"}; ledger {result.Entry!.Sequence}");
}
