using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Nris.Server.Components.Shared;

/// <summary>Writes a table of an indicator view as CSV (UTF-8, invariant numbers) or as an XLSX sheet (numbers as numbers).</summary>
public static class TableExport
{
    public static byte[] Csv(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(Quote)).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(v => v switch
            {
                null => "",
                decimal d => d.ToString(CultureInfo.InvariantCulture),
                int i => i.ToString(CultureInfo.InvariantCulture),
                _ => Quote(Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""),
            })).Append("\r\n");
        }
        // A byte order mark so that spreadsheet programs read Vietnamese names as UTF-8.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\r', '\n']) >= 0 || s.StartsWith('=') || s.StartsWith('+') || s.StartsWith('-') || s.StartsWith('@')
            ? "\"" + (s.Length > 0 && "=+-@".Contains(s[0], StringComparison.Ordinal) ? "'" : "") + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;

    public static byte[] Xlsx(string sheetName, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(Row(header.Cast<object?>().ToList()));
            foreach (var row in rows)
            {
                data.Append(Row(row));
            }
            sheetPart.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets()).Append(new Sheet
            {
                Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = sheetName.Length > 31 ? sheetName[..31] : sheetName,
            });
            workbook.Workbook.Save();
        }
        return stream.ToArray();
    }

    private static Row Row(IReadOnlyList<object?> values)
    {
        var row = new Row();
        foreach (var v in values)
        {
            row.Append(v switch
            {
                decimal d => new Cell { DataType = CellValues.Number, CellValue = new CellValue(d.ToString(CultureInfo.InvariantCulture)) },
                int i => new Cell { DataType = CellValues.Number, CellValue = new CellValue(i.ToString(CultureInfo.InvariantCulture)) },
                null => new Cell(),
                _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "")) },
            });
        }
        return row;
    }
}
