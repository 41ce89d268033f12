namespace Nris.Core.Submissions;

/// <summary>How final a reported value is (tình trạng số liệu).</summary>
public enum ObservationStatus
{
    /// <summary>No particular status stated.</summary>
    Normal = 0,
    /// <summary>Estimated (số liệu ước tính): the period is not over when the report is due.</summary>
    Estimated = 1,
    /// <summary>Provisional (số liệu sơ bộ): may still be revised.</summary>
    Provisional = 2,
    /// <summary>Official (số liệu chính thức).</summary>
    Official = 3,
}

/// <summary>
/// One value of a report, as submitted. Exactly one of <see cref="Number"/>, <see cref="Text"/> and <see cref="Flag"/>
/// is set, the one that fits the indicator's value type; the validator reports anything else.
/// </summary>
/// <param name="IndicatorCode">The indicator, e.g. "IIP".</param>
/// <param name="Disaggregation">The disaggregation key: <see cref="Disaggregations.Total"/> or "CODELIST:CODE".</param>
/// <param name="TerritoryCode">The territory the value describes; null for the reporter's own territory.</param>
/// <param name="Number">The value of a numeric indicator (integer, decimal or percent).</param>
/// <param name="Text">The value of a text indicator.</param>
/// <param name="Flag">The value of a yes/no indicator.</param>
/// <param name="Status">Estimated, provisional or official.</param>
/// <param name="Note">The reporter's footnote on this value.</param>
public sealed record ReportValue(
    string IndicatorCode,
    string Disaggregation,
    string? TerritoryCode,
    decimal? Number,
    string? Text,
    bool? Flag,
    ObservationStatus Status = ObservationStatus.Normal,
    string? Note = null)
{
    /// <summary>Whether none of number, text and flag is set: the cell was sent blank.</summary>
    public bool IsBlank => Number is null && Text is null && Flag is null;
}

/// <summary>The identity of a cell inside one report: indicator × disaggregation × territory.</summary>
/// <param name="IndicatorCode">The indicator.</param>
/// <param name="Disaggregation">The disaggregation key (<see cref="Disaggregations.Total"/> or "CODELIST:CODE").</param>
/// <param name="TerritoryCode">The territory, always explicit (the reporter's own territory is filled in).</param>
public sealed record CellKey(string IndicatorCode, string Disaggregation, string TerritoryCode);

/// <summary>A reporter's explanation for a failed warning rule (giải trình), which lets the report be submitted.</summary>
/// <param name="RuleCode">The code of the warning rule, e.g. "R04".</param>
/// <param name="Text">The explanation; blank text explains nothing.</param>
public sealed record WarningExplanation(string RuleCode, string Text);
