using System.Text.Json;
using System.Text.Json.Serialization;
using Nris.Core.Aggregation;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;

namespace Nris.Server.Oversight;

/// <summary>A target's progress as the API returns it.</summary>
public sealed record TargetProgressDto(
    string Code, string Indicator, string Territory, int Year, TargetKind Kind, decimal Target, bool HigherIsBetter,
    string LegalBasis, string LegalBasisEn, string? Source, bool IsDemo, IReadOnlyList<TargetMilestone> Milestones,
    decimal? Actual, decimal? Needed, string Pace, TargetStatus Status, string? LastPeriod, string ExplanationVi, string ExplanationEn);

/// <summary>
/// Assigned targets (chỉ tiêu được giao) and their progress from the aggregates. The targets are read from
/// <c>catalogue/targets/*.json</c> next to the binaries (or under <c>Nris:DataFiles</c>); the actuals are the aggregate
/// cells the caller may read, so a target whose figures the caller may not see is left out.
/// </summary>
public sealed class TargetService(CatalogueState catalogue, AggregationProjection projection, IConfiguration configuration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly Lazy<IReadOnlyList<Target>> _targets = new(() => Load(configuration));

    private sealed record TargetFile(IReadOnlyList<Target> Targets);

    /// <summary>Whether the aggregates are built.</summary>
    public bool IsReady => projection.IsReady;

    /// <summary>Every target loaded.</summary>
    public IReadOnlyList<Target> Targets => _targets.Value;

    /// <summary>The progress of the targets of <paramref name="year"/> (optionally of one territory) the caller may see.</summary>
    public IReadOnlyList<TargetProgressDto> Progress(AccessScope access, int year, string? territory = null)
    {
        var snapshot = catalogue.Current;
        var engine = projection.Engine;
        var scope = new AggregateScope(access, snapshot);
        var result = new List<TargetProgressDto>();
        foreach (var target in Targets.Where(t => t.Year == year && (territory is null || t.TerritoryCode == territory)))
        {
            if (!snapshot.Indicators.ContainsKey(target.IndicatorCode) || snapshot.Territories.Versions(target.TerritoryCode).Count == 0)
            {
                continue;
            }

            if (Actuals(scope, engine, target.IndicatorCode, target.TerritoryCode, year) is not { } thisYear)
            {
                // The caller may read no source of this cell.
                continue;
            }

            var progress = Judge(target, thisYear, Actuals(scope, engine, target.IndicatorCode, target.TerritoryCode, year - 1));
            result.Add(new TargetProgressDto(target.Code, target.IndicatorCode, target.TerritoryCode, target.Year, target.Kind, target.Value,
                target.HigherIsBetter, target.LegalBasis, target.LegalBasisEn, target.Source, target.IsDemo, target.Milestones,
                progress.Progress.Actual, progress.Progress.Needed, progress.Progress.Pace, progress.Progress.Status, progress.LastPeriod,
                progress.Progress.ExplanationVi, progress.Progress.ExplanationEn));
        }

        return result;
    }

    // The values of a year by month, or by quarter when there are no monthly ones; null when the caller may read nothing there.
    private static List<(Period Period, decimal? Value)>? Actuals(AggregateScope scope, AggregationEngine engine, string indicator, string territory, int year)
    {
        List<(Period, decimal?)>? Read(Periodicity periodicity)
        {
            var values = new List<(Period, decimal?)>();
            foreach (var period in Period.InYear(year, periodicity))
            {
                if (scope.Cell(engine, new CellQuery(indicator, territory, period)) is not { } value)
                {
                    return null;
                }

                values.Add((period, value.Value));
            }

            return values;
        }

        var months = Read(Periodicity.Monthly);
        if (months is null)
        {
            return null;
        }

        return months.Any(m => m.Item2 is not null) ? months : Read(Periodicity.Quarterly) ?? months;
    }

    private static (TargetProgress Progress, string? LastPeriod) Judge(Target target, List<(Period Period, decimal? Value)> thisYear, List<(Period Period, decimal? Value)>? lastYear)
    {
        var reported = thisYear.Where(v => v.Value is not null).ToList();
        if (reported.Count == 0)
        {
            return (TargetEvaluator.Evaluate(target, null, 0, null, null), null);
        }

        var last = reported[^1].Period;
        var elapsed = (decimal)(last.End.DayNumber - new DateOnly(target.Year, 1, 1).DayNumber + 1) / (DateTime.IsLeapYear(target.Year) ? 366 : 365);
        var milestone = target.Milestones.Where(m => Period.TryParse(m.Period, out var p) && p.End <= last.End)
            .OrderBy(m => Period.Parse(m.Period).End).LastOrDefault();
        if (target.Kind == TargetKind.Rate)
        {
            return (TargetEvaluator.Evaluate(target, reported[^1].Value, elapsed, null, milestone), last.ToString());
        }

        var actual = reported.Sum(v => v.Value!.Value);
        decimal? share = null;
        if (lastYear is { } previous && previous.All(v => v.Value is not null) && previous.Sum(v => v.Value!.Value) is var total and > 0)
        {
            share = previous.Where(v => v.Period.End.Month <= last.End.Month).Sum(v => v.Value!.Value) / total;
        }

        return (TargetEvaluator.Evaluate(target, actual, elapsed, share, milestone), last.ToString());
    }

    private static IReadOnlyList<Target> Load(IConfiguration configuration)
    {
        var root = configuration["Nris:DataFiles"] is { Length: > 0 } configured ? configured : AppContext.BaseDirectory;
        var directory = Path.Combine(root, "catalogue", "targets");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var targets = new List<Target>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var content = JsonSerializer.Deserialize<TargetFile>(stream, Json)
                ?? throw new InvalidDataException($"{file}: không có chỉ tiêu / no targets.");
            targets.AddRange(content.Targets.Select(t => t with { Milestones = t.Milestones ?? [] }));
        }

        return targets;
    }
}
