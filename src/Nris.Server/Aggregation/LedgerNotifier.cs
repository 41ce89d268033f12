using System.Threading.Channels;

namespace Nris.Server.Aggregation;

/// <summary>
/// An in-process doorbell: the submission engine rings it after a ledger append commits, so the views that follow the
/// ledger look at once instead of at their next poll. It carries no data — followers always read the ledger itself —
/// so a missed or extra ring costs at most one poll interval or one empty read. Other replicas rely on polling.
/// </summary>
public sealed class LedgerNotifier
{
    // One pending ring is enough: a follower reads everything after its last applied entry whenever it wakes.
    private readonly Channel<bool> _rings = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Says that something was appended to the ledger and committed.</summary>
    public void Appended() => _rings.Writer.TryWrite(true);

    /// <summary>Waits until rung or until <paramref name="timeout"/> passes, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_rings.Reader.TryRead(out _))
        {
            return;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _rings.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a ring: time to look anyway (another replica may have appended).
        }
    }
}
