using System.Globalization;

namespace Nris.Core.Oversight;

/// <summary>The anomaly detectors, by stable name.</summary>
public static class Detectors
{
    /// <summary>Growth against the same period last year far from the series' own recent growth (median/MAD).</summary>
    public const string OwnHistory = "own-history";
    /// <summary>Growth against the same period last year far from the peer territories' growth in that period (median/MAD).</summary>
    public const string Peers = "peers";
    /// <summary>A jump against the same period last year several times larger than the series usually moves.</summary>
    public const string YearOnYearJump = "yoy-jump";
    /// <summary>A year whose growth is much steadier than the series has ever been (a smoothed series).</summary>
    public const string Smoothed = "smoothed";
    /// <summary>A report whose values are mostly identical to the previous period's (copied forward).</summary>
    public const string CopiedForward = "copied-forward";
    /// <summary>A report with far more round figures than reports usually have (digit preference).</summary>
    public const string RoundFigures = "round-figures";
    /// <summary>A reporter's first digits over a year far from Benford's law.</summary>
    public const string Benford = "benford";
    /// <summary>A reporter whose revisions nearly always move its figures toward the target.</summary>
    public const string TowardTarget = "toward-target";
    /// <summary>A value far from what its own trend, its season and the peer territories' common move predict, in the series' own noise scale (<see cref="ExpectedValues"/>).</summary>
    public const string ExpectedValue = "expected-value";
}

/// <summary>
/// One explained flag. <paramref name="Cell"/> is -1 for flags on a whole report, <paramref name="Period"/> -1 for
/// flags on a whole year; <paramref name="Score"/> is the detector's statistic (larger is more anomalous).
/// </summary>
public sealed record AnomalyFlag(string Detector, int Reporter, int Cell, int Period, double Score, string MessageVi, string MessageEn);

/// <summary>Thresholds of the detectors. The defaults are the ones measured in docs/benchmarks.md.</summary>
public sealed record AnomalyThresholds(
    double RobustZ = 3.0,
    double MinimumDeviation = 0.05,
    int HistoryPeriods = 24,
    double JumpFactor = 4.0,
    double MinimumJump = 0.15,
    double SmoothRatio = 0.3,
    double CopiedShare = 0.5,
    double RoundShareExcess = 0.25,
    double BenfordChiSquare = 20.09,
    int BenfordMinimumFigures = 50,
    double ExpectedZ = 2.5,
    int ModelYears = 5,
    int MinimumPeers = 5,
    double RelatedCorrelation = 0.5)
{
    /// <summary>
    /// Whether <see cref="ExpectedValues"/> also checks each month against its year-to-date column
    /// (<c>X</c> against <c>X_YTD</c>); off, it is the third-round score alone (the bench's peer).
    /// </summary>
    public bool YearToDateCheck { get; init; } = true;
}

/// <summary>
/// Anomaly detectors over a <see cref="ReportGrid"/>: pure functions, each flag with a one-line Vietnamese/English
/// explanation. Growth is measured as the log ratio to the same period last year, which takes seasonality out.
/// </summary>
public static class AnomalyDetector
{
    // 1.4826 × MAD estimates the standard deviation of normal data.
    private const double MadToSigma = 1.4826;

    /// <summary>Runs every grid detector over the periods from <paramref name="firstPeriod"/> on.</summary>
    public static IReadOnlyList<AnomalyFlag> Detect(ReportGrid grid, int firstPeriod, AnomalyThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var t = thresholds ?? new AnomalyThresholds();
        var flags = new List<AnomalyFlag>();
        flags.AddRange(GrowthOutliers(grid, firstPeriod, t));
        flags.AddRange(ExpectedValues.Detect(grid, firstPeriod, firstPeriod + grid.PeriodsPerYear, t));
        flags.AddRange(SmoothedSeries(grid, firstPeriod, t));
        flags.AddRange(CopiedReports(grid, firstPeriod, t));
        flags.AddRange(RoundReports(grid, firstPeriod, t));
        flags.AddRange(BenfordReporters(grid, firstPeriod, t));
        return flags;
    }

