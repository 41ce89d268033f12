using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Nris.Core.Catalogue;
using Nris.Core.Catalogue.ReferenceData;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Excel;
using Nris.Exchange.Model;

namespace Nris.Exchange.Tests;

/// <summary>The real reference data and demo catalogue, shipped next to the test binaries, read once.</summary>
internal static class RealCatalogue
{
    private static readonly Lazy<CatalogueSnapshot> Lazy = new(() =>
    {
        var reference = ReferenceCatalogue.Read(p => File.OpenRead(Path.Combine([AppContext.BaseDirectory, "reference", .. p.Split('/')])));
        var demo = CatalogueFiles.ReadAll(name => File.OpenRead(Path.Combine(AppContext.BaseDirectory, "catalogue", "demo", name)));
        return new CatalogueSnapshot(reference with
        {
            Categories = demo.Categories,
            Codelists = demo.Codelists,
            Indicators = demo.Indicators,
            Regimes = demo.Regimes,
        });
    });

    public static CatalogueSnapshot Snapshot => Lazy.Value;

    public static Regime Regime(string code, int version) => Snapshot.RegimeVersions(code).Single(r => r.Version == version);

    public static Organization Organization(string code, DateOnly asOf) => Snapshot.Organizations.Find(code, asOf)
        ?? throw new InvalidOperationException(code);
}

public sealed class ExcelFormTests
{
    private static readonly Period May2026 = Period.Month(2026, 5);
    private static readonly Period Q2 = Period.Quarter(2026, 2);

    private static CatalogueSnapshot Catalogue => RealCatalogue.Snapshot;

    private static Regime Ktxh => RealCatalogue.Regime("KTXH-TINH-THANG", 2);

    private static Regime Ldvl => RealCatalogue.Regime("LDVL-QUY", 1);

    private static Organization HaNoi => RealCatalogue.Organization("UBND.01", May2026.Start);

    private static Organization Gso => RealCatalogue.Organization("CTK", Q2.Start);

    internal static byte[] KtxhForm(IReadOnlyList<ReportValue>? existing = null) =>
        Samples.Write(s => ExcelFormWriter.Write(s, Ktxh, May2026, HaNoi, Catalogue, existing, TestContext.Current.CancellationToken));

    private static byte[] LdvlForm() =>
        Samples.Write(s => ExcelFormWriter.Write(s, Ldvl, Q2, Gso, Catalogue, null, TestContext.Current.CancellationToken));

    private static ExcelFormContent Read(byte[] xlsx, Regime? expected = null, ExchangeLimits? limits = null) =>
        ExcelFormReader.Read(new MemoryStream(xlsx), expected, Catalogue, limits, TestContext.Current.CancellationToken);

    /// <summary>Edits a generated form the way Excel would save a person's typing, and returns the new bytes.</summary>
    internal static byte[] Edit(byte[] xlsx, Action<SpreadsheetDocument> edit)
    {
        var ms = new MemoryStream();
        ms.Write(xlsx);
        using (var doc = SpreadsheetDocument.Open(ms, true))
        {
            edit(doc);
        }

        return ms.ToArray();
    }

    private static WorksheetPart SheetPart(SpreadsheetDocument doc, string name)
    {
        var sheet = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return (WorksheetPart)doc.WorkbookPart.GetPartById(sheet.Id!);
    }

    private static Cell GetCell(SpreadsheetDocument doc, string sheet, string reference) =>
        SheetPart(doc, sheet).Worksheet.Descendants<Cell>().Single(c => c.CellReference == reference);

    private static string CellText(Cell c) => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "";

    /// <summary>A person types a number: Excel stores a numeric cell with the invariant text.</summary>
    private static void TypeNumber(SpreadsheetDocument doc, string sheet, string reference, string invariant)
    {
        var cell = GetCell(doc, sheet, reference);
        cell.DataType = null;
        cell.InlineString = null;
        cell.CellValue = new CellValue(invariant);
    }

    private static void TypeText(SpreadsheetDocument doc, string sheet, string reference, string text)
    {
        var cell = GetCell(doc, sheet, reference);
        cell.CellValue = null;
        cell.DataType = CellValues.InlineString;
        cell.InlineString = new InlineString(new Text(text));
    }

