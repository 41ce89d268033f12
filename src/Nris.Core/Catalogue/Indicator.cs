namespace Nris.Core.Catalogue;

/// <summary>What kind of value an indicator holds.</summary>
public enum IndicatorValueType
{
    /// <summary>Whole number (counts).</summary>
    Integer = 0,
    /// <summary>Decimal number (amounts, indices).</summary>
    Decimal = 1,
    /// <summary>Percentage, stored as the number of percent (8.02 means 8.02 %).</summary>
    Percent = 2,
    /// <summary>Yes / no.</summary>
    Boolean = 3,
    /// <summary>Free text.</summary>
    Text = 4,
}

/// <summary>How values of an indicator combine across territories (commune → province → nation).</summary>
public enum TerritoryAggregation
{
    /// <summary>Add up (counts, amounts).</summary>
    Sum = 0,
    /// <summary>Plain average of the children.</summary>
    Average = 1,
    /// <summary>Average weighted by another indicator (e.g. a rate weighted by population).</summary>
    WeightedAverage = 2,
    /// <summary>Smallest child value.</summary>
    Min = 3,
    /// <summary>Largest child value.</summary>
    Max = 4,
    /// <summary>Not aggregated: a non-additive indicator is never summed.</summary>
    None = 5,
}

/// <summary>How values of an indicator combine across time (months → quarters → years).</summary>
public enum TimeAggregation
{
    /// <summary>Flows add up (a quarter is its three months).</summary>
    Sum = 0,
    /// <summary>Stocks take the last value of the period.</summary>
    Last = 1,
    /// <summary>Averages average.</summary>
    Average = 2,
    /// <summary>Not aggregated over time.</summary>
    None = 3,
}

/// <summary>An information category (nhóm thông tin) grouping indicators on dashboards.</summary>
public sealed record InformationCategory(string Code, string Name, string NameEn, int Order = 0);

/// <summary>One code of a codelist, e.g. sex "F" (Nữ / Female).</summary>
public sealed record CodeItem(string Code, string Name, string NameEn);

/// <summary>
/// A codelist used to disaggregate values (phân tổ), e.g. sex, urban/rural, age group, economic sector.
/// The total across the list uses the SDMX code <see cref="TotalCode"/>.
/// </summary>
public sealed record Codelist(string Code, string Name, string NameEn, IReadOnlyList<CodeItem> Codes)
{
    /// <summary>The code that stands for the total over the codelist.</summary>
    public const string TotalCode = "_T";
}

/// <summary>
/// A measured quantity (chỉ tiêu): unit, value type, aggregation rules, disaggregations, and for derived
/// indicators a formula over other indicators.
/// </summary>
/// <param name="Code">Stable code, e.g. "GRDP", "CPI".</param>
/// <param name="Name">Vietnamese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="Unit">Vietnamese unit, e.g. "tỷ đồng".</param>
/// <param name="UnitEn">English unit, e.g. "billion VND".</param>
/// <param name="ValueType">Kind of value.</param>
/// <param name="CategoryCode">Information category.</param>
/// <param name="TerritoryAggregation">Rule over territory.</param>
/// <param name="TimeAggregation">Rule over time.</param>
/// <param name="Disaggregations">Codes of the codelists this indicator may be broken down by.</param>
/// <param name="WeightIndicatorCode">For <see cref="TerritoryAggregation.WeightedAverage"/>: the weight.</param>
/// <param name="Formula">For derived indicators: an expression over other indicator codes, e.g. "GRDP / POP".</param>
/// <param name="Description">What the indicator measures, in Vietnamese.</param>
/// <param name="DescriptionEn">What the indicator measures, in English.</param>
/// <param name="MinValue">Smallest admissible value, if any.</param>
/// <param name="MaxValue">Largest admissible value, if any.</param>
/// <param name="Decimals">Decimal places shown.</param>
/// <param name="SourceOrder">Preferred sources, first preferred: regime codes (an aggregate's source is the regime its values came in by).</param>
public sealed record Indicator(
    string Code,
    string Name,
    string NameEn,
    string Unit,
    string UnitEn,
    IndicatorValueType ValueType,
    string CategoryCode,
    TerritoryAggregation TerritoryAggregation,
    TimeAggregation TimeAggregation,
    IReadOnlyList<string> Disaggregations,
    string? WeightIndicatorCode = null,
    string? Formula = null,
    string? Description = null,
    string? DescriptionEn = null,
    decimal? MinValue = null,
    decimal? MaxValue = null,
    int Decimals = 0,
    IReadOnlyList<string>? SourceOrder = null)
{
    /// <summary>Whether this indicator is computed from others rather than reported.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDerived => !string.IsNullOrWhiteSpace(Formula);
}
