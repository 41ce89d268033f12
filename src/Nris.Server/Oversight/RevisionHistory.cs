using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Storage;

namespace Nris.Server.Oversight;

/// <summary>
/// The stored revision histories the <c>toward-target</c> detector reads: for every report of a regime that has more
/// than one version, each total of the given indicators that changed from one version to the next, with the ledger
/// entry of the newer version. Read from the report versions and their values (written in the same transaction as
/// their ledger entries), so it follows the ledger like the current values.
/// </summary>
public static class RevisionHistory
{
    /// <summary>The revised totals of <paramref name="indicators"/> in <paramref name="regime"/>, oldest ledger entry first.</summary>
    public static async Task<IReadOnlyList<RevisedFigure>> ReadAsync(
        NrisDbContext db, Regime regime, IReadOnlyCollection<string> indicators, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(regime);
        ArgumentNullException.ThrowIfNull(indicators);
        if (indicators.Count == 0)
        {
            return [];
        }

        var code = regime.Code;
        var wanted = indicators.ToList();
        var rows = await (from r in db.Reports.AsNoTracking()
                          where r.RegimeCode == code && r.CurrentVersion > 1
                          join v in db.ReportVersions.AsNoTracking() on r.Id equals v.ReportId
                          join x in db.ReportValues.AsNoTracking() on v.Id equals x.VersionId
                          where wanted.Contains(x.IndicatorCode) && x.Disaggregation == Disaggregations.Total && x.Number != null
                          select new { r.Id, r.Period, r.ReporterCode, v.Version, v.LedgerSequence, x.IndicatorCode, x.TerritoryCode, x.Number }).ToListAsync(ct);
        var result = new List<RevisedFigure>();
        foreach (var report in rows.GroupBy(x => x.Id))
        {
            var first = report.First();
            if (!Period.TryParse(first.Period, out var period) || period.Periodicity != regime.Periodicity)
            {
                continue;
            }

            foreach (var cell in report.GroupBy(x => (x.IndicatorCode, x.TerritoryCode)))
            {
                var versions = cell.OrderBy(x => x.Version).ToList();
                for (var i = 1; i < versions.Count; i++)
                {
                    var (before, after) = (versions[i - 1], versions[i]);
                    if (before.Number!.Value != after.Number!.Value)
                    {
                        result.Add(new RevisedFigure(code, first.ReporterCode, period, cell.Key.IndicatorCode, cell.Key.TerritoryCode,
                            before.Version, after.Version, before.Number.Value, after.Number.Value, after.LedgerSequence));
                    }
                }
            }
        }

        return [.. result.OrderBy(f => f.LedgerSequence).ThenBy(f => f.Indicator, StringComparer.Ordinal).ThenBy(f => f.Territory, StringComparer.Ordinal)];
    }
}
