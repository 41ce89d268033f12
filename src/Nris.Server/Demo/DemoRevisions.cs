using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Server.Demo;

/// <summary>What <see cref="DemoRevisions.ReviseAsync"/> did.</summary>
/// <param name="Revised">Revisions stored.</param>
/// <param name="Refused">Revisions validation refused, or whose report was not stored.</param>
/// <param name="RefusedReports">The reports (reporter, period) not revised.</param>
public sealed record DemoRevisionResult(int Revised, int Refused, IReadOnlyList<(string Reporter, string Period)> RefusedReports);

/// <summary>
/// The second stage of <c>nris demo generate --plant toward-target</c>: the plan's demo targets written as
/// <c>target.set</c> ledger entries (the entries the targets API writes), then each planned revision submitted through
/// the ordinary revision path (<see cref="SubmissionService.ReviseAsync"/>: a new version with a reason, its ledger
/// entry, its values), so the stored revision histories are what a reporter's revisions would leave.
/// </summary>
public sealed class DemoRevisions(IServiceScopeFactory scopes, IDbContextFactory<NrisDbContext> contexts, CheckpointService checkpoints, TimeProvider time)
{
    /// <summary>The reason every demo revision carries.</summary>
    public const string Reason = "Cập nhật số liệu (mô phỏng) / updated figures (demo)";

    /// <summary>Appends one <c>target.set</c> entry per target, in one transaction; returns the last sequence.</summary>
    public async Task<long> SetTargetsAsync(IReadOnlyList<Target> targets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(targets);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var store = new LedgerStore(db);
        await using var transaction = await store.BeginAppendTransactionAsync(ct);
        long last = 0;
        foreach (var target in targets)
        {
            var assignedBy = target.TerritoryCode == Territory.NationCode
                ? Organization.GovernmentCode
                : Core.Catalogue.ReferenceData.ReferenceOrganizations.CommitteeCode(target.TerritoryCode);
            var entry = await store.AppendAsync(TargetBook.KindSet, CanonicalJson.Serialize(new TargetSetPayload(target, assignedBy), TargetBook.Json),
                DemoLoader.Actor, time.GetUtcNow(), ct);
            await checkpoints.AfterAppendAsync(store, entry, ct);
            last = entry.Sequence;
        }

        await transaction.CommitAsync(ct);
        return last;
    }

    /// <summary>
    /// Revises each report of <paramref name="regime"/> the plan names: the stored current version's values with the
    /// planned totals, and a domestic budget revenue kept at its share of a revised total (the form's rule). Warnings
    /// are explained as the demo loader explains them.
    /// </summary>
    public async Task<DemoRevisionResult> ReviseAsync(string regime, IReadOnlyList<PlannedRevision> revisions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        int revised = 0;
        var refused = new List<(string, string)>();
        foreach (var revision in revisions)
        {
            await using var scope = scopes.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<SubmissionService>();
            var key = new ReportKey(regime, Period.Parse(revision.Period), revision.Reporter);
            if (await service.GetAsync(key, ct) is not { } report || report.State is not (SubmissionState.Submitted or SubmissionState.Returned))
            {
                refused.Add((revision.Reporter, revision.Period));
                continue;
            }

            var values = (await service.GetValuesAsync(key, report.CurrentVersion, ct)).ToList();
            decimal? ratio = null;
            for (var i = 0; i < values.Count; i++)
            {
                var v = values[i];
                if (v.Disaggregation == Disaggregations.Total && v.Number is { } old && revision.Values.TryGetValue(v.IndicatorCode, out var change))
                {
                    values[i] = v with { Number = change.After };
                    if (v.IndicatorCode == "BUDGET_REVENUE" && old != 0)
                    {
                        ratio = change.After / old;
                    }
                }
            }

            if (ratio is { } r)
            {
                var total = values.FirstOrDefault(v => v.IndicatorCode == "BUDGET_REVENUE" && v.Disaggregation == Disaggregations.Total)?.Number;
                values = [.. values.Select(v => v.IndicatorCode == "BUDGET_REVENUE_DOMESTIC" && v.Disaggregation == Disaggregations.Total && v.Number is { } d
                    ? v with { Number = Math.Min(Math.Round(d * r, 1), total ?? decimal.MaxValue) } : v)];
            }

            var actor = new SubmissionActor(DemoLoader.Actor, revision.Reporter);
            try
            {
                try
                {
                    await service.ReviseAsync(key, report.CurrentVersion, Reason, new SubmissionRequest(values), actor, ct);
                }
                catch (SubmissionRejectedException e) when (!e.Report.HasErrors)
                {
                    var because = e.Report.UnexplainedWarnings.Select(i => i.RuleCode).OfType<string>().Distinct(StringComparer.Ordinal)
                        .Select(rule => new WarningExplanation(rule, DemoLoader.Explanation)).ToList();
                    await service.ReviseAsync(key, report.CurrentVersion, Reason, new SubmissionRequest(values, because), actor, ct);
                }

                revised++;
            }
            catch (SubmissionException)
            {
                refused.Add((revision.Reporter, revision.Period));
            }
        }

        return new DemoRevisionResult(revised, refused.Count, refused);
    }
}