    [Fact]
    public void Form_has_a_sheet_per_section_instructions_and_a_very_hidden_map()
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(KtxhForm()), false);
        var sheets = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().ToList();
        // Biểu 05: the year-to-date section (E) of KTXH-TINH-THANG version 2.
        Assert.Equal(["Hướng dẫn - Instructions", "Biểu 01", "Biểu 02", "Biểu 03", "Biểu 04", "Biểu 05", "_nris"], sheets.Select(s => s.Name!.Value!));
        Assert.Equal(SheetStateValues.VeryHidden, sheets[^1].State!.Value);
        Assert.All(sheets.Take(6), s => Assert.Null(s.State));
        Assert.True(doc.WorkbookPart.Workbook.WorkbookProtection!.LockStructure!.Value);

        var first = SheetPart(doc, "Biểu 01").Worksheet;
        Assert.True(first.GetFirstChild<SheetProtection>()!.Sheet!.Value);
        Assert.Equal(Ktxh.Name, CellText(GetCell(doc, "Biểu 01", "A1")));
        Assert.Equal(Ktxh.NameEn, CellText(GetCell(doc, "Biểu 01", "A2")));
        Assert.Contains("2026-M05", CellText(GetCell(doc, "Biểu 01", "A3")), StringComparison.Ordinal);
        Assert.Contains("01/05/2026", CellText(GetCell(doc, "Biểu 01", "A3")), StringComparison.Ordinal);
        Assert.Contains(HaNoi.Name, CellText(GetCell(doc, "Biểu 01", "A4")), StringComparison.Ordinal);
        Assert.Contains("Nghị định 09/2019", CellText(GetCell(doc, "Biểu 01", "A5")), StringComparison.Ordinal);
        Assert.Equal(
            ["Mã dòng / Row", "Chỉ tiêu / Indicator (vi)", "Indicator (en)", "Đơn vị / Unit", "Tổng số / Total"],
            new[] { "A9", "B9", "C9", "D9", "E9" }.Select(r => CellText(GetCell(doc, "Biểu 01", r))));
        // EXPORT (row A05) is broken down by economic sector: three more columns after the total.
        var sectors = Catalogue.Codelists["ECON_SECTOR"];
        Assert.Equal(sectors.Codes.Select(c => $"{c.Name} / {c.NameEn}"), new[] { "F9", "G9", "H9" }.Select(r => CellText(GetCell(doc, "Biểu 01", r))));
        Assert.Equal($"{sectors.Name} / {sectors.NameEn}", CellText(GetCell(doc, "Biểu 01", "F8")));

        var a01 = Ktxh.Sections[0].Rows[0];
        Assert.Equal("A01", CellText(GetCell(doc, "Biểu 01", "A10")));
        Assert.Equal(a01.Label, CellText(GetCell(doc, "Biểu 01", "B10")));
        Assert.Equal(a01.LabelEn, CellText(GetCell(doc, "Biểu 01", "C10")));

        // Labels locked, inputs unlocked, cells a row does not have greyed and locked.
        var formats = doc.WorkbookPart.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<CellFormat>().ToList();
        bool Locked(string reference) => formats[(int)GetCell(doc, "Biểu 01", reference).StyleIndex!.Value].Protection?.Locked?.Value ?? true;
        Assert.True(Locked("B10"));
        Assert.False(Locked("E10"));
        Assert.True(Locked("F10"));
        Assert.False(Locked("F14"));
        var grey = formats[(int)GetCell(doc, "Biểu 01", "F10").StyleIndex!.Value];
        var input = formats[(int)GetCell(doc, "Biểu 01", "E10").StyleIndex!.Value];
        Assert.NotEqual(grey.FillId!.Value, input.FillId!.Value);

        // Validations: decimal ≥ 0 for IIP, whole numbers for ENT_NEW (A06 on row 15), bilingual messages.
        var validations = first.GetFirstChild<DataValidations>()!.Elements<DataValidation>().ToList();
        var iip = validations.Single(v => v.SequenceOfReferences!.InnerText == "E10");
        Assert.Equal(DataValidationValues.Decimal, iip.Type!.Value);
        Assert.Equal("0", iip.Formula1!.Text);
        Assert.Contains("Nhập số", iip.Error!.Value, StringComparison.Ordinal);
        Assert.Contains("Enter a number", iip.Error!.Value, StringComparison.Ordinal);
        Assert.Equal(DataValidationValues.Whole, validations.Single(v => v.SequenceOfReferences!.InnerText == "E15").Type!.Value);
        Assert.Equal("E14 F14 G14 H14", validations.Single(v => (v.SequenceOfReferences!.InnerText ?? "").StartsWith("E14", StringComparison.Ordinal)).SequenceOfReferences!.InnerText);
        Assert.All(validations, v => Assert.True(v.Error!.Value!.Length <= 255 && v.Prompt!.Value!.Length <= 255 && v.ErrorTitle!.Value!.Length <= 32));

        // The map.
        var map = SheetPart(doc, "_nris").Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(CellText).ToArray()).ToList();
        Assert.Equal(["format", ExcelForm.FormatVersion], map[0]);
        Assert.Equal(["regime", "KTXH-TINH-THANG", "2"], map[1]);
        Assert.Equal(["period", "2026-M05"], map[2]);
        Assert.Equal(["reporter", "UBND.01"], map[3]);
        Assert.Contains(["cell", "Biểu 01", "E14", "EXPORT", "_T"], map);
        Assert.Contains(["cell", "Biểu 01", "G14", "EXPORT", "ECON_SECTOR:NONSTATE"], map);
        Assert.Contains(["cell", "Biểu 04", "E10", "SUMMARY_NOTE", "_T"], map);
        Assert.Equal(29, map.Count(r => r[0] == "cell")); // 20, and the nine year-to-date rows of Biểu 05

        var instructions = SheetPart(doc, ExcelForm.InstructionsSheetName).Worksheet.Descendants<Cell>().Select(CellText).ToList();
        Assert.Contains(instructions, t => t.Contains("Leave a cell blank", StringComparison.Ordinal));
        Assert.Contains(instructions, t => t.Contains("\".\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Generated_forms_are_valid_OpenXml()
    {
        foreach (var form in new[] { KtxhForm([new("IIP", "_T", null, 1.5m, null, null)]), LdvlForm() })
        {
            using var doc = SpreadsheetDocument.Open(new MemoryStream(form), false);
            var problems = new DocumentFormat.OpenXml.Validation.OpenXmlValidator(FileFormatVersions.Office2010).Validate(doc, TestContext.Current.CancellationToken)
                .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
            Assert.Empty(problems);
        }
    }

    [Fact]
    public void Percent_without_own_range_gets_0_to_100_and_repeated_totals_are_not_asked_twice()
    {
        using var doc = SpreadsheetDocument.Open(new MemoryStream(LdvlForm()), false);
        // Section A: labour force by sex (A01), by urban/rural (A02), employed by activity (A03): union of columns.
        var headers = Enumerable.Range(5, 8).Select(c => CellText(GetCell(doc, "Biểu 01", ExcelForm.CellReference(c, 9)))).ToList();
        Assert.Equal("Tổng số / Total", headers[0]);
        Assert.Equal(8, headers.Count);
        // A02's total is A01's total (same indicator): a locked formula pointing at it, not a second input.
        var repeated = GetCell(doc, "Biểu 01", "E11");
        Assert.Equal("'Biểu 01'!E10", repeated.CellFormula!.Text);
        var map = SheetPart(doc, "_nris").Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(CellText).ToArray()).ToList();
        Assert.DoesNotContain(map, r => r is ["cell", "Biểu 01", "E11", ..]);
        Assert.Contains(["cell", "Biểu 01", "H11", "LABOUR_FORCE_15PLUS", "URBAN_RURAL:U"], map);

        var validations = SheetPart(doc, "Biểu 02").Worksheet.GetFirstChild<DataValidations>()!.Elements<DataValidation>().ToList();
        var rate = validations.Single(v => (v.SequenceOfReferences!.InnerText ?? "").StartsWith("E11", StringComparison.Ordinal));
        Assert.Equal(("0", "100"), (rate.Formula1!.Text, rate.Formula2!.Text));
    }

    [Fact]
    public void Typed_numbers_read_back_exactly_as_values_of_the_reporters_territory()
    {
        var filled = Edit(KtxhForm(), doc =>
        {
            TypeNumber(doc, "Biểu 01", "E10", "103.7");          // IIP
            TypeNumber(doc, "Biểu 01", "E14", "1234.56");        // EXPORT total
            TypeNumber(doc, "Biểu 01", "H14", "800.1");          // EXPORT, FDI sector
            TypeNumber(doc, "Biểu 01", "E15", "1250");           // ENT_NEW
            TypeNumber(doc, "Biểu 03", "E10", "3");              // TRAFFIC_ACCIDENTS
            TypeNumber(doc, "Biểu 02", "E10", "1.2345678901234E+4");
            TypeText(doc, "Biểu 04", "E10", "Tình hình ổn định.");
        });
        var content = Read(filled, Ktxh);
        Assert.Equal(("KTXH-TINH-THANG", 2, May2026, "UBND.01"), (content.RegimeCode, content.RegimeVersion, content.Period, content.ReporterCode));
        ReportValue[] expected =
        [
            new("IIP", "_T", null, 103.7m, null, null),
            new("EXPORT", "_T", null, 1234.56m, null, null),
            new("EXPORT", "ECON_SECTOR:FDI", null, 800.1m, null, null),
            new("ENT_NEW", "_T", null, 1250m, null, null),
            new("BUDGET_REVENUE", "_T", null, 12345.678901234m, null, null),
            new("TRAFFIC_ACCIDENTS", "_T", null, 3m, null, null),
            new("SUMMARY_NOTE", "_T", null, null, "Tình hình ổn định.", null),
        ];
        Assert.Equal(expected.OrderBy(v => v.IndicatorCode + v.Disaggregation, StringComparer.Ordinal),
            content.Values.OrderBy(v => v.IndicatorCode + v.Disaggregation, StringComparer.Ordinal));
        // Decimal scale survives: 1234.56, not 1234.5600000000001 through a double.
        Assert.Equal("1234.56", content.Values.Single(v => v.IndicatorCode == "EXPORT" && v.Disaggregation == "_T").Number!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Blank_form_reads_as_no_values()
    {
        var content = Read(KtxhForm());
        Assert.Empty(content.Values);
    }

    [Fact]
    public void Prefilled_values_round_trip()
    {
        ReportValue[] existing =
        [
            new("IIP", "_T", null, 101.25m, null, null),
            new("EXPORT", "ECON_SECTOR:STATE", "01", 12.5m, null, null),
            new("TRAFFIC_DEATHS", "_T", null, 0m, null, null),
            new("SUMMARY_NOTE", "_T", null, null, "Ghi chú, có dấu phẩy", null),
            new("IIP", "_T", "79", 999m, null, null), // another territory: not this reporter's form
        ];
        var content = Read(KtxhForm(existing), Ktxh);
        Assert.Equal(
            existing.Take(4).Select(v => v with { TerritoryCode = null }).OrderBy(v => v.IndicatorCode, StringComparer.Ordinal),
            content.Values.OrderBy(v => v.IndicatorCode, StringComparer.Ordinal));
    }

    [Fact]
    public void Disaggregated_LDVL_form_round_trips_typed_cells()
    {
        var filled = Edit(LdvlForm(), doc =>
        {
            TypeNumber(doc, "Biểu 01", "E10", "52000.5"); // labour force total
            TypeNumber(doc, "Biểu 01", "G10", "25000");   // by sex: second code
            TypeNumber(doc, "Biểu 02", "E10", "2.24");    // unemployment rate
        });
        var content = Read(filled, Ldvl);
        var sex = Catalogue.Codelists["SEX"].Codes;
        Assert.Equal(
            new[]
            {
                new ReportValue("LABOUR_FORCE_15PLUS", "_T", null, 52000.5m, null, null),
                new ReportValue("LABOUR_FORCE_15PLUS", Disaggregations.Of("SEX", sex[1].Code), null, 25000m, null, null),
                new ReportValue("UNEMPLOYMENT_RATE", "_T", null, 2.24m, null, null),
            },
            content.Values);
    }

    [Fact]
    public void Bad_cells_are_all_reported_with_sheet_and_cell()
    {
        var filled = Edit(KtxhForm(), doc =>
        {
            TypeText(doc, "Biểu 01", "E14", "abc");
            TypeText(doc, "Biểu 01", "E10", "1,5");        // ambiguous decimal separator
            TypeText(doc, "Biểu 01", "E11", "2500");       // plain integer typed as text: fine
            TypeNumber(doc, "Biểu 01", "E15", "12.5");     // ENT_NEW must be whole
            var f = GetCell(doc, "Biểu 03", "E10");        // formula never calculated
            f.CellFormula = new CellFormula("1+1");
            f.CellValue = null;
            var e = GetCell(doc, "Biểu 03", "E11");
            e.DataType = CellValues.Error;
            e.CellValue = new CellValue("#DIV/0!");
        });
        var ex = Assert.Throws<ExchangeFormatException>(() => Read(filled));
        Assert.Equal(
            ["Biểu 01!E10", "Biểu 01!E14", "Biểu 01!E15", "Biểu 03!E10", "Biểu 03!E11"],
            ex.Errors.Select(x => x.Location).Order(StringComparer.Ordinal));
        var abc = ex.Errors.Single(x => x.Location == "Biểu 01!E14");
        Assert.Equal("\"abc\" không phải là số.", abc.MessageVi);
        Assert.Equal("Biểu 01!E14 (EXPORT): \"abc\" is not a number.", abc.ToString());
        Assert.Contains("ambiguous", ex.Errors.Single(x => x.Location == "Biểu 01!E10").MessageEn, StringComparison.Ordinal);
        Assert.Contains("formula", ex.Errors.Single(x => x.Location == "Biểu 03!E10").MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Formula_cells_are_read_by_their_cached_value_and_shared_strings_work()
    {
        var filled = Edit(KtxhForm(), doc =>
        {
            var f = GetCell(doc, "Biểu 01", "F14");
            f.CellFormula = new CellFormula("0.1+0.2");
            f.CellValue = new CellValue("0.30000000000000004");
            var table = doc.WorkbookPart!.AddNewPart<SharedStringTablePart>();
            table.SharedStringTable = new SharedStringTable(new SharedStringItem(new Text("label")), new SharedStringItem(new Text(" 42 ")));
            var s = GetCell(doc, "Biểu 01", "E15");
            s.InlineString = null;
            s.DataType = CellValues.SharedString;
            s.CellValue = new CellValue("1");
        });
        var values = Read(filled).Values;
        Assert.Equal(0.3m, values.Single(v => v.Disaggregation == "ECON_SECTOR:STATE").Number);
        Assert.Equal(42m, values.Single(v => v.IndicatorCode == "ENT_NEW").Number);
    }

    [Fact]
    public void Regime_mismatch_tampered_or_missing_map_are_refused()
    {
        var form = KtxhForm();
        var wrong = Assert.Throws<ExchangeFormatException>(() => Read(form, RealCatalogue.Regime("KTXH-TINH-THANG", 1)));
        Assert.Contains("not KTXH-TINH-THANG version 1", wrong.Errors[0].MessageEn, StringComparison.Ordinal);

        var badVersion = Edit(form, doc => GetCell(doc, "_nris", "B1").InlineString = new InlineString(new Text("nris-excel-form/0")));
        Assert.Equal("_nris!A1", Assert.Throws<ExchangeFormatException>(() => Read(badVersion)).Errors[0].Location);

        var unknown = Edit(form, doc =>
        {
            var cell = SheetPart(doc, "_nris").Worksheet.Descendants<Cell>().First(c => CellText(c) == "IIP");
            cell.InlineString = new InlineString(new Text("NOPE"));
        });
        var e = Assert.Throws<ExchangeFormatException>(() => Read(unknown));
        Assert.Contains("NOPE", e.Errors[0].MessageEn, StringComparison.Ordinal);

        var noMap = Edit(form, doc =>
        {
            var sheet = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == "_nris");
            doc.WorkbookPart.DeletePart(sheet.Id!);
            sheet.Remove();
        });
        Assert.Contains("_nris", Assert.Throws<ExchangeFormatException>(() => Read(noMap)).Errors[0].MessageEn, StringComparison.Ordinal);

        var renamed = Edit(form, doc => doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == "Biểu 02").Name = "Sheet2");
        Assert.Equal("Biểu 02", Assert.Throws<ExchangeFormatException>(() => Read(renamed)).Errors[0].Location);
    }

    [Fact]
    public void Duplicated_cells_are_refused()
    {
        var filled = Edit(KtxhForm(), doc =>
        {
            var cell = GetCell(doc, "Biểu 01", "E10");
            cell.CellValue = new CellValue("1");
            cell.Parent!.AppendChild((Cell)cell.CloneNode(true));
        });
        Assert.Equal("Biểu 01!E10", Assert.Throws<ExchangeFormatException>(() => Read(filled)).Errors.Single().Location);
    }

    [Fact]
    public void Macro_enabled_workbooks_are_refused()
    {
        var macro = Edit(KtxhForm(), doc => doc.ChangeDocumentType(SpreadsheetDocumentType.MacroEnabledWorkbook));
        Assert.Contains("macros", Assert.Throws<ExchangeFormatException>(() => Read(macro)).Errors[0].MessageEn, StringComparison.Ordinal);
    }

    private static byte[] Bomb(long size)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
            {
                w.Write("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
            }

            using var s = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Optimal).Open();
            var block = new byte[1 << 20];
            Array.Fill(block, (byte)' ');
            for (long i = 0; i < size; i += block.Length)
            {
                s.Write(block);
            }
        }

        return ms.ToArray();
    }

    [Fact]
    public void Zip_bomb_is_refused_from_its_headers()
    {
        var bomb = Bomb(256L << 20); // 256 MiB of spaces, about 256 KiB compressed
        var ex = Assert.Throws<ExchangeFormatException>(() => Read(bomb));
        // Refused from the declared size of the part, named, before anything is inflated.
        Assert.Equal("xl/worksheets/sheet1.xml", ex.Errors[0].Location);
        Assert.Contains("too large", ex.Errors[0].MessageEn, StringComparison.Ordinal);

        var ratio = Assert.Throws<ExchangeFormatException>(() => Read(Bomb(4L << 20)));
        Assert.Contains("compression ratio", ratio.Errors[0].MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_bomb_with_lying_headers_is_refused()
    {
        var bomb = Bomb(64L << 20);
        // Rewrite the declared uncompressed size of the big entry (local and central headers) to 1000 bytes.
        var name = "xl/worksheets/sheet1.xml"u8.ToArray();
        for (var i = 0; i + 46 < bomb.Length; i++)
        {
            var local = bomb[i] == 0x50 && bomb[i + 1] == 0x4b && bomb[i + 2] == 0x03 && bomb[i + 3] == 0x04 && bomb.AsSpan(i + 30, name.Length).SequenceEqual(name);
            var central = bomb[i] == 0x50 && bomb[i + 1] == 0x4b && bomb[i + 2] == 0x01 && bomb[i + 3] == 0x02 && bomb.AsSpan(i + 46, Math.Min(name.Length, bomb.Length - i - 46)).SequenceEqual(name);
            if (local || central)
            {
                BitConverter.TryWriteBytes(bomb.AsSpan(i + (local ? 22 : 24), 4), 1000);
            }
        }

        // Inflating stops at the declared 1000 bytes (ours counts, .NET's entry stream also stops there), so the
        // 64 MiB never materialise; what is left is not a workbook.
        var ex = Assert.Throws<ExchangeFormatException>(() => Read(bomb));
        Assert.NotEmpty(ex.Errors);
        Assert.All(ex.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.MessageVi)));
    }

    [Fact]
    public void Limits_apply_to_parts_and_bytes()
    {
        var form = KtxhForm();
        Assert.Throws<ExchangeFormatException>(() => Read(form, limits: new ExchangeLimits(MaxXlsxParts: 3)));
        Assert.Throws<ExchangeFormatException>(() => Read(form, limits: new ExchangeLimits(MaxBytes: 1000)));
        Assert.Throws<ExchangeFormatException>(() => Read(form, limits: new ExchangeLimits(MaxXlsxUncompressedBytes: 10_000)));
        Assert.Throws<ExchangeFormatException>(() => Read([1, 2, 3]));
    }

    [Theory]
    [InlineData("A1", 1, 1)]
    [InlineData("D14", 4, 14)]
    [InlineData("AA100", 27, 100)]
    [InlineData("XFD1048576", 16384, 1048576)]
    public void Cell_references_parse_and_print(string reference, int column, int row)
    {
        Assert.True(ExcelForm.TryParseCellReference(reference, out var c, out var r));
        Assert.Equal((column, row), (c, r));
        Assert.Equal(reference, ExcelForm.CellReference(column, row));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a1")]
    [InlineData("A0")]
    [InlineData("$A$1")]
    [InlineData("XFE1")]
    [InlineData("A1048577")]
    [InlineData("A1:B2")]
    public void Bad_cell_references_are_refused(string reference) =>
        Assert.False(ExcelForm.TryParseCellReference(reference, out _, out _));

    [Theory]
    [InlineData("0.30000000000000004", "0.3")]
    [InlineData("1234.56", "1234.56")]
    [InlineData("12345.678901234", "12345.678901234")]
    [InlineData("0.000123456789012345678", "0.000123456789012346")]
    [InlineData("-7", "-7")]
    public void Computed_numbers_are_rounded_to_what_Excel_shows(string stored, string expected) =>
        Assert.Equal(expected, ExcelFormReader.ToExcelPrecision(decimal.Parse(stored, System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
