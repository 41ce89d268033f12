using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Catalogue;
using Nris.Storage;

namespace Nris.Server.Oversight;

/// <summary>One expected report in a matrix.</summary>
public sealed record ComplianceCellDto(
    string Period, ComplianceState State, DateTimeOffset? Received, int Versions, int Returned, long? LedgerSequence);

/// <summary>One reporter's row of a matrix, with its own totals.</summary>
public sealed record ComplianceRowDto(string Reporter, string Name, string NameEn, IReadOnlyList<ComplianceCellDto> Cells, RatesDto Totals);

/// <summary>One period's column header: deadline and the instant a report becomes late, with the column totals.</summary>
public sealed record CompliancePeriodDto(string Period, DateOnly Deadline, DateTimeOffset Due, RatesDto Totals);

/// <summary>Counts by state and the rates made from them. Rates are null when nothing is judged yet.</summary>
public sealed record RatesDto(
    int Expected, int NotYetDue, int ReceivedOnTime, int ReceivedLate, int Missing, int Returned, int Accepted, int Judged,
    double? Completeness, double? Timeliness)
{
    public static RatesDto From(ComplianceTally t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var c = t.Counts;
        return new(t.Expected, c[0], c[1], c[2], c[3], c[4], c[5], t.Judged, Round(t.Completeness), Round(t.Timeliness));
    }

    private static double? Round(double? rate) => rate is { } r ? Math.Round(r, 4) : null;
}

/// <summary>The compliance matrix of one regime over a range of periods: reporters × periods.</summary>
public sealed record ComplianceMatrixDto(
    string Regime, string Name, string NameEn, DateTimeOffset AsOf, IReadOnlyList<CompliancePeriodDto> Periods,
    IReadOnlyList<ComplianceRowDto> Reporters, RatesDto Totals);

/// <summary>Rates of one regime in one organization's scorecard.</summary>
public sealed record ScorecardRegimeDto(string Regime, string Name, string NameEn, RatesDto Rates, int RevisionsAfterAcceptance, int ReturnedCount)
{
    /// <summary>Report versions of the year sent with at least one explained validation warning.</summary>
    public int VersionsWithExplainedWarnings { get; init; }

    /// <summary>Explanations of validation warnings carried by those versions.</summary>
    public int ExplainedWarnings { get; init; }
}

/// <summary>An organization's reporting record over a year, across every regime it reports under.</summary>
public sealed record ScorecardDto(
    string Organization, string Name, string NameEn, int Year, DateTimeOffset AsOf, RatesDto Totals,
    int RevisionsAfterAcceptance, int ReturnedCount, IReadOnlyList<ScorecardRegimeDto> Regimes)
{
    /// <summary>Report versions of the year, over the listed regimes, sent with at least one explained validation warning.</summary>
    public int VersionsWithExplainedWarnings { get; init; }

    /// <summary>Explanations of validation warnings carried by those versions.</summary>
    public int ExplainedWarnings { get; init; }
}

/// <summary>One regime's rates over a year, for the list of regimes.</summary>
public sealed record RegimeRatesDto(string Regime, string Name, string NameEn, RatesDto Rates, IReadOnlyList<PeriodRatesDto> Trend);

/// <summary>One period's rates, for trends.</summary>
public sealed record PeriodRatesDto(string Period, RatesDto Rates);

