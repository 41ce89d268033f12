using System.Globalization;

namespace Nris.Core.Catalogue;

/// <summary>
/// A catalogue file could not be read: bad JSON, an unknown property, a value of the wrong kind, a missing field.
/// The message names the file, the line and column (or the JSON path) and what is wrong, in Vietnamese and English,
/// because the person who fixes it is usually editing the file by hand.
/// </summary>
public sealed class CatalogueFormatException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public CatalogueFormatException()
        : this("Tệp danh mục không đọc được. / The catalogue file could not be read.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public CatalogueFormatException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    public CatalogueFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FileName = string.Empty;
        Reason = message;
        ReasonEn = message;
    }

    /// <summary>Creates an exception that locates the problem in a file.</summary>
    /// <param name="fileName">File name, e.g. "indicators.json".</param>
    /// <param name="line">1-based line, if known.</param>
    /// <param name="column">1-based column in characters, if known.</param>
    /// <param name="jsonPath">JSON path of the offending value, e.g. "$[3].unit", if known.</param>
    /// <param name="reason">What is wrong, in Vietnamese.</param>
    /// <param name="reasonEn">What is wrong, in English.</param>
    /// <param name="innerException">The serializer's exception, if any.</param>
    public CatalogueFormatException(
        string fileName, long? line, long? column, string? jsonPath, string reason, string reasonEn, Exception? innerException = null)
        : base(Compose(fileName, line, column, jsonPath, reason, reasonEn), innerException)
    {
        FileName = fileName;
        Line = line;
        Column = column;
        JsonPath = jsonPath;
        Reason = reason;
        ReasonEn = reasonEn;
    }

    /// <summary>File name, e.g. "indicators.json".</summary>
    public string FileName { get; }

    /// <summary>1-based line of the problem, if known.</summary>
    public long? Line { get; }

    /// <summary>1-based column (in characters, not bytes) of the problem, if known.</summary>
    public long? Column { get; }

    /// <summary>JSON path of the offending value, e.g. "$[3].unit", if known.</summary>
    public string? JsonPath { get; }

    /// <summary>What is wrong, in Vietnamese.</summary>
    public string Reason { get; }

    /// <summary>What is wrong, in English.</summary>
    public string ReasonEn { get; }

    private static string Compose(string file, long? line, long? column, string? path, string reason, string reasonEn)
    {
        var vi = new List<string> { file };
        var en = new List<string> { file };
        if (line is { } l)
        {
            vi.Add(string.Create(CultureInfo.InvariantCulture, $"dòng {l}"));
            en.Add(string.Create(CultureInfo.InvariantCulture, $"line {l}"));
        }
        if (column is { } c)
        {
            vi.Add(string.Create(CultureInfo.InvariantCulture, $"cột {c}"));
            en.Add(string.Create(CultureInfo.InvariantCulture, $"column {c}"));
        }
        var where = string.IsNullOrEmpty(path) ? string.Empty : " (" + path + ")";
        return string.Join(", ", vi) + where + ": " + reason + " / " + string.Join(", ", en) + where + ": " + reasonEn;
    }
}
