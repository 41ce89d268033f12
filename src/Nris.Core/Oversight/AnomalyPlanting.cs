namespace Nris.Core.Oversight;

/// <summary>The manipulations the planter knows, each found by its own detectors.</summary>
public enum PlantedKind
{
    /// <summary>One value raised by 25–60 % (a single figure made to look good).</summary>
    Inflated = 0,
    /// <summary>A series' year replaced by last year's values grown at one steady rate (a smoothed series).</summary>
    Smoothed = 1,
    /// <summary>A whole report equal to the previous period's (copied forward).</summary>
    Copied = 2,
    /// <summary>40–100 % of a report's values rounded to two significant digits (fabricated round figures).</summary>
    RoundFigures = 3,
    /// <summary>A reporter's year of values with invented digits: magnitude kept, first digits uniform.</summary>
    Fabricated = 4,
}

/// <summary>One planted manipulation: <paramref name="Cell"/> -1 for a whole report, <paramref name="Period"/> -1 for a whole year.</summary>
public sealed record PlantedAnomaly(PlantedKind Kind, int Reporter, int Cell, int Period);

/// <summary>
/// Plants known manipulations into a <see cref="ReportGrid"/>, seeded, in the periods from a first evaluation period on
/// (the year under review). The seam for <c>nris demo generate --plant</c>: any generator that fills a grid can be
/// planted the same way and the answer key written next to the data.
/// </summary>
public static class AnomalyPlanter
{
    /// <summary>Plants about <paramref name="rate"/> of the units of <paramref name="kind"/> and returns the answer key.</summary>
    public static IReadOnlyList<PlantedAnomaly> Plant(ReportGrid grid, PlantedKind kind, double rate, int firstPeriod, int seed)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var random = new Random(seed);
        var planted = new List<PlantedAnomaly>();
        var end = Math.Min(grid.Periods.Count, firstPeriod + grid.PeriodsPerYear);
        switch (kind)
        {
            case PlantedKind.Inflated:
                for (var r = 0; r < grid.Reporters.Count; r++)
                {
                    for (var c = 0; c < grid.Cells.Count; c++)
                    {
                        // At most one inflated value per series and year, so each is judged against clean history.
                        if (random.NextDouble() < rate)
                        {
                            var p = random.Next(firstPeriod, end);
                            grid[r, c, p] = Math.Round(grid[r, c, p] * (1.25 + (0.35 * random.NextDouble())), 1);
                            planted.Add(new PlantedAnomaly(kind, r, c, p));
                        }
                    }
                }

                break;
            case PlantedKind.Smoothed:
                for (var r = 0; r < grid.Reporters.Count; r++)
                {
                    for (var c = 0; c < grid.Cells.Count; c++)
                    {
                        if (random.NextDouble() < rate)
                        {
                            var growth = Math.Exp(AnomalyDetector.Growth(grid, r, c, firstPeriod - 1));
                            for (var p = firstPeriod; p < end; p++)
                            {
                                grid[r, c, p] = Math.Round(grid[r, c, p - grid.PeriodsPerYear] * growth, 1);
                            }

                            planted.Add(new PlantedAnomaly(kind, r, c, -1));
                        }
                    }
                }

                break;
            case PlantedKind.Copied:
                ForReports(grid, firstPeriod, end, rate, random, planted, kind, (r, p) =>
                {
                    for (var c = 0; c < grid.Cells.Count; c++)
                    {
                        grid[r, c, p] = grid[r, c, p - 1];
                    }
                });
                break;
            case PlantedKind.RoundFigures:
                ForReports(grid, firstPeriod, end, rate, random, planted, kind, (r, p) =>
                {
                    var share = 0.4 + (0.6 * random.NextDouble());
                    for (var c = 0; c < grid.Cells.Count; c++)
                    {
                        if (random.NextDouble() < share)
                        {
                            grid[r, c, p] = RoundToTwoDigits(grid[r, c, p]);
                        }
                    }
                });
                break;
            default:
                for (var r = 0; r < grid.Reporters.Count; r++)
                {
                    if (random.NextDouble() < rate)
                    {
                        for (var c = 0; c < grid.Cells.Count; c++)
                        {
                            for (var p = firstPeriod; p < end; p++)
                            {
                                var v = grid[r, c, p];
                                var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
                                grid[r, c, p] = Math.Round(magnitude * (1 + (9 * random.NextDouble())), 1);
                            }
                        }

                        planted.Add(new PlantedAnomaly(kind, r, -1, -1));
                    }
                }

                break;
        }

