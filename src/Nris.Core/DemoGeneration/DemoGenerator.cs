using System.Globalization;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Text;

namespace Nris.Core.DemoGeneration;

/// <summary>How much a demo generator produces: S ≈ 1 million values, M ≈ 10 million, L ≈ 100 million.</summary>
public enum DemoScale
{
    /// <summary>About 1 million values (about 50 days of daily reports after the 2025 reform).</summary>
    S,
    /// <summary>About 10 million values (July 2025 to November 2026).</summary>
    M,
    /// <summary>About 100 million values (runs about 13 years past the reform, into future dates).</summary>
    L,
}

/// <summary>A commune or province with its real size (reference/vn-stats/communes_2025_area_population.csv).</summary>
/// <param name="Code">Territory code ("00004", "01").</param>
/// <param name="ProvinceCode">Its province ("01"); a province's own code for a province.</param>
/// <param name="Population">Population on 1 July 2025.</param>
/// <param name="AreaKm2">Area in km².</param>
public sealed record DemoPlace(string Code, string ProvinceCode, long Population, decimal AreaKm2);

/// <summary>The communes of the 34 provinces after the July 2025 reform, and the provinces as their sums.</summary>
public sealed class DemoPlaces
{
    private DemoPlaces(List<DemoPlace> communes)
    {
        Communes = communes;
        Provinces = [.. communes.GroupBy(c => c.ProvinceCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DemoPlace(g.Key, g.Key, g.Sum(c => c.Population), g.Sum(c => c.AreaKm2)))];
        CommunesOf = communes.GroupBy(c => c.ProvinceCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DemoPlace>)[.. g.OrderBy(c => c.Code, StringComparer.Ordinal)], StringComparer.Ordinal);
    }

    /// <summary>Every commune, in code order.</summary>
    public IReadOnlyList<DemoPlace> Communes { get; }

    /// <summary>Every province, in code order, sized as the sum of its communes.</summary>
    public IReadOnlyList<DemoPlace> Provinces { get; }

    /// <summary>The communes of each province, in code order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DemoPlace>> CommunesOf { get; }

    /// <summary>
    /// Reads communes_2025_area_population.csv (code, name, province_code, …, area_km2, population, …). A commune
    /// without a population or area gets 10,000 people and 20 km² (a handful of island units have none).
    /// </summary>
    public static DemoPlaces Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var csv = new CsvReader(reader);
        var header = csv.ReadRecord() ?? throw new FormatException("communes file: empty");
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new FormatException("communes file: no column " + name);
        int code = Column("code"), province = Column("province_code"), area = Column("area_km2"), population = Column("population");
        var communes = new List<DemoPlace>();
        while (csv.ReadRecord() is { } row)
        {
            if (row.Length <= population || row[code].Length == 0)
            {
                continue;
            }

            var people = long.TryParse(row[population], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 10_000;
            var km2 = decimal.TryParse(row[area], NumberStyles.Number, CultureInfo.InvariantCulture, out var a) && a > 0 ? a : 20m;
            communes.Add(new DemoPlace(row[code], row[province], people, km2));
        }

        communes.Sort((x, y) => string.CompareOrdinal(x.Code, y.Code));
        return new DemoPlaces(communes);
    }
}

/// <summary>
/// One generated report: what a reporter would submit for a regime and period. <see cref="Late"/> reports are the ones
/// the generator holds back and yields after every on-time report, as a reporter who missed the deadline would.
/// </summary>
public sealed record DemoReport(string RegimeCode, Period Period, string ReporterCode, IReadOnlyList<ReportValue> Values, bool Late = false);

/// <summary>
/// Realistic values for the demo catalogue over the real post-2025 hierarchy: every province and commune sized by its
/// real population, with growth trends, seasonality (Tết in Q1: fewer dossiers and less industry, more retail), weekly
/// rhythm, noise, about 1 % of reports missing and 2 % late. The same seed always gives the same reports, in the same
/// order, whatever consumes them: each report draws from its own random stream derived from (seed, regime, period,
/// reporter).
/// </summary>
/// <remarks>
/// <para>What is generated, from 1 July 2025 on, day by day until the scale's value count is reached:
/// DVC-NGAY (public services) daily by each province's People's Committee for the province and each of its communes;
/// KTXH-TINH-THANG (version 2) monthly by each province; KTXH-XA-QUY quarterly by each commune. That is about 20,000
/// values a day, which is what sets the span: S ≈ 50 days, M ≈ 500 days, L ≈ 5,000 days.</para>
/// <para>The seam for planted anomalies (issue #8): <see cref="Transform"/> sees every report before it is yielded and
/// may return it changed, or null to drop it.</para>
/// </remarks>
public sealed class DemoGenerator
{
    /// <summary>The first day generated: the day the 34-province hierarchy took effect.</summary>
    public static readonly DateOnly Start = new(2025, 7, 1);

