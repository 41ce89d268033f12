using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Aggregation;

namespace Nris.Server.Components.Shared;

/// <summary>One province's row of an indicator view: the value, completeness and change against last year.</summary>
public sealed record ProvinceRow(string Code, string Name, string NameEn, AggregateValue? Value, decimal? ChangePercent);

/// <summary>
/// What the indicator page and its CSV/XLSX/PNG exports show: a series at a territory, the provinces at a period, and
/// a disaggregation breakdown; every number through <see cref="AggregateScope"/>, so an export never holds more than
/// the page.
/// </summary>
public sealed class IndicatorView
{
    public const int MaxPeriods = 24;

    public IndicatorView(Indicator indicator, string territory, Periodicity periodicity, AggregationMode mode, Period? period,
        AccessScope access, CatalogueSnapshot catalogue, AggregationProjection projection, DateOnly today)
    {
        Indicator = indicator;
        Territory = territory;
        Periodicity = periodicity;
        Mode = mode;
        var dash = new Dashboards(access, catalogue, projection);
        var count = periodicity switch { Periodicity.Monthly => 24, Periodicity.Quarterly => 12, _ => 20 };
        var last = Period.Containing(today, periodicity);
        // Start at the latest period with a value at this territory, so a yearly series of past statistics is not empty.
        for (var i = 0; i < 40 && dash.Cell(indicator.Code, territory, last, mode: mode)?.Value is null; i++)
        {
            last = last.Previous();
        }

        var periods = new List<Period>();
        for (var (p, i) = (last, 0); i < count; i++, p = p.Previous())
        {
            periods.Add(p);
        }
        periods.Reverse();
        Periods = periods;
        Series = [.. periods.Select(p => dash.Cell(indicator.Code, territory, p, mode: mode))];
        Period = period is { } chosen && chosen.Periodicity == periodicity ? chosen : last;

        var date = Period.End;
        Provinces = [.. catalogue.Territories.AsOf(mode == AggregationMode.AsNow ? today : date, TerritoryLevel.Province)
            .OrderBy(t => t.Code, StringComparer.Ordinal)
            .Select(t =>
            {
                var v = dash.Cell(indicator.Code, t.Code, Period, mode: mode);
                var before = v?.Value is null ? null : dash.Cell(indicator.Code, t.Code, Period.SamePeriodLastYear(), mode: mode)?.Value;
                decimal? change = v?.Value is { } now && before is { } b && b != 0 ? Math.Round((now - b) / Math.Abs(b) * 100, 1) : null;
                return new ProvinceRow(t.Code, t.Name, t.NameEn, v, change);
            })];
        MapName = (mode == AggregationMode.AsNow ? today : date) >= new DateOnly(2025, 7, 1) ? "vn-34" : "vn-63";
        // The slider's periods: the last few of the series, each with the provinces' values.
        Frames = [.. periods.TakeLast(8).Select(p => (p, (IReadOnlyList<(string, decimal?)>)[.. Provinces.Select(r => (r.Code, dash.Cell(indicator.Code, r.Code, p, mode: mode)?.Value))]))];
        Breakdown = [.. indicator.Disaggregations.SelectMany(list => catalogue.Codelists.GetValueOrDefault(list)?.Codes
                .Where(c => c.Code != Codelist.TotalCode)
                .Select(c => (list, c, dash.Cell(indicator.Code, territory, Period, Nris.Core.Submissions.Disaggregations.Of(list, c.Code), mode)?.Value)) ?? [])
            .Where(x => x.Value is not null).Select(x => (x.c, x.Value))];
    }

    public Indicator Indicator { get; }
    public string Territory { get; }
    public Periodicity Periodicity { get; }
    public AggregationMode Mode { get; }
    public Period Period { get; }
    public IReadOnlyList<Period> Periods { get; }
    public IReadOnlyList<AggregateValue?> Series { get; }
    public IReadOnlyList<ProvinceRow> Provinces { get; }
    public string MapName { get; }
    public IReadOnlyList<(Period Period, IReadOnlyList<(string Code, decimal? Value)> Values)> Frames { get; }
    public IReadOnlyList<(CodeItem Code, decimal? Value)> Breakdown { get; }
}
