using System.Globalization;

namespace Nris.Core.Oversight;

/// <summary>
/// The <c>expected-value</c> detector: one explained score per value that combines the evidence the growth detectors
/// look at separately. Each value is compared with what it is expected to be from
/// <list type="bullet">
/// <item>its own series: a level and a trend fitted robustly over the last years (own history);</item>
/// <item>the other territories in the same period: the common move of the cell across reporters (peers), which takes
/// out Tết, the year-to-date build-up, price levels and national shocks without knowing about them;</item>
/// <item>its own season: what is left for the same period of the year in earlier years, shrunk towards zero when it is
/// no larger than noise would make it (seasonal-adjusted own history);</item>
/// </list>
/// and the gap is measured in the series' own noise scale (robust σ of its earlier gaps). Unlike a growth on the same
/// period last year, this does not add last year's noise to this year's, and unlike a peer comparison of growth it does
/// not need the territories to grow alike.
/// </summary>
/// <remarks>
/// The model, on log values of one cell: <c>y[r, p] = a[r] + b[r]·p + g[p] + s[r, p mod year] + e[r, p]</c>.
/// <c>g</c> is the median over reporters (at least <see cref="AnomalyThresholds.MinimumPeers"/>, else 0 and the
/// season carries seasonality); <c>a</c>, <c>b</c> are a robust line (slope = median of year-on-year differences);
/// three rounds of alternating fits. The values judged take part in the fit, which is robust to a few bad ones.
/// </remarks>
public static class ExpectedValues
{
    private const double MadToSigma = 1.4826;

    /// <summary>
    /// Flags the values of periods <paramref name="from"/> to <paramref name="to"/> (exclusive) that are more than
    /// <see cref="AnomalyThresholds.ExpectedZ"/> robust σ and <see cref="AnomalyThresholds.MinimumDeviation"/> in log
    /// from their expected value. The fit uses <see cref="AnomalyThresholds.ModelYears"/> years up to <paramref name="to"/>;
    /// a period with less than two years of history in that window is not judged.
    /// </summary>
    public static IEnumerable<AnomalyFlag> Detect(ReportGrid grid, int from, int to, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        var flags = new List<AnomalyFlag>();
        foreach (var g in Gaps(grid, from, to, t))
        {
            if (Math.Abs(g.Z) > t.ExpectedZ && Math.Abs(g.LogGap) > t.MinimumDeviation)
            {
                flags.Add(Flag(grid, g));
            }
        }

        return flags;
    }

    /// <summary>One judged value: its expected value, the gap in log, the series' noise σ (log) and the robust z.</summary>
    /// <remarks>
    /// <see cref="Z"/> is the combined evidence: <see cref="OwnZ"/> (the gap over the series' noise) less what the
    /// related cell <see cref="Related"/> (-1: none) explains with correlation <see cref="Correlation"/>.
    /// </remarks>
    /// <remarks>
    /// Where the form also has the cell's year-to-date column (<c>X_YTD</c> next to <c>X</c>) and the two disagree,
    /// <see cref="Check"/> is the other cell of that identity, <see cref="CheckZ"/> the disagreement in the identity's own
    /// noise scale and <see cref="CheckExpected"/> what the identity says the value should be. When the disagreement is
    /// this value's (not the other cell's) and is the stronger evidence, <see cref="Expected"/>, <see cref="LogGap"/>,
    /// <see cref="Sigma"/> and <see cref="Z"/> are the identity's.
    /// </remarks>
    public readonly record struct Gap(int Reporter, int Cell, int Period, double Value, double Expected, double LogGap, double Sigma, double Z, bool UsedPeers,
        double OwnZ, int Related, double Correlation, int Check = -1, double CheckZ = 0, double CheckExpected = double.NaN, double ModelZ = double.NaN);