        return planted;
    }

    private static void ForReports(
        ReportGrid grid, int firstPeriod, int end, double rate, Random random, List<PlantedAnomaly> planted, PlantedKind kind, Action<int, int> plant)
    {
        for (var r = 0; r < grid.Reporters.Count; r++)
        {
            // Never two planted reports in a row, so a copied report always copies a clean one.
            var last = -2;
            for (var p = firstPeriod; p < end; p++)
            {
                if (p > last + 1 && random.NextDouble() < rate)
                {
                    plant(r, p);
                    planted.Add(new PlantedAnomaly(kind, r, -1, p));
                    last = p;
                }
            }
        }
    }

    /// <summary>A value rounded to two significant digits (12345.6 → 12000), as a fabricated round figure is.</summary>
    public static double RoundToTwoDigits(double v)
    {
        if (v < 10)
        {
            return Math.Round(v);
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)) - 1);
        return Math.Round(v / magnitude) * magnitude;
    }
}

/// <summary>Recall and false-positive rate of one detector on one planted kind.</summary>
public sealed record DetectorScore(string Detector, PlantedKind Kind, int Planted, int Found, int Clean, int FalsePositives)
{
    /// <summary>Planted units found, out of all planted.</summary>
    public double Recall => Planted == 0 ? double.NaN : (double)Found / Planted;
    /// <summary>Untouched units flagged, out of all untouched.</summary>
    public double FalsePositiveRate => Clean == 0 ? double.NaN : (double)FalsePositives / Clean;
}

/// <summary>
/// The measured evaluation: for each planted kind, a fresh copy of one seeded clean grid is planted with that kind only;
/// its detectors run over the year under review; recall is planted units flagged, the false-positive rate is flagged
/// units among those the planter did not touch.
/// </summary>
public static class AnomalyEvaluation
{
    /// <summary>Which detectors answer which kind, and on what unit.</summary>
    public static IReadOnlyList<(PlantedKind Kind, string Detector)> Pairs { get; } =
    [
        (PlantedKind.Inflated, Detectors.OwnHistory),
        (PlantedKind.Inflated, Detectors.Peers),
        (PlantedKind.Inflated, Detectors.YearOnYearJump),
        (PlantedKind.Inflated, Detectors.ExpectedValue),
        (PlantedKind.Smoothed, Detectors.Smoothed),
        (PlantedKind.Copied, Detectors.CopiedForward),
        (PlantedKind.RoundFigures, Detectors.RoundFigures),
        (PlantedKind.Fabricated, Detectors.Benford),
    ];

    /// <summary>Runs the evaluation on a grid from <see cref="SeriesGenerator"/> with <paramref name="seed"/>.</summary>
    public static IReadOnlyList<DetectorScore> Run(int seed, int reporters, int cells, int years, double rate, AnomalyThresholds? thresholds = null)
    {
        var clean = SeriesGenerator.Generate(seed, reporters, cells, years);
        return Evaluate(clean, (years - 1) * clean.PeriodsPerYear, rate, seed, thresholds);
    }

    /// <summary>
    /// Runs the evaluation on any clean grid (the seam for <c>nris demo generate</c>'s data): each kind planted on its own
    /// copy in the year from <paramref name="firstPeriod"/>, its detectors run, recall and false positives counted.
    /// </summary>
    public static IReadOnlyList<DetectorScore> Evaluate(ReportGrid clean, int firstPeriod, double rate, int seed, AnomalyThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(clean);
        var t = thresholds ?? new AnomalyThresholds();
        var scores = new List<DetectorScore>();
        foreach (var kind in Enum.GetValues<PlantedKind>())
        {
            var grid = clean.Clone();
            var planted = AnomalyPlanter.Plant(grid, kind, rate, firstPeriod, seed * 31 + (int)kind);
            var flags = AnomalyDetector.Detect(grid, firstPeriod, t);
            foreach (var (_, detector) in Pairs.Where(p => p.Kind == kind))
            {
                scores.Add(Score(clean, grid, kind, detector, planted, flags.Where(f => f.Detector == detector).ToList(), firstPeriod));
            }
        }

        return scores;
    }

