using System.Globalization;

namespace Nris.Core.Oversight;

/// <summary>
/// A cross-check (kiểm tra chéo): one quantity that two sources report and that should agree, e.g. a province's
/// budget revenue in its own socio-economic report against the Ministry of Finance's figure for that province.
/// </summary>
/// <param name="Code">Stable code.</param>
/// <param name="IndicatorCode">The indicator both sources report.</param>
/// <param name="Disaggregation">"_T" (the total) or "CODELIST:CODE"; null means the total.</param>
/// <param name="LeftSource">The first source (regime), usually the territory's own report.</param>
/// <param name="RightSource">The second source (regime), usually the responsible ministry's.</param>
/// <param name="TerritoryCodes">The territories to compare; empty means every unit directly under the nation (the provinces).</param>
/// <param name="AbsoluteTolerance">A gap up to this many units is not a discrepancy.</param>
/// <param name="RelativeTolerance">A gap up to this share of the larger absolute value (0.01 = 1 %) is not a discrepancy.</param>
/// <param name="Name">What is compared, in Vietnamese.</param>
/// <param name="NameEn">The same in English.</param>
public sealed record CrossCheckRule(
    string Code, string IndicatorCode, string? Disaggregation, string LeftSource, string RightSource,
    IReadOnlyList<string>? TerritoryCodes, decimal AbsoluteTolerance, decimal RelativeTolerance, string Name, string NameEn);

/// <summary>The comparison of two values of one cross-check.</summary>
/// <param name="Gap">Left minus right.</param>
/// <param name="RelativeGap">|gap| divided by the larger absolute value; null when both are zero.</param>
/// <param name="IsDiscrepancy">True when the gap exceeds both the absolute and the relative tolerance.</param>
public sealed record CrossCheckComparison(decimal Gap, decimal? RelativeGap, bool IsDiscrepancy);

/// <summary>Compares the two values of a cross-check.</summary>
public static class CrossCheckEvaluator
{
    /// <summary>
    /// Whether <paramref name="left"/> and <paramref name="right"/> disagree: the gap must exceed the absolute
    /// tolerance <em>and</em> the relative one, so a tiny gap on a tiny figure and a rounding gap on a large one
    /// both pass.
    /// </summary>
    public static CrossCheckComparison Compare(decimal left, decimal right, decimal absoluteTolerance, decimal relativeTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(absoluteTolerance);
        ArgumentOutOfRangeException.ThrowIfNegative(relativeTolerance);
        var gap = left - right;
        var scale = Math.Max(Math.Abs(left), Math.Abs(right));
        decimal? relative = scale == 0 ? null : Math.Abs(gap) / scale;
        var discrepancy = Math.Abs(gap) > absoluteTolerance && (relative ?? 0) > relativeTolerance;
        return new CrossCheckComparison(gap, relative, discrepancy);
    }

    /// <summary>One line in Vietnamese and one in English explaining a discrepancy.</summary>
    public static (string Vi, string En) Explain(CrossCheckRule rule, string territory, string period, decimal left, decimal right, CrossCheckComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(comparison);
        static string N(decimal d) => d.ToString("0.##", CultureInfo.InvariantCulture);
        var share = comparison.RelativeGap is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";
        return (
            $"{rule.Name} ({territory}, {period}): {rule.LeftSource} báo cáo {N(left)}, {rule.RightSource} báo cáo {N(right)} — chênh lệch {N(comparison.Gap)} ({share}).",
            $"{rule.NameEn} ({territory}, {period}): {rule.LeftSource} reports {N(left)}, {rule.RightSource} reports {N(right)} — a gap of {N(comparison.Gap)} ({share}).");
    }
}
