using System.Globalization;
using Nris.Core.Periods;

namespace Nris.Core.Oversight;

/// <summary>
/// One figure changed by a revision: the value of <paramref name="Indicator"/> for <paramref name="Territory"/> in
/// <paramref name="Period"/> (the total) was <paramref name="Before"/> in version <paramref name="FromVersion"/> and
/// <paramref name="After"/> in version <paramref name="ToVersion"/>, written by ledger entry <paramref name="LedgerSequence"/>.
/// </summary>
public sealed record RevisedFigure(
    string Regime, string Reporter, Period Period, string Indicator, string Territory, int FromVersion, int ToVersion,
    decimal Before, decimal After, long LedgerSequence);

/// <summary>A revised figure judged against its target: <paramref name="Goal"/> is what the figure is compared with.</summary>
public sealed record JudgedRevision(RevisedFigure Revision, Target Target, decimal Goal, bool Toward);

/// <summary>A reporter whose revisions of one regime's figures in one year moved toward the targets far more often than chance.</summary>
/// <param name="Regime">The regime the figures were reported under.</param>
/// <param name="Reporter">The reporter.</param>
/// <param name="Year">The year of the revised periods (targets are per year).</param>
/// <param name="Toward">Revisions that moved the figure toward its target (or past it).</param>
/// <param name="Moves">Revisions that changed a figure with a target.</param>
/// <param name="PValue">One-sided binomial probability of at least <paramref name="Toward"/> of <paramref name="Moves"/> if the direction were a coin toss.</param>
/// <param name="Revisions">Every judged revision, the ones moving toward first, in ledger order.</param>
/// <param name="MessageVi">One line in Vietnamese naming the revisions and the targets.</param>
/// <param name="MessageEn">The same in English.</param>
public sealed record TowardTargetFinding(
    string Regime, string Reporter, int Year, int Toward, int Moves, double PValue, IReadOnlyList<JudgedRevision> Revisions,
    string MessageVi, string MessageEn)
{
    /// <summary>The score the anomaly list shows: −log10 of the p-value (4 is one in ten thousand).</summary>
    public double Score => -Math.Log10(Math.Max(PValue, 1e-300));
}

/// <summary>
/// <c>toward-target</c> over revision histories: each revised figure that has an assigned target for its indicator,
/// territory and year is judged by its direction. It moved <em>toward</em> the target when it went from the old value
/// in the direction of the target (reaching or passing it counts too); an honest correction goes either way. A
/// reporter is flagged when at least <see cref="MinimumMoves"/> of its revised figures of a regime in a year have a
/// target and the one-sided binomial probability that so many would move toward it by chance is below
/// <see cref="Alpha"/>.
/// </summary>
/// <remarks>
/// What a figure is compared with: for a <see cref="TargetKind.Rate"/> target, the rate itself (or the latest
/// milestone due by the end of the period); for a <see cref="TargetKind.Level"/> target (an amount for the year), the
/// pro-rata pace of one period, the year's value divided by the periods in a year (a monthly budget revenue figure
/// against a twelfth of the year's target). Only totals count (no breakdowns).
/// </remarks>
public static class TowardTargetDetector
{
    /// <summary>The fewest revised figures with a target before a reporter can be flagged.</summary>
    public const int MinimumMoves = 6;

    /// <summary>The one-sided binomial probability under which a reporter is flagged.</summary>
    public const double Alpha = 0.01;

    /// <summary>The revisions an explanation names before "and N more".</summary>
    public const int Named = 3;

    /// <summary>The findings over <paramref name="revisions"/>, judged against <paramref name="targets"/> (the targets view).</summary>
    public static IReadOnlyList<TowardTargetFinding> Detect(
        IEnumerable<RevisedFigure> revisions, IReadOnlyList<Target> targets, int minimumMoves = MinimumMoves, double alpha = Alpha)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        ArgumentNullException.ThrowIfNull(targets);
        var byCell = new Dictionary<(string Indicator, string Territory, int Year), Target>();
        foreach (var t in targets)
        {
            // Two targets for one cell: the later in the list wins (the targets view lists ledger additions last).
            byCell[(t.IndicatorCode, t.TerritoryCode, t.Year)] = t;
        }

