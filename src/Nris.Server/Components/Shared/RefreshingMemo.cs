using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Nris.Server.Components.Shared;

/// <summary>
/// A dashboard value too costly to compute while a page waits (Today's hot issues: the anomaly detectors re-read a
/// regime's stored values after each of its reports). Kept per key and per state of the data like
/// <see cref="DashboardMemo"/>, but a view at a newer state does not wait for it longer than a budget: it starts one
/// refresh (at most one at a time per key, on the thread pool; the budget counts from its start) and, if that is not done within the budget, shows the
/// value of the earlier state, marked as not current, so the page can say "updating" and read itself again. When the
/// key's last refresh took longer than the budget, the earlier value is shown without waiting. The first view of a key
/// has nothing earlier and waits.
/// </summary>
public static class RefreshingMemo
{
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, Slot>> Tables = new();

    private sealed class Slot
    {
        public readonly Lock Gate = new();
        public DashboardMemo.Stamp? Stamp;
        public object? Value;
        public Task<object>? Running;
        public long RunningSince;
        public TimeSpan LastDuration;
    }

    /// <summary>
    /// The value at <paramref name="stamp"/> if kept or computed within <paramref name="budget"/>; otherwise the
    /// value of an earlier state with <c>Current</c> false while the refresh goes on.
    /// </summary>
    public static async Task<(T Value, bool Current)> GetAsync<T>(object owner, string key, DashboardMemo.Stamp stamp, TimeSpan budget, Func<Task<T>> compute)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(compute);
        var table = Tables.GetValue(owner, _ => new ConcurrentDictionary<string, Slot>(StringComparer.Ordinal));
        if (table.Count >= DashboardMemo.MaxEntries && !table.ContainsKey(key))
        {
            table.Clear();
        }

        var slot = table.GetOrAdd(key, _ => new Slot());
        Task<object> refresh;
        object? earlier;
        lock (slot.Gate)
        {
            if (slot.Stamp is { } kept && kept.Matches(stamp) && slot.Value is T current)
            {
                return (current, true);
            }

            earlier = slot.Value;
            if (slot.Running is null)
            {
                slot.RunningSince = System.Diagnostics.Stopwatch.GetTimestamp();
                slot.Running = Task.Run(() => RefreshAsync(slot, stamp, compute));
            }

            refresh = slot.Running;
            // A refresh that took longer than the whole budget last time will not finish within it now: show the
            // earlier value at once rather than wait for nothing.
            if (slot.LastDuration > budget)
            {
                budget = TimeSpan.Zero;
            }

            // The budget counts from the start of the refresh: a view that finds one already running waits only for
            // what is left of it, so views during a long refresh do not each wait the whole budget.
            budget -= System.Diagnostics.Stopwatch.GetElapsedTime(slot.RunningSince);
        }

        if (earlier is not T previous)
        {
            var value = (T)await refresh;
            return (value, slot.Stamp is { } s && s.Matches(stamp));
        }

        if (refresh.IsCompletedSuccessfully || (budget > TimeSpan.Zero && await Task.WhenAny(refresh, Task.Delay(budget)) == refresh && refresh.IsCompletedSuccessfully))
        {
            return ((T)refresh.Result, slot.Stamp is { } s && s.Matches(stamp));
        }

        return (previous, false);
    }

    private static async Task<object> RefreshAsync<T>(Slot slot, DashboardMemo.Stamp stamp, Func<Task<T>> compute)
        where T : class
    {
        try
        {
            var value = await compute();
            lock (slot.Gate)
            {
                slot.Stamp = stamp;
                slot.Value = value;
            }

            return value;
        }
        finally
        {
            lock (slot.Gate)
            {
                slot.Running = null;
                slot.LastDuration = System.Diagnostics.Stopwatch.GetElapsedTime(slot.RunningSince);
            }
        }
    }
}
