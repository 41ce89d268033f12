using Nris.Core.DemoGeneration;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Oversight;

/// <summary>One planted manipulation in report terms, as written to the truth file of <c>nris demo generate --plant</c>.</summary>
/// <param name="Kind">What was planted.</param>
/// <param name="Regime">The regime of the reports.</param>
/// <param name="Reporter">The reporter whose figures were changed.</param>
/// <param name="Indicator">The indicator changed; null when a whole report or a reporter's year was.</param>
/// <param name="Period">The period changed; null when a whole year was.</param>
/// <param name="Year">The year under review.</param>
public sealed record PlantedReportAnomaly(PlantedKind Kind, string Regime, string Reporter, string? Indicator, string? Period, int Year);

/// <summary>
/// Wires <see cref="AnomalyPlanter"/> into the demo generator: the clean reports of one regime are laid out as a
/// <see cref="ReportGrid"/> (reporters × the numeric indicators of the reporter's own territory × every period),
/// planted in the last year of the grid, and <see cref="Transform"/> changes the generator's reports to the planted
/// figures. The generator is deterministic, so a second run with the transform yields the same reports with the
/// planted values.
/// </summary>
public static class DemoPlanting
{
    /// <summary>The reports of <paramref name="regime"/> as a grid; null when it has none or its periodicity has no "same period last year".</summary>
    public static ReportGrid? ToGrid(IEnumerable<DemoReport> reports, string regime)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var mine = reports.Where(r => r.RegimeCode == regime).ToList();
        if (mine.Count == 0)
        {
            return null;
        }

        var periodicity = mine[0].Period.Periodicity;
        var perYear = periodicity switch { Periodicity.Monthly => 12, Periodicity.Quarterly => 4, Periodicity.HalfYearly => 2, Periodicity.Yearly => 1, _ => 0 };
        if (perYear == 0)
        {
            return null;
        }

        var first = mine.Min(r => r.Period);
        var last = mine.Max(r => r.Period);
        var periods = new List<string>();
        for (var p = first; p <= last; p = p.Next())
        {
            periods.Add(p.ToString());
        }

        var cells = new List<string>();
        foreach (var v in mine.SelectMany(r => r.Values).Where(IsCell))
        {
            if (!cells.Contains(v.IndicatorCode))
            {
                cells.Add(v.IndicatorCode);
            }
        }

        var reporters = mine.Select(r => r.ReporterCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var grid = new ReportGrid(reporters, cells, periods, perYear);
        var reporterIndex = Index(reporters);
        var cellIndex = Index(cells);
        var periodIndex = Index(periods);
        foreach (var report in mine)
        {
            foreach (var v in report.Values.Where(IsCell))
            {
                grid[reporterIndex[report.ReporterCode], cellIndex[v.IndicatorCode], periodIndex[report.Period.ToString()]] = (double)v.Number!.Value;
            }
        }

        return grid;
    }

    /// <summary>The first period of the year under review: the last <see cref="ReportGrid.PeriodsPerYear"/> periods of the grid.</summary>
    public static int ReviewStart(ReportGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Math.Max(0, grid.Periods.Count - grid.PeriodsPerYear);
    }

    /// <summary>Plants each of <paramref name="kinds"/> into one copy of <paramref name="clean"/>, in the year under review.</summary>
    public static (ReportGrid Planted, IReadOnlyList<PlantedAnomaly> Key) Plant(ReportGrid clean, IReadOnlyList<PlantedKind> kinds, double rate, int seed)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(kinds);
        var grid = clean.Clone();
        var key = new List<PlantedAnomaly>();
        // Copied reports last, so a copy is an exact copy of the report before it, whatever else was planted there.
        foreach (var kind in kinds.Distinct().OrderBy(k => k == PlantedKind.Copied ? 1 : 0))
        {
            key.AddRange(AnomalyPlanter.Plant(grid, kind, rate, ReviewStart(clean), unchecked((seed * 31) + (int)kind)));
        }

        // A report the generator left out stays out (a copy into it would be a report nobody sent), and a plant that
        // changed no stored value (one on a missing value) is not in the key.
        for (var r = 0; r < clean.Reporters.Count; r++)
        {
            for (var c = 0; c < clean.Cells.Count; c++)
            {
                for (var p = 0; p < clean.Periods.Count; p++)
                {
                    if (double.IsNaN(clean[r, c, p]))
                    {
                        grid[r, c, p] = double.NaN;
                    }
                    else if (double.IsNaN(grid[r, c, p]))
                    {
                        // A plant that read a missing value (a smoothed year whose last-year month is missing) keeps the clean one.
                        grid[r, c, p] = clean[r, c, p];
                    }
                }
            }
        }

