using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;

namespace Nris.Server.Oversight;

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
        return routes;
    }

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

    private static Results<Ok<ScorecardDto>, ProblemHttpResult> Scorecard(
        string organization, string? year, AccessScope access, ComplianceService compliance, TimeProvider clock)
    {
        if (NotReady(compliance) is { } notReady)
        {
            return notReady;
        }

        if (!Query.TryInt(year, "year", VietnamTime.Today(clock).Year, 2000, 2100, out var y, out var problem))
        {
            return problem;
        }

        return compliance.Scorecard(access, organization, y) is { } card
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
