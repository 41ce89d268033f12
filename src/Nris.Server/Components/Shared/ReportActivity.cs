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
        HashSet<string>? codes = scope.IsSystemAdministrator
            ? null
            : [.. scope.SubtreeCodes(scope.Grants.Select(g => g.OrganizationCode).Distinct(StringComparer.Ordinal))];
        bool InScope(string reporter, string recipient) => codes is null || codes.Contains(reporter) || codes.Contains(recipient);

        // One pass over the reports, grouped by reporter and recipient (a few thousand groups at most); the groups are
        // then kept or dropped by the caller's scope in memory. A national scope holds thousands of codes, and an
        // IN (…) over them on every row cost seconds at scale M.
        var groups = await query.GroupBy(r => new { r.ReporterCode, r.RecipientCode })
            .Select(g => new
            {
                g.Key.ReporterCode,
                g.Key.RecipientCode,
                Today = g.Sum(r => r.UpdatedUs >= startOfToday ? 1 : 0),
                Month = g.Sum(r => r.UpdatedUs >= startOfMonth ? 1 : 0),
                Pending = g.Sum(r => r.State == SubmissionState.Submitted ? 1 : 0),
                Returned = g.Sum(r => r.State == SubmissionState.Returned ? 1 : 0),
            }).ToListAsync(ct);
        var kept = groups.Where(g => InScope(g.ReporterCode, g.RecipientCode)).ToList();
        var (todayCount, monthCount, pending, returned) = (kept.Sum(g => g.Today), kept.Sum(g => g.Month), kept.Sum(g => g.Pending), kept.Sum(g => g.Returned));

        // The latest: the newest rows, kept by scope in memory; a narrow scope that finds too few among them asks the
        // database with its (then short) list of codes.
        const int Window = 1000;
        var newest = await query.OrderByDescending(r => r.LastLedgerSequence).Take(Window).ToListAsync(ct);
        var rows = newest.Where(r => InScope(r.ReporterCode, r.RecipientCode)).Take(latest).ToList();
        if (rows.Count < latest && newest.Count == Window && codes is not null)
        {
            var list = codes.ToList();
            rows = await query.Where(r => list.Contains(r.ReporterCode) || list.Contains(r.RecipientCode))
                .OrderByDescending(r => r.LastLedgerSequence).Take(latest).ToListAsync(ct);
        }

        return new ReportActivity(todayCount, monthCount, pending, returned,
            rows.ConvertAll(r => new ReportSummary(new ReportKey(r.RegimeCode, Period.Parse(r.Period), r.ReporterCode), r.State,
                r.CurrentVersion, r.RecipientCode, LedgerTime.FromUnixMicroseconds(r.UpdatedUs), r.LastLedgerSequence)));
    }
}
