namespace Nris.Core.Submissions;

/// <summary>A cell whose value differs between two versions.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="Before">The value in the first version.</param>
/// <param name="After">The value in the second version.</param>
public sealed record ValueChange(CellKey Cell, ReportValue Before, ReportValue After);

/// <summary>
/// What changed in the values between two versions of a report: cells only in the second (added), only in the first
/// (removed), and in both with a different number, text, flag, status or note (changed). Each list is sorted by cell.
/// </summary>
/// <param name="Added">Cells only in the second version.</param>
/// <param name="Removed">Cells only in the first version.</param>
/// <param name="Changed">Cells in both whose content differs.</param>
public sealed record ValueDiff(IReadOnlyList<ReportValue> Added, IReadOnlyList<ReportValue> Removed, IReadOnlyList<ValueChange> Changed)
{
    /// <summary>Whether the two versions have the same values.</summary>
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;

    /// <summary>Compares the values of two versions. Territories must be explicit (as stored).</summary>
    /// <param name="before">The first version's values.</param>
    /// <param name="after">The second version's values.</param>
    /// <returns>The differences.</returns>
    /// <exception cref="ArgumentException">A value has no territory, or a cell appears twice in one version.</exception>
    public static ValueDiff Between(IEnumerable<ReportValue> before, IEnumerable<ReportValue> after)
    {
        var a = Index(before, nameof(before));
        var b = Index(after, nameof(after));
        var added = new List<ReportValue>();
        var removed = new List<ReportValue>();
        var changed = new List<ValueChange>();
        foreach (var (cell, value) in b)
        {
            if (!a.TryGetValue(cell, out var old))
            {
                added.Add(value);
            }
            else if (!SameContent(old, value))
            {
                changed.Add(new ValueChange(cell, old, value));
            }
        }
        foreach (var (cell, value) in a)
        {
            if (!b.ContainsKey(cell))
            {
                removed.Add(value);
            }
        }
        added.Sort(SubmissionPayload.CompareCells);
        removed.Sort(SubmissionPayload.CompareCells);
        changed.Sort((x, y) => SubmissionPayload.CompareCells(x.After, y.After));
        return new ValueDiff(added, removed, changed);
    }

    // Decimal equality ignores trailing zeros (1.50 = 1.5), as the canonical payload does.
    private static bool SameContent(ReportValue x, ReportValue y) =>
        x.Number == y.Number
        && string.Equals(x.Text, y.Text, StringComparison.Ordinal)
        && x.Flag == y.Flag
        && x.Status == y.Status
        && string.Equals(x.Note, y.Note, StringComparison.Ordinal);

    private static Dictionary<CellKey, ReportValue> Index(IEnumerable<ReportValue> values, string parameter)
    {
        ArgumentNullException.ThrowIfNull(values, parameter);
        var map = new Dictionary<CellKey, ReportValue>();
        foreach (var v in values)
        {
            var territory = v.TerritoryCode ?? throw new ArgumentException("Values compared must name their territory.", parameter);
            if (!map.TryAdd(new CellKey(v.IndicatorCode, v.Disaggregation, territory), v))
            {
                throw new ArgumentException($"The cell {v.IndicatorCode}/{v.Disaggregation}/{territory} appears twice.", parameter);
            }
        }
        return map;
    }
}
