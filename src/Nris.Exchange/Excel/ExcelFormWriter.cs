using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Exchange.Excel;

/// <summary>
/// Writes a regime's form for one reporter and period as an .xlsx workbook a person fills in Excel or LibreOffice:
/// an instructions sheet, one sheet per section ("Biểu 01" …) with bilingual labels and unlocked, validated input
/// cells, and a very hidden sheet "_nris" mapping every input cell to its indicator and disaggregation, so the
/// uploaded file reads back without guessing from labels (which people translate, reword or reorder).
/// </summary>
/// <remarks>
/// Protection has no password: it keeps people from typing over labels by mistake, it does not secure anything.
/// The reader trusts only the map and the catalogue, never the labels.
/// </remarks>
public static class ExcelFormWriter
{
    /// <summary>The first row of data on a section sheet; rows above hold titles and the two header rows.</summary>
    internal const int FirstDataRow = 10;

    /// <summary>Input columns start after code, label vi, label en and unit.</summary>
    internal const int FirstInputColumn = 5;

    private const int HeaderGroupRow = FirstDataRow - 2;
    private const int HeaderRow = FirstDataRow - 1;

    // Excel's own limit for a whole-number or decimal validation bound that still displays exactly (15 digits).
    private const string Unbounded = "999999999999999";

    // Style indexes into the stylesheet built by Styles().
    private const uint StyleTitle = 1;
    private const uint StyleSubtitle = 2;
    private const uint StyleInfo = 3;
    private const uint StyleHeader = 4;
    private const uint StyleLabel = 5;
    private const uint StyleInputNumber = 6;
    private const uint StyleInputText = 7;
    private const uint StyleDisabled = 8;
    private const uint StyleWrap = 9;

