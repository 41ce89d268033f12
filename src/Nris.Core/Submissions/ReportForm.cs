using System.Collections.Frozen;
using Nris.Core.Catalogue;

namespace Nris.Core.Submissions;

/// <summary>One column of a form row: the total, or one code of the row's codelist.</summary>
/// <param name="Code">The column code as rules write it: "_T" or a codelist code such as "F".</param>
/// <param name="Disaggregation">The disaggregation key of values in this column: "_T" or e.g. "SEX:F".</param>
/// <param name="Label">Vietnamese column label, e.g. "Tổng số" or "Nữ".</param>
/// <param name="LabelEn">English column label, e.g. "Total" or "Female".</param>
public sealed record ReportFormColumn(string Code, string Disaggregation, string Label, string LabelEn);

/// <summary>One row of a form with its indicator and columns.</summary>
/// <param name="Row">The catalogue row.</param>
/// <param name="Section">The section the row is in.</param>
/// <param name="Indicator">The indicator reported in the row.</param>
/// <param name="Columns">The total column first, then one column per code of the row's codelist.</param>
public sealed record ReportFormRow(FormRow Row, FormSection Section, Indicator Indicator, IReadOnlyList<ReportFormColumn> Columns)
{
    /// <summary>The row code, e.g. "A01".</summary>
    public string Code => Row.Code;

    /// <summary>The total column.</summary>
    public ReportFormColumn Total => Columns[0];

    /// <summary>The column with code <paramref name="code"/> ("_T" or a codelist code), or null.</summary>
    public ReportFormColumn? Column(string code)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Code, code, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return null;
    }

    /// <summary>The column holding values with disaggregation key <paramref name="disaggregation"/>, or null.</summary>
    public ReportFormColumn? ColumnFor(string disaggregation)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Disaggregation, disaggregation, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return null;
    }
}

/// <summary>
/// A regime's form as a grid: which indicator each row reports, which columns each row has, their labels in
/// Vietnamese and English, and where a submitted value belongs. Immutable and thread-safe; build it once per regime.
/// </summary>
/// <remarks>
/// A value is keyed by indicator × disaggregation, not by row, so when one indicator appears in several rows (the
/// number of schools by level in one row and by ownership in another) their total columns are the same cell. A
/// total value is placed in the first such row, in form order; a broken-down value in the row whose codelist it
/// names.
/// </remarks>
public sealed class ReportForm
{
    /// <summary>The label of the total column in Vietnamese.</summary>
    public const string TotalLabel = "Tổng số";

    /// <summary>The label of the total column in English.</summary>
    public const string TotalLabelEn = "Total";

    private readonly FrozenDictionary<string, ReportFormRow> _byCode;
    private readonly FrozenDictionary<string, ReportFormRow[]> _byIndicator;

    /// <summary>Builds the grid of <paramref name="regime"/> with indicators and codelists from <paramref name="catalogue"/>.</summary>
    /// <exception cref="ArgumentException">A row names an indicator or codelist the catalogue lacks, or two rows share a code.</exception>
    public ReportForm(Regime regime, CatalogueSnapshot catalogue)
        : this(regime, catalogue?.Indicators ?? throw new ArgumentNullException(nameof(catalogue)), catalogue.Codelists)
    {
    }

