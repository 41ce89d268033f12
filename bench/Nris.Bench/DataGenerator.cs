using System.Globalization;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Bench;

/// <summary>
/// Deterministic report values sized by real population (reference/vn-stats/communes_2025_area_population.csv), shaped
/// to pass the demo catalogue's validation rules, so the benchmarks measure accepted reports, not rejections.
/// </summary>
public sealed class DataGenerator
{
    private readonly Random _random = new(20250701);

    public DataGenerator()
    {
        var path = FindUp(Path.Combine("reference", "vn-stats", "communes_2025_area_population.csv"));
        foreach (var f in ReadCsv(File.ReadAllText(path)).Skip(1).Where(r => r.Count > 6))
        {
            var population = f[6].Length > 0 ? long.Parse(f[6], CultureInfo.InvariantCulture) : 10_000;
            var area = f[5].Length > 0 ? decimal.Parse(f[5], CultureInfo.InvariantCulture) : 20m;
            Communes.Add(new Place(f[0], f[2], population, area));
        }
        Provinces = [.. Communes.GroupBy(c => c.ProvinceCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Place(g.Key, g.Key, g.Sum(c => c.Population), g.Sum(c => c.Area)))];
    }

    public sealed record Place(string Code, string ProvinceCode, long Population, decimal Area);

    public List<Place> Communes { get; } = [];

    public List<Place> Provinces { get; }

    public static string Committee(string territoryCode) => "UBND." + territoryCode;

    private decimal Around(decimal x, int decimals = 0) => Math.Round(x * (decimal)(0.9 + _random.NextDouble() * 0.2), decimals);

    /// <summary>
    /// NGTK-TINH-NAM (statistical yearbook, reported by the statistics office for any territory): its 18 cells for each
    /// territory of the year, the 3,321 communes and 34 provinces after the reform first (sized by their real population),
    /// then the units of before the reform (<paramref name="others"/>, sized by a deterministic draw), cut to
    /// <paramref name="count"/> values.
    /// </summary>
    public List<ReportValue> Yearbook(int count, IEnumerable<string> others)
    {
        var values = new List<ReportValue>(count);
        var known = Communes.Concat(Provinces).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        var places = Communes.Concat(Provinces).Concat(others.Where(o => !known.Contains(o))
            .Select(o => new Place(o, "", _random.Next(4_000, 16_000), _random.Next(8, 60))));
        foreach (var place in places)
        {
            var pop = place.Population;
            void Add(string indicator, decimal number) =>
                values.Add(new ReportValue(indicator, "_T", place.Code, number, null, null, ObservationStatus.Official));
            Add("AREA_KM2", Math.Round(place.Area, 1));
            Add("POP_AVG", pop);
            Add("POP_DENSITY", place.Area > 0 ? Math.Round(pop / place.Area) : 0);
            Add("LABOUR_FORCE_15PLUS", Math.Round(pop * 0.58m, 1));
            Add("TRAINED_LABOUR_SHARE", Around(28.5m, 1));
            Add("GRDP_PER_CAPITA", Around(114.5m, 2));
            Add("INCOME_PC_MONTHLY_TOTAL", Around(5_300));
            Add("INCOME_PC_MONTHLY_WAGES", Around(2_500));
            Add("INCOME_PC_MONTHLY_AGRI", Around(800));
            Add("INCOME_PC_MONTHLY_NONAGRI", Around(1_200));
            Add("INCOME_PC_MONTHLY_OTHER", Around(800));
            Add("BUDGET_REVENUE_FINAL", Math.Round(pop * 12m));
            Add("BUDGET_EXPENDITURE_FINAL", Math.Round(pop * 11m));
            var hospitals = Math.Round(pop / 100_000m);
            Add("HEALTH_EST_TOTAL", hospitals + 2);
            Add("HEALTH_EST_HOSPITAL", hospitals);
            Add("HEALTH_EST_POLYCLINIC", 1);
            Add("HEALTH_EST_REHAB", 0);
            Add("HEALTH_EST_STATION", 1);
            if (values.Count >= count)
            {
                break;
            }
        }
        return values.Count > count ? values[..count] : values;
    }

    /// <summary>DVC-NGAY of a province for one day: its own six cells plus the same for its first communes, <paramref name="count"/> values.</summary>
    public List<ReportValue> PublicServicesDay(Place province, int count)
    {
        var values = new List<ReportValue>(count);
        var territories = new List<Place> { province };
        territories.AddRange(Communes.Where(c => c.ProvinceCode == province.Code));
        foreach (var place in territories)
        {
            var received = Math.Max(10, Math.Round(place.Population / 2_000m));
            var online = Math.Round(received * 0.7m);
            var processed = Math.Round(received * 0.95m);
            values.Add(new("DOSSIERS_RECEIVED", "_T", place.Code, received, null, null));
            values.Add(new("DOSSIERS_ONLINE", "_T", place.Code, online, null, null));
            values.Add(new("DOSSIERS_PORTAL", "_T", place.Code, Math.Round(online * 0.8m), null, null));
            values.Add(new("DOSSIERS_PROCESSED", "_T", place.Code, processed, null, null));
            values.Add(new("DOSSIERS_ONTIME", "_T", place.Code, Math.Round(processed * 0.97m), null, null));
            values.Add(new("ONLINE_PAYMENTS", "_T", place.Code, Math.Round(online * 0.3m), null, null));
            if (values.Count >= count)
            {
                break;
            }
        }
        return values.Count > count ? values[..count] : values;
    }