    /// <summary>Every judged value's gap (for the bench's recall/false-positive curve and for the detector).</summary>
    public static IReadOnlyList<Gap> Gaps(ReportGrid grid, int from, int to, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        var perYear = grid.PeriodsPerYear;
        to = Math.Min(to, grid.Periods.Count);
        var start = Math.Max(0, to - (t.ModelYears * perYear));
        from = Math.Max(from, start + (2 * perYear));
        var result = new List<Gap>();
        if (from >= to)
        {
            return result;
        }

        var n = to - start;
        var reporters = grid.Reporters.Count;
        var y = new double[reporters][];
        var common = new double[n];
        var a = new double[reporters];
        var b = new double[reporters];
        var scratch = new List<double>(Math.Max(n, reporters));
        var all = new double[]?[grid.Cells.Count][];
        var sigmas = new double[grid.Cells.Count][];
        var peersUsed = new bool[grid.Cells.Count];
        // The calendar year of each period (a plan changes in January whatever month the window starts in).
        var years = new int[n];
        for (var i = 0; i < n; i++)
        {
            years[i] = Periods.Period.TryParse(grid.Periods[start + i], out var period) ? period.Year : (start + i) / perYear;
        }

        for (var c = 0; c < grid.Cells.Count; c++)
        {
            all[c] = new double[]?[reporters];
            sigmas[c] = new double[reporters];
            var withValues = 0;
            for (var r = 0; r < reporters; r++)
            {
                y[r] = new double[n];
                var any = false;
                for (var i = 0; i < n; i++)
                {
                    var v = grid[r, c, start + i];
                    y[r][i] = v > 0 ? Math.Log(v) : double.NaN;
                    any |= v > 0;
                }

                withValues += any ? 1 : 0;
            }

            if (withValues == 0)
            {
                continue;
            }

            var usePeers = withValues >= t.MinimumPeers;
            Array.Clear(common);
            for (var round = 0; round < (usePeers ? 3 : 1); round++)
            {
                for (var r = 0; r < reporters; r++)
                {
                    (a[r], b[r]) = RobustLine(y[r], common, perYear, scratch);
                }

                if (!usePeers)
                {
                    break;
                }

                for (var i = 0; i < n; i++)
                {
                    scratch.Clear();
                    for (var r = 0; r < reporters; r++)
                    {
                        if (!double.IsNaN(y[r][i]) && !double.IsNaN(a[r]))
                        {
                            scratch.Add(y[r][i] - a[r] - (b[r] * i));
                        }
                    }

                    // A period too few reporters reported cannot be compared with peers: its values are not judged.
                    common[i] = scratch.Count >= t.MinimumPeers ? Median(scratch) : double.NaN;
                }
            }

            var history = from - start;
            var residual = new double[n];
            var season = new double[perYear];
            for (var r = 0; r < reporters; r++)
            {
                if (double.IsNaN(a[r]))
                {
                    continue;
                }

                for (var i = 0; i < n; i++)
                {
                    residual[i] = y[r][i] - a[r] - (b[r] * i) - common[i];
                }

                var sigma = Seasons(residual, history, perYear, season, scratch);
                if (double.IsNaN(sigma))
                {
                    continue;
                }

                for (var i = 0; i < n; i++)
                {
                    residual[i] -= season[i % perYear];
                }

                // A figure set once a year (a plan, a year-to-date sum of it) moves all its months together: the
                // year's own level, when the history shows such levels beyond noise, is taken out too.
                var keepYear = YearLevels(residual, years, history, sigma, scratch, out sigma);
                var gaps = new double[n];
                for (var i = 0; i < n; i++)
                {
                    gaps[i] = double.IsNaN(residual[i]) ? double.NaN
                        : residual[i] - (keepYear > 0 ? keepYear * YearLevel(residual, years, i, n, scratch) : 0);
                }

                all[c][r] = gaps;
                sigmas[c][r] = sigma;
            }

            peersUsed[c] = usePeers;
        }

        // The noise scale of a series, from about 50 gaps, is itself uncertain by some 10–15 %: it is pulled halfway (on a
        // log scale) towards the cell's typical scale across reporters, so one series' lucky quiet history does not make
        // its next ordinary value an outlier, nor a noisy history hide a real one.
        for (var c = 0; c < grid.Cells.Count; c++)
        {
            scratch.Clear();
            for (var r = 0; r < reporters; r++)
            {
                if (all[c][r] is not null)
                {
                    scratch.Add(sigmas[c][r]);
                }
            }

            if (scratch.Count >= t.MinimumPeers)
            {
                var typical = Median(scratch);
                for (var r = 0; r < reporters; r++)
                {
                    if (all[c][r] is not null)
                    {
                        sigmas[c][r] = Math.Sqrt(sigmas[c][r] * typical);
                    }
                }
            }
        }

        // Related cells of the same report (deaths and accidents, domestic and total revenue): the cell whose gaps in
        // the history move most with this one's, across all reporters. Its gap in the same report explains part of this
        // one's; what it does not explain is the sharper evidence.
        var cells = grid.Cells.Count;
        var partner = new int[cells];
        var rho = new double[cells];
        for (var c = 0; c < cells; c++)
        {
            partner[c] = -1;
            // The search is over pairs of cells; a form of hundreds of cells (every breakdown of every indicator) would
            // cost more than the rest of the model, so it is skipped there.
            for (var d = 0; d < (cells <= MaxCellsForRelated ? cells : 0); d++)
            {
                if (d != c && Correlation(all[c], sigmas[c], all[d], sigmas[d], from - start) is var q && Math.Abs(q) > Math.Max(t.RelatedCorrelation, Math.Abs(rho[c])))
                {
                    (partner[c], rho[c]) = (d, q);
                }
            }
        }

        var index = new Dictionary<(int, int, int), int>();
        for (var c = 0; c < cells; c++)
        {
            for (var r = 0; r < reporters; r++)
            {
                if (all[c][r] is not { } gaps)
                {
                    continue;
                }

                var sigma = sigmas[c][r];
                // This reporter's own relation to the related cell, measured in its history: the slope of this cell's
                // gaps on the partner's, and the noise of what the partner does not explain.
                var (slope, sigmaLeft) = partner[c] is var pd and >= 0 && all[pd][r] is { } po
                    ? Explained(gaps, po, sigma, sigmas[pd][r], from - start, scratch)
                    : (0, double.NaN);
                for (var i = from - start; i < n; i++)
                {
                    if (double.IsNaN(gaps[i]))
                    {
                        continue;
                    }

                    var z = gaps[i] / sigma;
                    var combined = z;
                    var used = -1;
                    if (partner[c] is var d and >= 0 && all[d][r] is { } other && !double.IsNaN(other[i]))
                    {
                        // The partner explains this gap only when this value is the more unusual of the two; otherwise the
                        // partner is the one out of line, and this value is judged on its own.
                        var zd = other[i] / sigmas[d][r];
                        if (Math.Abs(z) >= Math.Abs(zd) && !double.IsNaN(sigmaLeft))
                        {
                            combined = (gaps[i] - (slope * other[i])) / sigmaLeft;
                            used = d;
                        }
                    }

                    var value = grid[r, c, start + i];
                    index[(r, c, start + i)] = result.Count;
                    result.Add(new Gap(r, c, start + i, value, value / Math.Exp(gaps[i]), gaps[i], sigma, combined, peersUsed[c], z, used,
                        used >= 0 ? rho[c] : 0));
                }
            }
        }

        if (t.YearToDateCheck)
        {
            YearToDate.Apply(grid, start, from, to, t, result, index);
        }

        return result;
    }