    /// <summary>Builds the grid of <paramref name="regime"/> from indicator and codelist dictionaries.</summary>
    /// <exception cref="ArgumentException">A row names an indicator or codelist that is missing, or two rows share a code.</exception>
    public ReportForm(Regime regime, IReadOnlyDictionary<string, Indicator> indicators, IReadOnlyDictionary<string, Codelist> codelists)
    {
        ArgumentNullException.ThrowIfNull(regime);
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(codelists);
        Regime = regime;
        var rows = new List<ReportFormRow>();
        var byCode = new Dictionary<string, ReportFormRow>(StringComparer.Ordinal);
        foreach (var section in regime.Sections)
        {
            foreach (var row in section.Rows)
            {
                if (!indicators.TryGetValue(row.IndicatorCode, out var indicator))
                {
                    throw new ArgumentException($"Regime {regime.Code} v{regime.Version}, row {row.Code}: unknown indicator {row.IndicatorCode}.", nameof(regime));
                }

                var columns = new List<ReportFormColumn> { new(Disaggregations.Total, Disaggregations.Total, TotalLabel, TotalLabelEn) };
                if (row.DisaggregationCodelist is { } listCode)
                {
                    if (!codelists.TryGetValue(listCode, out var list))
                    {
                        throw new ArgumentException($"Regime {regime.Code} v{regime.Version}, row {row.Code}: unknown codelist {listCode}.", nameof(regime));
                    }

                    foreach (var item in list.Codes)
                    {
                        columns.Add(new ReportFormColumn(item.Code, Disaggregations.Of(list.Code, item.Code), item.Name, item.NameEn));
                    }
                }

                var formRow = new ReportFormRow(row, section, indicator, columns.AsReadOnly());
                if (!byCode.TryAdd(row.Code, formRow))
                {
                    throw new ArgumentException($"Regime {regime.Code} v{regime.Version}: row code {row.Code} is used twice.", nameof(regime));
                }

                rows.Add(formRow);
            }
        }

        Rows = rows.AsReadOnly();
        _byCode = byCode.ToFrozenDictionary(StringComparer.Ordinal);
        _byIndicator = rows
            .GroupBy(r => r.Indicator.Code, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The regime version this form belongs to.</summary>
    public Regime Regime { get; }

    /// <summary>The rows in form order.</summary>
    public IReadOnlyList<ReportFormRow> Rows { get; }

    /// <summary>The row with code <paramref name="rowCode"/> (case-sensitive), or null.</summary>
    public ReportFormRow? Row(string rowCode) => rowCode is not null && _byCode.TryGetValue(rowCode, out var row) ? row : null;

    /// <summary>The rows reporting <paramref name="indicatorCode"/>, in form order; empty when none does.</summary>
    public IReadOnlyList<ReportFormRow> RowsFor(string indicatorCode) =>
        indicatorCode is not null && _byIndicator.TryGetValue(indicatorCode, out var rows) ? rows : [];

    /// <summary>Whether the form reports <paramref name="indicatorCode"/>.</summary>
    public bool HasIndicator(string indicatorCode) => RowsFor(indicatorCode).Count > 0;

    /// <summary>
    /// Finds the row and column of a value from its indicator and disaggregation key. False when the indicator is
    /// not on the form or no row of it has that column.
    /// </summary>
    public bool TryLocate(string indicatorCode, string disaggregation, out ReportFormRow? row, out ReportFormColumn? column)
    {
        foreach (var candidate in RowsFor(indicatorCode))
        {
            if (candidate.ColumnFor(disaggregation) is { } found)
            {
                row = candidate;
                column = found;
                return true;
            }
        }

        row = null;
        column = null;
        return false;
    }

    /// <summary>Finds the row and column of <paramref name="value"/>; see <see cref="TryLocate(string, string, out ReportFormRow?, out ReportFormColumn?)"/>.</summary>
    public bool TryLocate(ReportValue value, out ReportFormRow? row, out ReportFormColumn? column)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryLocate(value.IndicatorCode, value.Disaggregation, out row, out column);
    }

    /// <summary>
    /// The Vietnamese and English labels of a cell, e.g. ("Số bác sĩ — Nữ", "Doctors — Female"); the row label alone
    /// for the total of a row without breakdown. Null when the row or column does not exist.
    /// </summary>
    public (string Vi, string En)? Label(string rowCode, string columnCode)
    {
        if (Row(rowCode) is not { } row || row.Column(columnCode) is not { } column)
        {
            return null;
        }

        return row.Columns.Count == 1
            ? (row.Row.Label, row.Row.LabelEn)
            : ($"{row.Row.Label} — {column.Label}", $"{row.Row.LabelEn} — {column.LabelEn}");
    }

    /// <summary>The indicator and disaggregation key of a cell, or null when the row or column does not exist.</summary>
    public (string IndicatorCode, string Disaggregation)? Cell(string rowCode, string columnCode) =>
        Row(rowCode) is { } row && row.Column(columnCode) is { } column
            ? (row.Indicator.Code, column.Disaggregation)
            : null;
}
