using System.Globalization;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Dhis2;

/// <summary>
/// Relates DHIS2 identifiers to ours: data element → indicator, category option combo → disaggregation ("_T" or
/// "CODELIST:CODE"), org unit → territory. Keys are whatever scheme the partner uses (uid or code); keep one table
/// per scheme. A value without a categoryOptionCombo, or with one not in the table but listed as the default, is the total.
/// </summary>
public sealed record Dhis2Mapping(
    IReadOnlyDictionary<string, string> DataElements,
    IReadOnlyDictionary<string, string> CategoryOptionCombos,
    IReadOnlyDictionary<string, string> OrgUnits,
    string DefaultCategoryOptionCombo = "HllvX50cXC0")
{
    /// <summary>Our period code for a DHIS2 period: 20260514, 2026W20, 202605, 2026Q2, 2026S1, 2026; false for others (financial years…).</summary>
    public static bool TryParsePeriod(string? dhis2, out Period period)
    {
        period = default;
        if (string.IsNullOrEmpty(dhis2) || dhis2.Length < 4)
        {
            return false;
        }

        var y = dhis2[..4];
        var rest = dhis2[4..];
        var code = rest switch
        {
            "" => y,
            { Length: 2 } when char.IsAsciiDigit(rest[0]) => $"{y}-M{rest}",
            { Length: 4 } when char.IsAsciiDigit(rest[0]) => $"{y}-{rest[..2]}-{rest[2..]}",
            ['Q', var q] => $"{y}-Q{q}",
            ['S', var s] => $"{y}-S{s}",
            ['W', ..] => rest.Length == 2 ? $"{y}-W0{rest[1]}" : $"{y}-{rest}",
            _ => null,
        };
        return code is not null && Period.TryParse(code, out period);
    }

    /// <summary>The DHIS2 period of one of ours.</summary>
    public static string FormatPeriod(Period period)
    {
        var y = period.Year.ToString("D4", CultureInfo.InvariantCulture);
        var code = period.ToString();
        return period.Periodicity switch
        {
            Periodicity.Daily => code.Replace("-", "", StringComparison.Ordinal),
            Periodicity.Weekly => y + "W" + int.Parse(code[6..], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            Periodicity.Monthly => y + code[6..],
            Periodicity.Quarterly or Periodicity.HalfYearly => y + code[5..],
            _ => y,
        };
    }
}

/// <summary>A conflict of a DHIS2 import: the object concerned and why, like DHIS2's importSummary conflicts.</summary>
public sealed record Dhis2Conflict(string Object, string Value, string Location);

/// <summary>The outcome of a DHIS2 import, shaped like DHIS2's own import summary.</summary>
/// <param name="Status">SUCCESS, WARNING (some conflicts) or ERROR (nothing imported).</param>
/// <param name="DryRun">Whether nothing was to be saved.</param>
/// <param name="Imported">New values.</param>
/// <param name="Updated">Values that replace stored ones.</param>
/// <param name="Ignored">Values skipped for a conflict.</param>
/// <param name="Deleted">Deletions.</param>
/// <param name="Conflicts">Why values were ignored.</param>
/// <param name="Values">The mapped values to save (empty on a dry run).</param>
public sealed record Dhis2ImportSummary(string Status, bool DryRun, int Imported, int Updated, int Ignored, int Deleted, IReadOnlyList<Dhis2Conflict> Conflicts, IReadOnlyList<MappedValue> Values);

/// <summary>Maps a read dataValueSet (or ADX message) through a <see cref="Dhis2Mapping"/> into Nris values.</summary>
public static class Dhis2Import
{
    /// <summary>
    /// Maps every data value; unmapped elements, org units or combos, bad periods and non-numeric values become
    /// conflicts and are ignored. <paramref name="exists"/> tells whether a value is already stored (for the
    /// imported/updated split); the caller saves <see cref="Dhis2ImportSummary.Values"/> unless <paramref name="dryRun"/>.
    /// </summary>
    public static Dhis2ImportSummary Map(ExchangeDataSet data, Dhis2Mapping mapping, bool dryRun, Func<Period, CellKey, bool>? exists = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(mapping);
        var conflicts = new List<Dhis2Conflict>();
        var values = new List<MappedValue>();
        int imported = 0, updated = 0, ignored = 0, deleted = 0;
        for (var i = 0; i < data.Observations.Count; i++)
        {
            var o = data.Observations[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"dataValues[{i}]");
            var de = o.Dimension(Dhis2DataValueSets.DataElement) ?? "";
            var ou = o.Dimension(Dhis2DataValueSets.OrgUnit) ?? "";
            var coc = o.Dimension(Dhis2DataValueSets.CategoryOptionCombo);
            string? Conflict(string obj, string value, string why)
            {
                conflicts.Add(new Dhis2Conflict(obj, why, at));
                ignored++;
                return null;
            }

            if (!mapping.DataElements.TryGetValue(de, out var indicator))
            {
                Conflict(de, de, "Data element not mapped to an indicator");
                continue;
            }

            if (!mapping.OrgUnits.TryGetValue(ou, out var territory))
            {
                Conflict(ou, ou, "Organisation unit not mapped to a territory");
                continue;
            }

            var disaggregation = Disaggregations.Total;
            if (!string.IsNullOrEmpty(coc) && coc != mapping.DefaultCategoryOptionCombo && !mapping.CategoryOptionCombos.TryGetValue(coc, out disaggregation!))
            {
                Conflict(coc, coc, "Category option combo not mapped to a disaggregation");
                continue;
            }

            if (!Dhis2Mapping.TryParsePeriod(o.TimePeriod, out var period))
            {
                Conflict(o.TimePeriod, o.TimePeriod, "Period type not supported");
                continue;
            }

            decimal? number = null;
            if (!string.IsNullOrWhiteSpace(o.Value))
            {
                if (!decimal.TryParse(o.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var n))
                {
                    Conflict(de, o.Value, "Value must be a number");
                    continue;
                }

                number = n;
            }

            var key = new CellKey(indicator, disaggregation, territory);
            if (o.Action == ExchangeAction.Delete)
            {
                deleted++;
            }
            else if (exists?.Invoke(period, key) == true)
            {
                updated++;
            }
            else
            {
                imported++;
            }

            values.Add(new MappedValue(period, new ReportValue(indicator, disaggregation, territory, number, null, null, Note: o.Attribute("comment")), o.Action));
        }

        var status = conflicts.Count == 0 ? "SUCCESS" : values.Count > 0 ? "WARNING" : "ERROR";
        return new Dhis2ImportSummary(status, dryRun, imported, updated, ignored, deleted, conflicts, dryRun ? [] : values);
    }
}