    private const double Clip = 3.0;
    private const int MaxCellsForRelated = 200;

    // Least squares of y's history gaps on x's (each clipped at ±3 σ), and the robust σ of what is left, pulled halfway
    // to y's own σ like the series' noise (it can only be smaller when the relation holds). NaN σ: too few pairs.
    private static (double Slope, double Sigma) Explained(double[] y, double[] x, double sy, double sx, int history, List<double> scratch)
    {
        double sxy = 0, sxx = 0;
        var count = 0;
        for (var i = 0; i < history; i++)
        {
            if (double.IsNaN(y[i]) || double.IsNaN(x[i]))
            {
                continue;
            }

            var u = Math.Clamp(y[i], -Clip * sy, Clip * sy);
            var v = Math.Clamp(x[i], -Clip * sx, Clip * sx);
            sxy += u * v;
            sxx += v * v;
            count++;
        }

        if (count < 12 || sxx <= 0)
        {
            return (0, double.NaN);
        }

        var slope = sxy / sxx;
        var left = new double[history];
        for (var i = 0; i < history; i++)
        {
            left[i] = double.IsNaN(y[i]) || double.IsNaN(x[i]) ? double.NaN : y[i] - (slope * x[i]);
        }

        var sigma = Sigma(left, history, null, scratch);
        return double.IsNaN(sigma) ? (0, double.NaN) : (slope, Math.Min(sy, Math.Sqrt(sigma * sy)));
    }

