using System.Globalization;

namespace Nris.Core.Oversight;

/// <summary>One value of a daily or weekly series: <paramref name="Series"/> indexes the caller's series list, <paramref name="Step"/> counts periods back from the latest (0 is the latest).</summary>
public readonly record struct RecentValue(int Series, int Step, double Value);

/// <summary>A value far from its own baseline after the peers' common move that period.</summary>
/// <param name="Series">The series (index into the caller's list).</param>
/// <param name="Cell">The cell the series belongs to (its peers share it).</param>
/// <param name="Step">Periods back from the latest.</param>
/// <param name="Value">The value.</param>
/// <param name="Baseline">The median of the same weekday in the previous weeks (daily) or of the previous weeks (weekly).</param>
/// <param name="PeerMove">The peers' typical (median) log move against their own baselines that period.</param>
/// <param name="Z">The value's log move less the peers', in robust σ of the peers' moves.</param>
/// <param name="MessageVi">One line in Vietnamese.</param>
/// <param name="MessageEn">The same in English.</param>
public sealed record RecentFlag(int Series, int Cell, int Step, double Value, double Baseline, double PeerMove, double Z, string MessageVi, string MessageEn);

/// <summary>
/// <c>recent-spike</c> for daily and weekly regimes, over a sparse window instead of the dense reporters × cells ×
/// periods grid (a daily regime such as DVC-NGAY has thousands of series and hundreds of days). Each value of the last
/// <see cref="RecentSteps"/> periods is compared with its own baseline — for a day, the median of the same weekday
/// in the previous <see cref="BaselineWeeks"/> weeks (a Monday with the Mondays); for a week, the median of the
/// previous <see cref="BaselineWeeks"/> weeks — as a log move; the peers' common move that period (every series of the
/// same cell: holidays, Tết) is taken out, and the rest is measured in the robust σ of the peers' moves. A value is
/// flagged when that is more than <see cref="Z"/> σ and more than <see cref="MinimumMove"/> in log (about ±65 %),
/// and its baseline is at least <see cref="MinimumBaseline"/> (small counts move by whole units).
/// </summary>
public static class RecentPeriodDetector
{
    /// <summary>The detector's stable name.</summary>
    public const string Name = "recent-spike";

    /// <summary>How many of the latest periods are judged.</summary>
    public const int RecentSteps = 7;

    /// <summary>How many earlier weeks make a baseline.</summary>
    public const int BaselineWeeks = 4;

    /// <summary>The robust z over which a move is flagged.</summary>
    public const double Z = 4;

    /// <summary>The smallest log move flagged (0.5 is about +65 % or −39 %).</summary>
    public const double MinimumMove = 0.5;

    /// <summary>The smallest baseline judged.</summary>
    public const double MinimumBaseline = 20;

    /// <summary>The fewest peers (series of the cell with a move that period) needed to judge it.</summary>
    public const int MinimumPeers = 5;

    /// <summary>How many periods back a window must reach: the judged periods and their baselines.</summary>
    public static int WindowSteps(bool daily) => RecentSteps + ((daily ? 7 : 1) * BaselineWeeks);

    /// <summary>
    /// Judges the latest periods. <paramref name="cellOf"/> gives each series' cell; <paramref name="values"/> are
    /// the series' values within <see cref="WindowSteps"/>; <paramref name="daily"/> picks the same-weekday baseline.
    /// </summary>
    public static IReadOnlyList<RecentFlag> Detect(IReadOnlyList<int> cellOf, IEnumerable<RecentValue> values, bool daily)
    {
        ArgumentNullException.ThrowIfNull(cellOf);
        ArgumentNullException.ThrowIfNull(values);
        var window = WindowSteps(daily);
        var series = new double[cellOf.Count][];
        foreach (var v in values)
        {
            if (v.Step < 0 || v.Step >= window || v.Series < 0 || v.Series >= cellOf.Count)
            {
                continue;
            }

            var s = series[v.Series] ??= Enumerable.Repeat(double.NaN, window).ToArray();
            s[v.Step] = v.Value;
        }

        var stride = daily ? 7 : 1;
        var flags = new List<RecentFlag>();
        for (var step = 0; step < RecentSteps; step++)
        {
            // Each series' log move against its baseline, grouped by cell.
            var moves = new Dictionary<int, List<(int Series, double Move, double Value, double Baseline)>>();
            for (var i = 0; i < series.Length; i++)
            {
                if (series[i] is not { } s || !(s[step] > 0))
                {
                    continue;
                }

                var before = Enumerable.Range(1, BaselineWeeks).Select(k => step + (k * stride)).Where(p => p < window && s[p] > 0)
                    .Select(p => s[p]).Order().ToArray();
                if (before.Length < BaselineWeeks - 1)
                {
                    continue;
                }

                var baseline = Median(before);
                if (baseline < MinimumBaseline)
                {
                    continue;
                }

                if (!moves.TryGetValue(cellOf[i], out var list))
                {
                    moves[cellOf[i]] = list = [];
                }

                list.Add((i, Math.Log(s[step] / baseline), s[step], baseline));
            }

            foreach (var (cell, list) in moves)
            {
                if (list.Count < MinimumPeers)
                {
                    continue;
                }

                var sorted = list.Select(x => x.Move).Order().ToArray();
                var common = Median(sorted);
                var sigma = 1.4826 * Median([.. sorted.Select(m => Math.Abs(m - common)).Order()]);
                foreach (var (i, move, value, baseline) in list)
                {
                    var gap = move - common;
                    var z = sigma > 0 ? gap / sigma : double.PositiveInfinity * Math.Sign(gap);
                    if (Math.Abs(gap) > MinimumMove && Math.Abs(z) > Z)
                    {
                        var change = Percent(move);
                        var peers = Percent(common);
                        var basis = daily ? $"the same weekday of the previous {BaselineWeeks} weeks" : $"the previous {BaselineWeeks} weeks";
                        var basisVi = daily ? $"cùng thứ trong {BaselineWeeks} tuần trước" : $"{BaselineWeeks} tuần trước";
                        flags.Add(new RecentFlag(i, cell, step, value, baseline, common, z,
                            string.Create(CultureInfo.InvariantCulture, $"{change} so với trung vị {Number(baseline)} của {basisVi}, trong khi các đơn vị khác thay đổi {peers} (z {z:0.0})."),
                            string.Create(CultureInfo.InvariantCulture, $"{change} on the median {Number(baseline)} of {basis}, where the other series moved {peers} (z {z:0.0}).")));
                    }
                }
            }
        }

        return flags;
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static string Percent(double log)
    {
        var value = Math.Exp(log) - 1;
        return (value >= 0 ? "+" : "") + (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
    }

    private static string Number(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
}
