using System.Diagnostics;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Storage;

namespace Nris.Server.Aggregation;

/// <summary>
/// The aggregate cube as a view that follows the ledger: built from the current values at start-up, then kept current
/// by applying every later ledger entry in sequence order (<see cref="CatchUpAsync"/>, driven by
/// <c>AggregationFollower</c>). One writer at a time; queries read <see cref="Engine"/> concurrently, and each entry's
/// changes reach the engine as one batch, so a reader never sees half an entry. With images on (<see cref="ValuesImage"/>)
/// a start-up reads the current values from the image and applies the ledger entries after it, and the follower writes
/// a new image every <see cref="ValuesImage.EveryEntries"/> entries and at a clean shutdown.
/// </summary>
public sealed class AggregationProjection(CatalogueState catalogue, ILogger<AggregationProjection> logger, ValuesImage? image = null) : IDisposable
{
    private readonly ValuesImage _image = image ?? ValuesImage.Off;
    // The ledger entry the image on disk holds everything up to: -1 when there is no usable one (the next follower turn
    // writes one), otherwise the head of the image this process read or last wrote.
    private long _imageHead = -1;
    private const int Batch = 500;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly LedgerWaiters _waiters = new();
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
            var (values, head) = await LoadAsync(db, snapshot, cancellationToken);
            // The engine reads its facts from the current values it was built over (no copy of its own).
            var engine = AggregationEngine.Build(snapshot, values, values.Facts());
            // The old engine is not disposed: a query may still be reading it; it is collected when the last one ends.
            _state = new State(engine, values, snapshot);
            Advance(head, null);
            BuildTime = watch.Elapsed;
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Aggregates built from {Values} current values ({Source}): {Facts} facts up to ledger entry {Head} in {Elapsed} ms",
                    values.Count, BuiltFrom, engine.FactCount, head, watch.ElapsedMilliseconds);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Where the last build read the current values: <see cref="FromImage"/> or <see cref="FromDatabase"/>.</summary>
    public string? BuiltFrom { get; private set; }

    /// <summary><see cref="BuiltFrom"/> when the values came from the image and the ledger entries after it.</summary>
    public const string FromImage = "image";

    /// <summary><see cref="BuiltFrom"/> when the values came from the database's current-values table.</summary>
    public const string FromDatabase = "database";

    /// <summary>How many ledger entries after the image the last build applied (0 when it read the database).</summary>
    public long ImageTailEntries { get; private set; }

    // The image when there is a usable one, and the entries after it; otherwise the database, as `nris rebuild` reads it.
    private async Task<(ProjectedValues Values, long Head)> LoadAsync(NrisDbContext db, CatalogueSnapshot snapshot, CancellationToken cancellationToken)
    {
        ImageTailEntries = 0;
        if (_image.Enabled)
        {
            var read = await _image.TryReadAsync(db, snapshot, cancellationToken);
            if (read.Values is { } values)
            {
                var behind = await ProjectionReader.HeadAsync(db, cancellationToken) - read.Head;
                if (behind <= _image.MaxTailEntries)
                {
                    // The entries after the image, as the follower applies them, but without tracking deltas: the
                    // engine is built from the result.
                    values.BeginBulkLoad();
                    var last = read.Head;
                    while (await ProjectionReader.NextAsync(db, last, Batch, cancellationToken) is { Count: > 0 } batch)
                    {
                        foreach (var entry in batch)
                        {
                            await ProjectionReader.ApplyAsync(db, values, entry, cancellationToken);
                            last = entry.Sequence;
                            ImageTailEntries++;
                        }
                    }

                    values.ClearDeltas();
                    _imageHead = read.Head;
                    BuiltFrom = FromImage;
                    return (values, last);
                }

                LogImageRefused($"{behind} ledger entries behind, more than {_image.MaxTailEntries}");
            }
            else
            {
                LogImageRefused(read.Refused);
            }
        }

        _imageHead = -1;
        BuiltFrom = FromDatabase;
        return await ProjectionReader.LoadCurrentAsync(db, snapshot, cancellationToken);
    }

    private void LogImageRefused(string? why)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("The current-values image {Path} is not used ({Reason}); reading the database", _image.Path, why);
        }
    }

    /// <summary>Whether the follower should write an image now: images are on, and there is none this process can trust
    /// or <see cref="ValuesImage.EveryEntries"/> entries have been applied since it.</summary>
    public bool ImageDue => _image.Enabled && IsReady && (_imageHead < 0 || LastAppliedSequence - _imageHead >= _image.EveryEntries);

    /// <summary>Whether entries have been applied since the image on disk (a clean shutdown then writes one).</summary>
    public bool ImageBehind => _image.Enabled && IsReady && LastAppliedSequence != _imageHead;

    /// <summary>
    /// Writes the view to the image as of <see cref="LastAppliedSequence"/>, holding off the follower meanwhile (queries
    /// go on: they only read). Null when images are off or the image already holds that entry. A failure is logged and
    /// not retried until <see cref="ValuesImage.EveryEntries"/> more entries, so a full disk does not fill the log.
    /// </summary>
    public async Task<ValuesImage.Written?> SaveImageAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!_image.Enabled)
        {
            return null;
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            var state = _state ?? throw new InvalidOperationException("Build the aggregation projection before writing its image.");
            var head = LastAppliedSequence;
            if (head == _imageHead)
            {
                return null;
            }

            try
            {
                var hash = await ValuesImage.HashOfAsync(db, head, cancellationToken);
                var written = _image.Write(state.Values, head, hash);
                _imageHead = head;
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Current-values image written up to ledger entry {Head}: {Values} values, {Bytes} bytes in {Elapsed} ms ({Path})",
                        head, state.Values.Count, written.Bytes, (long)written.Elapsed.TotalMilliseconds, _image.Path);
                }

                return written;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _imageHead = head;
                logger.LogError(e, "Writing the current-values image {Path} failed; the next try is after {Every} more ledger entries", _image.Path, _image.EveryEntries);
                return null;
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
                    if (entry.Kind == LedgerEntryKind.CatalogueChanged)
                    {
                        state = await FollowCatalogueAsync(state, entry.Sequence, cancellationToken);
                    }

                    // The entry's rows are read first; the current values and the aggregates then change together
                    // under the store's write lock, so no query sees the one without the other.
                    if (await ProjectionReader.ReadChangeAsync(db, entry, cancellationToken) is { } change)
                    {
                        var values = state.Values;
                        state.Engine.Update(() =>
                        {
                            change.ApplyTo(values);
                            return values.TakeDeltas();
                        });
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

    /// <summary>How many times a <c>catalogue.changed</c> entry made the projection rebuild its engine.</summary>
    public int CatalogueRebuilds { get; private set; }

    // A catalogue change (an indicator's rules, a new regime version) can move any aggregate of the indicators it names,
    // and through weights and formulas others too, so the engine is rebuilt from the values it already holds under the
    // new catalogue — no database read — and swapped in whole: queries keep the old engine until the new one is ready.
    // The administrator of this process commits the entry and then swaps the snapshot, both under ChangeGate; waiting
    // for the gate therefore gives at least the catalogue this entry made. A change made by another process is not in
    // this process's snapshot: then the aggregates keep the old catalogue until a restart, and that is logged.
    private async Task<State> FollowCatalogueAsync(State state, long sequence, CancellationToken cancellationToken)
    {
        await catalogue.ChangeGate.WaitAsync(cancellationToken);
        CatalogueSnapshot snapshot;
        try
        {
            snapshot = catalogue.Current;
        }
        finally
        {
            catalogue.ChangeGate.Release();
        }

        if (ReferenceEquals(snapshot, state.Catalogue))
        {
            if (logger.IsEnabled(LogLevel.Warning))
            {
                logger.LogWarning("Ledger entry {Sequence} changes the catalogue, but this process's catalogue did not change (another process made it?); aggregates follow the new catalogue after a restart or nris rebuild", sequence);
            }

            return state;
        }

        var watch = Stopwatch.StartNew();
        state.Values.UseCatalogue(snapshot);
        var engine = AggregationEngine.Build(snapshot, state.Values, state.Values.Facts());
        var next = new State(engine, state.Values, snapshot);
        _state = next;
        CatalogueRebuilds++;
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Ledger entry {Sequence} changed the catalogue: aggregates rebuilt under it from {Facts} facts in {Elapsed} ms",
                sequence, engine.FactCount, watch.ElapsedMilliseconds);
        }

        return next;
    }

    /// <summary>Waits until the engine holds ledger entry <paramref name="sequence"/> (read-your-write for callers and tests).</summary>
    public Task WaitForAsync(long sequence, CancellationToken cancellationToken) =>
        _waiters.WaitForAsync(() => IsReady && LastAppliedSequence >= sequence, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    private void Advance(long sequence, long? timeUs)
    {
        _waiters.Advance(() =>
        {
            Interlocked.Exchange(ref _lastApplied, sequence);
            if (timeUs is { } us)
            {
                LastAppliedTime = LedgerTime.FromUnixMicroseconds(us);
            }
        });
    }
}
