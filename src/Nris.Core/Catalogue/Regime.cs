using Nris.Core.Periods;

namespace Nris.Core.Catalogue;

/// <summary>The legal type of a reporting regime (loại chế độ báo cáo, Decree 09/2019).</summary>
public enum RegimeType
{
    /// <summary>Periodic report (báo cáo định kỳ).</summary>
    Periodic = 0,
    /// <summary>Statistical report (báo cáo thống kê).</summary>
    Statistical = 1,
    /// <summary>Thematic report (báo cáo chuyên đề).</summary>
    Thematic = 2,
    /// <summary>Ad-hoc report (báo cáo đột xuất).</summary>
    AdHoc = 3,
}

/// <summary>Who may read a regime's data, besides the reporter and the recipient.</summary>
public enum Classification
{
    /// <summary>Open data.</summary>
    Public = 0,
    /// <summary>Inside the state administration.</summary>
    Internal = 1,
    /// <summary>Confidential: read only by explicit grant, and every read is audited.</summary>
    Confidential = 2,
}

/// <summary>How bad a failed validation rule is.</summary>
public enum RuleSeverity
{
    /// <summary>Blocks submission.</summary>
    Error = 0,
    /// <summary>Needs an explanation to submit.</summary>
    Warning = 1,
}

/// <summary>Which organizations must send a regime's report: by kind, by explicit code, or both.</summary>
public sealed record ReporterSpec(
    IReadOnlyList<OrganizationKind> Kinds,
    IReadOnlyList<string> Codes)
{
    /// <summary>Whether <paramref name="organization"/> is a reporter of the regime.</summary>
    public bool Includes(Organization organization) =>
        Kinds.Contains(organization.Kind) || Codes.Contains(organization.Code, StringComparer.Ordinal);
}

/// <summary>
/// A row of a form: an indicator, optionally broken down by one codelist whose codes become the columns.
/// Rule expressions name cells by row code (e.g. "A01", or "A01[F]" for one column).
/// </summary>
/// <param name="Code">Row code within the form, e.g. "A01".</param>
/// <param name="Label">Vietnamese row label.</param>
/// <param name="LabelEn">English row label.</param>
/// <param name="IndicatorCode">The indicator reported in this row.</param>
/// <param name="DisaggregationCodelist">Codelist whose codes are the columns; null for a single total column.</param>
/// <param name="Required">Whether the cell must be filled to submit.</param>
public sealed record FormRow(
    string Code,
    string Label,
    string LabelEn,
    string IndicatorCode,
    string? DisaggregationCodelist = null,
    bool Required = true);

/// <summary>A section of a form (phần, biểu).</summary>
public sealed record FormSection(string Code, string Title, string TitleEn, IReadOnlyList<FormRow> Rows);

/// <summary>A validation rule stored as an expression over form cells, e.g. "A01 = A02 + A03".</summary>
public sealed record ValidationRule(
    string Code,
    string Expression,
    RuleSeverity Severity,
    string Message,
    string MessageEn);

/// <summary>
/// A reporting regime (chế độ báo cáo): a legally defined report with content, reporters, recipient,
/// periodicity, data cutoff, deadline, legal basis and classification. Versioned with validity dates.
/// </summary>
/// <param name="Code">Stable code, e.g. "KTXH-TINH-THANG".</param>
/// <param name="Version">Version number, from 1.</param>
/// <param name="Validity">Dates this version is in force.</param>
/// <param name="Name">Vietnamese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="LegalBasis">The legal text that defines it, e.g. "Nghị định 09/2019/NĐ-CP".</param>
/// <param name="Type">Regime type.</param>
/// <param name="Periodicity">How often it is due.</param>
/// <param name="CutoffRule">Data cutoff rule; "decree09" for the Decree 09 windows, "calendar" for the calendar period.</param>
/// <param name="DeadlineRule">Deadline rule text, e.g. "day 20 of last month" or "5 days after cutoff".</param>
/// <param name="Reporters">Who reports.</param>
/// <param name="RecipientCode">Organization that receives the reports; "parent" means each reporter's parent.</param>
/// <param name="Sections">The form.</param>
/// <param name="Rules">Validation rules.</param>
/// <param name="Classification">Who may read its data.</param>
/// <param name="CategoryCode">Main information category, for dashboards.</param>
public sealed record Regime(
    string Code,
    int Version,
    Validity Validity,
    string Name,
    string NameEn,
    string LegalBasis,
    RegimeType Type,
    Periodicity Periodicity,
    string CutoffRule,
    string DeadlineRule,
    ReporterSpec Reporters,
    string RecipientCode,
    IReadOnlyList<FormSection> Sections,
    IReadOnlyList<ValidationRule> Rules,
    Classification Classification,
    string? CategoryCode = null)
{
    /// <summary>Recipient value meaning "each reporter's parent organization".</summary>
    public const string ParentRecipient = "parent";

    /// <summary>All rows of the form, section by section.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<FormRow> Rows => Sections.SelectMany(s => s.Rows);
}
