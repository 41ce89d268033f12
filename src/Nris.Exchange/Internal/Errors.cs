using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Nris.Exchange.Model;

namespace Nris.Exchange.Internal;

/// <summary>The bilingual messages readers share, and the net that turns any parser failure into an <see cref="ExchangeFormatException"/>.</summary>
internal static class Errors
{
    public static ExchangeError TooLarge(long maxBytes) => new("", null,
        string.Create(CultureInfo.InvariantCulture, $"Tệp vượt quá giới hạn {maxBytes} byte."),
        string.Create(CultureInfo.InvariantCulture, $"The file is larger than the limit of {maxBytes} bytes."));

    public static ExchangeError TooManyObservations(string location, int max) => new(location, null,
        string.Create(CultureInfo.InvariantCulture, $"Tệp có nhiều hơn {max} quan sát."),
        string.Create(CultureInfo.InvariantCulture, $"The file has more than {max} observations."));

    public static ExchangeError TooLong(string location, string? field, int max) => new(location, field,
        string.Create(CultureInfo.InvariantCulture, $"Nội dung dài hơn {max} ký tự."),
        string.Create(CultureInfo.InvariantCulture, $"The text is longer than {max} characters."));

    public static ExchangeError Missing(string location, string field) => new(location, field,
        $"Thiếu trường bắt buộc '{field}'.", $"The required field '{field}' is missing.");

    public static ExchangeError Invalid(string location, string? field, string vi, string en) => new(location, field, vi, en);

    public static ExchangeError TooDeep(string location, int max) => new(location, null,
        string.Create(CultureInfo.InvariantCulture, $"Cấu trúc lồng nhau sâu hơn {max} cấp."),
        string.Create(CultureInfo.InvariantCulture, $"The structure is nested deeper than {max} levels."));

    /// <summary>
    /// Runs a reader and guarantees the caller sees only <see cref="ExchangeFormatException"/> for bad input (or
    /// <see cref="OperationCanceledException"/> when it cancelled). Specific parser exceptions keep their line and
    /// position; anything else is a bug in a reader met by odd bytes, still reported as a problem with the input
    /// rather than a server error.
    /// </summary>
    public static T Guard<T>(string format, Func<T> read, CancellationToken cancellationToken)
    {
        try
        {
            return read();
        }
        catch (ExchangeFormatException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (XmlException e)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"line {e.LineNumber}, column {e.LinePosition}");
            throw new ExchangeFormatException([new ExchangeError(at, null, $"XML không hợp lệ ({format}): {e.Message}", $"Invalid XML ({format}): {e.Message}")], e);
        }
        catch (JsonException e)
        {
            var at = e.Path is { Length: > 0 } p
                ? string.Create(CultureInfo.InvariantCulture, $"{p} (line {(e.LineNumber ?? 0) + 1})")
                : string.Create(CultureInfo.InvariantCulture, $"line {(e.LineNumber ?? 0) + 1}");
            throw new ExchangeFormatException([new ExchangeError(at, null, $"JSON không hợp lệ ({format}): {e.Message}", $"Invalid JSON ({format}): {e.Message}")], e);
        }
        catch (DecoderFallbackException e)
        {
            throw new ExchangeFormatException([new ExchangeError(string.Create(CultureInfo.InvariantCulture, $"byte {e.Index}"), null, "Tệp không phải UTF-8 hợp lệ.", "The file is not valid UTF-8.")], e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ExchangeFormatException([new ExchangeError("", null, $"Không đọc được tệp {format}: {e.Message}", $"The {format} file cannot be read: {e.Message}")], e);
        }
    }
}

/// <summary>Collects problems up to the limit, then stops the reader; readers throw once at the end.</summary>
internal sealed class ErrorList(int max)
{
    private readonly List<ExchangeError> _errors = [];

    public int Count => _errors.Count;

    public void Add(ExchangeError error)
    {
        _errors.Add(error);
        if (_errors.Count >= max)
        {
            throw new ExchangeFormatException(_errors.ToArray());
        }
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ExchangeFormatException(_errors.ToArray());
        }
    }

    public IReadOnlyList<ExchangeError> ToList() => _errors.ToArray();
}
