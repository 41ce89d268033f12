using System.Globalization;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;

namespace Nris.Server.Components.Shared;

/// <summary>A headline number: the latest period with a value, its change against the same period last year, and a short history.</summary>
public sealed record Tile(Indicator Indicator, string Territory, Period Period, AggregateValue Value, decimal? ChangePercent, IReadOnlyList<(Period Period, decimal? Value)> History);

/// <summary>
/// The numbers dashboards show, read from the in-memory aggregates through <see cref="AggregateScope"/> — exactly the
/// checks of <c>/api/data</c>: a number the caller may not read is simply absent.
/// </summary>
public sealed class Dashboards(AccessScope access, CatalogueSnapshot catalogue, AggregationProjection projection)
{
    private readonly AggregateScope _scope = new(access, catalogue);

    public bool Ready => projection.IsReady;

    /// <summary>The territory a user's dashboards start at: its organization's territory, else the nation.</summary>
    public static string HomeTerritory(UiUser user) =>
        user.Organization?.TerritoryCode is { Length: > 0 } t ? t : Territory.NationCode;

    /// <summary>The periodicity an indicator is reported at: the finest of the regimes that carry it.</summary>
    public Periodicity PeriodicityOf(Indicator indicator)
    {
        var found = catalogue.RegimeCodes.Select(catalogue.LatestRegime).OfType<Regime>()
            .Where(r => r.Rows.Any(row => row.IndicatorCode == indicator.Code))
            .Select(r => r.Periodicity).DefaultIfEmpty(Periodicity.Yearly).Min();
        return found is Periodicity.Daily or Periodicity.Weekly ? Periodicity.Monthly : found;
    }

    public AggregateValue? Cell(string indicator, string territory, Period period, string disaggregation = Disaggregations.Total, AggregationMode mode = AggregationMode.AsThen) =>
        Ready ? _scope.Cell(projection.Engine, new CellQuery(indicator, territory, period, disaggregation, null, mode, mode == AggregationMode.AsNow ? access.AsOf : null)) : null;

    /// <summary>A tile for the latest of the last <paramref name="lookBack"/> periods that has a value, or null.</summary>
    public Tile? Tile(Indicator indicator, string territory, DateOnly today, int lookBack = 12, int history = 8)
    {
        var periodicity = PeriodicityOf(indicator);
        var period = Period.Containing(today, periodicity);
        for (var i = 0; i < lookBack; i++, period = period.Previous())
        {
            if (Cell(indicator.Code, territory, period) is { Value: { } v } value)
            {
                var last = Cell(indicator.Code, territory, period.SamePeriodLastYear())?.Value;
                decimal? change = last is { } l && l != 0 ? Math.Round((v - l) / Math.Abs(l) * 100, 1) : null;
                var points = new List<(Period, decimal?)>();
                var p = period;
                for (var k = 0; k < history; k++, p = p.Previous())
                {
                    points.Add((p, Cell(indicator.Code, territory, p)?.Value));
                }
                points.Reverse();
                return new Tile(indicator, territory, period, value, change, points);
            }
        }
        return null;
    }

    /// <summary>
    /// The indicators the caller may see figures of: those carried by a regime (latest version) whose classification
    /// the caller's scope reaches. For an anonymous caller these are the published indicators — the ones carried by a
    /// regime classified <c>public</c> (see docs/web.md, "Open data").
    /// </summary>
    public static IReadOnlyList<Indicator> Visible(CatalogueSnapshot catalogue, AccessScope access) =>
        [.. catalogue.RegimeCodes.Select(catalogue.LatestRegime).OfType<Regime>()
            .Where(access.CanReadRegime)
            .SelectMany(r => r.Rows.Select(row => row.IndicatorCode)).Distinct(StringComparer.Ordinal)
            .Select(code => catalogue.Indicators.GetValueOrDefault(code)).OfType<Indicator>()
            .OrderBy(i => i.Code, StringComparer.Ordinal)];

    /// <summary>
    /// The last <paramref name="count"/> periods of an indicator at a territory, ending at the latest period with a value
    /// (looking back at most 40 periods); empty when there is no value at all.
    /// </summary>
    public IReadOnlyList<(Period Period, decimal? Value)> Series(Indicator indicator, string territory, DateOnly today, int count = 12)
    {
        var periodicity = PeriodicityOf(indicator);
        var last = Period.Containing(today, periodicity);
        var found = false;
        for (var i = 0; i < 40; i++, last = last.Previous())
        {
            if (Cell(indicator.Code, territory, last)?.Value is not null)
            {
                found = true;
                break;
            }
        }

        if (!found)
        {
            return [];
        }

        var points = new List<(Period, decimal?)>();
        for (var (p, i) = (last, 0); i < count; i++, p = p.Previous())
        {
            points.Add((p, Cell(indicator.Code, territory, p)?.Value));
        }
        points.Reverse();
        return points;
    }

    /// <summary>Invariant numbers for chart options (files and scripts never see the screen format).</summary>
    public static string Invariant(decimal? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "null";
}
