using System.Globalization;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Model;

namespace Nris.Exchange.Dhis2;

/// <summary>
/// The mapping a server uses when a partner sends DHIS2 or ADX data by code (DHIS2's <c>idScheme=CODE</c>): the data
/// element code is our indicator code, the category option combo code our disaggregation key (<c>_T</c>,
/// <c>SEX:F</c>) or DHIS2's default combo, the org unit code our territory code. Also converts ADX periods
/// (<c>2026-05-01/P1M</c>) and writes our values as dataValueSets and ADX.
/// </summary>
public static class Dhis2CodeScheme
{
    /// <summary>The identity mapping over the catalogue's indicators, their disaggregations and every territory code.</summary>
    public static Dhis2Mapping For(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var elements = catalogue.Indicators.Keys.ToDictionary(k => k, k => k, StringComparer.Ordinal);
        var combos = new Dictionary<string, string>(StringComparer.Ordinal) { [Disaggregations.Total] = Disaggregations.Total };
        foreach (var list in catalogue.Indicators.Values.SelectMany(i => i.Disaggregations).Distinct(StringComparer.Ordinal))
        {
            if (catalogue.Codelists.TryGetValue(list, out var codelist))
            {
                foreach (var code in codelist.Codes)
                {
                    var key = Disaggregations.Of(list, code.Code);
                    combos[key] = key;
                }
            }
        }

        var units = catalogue.Territories.All.Select(t => t.Code).Distinct(StringComparer.Ordinal).ToDictionary(c => c, c => c, StringComparer.Ordinal);
        return new Dhis2Mapping(elements, combos, units);
    }

    /// <summary>ADX periods ("2026-05-01/P1M") become DHIS2's ("202605") so <see cref="Dhis2Import"/> maps them; others stay.</summary>
    public static ExchangeDataSet NormalizeAdxPeriods(ExchangeDataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data with
        {
            Observations = [.. data.Observations.Select(o => TryParseAdxPeriod(o.TimePeriod, out var p) ? o with { TimePeriod = Dhis2Mapping.FormatPeriod(p) } : o)],
        };
    }

    /// <summary>Reads an ADX period: a start date and an ISO 8601 duration of one of our periodicities (P1D, P7D/P1W, P1M, P3M, P6M, P1Y).</summary>
    public static bool TryParseAdxPeriod(string? text, out Period period)
    {
        period = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0 || !DateOnly.TryParseExact(text![..slash], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            return false;
        }

        Periodicity? periodicity = text[(slash + 1)..] switch
        {
            "P1D" => Periodicity.Daily,
            "P7D" or "P1W" => Periodicity.Weekly,
            "P1M" => Periodicity.Monthly,
            "P3M" => Periodicity.Quarterly,
            "P6M" => Periodicity.HalfYearly,
            "P1Y" or "P12M" => Periodicity.Yearly,
            _ => null,
        };
        if (periodicity is not { } p)
        {
            return false;
        }

        period = Period.Containing(start, p);
        return period.Start == start;
    }

    /// <summary>The ADX period of one of ours.</summary>
    public static string AdxPeriod(Period period) =>
        period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/" + period.Periodicity switch
        {
            Periodicity.Daily => "P1D",
            Periodicity.Weekly => "P7D",
            Periodicity.Monthly => "P1M",
            Periodicity.Quarterly => "P3M",
            Periodicity.HalfYearly => "P6M",
            _ => "P1Y",
        };

    /// <summary>
    /// Our values as DHIS2 data values by code (for Dhis2DataValueSets.Write, or with <paramref name="adx"/>
    /// for Adx.Write); numbers in invariant form, the total as DHIS2's default combo left out.
    /// </summary>
    public static ExchangeDataSet ToDhis2(string dataSet, Period period, string reporterTerritory, IEnumerable<ReportValue> values, bool adx = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<ExchangeObservation>();
        foreach (var v in values)
        {
            var dims = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [Dhis2DataValueSets.DataElement] = v.IndicatorCode,
                [Dhis2DataValueSets.OrgUnit] = v.TerritoryCode ?? reporterTerritory,
            };
            if (v.Disaggregation != Disaggregations.Total)
            {
                dims[Dhis2DataValueSets.CategoryOptionCombo] = v.Disaggregation;
            }

            if (adx)
            {
                dims["dataSet"] = dataSet;
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!string.IsNullOrEmpty(v.Note))
            {
                attributes[adx ? "annotation" : "comment"] = v.Note;
            }

            list.Add(new ExchangeObservation(dims, adx ? AdxPeriod(period) : Dhis2Mapping.FormatPeriod(period), Sdmx.NrisSdmxMapping.ValueText(v), attributes));
        }

        return new ExchangeDataSet(adx ? "" : dataSet, list);
    }
}
