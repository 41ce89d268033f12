using System.Globalization;
using Nris.Core.Text;

namespace Nris.Core.Submissions;

/// <summary>One year of official statistics for the provinces: the values of one yearbook submission.</summary>
/// <param name="Year">The statistical year.</param>
/// <param name="Values">One value per indicator and province, status <see cref="ObservationStatus.Official"/>.</param>
public sealed record HistoricalYear(int Year, IReadOnlyList<ReportValue> Values);

/// <summary>What was read from the statistics file, and what could not be placed.</summary>
/// <param name="Years">Values grouped by year, in year order.</param>
/// <param name="SkippedRows">Rows left out because their territory does not exist in that year (e.g. Hà Tây, code 28).</param>
/// <param name="SkippedTerritories">The codes behind <paramref name="SkippedRows"/>.</param>
/// <param name="SkippedRegionRows">Rows for the eight geographic regions, which are not administrative units.</param>
public sealed record HistoricalStatisticsFile(
    IReadOnlyList<HistoricalYear> Years, int SkippedRows, IReadOnlySet<string> SkippedTerritories, int SkippedRegionRows);

/// <summary>
/// Reads the long-format statistics file (<c>geo_level,code,name,year,indicator,value,unit,source</c>) that ships in
/// <c>reference/vn-stats</c> into per-year values, so they can be submitted as the statistics office's yearbook
/// reports through the ordinary submission path and carry real provenance.
/// </summary>
public static class HistoricalStatistics
{
    private static readonly string[] Header = ["geo_level", "code", "name", "year", "indicator", "value", "unit", "source"];

    /// <summary>Reads the file. <paramref name="territoryExists"/> tells whether a territory code exists on a date.</summary>
    /// <exception cref="FormatException">The file is malformed; the message names the line.</exception>
    public static HistoricalStatisticsFile Read(TextReader reader, Func<string, DateOnly, bool> territoryExists)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(territoryExists);
        var csv = new CsvReader(reader);
        var header = csv.ReadRecord() ?? throw new FormatException("The statistics file is empty.");
        if (!header.SequenceEqual(Header, StringComparer.Ordinal))
        {
            throw new FormatException($"line 1: expected the header '{string.Join(',', Header)}'.");
        }

        var byYear = new SortedDictionary<int, List<ReportValue>>();
        var skipped = 0;
        var skippedRegions = 0;
        var skippedCodes = new SortedSet<string>(StringComparer.Ordinal);
        while (csv.ReadRecord() is { } row)
        {
            var line = csv.RecordLine;
            if (row.Length != Header.Length)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {line}: expected {Header.Length} fields, found {row.Length}."));
            }

            if (!int.TryParse(row[3], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1900 or > 2200)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {line}, column year: '{row[3]}' is not a year."));
            }

            if (string.IsNullOrWhiteSpace(row[5]))
            {
                continue; // The source writes ".." (no data) as blank: nothing was reported.
            }

            if (!decimal.TryParse(row[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {line}, column value: '{row[5]}' is not a number."));
            }

            string code;
            switch (row[0])
            {
                case "province":
                    code = row[1];
                    break;
                case "country":
                    // National totals as the statistics office published them: kept, so they can be cross-checked
                    // against the sum of the provinces.
                    code = Catalogue.Territory.NationCode;
                    break;
                case "region":
                    // The eight geographic regions are groupings, not administrative units: nothing to attach them to.
                    skippedRegions++;
                    continue;
                default:
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {line}, column geo_level: expected province, country or region, not '{row[0]}'."));
            }

            if (!territoryExists(code, new DateOnly(year, 12, 31)))
            {
                skipped++;
                skippedCodes.Add(code);
                continue;
            }

            if (!byYear.TryGetValue(year, out var values))
            {
                byYear[year] = values = [];
            }

            values.Add(new ReportValue(row[4], Disaggregations.Total, code, value, null, null, ObservationStatus.Official));
        }

        return new HistoricalStatisticsFile(
            byYear.Select(kv => new HistoricalYear(kv.Key, kv.Value)).ToList(), skipped, skippedCodes, skippedRegions);
    }
}