    /// <summary>Own-history, peer and year-on-year-jump flags for every series and period from <paramref name="firstPeriod"/>.</summary>
    public static IEnumerable<AnomalyFlag> GrowthOutliers(ReportGrid grid, int firstPeriod, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        var lag = grid.PeriodsPerYear;
        var start = Math.Max(firstPeriod, lag + t.HistoryPeriods);
        for (var p = start; p < grid.Periods.Count; p++)
        {
            for (var c = 0; c < grid.Cells.Count; c++)
            {
                var peers = new double[grid.Reporters.Count];
                for (var r = 0; r < peers.Length; r++)
                {
                    peers[r] = Growth(grid, r, c, p);
                }

                var (peerMedian, peerSigma) = MedianSigma(peers);
                for (var r = 0; r < grid.Reporters.Count; r++)
                {
                    var g = peers[r];
                    if (double.IsNaN(g))
                    {
                        continue;
                    }

                    var history = new double[t.HistoryPeriods];
                    for (var h = 0; h < history.Length; h++)
                    {
                        history[h] = Growth(grid, r, c, p - t.HistoryPeriods + h);
                    }

                    var (median, sigma) = MedianSigma(history);
                    var own = sigma > 0 ? (g - median) / sigma : 0;
                    // A robust z alone flags negligible moves in series that barely vary (a plan figure fixed for the
                    // year, an index): the move must also be material, at least MinimumDeviation in log growth.
                    if (Math.Abs(own) > t.RobustZ && Math.Abs(g - median) > t.MinimumDeviation)
                    {
                        yield return Flag(Detectors.OwnHistory, r, c, p, Math.Abs(own),
                            $"Tăng {Percent(g)} so với cùng kỳ, trong khi 2 năm qua thường {Percent(median)} (độ lệch chuẩn vững {own.ToString("0.0", CultureInfo.InvariantCulture)}).",
                            $"{Percent(g)} on the same period last year, where the last two years were typically {Percent(median)} (robust z {own.ToString("0.0", CultureInfo.InvariantCulture)}).");
                    }

                    var peer = peerSigma > 0 ? (g - peerMedian) / peerSigma : 0;
                    if (Math.Abs(peer) > t.RobustZ && Math.Abs(g - peerMedian) > t.MinimumDeviation)
                    {
                        yield return Flag(Detectors.Peers, r, c, p, Math.Abs(peer),
                            $"Tăng {Percent(g)} so với cùng kỳ, trong khi các địa phương khác phổ biến {Percent(peerMedian)}.",
                            $"{Percent(g)} on the same period last year, where peer territories typically moved {Percent(peerMedian)}.");
                    }

                    // The plain rule an operator can check by eye: a move several times the series' usual move.
                    var usual = MedianAbsolute(history);
                    var jump = Math.Abs(g - median);
                    if (jump > t.MinimumJump && jump > t.JumpFactor * Math.Max(usual, 0.01))
                    {
                        yield return Flag(Detectors.YearOnYearJump, r, c, p, jump / Math.Max(usual, 0.01),
                            $"Biến động {Percent(g)} so với cùng kỳ, gấp {(jump / Math.Max(usual, 0.01)).ToString("0.0", CultureInfo.InvariantCulture)} lần mức biến động thường thấy.",
                            $"Moved {Percent(g)} on the same period last year, {(jump / Math.Max(usual, 0.01)).ToString("0.0", CultureInfo.InvariantCulture)} times its usual move.");
                    }
                }
            }
        }
    }

