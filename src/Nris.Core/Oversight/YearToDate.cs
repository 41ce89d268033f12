using System.Globalization;

namespace Nris.Core.Oversight;

/// <summary>
/// The year-to-date identity of a form that gives a figure both for the month (<c>X</c>) and cumulative from January
/// (<c>X_YTD</c>): the month equals this period's cumulative less the previous period's (in January, the cumulative
/// itself), up to the revision of earlier months that the cumulative carries. A figure changed in one column and not
/// the other breaks it — evidence that does not depend on how noisy the month is.
/// </summary>
/// <remarks>
/// <para>For each month <c>p</c> the gap <c>d(p) = X(p) − (X_YTD(p) − X_YTD(p−1))</c>, relative to the month, is
/// measured in the identity's own noise scale: 1.4826 × the median |d| over every reporter's history (the revisions),
/// but never below half a unit of the figures' rounding.</para>
/// <para>Which cell is wrong: a month changed alone breaks the identity at <c>p</c> only; a cumulative changed alone
/// breaks it at <c>p</c> and, the other way, at <c>p + 1</c>. The explanation that leaves the smaller residual is taken.
/// In the last month judged (no <c>p + 1</c>) the cell further from its expected value in the model is taken.</para>
/// </remarks>
public static class YearToDate
{
    /// <summary>The suffix of a cumulative column's indicator code.</summary>
    public const string Suffix = "_YTD";

    private const double MadToSigma = 1.4826;

    // A figure of at least this many rounding units: its revisions are not hidden by the rounding.
    private const double LargeFigure = 50;

    /// <summary>The (month cell, year-to-date cell) pairs of a grid: every <c>X_YTD</c> whose <c>X</c> is a cell too.</summary>
    public static IReadOnlyList<(int Month, int Cumulative)> Pairs(ReportGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var cells = grid.Cells.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        return [.. grid.Cells.Select((name, i) => (name, i))
            .Where(x => x.name.EndsWith(Suffix, StringComparison.Ordinal) && cells.ContainsKey(x.name[..^Suffix.Length]))
            .Select(x => (cells[x.name[..^Suffix.Length]], x.i))];
    }

    /// <summary>Adds the identity's evidence to the <paramref name="gaps"/> of periods <paramref name="from"/> to <paramref name="to"/>.</summary>
    internal static void Apply(ReportGrid grid, int start, int from, int to, AnomalyThresholds t,
        List<ExpectedValues.Gap> gaps, Dictionary<(int, int, int), int> index)
    {
        var pairs = Pairs(grid);
        if (pairs.Count == 0)
        {
            return;
        }

        if (CalendarStarts(grid, start, to) is not { } firstOfYear)
        {
            return;
        }

        foreach (var (mc, yc) in pairs)
        {
            if (Measure(grid, mc, yc, start, from, to, firstOfYear) is not { } measured)
            {
                continue;
            }

            var (dev, scale, sigma, step) = measured;

            var reporters = grid.Reporters.Count;
            double Z(int r, int p) => dev[r, p] / Math.Max(sigma * scale[r, p], 0.5 * step);
            var putRight = new double[to];
            for (var r = 0; r < reporters; r++)
            {
                Array.Fill(putRight, double.NaN);
                for (var p = from; p < to; p++)
                {
                    // (A cumulative found out of line at p - 1 has already been taken out of d(p), and is read as put right: see below.)
                    var d = dev[r, p];
                    if (double.IsNaN(d) || double.IsNaN(scale[r, p]))
                    {
                        continue;
                    }

                    var m = grid[r, mc, p];
                    var y = grid[r, yc, p];
                    var before = firstOfYear[p] ? 0 : double.IsNaN(putRight[p - 1]) ? grid[r, yc, p - 1] : putRight[p - 1];
                    var noise = Math.Max(sigma * scale[r, p], 0.5 * step);
                    var z = Z(r, p);
                    var hasNext = p + 1 < to && !firstOfYear[p + 1] && !double.IsNaN(dev[r, p + 1]) && !double.IsNaN(scale[r, p + 1]);
                    if (Math.Abs(z) <= t.ExpectedZ)
                    {
                        // The identity holds: a cumulative that adds up with its months is judged through them (its own
                        // model gap is the months', already judged; a January cumulative is as noisy as its month).
                        Attach(gaps, index, r, yc, p, mc, -z, before + m, y, noise / Math.Max(y, step), replace: true);
                        continue;
                    }

                    bool cumulativeOdd;
                    if (hasNext)
                    {
                        var next = dev[r, p + 1];
                        cumulativeOdd = (d + next) * (d + next) / 2 < next * next;
                    }
                    else
                    {
                        // No next period: which explanation leaves both cells nearer their expected values in the model —
                        // the month as the cumulatives imply it and the cumulative as reported, or the other way round?
                        var implied = y - before;
                        var (gm, sm) = ModelGap(gaps, index, r, mc, p);
                        var (gy, sy) = ModelGap(gaps, index, r, yc, p);
                        var dm = Math.Log(Math.Max(m, step) / Math.Max(implied, 0.5 * step));
                        var dy = Math.Log(Math.Max(y, step) / Math.Max(before + m, step));
                        cumulativeOdd = implied <= 0 || (!double.IsNaN(gm) && !double.IsNaN(gy)
                            && Square((gm - dm) / sm) + Square(gy / sy) > Square(gm / sm) + Square((gy - dy) / sy));
                    }

                    if (cumulativeOdd)
                    {
                        // In value units the cumulative is off by −d; its own scale is the cumulative.
                        Attach(gaps, index, r, yc, p, mc, -z, before + m, y, noise / Math.Max(y, step), replace: true);
                        // With the cumulative put right, the next period's identity no longer carries its error.
                        putRight[p] = before + m;
                        if (hasNext)
                        {
                            dev[r, p + 1] += d;
                        }
                    }
                    else
                    {
                        Attach(gaps, index, r, mc, p, yc, z, y - before, m, noise / Math.Max(m, step), replace: false);
                        // The cumulative, given that the month is the one out of line, is judged by the next period's identity.
                        var zNext = hasNext ? -Z(r, p + 1) : 0;
                        var yNext = hasNext ? grid[r, yc, p + 1] - grid[r, mc, p + 1] : y;
                        Attach(gaps, index, r, yc, p, mc, zNext, yNext, y, noise / Math.Max(y, step), replace: true);
                    }
                }
            }
        }
    }

