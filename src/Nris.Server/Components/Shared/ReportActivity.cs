using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Submissions;
using Nris.Storage;

namespace Nris.Server.Components.Shared;

/// <summary>
/// What the dashboards say about arriving reports (Today, the wall): counts of today's and this month's, awaiting
/// review and returned, and the latest few — counted in the database over every report the caller may read (its
/// reporter or its recipient inside one of the caller's grants' subtrees, as <see cref="AccessScope.CanRead"/>), so the
/// figures stay right whatever the number of reports, and rows outside the scope are never read.
/// </summary>
public sealed record ReportActivity(int Today, int Month, int Pending, int Returned, IReadOnlyList<ReportSummary> Latest)
{
    // The statistical yearbook history loaded at start-up is not "arriving" unless it was sent lately.
    private const string Yearbook = "NGTK-TINH-NAM";

    public static async Task<ReportActivity> ReadAsync(IDbContextFactory<NrisDbContext> contexts, AccessScope scope, DateOnly today, int latest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await contexts.CreateDbContextAsync(ct);
        static long Micros(DateOnly day) =>
            LedgerTime.ToUnixMicroseconds(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ReportingCalendar.VietnamOffset));
        var startOfToday = Micros(today);
        var startOfMonth = Micros(new DateOnly(today.Year, today.Month, 1));
        var yesterday = Micros(today.AddDays(-1));

        var query = db.Reports.AsNoTracking().Where(r => r.RegimeCode != Yearbook || r.UpdatedUs >= yesterday);
        if (!scope.IsSystemAdministrator)
        {
            var codes = scope.SubtreeCodes(scope.Grants.Select(g => g.OrganizationCode).Distinct(StringComparer.Ordinal)).ToList();
            query = query.Where(r => codes.Contains(r.ReporterCode) || codes.Contains(r.RecipientCode));
        }

        var todayCount = await query.CountAsync(r => r.UpdatedUs >= startOfToday, ct);
        var monthCount = await query.CountAsync(r => r.UpdatedUs >= startOfMonth, ct);
        var pending = await query.CountAsync(r => r.State == SubmissionState.Submitted, ct);
        var returned = await query.CountAsync(r => r.State == SubmissionState.Returned, ct);
        var rows = await query.OrderByDescending(r => r.LastLedgerSequence).Take(latest).ToListAsync(ct);
        return new ReportActivity(todayCount, monthCount, pending, returned,
            rows.ConvertAll(r => new ReportSummary(new ReportKey(r.RegimeCode, Period.Parse(r.Period), r.ReporterCode), r.State,
                r.CurrentVersion, r.RecipientCode, LedgerTime.FromUnixMicroseconds(r.UpdatedUs), r.LastLedgerSequence)));
    }
}
