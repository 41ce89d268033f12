using Microsoft.AspNetCore.Http.HttpResults;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;

namespace Nris.Server.Api;

/// <summary>Read endpoints of the catalogue: territories, organizations, indicators, codelists, regimes, periods.</summary>
public static class CatalogueEndpoints
{
    public static IEndpointRouteBuilder MapCatalogueEndpoints(this IEndpointRouteBuilder routes)
    {
        // Catalogue metadata is public; regimes are filtered per item by classification against the caller's scope.
        var api = routes.MapGroup("/api").WithTags("Catalogue").RequireNrisAccess(NrisAccess.Public);

        api.MapGet("/territories", ListTerritories)
            .WithSummary("Administrative units valid on a date (default today), optionally of one level or under one parent.");
        api.MapGet("/territories/{code}", GetTerritory)
            .WithSummary("One administrative unit as of a date, with ancestors, children, predecessors, successors and all versions.");
        api.MapGet("/territories/{code}/children", GetTerritoryChildren)
            .WithSummary("The units directly under a unit on a date.");
        api.MapGet("/organizations", ListOrganizations)
            .WithSummary("Organizations valid on a date, optionally of one kind or reporting to one parent.");
        api.MapGet("/organizations/{code}", GetOrganization)
            .WithSummary("One organization as of a date, with its reporting line, the bodies reporting to it and its history.");
        api.MapGet("/categories", (CatalogueState state) =>
            TypedResults.Ok(state.Current.Categories.Values.OrderBy(c => c.Order).ThenBy(c => c.Code, StringComparer.Ordinal).ToList()))
            .WithSummary("Information categories.");
        api.MapGet("/codelists", (CatalogueState state) =>
            TypedResults.Ok(state.Current.Codelists.Values.OrderBy(c => c.Code, StringComparer.Ordinal).ToList()))
            .WithSummary("Codelists used for disaggregation.");
        api.MapGet("/codelists/{code}", GetCodelist).WithSummary("One codelist.");
        api.MapGet("/indicators", ListIndicators).WithSummary("Indicators, optionally of one information category.");
        api.MapGet("/indicators/{code}", GetIndicator).WithSummary("One indicator.");
        api.MapGet("/regimes", ListRegimes).WithSummary("Reporting regimes in force on a date (default today).");
        api.MapGet("/regimes/{code}", GetRegime).WithSummary("One reporting regime, with its form and validation rules.");
        api.MapGet("/regimes/{code}/periods", GetRegimePeriods)
            .WithSummary("The reporting periods of a regime in a year, with data cutoff window and deadline (Decree 09/2019/NĐ-CP).");
        return routes;
    }

    private static Results<Ok<ListDto<TerritoryDto>>, ProblemHttpResult> ListTerritories(
        CatalogueState state, TimeProvider clock, string? at, string? level, string? parent)
    {
        if (!Query.TryDate(at, "at", VietnamTime.Today(clock), out var date, out var problem) ||
            !Query.TryEnum<TerritoryLevel>(level, "level", out var lvl, out problem))
        {
            return problem;
        }

        var catalogue = state.Current;
        IReadOnlyList<Territory> units;
        if (!string.IsNullOrWhiteSpace(parent))
        {
            if (catalogue.Territories.Find(parent, date) is null)
            {
                return Problems.NotFound("Territory", parent, "Đơn vị hành chính", Query.Iso(date));
            }

            units = lvl is null
                ? catalogue.Territories.Children(parent, date)
                : catalogue.Territories.Descendants(parent, date, lvl);
        }
        else
        {
            units = catalogue.Territories.AsOf(date, lvl);
        }

        var items = units.Select(TerritoryDto.From).ToList();
        return TypedResults.Ok(new ListDto<TerritoryDto>(items.Count, items));
    }