    private const string DailyServices = "DVC-NGAY";
    private const string ProvinceMonthly = "KTXH-TINH-THANG";
    private const string CommuneQuarterly = "KTXH-XA-QUY";

    // Lunar new year (Tết Nguyên Đán) days, from the Vietnamese lunar calendar.
    private static readonly DateOnly[] Tet =
    [
        new(2025, 1, 29), new(2026, 2, 17), new(2027, 2, 6), new(2028, 1, 26), new(2029, 2, 13), new(2030, 2, 3),
        new(2031, 1, 23), new(2032, 2, 11), new(2033, 1, 31), new(2034, 2, 19), new(2035, 2, 8), new(2036, 1, 28),
        new(2037, 2, 15), new(2038, 2, 4), new(2039, 1, 24), new(2040, 2, 12),
    ];

    private readonly DemoPlaces _places;
    private readonly Dictionary<string, double> _growth = new(StringComparer.Ordinal);

    /// <summary>A generator of about <see cref="TargetValues"/>(<paramref name="scale"/>) values.</summary>
    public DemoGenerator(DemoPlaces places, DemoScale scale, int seed)
        : this(places, TargetValues(scale), seed)
    {
    }

    /// <summary>A generator that stops after the first day at which <paramref name="targetValues"/> values were yielded.</summary>
    public DemoGenerator(DemoPlaces places, long targetValues, int seed)
    {
        ArgumentNullException.ThrowIfNull(places);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetValues);
        _places = places;
        Target = targetValues;
        Seed = seed;
        foreach (var p in places.Provinces)
        {
            // Each province grows at its own pace: 3–10 % a year in nominal terms.
            _growth[p.Code] = 0.03 + (0.07 * Stream(p.Code, "growth", Start).NextDouble());
        }
    }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>How many values the generator aims at (it finishes the day on which it reaches them).</summary>
    public long Target { get; }

    /// <summary>Sees each report before it is yielded; returns it (changed or not), or null to leave it out.</summary>
    public Func<DemoReport, DemoReport?>? Transform { get; init; }

    /// <summary>Only these regimes are generated (null: all three). The anomaly evaluation generates the monthly provincial reports alone, over years.</summary>
    public IReadOnlySet<string>? Regimes { get; init; }

    /// <summary>The last day generated, whatever the value count (null: until the target is reached).</summary>
    public DateOnly? Until { get; init; }

    /// <summary>Values of a scale.</summary>
    public static long TargetValues(DemoScale scale) => scale switch
    {
        DemoScale.S => 1_000_000,
        DemoScale.M => 10_000_000,
        DemoScale.L => 100_000_000,
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, null),
    };

    /// <summary>Parses "S", "M" or "L" (any case).</summary>
    public static bool TryParseScale(string? text, out DemoScale scale) =>
        Enum.TryParse(text, ignoreCase: true, out scale) && Enum.IsDefined(scale);

    /// <summary>The committee that reports for a territory.</summary>
    public static string Committee(string territoryCode) => Catalogue.ReferenceData.ReferenceOrganizations.CommitteePrefix + territoryCode;

    /// <summary>Every report: the on-time ones in date order, then the late ones.</summary>
    public IEnumerable<DemoReport> Reports()
    {
        var late = new List<DemoReport>();
        long values = 0;
        for (var day = Start; values < Target && (Until is not { } until || day <= until); day = day.AddDays(1))
        {
            foreach (var report in Day(day))
            {
                if ((Transform is null ? report : Transform(report)) is not { } final)
                {
                    continue;
                }

                values += final.Values.Count;
                if (final.Late)
                {
                    late.Add(final);
                }
                else
                {
                    yield return final;
                }
            }
        }

        foreach (var report in late)
        {
            yield return report;
        }
    }

    // The reports that fall due with a day: the day's public services, and at the end of a month or quarter those periods.
    private IEnumerable<DemoReport> Day(DateOnly day)
    {
        foreach (var province in Generates(DailyServices) ? _places.Provinces : [])
        {
            if (Services(province, day) is { } r)
            {
                yield return r;
            }
        }

        if (day.AddDays(1).Day == 1)
        {
            foreach (var province in Generates(ProvinceMonthly) ? _places.Provinces : [])
            {
                if (ProvinceMonth(province, Period.Month(day.Year, day.Month)) is { } r)
                {
                    yield return r;
                }
            }

            if (day.Month % 3 == 0 && Generates(CommuneQuarterly))
            {
                var quarter = Period.Quarter(day.Year, day.Month / 3);
                foreach (var commune in _places.Communes)
                {
                    if (CommuneQuarter(commune, quarter) is { } r)
                    {
                        yield return r;
                    }
                }
            }
        }
    }

    private bool Generates(string regime) => Regimes is null || Regimes.Contains(regime);

    private DemoReport? Services(DemoPlace province, DateOnly day)
    {
        var period = Period.Day(day);
        var random = Stream(DailyServices, Committee(province.Code), period.Start);
        if (random.NextDouble() < 0.005)
        {
            return null;
        }

        var late = random.NextDouble() < 0.02;
        var level = Trend(province.Code, day) * Weekday(day) * TetFactor(day, before: 0.6, during: 0.05, after: 0.5);
        var communes = _places.CommunesOf[province.Code];
        var values = new List<ReportValue>((communes.Count + 1) * 6);
        AddServices(values, province.Code, province.Population / 2_000.0 * level, random);
        foreach (var commune in communes)
        {
            AddServices(values, commune.Code, commune.Population / 4_000.0 * level, random);
        }

        return new DemoReport(DailyServices, period, Committee(province.Code), values, late);
    }

    // DVC-NGAY rules: online ≤ received, portal ≤ online, on time ≤ processed.
    private static void AddServices(List<ReportValue> values, string territory, double expected, Random random)
    {
        var received = Math.Max(0, Math.Round(expected * Noise(random, 0.15)));
        var online = Math.Round(received * (0.55 + (0.3 * random.NextDouble())));
        var portal = Math.Round(online * (0.6 + (0.3 * random.NextDouble())));
        var processed = Math.Round(received * (0.85 + (0.15 * random.NextDouble())));
        var onTime = Math.Round(processed * (0.9 + (0.1 * random.NextDouble())));
        var payments = Math.Round(online * 0.3 * Noise(random, 0.2));
        Add(values, "DOSSIERS_RECEIVED", territory, received);
        Add(values, "DOSSIERS_ONLINE", territory, online);
        Add(values, "DOSSIERS_PORTAL", territory, portal);
        Add(values, "DOSSIERS_PROCESSED", territory, processed);
        Add(values, "DOSSIERS_ONTIME", territory, onTime);
        Add(values, "ONLINE_PAYMENTS", territory, payments);
    }

    // KTXH-TINH-THANG version 2: sizes from national annual totals (retail ≈ 62 million VND a person a year, budget
    // revenue ≈ 20 million, exports ≈ 4,000 USD), shares as the rules require (domestic ≤ total revenue, year-to-date
    // disbursement ≤ plan and growing through the year, online ≤ received dossiers).
    private DemoReport? ProvinceMonth(DemoPlace province, Period month)
    {
        var (dropped, late, values) = MonthFigures(province, month);
        if (dropped)
        {
            return null;
        }

        AddYearToDate(values, province, month);
        return new DemoReport(ProvinceMonthly, month, Committee(province.Code), values, late);
    }

    /// <summary>
    /// The monthly indicators that the report also gives "cumulative from the start of the year" (<c>X_YTD</c> next to
    /// <c>X</c>), as the General Statistics Office's monthly socio-economic reports and the provincial statistics
    /// offices' monthly reports do ("tính chung N tháng", "lũy kế từ đầu năm"): retail sales, exports, new enterprises,
    /// state budget revenue (and its domestic part) and expenditure, traffic accidents, deaths and injuries.
    /// </summary>
    public static IReadOnlyList<string> YearToDateIndicators { get; } =
    [
        "RETAIL_SALES", "EXPORT", "ENT_NEW", "BUDGET_REVENUE", "BUDGET_REVENUE_DOMESTIC", "BUDGET_EXPENDITURE",
        "TRAFFIC_ACCIDENTS", "TRAFFIC_DEATHS", "TRAFFIC_INJURIES",
    ];

    private static readonly HashSet<string> Counts = new(StringComparer.Ordinal) { "ENT_NEW", "TRAFFIC_ACCIDENTS", "TRAFFIC_DEATHS", "TRAFFIC_INJURIES" };

    /// <summary>
    /// How much a month's figure is revised when the next report gives the cumulative total (uniform, ± this share):
    /// the current month is an estimate (ước tính), the earlier months in the cumulative are the revised figures.
    /// </summary>
    public double YearToDateRevision { get; init; } = 0.03;

    // The year-to-date columns: the revised figures of the earlier months of the calendar year (months before the
    // generator's start are drawn the same way, as the province's figures of those months) plus this month's estimate.
    // They come from streams of their own, so every other value is the same as without them.
    private void AddYearToDate(List<ReportValue> values, DemoPlace province, Period month)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var m = 1; m < month.Start.Month; m++)
        {
            var earlier = Period.Month(month.Year, m);
            var revision = Stream(ProvinceMonthly + "/revision", Committee(province.Code), earlier.Start);
            foreach (var v in MonthFigures(province, earlier).Values)
            {
                if (v.Number is { } n && YearToDateIndicators.Contains(v.IndicatorCode))
                {
                    var revised = (double)n * Noise(revision, YearToDateRevision);
                    sums[v.IndicatorCode] = sums.GetValueOrDefault(v.IndicatorCode) + (Counts.Contains(v.IndicatorCode) ? Math.Round(revised) : Round(revised, 1));
                }
            }
        }

        foreach (var code in YearToDateIndicators)
        {
            if (values.FirstOrDefault(v => v.IndicatorCode == code) is { Number: { } now })
            {
                Add(values, code + "_YTD", null, Round(sums.GetValueOrDefault(code) + (double)now, 1));
            }
        }
    }

    // The figures of one month as the province has them, whether or not it reports them (the draws that decide that
    // come first, so they do not move the values).
    private (bool Dropped, bool Late, List<ReportValue> Values) MonthFigures(DemoPlace province, Period month)
    {
        var random = Stream(ProvinceMonthly, Committee(province.Code), month.Start);
        var dropped = random.NextDouble() < 0.01;
        var late = random.NextDouble() < 0.02;
        var people = (double)province.Population;
        var trend = Trend(province.Code, month.Start);
        var tetMonth = Tet.Any(t => t.Year == month.Year && t.Month == month.Start.Month);
        var retail = people * 0.0052 * trend * (tetMonth ? 1.15 : 1.0) * Noise(random, 0.05);
        var revenue = people * 0.0017 * trend * Noise(random, 0.15);
        var plan = people * 0.006 * Math.Pow(1 + _growth[province.Code], month.Year - Start.Year) * Noise(Stream(ProvinceMonthly, province.Code, new DateOnly(month.Year, 1, 1)), 0.1);
        var disbursed = plan * Math.Min(0.98, month.Start.Month / 12.0 * 0.95);
        var accidents = Math.Max(1, Math.Round(people / 60_000 * Noise(random, 0.25)));
        var dossiers = Math.Round(people / 50 * trend * (tetMonth ? 0.7 : 1.0) * Noise(random, 0.1));
        var values = new List<ReportValue>(17);
        Add(values, "IIP", null, Round(108.5 * (tetMonth ? 0.9 : 1.0) * Noise(random, 0.03), 2));
        Add(values, "RETAIL_SALES", null, Round(retail, 1));
        Add(values, "CPI_YOY", null, Round(103.4 * Noise(random, 0.01), 2));
        Add(values, "CPI_MOM", null, Round((tetMonth ? 101.2 : 100.3) * Noise(random, 0.002), 2));
        Add(values, "EXPORT", null, Round(people * 0.00033 * trend * Noise(random, 0.1), 1));
        Add(values, "ENT_NEW", null, Math.Round(people / 4_000 * (tetMonth ? 0.6 : 1.0) * Noise(random, 0.15)));
        Add(values, "BUDGET_REVENUE", null, Round(revenue, 1));
        Add(values, "BUDGET_REVENUE_DOMESTIC", null, Round(revenue * (0.7 + (0.2 * random.NextDouble())), 1));
        Add(values, "BUDGET_EXPENDITURE", null, Round(people * 0.0014 * trend * Noise(random, 0.15), 1));
        Add(values, "PUBINV_PLAN", null, Round(plan, 1));
        Add(values, "PUBINV_DISBURSED_YTD", null, Round(disbursed, 1));
        Add(values, "TRAFFIC_ACCIDENTS", null, accidents);
        Add(values, "TRAFFIC_DEATHS", null, Math.Round(accidents * 0.4 * Noise(random, 0.3)));
        Add(values, "TRAFFIC_INJURIES", null, Math.Round(accidents * 0.9 * Noise(random, 0.3)));
        Add(values, "DOSSIERS_RECEIVED", null, dossiers);
        Add(values, "DOSSIERS_ONLINE", null, Math.Round(dossiers * (0.55 + (0.3 * random.NextDouble()))));
        values.Add(new ReportValue("SUMMARY_NOTE", Disaggregations.Total, null, null,
            tetMonth ? "Tháng có Tết Nguyên Đán; sản xuất chậm lại, tiêu dùng tăng." : "Tình hình kinh tế – xã hội ổn định.", null));
        return (false, late, values);
    }

    // KTXH-XA-QUY: the poverty rate moves by at most a little from one quarter to the next (rule R03 warns above 5
    // points); rice comes in with the harvests of Q2 and Q4; Q1 has Tết.
    private DemoReport? CommuneQuarter(DemoPlace commune, Period quarter)
    {
        var random = Stream(CommuneQuarterly, Committee(commune.Code), quarter.Start);
        if (random.NextDouble() < 0.01)
        {
            return null;
        }

        var late = random.NextDouble() < 0.02;
        var people = (double)commune.Population;
        var q = (quarter.Start.Month + 2) / 3;
        var trend = Trend(commune.ProvinceCode, quarter.Start);
        var rural = Math.Clamp((double)commune.AreaKm2 * 150 / Math.Max(1, people), 0, 1);
        var baseRate = 1 + (9 * Stream("poverty", commune.Code, Start).NextDouble() * rural);
        var years = (quarter.Start.DayNumber - Start.DayNumber) / 365.25;
        var poverty = Math.Max(0, (baseRate * Math.Pow(0.9, years)) + ((random.NextDouble() - 0.5) * 0.4));
        var harvest = q switch { 2 => 1.6, 4 => 1.4, 1 => 0.3, _ => 0.7 };
        var received = Math.Round(people / 40 * trend * (q == 1 ? 0.8 : 1.0) * Noise(random, 0.1));
        var values = new List<ReportValue>(8);
        Add(values, "HOUSEHOLDS", null, Math.Max(1, Math.Round(people / 3.6 * Math.Pow(1.01, years))));
        Add(values, "POVERTY_RATE_MD", null, Round(Math.Min(100, poverty), 2));
        Add(values, "HEALTH_INSURANCE_COVERAGE", null, Round(Math.Min(99.9, 93 * Noise(random, 0.02)), 1));
        Add(values, "RICE_OUTPUT", null, Round(people * rural * 0.00011 * harvest * Noise(random, 0.1), 1));
        Add(values, "BUDGET_REVENUE", null, Round(people * 0.00005 * trend * Noise(random, 0.2), 1));
        Add(values, "DOSSIERS_RECEIVED", null, received);
        Add(values, "DOSSIERS_ONTIME", null, Math.Round(received * (0.85 + (0.15 * random.NextDouble()))));
        Add(values, "TRAFFIC_ACCIDENTS", null, Math.Round(people / 15_000 * Noise(random, 0.5)));
        return new DemoReport(CommuneQuarterly, quarter, Committee(commune.Code), values, late);
    }

    private static void Add(List<ReportValue> values, string indicator, string? territory, double number) =>
        values.Add(new ReportValue(indicator, Disaggregations.Total, territory, (decimal)number, null, null));

    private static double Round(double x, int decimals) => Math.Round(Math.Max(0, x), decimals);

    private double Trend(string provinceCode, DateOnly day) =>
        Math.Pow(1 + _growth[provinceCode], (day.DayNumber - Start.DayNumber) / 365.25);

    private static double Weekday(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => 0.3,
        DayOfWeek.Sunday => 0.08,
        _ => 1.0,
    };

    // Offices close for about a week around Tết; the days before are busy winding down, the fortnight after slow.
    private static double TetFactor(DateOnly day, double before, double during, double after)
    {
        foreach (var tet in Tet)
        {
            var offset = day.DayNumber - tet.DayNumber;
            if (offset is >= -3 and <= 4)
            {
                return during;
            }

            if (offset is >= -10 and < -3)
            {
                return before;
            }

            if (offset is > 4 and <= 18)
            {
                return after;
            }
        }

        return 1.0;
    }

    private static double Noise(Random random, double spread) => 1 + (spread * ((random.NextDouble() * 2) - 1));

    // A random stream of its own for each (seed, what, who, when): FNV-1a of the key, then seeded Random.
    private Random Stream(string what, string who, DateOnly when)
    {
        var hash = 14695981039346656037UL ^ (ulong)(uint)Seed;
        hash = Mix(hash, what);
        hash = Mix(hash, who);
        hash ^= (ulong)when.DayNumber;
        hash *= 1099511628211UL;
        return new Random((int)(hash ^ (hash >> 32)));
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        hash ^= 0xFF;
        return hash * 1099511628211UL;
    }
}