    /// <summary>Series whose growth over the last year from <paramref name="firstPeriod"/> is far steadier than before.</summary>
    public static IEnumerable<AnomalyFlag> SmoothedSeries(ReportGrid grid, int firstPeriod, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        var lag = grid.PeriodsPerYear;
        var end = Math.Min(grid.Periods.Count, firstPeriod + lag);
        if (firstPeriod - t.HistoryPeriods < lag || end - firstPeriod < lag)
        {
            yield break;
        }

        // A cumulative column (X_YTD next to X) is steady by construction whatever its months do: it is judged after the
        // other cells, by whether it still adds up with its months.
        var cumulatives = YearToDate.Pairs(grid).ToDictionary(x => x.Cumulative, x => x.Month);
        var smoothMonths = new HashSet<(int, int)>();
        for (var r = 0; r < grid.Reporters.Count; r++)
        {
            for (var c = 0; c < grid.Cells.Count; c++)
            {
                if (cumulatives.ContainsKey(c))
                {
                    continue;
                }

                var recent = Enumerable.Range(firstPeriod, end - firstPeriod).Select(p => Growth(grid, r, c, p)).ToArray();
                var before = Enumerable.Range(firstPeriod - t.HistoryPeriods, t.HistoryPeriods).Select(p => Growth(grid, r, c, p)).ToArray();
                var (_, sigmaRecent) = MedianSigma(recent, useStandardDeviation: true);
                var (_, sigmaBefore) = MedianSigma(before, useStandardDeviation: true);
                if (sigmaBefore > 0 && sigmaRecent / sigmaBefore < t.SmoothRatio)
                {
                    var ratio = sigmaRecent / sigmaBefore;
                    smoothMonths.Add((r, c));
                    yield return Flag(Detectors.Smoothed, r, c, -1, 1 / Math.Max(ratio, 1e-6),
                        $"Tăng trưởng so với cùng kỳ trong năm đều bất thường: dao động chỉ bằng {Percent(ratio, signed: false)} so với 2 năm trước.",
                        $"Growth on the same period last year is unusually steady this year: it varies only {Percent(ratio, signed: false)} as much as in the two years before.");
                }
            }
        }

        // A year of cumulatives replaced by smooth ones does not add up with its months in many of them; when the months
        // themselves were smoothed (flagged above), the cumulative is not the one out of line.
        foreach (var (c, month) in cumulatives)
        {
            foreach (var (r, (broken, seen)) in YearToDate.BrokenMonths(grid, c, firstPeriod, end, t))
            {
                if (seen >= 6 && broken * 3 >= seen && !smoothMonths.Contains((r, month)))
                {
                    yield return Flag(Detectors.Smoothed, r, c, -1, (double)broken / seen,
                        string.Create(CultureInfo.InvariantCulture, $"Số lũy kế không khớp với số của các tháng trong {broken}/{seen} tháng của năm: chuỗi lũy kế được điền lại, không cộng từ số tháng."),
                        string.Create(CultureInfo.InvariantCulture, $"The year-to-date figures do not add up with the months' in {broken} of {seen} months of the year: the cumulative series was filled in, not added up."));
                }
            }
        }
    }

    /// <summary>Reports (reporter × period) whose values are mostly identical to the previous period's.</summary>
    public static IEnumerable<AnomalyFlag> CopiedReports(ReportGrid grid, int firstPeriod, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        for (var p = Math.Max(1, firstPeriod); p < grid.Periods.Count; p++)
        {
            for (var r = 0; r < grid.Reporters.Count; r++)
            {
                int same = 0, both = 0;
                for (var c = 0; c < grid.Cells.Count; c++)
                {
                    var now = grid[r, c, p];
                    var before = grid[r, c, p - 1];
                    if (double.IsNaN(now) || double.IsNaN(before))
                    {
                        continue;
                    }

                    both++;
                    same += now == before ? 1 : 0;
                }

                var share = both == 0 ? 0 : (double)same / both;
                if (both >= 5 && share >= t.CopiedShare)
                {
                    yield return Flag(Detectors.CopiedForward, r, -1, p, share,
                        $"{same}/{both} số liệu giống hệt kỳ trước.",
                        $"{same} of {both} values are identical to the previous period's.");
                }
            }
        }
    }

    /// <summary>
    /// Reports with many more round figures (at most two significant digits, e.g. 12000 or 4500) than the median report
    /// of the same period.
    /// </summary>
    public static IEnumerable<AnomalyFlag> RoundReports(ReportGrid grid, int firstPeriod, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        for (var p = firstPeriod; p < grid.Periods.Count; p++)
        {
            var shares = new double[grid.Reporters.Count];
            for (var r = 0; r < shares.Length; r++)
            {
                int round = 0, n = 0;
                for (var c = 0; c < grid.Cells.Count; c++)
                {
                    var v = grid[r, c, p];
                    if (double.IsNaN(v) || v == 0)
                    {
                        continue;
                    }

                    n++;
                    round += IsRound(v) ? 1 : 0;
                }

                shares[r] = n < 5 ? double.NaN : (double)round / n;
            }

            var (baseline, _) = MedianSigma(shares);
            for (var r = 0; r < shares.Length; r++)
            {
                if (!double.IsNaN(shares[r]) && shares[r] - baseline > t.RoundShareExcess)
                {
                    yield return Flag(Detectors.RoundFigures, r, -1, p, shares[r] - baseline,
                        $"{Percent(shares[r], signed: false)} số liệu là số tròn, trong khi báo cáo thông thường chỉ {Percent(baseline, signed: false)}.",
                        $"{Percent(shares[r], signed: false)} of the values are round figures, where a usual report has {Percent(baseline, signed: false)}.");
                }
            }
        }
    }