    private static Results<Ok<TerritoryDetailDto>, ProblemHttpResult> GetTerritory(
        CatalogueState state, TimeProvider clock, string code, string? at)
    {
        if (!Query.TryDate(at, "at", VietnamTime.Today(clock), out var date, out var problem))
        {
            return problem;
        }

        var index = state.Current.Territories;
        if (index.Find(code, date) is not { } unit)
        {
            return Problems.NotFound("Territory", code, "Đơn vị hành chính", Query.Iso(date));
        }

        return TypedResults.Ok(new TerritoryDetailDto(
            TerritoryDto.From(unit),
            index.Ancestors(code, date).Select(TerritoryDto.From).ToList(),
            index.Children(code, date).Select(TerritoryDto.From).ToList(),
            index.Predecessors(unit).Select(l => new TerritoryLinkDto(TerritoryDto.From(l.Territory), l.Kind, l.Effective)).ToList(),
            index.Successors(unit).Select(l => new TerritoryLinkDto(TerritoryDto.From(l.Territory), l.Kind, l.Effective)).ToList(),
            index.Versions(code).Select(TerritoryDto.From).ToList()));
    }

    private static Results<Ok<ListDto<TerritoryDto>>, ProblemHttpResult> GetTerritoryChildren(
        CatalogueState state, TimeProvider clock, string code, string? at)
    {
        if (!Query.TryDate(at, "at", VietnamTime.Today(clock), out var date, out var problem))
        {
            return problem;
        }

        var index = state.Current.Territories;
        if (index.Find(code, date) is null)
        {
            return Problems.NotFound("Territory", code, "Đơn vị hành chính", Query.Iso(date));
        }

        var items = index.Children(code, date).Select(TerritoryDto.From).ToList();
        return TypedResults.Ok(new ListDto<TerritoryDto>(items.Count, items));
    }

    private static Results<Ok<ListDto<OrganizationDto>>, ProblemHttpResult> ListOrganizations(
        CatalogueState state, TimeProvider clock, string? at, string? kind, string? parent)
    {
        if (!Query.TryDate(at, "at", VietnamTime.Today(clock), out var date, out var problem) ||
            !Query.TryEnum<OrganizationKind>(kind, "kind", out var k, out problem))
        {
            return problem;
        }

        var index = state.Current.Organizations;
        IEnumerable<Organization> items;
        if (!string.IsNullOrWhiteSpace(parent))
        {
            if (index.Find(parent, date) is null)
            {
                return Problems.NotFound("Organization", parent, "Cơ quan, đơn vị", Query.Iso(date));
            }

            items = index.Children(parent, date).Where(o => k is null || o.Kind == k);
        }
        else
        {
            items = index.AsOf(date, k);
        }

        var list = items.Select(OrganizationDto.From).ToList();
        return TypedResults.Ok(new ListDto<OrganizationDto>(list.Count, list));
    }

    private static Results<Ok<OrganizationDetailDto>, ProblemHttpResult> GetOrganization(
        CatalogueState state, TimeProvider clock, string code, string? at)
    {
        if (!Query.TryDate(at, "at", VietnamTime.Today(clock), out var date, out var problem))
        {
            return problem;
        }

        var index = state.Current.Organizations;
        if (index.Find(code, date) is not { } org)
        {
            return Problems.NotFound("Organization", code, "Cơ quan, đơn vị", Query.Iso(date));
        }

        return TypedResults.Ok(new OrganizationDetailDto(
            OrganizationDto.From(org),
            index.Ancestors(code, date).Select(OrganizationDto.From).ToList(),
            index.Children(code, date).Select(OrganizationDto.From).ToList(),
            index.Predecessors(org).Select(l => new OrganizationLinkDto(OrganizationDto.From(l.Organization), l.Kind, l.Effective)).ToList(),
            index.Successors(org).Select(l => new OrganizationLinkDto(OrganizationDto.From(l.Organization), l.Kind, l.Effective)).ToList()));
    }

    private static Results<Ok<Codelist>, ProblemHttpResult> GetCodelist(CatalogueState state, string code) =>
        state.Current.Codelists.TryGetValue(code, out var list)
            ? TypedResults.Ok(list)
            : Problems.NotFound("Codelist", code, "Bảng mã");

