using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Aggregation;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Components.Shared;
using Nris.Server.Hosting;

namespace Nris.Server.Components;

/// <summary>Maps the web application's pages and its interactive circuit.</summary>
public static class WebApplicationEndpoints
{
    /// <summary>
    /// Every page is reachable by URL (a signed-out visitor is sent to sign-in, see <see cref="Shared.SignedInPage"/>);
    /// what a page shows is decided inside it by the caller's <c>AccessScope</c>, as in the API.
    /// </summary>
    public static IEndpointRouteBuilder MapWebApplication(this IEndpointRouteBuilder routes)
    {
        routes.MapRazorComponents<App>()
            .RequireNrisAccess(NrisAccess.Public);
        // Signed-in pages listen here for "numbers you can see have changed"; they then re-read through their own scope.
        routes.MapHub<Live.LiveHub>("/live").RequireNrisAccess(NrisAccess.Authenticated);
        // The indicator page's table as a file. Open like /api/data: what it holds is decided by the caller's scope.
        routes.MapGet("/ui/export/{file}", Export).RequireNrisAccess(NrisAccess.Public)
            .WithSummary("The indicator page's province table as CSV or XLSX (numbers invariant).");
        return routes;
    }

    /// <summary>
    /// Keeps every refusal of the web endpoints a bilingual problem document: the pages' forms are for signed-in people
    /// (a visitor's or an API client's form post is refused before the page runs), and the live hub is reached through
    /// its negotiation, not by address.
    /// </summary>
    public static void UseWebApplicationGuards(this WebApplication app) => app.Use(async (context, next) =>
    {
        var user = context.User.Identity;
        if (HttpMethods.IsPost(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null)
        {
            if (user?.IsAuthenticated != true)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await Problems.Create(401, "unauthorized", "Authentication required", "Cần xác thực",
                    "Sign in to use the forms of the web pages.", "Hãy đăng nhập để dùng các biểu mẫu của trang web.").ExecuteAsync(context);
                return;
            }

            if (user.AuthenticationType != SecurityServices.CookieScheme)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await Problems.Create(403, "forbidden", "Forbidden", "Không có quyền",
                    "The web pages' forms are for signed-in people; API clients use /api.", "Biểu mẫu của trang web dành cho người dùng đã đăng nhập; ứng dụng dùng /api.").ExecuteAsync(context);
                return;
            }

            if (!context.Request.HasFormContentType)
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await Problems.Create(415, "unsupported-media-type", "Unsupported media type", "Kiểu dữ liệu không được hỗ trợ",
                    "A web page accepts only its own form posts (application/x-www-form-urlencoded).",
                    "Trang web chỉ nhận biểu mẫu của chính nó (application/x-www-form-urlencoded).").ExecuteAsync(context);
                return;
            }
        }

        if (user?.IsAuthenticated == true && context.Request.Path.StartsWithSegments("/live", StringComparison.Ordinal) &&
            !context.Request.Path.StartsWithSegments("/live/negotiate", StringComparison.Ordinal) && !context.Request.Query.ContainsKey("id"))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await Problems.Create(400, "bad-request", "Invalid request", "Yêu cầu không hợp lệ",
                "Connect to /live through POST /live/negotiate (the SignalR client does this).",
                "Hãy kết nối /live qua POST /live/negotiate (thư viện SignalR tự làm việc này).").ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private static IResult Export(
        string file, string? territory, string? periodicity, string? mode, string? period, string? lang, string? open,
        AccessScope access, CatalogueState catalogue, AggregationProjection projection, TimeProvider clock)
    {
        var dot = file.LastIndexOf('.');
        var (code, format) = dot > 0 ? (file[..dot], file[(dot + 1)..]) : (file, "");
        if (format is not ("csv" or "xlsx"))
        {
            return Problems.BadRequest("file", "Ask for <indicator>.csv or <indicator>.xlsx.", "Hãy yêu cầu <mã chỉ tiêu>.csv hoặc <mã chỉ tiêu>.xlsx.");
        }

        if (catalogue.Current.Indicators.GetValueOrDefault(code) is not { } indicator)
        {
            return Problems.NotFound("Indicator", Query.Truncate(code), "Chỉ tiêu");
        }

        if (!projection.IsReady)
        {
            return Problems.Create(503, "not-ready", "Aggregates are being built", "Số liệu tổng hợp đang được xây dựng",
                "The aggregates are being built after start-up; try again in a moment.", "Số liệu tổng hợp đang được xây dựng sau khi khởi động; vui lòng thử lại sau giây lát.");
        }

        if (!Enum.TryParse<Periodicity>(periodicity ?? "Yearly", true, out var p) || p is not (Periodicity.Monthly or Periodicity.Quarterly or Periodicity.Yearly))
        {
            return Problems.BadRequest("periodicity", "periodicity must be Monthly, Quarterly or Yearly.", "periodicity phải là Monthly, Quarterly hoặc Yearly.");
        }

        Period? chosen = null;
        if (!string.IsNullOrEmpty(period))
        {
            if (!Period.TryParse(period, out var parsed))
            {
                return Problems.BadRequest("period", $"'{Query.Truncate(period)}' is not a period code, e.g. 2026-M05.", $"'{Query.Truncate(period)}' không phải mã kỳ báo cáo, ví dụ 2026-M05.");
            }
            chosen = parsed;
        }

        // The open-data pages ask for the anonymous view (open=true): only published figures, whoever is signed in.
        if (string.Equals(open, "true", StringComparison.OrdinalIgnoreCase))
        {
            access = AccessScope.Anonymous;
        }

        var today = VietnamTime.Today(clock);
        var place = territory is { Length: > 0 and <= 16 } ? territory : Territory.NationCode;
        var view = new IndicatorView(indicator, place, p, string.Equals(mode, "asNow", StringComparison.OrdinalIgnoreCase) ? AggregationMode.AsNow : AggregationMode.AsThen,
            chosen, access, catalogue.Current, projection, today);
        var english = lang == "en";
        string[] header = english
            ? ["indicator", "period", "territory_code", "territory", "value", "unit", "change_vs_last_year_percent", "reported", "expected", "flags"]
            : ["chi_tieu", "ky", "ma_dia_ban", "dia_ban", "gia_tri", "don_vi", "so_cung_ky_phan_tram", "da_bao_cao", "phai_bao_cao", "ghi_chu"];
        var rows = view.Provinces.Select(r => (IReadOnlyList<object?>)[
            indicator.Code, view.Period.ToString(), r.Code, english ? r.NameEn : r.Name, r.Value?.Value, english ? indicator.UnitEn : indicator.Unit,
            r.ChangePercent, r.Value?.Reported, r.Value?.Expected, r.Value is null ? null : string.Join(' ', AggregateDto.FlagNames(r.Value.Flags))]).ToList();
        var name = $"{indicator.Code}-{view.Period}";
        return format == "csv"
            ? TypedResults.File(TableExport.Csv(header, rows), "text/csv; charset=utf-8", name + ".csv")
            : TypedResults.File(TableExport.Xlsx(name, header, rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
    }
}