    /// <summary>Writes the form to <paramref name="stream"/> (left open).</summary>
    /// <param name="stream">Where the .xlsx goes; it need not be seekable.</param>
    /// <param name="regime">The regime version whose form this is.</param>
    /// <param name="period">The period reported.</param>
    /// <param name="reporter">The reporting organization.</param>
    /// <param name="catalogue">Indicators and codelists.</param>
    /// <param name="existing">Values to pre-fill (a draft, or last period's report); values of other territories are ignored.</param>
    /// <param name="cancellationToken">Stops writing between sheets.</param>
    /// <exception cref="ArgumentException">The regime names an indicator or codelist the catalogue lacks.</exception>
    public static void Write(
        Stream stream,
        Regime regime,
        Period period,
        Organization reporter,
        CatalogueSnapshot catalogue,
        IReadOnlyList<ReportValue>? existing = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(regime);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(catalogue);
        var form = new ReportForm(regime, catalogue);
        var prefill = new Dictionary<(string, string), ReportValue>();
        foreach (var v in existing ?? [])
        {
            if (v.TerritoryCode is null || string.Equals(v.TerritoryCode, reporter.TerritoryCode, StringComparison.Ordinal))
            {
                prefill[(v.IndicatorCode, v.Disaggregation)] = v;
            }
        }

        // System.IO.Packaging needs a seekable stream; build in memory (a form is small) and copy out.
        using var buffer = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = doc.AddWorkbookPart();
            workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var sheets = new Sheets();
            uint sheetId = 1;

            void AddSheet(string name, Worksheet worksheet, SheetStateValues? state = null)
            {
                var part = workbookPart.AddNewPart<WorksheetPart>();
                part.Worksheet = worksheet;
                var sheet = new Sheet { Name = name, SheetId = sheetId++, Id = workbookPart.GetIdOfPart(part) };
                if (state is { } s)
                {
                    sheet.State = s;
                }

                sheets.Append(sheet);
            }

            AddSheet(ExcelForm.InstructionsSheetName, Instructions(regime, period, reporter));
            var map = new List<string[]>();
            var placed = new Dictionary<(string, string), string>();
            var sheetRows = new List<string[]>();
            for (var i = 0; i < regime.Sections.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var section = regime.Sections[i];
                var name = ExcelForm.SectionSheetName(i + 1);
                sheetRows.Add(["sheet", name, section.Code]);
                AddSheet(name, SectionSheet(name, section, form, regime, period, reporter, catalogue, prefill, placed, map));
            }

            var mapRows = new List<string[]>
            {
                new[] { "format", ExcelForm.FormatVersion },
                new[] { "regime", regime.Code, regime.Version.ToString(CultureInfo.InvariantCulture) },
                new[] { "period", period.ToString() },
                new[] { "reporter", reporter.Code },
            };
            mapRows.AddRange(sheetRows);
            mapRows.AddRange(map);
            AddSheet(ExcelForm.MapSheetName, MapSheet(mapRows), SheetStateValues.VeryHidden);

            workbookPart.Workbook = new Workbook(
                // No password: lockStructure only stops sheets being renamed, moved, deleted or unhidden by mistake.
                new WorkbookProtection { LockStructure = true },
                new BookViews(new WorkbookView { ActiveTab = 0 }),
                sheets,
                // The repeated totals are formulas without cached values; ask Excel to compute them on opening.
                new CalculationProperties { FullCalculationOnLoad = true });
        }

        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    private static Worksheet SectionSheet(
        string sheetName,
        FormSection section,
        ReportForm form,
        Regime regime,
        Period period,
        Organization reporter,
        CatalogueSnapshot catalogue,
        Dictionary<(string, string), ReportValue> prefill,
        Dictionary<(string, string), string> placed,
        List<string[]> map)
    {
        var rows = form.Rows.Where(r => ReferenceEquals(r.Section, section)).ToList();

        // Rows of one section may use different codelists (sex in one row, urban/rural in the next): the sheet has the
        // union of their columns, total first, and a row's cells in columns it does not have are greyed and locked.
        var columns = new List<(string Disaggregation, string GroupVi, string GroupEn, string Vi, string En)>
        {
            (Disaggregations.Total, ReportForm.TotalLabel, ReportForm.TotalLabelEn, ReportForm.TotalLabel, ReportForm.TotalLabelEn),
        };
        foreach (var row in rows)
        {
            foreach (var column in row.Columns.Skip(1))
            {
                if (!columns.Exists(c => c.Disaggregation == column.Disaggregation))
                {
                    var list = catalogue.Codelists[row.Row.DisaggregationCodelist!];
                    columns.Add((column.Disaggregation, list.Name, list.NameEn, column.Label, column.LabelEn));
                }
            }
        }

        var data = new SheetData();
        data.Append(TextRow(1, (1, regime.Name, StyleTitle)));
        data.Append(TextRow(2, (1, regime.NameEn, StyleSubtitle)));
        data.Append(TextRow(3, (1, PeriodLine(period), StyleInfo)));
        data.Append(TextRow(4, (1, ReporterLine(reporter), StyleInfo)));
        data.Append(TextRow(5, (1, "Căn cứ / Legal basis: " + regime.LegalBasis, StyleInfo)));
        data.Append(TextRow(6, (1, $"{sheetName} — {section.Code}. {section.Title} / {section.TitleEn}", StyleSubtitle)));

        var group = new Row { RowIndex = HeaderGroupRow };
        var header = new Row { RowIndex = HeaderRow };
        string[] fixedHeaders = ["Mã dòng / Row", "Chỉ tiêu / Indicator (vi)", "Indicator (en)", "Đơn vị / Unit"];
        for (var c = 0; c < fixedHeaders.Length; c++)
        {
            group.Append(Text(c + 1, HeaderGroupRow, "", StyleHeader));
            header.Append(Text(c + 1, HeaderRow, fixedHeaders[c], StyleHeader));
        }

        for (var c = 0; c < columns.Count; c++)
        {
            var col = FirstInputColumn + c;
            group.Append(Text(col, HeaderGroupRow, $"{columns[c].GroupVi} / {columns[c].GroupEn}", StyleHeader));
            header.Append(Text(col, HeaderRow, $"{columns[c].Vi} / {columns[c].En}", StyleHeader));
        }

        data.Append(group);
        data.Append(header);

        var validations = new DataValidations();
        var rowIndex = (uint)FirstDataRow;
        foreach (var row in rows)
        {
            var indicator = row.Indicator;
            var r = new Row { RowIndex = rowIndex };
            r.Append(Text(1, rowIndex, row.Code, StyleLabel));
            r.Append(Text(2, rowIndex, row.Row.Label, StyleLabel));
            r.Append(Text(3, rowIndex, row.Row.LabelEn, StyleLabel));
            r.Append(Text(4, rowIndex, UnitText(indicator), StyleLabel));
            var inputs = new List<string>();
            for (var c = 0; c < columns.Count; c++)
            {
                var col = FirstInputColumn + c;
                var reference = ExcelForm.CellReference(col, (int)rowIndex);
                var column = row.ColumnFor(columns[c].Disaggregation);
                if (column is null)
                {
                    r.Append(new Cell { CellReference = reference, StyleIndex = StyleDisabled });
                    continue;
                }

                var key = (indicator.Code, column.Disaggregation);
                if (placed.TryGetValue(key, out var first))
                {
                    // The same indicator total in a second row is the same value: show the first cell, never ask twice.
                    r.Append(new Cell { CellReference = reference, StyleIndex = StyleDisabled, CellFormula = new CellFormula(first) });
                    continue;
                }

                placed[key] = $"'{sheetName}'!{reference}";
                map.Add(["cell", sheetName, reference, indicator.Code, column.Disaggregation]);
                inputs.Add(reference);
                r.Append(InputCell(reference, indicator, prefill.GetValueOrDefault(key)));
            }

            if (inputs.Count > 0)
            {
                validations.Append(Validation(indicator, inputs));
            }

            data.Append(r);
            rowIndex++;
        }

        validations.Count = (uint)validations.ChildElements.Count;
        var lastColumn = FirstInputColumn + columns.Count - 1;
        var worksheet = new Worksheet(
            new SheetViews(new SheetView(
                new Pane
                {
                    // Keep the row labels and headers in view while scrolling a wide breakdown.
                    HorizontalSplit = FirstInputColumn - 1,
                    VerticalSplit = FirstDataRow - 1,
                    TopLeftCell = ExcelForm.CellReference(FirstInputColumn, FirstDataRow),
                    ActivePane = PaneValues.BottomRight,
                    State = PaneStateValues.Frozen,
                })
            { WorkbookViewId = 0 }),
            new Columns(
                new Column { Min = 1, Max = 1, Width = 9, CustomWidth = true },
                new Column { Min = 2, Max = 2, Width = 48, CustomWidth = true },
                new Column { Min = 3, Max = 3, Width = 40, CustomWidth = true },
                new Column { Min = 4, Max = 4, Width = 18, CustomWidth = true },
                new Column { Min = FirstInputColumn, Max = (uint)lastColumn, Width = 16, CustomWidth = true }),
            data,
            Protection());
        if (validations.Count > 0)
        {
            worksheet.Append(validations);
        }

        return worksheet;
    }