    /// <summary>
    /// The recall/false-positive curve of <see cref="Detectors.ExpectedValue"/> on planted inflated values: the same
    /// plant as <see cref="Evaluate"/>, scored at each robust-z threshold of <paramref name="zs"/>.
    /// </summary>
    /// <remarks><paramref name="cells"/>, when given, limits the scored values to those cells (all cells are planted and modelled).</remarks>
    public static IReadOnlyList<(double Z, DetectorScore Score)> InflatedCurve(
        ReportGrid clean, int firstPeriod, double rate, int seed, IReadOnlyList<double> zs, AnomalyThresholds? thresholds = null, Func<int, bool>? cells = null)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(zs);
        var t = thresholds ?? new AnomalyThresholds();
        var grid = clean.Clone();
        var planted = AnomalyPlanter.Plant(grid, PlantedKind.Inflated, rate, firstPeriod, seed * 31 + (int)PlantedKind.Inflated);
        var gaps = ExpectedValues.Gaps(grid, firstPeriod, firstPeriod + grid.PeriodsPerYear, t);
        return [.. zs.Select(z => (z, Score(clean, grid, PlantedKind.Inflated, Detectors.ExpectedValue, planted,
            [.. gaps.Where(g => Math.Abs(g.Z) > z && Math.Abs(g.LogGap) > t.MinimumDeviation)
                .Select(g => new AnomalyFlag(Detectors.ExpectedValue, g.Reporter, g.Cell, g.Period, Math.Abs(g.Z), "", ""))], firstPeriod, cells)))];
    }

    private static DetectorScore Score(
        ReportGrid clean, ReportGrid planted, PlantedKind kind, string detector, IReadOnlyList<PlantedAnomaly> key, List<AnomalyFlag> flags, int firstPeriod,
        Func<int, bool>? cells = null)
    {
        var end = Math.Min(clean.Periods.Count, firstPeriod + clean.PeriodsPerYear);
        // The unit a detector judges: one value, one series-year, one report, or one reporter-year.
        IEnumerable<(int R, int C, int P)> units = kind switch
        {
            PlantedKind.Inflated => from r in Enumerable.Range(0, clean.Reporters.Count)
                                    from c in Enumerable.Range(0, clean.Cells.Count)
                                    from p in Enumerable.Range(firstPeriod, end - firstPeriod)
                                    select (r, c, p),
            PlantedKind.Smoothed => from r in Enumerable.Range(0, clean.Reporters.Count)
                                    from c in Enumerable.Range(0, clean.Cells.Count)
                                    select (r, c, -1),
            PlantedKind.Fabricated => Enumerable.Range(0, clean.Reporters.Count).Select(r => (r, -1, -1)),
            _ => from r in Enumerable.Range(0, clean.Reporters.Count)
                 from p in Enumerable.Range(firstPeriod, end - firstPeriod)
                 select (r, -1, p),
        };
        var plantedUnits = key.Select(k => (k.Reporter, k.Cell, k.Period)).ToHashSet();
        var flagged = flags.Select(f => (f.Reporter, f.Cell, f.Period)).ToHashSet();
        int plantedCount = 0, found = 0, cleanCount = 0, falsePositives = 0;
        foreach (var unit in units)
        {
            if (cells is not null && unit.C >= 0 && !cells(unit.C))
            {
                continue;
            }

            if (plantedUnits.Contains(unit))
            {
                // A plant on a missing value changes nothing (demo data miss about 1 % of reports): not a planted unit.
                if (Untouched(clean, planted, unit, firstPeriod, end))
                {
                    continue;
                }

                plantedCount++;
                found += flagged.Contains(unit) ? 1 : 0;
            }
            else if (Untouched(clean, planted, unit, firstPeriod, end))
            {
                cleanCount++;
                falsePositives += flagged.Contains(unit) ? 1 : 0;
            }
        }

        return new DetectorScore(detector, kind, plantedCount, found, cleanCount, falsePositives);
    }

    // A unit is clean when nothing the detector reads for it was changed: the values of its reporter (and cell) in the
    // year under review; for a report, its period and the one before.
    private static bool Untouched(ReportGrid clean, ReportGrid planted, (int R, int C, int P) unit, int firstPeriod, int end)
    {
        var cells = unit.C >= 0 ? [unit.C] : Enumerable.Range(0, clean.Cells.Count);
        var (from, to) = unit.C < 0 && unit.P >= 0 ? (unit.P - 1, unit.P + 1) : (firstPeriod, end);
        foreach (var c in cells)
        {
            for (var p = from; p < to; p++)
            {
                if (!clean[unit.R, c, p].Equals(planted[unit.R, c, p]))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