        bool Changed(PlantedAnomaly k)
        {
            var cells = k.Cell >= 0 ? [k.Cell] : Enumerable.Range(0, clean.Cells.Count);
            var periods = k.Period >= 0 ? [k.Period] : Enumerable.Range(ReviewStart(clean), clean.Periods.Count - ReviewStart(clean));
            return cells.Any(c => periods.Any(p => !clean[k.Reporter, c, p].Equals(grid[k.Reporter, c, p])));
        }

        // A report copied forward replaced whatever was planted in it before (an inflated value, round figures).
        var copied = key.Where(k => k.Kind == PlantedKind.Copied).Select(k => (k.Reporter, k.Period)).ToHashSet();
        return (grid, [.. key.Where(k => k.Kind == PlantedKind.Copied || k.Period < 0 || !copied.Contains((k.Reporter, k.Period))).Where(Changed)]);
    }

    /// <summary>
    /// A <see cref="DemoGenerator.Transform"/> that gives the reports of <paramref name="regime"/> the planted figures
    /// where they differ from the clean ones. A value the clean report did not have is not added.
    /// </summary>
    public static Func<DemoReport, DemoReport?> Transform(ReportGrid clean, ReportGrid planted, string regime)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(planted);
        var reporterIndex = Index(clean.Reporters);
        var cellIndex = Index(clean.Cells);
        var periodIndex = Index(clean.Periods);
        return report =>
        {
            if (report.RegimeCode != regime || !reporterIndex.TryGetValue(report.ReporterCode, out var r) ||
                !periodIndex.TryGetValue(report.Period.ToString(), out var p))
            {
                return report;
            }

            var values = report.Values.Select(v =>
            {
                if (!IsCell(v) || !cellIndex.TryGetValue(v.IndicatorCode, out var c))
                {
                    return v;
                }

                var now = planted[r, c, p];
                return double.IsNaN(now) || now.Equals(clean[r, c, p]) ? v : v with { Number = (decimal)now };
            }).ToList();
            return report with { Values = values };
        };
    }

    /// <summary>The key in report terms, for the truth file.</summary>
    public static IReadOnlyList<PlantedReportAnomaly> Describe(ReportGrid grid, string regime, IReadOnlyList<PlantedAnomaly> key)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(key);
        var reviewYear = Period.Parse(grid.Periods[ReviewStart(grid)]).Year;
        return [.. key.Select(k => new PlantedReportAnomaly(k.Kind, regime, grid.Reporters[k.Reporter], k.Cell >= 0 ? grid.Cells[k.Cell] : null,
            k.Period >= 0 ? grid.Periods[k.Period] : null,
            k.Period >= 0 ? Period.Parse(grid.Periods[k.Period]).Year : reviewYear))];
    }

    /// <summary>The names <c>--plant</c> takes, in order: inflated, smoothed, copied, round, fabricated.</summary>
    public static IReadOnlyList<(string Name, PlantedKind Kind)> KindNames { get; } =
    [
        ("inflated", PlantedKind.Inflated), ("smoothed", PlantedKind.Smoothed), ("copied", PlantedKind.Copied),
        ("round", PlantedKind.RoundFigures), ("fabricated", PlantedKind.Fabricated),
    ];

    /// <summary>Parses "all" or a comma-separated list of <see cref="KindNames"/> (any case).</summary>
    public static bool TryParseKinds(string? text, out IReadOnlyList<PlantedKind> kinds)
    {
        kinds = [];
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            kinds = [.. KindNames.Select(k => k.Kind)];
            return true;
        }

        var result = new List<PlantedKind>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = KindNames.Where(k => k.Name.Equals(part, StringComparison.OrdinalIgnoreCase)).Select(k => (PlantedKind?)k.Kind).FirstOrDefault();
            if (match is not { } kind)
            {
                return false;
            }

            if (!result.Contains(kind))
            {
                result.Add(kind);
            }
        }

        kinds = result;
        return result.Count > 0;
    }

    // The form's own figures: numbers for the reporter's own territory, totals.
    private static bool IsCell(ReportValue v) => v.Number is not null && v.TerritoryCode is null && v.Disaggregation == Disaggregations.Total;

    private static Dictionary<string, int> Index(IReadOnlyList<string> items) =>
        items.Select((x, i) => (x, i)).ToDictionary(x => x.x, x => x.i, StringComparer.Ordinal);
}
