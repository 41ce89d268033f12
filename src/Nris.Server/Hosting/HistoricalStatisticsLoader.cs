using System.Diagnostics;
using System.Globalization;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Catalogue;
using Nris.Server.Submissions;
using Nris.Storage.Seed;

namespace Nris.Server.Hosting;

/// <summary>
/// Loads the real provincial statistics of reference/vn-stats as the statistics office's yearbook reports
/// (NGTK-TINH-NAM by TCTK, accepted by VPCP) through the ordinary submission path, so the demo's numbers carry real
/// provenance: a ledger entry, a version, a validation with explained warnings.
/// </summary>
public sealed class HistoricalStatisticsLoader(IConfiguration configuration, CatalogueState catalogue, ILogger<HistoricalStatisticsLoader> logger)
{
    public const string RegimeCode = "NGTK-TINH-NAM";
    public const string ReporterCode = "TCTK";
    public const string Actor = "system:seed";
    public const string Explanation = "Số liệu lịch sử của Tổng cục Thống kê / historical GSO data";
    public const string FileName = "provinces_63_indicators_long.csv";

    /// <summary>Submits and accepts one report per year of the file; returns how many years were loaded.</summary>
    public async Task<int> LoadAsync(SubmissionService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var path = Path.Combine(CatalogueSources.FromConfiguration(configuration).ReferenceDirectory, "vn-stats", FileName);
        if (!File.Exists(path))
        {
            logger.LogWarning("No historical statistics at {Path}; the demo starts without them", path);
            return 0;
        }

        var watch = Stopwatch.StartNew();
        var snapshot = catalogue.Current;
        HistoricalStatisticsFile file;
        using (var reader = new StreamReader(path))
        {
            file = HistoricalStatistics.Read(reader, (code, date) => snapshot.Territories.Find(code, date) is not null);
        }

        var loaded = 0;
        var warnings = 0;
        var offForm = 0;
        foreach (var year in file.Years)
        {
            var key = new ReportKey(RegimeCode, Period.Parse(year.Year.ToString(CultureInfo.InvariantCulture)), ReporterCode);
            if (service.Describe(key) is not { } target)
            {
                logger.LogWarning("Skipping historical year {Year}: {Regime} or {Reporter} does not exist then", year.Year, RegimeCode, ReporterCode);
                continue;
            }

            // The file has indicators the yearbook form does not ask for; those are not part of this report.
            var onForm = target.Regime.Rows.Select(r => r.IndicatorCode).ToHashSet(StringComparer.Ordinal);
            var values = year.Values.Where(v => onForm.Contains(v.IndicatorCode)).ToList();
            offForm += year.Values.Count - values.Count;

            // Ask the validator first: historical data trips plausibility warnings (e.g. R01), which the statistics office's
            // own publication explains; errors are not explained away, and such a year is left out and logged.
            var report = SubmissionValidator.Validate(snapshot, target.Regime, key.Period, target.Reporter, values);
            if (report.HasErrors)
            {
                logger.LogWarning("Historical year {Year} not loaded: {Errors} validation errors, first: {First}", year.Year,
                    report.Issues.Count(i => i.Severity == RuleSeverity.Error), report.Issues.First(i => i.Severity == RuleSeverity.Error).MessageEn);
                continue;
            }
            var explanations = report.UnexplainedWarnings.Select(i => i.RuleCode).OfType<string>().Distinct(StringComparer.Ordinal)
                .Select(rule => new WarningExplanation(rule, Explanation)).ToList();
            warnings += report.UnexplainedWarnings.Count();

            await service.SubmitAsync(key, new SubmissionRequest(values, explanations), new SubmissionActor(Actor, ReporterCode), cancellationToken);
            await service.AcceptAsync(key, 1, new SubmissionActor(Actor, target.RecipientCode), cancellationToken);
            loaded++;
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Loaded {Years} years of historical statistics as {Regime} reports by {Reporter} in {Elapsed} ms: {Warnings} warnings explained, {OffForm} values not on the form, {Skipped} rows of territories that did not exist ({Codes}), {Regions} region rows",
                loaded, RegimeCode, ReporterCode, watch.ElapsedMilliseconds, warnings, offForm, file.SkippedRows, string.Join(",", file.SkippedTerritories),
                file.SkippedRegionRows);
        }
        return loaded;
    }
}