/// <summary>
/// Compliance questions answered from the compliance view, the catalogue and the clock, limited to what the caller may
/// see. Built so a Blazor page can call it in-process as well as through <see cref="OversightEndpoints"/>.
/// </summary>
/// <remarks>
/// A caller sees an expected report when it may read the regime's classification and either the reporter (its grant's
/// subtree holds the reporter) or the regime's single recipient (the recipient chases its reporters).
/// </remarks>
public sealed class ComplianceService(
    CatalogueState catalogue, ComplianceProjection projection, TimeProvider clock, IDbContextFactory<NrisDbContext> contexts)
{
    /// <summary>Whether the view is built.</summary>
    public bool IsReady => projection.IsReady;

    /// <summary>Whether <paramref name="scope"/> may see how <paramref name="reporter"/> reports under <paramref name="regime"/>.</summary>
    public static bool CanSee(AccessScope scope, Regime regime, string reporter)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(regime);
        return scope.CanReadRegime(regime) && scope.IsAuthenticated &&
               (scope.CanRead(reporter) || (regime.RecipientCode != Regime.ParentRecipient && scope.CanRead(regime.RecipientCode)));
    }

    /// <summary>
    /// The matrix of <paramref name="regimeCode"/> from <paramref name="from"/> to <paramref name="to"/>, optionally only
    /// the reporters within <paramref name="within"/>'s subtree; null when the caller may see no reporter of it.
    /// </summary>
    /// <exception cref="ArgumentException">Bad periods (see <see cref="ComplianceCalendar.Expected"/>).</exception>
    public ComplianceMatrixDto? Matrix(AccessScope scope, string regimeCode, Period from, Period to, string? within = null)
    {
        var snapshot = catalogue.Current;
        var view = projection.View;
        var now = clock.GetUtcNow();
        var expected = ComplianceCalendar.Expected(snapshot, regimeCode, from, to);
        var latest = snapshot.LatestRegime(regimeCode)!;
        var rows = new SortedDictionary<string, (Organization Org, List<ComplianceCellDto> Cells, ComplianceTally Tally)>(StringComparer.Ordinal);
        var columns = new List<CompliancePeriodDto>();
        var total = new ComplianceTally();
        foreach (var e in expected)
        {
            var column = new ComplianceTally();
            var period = e.Period.Period.ToString();
            foreach (var reporter in e.Reporters)
            {
                if (!CanSee(scope, e.Regime, reporter.Code) ||
                    (within is not null && !snapshot.Organizations.IsWithin(reporter.Code, within, e.Period.Period.End)))
                {
                    continue;
                }

                var record = view.Find(new ExpectationKey(regimeCode, period, reporter.Code));
                var state = ComplianceView.StateOf(record, e.Due, now);
                if (!rows.TryGetValue(reporter.Code, out var row))
                {
                    rows[reporter.Code] = row = (reporter, [], new ComplianceTally());
                }

                row.Cells.Add(new ComplianceCellDto(period, state, record?.FirstReceived, record?.Versions ?? 0, record?.ReturnedCount ?? 0,
                    record?.LastSequence));
                row.Tally.Add(state, record, e.Due);
                column.Add(state, record, e.Due);
                total.Add(state, record, e.Due);
            }

            columns.Add(new CompliancePeriodDto(period, e.Period.Deadline, e.Due, RatesDto.From(column)));
        }

        if (rows.Count == 0 && !CanSee(scope, latest, latest.RecipientCode == Regime.ParentRecipient ? "" : latest.RecipientCode))
        {
            return null;
        }

        return new ComplianceMatrixDto(regimeCode, latest.Name, latest.NameEn, now, columns,
            [.. rows.Values.Select(r => new ComplianceRowDto(r.Org.Code, r.Org.Name, r.Org.NameEn, r.Cells, RatesDto.From(r.Tally)))],
            RatesDto.From(total));
    }

    /// <summary>
    /// Rates of every regime the caller may see over the periods of <paramref name="year"/>, each with its trend by
    /// period; regimes in which the caller sees no reporter are left out.
    /// </summary>
    public IReadOnlyList<RegimeRatesDto> RegimeRates(AccessScope scope, int year)
    {
        var snapshot = catalogue.Current;
        var result = new List<RegimeRatesDto>();
        foreach (var code in snapshot.RegimeCodes)
        {
            var latest = snapshot.LatestRegime(code)!;
            var periods = Period.InYear(year, latest.Periodicity).ToList();
            var matrix = Matrix(scope, code, periods[0], periods[^1]);
            if (matrix is null || matrix.Reporters.Count == 0)
            {
                continue;
            }

            result.Add(new RegimeRatesDto(code, latest.Name, latest.NameEn, matrix.Totals,
                [.. matrix.Periods.Select(p => new PeriodRatesDto(p.Period, p.Totals))]));
        }

        return result;
    }

    /// <summary>
    /// The scorecard with "validation warnings explained": for each listed regime, the report versions of the year
    /// that the organization sent with explanations of warnings, and how many explanations. A report cannot be sent
    /// while a warning is unexplained, so these are the versions that were sent with warnings. The explanations are
    /// read from each version's ledger entry (the canonical document's <c>explanations</c>, its first member).
    /// </summary>
    public async Task<ScorecardDto?> ScorecardAsync(AccessScope scope, string organizationCode, int year, CancellationToken ct)
    {
        if (Scorecard(scope, organizationCode, year) is not { } card)
        {
            return null;
        }

        var regimeCodes = card.Regimes.Select(r => r.Regime).ToList();
        var prefix = year.ToString("D4", CultureInfo.InvariantCulture);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await (from v in db.ReportVersions.AsNoTracking()
                          join rep in db.Reports.AsNoTracking() on v.ReportId equals rep.Id
                          join e in db.LedgerEntries.AsNoTracking() on v.LedgerSequence equals e.Sequence
                          where rep.ReporterCode == organizationCode && regimeCodes.Contains(rep.RegimeCode) && rep.Period.StartsWith(prefix)
                          select new { rep.RegimeCode, rep.Period, e.Payload }).ToListAsync(ct);
        var byRegime = new Dictionary<string, (int Versions, int Explanations)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!Period.TryParse(row.Period, out var period) || period.Year != year || ExplanationCount(row.Payload) is not (> 0 and var n))
            {
                continue;
            }

            var (versions, explanations) = byRegime.GetValueOrDefault(row.RegimeCode);
            byRegime[row.RegimeCode] = (versions + 1, explanations + n);
        }

        return card with
        {
            Regimes = [.. card.Regimes.Select(r => byRegime.TryGetValue(r.Regime, out var c)
                ? r with { VersionsWithExplainedWarnings = c.Versions, ExplainedWarnings = c.Explanations }
                : r)],
            VersionsWithExplainedWarnings = byRegime.Values.Sum(c => c.Versions),
            ExplainedWarnings = byRegime.Values.Sum(c => c.Explanations),
        };
    }

    /// <summary>The number of elements of a submission document's top-level <c>explanations</c> array; 0 when it has none or is not one.</summary>
    internal static int ExplanationCount(byte[] payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExplanations = reader.ValueTextEquals("explanations"u8);
                reader.Read();
                if (!isExplanations)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return 0;
                }

                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    count++;
                    reader.Skip();
                }

                return count;
            }

            return 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>The scorecard of <paramref name="organizationCode"/> for <paramref name="year"/>; null when the caller may not read it.</summary>
    public ScorecardDto? Scorecard(AccessScope scope, string organizationCode, int year)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var snapshot = catalogue.Current;
        var organization = snapshot.Organizations.Versions(organizationCode) is { Count: > 0 } versions ? versions[^1] : null;
        if (organization is null || !scope.IsAuthenticated || !scope.CanRead(organizationCode))
        {
            return null;
        }

        var view = projection.View;
        var now = clock.GetUtcNow();
        var total = new ComplianceTally();
        var regimes = new List<ScorecardRegimeDto>();
        int revisions = 0, returned = 0;
        foreach (var code in snapshot.RegimeCodes)
        {
            var latest = snapshot.LatestRegime(code)!;
            if (!scope.CanReadRegime(latest))
            {
                continue;
            }

            var tally = new ComplianceTally();
            int regimeRevisions = 0, regimeReturned = 0;
            foreach (var period in Period.InYear(year, latest.Periodicity))
            {
                var regime = snapshot.Regime(code, period.End);
                if (regime is null || regime.Periodicity != period.Periodicity)
                {
                    continue;
                }

                var e = ComplianceCalendar.ForPeriod(snapshot, regime, period);
                if (!e.Reporters.Any(r => r.Code == organizationCode))
                {
                    continue;
                }

                var record = view.Find(new ExpectationKey(code, period.ToString(), organizationCode));
                var state = ComplianceView.StateOf(record, e.Due, now);
                tally.Add(state, record, e.Due);
                total.Add(state, record, e.Due);
                regimeRevisions += record?.RevisionsAfterAcceptance ?? 0;
                regimeReturned += record?.ReturnedCount ?? 0;
            }

            if (tally.Expected > 0)
            {
                regimes.Add(new ScorecardRegimeDto(code, latest.Name, latest.NameEn, RatesDto.From(tally), regimeRevisions, regimeReturned));
                revisions += regimeRevisions;
                returned += regimeReturned;
            }
        }

        return new ScorecardDto(organizationCode, organization.Name, organization.NameEn, year, now, RatesDto.From(total), revisions, returned, regimes);
    }
}
