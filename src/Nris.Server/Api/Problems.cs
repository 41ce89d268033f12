using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Nris.Server.Api;

/// <summary>One field-level error inside a problem document, in both languages.</summary>
public sealed record ProblemError(string Field, string MessageEn, string MessageVi);

/// <summary>
/// RFC 9457 problem documents in both languages. English goes in the standard <c>title</c>/<c>detail</c>
/// members so generic clients read them; Vietnamese goes in <c>titleVi</c>/<c>detailVi</c>; field errors in
/// <c>errors</c>. Every error response of the API is built here so they all look the same.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://nris.example/problems/";

    public static ProblemHttpResult NotFound(string what, string code, string whatVi, string? when = null) =>
        Create(
            StatusCodes.Status404NotFound, "not-found",
            "Not found", "Không tìm thấy",
            $"{what} '{code}' does not exist{(when is null ? "" : " on " + when)}.",
            $"{whatVi} '{code}' không tồn tại{(when is null ? "" : " vào ngày " + when)}.");

    public static ProblemHttpResult BadRequest(string field, string messageEn, string messageVi) =>
        Create(
            StatusCodes.Status400BadRequest, "bad-request",
            "Invalid request", "Yêu cầu không hợp lệ",
            messageEn, messageVi,
            [new ProblemError(field, messageEn, messageVi)]);

    public static ProblemHttpResult Create(
        int status, string type, string titleEn, string titleVi, string detailEn, string detailVi,
        IReadOnlyList<ProblemError>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeBase + type,
            Title = titleEn,
            Detail = detailEn,
        };
        problem.Extensions["titleVi"] = titleVi;
        problem.Extensions["detailVi"] = detailVi;
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return TypedResults.Problem(problem);
    }
}