    /// <summary>
    /// Benford's first-digit test per reporter over the year from <paramref name="firstPeriod"/>, across all the reports
    /// of that year, where the data allow it: at least <see cref="AnomalyThresholds.BenfordMinimumFigures"/> figures spanning
    /// two orders of magnitude. A cell's first digit rarely changes from one month to the next, so the figures are not
    /// independent: the chi-square is divided by its design effect (first-order Rao–Scott), measured from how much the
    /// digits cluster within cells. Twelve copies of one digit count as about one observation; twelve figures of one
    /// cell whose first digits wander count as about twelve.
    /// </summary>
    public static IEnumerable<AnomalyFlag> BenfordReporters(ReportGrid grid, int firstPeriod, AnomalyThresholds t)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(t);
        var end = Math.Min(grid.Periods.Count, firstPeriod + grid.PeriodsPerYear);
        if (end <= firstPeriod)
        {
            yield break;
        }

        // A cumulative column (X_YTD next to X) is a running sum of its months, not figures of their own: its first digits
        // climb through the year. Its months are judged.
        var cumulatives = YearToDate.Pairs(grid).Select(x => x.Cumulative).ToHashSet();
        var cellCounts = new int[grid.Cells.Count, 10];
        var cellTotals = new int[grid.Cells.Count];
        for (var r = 0; r < grid.Reporters.Count; r++)
        {
            Array.Clear(cellCounts);
            Array.Clear(cellTotals);
            var counts = new int[10];
            int n = 0;
            double min = double.MaxValue, max = 0;
            for (var c = 0; c < grid.Cells.Count; c++)
            {
                for (var p = firstPeriod; p < end && !cumulatives.Contains(c); p++)
                {
                    var v = Math.Abs(grid[r, c, p]);
                    if (double.IsNaN(v) || v < 1e-9)
                    {
                        continue;
                    }

                    var d = FirstDigit(v);
                    counts[d]++;
                    cellCounts[c, d]++;
                    cellTotals[c]++;
                    n++;
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }

            if (n < t.BenfordMinimumFigures || max < min * 100)
            {
                continue;
            }

            var chi = 0.0;
            for (var d = 1; d <= 9; d++)
            {
                var expected = n * Math.Log10(1 + (1.0 / d));
                chi += (counts[d] - expected) * (counts[d] - expected) / expected;
            }

            var deff = DesignEffect(counts, cellCounts, cellTotals, n);
            var adjusted = chi / deff;
            if (adjusted > t.BenfordChiSquare)
            {
                var figures = n.ToString(CultureInfo.InvariantCulture);
                var shown = adjusted.ToString("0.0", CultureInfo.InvariantCulture);
                var limit = t.BenfordChiSquare.ToString("0.0", CultureInfo.InvariantCulture);
                var effect = deff.ToString("0.0", CultureInfo.InvariantCulture);
                yield return Flag(Detectors.Benford, r, -1, -1, adjusted,
                    $"Phân bố chữ số đầu của {figures} số liệu trong năm lệch xa luật Benford (χ² hiệu chỉnh {shown}, ngưỡng {limit}; hệ số thiết kế {effect}).",
                    $"The first digits of {figures} values this year are far from Benford's law (adjusted χ² {shown}, threshold {limit}; design effect {effect}).");
            }
        }
    }

