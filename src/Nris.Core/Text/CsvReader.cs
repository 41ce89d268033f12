using System.Globalization;
using System.Text;

namespace Nris.Core.Text;

/// <summary>
/// A small forward-only RFC 4180 reader: comma-separated fields, fields in double quotes may hold commas, line breaks
/// and doubled quotes (<c>""</c>); records end with CRLF, LF or CR; a byte-order mark at the start is skipped.
/// Core reads its reference data with it, so it takes a <see cref="TextReader"/> and never opens files.
/// </summary>
/// <remarks>
/// Strict where leniency would hide corrupt data: a quote inside an unquoted field, text after a closing quote and a
/// quoted field that never ends throw <see cref="FormatException"/> naming the line and column. Empty lines are
/// skipped, so a trailing line break does not produce an empty record.
/// </remarks>
public sealed class CsvReader
{
    private const char Quote = '"';
    private const char ByteOrderMark = '\uFEFF';

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly char[] _buffer = new char[8192];
    private readonly StringBuilder _field = new();
    private readonly List<string> _record = [];
    private int _position;
    private int _length;
    private int _line = 1;
    private int _column;
    private bool _started;

    /// <summary>Creates a reader over <paramref name="reader"/>.</summary>
    /// <param name="reader">The text; the caller owns and disposes it.</param>
    /// <param name="delimiter">The field separator; a comma unless told.</param>
    public CsvReader(TextReader reader, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (delimiter is Quote or '\r' or '\n')
        {
            throw new ArgumentException("The delimiter cannot be a quote or a line break.", nameof(delimiter));
        }

        _reader = reader;
        _delimiter = delimiter;
    }

    /// <summary>The 1-based line on which the record last returned by <see cref="ReadRecord"/> starts.</summary>
    public int RecordLine { get; private set; }

    /// <summary>Reads the next record.</summary>
    /// <returns>The record's fields, or null at the end of the input.</returns>
    /// <exception cref="FormatException">The input breaks the quoting rules; the message names the line and column.</exception>
    public string[]? ReadRecord()
    {
        if (!_started)
        {
            _started = true;
            if (Peek() == ByteOrderMark)
            {
                // StreamReader strips the BOM itself, but a reader over a string or a custom decoder may not.
                _position++;
            }
        }

        // Skip empty lines: they carry no record, and a final line break must not make one.
        while (Peek() is '\r' or '\n')
        {
            ReadLineBreak();
        }

        if (Peek() < 0)
        {
            return null;
        }

        RecordLine = _line;
        _record.Clear();
        while (true)
        {
            var endOfRecord = ReadField();
            _record.Add(_field.ToString());
            if (endOfRecord)
            {
                return [.. _record];
            }
        }
    }

    /// <summary>Reads one field into <see cref="_field"/>; returns whether it was the last of its record.</summary>
    private bool ReadField()
    {
        _field.Clear();
        var c = Peek();
        if (c == Quote)
        {
            var openLine = _line;
            var openColumn = _column + 1;
            Next();
            while (true)
            {
                c = Peek();
                if (c < 0)
                {
                    throw Error(openLine, openColumn, "a quoted field is not closed before the end of the input");
                }

                if (c == Quote)
                {
                    Next();
                    if (Peek() == Quote)
                    {
                        Next();
                        _field.Append(Quote);
                        continue;
                    }

                    break;
                }

                if (c is '\r' or '\n')
                {
                    // A line break inside quotes is data: keep it as written, but count the line for messages.
                    Next();
                    _field.Append((char)c);
                    if (c == '\r' && Peek() == '\n')
                    {
                        Next();
                        _field.Append('\n');
                    }

                    _line++;
                    _column = 0;
                    continue;
                }

                _field.Append((char)c);
                Next();
            }

            c = Peek();
            if (c == _delimiter)
            {
                Next();
                return false;
            }

            if (c < 0 || c is '\r' or '\n')
            {
                if (c >= 0)
                {
                    ReadLineBreak();
                }

                return true;
            }

            throw Error(_line, _column + 1, "unexpected text after a closing quote");
        }

        while (true)
        {
            c = Peek();
            if (c < 0)
            {
                return true;
            }

            if (c == _delimiter)
            {
                Next();
                return false;
            }

            if (c is '\r' or '\n')
            {
                ReadLineBreak();
                return true;
            }

            if (c == Quote)
            {
                throw Error(_line, _column + 1, "a quote inside an unquoted field (quote the field and double the quote)");
            }

            _field.Append((char)c);
            Next();
        }
    }

    /// <summary>Consumes CRLF, LF or CR.</summary>
    private void ReadLineBreak()
    {
        var c = Peek();
        Next();
        if (c == '\r' && Peek() == '\n')
        {
            Next();
        }

        _line++;
        _column = 0;
    }

    private int Peek()
    {
        if (_position < _length)
        {
            return _buffer[_position];
        }

        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0 ? _buffer[0] : -1;
    }

    private void Next()
    {
        _position++;
        _column++;
    }

    private static FormatException Error(int line, int column, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}: {message}."));
}
