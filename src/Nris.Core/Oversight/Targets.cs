using System.Globalization;

namespace Nris.Core.Oversight;

/// <summary>What a target's value is.</summary>
public enum TargetKind
{
    /// <summary>An amount for the whole year (e.g. budget revenue), reached by adding up the periods.</summary>
    Level = 0,
    /// <summary>A rate to reach for the year (e.g. GDP growth 10 %, average CPI growth 4.5 %), compared as it stands so far.</summary>
    Rate = 1,
}

/// <summary>How a target stands.</summary>
public enum TargetStatus
{
    /// <summary>No figure yet for the year.</summary>
    NoData = 0,
    /// <summary>At or ahead of the pace needed (đúng tiến độ).</summary>
    OnTrack = 1,
    /// <summary>Slightly behind the pace needed (có nguy cơ không đạt).</summary>
    AtRisk = 2,
    /// <summary>Well behind the pace needed (không đạt tiến độ).</summary>
    OffTrack = 3,
}

/// <summary>A value a target should have reached by the end of a period (e.g. a quarterly milestone).</summary>
/// <param name="Period">The period code, e.g. "2026-Q2".</param>
/// <param name="Value">The cumulative value (level) or rate due by then.</param>
public sealed record TargetMilestone(string Period, decimal Value);

/// <summary>
/// An assigned target (chỉ tiêu được giao) for one indicator, territory and year, with its legal basis.
/// </summary>
/// <param name="Code">Stable code.</param>
/// <param name="IndicatorCode">The indicator.</param>
/// <param name="TerritoryCode">The territory ("VN" for the nation).</param>
/// <param name="Year">The plan year.</param>
/// <param name="Kind">Level or rate.</param>
/// <param name="Value">The target value.</param>
/// <param name="HigherIsBetter">False for ceilings such as inflation: at or below the target is on track.</param>
/// <param name="LegalBasis">The act that assigns it, in Vietnamese.</param>
/// <param name="LegalBasisEn">The same in English.</param>
/// <param name="Source">Where the figure was read, for checking.</param>
/// <param name="IsDemo">True for made-up demonstration targets, which the API marks as such.</param>
/// <param name="Milestones">Milestones within the year, if the act gives any.</param>
public sealed record Target(
    string Code, string IndicatorCode, string TerritoryCode, int Year, TargetKind Kind, decimal Value, bool HigherIsBetter,
    string LegalBasis, string LegalBasisEn, string? Source, bool IsDemo, IReadOnlyList<TargetMilestone> Milestones);

/// <summary>The progress of a target at one moment.</summary>
/// <param name="Target">The target.</param>
/// <param name="Actual">The actual so far: the cumulative level, or the rate as it stands.</param>
/// <param name="Needed">What the pace needs by now (same unit as <paramref name="Actual"/>).</param>
/// <param name="Pace">How <paramref name="Needed"/> was worked out: milestone, seasonal (last year's share), pro-rata, or target (a rate).</param>
/// <param name="Status">On track, at risk, off track, or no data.</param>
/// <param name="ExplanationVi">One line in Vietnamese.</param>
/// <param name="ExplanationEn">One line in English.</param>
public sealed record TargetProgress(
    Target Target, decimal? Actual, decimal? Needed, string Pace, TargetStatus Status, string ExplanationVi, string ExplanationEn);

/// <summary>Judges a target's progress against the pace needed.</summary>
public static class TargetEvaluator
{
    /// <summary>A level within this share below the pace (or a rate within this many points) is at risk, not off track.</summary>
    public const decimal AtRiskBand = 0.05m;

    /// <summary>Points of a rate within which it is at risk rather than off track.</summary>
    public const decimal AtRiskPoints = 1m;

    /// <summary>
    /// The progress of <paramref name="target"/>. For a level: the cumulative actual against the milestone due by now
    /// if there is one, else last year's share of its total reached by the same point (seasonal) when known, else the
    /// elapsed share of the year (pro-rata). For a rate: the rate as it stands against the target.
    /// </summary>
    /// <param name="target">The target.</param>
    /// <param name="actual">The cumulative level so far, or the rate as it stands; null when nothing is reported.</param>
    /// <param name="elapsedShare">The share of the year the actual covers (e.g. 0.25 after the first quarter).</param>
    /// <param name="lastYearShare">Last year's cumulative to the same point divided by last year's total, if known.</param>
    /// <param name="milestone">The latest milestone due by now, if any.</param>
    public static TargetProgress Evaluate(Target target, decimal? actual, decimal elapsedShare, decimal? lastYearShare, TargetMilestone? milestone)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (actual is not { } a)
        {
            return new TargetProgress(target, null, null, "none", TargetStatus.NoData, "Chưa có số liệu của năm.", "No figure for the year yet.");
        }

        string pace;
        decimal needed;
        if (target.Kind == TargetKind.Rate)
        {
            (pace, needed) = milestone is not null ? ("milestone", milestone.Value) : ("target", target.Value);
        }
        else if (milestone is not null)
        {
            (pace, needed) = ("milestone", milestone.Value);
        }
        else if (lastYearShare is { } share and > 0 and <= 1)
        {
            (pace, needed) = ("seasonal", target.Value * share);
        }
        else
        {
            (pace, needed) = ("pro-rata", target.Value * Math.Clamp(elapsedShare, 0, 1));
        }

        // Shortfall in the direction that matters: positive when behind.
        var shortfall = target.HigherIsBetter ? needed - a : a - needed;
        var status = target.Kind == TargetKind.Rate
            ? shortfall <= 0 ? TargetStatus.OnTrack : shortfall <= AtRiskPoints ? TargetStatus.AtRisk : TargetStatus.OffTrack
            : shortfall <= 0 ? TargetStatus.OnTrack : needed != 0 && shortfall / Math.Abs(needed) <= AtRiskBand ? TargetStatus.AtRisk : TargetStatus.OffTrack;
        var actualText = a.ToString("0.##", CultureInfo.InvariantCulture);
        var neededText = needed.ToString("0.##", CultureInfo.InvariantCulture);
        var statusVi = status switch { TargetStatus.OnTrack => "đúng tiến độ", TargetStatus.AtRisk => "có nguy cơ không đạt", _ => "không đạt tiến độ" };
        var statusEn = status switch { TargetStatus.OnTrack => "on track", TargetStatus.AtRisk => "at risk", _ => "off track" };
        var paceVi = pace switch { "milestone" => "mốc tiến độ", "seasonal" => "tỷ trọng cùng kỳ năm trước", "pro-rata" => "tỷ lệ thời gian đã qua", _ => "chỉ tiêu năm" };
        return new TargetProgress(target, a, needed, pace, status,
            $"{target.IndicatorCode} {target.TerritoryCode}: thực hiện {actualText}, cần {neededText} theo {paceVi} (chỉ tiêu {target.Value.ToString("0.##", CultureInfo.InvariantCulture)}) — {statusVi}.",
            $"{target.IndicatorCode} {target.TerritoryCode}: actual {actualText}, {neededText} needed by the {pace} pace (target {target.Value.ToString("0.##", CultureInfo.InvariantCulture)}) — {statusEn}.");
    }
}