    // The demo forms' rows carry no disaggregation, so each row is one total (_T) cell.

    /// <summary>KTXH-XA-QUY of a commune: its 8 cells.</summary>
    public List<ReportValue> CommuneQuarter(Place commune)
    {
        var households = Math.Max(100, Math.Round(commune.Population / 3.6m));
        return
        [
            new("HOUSEHOLDS", "_T", null, households, null, null),
            new("POVERTY_RATE_MD", "_T", null, Around(4.2m, 2), null, null),
            new("HEALTH_INSURANCE_COVERAGE", "_T", null, Math.Min(99.9m, Around(92.5m, 1)), null, null),
            new("RICE_OUTPUT", "_T", null, Around(commune.Area * 12m, 1), null, null),
            new("BUDGET_REVENUE", "_T", null, Around(commune.Population * 0.4m, 1), null, null),
            new("DOSSIERS_RECEIVED", "_T", null, Math.Round(commune.Population / 40m), null, null),
            new("DOSSIERS_ONTIME", "_T", null, Math.Round(commune.Population / 45m), null, null),
            new("TRAFFIC_ACCIDENTS", "_T", null, Around(3), null, null),
        ];
    }

    /// <summary>KTXH-TINH-THANG (version 2) of a province: its 16 number cells and the summary note.</summary>
    public List<ReportValue> ProvinceMonth(Place province)
    {
        var pop = province.Population;
        var revenue = Around(pop * 0.9m, 1);
        var plan = Around(pop * 3m, 1);
        var accidents = Math.Max(5, Math.Round(pop / 60_000m));
        return
        [
            new("IIP", "_T", null, Around(108.5m, 2), null, null),
            new("RETAIL_SALES", "_T", null, Around(pop * 6.2m, 1), null, null),
            new("CPI_YOY", "_T", null, Around(103.4m, 2), null, null),
            new("CPI_MOM", "_T", null, Around(100.3m, 2), null, null),
            new("EXPORT", "_T", null, Around(pop * 2.5m, 1), null, null),
            new("ENT_NEW", "_T", null, Math.Round(pop / 4_000m), null, null),
            new("BUDGET_REVENUE", "_T", null, revenue, null, null),
            new("BUDGET_REVENUE_DOMESTIC", "_T", null, Math.Round(revenue * 0.8m, 1), null, null),
            new("BUDGET_EXPENDITURE", "_T", null, Around(pop * 0.8m, 1), null, null),
            new("PUBINV_PLAN", "_T", null, plan, null, null),
            new("PUBINV_DISBURSED_YTD", "_T", null, Math.Round(plan * 0.6m, 1), null, null),
            new("TRAFFIC_ACCIDENTS", "_T", null, accidents, null, null),
            new("TRAFFIC_DEATHS", "_T", null, Math.Round(accidents * 0.4m), null, null),
            new("TRAFFIC_INJURIES", "_T", null, accidents, null, null),
            new("DOSSIERS_RECEIVED", "_T", null, Math.Round(pop / 50m), null, null),
            new("DOSSIERS_ONLINE", "_T", null, Math.Round(pop / 80m), null, null),
            new("SUMMARY_NOTE", "_T", null, null, "Tình hình kinh tế – xã hội ổn định.", null),
        ];
    }

    /// <summary>DTC-GIAINGAN-THANG of a ministry or agency: three cells, consistent with each other.</summary>
    public List<ReportValue> Disbursement()
    {
        var plan = Around(12_000m, 1);
        var ytd = Math.Round(plan * 0.55m, 1);
        return
        [
            new("PUBINV_PLAN", "_T", null, plan, null, null),
            new("PUBINV_DISBURSED", "_T", null, Math.Round(ytd / 9m, 1), null, null),
            new("PUBINV_DISBURSED_YTD", "_T", null, ytd, null, null),
        ];
    }

    // Quoted fields may hold commas and line breaks (the merged_from column).
    private static List<List<string>> ReadCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                if (quoted && i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == ',' && !quoted)
            {
                row.Add(current.ToString());
                current.Clear();
            }
            else if ((c == '\n' || c == '\r') && !quoted)
            {
                if (c == '\n')
                {
                    row.Add(current.ToString());
                    current.Clear();
                    rows.Add(row);
                    row = [];
                }
            }
            else
            {
                current.Append(c);
            }
        }
        if (current.Length > 0 || row.Count > 0)
        {
            row.Add(current.ToString());
            rows.Add(row);
        }
        return rows;
    }

    public static Period Day(int offset) => Period.Day(new DateOnly(2025, 8, 1).AddDays(offset));

    public static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("Not found above the bench binary: " + relative);
    }
}
