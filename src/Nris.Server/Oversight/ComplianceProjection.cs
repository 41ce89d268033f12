using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Core.Oversight;
using Nris.Server.Ledger;
using Nris.Storage;

namespace Nris.Server.Oversight;

/// <summary>
/// The compliance view as a view that follows the ledger: each report step (submit, revise, accept, return, reopen) is
/// a ledger entry with a row in the report-events table; this applies those rows in sequence order. Built from scratch
/// at start-up (<see cref="BuildAsync"/>), then advanced by <see cref="CatchUpAsync"/>, driven by
/// <see cref="OversightFollower"/>. One writer at a time; readers take <see cref="View"/>'s published copy, which a
/// writer never changes after publishing, so a reader never sees half a batch.
/// </summary>
public sealed class ComplianceProjection : IDisposable
{
    private const int Batch = 1000;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly LedgerWaiters _waiters = new();
    private ComplianceView _working = new();
    private volatile ComplianceView? _published;

    /// <summary>Whether the view has been built.</summary>
    public bool IsReady => _published is not null;

    /// <summary>The view as of <see cref="LastAppliedSequence"/>; never changed after it is handed out.</summary>
    public ComplianceView View => _published ?? throw new InvalidOperationException("The compliance view is not built yet.");

    /// <summary>The last ledger sequence the view holds.</summary>
    public long LastAppliedSequence => _published?.LastSequence ?? 0;

    /// <summary>Builds the view from the whole ledger.</summary>
    public async Task BuildAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            _working = await RebuildAsync(db, cancellationToken);
            Publish();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Applies the report steps after <see cref="LastAppliedSequence"/>; returns how many ledger entries were seen.</summary>
    public async Task<int> CatchUpAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (_published is null)
            {
                throw new InvalidOperationException("Build the compliance view before following the ledger.");
            }

            var seen = await ApplyAfterAsync(db, _working, cancellationToken);
            if (seen > 0)
            {
                Publish();
            }

            return seen;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>A view built from the whole ledger, for start-up and for checking the incremental one against.</summary>
    public static async Task<ComplianceView> RebuildAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        var view = new ComplianceView();
        while (await ApplyAfterAsync(db, view, cancellationToken) > 0)
        {
        }

        return view;
    }

    /// <summary>Waits until the view holds ledger entry <paramref name="sequence"/>.</summary>
    public Task WaitForAsync(long sequence, CancellationToken cancellationToken) =>
        _waiters.WaitForAsync(() => IsReady && LastAppliedSequence >= sequence, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    // Reads the ledger marks after the view's position (so entries that are not report steps advance it too) and the
    // report-event rows of those entries, in one batch.
    private static async Task<int> ApplyAfterAsync(NrisDbContext db, ComplianceView view, CancellationToken cancellationToken)
    {
        var after = view.LastSequence;
        var marks = await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(Batch)
            .Select(e => e.Sequence).ToListAsync(cancellationToken);
        if (marks.Count == 0)
        {
            return 0;
        }

        var last = marks[^1];
        var steps = await (from e in db.ReportEvents.AsNoTracking()
                           join r in db.Reports.AsNoTracking() on e.ReportId equals r.Id
                           where e.LedgerSequence > after && e.LedgerSequence <= last
                           orderby e.LedgerSequence
                           select new { e.LedgerSequence, r.RegimeCode, r.Period, r.ReporterCode, e.Action, e.TimeUs })
            .ToListAsync(cancellationToken);
        foreach (var s in steps)
        {
            view.Apply(new ReportStep(s.LedgerSequence, new ExpectationKey(s.RegimeCode, s.Period, s.ReporterCode), s.Action,
                LedgerTime.FromUnixMicroseconds(s.TimeUs)));
        }

        view.Advance(last);
        return marks.Count;
    }

    private void Publish()
    {
        // Readers keep the copy they took; the writer goes on with its own.
        var copy = _working.Clone();
        _waiters.Advance(() => _published = copy);
    }
}
