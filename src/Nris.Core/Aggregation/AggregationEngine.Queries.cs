using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;

namespace Nris.Core.Aggregation;

/// <summary>One period's answer in a time series.</summary>
/// <param name="Period">The period.</param>
/// <param name="Value">Its aggregate.</param>
public sealed record PeriodValue(Period Period, AggregateValue Value);

public sealed partial class AggregationEngine
{
    private const int MaxFormulaDepth = 16;

    // Periodicities a period may be derived from, coarsest first; weeks straddle months and years, so never.
    private static readonly Periodicity[] Finer = [Periodicity.HalfYearly, Periodicity.Quarterly, Periodicity.Monthly, Periodicity.Daily];

    /// <summary>One aggregate cell; see <see cref="CellQuery"/>.</summary>
    public AggregateValue Cell(CellQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _lock.EnterReadLock();
        try
        {
            return CellCore(query, 0);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Growth against the same period last year (so với cùng kỳ năm trước), in percent:
    /// value(p) / value(same period last year) × 100 − 100. Null when either is unknown or last year's is zero.
    /// </summary>
    public AggregateValue Growth(CellQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _lock.EnterReadLock();
        try
        {
            var current = CellCore(query, 0);
            var previous = CellCore(query with { Period = query.Period.SamePeriodLastYear() }, 0);
            decimal? growth = current.Value is { } c && previous.Value is { } p && p != 0m ? (c / p * 100m) - 100m : null;
            return new AggregateValue(growth, current.Flags | previous.Flags, current.Reported, current.Expected,
                current.Source == previous.Source ? current.Source : null);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>A time series from <paramref name="from"/> to <paramref name="to"/> (inclusive, same periodicity).</summary>
    /// <exception cref="ArgumentException">The two periods differ in periodicity.</exception>
    public IReadOnlyList<PeriodValue> Series(
        string indicatorCode, string territoryCode, Period from, Period to,
        string disaggregation = Disaggregations.Total, string? sourceCode = null,
        AggregationMode mode = AggregationMode.AsThen, DateOnly? asNowDate = null)
    {
        if (from.Periodicity != to.Periodicity)
        {
            throw new ArgumentException("A series runs over one periodicity.", nameof(to));
        }

        var result = new List<PeriodValue>();
        _lock.EnterReadLock();
        try
        {
            for (var p = from; p <= to; p = p.Next())
            {
                result.Add(new PeriodValue(p, CellCore(new CellQuery(indicatorCode, territoryCode, p, disaggregation, sourceCode, mode, asNowDate), 0)));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return result;
    }

    /// <summary>The units directly under <paramref name="territoryCode"/> with their values, for maps and tables:
    /// the units of the period (as then) or of the as-now date (as now).</summary>
    public IReadOnlyList<TerritoryValue> Children(
        string indicatorCode, string territoryCode, Period period,
        string disaggregation = Disaggregations.Total, string? sourceCode = null,
        AggregationMode mode = AggregationMode.AsThen, DateOnly? asNowDate = null)
    {
        var date = mode == AggregationMode.AsThen ? period.End : asNowDate ?? CurrentDate;
        _lock.EnterReadLock();
        try
        {
            var result = new List<TerritoryValue>();
            foreach (var child in _territories.Children(territoryCode, date))
            {
                result.Add(new TerritoryValue(child.Code,
                    CellCore(new CellQuery(indicatorCode, child.Code, period, disaggregation, sourceCode, mode, asNowDate), 0)));
            }

            return result;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The <paramref name="count"/> units of <paramref name="level"/> with the highest (or lowest) values;
    /// units without a value are left out; ties go by code.</summary>
    public IReadOnlyList<TerritoryValue> Top(
        string indicatorCode, TerritoryLevel level, Period period, int count, bool descending = true,
        string disaggregation = Disaggregations.Total, string? sourceCode = null,
        AggregationMode mode = AggregationMode.AsThen, DateOnly? asNowDate = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var date = mode == AggregationMode.AsThen ? period.End : asNowDate ?? CurrentDate;
        _lock.EnterReadLock();
        try
        {
            var values = new List<TerritoryValue>();
            foreach (var unit in _territories.AsOf(date, level))
            {
                var value = CellCore(new CellQuery(indicatorCode, unit.Code, period, disaggregation, sourceCode, mode, asNowDate), 0);
                if (value.Value is not null)
                {
                    values.Add(new TerritoryValue(unit.Code, value));
                }
            }

            values.Sort((a, b) =>
            {
                var byValue = a.Value.Value!.Value.CompareTo(b.Value.Value!.Value);
                return byValue != 0 ? (descending ? -byValue : byValue) : string.CompareOrdinal(a.TerritoryCode, b.TerritoryCode);
            });
            return values.Count > count ? values.GetRange(0, count) : values;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The total of a cell checked against the sum of its parts across <paramref name="codelistCode"/>
    /// (the total of male + female).</summary>
    /// <exception cref="ArgumentException">The codelist is unknown.</exception>
    public DisaggregationCheck CheckDisaggregation(
        string indicatorCode, string codelistCode, string territoryCode, Period period, string? sourceCode = null,
        AggregationMode mode = AggregationMode.AsThen, DateOnly? asNowDate = null)
    {
        if (!_catalogue.Codelists.TryGetValue(codelistCode, out var codelist))
        {
            throw new ArgumentException($"Unknown codelist '{codelistCode}'.", nameof(codelistCode));
        }

        _lock.EnterReadLock();
        try
        {
            var query = new CellQuery(indicatorCode, territoryCode, period, Disaggregations.Total, sourceCode, mode, asNowDate);
            var total = CellCore(query, 0);
            decimal sum = 0m;
            var parts = 0;
            foreach (var item in codelist.Codes)
            {
                if (CellCore(query with { Disaggregation = Disaggregations.Of(codelist.Code, item.Code) }, 0).Value is { } v)
                {
                    sum += v;
                    parts++;
                }
            }

            return new DisaggregationCheck(total, parts > 0 ? sum : null, parts, codelist.Codes.Count);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The facts, with their ledger sequences, that a cell's value (as then) is made of, for provenance: own values
    /// where a unit reported one, otherwise those of the units under it, over the child periods of a derived period.
    /// For a derived indicator, the facts of its operands in the same period. Weights are not listed.
    /// </summary>
    public IReadOnlyList<Fact> Contributors(CellQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var result = new List<Fact>();
        _lock.EnterReadLock();
        try
        {
            CollectContributors(query, result, 0);
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return result;
    }

    /// <summary>The units at the series' reporting level under the cell's territory that are not covered by a value
    /// (as then) — the list behind "31/34". Computed on query, never stored. Empty for derived indicators.</summary>
    public IReadOnlyList<string> Missing(CellQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        _lock.EnterReadLock();
        try
        {
            var series = ChosenSeries(query);
            if (series is null || !_codes.TryGet(query.TerritoryCode, out var code))
            {
                return [];
            }

            var missing = new SortedSet<string>(StringComparer.Ordinal);
            CollectMissing(series, code, query.Period, true, missing);
            return [.. missing];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    // ---- evaluation ----------------------------------------------------------------------------------------------

    private readonly record struct Agg(decimal? Value, AggregateFlags Flags, int Reported, int Expected)
    {
        public static Agg None(int expected) => new(null, AggregateFlags.None, 0, expected);
    }

    private AggregateValue CellCore(CellQuery q, int depth)
    {
        if (!_indicatorIds.TryGetValue(q.IndicatorCode ?? string.Empty, out var indicator))
        {
            return AggregateValue.Empty;
        }

        var info = _indicators[indicator];
        if (info.Indicator.IsDerived)
        {
            return info.Formula is null || depth >= MaxFormulaDepth ? AggregateValue.Empty : Formula(info, q, depth);
        }

        // An answer for one source names it even when nothing is known, so the answer does not depend on which
        // codes happen to be interned (an incremental engine may know more of them than a rebuilt one).
        var nothing = q.SourceCode is null ? AggregateValue.Empty : AggregateValue.Empty with { Source = q.SourceCode };
        if (!_disaggregations.TryGet(q.Disaggregation ?? string.Empty, out var disaggregation) ||
            !_codes.TryGet(q.TerritoryCode ?? string.Empty, out var code))
        {
            return nothing;
        }

        if (q.SourceCode is { } sourceCode)
        {
            if (!_sources.TryGet(sourceCode, out var source) || !_seriesIds.TryGetValue((indicator, disaggregation, source), out var id))
            {
                return nothing;
            }

            var a = Evaluate(_series[id], code, q.Period, q.Mode, q.AsNowDate);
            return new AggregateValue(a.Value, a.Flags, a.Reported, a.Expected, sourceCode);
        }

        AggregateValue? first = null;
        foreach (var series in RankedSeries(info, disaggregation, q.Period.End))
        {
            var a = Evaluate(series, code, q.Period, q.Mode, q.AsNowDate);
            var answer = new AggregateValue(a.Value, a.Flags, a.Reported, a.Expected, a.Value is null ? null : _sources[series.Source]);
            if (a.Value is not null)
            {
                return answer;
            }

            first ??= answer;
        }

        return first ?? AggregateValue.Empty;
    }

    /// <summary>The series of a cell in preference order: the indicator's source order (organization codes or
    /// kinds), then source code.</summary>
    private List<SeriesState> RankedSeries(IndicatorInfo info, int disaggregation, DateOnly date)
    {
        var ranked = new List<(int Rank, string Source, SeriesState Series)>();
        foreach (var id in info.SeriesIds)
        {
            var series = _series[id];
            if (series.Disaggregation == disaggregation && series.Groups.Count > 0)
            {
                var source = _sources[series.Source];
                ranked.Add((SourceRank(info.Indicator, source, date), source, series));
            }
        }

        ranked.Sort((a, b) => a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : string.CompareOrdinal(a.Source, b.Source));
        return ranked.ConvertAll(r => r.Series);
    }

    private int SourceRank(Indicator indicator, string source, DateOnly date)
    {
        var order = indicator.SourceOrder;
        if (order is null)
        {
            return int.MaxValue;
        }

        var organization = _catalogue.Organizations.Find(source, date) ??
            (_catalogue.Organizations.Versions(source) is { Count: > 0 } versions ? versions[^1] : null);
        for (var i = 0; i < order.Count; i++)
        {
            if (string.Equals(order[i], source, StringComparison.Ordinal) ||
                (organization is not null && string.Equals(order[i], organization.Kind.ToString(), StringComparison.OrdinalIgnoreCase)))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private Agg Evaluate(SeriesState series, int code, Period period, AggregationMode mode, DateOnly? asNowDate) =>
        mode == AggregationMode.AsThen ? AsThen(series, code, period) : AsNow(series, code, period, asNowDate ?? CurrentDate);

    private Agg AsThen(SeriesState series, int code, Period period)
    {
        var date = period.End;
        var epoch = Epoch(date);
        if (Level(code, epoch, date) < 0)
        {
            return Agg.None(0);
        }

        var reportingLevel = series.ReportingLevel;
        if (_periods.TryGet(period, out var periodId) && series.Groups.TryGetValue(periodId, out var group) &&
            Effective(series, group, code, reportingLevel, out var value, out var hasValue, out var reported, out var flags))
        {
            return new Agg(hasValue ? value : null, flags, reported, Expected(code, reportingLevel, epoch, date));
        }

        if (DerivedFrom(series, period) is not { } finer)
        {
            return Agg.None(Expected(code, reportingLevel, epoch, date));
        }

        var rule = _indicators[series.Indicator].Indicator.TimeAggregation;
        decimal sum = 0m;
        decimal? last = null;
        var count = 0;
        var missing = false;
        var lastMissing = false;
        var allFlags = AggregateFlags.None;
        var lastFlags = AggregateFlags.None;
        var minReported = int.MaxValue;
        var maxExpected = 0;
        foreach (var child in period.Children(finer))
        {
            var a = AsThen(series, code, child);
            minReported = Math.Min(minReported, a.Reported);
            maxExpected = Math.Max(maxExpected, a.Expected);
            if (a.Value is not { } v)
            {
                missing = true;
                lastMissing = true;
                continue;
            }

            lastMissing = false;
            sum += v;
            count++;
            last = v;
            allFlags |= a.Flags;
            lastFlags = a.Flags;
        }

        minReported = minReported == int.MaxValue ? 0 : minReported;
        if (count == 0)
        {
            return new Agg(null, AggregateFlags.None, minReported, maxExpected);
        }

        return rule switch
        {
            TimeAggregation.Sum => new Agg(sum, allFlags | (missing ? AggregateFlags.Partial : 0), minReported, maxExpected),
            TimeAggregation.Average => new Agg(sum / count, allFlags | (missing ? AggregateFlags.Partial : 0), minReported, maxExpected),
            _ => new Agg(last, lastFlags | (lastMissing ? AggregateFlags.Partial : 0), minReported, maxExpected),
        };
    }

    /// <summary>The coarsest periodicity finer than <paramref name="period"/>'s that the series has placed facts in,
    /// or null when the period cannot be derived (time rule none, weeks, days, no finer data).</summary>
    private Periodicity? DerivedFrom(SeriesState series, Period period)
    {
        var rule = _indicators[series.Indicator].Indicator.TimeAggregation;
        if (rule == TimeAggregation.None || period.Periodicity is Periodicity.Weekly or Periodicity.Daily)
        {
            return null;
        }

        foreach (var finer in Finer)
        {
            if (finer < period.Periodicity && series.PeriodicityCounts[(int)finer] > 0)
            {
                return finer;
            }
        }

        return null;
    }

    /// <summary>
    /// As now: the unit of <paramref name="code"/> on <paramref name="asNow"/>, filled for an earlier period from the
    /// units that existed then and passed into it, followed back through the succession links. A full merge or a
    /// renaming passes the whole value; a split passes a share by the apportioning indicator of the successors (equal
    /// and approximate when unknown). Sums add the shares; rates re-aggregate with their weights; other rules over
    /// several predecessors are approximate.
    /// </summary>
    private Agg AsNow(SeriesState series, int code, Period period, DateOnly asNow)
    {
        var unit = _territories.Find(_codes[code], asNow);
        var date = period.End;
        if (unit is null)
        {
            return Agg.None(0);
        }

        if (unit.Validity.Contains(date) || date > asNow)
        {
            return AsThen(series, code, period);
        }

        var parts = new List<Part>();
        CollectParts(unit, date, 1m, false, false, parts, 0);
        if (parts.Count == 0)
        {
            return Agg.None(0);
        }

        var indicator = _indicators[series.Indicator].Indicator;
        var weightSeries = indicator.TerritoryAggregation == TerritoryAggregation.WeightedAverage ? WeightSeries(series) : null;
        decimal sum = 0m, shares = 0m, extreme = 0m, single = 0m;
        int count = 0, reported = 0, expected = 0;
        var flags = AggregateFlags.None;
        var split = false;
        foreach (var part in parts)
        {
            var a = AsThen(series, part.Code, period);
            reported += a.Reported;
            expected += a.Expected;
            split |= part.Split;
            if (a.Value is not { } v)
            {
                continue;
            }

            flags |= a.Flags | (part.Approximate ? AggregateFlags.Approximate : 0);
            switch (indicator.TerritoryAggregation)
            {
                case TerritoryAggregation.Sum:
                    sum += v * part.Share;
                    count++;
                    break;
                case TerritoryAggregation.Average:
                    sum += v * part.Share;
                    shares += part.Share;
                    count++;
                    break;
                case TerritoryAggregation.WeightedAverage:
                    if (weightSeries is not null && AsThen(weightSeries, part.Code, period).Value is { } w)
                    {
                        sum += v * w * part.Share;
                        shares += w * part.Share;
                        count++;
                    }
                    else
                    {
                        flags |= AggregateFlags.Approximate;
                    }

                    break;
                case TerritoryAggregation.Min:
                    extreme = count == 0 || v < extreme ? v : extreme;
                    count++;
                    break;
                case TerritoryAggregation.Max:
                    extreme = count == 0 || v > extreme ? v : extreme;
                    count++;
                    break;
                default:
                    single = v;
                    count++;
                    break;
            }
        }

        if (split && indicator.TerritoryAggregation != TerritoryAggregation.Sum)
        {
            flags |= AggregateFlags.Approximate;
        }

        decimal? value = indicator.TerritoryAggregation switch
        {
            _ when count == 0 => null,
            TerritoryAggregation.Sum => sum,
            TerritoryAggregation.Average or TerritoryAggregation.WeightedAverage => shares == 0m ? null : sum / shares,
            TerritoryAggregation.Min or TerritoryAggregation.Max => extreme,
            _ => parts.Count == 1 && parts[0].Share == 1m ? single : null,
        };
        return new Agg(value, value is null ? AggregateFlags.None : flags, reported, expected);
    }

    private readonly record struct Part(int Code, decimal Share, bool Approximate, bool Split);

    private void CollectParts(Territory version, DateOnly date, decimal share, bool approximate, bool split, List<Part> parts, int depth)
    {
        if (version.Validity.Contains(date))
        {
            if (_codes.TryGet(version.Code, out var id))
            {
                parts.Add(new Part(id, share, approximate, split));
            }

            return;
        }

        if (version.Validity.From is not { } from || date >= from || depth > 16)
        {
            return;
        }

        foreach (var link in _territories.Predecessors(version))
        {
            if (link.Kind == SuccessionKind.Partial)
            {
                var (portion, known) = Apportion(link.Territory, version, link.Effective);
                CollectParts(link.Territory, date, share * portion, approximate || !known, true, parts, depth + 1);
            }
            else
            {
                CollectParts(link.Territory, date, share, approximate, split, parts, depth + 1);
            }
        }
    }

    /// <summary>The share of a split <paramref name="predecessor"/> that went into <paramref name="successor"/>: its
    /// part of the successors' apportioning values in the year the split took effect, else an equal share.</summary>
    private (decimal Share, bool Known) Apportion(Territory predecessor, Territory successor, DateOnly effective)
    {
        var successors = _territories.Successors(predecessor);
        if (successors.Count == 0)
        {
            return (1m, false);
        }

        if (_apportionIndicator >= 0)
        {
            var year = Period.Year(effective.Year);
            decimal total = 0m, own = 0m;
            var known = true;
            foreach (var link in successors)
            {
                var cell = _codes.TryGet(link.Territory.Code, out var id) ? Preferred(_apportionIndicator, _totalId, id, year) : null;
                if (cell is not { } w || w <= 0m)
                {
                    known = false;
                    break;
                }

                total += w;
                if (link.Territory.Code == successor.Code)
                {
                    own += w;
                }
            }

            if (known && total > 0m)
            {
                return (own / total, true);
            }
        }

        return (1m / successors.Count, false);
    }

    private decimal? Preferred(int indicator, int disaggregation, int code, Period period)
    {
        foreach (var series in RankedSeries(_indicators[indicator], disaggregation, period.End))
        {
            if (AsThen(series, code, period).Value is { } v)
            {
                return v;
            }
        }

        return null;
    }

    private AggregateValue Formula(IndicatorInfo info, CellQuery q, int depth)
    {
        var data = new FormulaData(this, q, depth + 1);
        var result = info.Formula!.EvaluateNumber(data);
        var value = result.Value;
        return new AggregateValue(value, value is null ? AggregateFlags.None : data.Flags,
            data.MinReported == int.MaxValue ? 0 : data.MinReported, data.MaxExpected, data.Mixed ? null : data.Source);
    }

    private string? OperandDisaggregation(string indicatorCode, string column, string queried)
    {
        if (column == Disaggregations.Total)
        {
            return queried;
        }

        if (_catalogue.Indicators.TryGetValue(indicatorCode, out var indicator))
        {
            foreach (var list in indicator.Disaggregations)
            {
                if (_catalogue.Codelists.TryGetValue(list, out var codelist) && codelist.Codes.Any(c => c.Code == column))
                {
                    return Disaggregations.Of(list, column);
                }
            }
        }

        return null;
    }

    /// <summary>Reads a formula's operands as aggregated cells of the same territory, disaggregation, source and mode.</summary>
    private sealed class FormulaData(AggregationEngine engine, CellQuery query, int depth) : IRuleData
    {
        public AggregateFlags Flags { get; private set; }
        public int MinReported { get; private set; } = int.MaxValue;
        public int MaxExpected { get; private set; }
        public string? Source { get; private set; }
        public bool Mixed { get; private set; }

        public decimal? Value(string rowCode, string column, PeriodShift shift)
        {
            if (engine.OperandDisaggregation(rowCode, column, query.Disaggregation) is not { } disaggregation)
            {
                return null;
            }

            var period = shift switch
            {
                PeriodShift.Previous => query.Period.Previous(),
                PeriodShift.SamePeriodLastYear => query.Period.SamePeriodLastYear(),
                _ => query.Period,
            };
            var cell = engine.CellCore(query with { IndicatorCode = rowCode, Disaggregation = disaggregation, Period = period }, depth);
            Flags |= cell.Flags;
            MinReported = Math.Min(MinReported, cell.Reported);
            MaxExpected = Math.Max(MaxExpected, cell.Expected);
            if (cell.Source is not null)
            {
                Mixed |= Source is not null && Source != cell.Source;
                Source ??= cell.Source;
            }

            return cell.Value;
        }
    }

    // ---- provenance and completeness -------------------------------------------------------------------------------

    private SeriesState? ChosenSeries(CellQuery q)
    {
        if (!_indicatorIds.TryGetValue(q.IndicatorCode ?? string.Empty, out var indicator) ||
            !_disaggregations.TryGet(q.Disaggregation ?? string.Empty, out var disaggregation))
        {
            return null;
        }

        if (q.SourceCode is { } sourceCode)
        {
            return _sources.TryGet(sourceCode, out var source) && _seriesIds.TryGetValue((indicator, disaggregation, source), out var id)
                ? _series[id]
                : null;
        }

        if (!_codes.TryGet(q.TerritoryCode ?? string.Empty, out var code))
        {
            return null;
        }

        SeriesState? first = null;
        foreach (var series in RankedSeries(_indicators[indicator], disaggregation, q.Period.End))
        {
            first ??= series;
            if (AsThen(series, code, q.Period).Value is not null)
            {
                return series;
            }
        }

        return first;
    }

    private void CollectContributors(CellQuery q, List<Fact> into, int depth)
    {
        if (!_indicatorIds.TryGetValue(q.IndicatorCode ?? string.Empty, out var indicator) || depth > MaxFormulaDepth)
        {
            return;
        }

        var info = _indicators[indicator];
        if (info.Indicator.IsDerived)
        {
            foreach (var reference in info.Formula?.References ?? [])
            {
                if (reference.Shift == PeriodShift.Current &&
                    OperandDisaggregation(reference.RowCode, reference.Column, q.Disaggregation) is { } d)
                {
                    CollectContributors(q with { IndicatorCode = reference.RowCode, Disaggregation = d }, into, depth + 1);
                }
            }

            return;
        }

        if (ChosenSeries(q) is { } series && _codes.TryGet(q.TerritoryCode, out var code))
        {
            CollectFacts(series, code, q.Period, true, into);
        }
    }

    private void CollectFacts(SeriesState series, int code, Period period, bool deriveOverTime, List<Fact> into)
    {
        var date = period.End;
        var epoch = Epoch(date);
        if (Level(code, epoch, date) < 0)
        {
            return;
        }

        if (_periods.TryGet(period, out var periodId) && series.Groups.TryGetValue(periodId, out var group))
        {
            if (TryGetFact(series.Id, periodId, code, out var value, out var status, out var sequence))
            {
                into.Add(new Fact(_indicators[series.Indicator].Indicator.Code, _disaggregations[series.Disaggregation], _codes[code],
                    period, _sources[series.Source], value, status, sequence));
                return;
            }

            if (group.Nodes.ContainsKey(code))
            {
                foreach (var child in Children(code, epoch, date))
                {
                    CollectFacts(series, child, period, false, into);
                }

                return;
            }
        }

        if (deriveOverTime && DerivedFrom(series, period) is { } finer)
        {
            foreach (var child in period.Children(finer))
            {
                CollectFacts(series, code, child, true, into);
            }
        }
    }

    private void CollectMissing(SeriesState series, int code, Period period, bool deriveOverTime, SortedSet<string> into)
    {
        var date = period.End;
        var epoch = Epoch(date);
        var level = Level(code, epoch, date);
        var reportingLevel = series.ReportingLevel;
        if (level < 0 || reportingLevel < 0)
        {
            return;
        }

        if (_periods.TryGet(period, out var periodId) && series.Groups.TryGetValue(periodId, out var group))
        {
            if (TryGetFact(series.Id, periodId, code, out _, out _, out _))
            {
                return;
            }

            if (group.Nodes.ContainsKey(code))
            {
                foreach (var child in Children(code, epoch, date))
                {
                    CollectMissing(series, child, period, false, into);
                }

                return;
            }
        }

        if (deriveOverTime && DerivedFrom(series, period) is { } finer)
        {
            foreach (var child in period.Children(finer))
            {
                CollectMissing(series, code, child, true, into);
            }

            return;
        }

        if (level >= reportingLevel)
        {
            into.Add(_codes[code]);
            return;
        }

        foreach (var unit in _territories.Descendants(_codes[code], date, (TerritoryLevel)reportingLevel))
        {
            into.Add(unit.Code);
        }
    }
}
