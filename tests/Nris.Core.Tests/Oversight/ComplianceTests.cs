using Nris.Core.Catalogue;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Tests.Catalogue;

namespace Nris.Core.Tests.Oversight;

public sealed class ComplianceTests
{
    private const string Regime = "KTXH-TINH-THANG";
    private static readonly Lazy<CatalogueSnapshot> LazyCatalogue = new(() =>
        new CatalogueSnapshot(TestData.Reference with { Regimes = DemoCatalogueTests.LoadDemo().Regimes }));

    private static CatalogueSnapshot Catalogue => LazyCatalogue.Value;

    // KTXH-TINH-THANG 2026-M03: due "day 20 of last month", so late from 21 March 00:00 in Vietnam = 20 March 17:00 UTC.
    private static readonly DateTimeOffset Due = new(2026, 3, 20, 17, 0, 0, TimeSpan.Zero);
    private static readonly ExpectationKey Hanoi = new(Regime, "2026-M03", "UBND.01");

    private static DateTimeOffset At(int day, int hour = 0) => new(2026, 3, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_calendar_expects_every_province_with_the_decree_deadline()
    {
        var expected = Assert.Single(ComplianceCalendar.Expected(Catalogue, Regime, Period.Month(2026, 3), Period.Month(2026, 3)));
        Assert.Equal(34, expected.Reporters.Count);
        Assert.Equal(new DateOnly(2026, 3, 20), expected.Period.Deadline);
        Assert.Equal(Due, expected.Due);
        Assert.Throws<ArgumentException>(() => ComplianceCalendar.Expected(Catalogue, Regime, Period.Quarter(2026, 1), Period.Quarter(2026, 1)));
        Assert.Throws<ArgumentException>(() => ComplianceCalendar.Expected(Catalogue, Regime, Period.Month(2026, 3), Period.Month(2026, 2)));
    }

    [Fact]
    public void A_report_moves_through_the_states_as_the_clock_passes_its_deadline()
    {
        var view = new ComplianceView();
        Assert.Equal(ComplianceState.NotYetDue, ComplianceView.StateOf(view.Find(Hanoi), Due, At(10)));
        Assert.Equal(ComplianceState.NotYetDue, ComplianceView.StateOf(view.Find(Hanoi), Due, Due.AddTicks(-1)));
        Assert.Equal(ComplianceState.Missing, ComplianceView.StateOf(view.Find(Hanoi), Due, Due));

        // Sent one hour before the end of the deadline day in Vietnam: on time, and still on time later on.
        var onTime = new ComplianceView();
        onTime.Apply(new ReportStep(1, Hanoi, SubmissionAction.Submit, Due.AddHours(-1)));
        Assert.Equal(ComplianceState.ReceivedOnTime, ComplianceView.StateOf(onTime.Find(Hanoi), Due, At(25)));

        view.Apply(new ReportStep(5, Hanoi, SubmissionAction.Submit, At(22)));
        Assert.Equal(ComplianceState.ReceivedLate, ComplianceView.StateOf(view.Find(Hanoi), Due, At(22)));
        view.Apply(new ReportStep(6, Hanoi, SubmissionAction.Return, At(23)));
        Assert.Equal(ComplianceState.Returned, ComplianceView.StateOf(view.Find(Hanoi), Due, At(23)));
        view.Apply(new ReportStep(7, Hanoi, SubmissionAction.Revise, At(24)));
        Assert.Equal(ComplianceState.ReceivedLate, ComplianceView.StateOf(view.Find(Hanoi), Due, At(24)));
        view.Apply(new ReportStep(8, Hanoi, SubmissionAction.Accept, At(25)));
        Assert.Equal(ComplianceState.Accepted, ComplianceView.StateOf(view.Find(Hanoi), Due, At(25)));
        view.Apply(new ReportStep(9, Hanoi, SubmissionAction.Reopen, At(26)));
        view.Apply(new ReportStep(10, Hanoi, SubmissionAction.Revise, At(26)));
        var record = view.Find(Hanoi)!;
        Assert.Equal(1, record.ReturnedCount);
        Assert.Equal(1, record.RevisionsAfterAcceptance);
        Assert.Equal(3, record.Versions);
        Assert.Equal(At(22), record.FirstReceived);

        // A step replayed (sequence already applied) changes nothing.
        Assert.False(view.Apply(new ReportStep(6, Hanoi, SubmissionAction.Return, At(23))));
        Assert.Equal(ComplianceState.ReceivedLate, ComplianceView.StateOf(view.Find(Hanoi), Due, At(27)));
    }

    [Fact]
    public void Rates_count_only_judged_reports_and_first_versions_for_timeliness()
    {
        var tally = new ComplianceTally();
        Assert.Null(tally.Completeness);
        var onTime = ReportRecord.Empty.With(new ReportStep(1, Hanoi, SubmissionAction.Submit, Due.AddDays(-1)));
        var late = ReportRecord.Empty.With(new ReportStep(2, Hanoi, SubmissionAction.Submit, Due.AddDays(1)));
        var returnedOnTime = onTime.With(new ReportStep(3, Hanoi, SubmissionAction.Return, Due.AddDays(2)));
        tally.Add(ComplianceState.ReceivedOnTime, onTime, Due);
        tally.Add(ComplianceState.ReceivedLate, late, Due);
        tally.Add(ComplianceState.Returned, returnedOnTime, Due);
        tally.Add(ComplianceState.Missing, null, Due);
        tally.Add(ComplianceState.NotYetDue, null, Due.AddDays(30));
        Assert.Equal(5, tally.Expected);
        Assert.Equal(4, tally.Judged);
        Assert.Equal(0.5, tally.Completeness);
        Assert.Equal(0.5, tally.Timeliness);
    }

    [Fact]
    public void A_view_fed_step_by_step_equals_one_rebuilt_from_all_steps()
    {
        var random = new Random(20260321);
        var reporters = new[] { "UBND.01", "UBND.79", "UBND.48", "UBND.31" };
        var steps = new List<ReportStep>();
        var states = new Dictionary<ExpectationKey, SubmissionState?>();
        for (var sequence = 1L; sequence <= 2000; sequence++)
        {
            var key = new ExpectationKey(Regime, Period.Month(2026, random.Next(1, 13)).ToString(), reporters[random.Next(reporters.Length)]);
            var action = (SubmissionAction)random.Next(5);
            var decision = SubmissionWorkflow.Decide(states.GetValueOrDefault(key), action, "reason");
            if (!decision.Allowed)
            {
                continue;
            }

            states[key] = decision.NextState;
            steps.Add(new ReportStep(sequence, key, action, At(1).AddHours(sequence)));
        }

        var incremental = new ComplianceView();
        var published = new List<(ComplianceView View, int Count)>();
        foreach (var (step, i) in steps.Select((s, i) => (s, i)))
        {
            incremental.Apply(step);
            if (i % 97 == 0)
            {
                published.Add((incremental.Clone(), incremental.Count));
            }
        }

        var rebuilt = new ComplianceView();
        foreach (var step in steps.Concat(steps))
        {
            rebuilt.Apply(step);
        }

        Assert.Equal(rebuilt.Snapshot(), incremental.Snapshot());
        Assert.Equal(rebuilt.LastSequence, incremental.LastSequence);
        // Steps seen twice (a replay after a restart) change nothing; copies handed to readers never change after they are taken.
        Assert.All(published, p => Assert.Equal(p.Count, p.View.Count));
        Assert.All(states, s => Assert.Equal(s.Value, incremental.Find(s.Key)!.State));
    }

    [Fact]
    public void Reminders_come_before_the_deadline_and_escalations_after_it_for_what_is_not_received()
    {
        var policy = new ReminderPolicy(DaysBefore: 3, EscalateAfterDays: 0, WindowDays: 5, Regimes: [Regime]);
        var view = new ComplianceView();
        Assert.DoesNotContain(ReminderPlanner.Plan(Catalogue, view, At(10), policy), d => d.Period.Period.ToString() == "2026-M03");

        var before = ReminderPlanner.Plan(Catalogue, view, At(18), policy).Where(d => d.Period.Period.ToString() == "2026-M03").ToList();
        Assert.Equal(34, before.Count);
        Assert.All(before, d => Assert.Equal(ReminderKind.Reminder, d.Kind));
        Assert.All(before, d => Assert.Equal("VPCP", d.RecipientCode));

        view.Apply(new ReportStep(1, Hanoi, SubmissionAction.Submit, At(19)));
        view.Apply(new ReportStep(2, Hanoi with { Reporter = "UBND.79" }, SubmissionAction.Submit, At(19)));
        view.Apply(new ReportStep(3, Hanoi with { Reporter = "UBND.79" }, SubmissionAction.Return, At(19, 5)));
        Assert.Equal(33, ReminderPlanner.Plan(Catalogue, view, At(19, 6), policy).Count(d => d.Period.Period.ToString() == "2026-M03"));

        var after = ReminderPlanner.Plan(Catalogue, view, At(21), policy).Where(d => d.Period.Period.ToString() == "2026-M03").ToList();
        Assert.Equal(33, after.Count);
        Assert.All(after, d => Assert.Equal(ReminderKind.Escalation, d.Kind));
        Assert.DoesNotContain(after, d => d.Reporter.Code == "UBND.01");
        Assert.Equal(ComplianceState.Returned, after.Single(d => d.Reporter.Code == "UBND.79").State);
        Assert.StartsWith("escalation|KTXH-TINH-THANG|2026-M03|", after[0].Key, StringComparison.Ordinal);

        // Past the window nothing is chased any more.
        Assert.DoesNotContain(ReminderPlanner.Plan(Catalogue, view, At(27), policy), d => d.Period.Period.ToString() == "2026-M03");
    }
}
