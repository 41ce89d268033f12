using System.Collections.Immutable;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Oversight;

/// <summary>Where one expected report stands (tình trạng thực hiện chế độ báo cáo), judged at one instant.</summary>
public enum ComplianceState
{
    /// <summary>Not received, and the deadline has not passed yet (chưa đến hạn).</summary>
    NotYetDue = 0,
    /// <summary>Received before the deadline ended and waiting for a decision (đã gửi đúng hạn).</summary>
    ReceivedOnTime = 1,
    /// <summary>Received after the deadline and waiting for a decision (đã gửi muộn).</summary>
    ReceivedLate = 2,
    /// <summary>Not received and the deadline has passed (quá hạn, chưa gửi).</summary>
    Missing = 3,
    /// <summary>Returned by the recipient and not yet sent again (bị trả lại, chưa gửi lại).</summary>
    Returned = 4,
    /// <summary>Accepted by the recipient (đã tiếp nhận).</summary>
    Accepted = 5,
}

/// <summary>The key of an expected report: regime × period × reporter.</summary>
public readonly record struct ExpectationKey(string Regime, string Period, string Reporter);

/// <summary>
/// One step of a report's life as the compliance view needs it, taken from the ledger entry that recorded it.
/// </summary>
/// <param name="Sequence">The ledger entry's sequence number.</param>
/// <param name="Key">Which report.</param>
/// <param name="Action">What was done.</param>
/// <param name="Time">When, as the ledger recorded it.</param>
public sealed record ReportStep(long Sequence, ExpectationKey Key, SubmissionAction Action, DateTimeOffset Time);

/// <summary>What the ledger says about one report, folded from its steps in sequence order.</summary>
/// <param name="FirstReceived">When the first version was sent; null when never.</param>
/// <param name="State">The report's workflow state after its last step.</param>
/// <param name="Versions">How many versions were sent (submit + revisions).</param>
/// <param name="ReturnedCount">How many times the recipient returned it.</param>
/// <param name="RevisionsAfterAcceptance">Revisions sent after the report had once been accepted.</param>
/// <param name="EverAccepted">Whether it was ever accepted.</param>
/// <param name="LastSequence">The ledger entry of its last step.</param>
public sealed record ReportRecord(
    DateTimeOffset? FirstReceived,
    SubmissionState State,
    int Versions,
    int ReturnedCount,
    int RevisionsAfterAcceptance,
    bool EverAccepted,
    long LastSequence)
{
    /// <summary>The record after one more step.</summary>
    public ReportRecord With(ReportStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Action switch
        {
            SubmissionAction.Submit => this with
            {
                FirstReceived = FirstReceived ?? step.Time, State = SubmissionState.Submitted, Versions = Versions + 1,
                LastSequence = step.Sequence,
            },
            SubmissionAction.Revise => this with
            {
                FirstReceived = FirstReceived ?? step.Time, State = SubmissionState.Submitted, Versions = Versions + 1,
                RevisionsAfterAcceptance = RevisionsAfterAcceptance + (EverAccepted ? 1 : 0), LastSequence = step.Sequence,
            },
            SubmissionAction.Accept => this with { State = SubmissionState.Accepted, EverAccepted = true, LastSequence = step.Sequence },
            SubmissionAction.Return => this with { State = SubmissionState.Returned, ReturnedCount = ReturnedCount + 1, LastSequence = step.Sequence },
            _ => this with { State = SubmissionState.Submitted, LastSequence = step.Sequence },
        };
    }

    /// <summary>A report nothing has happened to yet.</summary>
    public static ReportRecord Empty { get; } = new(null, SubmissionState.Draft, 0, 0, 0, false, 0);
}

/// <summary>
/// The compliance view: every report's record, folded from the report steps of the ledger in sequence order. The
/// time-dependent part (not yet due vs missing) is not stored but judged at query time by <see cref="StateOf"/>, so
/// the view changes only when the ledger does, and a view rebuilt from the whole ledger equals one fed step by step.
/// Not thread-safe for writers; the server serializes them.
/// </summary>
public sealed class ComplianceView
{
    // Immutable, so a published copy costs nothing and readers never see a write in progress.
    private ImmutableDictionary<ExpectationKey, ReportRecord> _records = ImmutableDictionary<ExpectationKey, ReportRecord>.Empty;

    /// <summary>The last ledger sequence applied.</summary>
    public long LastSequence { get; private set; }

    /// <summary>How many reports have a record.</summary>
    public int Count => _records.Count;

    /// <summary>Applies one step. Steps at or before <see cref="LastSequence"/> are ignored, so replaying is harmless.</summary>
    /// <returns>Whether the step changed the view.</returns>
    public bool Apply(ReportStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Sequence <= LastSequence)
        {
            return false;
        }