    // The model's gap and σ (log) of a value, before the identity: NaN when the model did not judge it.
    private static (double Gap, double Sigma) ModelGap(List<ExpectedValues.Gap> gaps, Dictionary<(int, int, int), int> index, int r, int c, int p) =>
        index.TryGetValue((r, c, p), out var i) ? (gaps[i].LogGap, gaps[i].Sigma) : (double.NaN, double.NaN);

    // January starts a new cumulative: which periods of [start, to) are the first of a calendar year. Null: the periods
    // are not calendar periods, and there is no year-to-date identity.
    private static bool[]? CalendarStarts(ReportGrid grid, int start, int to)
    {
        var firstOfYear = new bool[to];
        for (var p = start; p < to; p++)
        {
            if (!Periods.Period.TryParse(grid.Periods[p], out var period))
            {
                return null;
            }

            firstOfYear[p] = period.Start.DayOfYear == 1;
        }

        return firstOfYear;
    }

    // The identity's gaps d(p) in units, the scale of the revision each carries (last month's figure; 0 in January),
    // the revisions' σ relative to that scale, and the figures' rounding step. Null: too little history.
    private static (double[,] Dev, double[,] Scale, double Sigma, double Step)? Measure(ReportGrid grid, int mc, int yc, int start, int from, int to, bool[] firstOfYear)
    {
        var scratch = new List<double>();
        var small = new List<double>();
        var step = RoundingStep(grid, mc, start, from);
        // d(p) in units, and the scale of the revision it carries: last month's figure (none in January).
        var reporters = grid.Reporters.Count;
        var dev = new double[reporters, to];
        var scale = new double[reporters, to];
        scratch.Clear();
        for (var r = 0; r < reporters; r++)
        {
            for (var p = start; p < to; p++)
            {
                var m = grid[r, mc, p];
                var y = grid[r, yc, p];
                var before = firstOfYear[p] ? 0 : p > start ? grid[r, yc, p - 1] : double.NaN;
                dev[r, p] = m - (y - before);
                scale[r, p] = firstOfYear[p] ? 0 : p > start && grid[r, mc, p - 1] is var last && !double.IsNaN(last) ? last : m;
                if (p < from && !firstOfYear[p] && !double.IsNaN(dev[r, p]) && !double.IsNaN(scale[r, p]))
                {
                    (scale[r, p] >= LargeFigure * step ? scratch : small).Add(Math.Abs(dev[r, p]) / Math.Max(scale[r, p], step));
                }
            }
        }

        // The revisions' scale is measured on figures large enough for rounding not to hide it (a revision of 2 % of
        // 20 accidents rounds to nothing, and a median of such zeros would make every whole-unit revision look large).
        if (scratch.Count < 12)
        {
            scratch.AddRange(small);
        }

        small.Clear();
        if (scratch.Count < 12)
        {
            return null;
        }

        scratch.Sort();
        return (dev, scale, MadToSigma * scratch[scratch.Count / 2], step);
    }

