namespace Nris.Core.Oversight;

/// <summary>
/// Values laid out as reporter × cell × period — the shape anomaly detection reads and the planter writes. A cell is
/// one indicator × disaggregation × territory of a reporter's form; a period is an index into <see cref="Periods"/>
/// (oldest first). Missing values are NaN. This is the seam between generators (our seeded one here, later
/// <c>nris demo generate</c>) and the detectors: anything that can fill a grid can be planted and evaluated.
/// </summary>
public sealed class ReportGrid
{
    private readonly double[] _values;

    /// <summary>An empty grid (all NaN).</summary>
    public ReportGrid(IReadOnlyList<string> reporters, IReadOnlyList<string> cells, IReadOnlyList<string> periods, int periodsPerYear)
    {
        ArgumentNullException.ThrowIfNull(reporters);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodsPerYear, 1);
        Reporters = reporters;
        Cells = cells;
        Periods = periods;
        PeriodsPerYear = periodsPerYear;
        _values = new double[reporters.Count * cells.Count * periods.Count];
        Array.Fill(_values, double.NaN);
    }

    /// <summary>The reporters (rows of the first axis).</summary>
    public IReadOnlyList<string> Reporters { get; }

    /// <summary>The cells of the form, the same for every reporter.</summary>
    public IReadOnlyList<string> Cells { get; }

    /// <summary>The periods, oldest first.</summary>
    public IReadOnlyList<string> Periods { get; }

    /// <summary>12 for months, 4 for quarters: how far back "the same period last year" is.</summary>
    public int PeriodsPerYear { get; }

    /// <summary>One value; NaN when missing.</summary>
    public double this[int reporter, int cell, int period]
    {
        get => _values[Index(reporter, cell, period)];
        set => _values[Index(reporter, cell, period)] = value;
    }

    /// <summary>One series (a reporter's cell over all periods), as a new array.</summary>
    public double[] Series(int reporter, int cell)
    {
        var result = new double[Periods.Count];
        for (var p = 0; p < result.Length; p++)
        {
            result[p] = this[reporter, cell, p];
        }

        return result;
    }

    /// <summary>A deep copy, so a planted grid can be compared with its clean original.</summary>
    public ReportGrid Clone()
    {
        var copy = new ReportGrid(Reporters, Cells, Periods, PeriodsPerYear);
        Array.Copy(_values, copy._values, _values.Length);
        return copy;
    }

    private int Index(int reporter, int cell, int period) => ((reporter * Cells.Count) + cell) * Periods.Count + period;
}

/// <summary>
/// A seeded generator of realistic-looking reporting data: per reporter and cell a level spread over several orders of
/// magnitude, a yearly trend, a seasonal pattern and multiplicative noise, rounded to one decimal as statistics
/// offices publish them. The same seed gives the same grid.
/// </summary>
public static class SeriesGenerator
{
    /// <summary>A grid of <paramref name="reporters"/> × <paramref name="cells"/> × <paramref name="years"/> years of months.</summary>
    public static ReportGrid Generate(int seed, int reporters = 34, int cells = 24, int years = 5)
    {
        var random = new Random(seed);
        var periods = new List<string>();
        for (var y = 0; y < years; y++)
        {
            for (var m = 1; m <= 12; m++)
            {
                periods.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{2021 + y}-M{m:00}"));
            }
        }

        var grid = new ReportGrid(
            [.. Enumerable.Range(1, reporters).Select(r => "R" + r.ToString("00", System.Globalization.CultureInfo.InvariantCulture))],
            [.. Enumerable.Range(1, cells).Select(c => "C" + c.ToString("00", System.Globalization.CultureInfo.InvariantCulture))],
            periods, 12);
        // Each cell has its own scale, growth and season shared by all reporters (the same indicator everywhere),
        // and each reporter its own size: peers are comparable after scaling.
        var cellScale = Enumerable.Range(0, cells).Select(_ => Math.Exp(Normal(random) * 2.0 + 6)).ToArray();
        var cellGrowth = Enumerable.Range(0, cells).Select(_ => 0.04 + (0.06 * random.NextDouble())).ToArray();
        var cellSeason = Enumerable.Range(0, cells).Select(_ => 0.15 * random.NextDouble()).ToArray();
        var cellPhase = Enumerable.Range(0, cells).Select(_ => random.NextDouble() * 2 * Math.PI).ToArray();
        var cellNoise = Enumerable.Range(0, cells).Select(_ => 0.02 + (0.04 * random.NextDouble())).ToArray();
        for (var r = 0; r < reporters; r++)
        {
            var size = Math.Exp(Normal(random) * 0.8);
            var ownGrowth = Normal(random) * 0.02;
            for (var c = 0; c < cells; c++)
            {
                var level = cellScale[c] * size;
                for (var p = 0; p < periods.Count; p++)
                {
                    var trend = Math.Pow(1 + cellGrowth[c] + ownGrowth, p / 12.0);
                    var season = 1 + (cellSeason[c] * Math.Sin((2 * Math.PI * (p % 12) / 12) + cellPhase[c]));
                    var noise = Math.Exp(Normal(random) * cellNoise[c]);
                    grid[r, c, p] = Math.Round(level * trend * season * noise, 1);
                }
            }
        }

        return grid;
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Normal(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