        var record = _records.TryGetValue(step.Key, out var r) ? r : ReportRecord.Empty;
        _records = _records.SetItem(step.Key, record.With(step));
        LastSequence = step.Sequence;
        return true;
    }

    /// <summary>Marks the view as having seen the ledger up to <paramref name="sequence"/> (entries that are not report steps).</summary>
    public void Advance(long sequence) => LastSequence = Math.Max(LastSequence, sequence);

    /// <summary>A copy that later <see cref="Apply"/> calls on this view do not change (records are immutable).</summary>
    public ComplianceView Clone() =>
        new() { LastSequence = LastSequence, _records = _records };

    /// <summary>The record of one report; null when the ledger holds nothing for it.</summary>
    public ReportRecord? Find(ExpectationKey key) => _records.TryGetValue(key, out var r) ? r : null;

    /// <summary>Every record in a stable order (for comparing a rebuilt view with an incremental one).</summary>
    public IReadOnlyList<KeyValuePair<ExpectationKey, ReportRecord>> Snapshot() =>
        [.. _records.OrderBy(p => p.Key.Regime, StringComparer.Ordinal).ThenBy(p => p.Key.Period, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Reporter, StringComparer.Ordinal)];

    /// <summary>
    /// The state of an expected report at <paramref name="now"/>. Timeliness is judged by the first version: a report
    /// first sent before its due instant stays "on time" even when a later revision comes after the deadline.
    /// </summary>
    public static ComplianceState StateOf(ReportRecord? record, DateTimeOffset due, DateTimeOffset now)
    {
        if (record?.FirstReceived is not { } received)
        {
            return now >= due ? ComplianceState.Missing : ComplianceState.NotYetDue;
        }

        return record.State switch
        {
            SubmissionState.Accepted => ComplianceState.Accepted,
            SubmissionState.Returned => ComplianceState.Returned,
            _ => received < due ? ComplianceState.ReceivedOnTime : ComplianceState.ReceivedLate,
        };
    }
}

/// <summary>One period of a regime with who must report and when it is late.</summary>
/// <param name="Regime">The regime version in force at the end of the period.</param>
/// <param name="Period">The reporting period, its cutoff and deadline.</param>
/// <param name="Due">The first instant at which a report is late.</param>
/// <param name="Reporters">Who must report, as of the end of the period, ordered by code.</param>
public sealed record ExpectedPeriod(Regime Regime, ReportingPeriod Period, DateTimeOffset Due, IReadOnlyList<Organization> Reporters);

/// <summary>Turns a regime's calendar and reporter list into expected reports.</summary>
public static class ComplianceCalendar
{
    /// <summary>The most periods one question may span.</summary>
    public const int MaxPeriods = 400;

    /// <summary>
    /// The expected reports of regime <paramref name="code"/> for every period from <paramref name="from"/> to
    /// <paramref name="to"/> (both of the regime's periodicity). A period with no regime version in force at its end
    /// expects nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The periods are not of the regime's periodicity, out of order, or too many.</exception>
    public static IReadOnlyList<ExpectedPeriod> Expected(CatalogueSnapshot catalogue, string code, Period from, Period to)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var latest = catalogue.LatestRegime(code) ?? throw new ArgumentException($"Unknown regime '{code}'.", nameof(code));
        if (from.Periodicity != latest.Periodicity || to.Periodicity != latest.Periodicity || to < from)
        {
            throw new ArgumentException(
                $"The periods must be {latest.Periodicity} periods of regime '{code}', 'from' not after 'to'.", nameof(from));
        }

        var result = new List<ExpectedPeriod>();
        for (var p = from; p <= to; p = p.Next())
        {
            if (result.Count >= MaxPeriods)
            {
                throw new ArgumentException($"At most {MaxPeriods} periods at once.", nameof(to));
            }

            var regime = catalogue.Regime(code, p.End);
            if (regime is null || regime.Periodicity != p.Periodicity)
            {
                continue;
            }

            result.Add(ForPeriod(catalogue, regime, p));
        }

        return result;
    }

    /// <summary>The expected reports of one regime version for one period.</summary>
    public static ExpectedPeriod ForPeriod(CatalogueSnapshot catalogue, Regime regime, Period period)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(regime);
        var cutoff = ReportingCalendar.Cutoff(period, regime.CutoffRule);
        var deadline = Periods.DeadlineRule.Parse(regime.DeadlineRule).DeadlineFor(period, cutoff);
        var reporters = catalogue.Organizations.AsOf(period.End).Where(regime.Reporters.Includes)
            .OrderBy(o => o.Code, StringComparer.Ordinal).ToList();
        return new ExpectedPeriod(regime, new ReportingPeriod(period, cutoff, deadline), ReportingCalendar.DueInstant(deadline), reporters);
    }
}

/// <summary>Counts of expected reports by state, and the rates made from them.</summary>
public sealed record ComplianceTally
{
    /// <summary>Counts by state, indexed by <see cref="ComplianceState"/>.</summary>
    public int[] Counts { get; } = new int[6];

    /// <summary>Reports whose first version came before the deadline, whatever happened to them later.</summary>
    public int FirstOnTime { get; private set; }

    /// <summary>Adds one expected report.</summary>
    public void Add(ComplianceState state, ReportRecord? record, DateTimeOffset due)
    {
        Counts[(int)state]++;
        if (record?.FirstReceived is { } first && first < due)
        {
            FirstOnTime++;
        }
    }

    /// <summary>All expected reports counted.</summary>
    public int Expected => Counts.Sum();

    /// <summary>
    /// The reports that are judged: those past their deadline, plus those received early (a report cannot be late
    /// before its deadline, but one already in counts).
    /// </summary>
    public int Judged => Expected - Counts[(int)ComplianceState.NotYetDue];

    /// <summary>Received and standing (on time, late or accepted) out of <see cref="Judged"/>; null when nothing is judged.</summary>
    public double? Completeness => Judged == 0 ? null :
        (double)(Counts[(int)ComplianceState.ReceivedOnTime] + Counts[(int)ComplianceState.ReceivedLate] + Counts[(int)ComplianceState.Accepted]) / Judged;

    /// <summary>First version received before the deadline out of <see cref="Judged"/>; null when nothing is judged.</summary>
    public double? Timeliness => Judged == 0 ? null : (double)FirstOnTime / Judged;
}