        var findings = new List<TowardTargetFinding>();
        foreach (var group in revisions.GroupBy(r => (r.Regime, r.Reporter, r.Period.Year)).OrderBy(g => g.Key.Regime, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Reporter, StringComparer.Ordinal).ThenBy(g => g.Key.Year))
        {
            var judged = new List<JudgedRevision>();
            foreach (var r in group.OrderBy(r => r.LedgerSequence).ThenBy(r => r.Indicator, StringComparer.Ordinal).ThenBy(r => r.Territory, StringComparer.Ordinal))
            {
                if (Judge(r, byCell.GetValueOrDefault((r.Indicator, r.Territory, r.Period.Year))) is { } j)
                {
                    judged.Add(j);
                }
            }

            var toward = judged.Count(j => j.Toward);
            if (judged.Count < minimumMoves)
            {
                continue;
            }

            var p = UpperTail(judged.Count, toward);
            if (p >= alpha)
            {
                continue;
            }

            var (vi, en) = Explain(group.Key.Year, toward, judged, p);
            findings.Add(new TowardTargetFinding(group.Key.Regime, group.Key.Reporter, group.Key.Year, toward, judged.Count, p,
                [.. judged.Where(j => j.Toward), .. judged.Where(j => !j.Toward)], vi, en));
        }

        return findings;
    }

    /// <summary>
    /// Judges one revised figure against <paramref name="target"/>: null when there is no target, the figure did not
    /// change, the period has no pace (daily, weekly) or the old value already sat on the goal (any move is away).
    /// </summary>
    public static JudgedRevision? Judge(RevisedFigure revision, Target? target)
    {
        ArgumentNullException.ThrowIfNull(revision);
        if (target is null || revision.After == revision.Before || Goal(target, revision.Period) is not { } goal || goal == revision.Before)
        {
            return null;
        }

        return new JudgedRevision(revision, target, goal, Math.Sign(revision.After - revision.Before) == Math.Sign(goal - revision.Before));
    }

    /// <summary>What a figure of <paramref name="period"/> is compared with: the rate (or the milestone due), or a level's pace for one period.</summary>
    public static decimal? Goal(Target target, Period period)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Kind == TargetKind.Rate)
        {
            var due = target.Milestones
                .Select(m => (Milestone: m, Ok: Period.TryParse(m.Period, out var mp), At: mp))
                .Where(m => m.Ok && m.At.End <= period.End).OrderBy(m => m.At.End).Select(m => (decimal?)m.Milestone.Value).LastOrDefault();
            return due ?? target.Value;
        }

        var perYear = period.Periodicity switch
        {
            Periodicity.Monthly => 12,
            Periodicity.Quarterly => 4,
            Periodicity.HalfYearly => 2,
            Periodicity.Yearly => 1,
            _ => 0,
        };
        return perYear == 0 ? null : target.Value / perYear;
    }

    /// <summary>P(X ≥ <paramref name="k"/>) for X ~ Binomial(<paramref name="n"/>, ½).</summary>
    public static double UpperTail(int n, int k)
    {
        var p = 0.0;
        for (var i = Math.Max(0, k); i <= n; i++)
        {
            p += Math.Exp(LogChoose(n, i) - (n * Math.Log(2)));
        }

        return Math.Min(1, p);
    }

    private static double LogChoose(int n, int k)
    {
        var result = 0.0;
        for (var i = 1; i <= k; i++)
        {
            result += Math.Log(n - k + i) - Math.Log(i);
        }

        return result;
    }

    private static (string Vi, string En) Explain(int year, int toward, List<JudgedRevision> judged, double p)
    {
        var named = judged.Where(j => j.Toward).Take(Named).ToList();
        string Line(JudgedRevision j, bool vi)
        {
            var r = j.Revision;
            var goal = Number(j.Goal);
            var pace = j.Target.Kind == TargetKind.Rate ? (vi ? $"chỉ tiêu {goal}" : $"target {goal}")
                : vi ? $"nhịp cần đạt {goal}/kỳ của chỉ tiêu năm {Number(j.Target.Value)}" : $"pace {goal} a period of the year's target {Number(j.Target.Value)}";
            return string.Create(CultureInfo.InvariantCulture,
                $"{r.Indicator} {r.Period} v{r.FromVersion}→v{r.ToVersion} {Number(r.Before)}→{Number(r.After)} ({pace}, {j.Target.Code})");
        }

        var more = toward - named.Count;
        var pText = p.ToString(p < 0.001 ? "0.0E0" : "0.000", CultureInfo.InvariantCulture);
        var vi = string.Create(CultureInfo.InvariantCulture,
            $"{toward}/{judged.Count} lần điều chỉnh số liệu năm {year} đưa số liệu về phía chỉ tiêu được giao (xác suất ngẫu nhiên {pText}): ")
            + string.Join("; ", named.Select(j => Line(j, true))) + (more > 0 ? string.Create(CultureInfo.InvariantCulture, $"; và {more} lần khác.") : ".");
        var en = string.Create(CultureInfo.InvariantCulture,
            $"{toward} of {judged.Count} revisions of {year} moved the figures toward the assigned target (chance probability {pText}): ")
            + string.Join("; ", named.Select(j => Line(j, false))) + (more > 0 ? string.Create(CultureInfo.InvariantCulture, $"; and {more} more.") : ".");
        return (vi, en);
    }

    private static string Number(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
}