    private static Cell InputCell(string reference, Indicator indicator, ReportValue? value)
    {
        var text = indicator.ValueType is IndicatorValueType.Text or IndicatorValueType.Boolean;
        var cell = new Cell { CellReference = reference, StyleIndex = text ? StyleInputText : StyleInputNumber };
        if (value?.Number is { } n)
        {
            // A numeric cell holding the invariant text, never a string: Excel shows it in the user's own format.
            cell.CellValue = new CellValue(n.ToString(CultureInfo.InvariantCulture));
        }
        else if (value?.Flag is { } f)
        {
            cell.DataType = CellValues.InlineString;
            cell.InlineString = new InlineString(new Text(f ? "Có" : "Không"));
        }
        else if (value?.Text is { } t)
        {
            cell.DataType = CellValues.InlineString;
            cell.InlineString = new InlineString(new Text(t) { Space = SpaceProcessingModeValues.Preserve });
        }

        return cell;
    }

    private static DataValidation Validation(Indicator indicator, List<string> cells)
    {
        var validation = new DataValidation
        {
            AllowBlank = true,
            ShowErrorMessage = true,
            ShowInputMessage = true,
            ErrorTitle = "Không hợp lệ / Invalid",
            SequenceOfReferences = new ListValue<StringValue> { InnerText = string.Join(' ', cells) },
        };
        string vi;
        string en;
        switch (indicator.ValueType)
        {
            case IndicatorValueType.Boolean:
                validation.Type = DataValidationValues.List;
                validation.Formula1 = new Formula1("\"Có,Không\"");
                vi = "Chọn Có hoặc Không.";
                en = "Choose Có (yes) or Không (no).";
                break;
            case IndicatorValueType.Text:
                validation.Type = DataValidationValues.TextLength;
                validation.Operator = DataValidationOperatorValues.LessThanOrEqual;
                validation.Formula1 = new Formula1("4000");
                vi = "Tối đa 4000 ký tự.";
                en = "At most 4000 characters.";
                break;
            default:
                var min = indicator.MinValue;
                var max = indicator.MaxValue;
                if (indicator.ValueType == IndicatorValueType.Percent && min is null && max is null)
                {
                    min = 0;
                    max = 100;
                }

                var whole = indicator.ValueType == IndicatorValueType.Integer;
                validation.Type = whole ? DataValidationValues.Whole : DataValidationValues.Decimal;
                validation.Operator = DataValidationOperatorValues.Between;
                validation.Formula1 = new Formula1(min?.ToString(CultureInfo.InvariantCulture) ?? "-" + Unbounded);
                validation.Formula2 = new Formula2(max?.ToString(CultureInfo.InvariantCulture) ?? Unbounded);
                var range = (min, max) switch
                {
                    ({ } a, { } b) => (string.Create(CultureInfo.InvariantCulture, $" từ {a} đến {b}"), string.Create(CultureInfo.InvariantCulture, $" from {a} to {b}")),
                    ({ } a, null) => (string.Create(CultureInfo.InvariantCulture, $" không nhỏ hơn {a}"), string.Create(CultureInfo.InvariantCulture, $" of at least {a}")),
                    (null, { } b) => (string.Create(CultureInfo.InvariantCulture, $" không lớn hơn {b}"), string.Create(CultureInfo.InvariantCulture, $" of at most {b}")),
                    _ => ("", ""),
                };
                vi = (whole ? "Nhập số nguyên" : "Nhập số") + range.Item1 + ".";
                en = (whole ? "Enter a whole number" : "Enter a number") + range.Item2 + ".";
                break;
        }

        // Excel refuses files whose validation texts exceed 255 characters (32 for titles); these stay well below.
        validation.Error = $"{vi} / {en}";
        validation.PromptTitle = indicator.Code.Length <= 32 ? indicator.Code : indicator.Code[..32];
        validation.Prompt = Truncate($"{indicator.Name} ({indicator.Unit}). {vi}", 255);
        return validation;
    }

