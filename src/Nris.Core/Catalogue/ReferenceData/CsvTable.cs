using System.Globalization;
using Nris.Core.Text;

namespace Nris.Core.Catalogue.ReferenceData;

/// <summary>
/// A CSV file with a fixed header, read row by row; every error names the source, the line and the column, because
/// the people who fix reference data fix it in a text editor.
/// </summary>
internal sealed class CsvTable
{
    private readonly CsvReader _reader;
    private readonly string _source;
    private readonly string[] _header;
    private string[] _row = [];

    /// <summary>Reads and checks the header: it must be exactly <paramref name="header"/>, in that order.</summary>
    public CsvTable(TextReader reader, string source, params string[] header)
    {
        _reader = new CsvReader(reader);
        _source = source;
        _header = header;
        var actual = Read() ?? throw new FormatException(
            string.Create(CultureInfo.InvariantCulture, $"{source}: the file is empty; expected the header '{string.Join(',', header)}'."));
        for (var i = 0; i < header.Length; i++)
        {
            var found = i < actual.Length ? actual[i] : null;
            if (!string.Equals(found, header[i], StringComparison.Ordinal))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{source} line {_reader.RecordLine}, column {i + 1}: expected header '{header[i]}', found '{found ?? "(nothing)"}'."));
            }
        }

        if (actual.Length > header.Length)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"{source} line {_reader.RecordLine}, column {header.Length + 1}: unexpected header '{actual[header.Length]}'."));
        }
    }

    /// <summary>The line on which the current row starts.</summary>
    public int Line => _reader.RecordLine;

    /// <summary>Moves to the next row; false at the end.</summary>
    public bool Next()
    {
        var row = Read();
        if (row is null)
        {
            return false;
        }

        if (row.Length != _header.Length)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"{_source} line {Line}: expected {_header.Length} fields, found {row.Length}."));
        }

        _row = row;
        return true;
    }

    /// <summary>A field that must not be empty.</summary>
    public string Required(int column)
    {
        var value = _row[column];
        return value.Length > 0 ? value : throw Error(column, "a value is required");
    }

    /// <summary>A field that may be empty (null then).</summary>
    public string? Optional(int column) => _row[column].Length > 0 ? _row[column] : null;

    /// <summary>An ISO date (yyyy-MM-dd) or empty.</summary>
    public DateOnly? OptionalDate(int column)
    {
        var value = _row[column];
        if (value.Length == 0)
        {
            return null;
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Error(column, $"'{value}' is not a date (yyyy-MM-dd)");
    }

    /// <summary>An ISO date that must be present.</summary>
    public DateOnly RequiredDate(int column) => OptionalDate(column) ?? throw Error(column, "a date is required");

    /// <summary>An error about <paramref name="column"/> (0-based) of the current row.</summary>
    public FormatException Error(int column, string message) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"{_source} line {Line}, column {column + 1} ({_header[column]}): {message}."));

    /// <summary>An error about the current row as a whole.</summary>
    public FormatException Error(string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_source} line {Line}: {message}."));

    private string[]? Read()
    {
        try
        {
            return _reader.ReadRecord();
        }
        catch (FormatException e)
        {
            throw new FormatException($"{_source}: {e.Message}", e);
        }
    }
}
