using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Nris.Exchange.Model;

namespace Nris.Exchange.Internal;

/// <summary>
/// Opens CSV input the same way for every CSV format: UTF-8 with or without BOM (invalid bytes are an error, not
/// replacement characters), ',' or ';' detected from the data, a cap on field length, and bad quoting reported
/// with its line instead of thrown.
/// </summary>
internal sealed class CsvInput : IDisposable
{
    private readonly StreamReader _text;
    private readonly CsvParser _parser;
    private readonly ErrorList _errors;

    public CsvInput(Stream stream, ExchangeLimits limits, ErrorList errors, CancellationToken cancellationToken, char? delimiter = null)
    {
        _errors = errors;
        _text = new StreamReader(new LimitedStream(stream, limits.MaxBytes, cancellationToken), new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = delimiter is null,
            DetectDelimiterValues = [",", ";"],
            Delimiter = delimiter?.ToString() ?? ",",
            MaxFieldSize = limits.MaxCellTextLength,
            BadDataFound = args => _errors.Add(new ExchangeError(
                string.Create(CultureInfo.InvariantCulture, $"line {args.Context.Parser?.RawRow ?? 0}"), null,
                "Dấu ngoặc kép không đúng quy tắc CSV.", "Misplaced quote: the line is not valid CSV.")),
            TrimOptions = TrimOptions.None,
            IgnoreBlankLines = true,
        };
        _parser = new CsvParser(_text, config, leaveOpen: true);
    }

    /// <summary>The line the current record starts on (1-based).</summary>
    public int Line => _parser.RawRow;

    public string Delimiter => _parser.Delimiter;

    /// <summary>The next record, or null at the end. Fields longer than the limit end reading with an error.</summary>
    public string[]? Next()
    {
        try
        {
            return _parser.Read() ? _parser.Record : null;
        }
        catch (MaxFieldSizeException e)
        {
            throw new ExchangeFormatException([new ExchangeError(string.Create(CultureInfo.InvariantCulture, $"line {_parser.RawRow}"), null,
                "Một trường quá dài.", "A field is longer than the limit.")], e);
        }
        catch (CsvHelperException e)
        {
            throw new ExchangeFormatException([new ExchangeError(string.Create(CultureInfo.InvariantCulture, $"line {_parser.RawRow}"), null,
                "CSV không hợp lệ.", "The CSV is not valid: " + e.Message.Split('\n')[0])], e);
        }
    }

    public static string At(int line) => string.Create(CultureInfo.InvariantCulture, $"line {line}");

    public void Dispose()
    {
        _parser.Dispose();
        _text.Dispose();
    }
}

/// <summary>CSV output with the invariant culture and RFC 4180 quoting.</summary>
internal static class CsvOutput
{
    public static CsvWriter Create(Stream stream, char delimiter, bool bom)
    {
        var text = new StreamWriter(stream, new UTF8Encoding(bom), 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        return new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = delimiter.ToString(), NewLine = "\r\n" }, leaveOpen: false);
    }
}
