namespace Nris.Core.Ledger;

/// <summary>
/// Time as the ledger keeps it: an instant in UTC with microsecond precision. PostgreSQL and most databases keep
/// microseconds, not .NET's 100 ns ticks, so an entry created with finer time would come back from storage
/// different from what was hashed. Entries and checkpoints are therefore created with normalized time, and the
/// hash covers the count of microseconds since the Unix epoch.
/// </summary>
public static class LedgerTime
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;

    /// <summary>The instant in UTC (offset zero), truncated to whole microseconds.</summary>
    /// <param name="time">Any instant.</param>
    /// <returns>The normalized instant.</returns>
    public static DateTimeOffset Normalize(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>
    /// Tells whether the instant has no sub-microsecond part, so that it can be hashed as it is.
    /// The offset does not matter: only the instant is hashed.
    /// </summary>
    /// <param name="time">The instant to check.</param>
    /// <returns><see langword="true"/> when the instant is a whole number of microseconds.</returns>
    public static bool HasMicrosecondPrecision(DateTimeOffset time) => time.UtcTicks % TicksPerMicrosecond == 0;

    /// <summary>Microseconds since 1970-01-01T00:00:00Z (negative before it), as hashed and signed.</summary>
    /// <param name="time">An instant with microsecond precision.</param>
    /// <returns>The microsecond count.</returns>
    /// <exception cref="ArgumentException">The instant has a sub-microsecond part; normalize it first.</exception>
    public static long ToUnixMicroseconds(DateTimeOffset time)
    {
        if (!HasMicrosecondPrecision(time))
        {
            throw new ArgumentException(
                "Ledger times have microsecond precision; this one has a sub-microsecond part. Use LedgerTime.Normalize.",
                nameof(time));
        }
        return (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;
    }

    /// <summary>The UTC instant that is <paramref name="microseconds"/> after the Unix epoch (a storage helper).</summary>
    /// <param name="microseconds">Microseconds since 1970-01-01T00:00:00Z.</param>
    /// <returns>The instant, with offset zero.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The instant is outside <see cref="DateTimeOffset"/>'s range.</exception>
    public static DateTimeOffset FromUnixMicroseconds(long microseconds)
    {
        var min = (DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;
        var max = (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;
        ArgumentOutOfRangeException.ThrowIfLessThan(microseconds, min);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(microseconds, max);
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + microseconds * TicksPerMicrosecond, TimeSpan.Zero);
    }
}
