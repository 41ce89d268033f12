using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Server.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Server.Catalogue;

/// <summary>How a catalogue change ended.</summary>
public enum CatalogueChangeOutcome
{
    /// <summary>Stored, recorded in the ledger, and in force.</summary>
    Done,
    /// <summary>The request itself is wrong (a version that is not 1, a missing start date).</summary>
    Refused,
    /// <summary>It collides with the catalogue or with reports already submitted.</summary>
    Conflict,
    /// <summary>The resulting catalogue would not pass <see cref="CatalogueCheck"/>.</summary>
    Invalid,
}

/// <summary>The result of <see cref="CatalogueAdministration.ApplyAsync"/>.</summary>
public sealed record CatalogueChangeResult(
    CatalogueChangeOutcome Outcome,
    CatalogueChange? Change = null,
    LedgerEntry? Entry = null,
    CatalogueChangeRefusal? Refusal = null,
    IReadOnlyList<CatalogueProblem>? Problems = null);

/// <summary>
/// Applies one administrative change to the catalogue: builds the resulting catalogue, checks the whole of it, then
/// in one ledger-append transaction stores the changed rows and appends a <c>catalogue.changed</c> entry, and only
/// after the commit swaps the in-memory snapshot. A refused change stores nothing and appends nothing.
/// </summary>
public sealed class CatalogueAdministration(NrisDbContext db, CatalogueState state, CheckpointService checkpoints, TimeProvider time)
{
    public async Task<CatalogueChangeResult> ApplyAsync(
        Func<CatalogueContent, (CatalogueChangeRefusal? Refusal, CatalogueChange? Change)> build, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        await state.ChangeGate.WaitAsync(cancellationToken);
        try
        {
            var snapshot = state.Current;
            var (refusal, change) = build(snapshot.Content);
            if (refusal is not null || change is null)
            {
                return new(refusal?.IsConflict == true ? CatalogueChangeOutcome.Conflict : CatalogueChangeOutcome.Refused, Refusal: refusal);
            }

            var problems = CatalogueCheck.Check(change.Content);
            if (problems.Count > 0)
            {
                return new(CatalogueChangeOutcome.Invalid, change, Problems: problems);
            }

            var store = new LedgerStore(db);
            await using var transaction = await store.BeginAppendTransactionAsync(cancellationToken);
            try
            {
                // Inside the append lock: submissions append under the same lock, so no report can arrive for the
                // closed version between this check and the commit.
                if (change.Closed is { } closed && await LockedByReportsAsync(closed, cancellationToken) is { } locked)
                {
                    return new(CatalogueChangeOutcome.Conflict, change, Refusal: locked);
                }

                var catalogue = new CatalogueStore(db);
                if (change.Closed is not null)
                {
                    await catalogue.UpsertRegimeVersionAsync(change.Closed, cancellationToken);
                }
                if (change.Changed is not null)
                {
                    await catalogue.UpsertRegimeVersionAsync(change.Changed, cancellationToken);
                }
                if (change.ChangedIndicator is not null)
                {
                    await catalogue.UpsertIndicatorAsync(change.ChangedIndicator, cancellationToken);
                }
                if (change.ChangedCodelist is not null)
                {
                    await catalogue.UpsertCodelistAsync(change.ChangedCodelist, cancellationToken);
                }
                if (change.ChangedCategory is not null)
                {
                    await catalogue.UpsertCategoryAsync(change.ChangedCategory, cancellationToken);
                }
                if (change.Territorial is { } territorial)
                {
                    await catalogue.ApplyTerritoryChangeAsync(change.ClosedTerritories ?? [], territorial.Territories, territorial.Successions,
                        change.ClosedOrganizations ?? [], territorial.Organizations ?? [], territorial.OrganizationSuccessions ?? [], cancellationToken);
                }

                var entry = await store.AppendAsync(LedgerEntryKind.CatalogueChanged, change.LedgerPayload(actor), actor, time.GetUtcNow(), cancellationToken);
                await checkpoints.AfterAppendAsync(store, entry, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                state.Replace(snapshot.With(change.Content));
                return new(CatalogueChangeOutcome.Done, change, entry);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        finally
        {
            state.ChangeGate.Release();
        }
    }

    /// <summary>How many reports each version of a regime has, by version.</summary>
    public async Task<Dictionary<int, int>> ReportCountsAsync(string code, CancellationToken cancellationToken) =>
        await db.Reports.AsNoTracking()
            .Where(r => r.RegimeCode == code)
            .GroupBy(r => r.RegimeVersion)
            .Select(g => new { Version = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Version, x => x.Count, cancellationToken);

    // A report filed under a version for a period the closed validity no longer covers would be left with no rules
    // in force; such a version is settled and may not be cut short.
    private async Task<CatalogueChangeRefusal?> LockedByReportsAsync(Regime closed, CancellationToken cancellationToken)
    {
        var periods = await db.Reports.AsNoTracking()
            .Where(r => r.RegimeCode == closed.Code && r.RegimeVersion == closed.Version)
            .Select(r => r.Period)
            .Distinct()
            .ToListAsync(cancellationToken);
        var end = closed.Validity.To!.Value;
        var late = periods
            .Select(p => Period.TryParse(p, out var period) ? period : (Period?)null)
            .OfType<Period>()
            .Where(p => p.Start > end)
            .Order()
            .Cast<Period?>()
            .FirstOrDefault();
        if (late is not { } first)
        {
            return null;
        }
        var vi = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"đã có báo cáo kỳ {first} theo phiên bản {closed.Version}; phiên bản mới phải có hiệu lực sau kỳ đó");
        var en = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"reports for period {first} were filed under version {closed.Version}; the new version must take effect after that period");
        return new("validity.from", vi, en, IsConflict: true);
    }
}
