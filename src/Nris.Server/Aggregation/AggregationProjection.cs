using System.Diagnostics;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Server.Catalogue;
using Nris.Storage;

namespace Nris.Server.Aggregation;

/// <summary>
/// The aggregate cube as a view that follows the ledger: built from the current values at start-up, then kept current
/// by applying every later ledger entry in sequence order (<see cref="CatchUpAsync"/>, driven by
/// <c>AggregationFollower</c>). One writer at a time; queries read <see cref="Engine"/> concurrently, and each entry's
/// changes reach the engine as one batch, so a reader never sees half an entry.
/// </summary>
public sealed class AggregationProjection(CatalogueState catalogue, ILogger<AggregationProjection> logger) : IDisposable
{
    private const int Batch = 500;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _waiters = new();
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile State? _state;
    private long _lastApplied;

    private sealed record State(AggregationEngine Engine, ProjectedValues Values, CatalogueSnapshot Catalogue);

    /// <summary>Whether the engine has been built.</summary>
    public bool IsReady => _state is not null;

    /// <summary>The engine; <see cref="InvalidOperationException"/> before <see cref="BuildAsync"/>.</summary>
    public AggregationEngine Engine => (_state ?? throw new InvalidOperationException("The aggregation projection is not built yet.")).Engine;

    /// <summary>The sequence of the last ledger entry whose changes the engine holds.</summary>
    public long LastAppliedSequence => Interlocked.Read(ref _lastApplied);

    /// <summary>The ledger time of the last applied entry, or null before the first.</summary>
    public DateTimeOffset? LastAppliedTime { get; private set; }

    /// <summary>How long the last build took.</summary>
    public TimeSpan BuildTime { get; private set; }

    /// <summary>Builds the engine from the stored current values (the same as <c>nris rebuild</c>) and the ledger head.</summary>
    public async Task BuildAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var watch = Stopwatch.StartNew();
            var snapshot = catalogue.Current;
            var (values, head) = await ProjectionReader.LoadCurrentAsync(db, snapshot, cancellationToken);
            var engine = AggregationEngine.Build(snapshot, values.Facts());
            // The old engine is not disposed: a query may still be reading it; it is collected when the last one ends.
            _state = new State(engine, values, snapshot);
            Advance(head, null);
            BuildTime = watch.Elapsed;
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Aggregates built from {Values} current values: {Facts} facts up to ledger entry {Head} in {Elapsed} ms",
                    values.Count, engine.FactCount, head, watch.ElapsedMilliseconds);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Applies every ledger entry after <see cref="LastAppliedSequence"/>; returns how many were applied.</summary>
    public async Task<int> CatchUpAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var state = _state ?? throw new InvalidOperationException("Build the aggregation projection before following the ledger.");
            var applied = 0;
            while (true)
            {
                var batch = await ProjectionReader.NextAsync(db, LastAppliedSequence, Batch, cancellationToken);
                if (batch.Count == 0)
                {
                    return applied;
                }

                foreach (var entry in batch)
                {
                    if (entry.Kind == LedgerEntryKind.CatalogueChanged && logger.IsEnabled(LogLevel.Warning))
                    {
                        // The engine aggregates by the catalogue it was built with; a hierarchy change needs a rebuild.
                        logger.LogWarning("Ledger entry {Sequence} changes the catalogue; aggregates follow the new catalogue after a restart or nris rebuild", entry.Sequence);
                    }

                    if (await ProjectionReader.ApplyAsync(db, state.Values, entry, cancellationToken))
                    {
                        var deltas = state.Values.TakeDeltas();
                        if (deltas.Count > 0)
                        {
                            state.Engine.Apply(deltas);
                        }
                    }

                    Advance(entry.Sequence, entry.TimeUs);
                    applied++;
                }
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Waits until the engine holds ledger entry <paramref name="sequence"/> (read-your-write for callers and tests).</summary>
    public async Task WaitForAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_waiters)
            {
                if (IsReady && LastAppliedSequence >= sequence)
                {
                    return;
                }

                next = _advanced.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    private void Advance(long sequence, long? timeUs)
    {
        lock (_waiters)
        {
            Interlocked.Exchange(ref _lastApplied, sequence);
            if (timeUs is { } us)
            {
                LastAppliedTime = LedgerTime.FromUnixMicroseconds(us);
            }

            var done = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.TrySetResult();
        }
    }
}