    private static Worksheet Instructions(Regime regime, Period period, Organization reporter)
    {
        string[] lines =
        [
            "HƯỚNG DẪN ĐIỀN BIỂU MẪU / HOW TO FILL IN THIS FORM",
            regime.Name + " / " + regime.NameEn,
            PeriodLine(period),
            ReporterLine(reporter),
            "",
            "1. Mỗi biểu (Biểu 01, Biểu 02 …) là một phần của báo cáo. Chỉ nhập vào các ô màu vàng nhạt.",
            "   Each sheet (Biểu 01, Biểu 02 …) is one section of the report. Type only into the light yellow cells.",
            "2. Nhập số dưới dạng số (ví dụ 1234,5 theo cách máy tính của bạn hiển thị); nếu nhập dạng văn bản thì dùng dấu chấm \".\" làm dấu thập phân và không dùng dấu phân cách hàng nghìn.",
            "   Enter numbers as numbers (e.g. 1234.5 as your computer shows them); if a number must be typed as text, use \".\" as the decimal separator and no thousands separators.",
            "3. Để trống ô khi không có số liệu. Không nhập 0 thay cho ô không có số liệu.",
            "   Leave a cell blank when there is no data. Do not type 0 for missing data.",
            "4. Không sửa nhãn, không đổi tên, thêm, xóa hay sắp xếp lại các biểu; không chèn hoặc xóa dòng, cột. Ô màu xám không nhập.",
            "   Do not change labels; do not rename, add, delete or reorder sheets; do not insert or delete rows or columns. Grey cells take no input.",
            "5. Có thể dùng công thức; hệ thống đọc giá trị đã tính. Hãy lưu tệp bằng Excel hoặc LibreOffice trước khi tải lên.",
            "   Formulas are allowed: the system reads their computed values. Save the file in Excel or LibreOffice before uploading.",
            "6. Lưu tệp dạng .xlsx (không dùng .xlsm hay .xls) và tải lên tại mục \"Nộp báo cáo\" của hệ thống. Hệ thống tạo bản nháp hoặc liệt kê các ô lỗi, ví dụ \"Biểu 01!E14\".",
            "   Save as .xlsx (not .xlsm or .xls) and upload it under \"Submit report\". The system creates a draft, or lists the cells to fix, e.g. \"Biểu 01!E14\".",
            "7. Biểu mẫu chỉ dùng cho đơn vị, kỳ và chế độ báo cáo ghi ở trên.",
            "   The form is only for the reporter, period and regime named above.",
        ];
        var data = new SheetData();
        for (var i = 0; i < lines.Length; i++)
        {
            data.Append(TextRow((uint)(i + 1), (1, lines[i], i == 0 ? StyleTitle : StyleWrap)));
        }

        return new Worksheet(
            new Columns(new Column { Min = 1, Max = 1, Width = 140, CustomWidth = true }),
            data,
            Protection());
    }