    private static Results<Ok<ListDto<Indicator>>, ProblemHttpResult> ListIndicators(CatalogueState state, string? category)
    {
        var catalogue = state.Current;
        if (!string.IsNullOrWhiteSpace(category) && !catalogue.Categories.ContainsKey(category))
        {
            return Problems.NotFound("Information category", category, "Nhóm thông tin");
        }

        var items = catalogue.Indicators.Values
            .Where(i => string.IsNullOrWhiteSpace(category) || i.CategoryCode == category)
            .OrderBy(i => i.Code, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new ListDto<Indicator>(items.Count, items));
    }

    private static Results<Ok<Indicator>, ProblemHttpResult> GetIndicator(CatalogueState state, string code) =>
        state.Current.Indicators.TryGetValue(code, out var indicator)
            ? TypedResults.Ok(indicator)
            : Problems.NotFound("Indicator", code, "Chỉ tiêu");

    private static Results<Ok<ListDto<RegimeSummaryDto>>, ProblemHttpResult> ListRegimes(
        CatalogueState state, TimeProvider clock, AccessScope scope, string? at)
    {
        if (!Query.TryDate(at, "at", VietnamTime.Today(clock), out var date, out var problem))
        {
            return problem;
        }

        var catalogue = state.Current;
        var items = catalogue.RegimeCodes
            .Select(code => catalogue.Regime(code, date))
            .OfType<Regime>()
            .Where(scope.CanReadRegime)
            .Select(RegimeSummaryDto.From)
            .ToList();
        return TypedResults.Ok(new ListDto<RegimeSummaryDto>(items.Count, items));
    }

    private static async Task<Results<Ok<Regime>, ProblemHttpResult>> GetRegime(
        CatalogueState state, TimeProvider clock, AccessScope scope, AuditLog audit, string code, string? at, CancellationToken ct)
    {
        if (!Query.TryDate(at, "at", VietnamTime.Today(clock), out var date, out var problem))
        {
            return problem;
        }

        var catalogue = state.Current;
        if (!Visible(catalogue, scope, code))
        {
            return Problems.NotFound("Reporting regime", code, "Chế độ báo cáo");
        }

        if (catalogue.Regime(code, date) is not { } regime)
        {
            return Problems.NotFound("Reporting regime", code, "Chế độ báo cáo", Query.Iso(date));
        }

        if (regime.Classification == Classification.Confidential)
        {
            await audit.WriteAsync(AuditActions.ConfidentialRead, "regime " + code, regime.RecipientCode, "version " + regime.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        }

        return TypedResults.Ok(regime);
    }

    // A regime the caller may not see answers exactly like an unknown code: its existence does not leak. Every
    // version must be visible, so a classification raised in a later version also hides the earlier ones.
    private static bool Visible(CatalogueSnapshot catalogue, AccessScope scope, string code)
    {
        var versions = catalogue.RegimeVersions(code);
        return versions.Count > 0 && versions.All(scope.CanReadRegime);
    }

    private static Results<Ok<RegimePeriodsDto>, ProblemHttpResult> GetRegimePeriods(
        CatalogueState state, TimeProvider clock, AccessScope scope, string code, string? year)
    {
        var today = VietnamTime.Today(clock);
        if (!Query.TryInt(year, "year", today.Year, 1900, 2200, out var y, out var problem))
        {
            return problem;
        }

        var catalogue = state.Current;
        if (!Visible(catalogue, scope, code))
        {
            return Problems.NotFound("Reporting regime", code, "Chế độ báo cáo");
        }

        // The version in force in the middle of the year decides the calendar; regimes rarely change mid-year.
        var regime = catalogue.Regime(code, new DateOnly(y, 7, 1)) ?? catalogue.LatestRegime(code)!;
        var periods = ReportingPeriod.PeriodsOfYear(y, regime.Periodicity, regime.CutoffRule, regime.DeadlineRule)
            .Select(p => new ReportingPeriodDto(
                p.Period.ToString(), p.Period.Start, p.Period.End, p.Cutoff.Start, p.Cutoff.End, p.Deadline,
                ReportingCalendar.DueInstant(p.Deadline)))
            .ToList();
        return TypedResults.Ok(new RegimePeriodsDto(
            regime.Code, regime.Version, regime.Periodicity, regime.CutoffRule, regime.DeadlineRule, y, periods));
    }
}