    // The correlation of two cells' standardized gaps over the history, pooled over reporters, each clipped at ±3 so a
    // few outliers do not make or break it. 0 with fewer than 30 pairs.
    private static double Correlation(double[]?[] x, double[] sx, double[]?[] y, double[] sy, int history)
    {
        double sxy = 0, sxx = 0, syy = 0;
        var count = 0;
        for (var r = 0; r < x.Length; r++)
        {
            if (x[r] is not { } a || y[r] is not { } b)
            {
                continue;
            }

            for (var i = 0; i < history; i++)
            {
                if (double.IsNaN(a[i]) || double.IsNaN(b[i]))
                {
                    continue;
                }

                var u = Math.Clamp(a[i] / sx[r], -Clip, Clip);
                var v = Math.Clamp(b[i] / sy[r], -Clip, Clip);
                sxy += u * v;
                sxx += u * u;
                syy += v * v;
                count++;
            }
        }

        return count < 30 || sxx <= 0 || syy <= 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>The flag of one gap, with its explanation.</summary>
    public static AnomalyFlag Flag(ReportGrid grid, Gap g)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var pct = ((Math.Exp(g.LogGap) - 1) * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";
        var noise = ((Math.Exp(g.Sigma) - 1) * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var own = g.OwnZ.ToString("0.0", CultureInfo.InvariantCulture);
        var z = g.Z.ToString("0.0", CultureInfo.InvariantCulture);
        var expected = g.Expected.ToString(g.Expected >= 100 ? "#,##0" : "0.##", CultureInfo.InvariantCulture);
        var basisVi = g.UsedPeers ? "xu hướng của chính chuỗi số liệu, mùa vụ của nó và biến động chung của các địa phương trong kỳ" : "xu hướng và mùa vụ của chính chuỗi số liệu";
        var basisEn = g.UsedPeers ? "the series' own trend, its season and the other territories' common move in this period" : "the series' own trend and season";
        var related = g.Related >= 0 ? grid.Cells[g.Related] : null;
        var value = g.Value.ToString(g.Value >= 100 ? "#,##0.#" : "0.##", CultureInfo.InvariantCulture);
        if (g.Check >= 0 && g.Z.Equals(g.CheckZ))
        {
            // The year-to-date identity is the stronger evidence: it leads the explanation.
            var (relationVi, relationEn) = YearToDate.Relation(grid, g.Cell, g.Check);
            var model = g.ModelZ.ToString("0.0", CultureInfo.InvariantCulture);
            return new AnomalyFlag(Detectors.ExpectedValue, g.Reporter, g.Cell, g.Period, Math.Abs(g.Z),
                $"Không khớp với số lũy kế: {relationVi} là {expected}, báo cáo {value} ({pct}; z {z} so với mức điều chỉnh số liệu thường thấy); "
                    + $"so với xu hướng, mùa vụ và các địa phương khác: z {model}.",
                $"Does not add up with the year-to-date figures: {relationEn} is {expected}, reported {value} ({pct}; z {z} against the usual revisions); "
                    + $"against its trend, season and the other territories: z {model}.");
        }

        var check = g.Check >= 0
            ? (Vi: $"; lệch với số lũy kế {grid.Cells[g.Check]}: z {g.CheckZ.ToString("0.0", CultureInfo.InvariantCulture)}",
                En: $"; off the year-to-date identity with {grid.Cells[g.Check]}: z {g.CheckZ.ToString("0.0", CultureInfo.InvariantCulture)}")
            : (Vi: "", En: "");
        return new AnomalyFlag(Detectors.ExpectedValue, g.Reporter, g.Cell, g.Period, Math.Abs(g.Z),
            $"Lệch {pct} so với mức dự kiến {expected} theo {basisVi}; dao động thường thấy ±{noise} (z {own})"
                + (related is null ? "" : $"; xét cả {related} thường biến động cùng chiều: z {z}") + check.Vi + ".",
            $"{pct} from the expected {expected}, from {basisEn}; its usual noise is ±{noise} (z {own})"
                + (related is null ? "" : $"; taking {related} into account, which usually moves with it: z {z}") + check.En + ".");
    }

    // A robust line through y − common: slope = median of year-on-year differences (per period), level = median of
    // what is left. NaN level when the series has too few values.
    private static (double A, double B) RobustLine(double[] y, double[] common, int perYear, List<double> scratch)
    {
        scratch.Clear();
        for (var i = perYear; i < y.Length; i++)
        {
            var d = y[i] - common[i] - (y[i - perYear] - common[i - perYear]);
            if (!double.IsNaN(d))
            {
                scratch.Add(d / perYear);
            }
        }

        var slope = scratch.Count >= 3 ? Median(scratch) : 0;
        scratch.Clear();
        for (var i = 0; i < y.Length; i++)
        {
            var d = y[i] - common[i] - (slope * i);
            if (!double.IsNaN(d))
            {
                scratch.Add(d);
            }
        }

        return scratch.Count >= perYear + 3 ? (Median(scratch), slope) : (double.NaN, 0);
    }

    // The series' own season (median gap per period of the year over the history, shrunk by how much of its spread
    // noise alone would give) into `season`, and the noise σ of the history after the season. NaN: too little history.
    private static double Seasons(double[] residual, int history, int perYear, double[] season, List<double> scratch)
    {
        Array.Clear(season);
        var counts = new int[perYear];
        if (perYear > 1)
        {
            for (var m = 0; m < perYear; m++)
            {
                scratch.Clear();
                for (var i = m; i < history; i += perYear)
                {
                    if (!double.IsNaN(residual[i]))
                    {
                        scratch.Add(residual[i]);
                    }
                }

                counts[m] = scratch.Count;
                season[m] = scratch.Count >= 2 ? Median(scratch) : 0;
            }
        }

        var keepSeason = 0.0;
        var raw = Sigma(residual, history, null, scratch);
        if (double.IsNaN(raw))
        {
            return double.NaN;
        }

        if (perYear > 1)
        {
            // James–Stein-like shrinkage: the month medians' spread minus what noise gives a median of k values
            // (π/2 · σ² / k); a season no stronger than noise is dropped rather than fitted to noise.
            double spread = 0, noise = 0;
            var months = 0;
            for (var m = 0; m < perYear; m++)
            {
                if (counts[m] >= 2)
                {
                    spread += season[m] * season[m];
                    noise += Math.PI / 2 * raw * raw / counts[m];
                    months++;
                }
            }

            keepSeason = months == 0 || spread <= 0 ? 0 : Math.Max(0, 1 - (noise / spread));
            for (var m = 0; m < perYear; m++)
            {
                season[m] = counts[m] >= 2 ? season[m] * keepSeason : 0;
            }
        }

        // The noise σ out of sample: each history gap against the season of the other years (its own month's median
        // includes itself and would make the series look steadier than it is).
        var outOfSample = new double[history];
        for (var i = 0; i < history; i++)
        {
            if (double.IsNaN(residual[i]) || perYear == 1 || keepSeason <= 0)
            {
                outOfSample[i] = residual[i];
                continue;
            }

            scratch.Clear();
            for (var j = i % perYear; j < history; j += perYear)
            {
                if (j != i && !double.IsNaN(residual[j]))
                {
                    scratch.Add(residual[j]);
                }
            }

            outOfSample[i] = residual[i] - (scratch.Count >= 1 ? keepSeason * Median(scratch) : 0);
        }

        return Sigma(outOfSample, history, null, scratch);
    }

    // How much of each history year's own level to take out (0: none, 1: all), shrunk like the season; and the noise σ
    // of the history once that is done.
    private static double YearLevels(double[] residual, int[] years, int history, double sigma, List<double> scratch, out double sigmaAfter)
    {
        sigmaAfter = sigma;
        double spread = 0, noise = 0;
        var count = 0;
        var levels = new List<(int Year, double Level)>();
        for (var i = 0; i < history;)
        {
            var year = years[i];
            scratch.Clear();
            for (; i < history && years[i] == year; i++)
            {
                if (!double.IsNaN(residual[i]))
                {
                    scratch.Add(residual[i]);
                }
            }

            if (scratch.Count >= 6)
            {
                var level = Median(scratch);
                spread += level * level;
                noise += Math.PI / 2 * sigma * sigma / scratch.Count;
                count++;
                levels.Add((year, level));
            }
        }

        var keep = count < 2 || spread <= 0 ? 0 : Math.Max(0, 1 - (noise / spread));
        if (keep > 0)
        {
            var adjusted = new double[history];
            var scratch2 = new List<double>();
            for (var i = 0; i < history; i++)
            {
                adjusted[i] = double.IsNaN(residual[i]) ? double.NaN : residual[i] - (keep * YearLevel(residual, years, i, history, scratch2));
            }

            sigmaAfter = Sigma(adjusted, history, null, scratch);
            if (double.IsNaN(sigmaAfter))
            {
                sigmaAfter = sigma;
            }
        }

        return keep;
    }

    // The level of period i's calendar year from its other periods in the window (0 when fewer than 3).
    private static double YearLevel(double[] residual, int[] years, int i, int n, List<double> scratch)
    {
        scratch.Clear();
        for (var j = 0; j < n; j++)
        {
            if (j != i && years[j] == years[i] && !double.IsNaN(residual[j]))
            {
                scratch.Add(residual[j]);
            }
        }

        return scratch.Count >= 3 ? Median(scratch) : 0;
    }

    private static double Sigma(double[] residual, int history, double[]? season, List<double> scratch)
    {
        scratch.Clear();
        for (var i = 0; i < history; i++)
        {
            if (!double.IsNaN(residual[i]))
            {
                scratch.Add(residual[i] - (season is null ? 0 : season[i % season.Length]));
            }
        }

        if (scratch.Count < 6)
        {
            return double.NaN;
        }

        var median = Median(scratch);
        for (var i = 0; i < scratch.Count; i++)
        {
            scratch[i] = Math.Abs(scratch[i] - median);
        }

        // A floor: a series reported to a few digits (an index to two decimals) cannot be steadier than its rounding.
        return Math.Max(MadToSigma * Median(scratch), 0.002);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var k = values.Count;
        return k % 2 == 1 ? values[k / 2] : (values[(k / 2) - 1] + values[k / 2]) / 2;
    }
}