    private static Worksheet MapSheet(List<string[]> rows)
    {
        var data = new SheetData();
        for (var i = 0; i < rows.Count; i++)
        {
            var index = (uint)(i + 1);
            var row = new Row { RowIndex = index };
            for (var c = 0; c < rows[i].Length; c++)
            {
                row.Append(Text(c + 1, index, rows[i][c], 0));
            }

            data.Append(row);
        }

        return new Worksheet(data, Protection());
    }

    private static SheetProtection Protection() => new()
    {
        Sheet = true,
        Objects = true,
        Scenarios = true,
        // Let people widen columns and rows to read long labels; everything else stays protected.
        FormatColumns = false,
        FormatRows = false,
    };

    private static string PeriodLine(Period period) => string.Create(
        CultureInfo.InvariantCulture,
        $"Kỳ báo cáo / Period: {period} ({period.Start:dd/MM/yyyy} – {period.End:dd/MM/yyyy})");

    private static string ReporterLine(Organization reporter) =>
        $"Đơn vị báo cáo / Reporter: {reporter.Name} / {reporter.NameEn} ({reporter.Code})";

    private static string UnitText(Indicator indicator) =>
        indicator.Unit == indicator.UnitEn || indicator.UnitEn.Length == 0 ? indicator.Unit : $"{indicator.Unit} / {indicator.UnitEn}";

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static Row TextRow(uint index, params (int Column, string Text, uint Style)[] cells)
    {
        var row = new Row { RowIndex = index };
        foreach (var (column, text, style) in cells)
        {
            row.Append(Text(column, index, text, style));
        }

        return row;
    }

    private static Cell Text(int column, uint row, string text, uint style) => new()
    {
        CellReference = ExcelForm.CellReference(column, (int)row),
        DataType = CellValues.InlineString,
        InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }),
        StyleIndex = style,
    };

    private static Stylesheet Styles()
    {
        static Border Thin() => new(
            new LeftBorder { Style = BorderStyleValues.Thin },
            new RightBorder { Style = BorderStyleValues.Thin },
            new TopBorder { Style = BorderStyleValues.Thin },
            new BottomBorder { Style = BorderStyleValues.Thin },
            new DiagonalBorder());

        static Fill Solid(string rgb) => new(new PatternFill(new ForegroundColor { Rgb = rgb }) { PatternType = PatternValues.Solid });

        static CellFormat Format(uint font, uint fill, uint border, bool locked = true, bool wrap = false) => new(
            new Alignment { WrapText = wrap, Vertical = VerticalAlignmentValues.Top },
            new Protection { Locked = locked })
        {
            FontId = font,
            FillId = fill,
            BorderId = border,
            FormatId = 0,
            NumberFormatId = 0,
            ApplyFont = true,
            ApplyFill = true,
            ApplyBorder = true,
            ApplyAlignment = true,
            ApplyProtection = true,
        };

        return new Stylesheet(
            new Fonts(
                new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
                new Font(new Bold(), new FontSize { Val = 14 }, new FontName { Val = "Calibri" }),
                new Font(new Italic(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }))
            { Count = 4 },
            new Fills(
                new Fill(new PatternFill { PatternType = PatternValues.None }),
                new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
                Solid("FFFFF2CC"), // input: light yellow
                Solid("FFD9D9D9"), // not asked: grey
                Solid("FFDDEBF7")) // header: light blue
            { Count = 5 },
            new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder()), Thin()) { Count = 2 },
            new CellStyleFormats(new CellFormat { FontId = 0, FillId = 0, BorderId = 0, NumberFormatId = 0 }) { Count = 1 },
            new CellFormats(
                new CellFormat { FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, NumberFormatId = 0 },
                Format(2, 0, 0),                     // title
                Format(3, 0, 0),                     // subtitle
                Format(0, 0, 0),                     // info
                Format(1, 4, 1, wrap: true),         // header
                Format(0, 0, 1, wrap: true),         // label
                Format(0, 2, 1, locked: false),      // input number
                Format(0, 2, 1, locked: false, wrap: true), // input text
                Format(0, 3, 1),                     // disabled
                Format(0, 0, 0, wrap: true))         // wrapped text
            { Count = 10 },
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
    }
}