    /// <summary>
    /// For each reporter, the months of periods <paramref name="from"/> to <paramref name="to"/> in which a cumulative
    /// column does not add up with its months (|z| above <see cref="AnomalyThresholds.ExpectedZ"/>), and the months
    /// that could be checked. Empty when <paramref name="cumulative"/> has no month cell or the periods are not calendar ones.
    /// </summary>
    public static IReadOnlyDictionary<int, (int Broken, int Checked)> BrokenMonths(ReportGrid grid, int cumulative, int from, int to, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        var result = new Dictionary<int, (int, int)>();
        var start = Math.Max(0, to - (t.ModelYears * grid.PeriodsPerYear));
        if (Pairs(grid).Where(x => x.Cumulative == cumulative).Select(x => (int?)x.Month).FirstOrDefault() is not { } mc
            || CalendarStarts(grid, start, to) is not { } firstOfYear
            || Measure(grid, mc, cumulative, start, from, to, firstOfYear) is not { } measured)
        {
            return result;
        }

        var (dev, scale, sigma, step) = measured;

        for (var r = 0; r < grid.Reporters.Count; r++)
        {
            var (broken, seen) = (0, 0);
            for (var p = from; p < to; p++)
            {
                if (!double.IsNaN(dev[r, p]) && !double.IsNaN(scale[r, p]))
                {
                    seen++;
                    broken += Math.Abs(dev[r, p] / Math.Max(sigma * scale[r, p], 0.5 * step)) > t.ExpectedZ ? 1 : 0;
                }
            }

            result[r] = (broken, seen);
        }

        return result;
    }

    private static double Square(double x) => x * x;

    // The identity's evidence on one value's gap; it becomes the value's score when it is the stronger evidence, or
    // always (a cumulative: the identity replaces the model).
    private static void Attach(List<ExpectedValues.Gap> gaps, Dictionary<(int, int, int), int> index, int r, int c, int p, int other,
        double z, double expected, double value, double sigma, bool replace)
    {
        if (!index.TryGetValue((r, c, p), out var i))
        {
            return;
        }

        var g = gaps[i];
        var withCheck = g with { Check = other, CheckZ = z, CheckExpected = expected, ModelZ = double.IsNaN(g.ModelZ) ? g.Z : g.ModelZ };
        if (replace || Math.Abs(z) > Math.Abs(g.Z))
        {
            // An implied value of zero or less: the gap is taken against half a unit.
            var logGap = Math.Log(value / Math.Max(expected, 1e-9));
            withCheck = withCheck with { Expected = expected, LogGap = double.IsFinite(logGap) ? logGap : Math.Sign(z) * 10, Sigma = sigma, Z = z };
        }

        gaps[i] = withCheck;
    }

    // The rounding of a cell's figures: 1 when every value is whole, else 0.1, else 0.01.
    private static double RoundingStep(ReportGrid grid, int cell, int start, int to)
    {
        foreach (var step in new[] { 1.0, 0.1 })
        {
            var all = true;
            for (var r = 0; r < grid.Reporters.Count && all; r++)
            {
                for (var p = start; p < to && all; p++)
                {
                    var v = grid[r, cell, p];
                    all = double.IsNaN(v) || Math.Abs((v / step) - Math.Round(v / step)) < 1e-6;
                }
            }

            if (all)
            {
                return step;
            }
        }

        return 0.01;
    }

    /// <summary>How a cell's figure follows from the other column of the identity, for an explanation.</summary>
    internal static (string Vi, string En) Relation(ReportGrid grid, int cell, int other) =>
        grid.Cells[cell].EndsWith(Suffix, StringComparison.Ordinal)
            ? (string.Create(CultureInfo.InvariantCulture, $"lũy kế kỳ trước cộng {grid.Cells[other]} của kỳ này"),
                string.Create(CultureInfo.InvariantCulture, $"the previous period's cumulative plus this period's {grid.Cells[other]}"))
            : (string.Create(CultureInfo.InvariantCulture, $"{grid.Cells[other]} kỳ này trừ kỳ trước"),
                string.Create(CultureInfo.InvariantCulture, $"this period's {grid.Cells[other]} less the previous period's"));
}
