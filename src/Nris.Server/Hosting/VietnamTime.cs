using Nris.Core.Periods;

namespace Nris.Server.Hosting;

/// <summary>"Today" in Nris is Vietnam's today (UTC+7, no daylight saving), whatever the server's time zone.</summary>
public static class VietnamTime
{
    public static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ReportingCalendar.VietnamOffset).DateTime);
}
