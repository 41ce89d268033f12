using System.Globalization;
using Nris.Core.DemoGeneration;
using Nris.Core.Oversight;

namespace Nris.Bench;

/// <summary>
/// The clean grid of <c>nris demo generate</c>'s monthly provincial reports (KTXH-TINH-THANG) over the real 34
/// provinces, from July 2025 for a given number of years — the data the <c>anomalies --source demo</c>
/// evaluation plants into, through the same <see cref="DemoPlanting"/> that <c>nris demo generate --plant</c> uses.
/// </summary>
internal static class DemoAnomalyData
{
    public const string Regime = "KTXH-TINH-THANG";

    /// <summary><c>--ytd-revision X</c>: the generator's revision of earlier months in the year-to-date columns (null: its default).</summary>
    public static double? Revision { get; set; }

    /// <summary>The clean grid; <see cref="Revision"/> sets how much the year-to-date columns revise earlier months.</summary>
    public static ReportGrid Clean(string placesFile, int seed, int years)
    {
        using var reader = new StreamReader(placesFile);
        var places = DemoPlaces.Read(reader);
        var generator = new DemoGenerator(places, long.MaxValue, seed)
        {
            Regimes = new HashSet<string>(StringComparer.Ordinal) { Regime },
            Until = DemoGenerator.Start.AddYears(years).AddDays(-1),
            YearToDateRevision = Revision ?? new DemoGenerator(places, 1, seed).YearToDateRevision,
        };
        return DemoPlanting.ToGrid(generator.Reports(), Regime)
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the generator made no {Regime} reports"));
    }

    /// <summary>reference/vn-stats/communes_2025_area_population.csv, looked for upwards from the working directory.</summary>
    public static string FindPlaces()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "reference", "vn-stats", "communes_2025_area_population.csv");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("reference/vn-stats/communes_2025_area_population.csv not found above the working directory; pass --places.");
    }
}
