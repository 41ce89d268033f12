using System.Diagnostics;
using Nris.Core.DemoGeneration;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Storage.Seed;

namespace Nris.Server.Demo;

/// <summary>What <see cref="DemoLoader.LoadAsync"/> did.</summary>
/// <param name="Submitted">Reports stored (each a ledger entry, a version and its current values).</param>
/// <param name="Values">Values in the stored reports.</param>
/// <param name="Explained">Reports whose plausibility warnings were explained so they could be submitted.</param>
/// <param name="Refused">Reports the submission path refused (errors, unknown reporter, already submitted).</param>
/// <param name="FirstRefusal">Why the first refused report was refused, for the operator.</param>
/// <param name="Checkpoint">The ledger entry of the checkpoint signed at the end, if any.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record DemoLoadResult(int Submitted, long Values, int Explained, int Refused, string? FirstRefusal, long? Checkpoint, TimeSpan Elapsed)
{
    /// <summary>The reports refused (regime, period, reporter), so a caller that planted manipulations can tell which never got in.</summary>
    public IReadOnlyList<(string Regime, string Period, string Reporter)> RefusedReports { get; init; } = [];
}

/// <summary>
/// Submits generated reports (<see cref="DemoGenerator"/>) through the ordinary submission path — validation, ledger
/// entry, version, current values, all in one transaction each — so provenance, <c>nris verify</c> and
/// <c>nris rebuild --check</c> hold for generated data exactly as for real data. A report whose only issues are
/// plausibility warnings is resubmitted with an explanation, as a reporter would; one with errors is counted, not stored.
/// A ledger checkpoint is signed at the end.
/// </summary>
public sealed class DemoLoader(IServiceScopeFactory scopes, CheckpointService checkpoints, ILogger<DemoLoader> logger)
{
    /// <summary>The user recorded as the submitter of generated reports.</summary>
    public const string Actor = "system:demo";

    /// <summary>The explanation given for a generated value's plausibility warning.</summary>
    public const string Explanation = "Số liệu mô phỏng / generated demo data";

    private const int ReportsPerScope = 25;

    /// <summary>The real communes and provinces, read from the reference directory the configuration names.</summary>
    public static DemoPlaces ReadPlaces(IConfiguration configuration)
    {
        var path = Path.Combine(CatalogueSources.FromConfiguration(configuration).ReferenceDirectory, "vn-stats", "communes_2025_area_population.csv");
        using var reader = new StreamReader(path);
        return DemoPlaces.Read(reader);
    }

    /// <summary>Submits every report in order; <paramref name="progress"/> hears the running totals now and then.</summary>
    public async Task<DemoLoadResult> LoadAsync(IEnumerable<DemoReport> reports, IProgress<DemoLoadResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var watch = Stopwatch.StartNew();
        int submitted = 0, explained = 0, refused = 0;
        long values = 0;
        string? firstRefusal = null;
        var refusedReports = new List<(string, string, string)>();
        AsyncServiceScope? scope = null;
        var inScope = 0;
        try
        {
            foreach (var report in reports)
            {
                if (scope is null || inScope == ReportsPerScope)
                {
                    // A fresh scope (and DbContext) every few reports keeps the change tracker small.
                    if (scope is { } old)
                    {
                        await old.DisposeAsync();
                    }

                    scope = scopes.CreateAsyncScope();
                    inScope = 0;
                }

                inScope++;
                var service = scope.Value.ServiceProvider.GetRequiredService<SubmissionService>();
                var key = new ReportKey(report.RegimeCode, report.Period, report.ReporterCode);
                var actor = new SubmissionActor(Actor, report.ReporterCode);
                try
                {
                    try
                    {
                        await service.SubmitAsync(key, new SubmissionRequest([.. report.Values]), actor, cancellationToken);
                    }
                    catch (SubmissionRejectedException e) when (!e.Report.HasErrors)
                    {
                        var because = e.Report.UnexplainedWarnings.Select(i => i.RuleCode).OfType<string>().Distinct(StringComparer.Ordinal)
                            .Select(rule => new WarningExplanation(rule, Explanation)).ToList();
                        await service.SubmitAsync(key, new SubmissionRequest([.. report.Values], because), actor, cancellationToken);
                        explained++;
                    }

                    submitted++;
                    values += report.Values.Count;
                }
                catch (SubmissionException e)
                {
                    refused++;
                    refusedReports.Add((report.RegimeCode, report.Period.ToString(), report.ReporterCode));
                    if (firstRefusal is null)
                    {
                        firstRefusal = $"{report.RegimeCode} {report.Period} {report.ReporterCode}: {e.Message}";
                        logger.LogWarning("Generated report refused: {Refusal}", firstRefusal);
                    }
                }

                if ((submitted + refused) % 500 == 0)
                {
                    progress?.Report(new DemoLoadResult(submitted, values, explained, refused, firstRefusal, null, watch.Elapsed));
                }
            }
        }
        finally
        {
            if (scope is { } last)
            {
                await last.DisposeAsync();
            }
        }

        long? checkpoint = null;
        if (submitted > 0)
        {
            await using var signing = scopes.CreateAsyncScope();
            checkpoint = (await checkpoints.CreateAsync(signing.ServiceProvider.GetRequiredService<NrisDbContext>(), cancellationToken))?.Sequence;
        }

        return new DemoLoadResult(submitted, values, explained, refused, firstRefusal, checkpoint, watch.Elapsed) { RefusedReports = refusedReports };
    }
}
