using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Nris.Server.Api;

/// <summary>
/// Parses query-string values ourselves (invariant culture) so that a bad value gets a problem document
/// that names the parameter, instead of the framework's generic binding failure.
/// </summary>
public static class Query
{
    public static bool TryDate(
        string? value, string name, DateOnly fallback, out DateOnly date,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            date = fallback;
            return true;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        problem = Problems.BadRequest(
            name,
            $"'{Truncate(value)}' is not a date; use the form YYYY-MM-DD, e.g. 2025-07-01.",
            $"'{Truncate(value)}' không phải là ngày; dùng dạng YYYY-MM-DD, ví dụ 2025-07-01.");
        return false;
    }

    public static bool TryInt(
        string? value, string name, int fallback, int min, int max, out int number,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            number = fallback;
            return true;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number) && number >= min && number <= max)
        {
            return true;
        }

        problem = Problems.BadRequest(
            name,
            $"'{Truncate(value)}' is not a whole number from {min} to {max}.",
            $"'{Truncate(value)}' không phải là số nguyên từ {min} đến {max}.");
        return false;
    }

    public static bool TryEnum<TEnum>(
        string? value, string name, out TEnum? result,
        [NotNullWhen(false)] out ProblemHttpResult? problem)
        where TEnum : struct, Enum
    {
        problem = null;
        result = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        // Names only: Enum.TryParse would also accept "1" or "1,2".
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(candidate.ToString(), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                result = candidate;
                return true;
            }
        }

        var accepted = string.Join(", ", Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]));
        problem = Problems.BadRequest(
            name,
            $"'{Truncate(value)}' is not one of: {accepted}.",
            $"'{Truncate(value)}' không thuộc các giá trị: {accepted}.");
        return false;
    }

    /// <summary>Echoing a 10 MB parameter back would turn an error into an amplifier.</summary>
    public static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
