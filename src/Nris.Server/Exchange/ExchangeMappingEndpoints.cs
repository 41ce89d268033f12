using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Exchange.Mapping;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Storage;
using Nris.Storage.Exchange;

namespace Nris.Server.Exchange;

/// <summary>One stored mapping, as the admin API answers it.</summary>
public sealed record ExchangeMappingDto(string Name, string Regime, string UpdatedBy, DateTimeOffset UpdatedAt, ExchangeMapping Mapping);

/// <summary>A stored mapping in a list (tables left out).</summary>
public sealed record ExchangeMappingSummaryDto(string Name, string Regime, string? Description, int Rows, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>
/// Partner mapping tables (issue #7): an administrator of a regime stores, per partner, how the partner's DHIS2, ADX or
/// SDMX codes map onto that regime's indicators, disaggregations, territories and periods; imports then name it with
/// <c>mapping=name</c>. Scoped like catalogue administration: the administrators of the regime's recipient subtree
/// (system administrators for everything); a mapping of a regime outside the caller's scope looks absent.
/// Every row is checked against the catalogue before anything is stored.
/// </summary>
public static class ExchangeMappingEndpoints
{
    private const string Tag = "Exchange administration";
    private const string Route = "/api/admin/exchange-mappings";

    /// <summary>The largest mapping document accepted.</summary>
    public const long MaxBytes = 4L * 1024 * 1024;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 8 };

    public static IEndpointRouteBuilder MapExchangeMappingEndpoints(this IEndpointRouteBuilder routes)
    {
        var admins = NrisAccess.Administrators;
        routes.MapGet(Route, ListAsync).WithTags(Tag).RequireNrisAccess(admins)
            .WithSummary("The partner mapping tables of the regimes the caller administers.");
        routes.MapGet(Route + "/{name}", GetAsync).WithTags(Tag).RequireNrisAccess(admins)
            .WithSummary("One partner mapping table (DHIS2/ADX/SDMX codes → indicators, disaggregations, territories, periods of a regime).");
        routes.MapPut(Route + "/{name}", PutAsync).WithTags(Tag).RequireNrisAccess(admins)
            .WithSummary("Create or replace a partner mapping table; every row is checked against the catalogue first.");
        routes.MapDelete(Route + "/{name}", DeleteAsync).WithTags(Tag).RequireNrisAccess(admins)
            .WithSummary("Delete a partner mapping table.");
        return routes;
    }

    /// <summary>The mapping named <paramref name="name"/>, or null.</summary>
    internal static async Task<ExchangeMapping?> FindAsync(NrisDbContext db, string name, CancellationToken ct)
    {
        var row = await db.ExchangeMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Name == name, ct);
        return row is null ? null : JsonSerializer.Deserialize<ExchangeMapping>(row.Json, Json);
    }

    private static bool CanAdminister(AccessScope scope, CatalogueSnapshot catalogue, string regime) =>
        catalogue.LatestRegime(regime) is { } r ? scope.CanAdministerRegime(r) : scope.IsSystemAdministrator;

    private static DateTimeOffset At(long us) => DateTimeOffset.FromUnixTimeMilliseconds(us / 1000);

    private static int Rows(ExchangeMapping m) => (m.Indicators?.Count ?? 0) + (m.Territories?.Count ?? 0) + (m.Disaggregations?.Count ?? 0) + (m.Periods?.Count ?? 0);

    private static async Task<Ok<ListDto<ExchangeMappingSummaryDto>>> ListAsync(AccessScope scope, CatalogueState catalogue, NrisDbContext db, CancellationToken ct)
    {
        var rows = await db.ExchangeMappings.AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct);
        var items = new List<ExchangeMappingSummaryDto>();
        foreach (var row in rows.Where(r => CanAdminister(scope, catalogue.Current, r.RegimeCode)))
        {
            var m = JsonSerializer.Deserialize<ExchangeMapping>(row.Json, Json)!;
            items.Add(new ExchangeMappingSummaryDto(row.Name, row.RegimeCode, m.Description, Rows(m), row.UpdatedBy, At(row.UpdatedUs)));
        }

        return TypedResults.Ok(new ListDto<ExchangeMappingSummaryDto>(items.Count, items));
    }

    private static async Task<Results<Ok<ExchangeMappingDto>, ProblemHttpResult>> GetAsync(string name, AccessScope scope, CatalogueState catalogue, NrisDbContext db, CancellationToken ct)
    {
        var row = await db.ExchangeMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Name == name, ct);
        if (row is null || !CanAdminister(scope, catalogue.Current, row.RegimeCode))
        {
            return Problems.NotFound("Exchange mapping", Query.Truncate(name), "Bảng ánh xạ trao đổi dữ liệu");
        }

        return TypedResults.Ok(new ExchangeMappingDto(row.Name, row.RegimeCode, row.UpdatedBy, At(row.UpdatedUs), JsonSerializer.Deserialize<ExchangeMapping>(row.Json, Json)!));
    }

    private static async Task<IResult> PutAsync(string name, HttpContext http, AccessScope scope, CatalogueState catalogue, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!ExchangeMapping.IsValidName(name))
        {
            return Problems.BadRequest("name", "A mapping name has 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit.",
                "Tên bảng ánh xạ có 1 đến 64 ký tự: chữ, số, '_', '.' hoặc '-', bắt đầu bằng chữ hoặc số.");
        }

        // The document is read under an explicit limit, then parsed; a broken document names where it breaks.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBytes;
        }

        var buffer = new MemoryStream();
        try
        {
            var chunk = new byte[16384];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        ExchangeMapping? mapping;
        try
        {
            mapping = JsonSerializer.Deserialize<ExchangeMapping>(buffer.ToArray(), Json);
        }
        catch (JsonException e)
        {
            var at = e.Path ?? "$";
            return Problems.BadRequest(at, "The body is not a valid mapping document: " + e.Message, "Nội dung không phải tài liệu ánh xạ hợp lệ (JSON) tại " + at + ".");
        }

        if (mapping is null)
        {
            return Problems.BadRequest("body", "The body is the mapping document (JSON).", "Nội dung yêu cầu là tài liệu ánh xạ (JSON).");
        }

        var snapshot = catalogue.Current;
        var errors = mapping.Validate(snapshot);
        if (errors.Count > 0)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "invalid-mapping", "The mapping cannot be saved", "Không lưu được bảng ánh xạ",
                string.Create(CultureInfo.InvariantCulture, $"{errors.Count} problem(s) in the mapping; nothing was stored. First: {errors[0]}"),
                string.Create(CultureInfo.InvariantCulture, $"Bảng ánh xạ có {errors.Count} lỗi; chưa lưu gì. Lỗi đầu tiên: {errors[0].Location}: {errors[0].MessageVi}"),
                [.. errors.Take(200).Select(e => new ProblemError(e.Location, e.MessageEn, e.MessageVi))]);
        }

        if (!scope.CanAdministerRegime(snapshot.LatestRegime(mapping.Regime!)!))
        {
            return AdminEndpoints.Forbidden();
        }

        var row = await db.ExchangeMappings.SingleOrDefaultAsync(m => m.Name == name, ct);
        if (row is not null && !CanAdminister(scope, snapshot, row.RegimeCode))
        {
            return AdminEndpoints.Forbidden();
        }

        var json = JsonSerializer.Serialize(mapping, Json);
        var actor = NrisClaims.ActorName(http.User);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var created = row is null;
        if (row is null)
        {
            row = new ExchangeMappingEntity { Name = name, RegimeCode = mapping.Regime!, Json = json, UpdatedBy = actor, UpdatedUs = now };
            db.ExchangeMappings.Add(row);
        }
        else
        {
            row.RegimeCode = mapping.Regime!;
            row.Json = json;
            row.UpdatedBy = actor;
            row.UpdatedUs = now;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "conflict", "Conflict", "Xung đột",
                $"The mapping '{name}' was changed at the same time; read it again and retry.",
                $"Bảng ánh xạ '{name}' vừa được thay đổi đồng thời; hãy đọc lại và thử lại.");
        }

        var dto = new ExchangeMappingDto(row.Name, row.RegimeCode, row.UpdatedBy, At(row.UpdatedUs), mapping);
        return created ? TypedResults.Created(Route + "/" + Uri.EscapeDataString(name), dto) : TypedResults.Ok(dto);
    }

    private static async Task<IResult> DeleteAsync(string name, AccessScope scope, CatalogueState catalogue, NrisDbContext db, CancellationToken ct)
    {
        var row = await db.ExchangeMappings.SingleOrDefaultAsync(m => m.Name == name, ct);
        if (row is null || !CanAdminister(scope, catalogue.Current, row.RegimeCode))
        {
            return Problems.NotFound("Exchange mapping", Query.Truncate(name), "Bảng ánh xạ trao đổi dữ liệu");
        }

        db.ExchangeMappings.Remove(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult TooLarge() => Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-large", "Mapping too large", "Bảng ánh xạ quá lớn",
        string.Create(CultureInfo.InvariantCulture, $"The mapping document is larger than {MaxBytes} bytes."),
        string.Create(CultureInfo.InvariantCulture, $"Tài liệu ánh xạ lớn hơn {MaxBytes} byte."),
        [new ProblemError("body", "Too large.", "Quá lớn.")]);
}
