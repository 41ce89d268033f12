using System.Globalization;
using Nris.Core.Catalogue;
using Nris.Core.Oversight;
using Nris.Core.Periods;

namespace Nris.Core.Requests;

/// <summary>
/// Where one target's answer to an ad-hoc report request (báo cáo đột xuất) stands in its workflow, after its last
/// ledger step. The compliance state (<see cref="ComplianceState"/>) adds the clock to this.
/// </summary>
public enum RequestAnswerStatus
{
    /// <summary>Nothing answered yet (chưa trả lời).</summary>
    Pending = 0,
    /// <summary>An answer version waits for the issuer's decision (đã trả lời).</summary>
    Answered = 1,
    /// <summary>The issuer returned the last version with a reason (bị trả lại).</summary>
    Returned = 2,
    /// <summary>The issuer accepted the last version (đã tiếp nhận); no further revision.</summary>
    Accepted = 3,
}

/// <summary>One asked indicator: its code and, optionally, the codelist whose codes break it down.</summary>
/// <param name="IndicatorCode">The catalogue indicator, e.g. "ENT_NEW".</param>
/// <param name="DisaggregationCodelist">A codelist of the indicator's disaggregations, or null for the total only.</param>
public sealed record RequestIndicator(string IndicatorCode, string? DisaggregationCodelist);

/// <summary>One free-text question of a request.</summary>
/// <param name="Code">Stable code inside the request ("Q1", "Q2" …), which answers name.</param>
/// <param name="Text">The question in Vietnamese.</param>
/// <param name="TextEn">The question in English (optional).</param>
public sealed record RequestQuestion(string Code, string Text, string? TextEn);

/// <summary>
/// The pure rules of ad-hoc report requests: compliance states, the synthetic form answers are validated against,
/// and the issuing reach.
/// </summary>
public static class ReportRequests
{
    /// <summary>The most targets one request may name.</summary>
    public const int MaxTargets = 500;

    /// <summary>The most questions of one request.</summary>
    public const int MaxQuestions = 50;

    /// <summary>The most indicators of one request.</summary>
    public const int MaxIndicators = 100;

    /// <summary>The longest question or text answer, in characters.</summary>
    public const int MaxText = 8000;

    /// <summary>The longest subject or reason, in characters.</summary>
    public const int MaxSubject = 400;

    /// <summary>The code of a request in the synthetic regime and in messages: "YC-17".</summary>
    public static string CodeOf(long id) => "YC-" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The compliance state of one target at <paramref name="now"/>. A target is late from midnight at the end of the
    /// deadline day in Vietnam time, like a regime's report; timeliness goes by the first answer.
    /// </summary>
    public static ComplianceState StateOf(RequestAnswerStatus status, DateTimeOffset? firstAnswered, DateOnly deadline, DateTimeOffset now) =>
        status switch
        {
            RequestAnswerStatus.Accepted => ComplianceState.Accepted,
            RequestAnswerStatus.Returned => ComplianceState.Returned,
            RequestAnswerStatus.Answered => firstAnswered is { } f && f < ReportingCalendar.DueInstant(deadline)
                ? ComplianceState.ReceivedOnTime
                : ComplianceState.ReceivedLate,
            _ => now < ReportingCalendar.DueInstant(deadline) ? ComplianceState.NotYetDue : ComplianceState.Missing,
        };

    /// <summary>
    /// The regime an answer is validated against: a one-off ad-hoc regime whose form holds the asked indicators (one
    /// row each, broken down by the asked codelist), whose only reporter is <paramref name="target"/> and whose period
    /// is the request's. The submission validator then checks an answer's values exactly as a report's: value types,
    /// whole numbers, ranges, disaggregation codes, territories within the target's own, duplicates, required totals.
    /// </summary>
    /// <exception cref="ArgumentException">An indicator or codelist the catalogue lacks (checked when issuing).</exception>
    public static Regime FormRegime(
        long id, string subject, string subjectEn, Period period, string issuerCode, string target,
        IReadOnlyList<RequestIndicator> indicators, Classification classification, CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(catalogue);
        var rows = new List<FormRow>(indicators.Count);
        for (var i = 0; i < indicators.Count; i++)
        {
            var ind = indicators[i];
            var found = catalogue.Indicators.TryGetValue(ind.IndicatorCode, out var indicator) ? indicator : null;
            rows.Add(new FormRow(
                "R" + (i + 1).ToString("00", CultureInfo.InvariantCulture),
                found?.Name ?? ind.IndicatorCode, found?.NameEn ?? ind.IndicatorCode, ind.IndicatorCode, ind.DisaggregationCodelist, Required: true));
        }

        return new Regime(
            CodeOf(id), 1, new Validity(null, null), subject, subjectEn, "", RegimeType.AdHoc, period.Periodicity, "calendar", "",
            new ReporterSpec([], [target]), issuerCode, [new FormSection("A", subject, subjectEn, rows)], [], classification);
    }

    /// <summary>
    /// Whether <paramref name="targetCode"/> is within the reach of <paramref name="issuerCode"/>: its own subtree on
    /// <paramref name="asOf"/>, except that the Government Office (<paramref name="governmentOfficeCode"/>) acts for
    /// the Government and reaches the Government's whole tree.
    /// </summary>
    public static bool Reaches(OrganizationIndex organizations, string issuerCode, string targetCode, DateOnly asOf, string governmentOfficeCode)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        if (targetCode == issuerCode)
        {
            return false;
        }

        if (organizations.IsWithin(targetCode, issuerCode, asOf))
        {
            return true;
        }

        if (issuerCode == governmentOfficeCode)
        {
            var line = organizations.Ancestors(issuerCode, asOf);
            return line.Count > 0 && organizations.IsWithin(targetCode, line[^1].Code, asOf);
        }

        return false;
    }
}
