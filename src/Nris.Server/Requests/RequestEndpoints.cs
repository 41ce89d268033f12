using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Nris.Core.Security;
using Nris.Server.Api;
using Nris.Server.Auth;

namespace Nris.Server.Requests;

/// <summary>
/// The ad-hoc report request API (<c>/api/requests...</c>): issue, list (as issuer / as target), read, answer, accept,
/// return, download an attachment. Access is declared per endpoint; what a caller sees is decided by its scope, and a
/// request it may not see answers 404 exactly like one that does not exist.
/// </summary>
public static class RequestEndpoints
{
    private const long MaxIssueBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapRequestEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/requests").WithTags("Requests");
        group.MapPost("/", IssueAsync).RequireNrisAccess(Role.Reviewer, Role.AgencyAdministrator).RequireRateLimiting(SecurityServices.SubmissionRateLimit)
            .WithSummary("Issue an ad-hoc report request (báo cáo đột xuất): subject, questions and/or indicators, targets, period, deadline, classification.");
        group.MapGet("/", ListAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Requests the caller may see, newest first: ?as=issuer (issued in its scope) or ?as=target (addressed to its scope); each with its targets' states.");
        group.MapGet("/{id:long}", GetAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("One request: questions, indicators, targets with their compliance state, and the answers the caller may see, each value with its provenance.");
        group.MapPost("/{id:long}/answers/{organization}", AnswerAsync).RequireNrisAccess(Role.Reporter).RequireRateLimiting(SecurityServices.SubmissionRateLimit)
            .WithSummary("A target answers (or revises its answer) with values, texts and attachments; baseVersion is the version revised (0 first).");
        group.MapPost("/{id:long}/answers/{organization}/accept", (long id, string organization, HttpContext http, AccessScope scope, RequestService service, IOptions<JsonOptions> json, CancellationToken ct) =>
                DecideAsync(id, organization, true, http, scope, service, json, ct))
            .RequireNrisAccess(Role.Reviewer, Role.AgencyAdministrator).WithSummary("The issuer accepts the current version of a target's answer.");
        group.MapPost("/{id:long}/answers/{organization}/return", (long id, string organization, HttpContext http, AccessScope scope, RequestService service, IOptions<JsonOptions> json, CancellationToken ct) =>
                DecideAsync(id, organization, false, http, scope, service, json, ct))
            .RequireNrisAccess(Role.Reviewer, Role.AgencyAdministrator).WithSummary("The issuer returns the current version of a target's answer with a reason.");
        group.MapGet("/{id:long}/attachments/{attachmentId:long}", DownloadAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Downloads an attachment of an answer the caller may see (always as a file, never inline).");
        return routes;
    }

    /// <summary>A refusal of the engine as a bilingual problem document naming the field.</summary>
    public static ProblemHttpResult ToProblem(RequestProblemException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (title, titleVi) = e.Status switch
        {
            400 => ("Invalid request", "Yêu cầu không hợp lệ"),
            403 => ("Forbidden", "Không có quyền"),
            404 => ("Not found", "Không tìm thấy"),
            409 => ("Not allowed in the answer's state", "Trạng thái câu trả lời không cho phép"),
            _ => ("Refused", "Bị từ chối"),
        };
        return Problems.Create(e.Status, e.Type, title, titleVi, e.MessageEn, e.MessageVi,
            e.Errors is { Count: > 0 } errors ? [.. errors.OfType<ProblemError>()] : [new ProblemError(e.Field, e.MessageEn, e.MessageVi)]);
    }

    private static async Task<Results<Created<RequestDetailsDto>, ProblemHttpResult>> IssueAsync(
        HttpContext http, AccessScope scope, RequestService service, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (input, problem) = await SubmissionEndpoints.ReadAsync<IssueRequestInput>(http, MaxIssueBytes, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var created = await service.IssueAsync(input!, scope, NrisClaims.ActorName(http.User), ct);
            return TypedResults.Created("/api/requests/" + created.Id.ToString(CultureInfo.InvariantCulture), created);
        }
        catch (RequestProblemException e)
        {
            return ToProblem(e);
        }
    }

    private static async Task<Results<Ok<ListDto<RequestSummaryDto>>, ProblemHttpResult>> ListAsync(
        string? @as, string? limit, AccessScope scope, RequestService service, CancellationToken ct)
    {
        if (@as is not (null or "issuer" or "target"))
        {
            return Problems.BadRequest("as", "'as' is issuer or target (or left out for both).", "'as' là issuer hoặc target (hoặc bỏ trống để lấy cả hai).");
        }

        if (!Query.TryInt(limit, "limit", 50, 1, RequestService.MaxList, out var take, out var problem))
        {
            return problem;
        }

        var items = await service.ListAsync(scope, @as, take, ct);
        return TypedResults.Ok(new ListDto<RequestSummaryDto>(items.Count, items));
    }

    private static async Task<Results<Ok<RequestDetailsDto>, ProblemHttpResult>> GetAsync(long id, AccessScope scope, RequestService service, CancellationToken ct) =>
        await service.GetAsync(id, scope, ct) is { } found ? TypedResults.Ok(found) : NotFound(id);

    private static ProblemHttpResult NotFound(long id) =>
        Problems.NotFound("Request", Core.Requests.ReportRequests.CodeOf(id), "Yêu cầu báo cáo");

    private static async Task<Results<Created<RequestActionDto>, ProblemHttpResult>> AnswerAsync(
        long id, string organization, HttpContext http, AccessScope scope, RequestService service, IOptions<JsonOptions> json,
        IOptions<RequestOptions> options, CancellationToken ct)
    {
        var (input, problem) = await SubmissionEndpoints.ReadAsync<AnswerRequestInput>(http, options.Value.MaxAnswerBytes, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var done = await service.AnswerAsync(id, organization, input!, scope, NrisClaims.ActorName(http.User), ct);
            return TypedResults.Created($"/api/requests/{id.ToString(CultureInfo.InvariantCulture)}", done);
        }
        catch (RequestProblemException e)
        {
            return ToProblem(e);
        }
    }

    private static async Task<Results<Ok<RequestActionDto>, ProblemHttpResult>> DecideAsync(
        long id, string organization, bool accept, HttpContext http, AccessScope scope, RequestService service, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (input, problem) = await SubmissionEndpoints.ReadAsync<RequestDecisionInput>(http, 64 * 1024, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            return TypedResults.Ok(await service.DecideAsync(id, organization, accept, input!, scope, NrisClaims.ActorName(http.User), ct));
        }
        catch (RequestProblemException e)
        {
            return ToProblem(e);
        }
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        long id, long attachmentId, HttpContext http, AccessScope scope, RequestService service, CancellationToken ct)
    {
        if (await service.AttachmentAsync(id, attachmentId, scope, ct) is not { } file)
        {
            return Problems.NotFound("Attachment", attachmentId.ToString(CultureInfo.InvariantCulture), "Tệp đính kèm");
        }

        // Never rendered by the browser: a download, with sniffing off.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return TypedResults.File(file.Content, file.ContentType, file.FileName);
    }
}
