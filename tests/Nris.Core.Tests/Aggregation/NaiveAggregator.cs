using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Tests.Aggregation;

/// <summary>
/// The reference the engine is held to: the documented as-then semantics written the most obvious way, scanning all
/// facts with LINQ for every question and recursing down the hierarchy. Slow on purpose; shares no code with the engine.
/// </summary>
internal sealed class NaiveAggregator(CatalogueSnapshot catalogue, IReadOnlyList<Fact> facts)
{
    private readonly record struct R(bool Found, decimal? Value, int Reported, AggregateFlags Flags);

    private TerritoryIndex T => catalogue.Territories;

    public AggregateValue Cell(CellQuery q)
    {
        if (!catalogue.Indicators.TryGetValue(q.IndicatorCode, out var indicator))
        {
            return AggregateValue.Empty;
        }

        if (q.SourceCode is { } source)
        {
            var (v, f, r, e) = AsThen(indicator, q.Disaggregation, source, q.TerritoryCode, q.Period);
            return new AggregateValue(v, f, r, e, source);
        }

        var sources = Placed().Where(x => x.IndicatorCode == indicator.Code && x.Disaggregation == q.Disaggregation)
            .Select(x => x.SourceCode).Distinct()
            .OrderBy(s => indicator.SourceOrder is { } order && order.Contains(s) ? order.ToList().IndexOf(s) : int.MaxValue)
            .ThenBy(s => s, StringComparer.Ordinal).ToList();
        AggregateValue? first = null;
        foreach (var s in sources)
        {
            var (v, f, r, e) = AsThen(indicator, q.Disaggregation, s, q.TerritoryCode, q.Period);
            if (v is not null)
            {
                return new AggregateValue(v, f, r, e, s);
            }

            first ??= new AggregateValue(v, f, r, e, null);
        }

        return first ?? AggregateValue.Empty;
    }

    private IEnumerable<Fact> Placed() => facts.Where(f => T.Find(f.TerritoryCode, f.Period.End) is not null);

    private IEnumerable<Fact> Series(string indicator, string disaggregation, string source) =>
        Placed().Where(f => f.IndicatorCode == indicator && f.Disaggregation == disaggregation && f.SourceCode == source);

    private int ReportingLevel(string indicator, string disaggregation, string source) =>
        Series(indicator, disaggregation, source).Select(f => (int)T.Find(f.TerritoryCode, f.Period.End)!.Level).DefaultIfEmpty(-1).Max();

    private int Expected(string code, int level, DateOnly date)
    {
        var unit = T.Find(code, date);
        if (unit is null || level < 0)
        {
            return 0;
        }

        return (int)unit.Level >= level ? 1 : T.Descendants(code, date, (TerritoryLevel)level).Count;
    }

    private static AggregateFlags StatusFlags(ObservationStatus s) =>
        s == ObservationStatus.Provisional ? AggregateFlags.Provisional : s == ObservationStatus.Estimated ? AggregateFlags.Estimated : AggregateFlags.None;

    private R Effective(Indicator indicator, string disaggregation, string source, string code, Period period)
    {
        var level = ReportingLevel(indicator.Code, disaggregation, source);
        var own = Series(indicator.Code, disaggregation, source).Where(f => f.Period == period && f.TerritoryCode == code).ToList();
        if (own.Count == 1)
        {
            return new R(true, own[0].Value, Expected(code, level, period.End), StatusFlags(own[0].Status));
        }

        if (indicator.TerritoryAggregation == TerritoryAggregation.None)
        {
            return default;
        }

        var children = T.Children(code, period.End)
            .Select(c => (c.Code, R: Effective(indicator, disaggregation, source, c.Code, period)))
            .Where(c => c.R.Found).ToList();
        if (children.Count == 0)
        {
            return default;
        }

        var reported = children.Sum(c => c.R.Reported);
        var flags = children.Aggregate(AggregateFlags.None, (a, c) => a | c.R.Flags);
        var values = children.Where(c => c.R.Value is not null).ToList();
        decimal? value = null;
        switch (indicator.TerritoryAggregation)
        {
            case TerritoryAggregation.Sum when values.Count > 0:
                value = values.Sum(c => c.R.Value!.Value);
                break;
            case TerritoryAggregation.Average when values.Count > 0:
                value = values.Sum(c => c.R.Value!.Value) / values.Count;
                break;
            case TerritoryAggregation.Min when values.Count > 0:
                value = values.Min(c => c.R.Value!.Value);
                break;
            case TerritoryAggregation.Max when values.Count > 0:
                value = values.Max(c => c.R.Value!.Value);
                break;
            case TerritoryAggregation.WeightedAverage:
                var weight = catalogue.Indicators[indicator.WeightIndicatorCode!];
                var weighted = values
                    .Select(c => (c.R.Value, W: Effective(weight, Disaggregations.Total, source, c.Code, period).Value))
                    .ToList();
                if (weighted.Any(x => x.W is null))
                {
                    flags |= AggregateFlags.Approximate;
                }

                var known = weighted.Where(x => x.W is not null).ToList();
                var totalWeight = known.Sum(x => x.W!.Value);
                value = known.Count == 0 || totalWeight == 0m ? null : known.Sum(x => x.Value!.Value * x.W!.Value) / totalWeight;
                break;
        }

        return new R(true, value, reported, flags);
    }

    private (decimal? Value, AggregateFlags Flags, int Reported, int Expected) AsThen(
        Indicator indicator, string disaggregation, string source, string code, Period period)
    {
        if (T.Find(code, period.End) is null)
        {
            return (null, AggregateFlags.None, 0, 0);
        }

        var level = ReportingLevel(indicator.Code, disaggregation, source);
        var own = Effective(indicator, disaggregation, source, code, period);
        if (own.Found)
        {
            return (own.Value, own.Flags, own.Reported, Expected(code, level, period.End));
        }

        Periodicity[] finer = [Periodicity.HalfYearly, Periodicity.Quarterly, Periodicity.Monthly, Periodicity.Daily];
        var from = indicator.TimeAggregation == TimeAggregation.None || period.Periodicity is Periodicity.Weekly or Periodicity.Daily
            ? null
            : finer.Where(f => f < period.Periodicity && Series(indicator.Code, disaggregation, source).Any(x => x.Period.Periodicity == f))
                .Select(f => (Periodicity?)f).FirstOrDefault();
        if (from is null)
        {
            return (null, AggregateFlags.None, 0, Expected(code, level, period.End));
        }

        var parts = period.Children(from.Value).Select(p => AsThen(indicator, disaggregation, source, code, p)).ToList();
        var reported = parts.Min(p => p.Reported);
        var expected = parts.Max(p => p.Expected);
        var present = parts.Where(p => p.Value is not null).ToList();
        if (present.Count == 0)
        {
            return (null, AggregateFlags.None, reported, expected);
        }

        var missing = present.Count < parts.Count;
        var all = present.Aggregate(AggregateFlags.None, (a, p) => a | p.Flags);
        return indicator.TimeAggregation switch
        {
            TimeAggregation.Sum => (present.Sum(p => p.Value!.Value), all | (missing ? AggregateFlags.Partial : 0), reported, expected),
            TimeAggregation.Average => (present.Sum(p => p.Value!.Value) / present.Count, all | (missing ? AggregateFlags.Partial : 0), reported, expected),
            _ => (present[^1].Value, present[^1].Flags | (parts[^1].Value is null ? AggregateFlags.Partial : 0), reported, expected),
        };
    }
}
