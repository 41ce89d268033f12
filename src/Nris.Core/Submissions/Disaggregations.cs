using System.Diagnostics.CodeAnalysis;
using Nris.Core.Catalogue;

namespace Nris.Core.Submissions;

/// <summary>
/// Disaggregation keys of values: <see cref="Total"/> ("_T") for the total, or "CODELIST:CODE" (e.g. "SEX:F") for
/// one code of one codelist. The codelist is part of the key because a code alone is ambiguous ("U" could be urban
/// or something else in another list), and because one indicator may be broken down by several codelists.
/// </summary>
public static class Disaggregations
{
    /// <summary>The key of the total (SDMX "_T").</summary>
    public const string Total = Codelist.TotalCode;

    /// <summary>The key of <paramref name="code"/> in <paramref name="codelist"/>, e.g. Of("SEX", "F") = "SEX:F".</summary>
    public static string Of(string codelist, string code)
    {
        ArgumentException.ThrowIfNullOrEmpty(codelist);
        ArgumentException.ThrowIfNullOrEmpty(code);
        return $"{codelist}:{code}";
    }

    /// <summary>
    /// Splits a key. "_T" gives a null codelist and the code "_T"; "SEX:F" gives "SEX" and "F". Anything else —
    /// empty parts, more than one ':', white space, or "SEX:_T" (the total is written "_T" alone, so one cell has
    /// one key) — is not a key.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? key, out string? codelist, [NotNullWhen(true)] out string? code)
    {
        codelist = null;
        code = null;
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        if (key == Total)
        {
            code = Total;
            return true;
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == key.Length - 1 || key.IndexOf(':', colon + 1) >= 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        var list = key[..colon];
        var item = key[(colon + 1)..];
        if (item == Total)
        {
            return false;
        }

        codelist = list;
        code = item;
        return true;
    }
}