    // The mean over digits of the variance of the digit's share between cells relative to independent draws (≥ 1).
    private static double DesignEffect(int[] counts, int[,] cellCounts, int[] cellTotals, int n)
    {
        var clusters = cellTotals.Count(x => x > 0);
        if (clusters < 2)
        {
            return n;
        }

        double sum = 0;
        var digits = 0;
        for (var d = 1; d <= 9; d++)
        {
            var share = (double)counts[d] / n;
            if (share <= 0 || share >= 1)
            {
                continue;
            }

            var between = 0.0;
            for (var c = 0; c < cellTotals.Length; c++)
            {
                var e = cellCounts[c, d] - (share * cellTotals[c]);
                between += e * e;
            }

            // Variance of the share under cluster sampling over its variance under independent draws.
            var clustered = between * clusters / (clusters - 1) / ((double)n * n);
            sum += clustered / (share * (1 - share) / n);
            digits++;
        }

        return digits == 0 ? 1 : Math.Max(1, sum / digits);
    }

    /// <summary>
    /// Whether a reporter's revisions move its figures toward the target far more often than chance: at least
    /// <paramref name="minimum"/> revisions that change the distance to the target, and a one-sided binomial
    /// probability below 1% of so many moving toward it if direction were a coin toss.
    /// </summary>
    public static AnomalyFlag? TowardTarget(int reporter, IReadOnlyList<(double Before, double After, double Target)> revisions, int minimum = 6)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        var moves = revisions.Where(v => Math.Abs(v.After - v.Target) != Math.Abs(v.Before - v.Target)).ToList();
        var toward = moves.Count(v => Math.Abs(v.After - v.Target) < Math.Abs(v.Before - v.Target));
        if (moves.Count < minimum)
        {
            return null;
        }

        var p = 0.0;
        for (var k = toward; k <= moves.Count; k++)
        {
            p += Binomial(moves.Count, k) * Math.Pow(0.5, moves.Count);
        }

        return p < 0.01
            ? Flag(Detectors.TowardTarget, reporter, -1, -1, 1 - p,
                $"{toward}/{moves.Count} lần điều chỉnh số liệu đều đưa số liệu gần hơn tới chỉ tiêu được giao.",
                $"{toward} of {moves.Count} revisions moved the figures closer to the assigned target.")
            : null;
    }

    /// <summary>A value with at most two significant digits (12000, 4500, 30), reading it as the decimal it was reported as.</summary>
    public static bool IsRound(double value)
    {
        var v = Math.Abs(value);
        if (v < 10)
        {
            return false;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)) - 1);
        var scaled = v / magnitude;
        return Math.Abs(scaled - Math.Round(scaled)) < 1e-9 * scaled;
    }

    /// <summary>The first significant digit of a positive value.</summary>
    public static int FirstDigit(double value)
    {
        var v = Math.Abs(value);
        var d = (int)(v / Math.Pow(10, Math.Floor(Math.Log10(v))));
        return Math.Clamp(d, 1, 9);
    }

    /// <summary>The log ratio of a value to the same period last year; NaN when either is missing or not positive.</summary>
    public static double Growth(ReportGrid grid, int reporter, int cell, int period)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var back = period - grid.PeriodsPerYear;
        if (back < 0)
        {
            return double.NaN;
        }

        var now = grid[reporter, cell, period];
        var before = grid[reporter, cell, back];
        return now > 0 && before > 0 ? Math.Log(now / before) : double.NaN;
    }

    private static (double Median, double Sigma) MedianSigma(double[] values, bool useStandardDeviation = false)
    {
        var clean = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (clean.Length < 3)
        {
            return (double.NaN, 0);
        }

        var median = Median(clean);
        if (useStandardDeviation)
        {
            var mean = clean.Average();
            return (median, Math.Sqrt(clean.Sum(v => (v - mean) * (v - mean)) / (clean.Length - 1)));
        }

        var deviations = clean.Select(v => Math.Abs(v - median)).Order().ToArray();
        return (median, MadToSigma * Median(deviations));
    }

    private static double MedianAbsolute(double[] values)
    {
        var clean = values.Where(v => !double.IsNaN(v)).ToArray();
        if (clean.Length == 0)
        {
            return 0;
        }

        var median = Median([.. clean.Order()]);
        return Median([.. clean.Select(v => Math.Abs(v - median)).Order()]);
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static double Binomial(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    private static string Percent(double logOrShare, bool signed = true)
    {
        var value = signed ? Math.Exp(logOrShare) - 1 : logOrShare;
        return (signed && value >= 0 ? "+" : "") + (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
    }

    private static AnomalyFlag Flag(string detector, int r, int c, int p, double score, string vi, string en) => new(detector, r, c, p, score, vi, en);
}
