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
/// <param name="Kind">What the right side is (<see cref="CrossCheckKinds"/>); null means <c>sources</c>.</param>
/// <param name="Codelist">For <c>disaggregation</c>: the codelist whose parts are summed.</param>
/// <param name="Terms">For <c>formula</c>: the derived value is Σ coefficient × indicator, all from <paramref name="RightSource"/>.</param>
public sealed record CrossCheckRule(
    string Code, string IndicatorCode, string? Disaggregation, string LeftSource, string RightSource,
    IReadOnlyList<string>? TerritoryCodes, decimal AbsoluteTolerance, decimal RelativeTolerance, string Name, string NameEn,
    string? Kind = null, string? Codelist = null, IReadOnlyList<CrossCheckTerm>? Terms = null)
{
    /// <summary>The kind, <c>sources</c> when none is given.</summary>
    public string EffectiveKind => Kind ?? CrossCheckKinds.Sources;

    /// <summary>The formula of a <c>formula</c> rule as text, e.g. "BUDGET_REVENUE_DOMESTIC + BUDGET_REVENUE_OIL".</summary>
    public string FormulaText => string.Join(" ", (Terms ?? []).Select((t, i) =>
        (i == 0 ? (t.Coefficient < 0 ? "−" : "") : (t.Coefficient < 0 ? "− " : "+ ")) +
        (Math.Abs(t.Coefficient) == 1 ? "" : Math.Abs(t.Coefficient).ToString("0.####", CultureInfo.InvariantCulture) + " × ") + t.IndicatorCode));
}

/// <summary>One term of a derived value: <paramref name="Coefficient"/> × the value of <paramref name="IndicatorCode"/>.</summary>
public sealed record CrossCheckTerm(string IndicatorCode, decimal Coefficient = 1m);

/// <summary>What a cross-check compares the left value with.</summary>
public static class CrossCheckKinds
{
    /// <summary>The same cell from another source (a province against the responsible ministry).</summary>
    public const string Sources = "sources";
    /// <summary>The sum of the territory's children (a province's total against the sum of its communes).</summary>
    public const string Children = "children";
    /// <summary>The sum of the parts over one codelist (a total against male + female).</summary>
    public const string Disaggregation = "disaggregation";
    /// <summary>A value derived from other indicators (a total against the sum of its components).</summary>
    public const string Formula = "formula";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Sources, Children, Disaggregation, Formula];
}

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
        var gapVi = $"chênh lệch {N(comparison.Gap)} ({share})";
        var gapEn = $"a gap of {N(comparison.Gap)} ({share})";
        return rule.EffectiveKind switch
        {
            CrossCheckKinds.Children => (
                $"{rule.Name} ({territory}, {period}): số tổng hợp báo cáo {N(left)} ({rule.LeftSource}), tổng các đơn vị trực thuộc {N(right)} ({rule.RightSource}) — {gapVi}.",
                $"{rule.NameEn} ({territory}, {period}): the reported total is {N(left)} ({rule.LeftSource}), the sum of the units under it {N(right)} ({rule.RightSource}) — {gapEn}."),
            CrossCheckKinds.Disaggregation => (
                $"{rule.Name} ({territory}, {period}): tổng số {N(left)}, tổng các phân tổ {rule.Codelist} {N(right)} — {gapVi}.",
                $"{rule.NameEn} ({territory}, {period}): the total is {N(left)}, the sum of its {rule.Codelist} breakdown {N(right)} — {gapEn}."),
            CrossCheckKinds.Formula => (
                $"{rule.Name} ({territory}, {period}): số báo cáo {N(left)}, số tính từ {rule.FormulaText} = {N(right)} — {gapVi}.",
                $"{rule.NameEn} ({territory}, {period}): reported {N(left)}, derived from {rule.FormulaText} = {N(right)} — {gapEn}."),
            _ => (
                $"{rule.Name} ({territory}, {period}): {rule.LeftSource} báo cáo {N(left)}, {rule.RightSource} báo cáo {N(right)} — {gapVi}.",
                $"{rule.NameEn} ({territory}, {period}): {rule.LeftSource} reports {N(left)}, {rule.RightSource} reports {N(right)} — {gapEn}."),
        };
    }
}
