namespace Nris.Server.Ledger;

/// <summary>
/// Lets callers wait until a view that follows the ledger (aggregates, compliance) has applied a given entry:
/// the view publishes its new position through <see cref="Advance"/>, and every waiter re-checks its condition.
/// </summary>
internal sealed class LedgerWaiters
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs <paramref name="publish"/> under the lock the waiters check under, then wakes them.</summary>
    public void Advance(Action publish)
    {
        lock (_lock)
        {
            publish();
            var done = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.TrySetResult();
        }
    }

    /// <summary>Returns once <paramref name="reached"/> holds, checked after each <see cref="Advance"/>.</summary>
    public async Task WaitForAsync(Func<bool> reached, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_lock)
            {
                if (reached())
                {
                    return;
                }

                next = _advanced.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }
}
