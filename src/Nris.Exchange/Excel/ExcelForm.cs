using System.Globalization;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Exchange.Excel;

/// <summary>What an uploaded Excel form holds: whose report it is, for which regime version and period, and the values typed in.</summary>
/// <param name="RegimeCode">The regime code from the hidden map, e.g. "KTXH-TINH-THANG".</param>
/// <param name="RegimeVersion">The regime version the form was generated for.</param>
/// <param name="Period">The period the form was generated for.</param>
/// <param name="ReporterCode">The reporting organization the form was generated for.</param>
/// <param name="Values">The filled cells as values of the reporter's own territory (territory null); blank cells are absent.</param>
public sealed record ExcelFormContent(
    string RegimeCode,
    int RegimeVersion,
    Period Period,
    string ReporterCode,
    IReadOnlyList<ReportValue> Values);

/// <summary>Names and markers shared by <see cref="ExcelFormWriter"/> and <see cref="ExcelFormReader"/>.</summary>
public static class ExcelForm
{
    /// <summary>
    /// The first cell of the hidden map. It changes whenever the map layout changes, so an old form is refused with a
    /// clear message instead of being read with the wrong layout.
    /// </summary>
    public const string FormatVersion = "nris-excel-form/1";

    /// <summary>The very hidden sheet holding the machine map.</summary>
    public const string MapSheetName = "_nris";

    /// <summary>The instructions sheet.</summary>
    public const string InstructionsSheetName = "Hướng dẫn - Instructions";

    /// <summary>The sheet name of the <paramref name="index"/>-th section (1-based): "Biểu 01", "Biểu 02" …</summary>
    public static string SectionSheetName(int index) => string.Create(CultureInfo.InvariantCulture, $"Biểu {index:00}");

    /// <summary>The column letters of a 1-based column number: 1 → A, 27 → AA.</summary>
    public static string ColumnName(int column)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(column, 1);
        var name = "";
        while (column > 0)
        {
            var rem = (column - 1) % 26;
            name = (char)('A' + rem) + name;
            column = (column - 1) / 26;
        }

        return name;
    }

    /// <summary>"D14" from column 4 and row 14.</summary>
    public static string CellReference(int column, int row) => ColumnName(column) + row.ToString(CultureInfo.InvariantCulture);

    /// <summary>Splits "D14" into column 4 and row 14; false for anything else (lower case, "$", ranges, out of Excel's grid).</summary>
    public static bool TryParseCellReference(string? reference, out int column, out int row)
    {
        column = 0;
        row = 0;
        if (string.IsNullOrEmpty(reference) || reference.Length > 10)
        {
            return false;
        }

        var i = 0;
        while (i < reference.Length && reference[i] is >= 'A' and <= 'Z')
        {
            column = (column * 26) + (reference[i] - 'A' + 1);
            i++;
        }

        if (i == 0 || i > 3 || i == reference.Length || reference[i] == '0')
        {
            return false;
        }

        for (; i < reference.Length; i++)
        {
            if (reference[i] is < '0' or > '9')
            {
                return false;
            }

            row = (row * 10) + (reference[i] - '0');
        }

        // Excel's grid: 16,384 columns (XFD) and 1,048,576 rows.
        return column <= 16_384 && row is >= 1 and <= 1_048_576;
    }

    /// <summary>"Biểu 01!D14": how errors and the map name a cell, the way Excel itself writes references.</summary>
    public static string Location(string sheet, string cell) => sheet + "!" + cell;
}
