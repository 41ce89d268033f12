using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.DemoGeneration;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Testing;

namespace Nris.Bench;

/// <summary>
/// <c>aggregation --sqlite FILE [--memory-values N] [--memory-scale S|M|L] [--postgres 0] [--out DIR] [--queries N] [--fresh N] [--fresh-period P] [--build-threads N]</c>: the aggregation figures of
/// docs/benchmarks.md. On a database filled by <c>nris demo generate</c>: rebuild (read + build) and bytes per value,
/// cell and children query latency, freshness (a commune's submission → the national aggregate), and the facts
/// exported to CSV. With --memory-values: the same generator's facts built straight from memory (no database) at a
/// larger scale, for build time, bytes and queries. For each CSV, PostgreSQL GROUP BY ROLLUP over the same facts in a
/// throwaway cluster (skipped with --postgres 0); DuckDB runs from bench/aggregation-duckdb/rollup.mjs over the same files.
/// With --memory-scale S|M|L (or a value count): not from the database — the generator's values fed straight into the
/// server's view (<see cref="ProjectedValues"/> then the engine), for bytes per value, the aggregate step and queries at L.
/// </summary>
public static class AggregationDriver
{
    private const string Rollup =
        "SELECT indicator, disagg, source, period, province, territory, sum(value) AS total FROM facts " +
        "GROUP BY indicator, disagg, source, period, ROLLUP(province, territory)";

    private static AggregationOptions BuildOptions { get; set; } = new();

    private static int PostgresRuns { get; set; } = 3;

    private static string? PostgresWorkMem { get; set; }

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        string? Get(string name) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var sqlite = Get("sqlite");
        var memoryValues = long.Parse(Get("memory-values") ?? "0", CultureInfo.InvariantCulture);
        // --memory-scale S|M|L (or a number of values): the generator's facts straight into the server's view, no database.
        var memoryScale = Get("memory-scale") is { } scaleText
            ? DemoGenerator.TryParseScale(scaleText, out var scale) ? DemoGenerator.TargetValues(scale) : long.Parse(scaleText, CultureInfo.InvariantCulture)
            : 0;
        var postgres = Get("postgres") != "0";
        // --postgres-runs N: how many times the ROLLUP runs (best kept; 3 unless set, 1 at L where each takes minutes);
        // --postgres-work-mem: the session's work_mem (PostgreSQL's default unless set; 8GB at L, DuckDB's limit there);
        // --postgres-csv FILE: only PostgreSQL, over a CSV an earlier run exported (at L the driver, DuckDB and
        // PostgreSQL then run one after another, so each has the machine's memory and disk to itself).
        PostgresRuns = int.Parse(Get("postgres-runs") ?? "3", CultureInfo.InvariantCulture);
        PostgresWorkMem = Get("postgres-work-mem");
        if (Get("postgres-csv") is { } onlyCsv)
        {
            await using var only = await PostgresCluster.StartAsync(ct);
            await PostgresRollupAsync(only, "csv", onlyCsv, File.ReadLines(onlyCsv).LongCount() - 1, ct);
            return 0;
        }
        var outDir = Get("out") ?? Path.Combine(Path.GetTempPath(), "nris-aggregation-bench");
        var queries = int.Parse(Get("queries") ?? "20000", CultureInfo.InvariantCulture);
        var fresh = int.Parse(Get("fresh") ?? "200", CultureInfo.InvariantCulture);
        // The quarter the freshness step submits commune reports for: one the database has no reports of (M covers
        // 2025-Q3 to 2026-Q3, so 2026-Q4 there), or an earlier run's submissions are refused and the sample shrinks.
        var freshPeriod = Period.Parse(Get("fresh-period") ?? "2025-Q3");
        // --read-variants reader,raw1,raw2: also time these reads of the current values (each into a view that is then
        // dropped) before the rebuild's own read, so the paths compare in one run. reader = the data-reader path (what
        // PostgreSQL uses), raw1 / raw2 = SQLite's raw read on one / two connections (raw2 is the server's default).
        var readVariants = (Get("read-variants") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        // --floor 0: skip the plain data-reader scan before the rebuild (at L it is minutes of reading that the rebuild's
        // raw read no longer stands on).
        var floor = Get("floor") != "0";
        // --image 0: skip the restart from the current-values image (written after the rebuild, then read back);
        // --drop-caches 1: also read it once more after dropping the page cache (needs root), as after a reboot.
        var image = Get("image") != "0";
        var dropCaches = Get("drop-caches") == "1";
        // --build-threads N: the threads the engine builds its aggregates on (default: one per core; 1 = the calling thread only).
        BuildOptions = new AggregationOptions(BuildThreads: int.Parse(Get("build-threads") ?? "0", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outDir);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}, {DateTime.UtcNow:u}");

        var csvs = new List<(string Name, string Path, long Rows)>();
        if (sqlite is not null)
        {
            csvs.Add(await FromDatabaseAsync(sqlite, outDir, queries, fresh, freshPeriod, readVariants, floor, image, dropCaches, ct));
        }

        if (memoryValues > 0)
        {
            csvs.Add(FromMemory(memoryValues, outDir, queries));
        }

        if (memoryScale > 0)
        {
            csvs.Add(FromMemoryView(memoryScale, outDir, queries));
        }

        if (postgres)
        {
            await using var cluster = await PostgresCluster.StartAsync(ct);
            foreach (var (name, path, rows) in csvs)
            {
                await PostgresRollupAsync(cluster, name, path, rows, ct);
            }
        }
        else
        {
            Console.WriteLine("PostgreSQL: not run (--postgres 0)");
        }

        Console.WriteLine("DuckDB: node bench/aggregation-duckdb/rollup.mjs " + string.Join(' ', csvs.Select(c => c.Path)));
        return 0;
    }

    private static async Task<(string, string, long)> FromDatabaseAsync(string file, string outDir, int queries, int fresh, Period freshPeriod,
        string[] readVariants, bool floor, bool image, bool dropCaches, CancellationToken ct)
    {
        var factory = new NrisDbContextFactory(new NrisStorageOptions { Provider = NrisStorageOptions.Sqlite, ConnectionString = "Data Source=" + file });
        CatalogueSnapshot catalogue;
        await using (var db = factory.CreateDbContext())
        {
            await new NrisDatabase(db).MigrateAsync(ct);
            catalogue = new CatalogueSnapshot(await new CatalogueStore(db).LoadAsync(ct));
        }

        // The floor under the rebuild's read: the same SQL and getters over every row, keeping nothing.
        if (floor)
        {
            await using var db = factory.CreateDbContext();
            var scanCpu = Environment.CpuUsage.TotalTime;
            var scanWatch = Stopwatch.StartNew();
            var scanned = await ProjectionReader.ScanCurrentAsync(db, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[db] floor: plain SqliteDataReader over the rebuild's query, {scanned:N0} rows, {scanWatch.Elapsed.TotalMilliseconds:F0} ms wall / {(Environment.CpuUsage.TotalTime - scanCpu).TotalMilliseconds:F0} ms CPU"));
        }

        ProjectedValues values;
        AggregationEngine engine;
        long before, afterValues, afterEngine, head;
        TimeSpan read, build;
        await using (var db = factory.CreateDbContext())
        {
            before = Settle();
            var readCpu = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            (values, head) = await ProjectionReader.LoadCurrentAsync(db, catalogue, ct);
            read = watch.Elapsed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[db] read into the view: {read.TotalMilliseconds:F0} ms wall / {(Environment.CpuUsage.TotalTime - readCpu).TotalMilliseconds:F0} ms CPU (SQLite: raw read, two connections decoding, one thread filling the view)"));
            afterValues = Settle();
            // The build, split into enumerating the facts out of the current-values copy and the engine's own build,
            // each with the process's CPU time next to the wall time (on a shared machine the wall time is mostly
            // waiting for a core).
            var cpu = Environment.CpuUsage.TotalTime;
            watch.Restart();
            if (Streamed(values))
            {
                // As the server builds it, the facts streamed out of the view: no split, and no list of every fact.
                engine = AggregationEngine.Build(catalogue, values, values.Facts(), BuildOptions);
                build = watch.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[db] aggregate step, facts streamed ({BuildOptions.EffectiveBuildThreads} build threads): {build.TotalMilliseconds:F0} ms wall / {(Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds:F0} ms CPU"));
            }
            else
            {
                var enumerated = values.Facts().ToList();
                var enumerate = watch.Elapsed;
                var enumerateCpu = Environment.CpuUsage.TotalTime - cpu;
                cpu = Environment.CpuUsage.TotalTime;
                watch.Restart();
                // As the server builds it: over the current values, which the engine reads its facts from (no copy).
                engine = AggregationEngine.Build(catalogue, values, enumerated, BuildOptions);
                build = enumerate + watch.Elapsed;
                // The list is the driver's, not the server's: dropped before the bytes are counted (a local of an async
                // method lives as long as the method otherwise).
                enumerated = null;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[db] build split ({BuildOptions.EffectiveBuildThreads} build threads): enumerate facts {enumerate.TotalMilliseconds:F0} ms wall / {enumerateCpu.TotalMilliseconds:F0} ms CPU; engine build {watch.Elapsed.TotalMilliseconds:F0} ms wall / {(Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds:F0} ms CPU"));
            }

            afterEngine = Settle();
        }

        var n = values.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[db] {n:N0} current values, {engine.FactCount:N0} facts, {engine.AggregateCount:N0} aggregates; rebuild = read {read.TotalMilliseconds:F0} ms + build {build.TotalMilliseconds:F0} ms = {(read + build).TotalMilliseconds:F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[db] bytes per value: current-values copy (ProjectedValues) {(afterValues - before) / (double)n:F1}, engine (aggregates; it reads the facts from the current values) {(afterEngine - afterValues) / (double)n:F1}, total {(afterEngine - before) / (double)n:F1}"));

        var csv = Path.Combine(outDir, "facts-db.csv");
        long rows;
        if (Streamed(values))
        {
            rows = ExportStreamed("db", catalogue, values, engine, csv, queries);
        }
        else
        {
            var facts = values.Facts().ToList();
            rows = Export(catalogue, facts, csv);
            Queries("db", engine, facts, queries);
        }

        var factCount = engine.FactCount;
        engine.Dispose();
        // The freshness step starts its follower from this image (as the server would after a restart) when there is one.
        var imageFile = image ? new ValuesImage { Path = Path.Combine(outDir, "values.image") } : ValuesImage.Off;
        if (image)
        {
            await RestartFromImageAsync(factory, catalogue, values, head, factCount, imageFile, dropCaches, ct);
        }

        GC.KeepAlive(values);
        // From here the process holds only what a server holds (the follower's view), not the rebuild's as well.
        values = null!;
        // After the rebuild's own read and its bytes per value, so a variant's view cannot count there.
        await ReadVariantsAsync(factory, catalogue, readVariants, ct);

        if (fresh > 0)
        {
            await FreshnessAsync(factory, file, fresh, freshPeriod, imageFile, ct);
        }

        if (imageFile.Path is { } imagePath)
        {
            File.Delete(imagePath);
        }

        return ("db", csv, rows);
    }

    // What a restart costs with the current-values image (ValuesImage): the server writes it next to the ledger head
    // its view holds, and a start-up reads it back instead of the database, then builds the aggregates as a rebuild
    // does. Timed: the write, then the read (from the page cache, as right after writing; with --drop-caches also after
    // dropping it, as after a reboot) and the aggregate step, each checked against the rebuild's counts.
    private static async Task RestartFromImageAsync(NrisDbContextFactory factory, CatalogueSnapshot catalogue, ProjectedValues values, long head,
        long facts, ValuesImage image, bool dropCaches, CancellationToken ct)
    {
        var count = values.Count;
        await using (var db = factory.CreateDbContext())
        {
            var hash = await ValuesImage.HashOfAsync(db, head, ct);
            var cpu = Environment.CpuUsage.TotalTime;
            var written = image.Write(values, head, hash);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[image] written: {written.Bytes:N0} bytes ({written.Bytes / (double)count:F1} per value), {written.Elapsed.TotalMilliseconds:F0} ms wall / {(Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds:F0} ms CPU, up to ledger entry {head}"));
        }

        foreach (var cold in dropCaches ? new[] { false, true } : [false])
        {
            if (cold)
            {
                using (var sync = Process.Start("sync"))
                {
                    await sync!.WaitForExitAsync(ct);
                }

                await File.WriteAllTextAsync("/proc/sys/vm/drop_caches", "3", ct);
            }

            Settle();
            var label = cold ? "cold (page cache dropped)" : "warm (page cache)";
            var readCpu = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            ValuesImage.ReadResult restored;
            await using (var db = factory.CreateDbContext())
            {
                restored = await image.TryReadAsync(db, catalogue, ct);
            }

            var read = watch.Elapsed;
            var readCpuTime = Environment.CpuUsage.TotalTime - readCpu;
            var view = restored.Values ?? throw new InvalidOperationException("The image was refused: " + restored.Refused);
            var buildCpu = Environment.CpuUsage.TotalTime;
            watch.Restart();
            using var engine = AggregationEngine.Build(catalogue, view, view.Facts(), BuildOptions);
            var build = watch.Elapsed;
            var buildCpuTime = Environment.CpuUsage.TotalTime - buildCpu;
            if (view.Count != count || engine.FactCount != facts || restored.Head != head)
            {
                throw new InvalidOperationException($"The image gave {view.Count} values and {engine.FactCount} facts at {restored.Head}, the rebuild {count} and {facts} at {head}.");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[image] restart, {label}: read {read.TotalMilliseconds:F0} ms wall / {readCpuTime.TotalMilliseconds:F0} ms CPU + aggregate step {build.TotalMilliseconds:F0} ms wall / {buildCpuTime.TotalMilliseconds:F0} ms CPU = {(read + build).TotalMilliseconds:F0} ms wall / {(readCpuTime + buildCpuTime).TotalMilliseconds:F0} ms CPU; {view.Count:N0} values, {engine.FactCount:N0} facts (the rebuild's)"));
        }
    }

    // Each variant reads into a view of its own, dropped before the next.
    private static async Task ReadVariantsAsync(NrisDbContextFactory factory, CatalogueSnapshot catalogue, string[] readVariants, CancellationToken ct)
    {
        foreach (var variant in readVariants)
        {
            var how = variant switch
            {
                "reader" => new CurrentValuesRead(DataReader: true),
                "raw1" => new CurrentValuesRead(Connections: 1),
                "raw2" => new CurrentValuesRead(Connections: 2),
                _ => throw new ArgumentException("--read-variants takes reader, raw1, raw2: " + variant),
            };
            await using var db = factory.CreateDbContext();
            var variantCpu = Environment.CpuUsage.TotalTime;
            var variantWatch = Stopwatch.StartNew();
            var (loaded, _) = await ProjectionReader.LoadCurrentAsync(db, catalogue, how, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[db] read variant {variant}: {loaded.Count:N0} values, {variantWatch.Elapsed.TotalMilliseconds:F0} ms wall / {(Environment.CpuUsage.TotalTime - variantCpu).TotalMilliseconds:F0} ms CPU"));
            Settle();
        }
    }

    private static (string, string, long) FromMemory(long target, string outDir, int queries)
    {
        var catalogue = DemoCatalogue();
        var places = DemoPlaces.Read(new StreamReader(DataGenerator.FindUp(Path.Combine("reference", "vn-stats", "communes_2025_area_population.csv"))));
        var generator = new DemoGenerator(places, target, seed: 1);
        var facts = new List<Fact>((int)Math.Min(int.MaxValue / 2, target + 100_000));
        long sequence = 0;
        var watch = Stopwatch.StartNew();
        foreach (var report in generator.Reports())
        {
            sequence++;
            var own = report.ReporterCode[DemoGenerator.Committee("").Length..];
            foreach (var v in report.Values)
            {
                if (v.Number is { } number)
                {
                    facts.Add(new Fact(v.IndicatorCode, v.Disaggregation, v.TerritoryCode ?? own, report.Period, report.RegimeCode, number, ObservationStatus.Normal, sequence));
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[memory] generated {facts.Count:N0} facts in {watch.Elapsed.TotalSeconds:F0} s"));
        var before = Settle();
        watch.Restart();
        var engine = AggregationEngine.Build(catalogue, facts);
        var build = watch.Elapsed;
        var after = Settle();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[memory] build {build.TotalMilliseconds:F0} ms: {engine.FactCount:N0} facts, {engine.AggregateCount:N0} aggregates, engine {(after - before) / (double)facts.Count:F1} bytes per value"));
        var csv = Path.Combine(outDir, "facts-memory.csv");
        var rows = Export(catalogue, facts, csv);
        Queries("memory", engine, facts, queries);
        engine.Dispose();
        return ("memory", csv, rows);
    }

    /// <summary>
    /// <c>--memory-scale S|M|L</c>: NOT FROM THE DATABASE. The demo generator's reports (seed 1, about
    /// <paramref name="target"/> values) go straight into the view the server builds at start-up, through the same
    /// public API its database read uses — <see cref="ProjectedValues"/> (bulk-loaded with <c>Upsert</c>, one report id
    /// and ledger sequence per report, as the bulk loader would number them) and then
    /// <see cref="AggregationEngine.Build(CatalogueSnapshot, FactStore, IEnumerable{Fact}, AggregationOptions?)"/> over
    /// them, as the server does. What it measures: bytes per value of the whole view (current values + engine), the aggregate step's wall
    /// and CPU time, cell and children query latency; and the same facts exported to CSV for the DuckDB peer. What it
    /// does not: reading the values out of a database (the rebuild's read), validation, the ledger.
    /// </summary>
    private static (string, string, long) FromMemoryView(long target, string outDir, int queries)
    {
        var catalogue = DemoCatalogue();
        var places = DemoPlaces.Read(new StreamReader(DataGenerator.FindUp(Path.Combine("reference", "vn-stats", "communes_2025_area_population.csv"))));
        var generator = new DemoGenerator(places, target, seed: 1);
        var prefix = DemoGenerator.Committee("").Length;
        var before = Settle();
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        var values = new ProjectedValues(catalogue);
        values.BeginBulkLoad();
        long sequence = 0, generated = 0;
        foreach (var report in generator.Reports())
        {
            sequence++;
            var own = report.ReporterCode[prefix..];
            var period = report.Period.ToString();
            foreach (var v in report.Values)
            {
                generated++;
                values.Upsert(new CurrentKey(v.IndicatorCode, v.Disaggregation, v.TerritoryCode ?? own, period, report.ReporterCode),
                    new CurrentRow(sequence, report.RegimeCode, v.Number, v.Status, sequence));
            }
        }

        var fill = watch.Elapsed;
        var fillCpu = Environment.CpuUsage.TotalTime - cpu;
        values.ClearDeltas();
        var afterValues = Settle();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[memory-view] NOT FROM THE DATABASE: {generated:N0} generated values ({sequence:N0} reports) into the current-values view: {fill.TotalSeconds:F1} s wall / {fillCpu.TotalSeconds:F1} s CPU (generation included)"));
        cpu = Environment.CpuUsage.TotalTime;
        watch.Restart();
        // As the server builds it: over the current values, which the engine reads its facts from (no copy).
        var engine = AggregationEngine.Build(catalogue, values, values.Facts(), BuildOptions);
        var build = watch.Elapsed;
        var buildCpu = Environment.CpuUsage.TotalTime - cpu;
        var afterEngine = Settle();
        var n = (double)values.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[memory-view] aggregate step (enumerate facts + engine build on {BuildOptions.EffectiveBuildThreads} threads, as the server's rebuild): {build.TotalSeconds:F1} s wall / {buildCpu.TotalSeconds:F1} s CPU; {values.Count:N0} current values, {engine.FactCount:N0} facts, {engine.AggregateCount:N0} aggregates"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[memory-view] bytes per value: current values (ProjectedValues) {(afterValues - before) / n:F1}, engine {(afterEngine - afterValues) / n:F1}, whole view {(afterEngine - before) / n:F1}; managed heap {afterEngine / 1e9:F2} GB, process RSS {Environment.WorkingSet / 1e9:F2} GB"));

        var csv = Path.Combine(outDir, "facts-memory-view.csv");
        var rows = ExportStreamed("memory-view", catalogue, values, engine, csv, queries);
        GC.KeepAlive(values);
        engine.Dispose();
        return ("memory-view", csv, rows);
    }

    private static CatalogueSnapshot DemoCatalogue()
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(DataGenerator.FindUp(Path.Combine("reference", "organizations.json"))))!;
        var sources = new Nris.Storage.Seed.CatalogueSources(Path.Combine(root, "reference"), Path.Combine(FindCatalogue(), "demo"));
        return new CatalogueSnapshot(Nris.Storage.Seed.CatalogueSources.Merge(sources.ReadReference(), sources.ReadDemoCatalogue()));
    }

    private static string FindCatalogue()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "catalogue", "demo", "indicators.json")))
            {
                return Path.Combine(dir.FullName, "catalogue");
            }
        }

        throw new FileNotFoundException("catalogue/demo not found above the bench binary");
    }

    // indicator, disaggregation, source, period, province, territory (empty for a province's own value), value.
    private static long Export(CatalogueSnapshot catalogue, IEnumerable<Fact> facts, string path)
    {
        var provinces = new Dictionary<(string, DateOnly), string>();
        using var writer = new StreamWriter(path);
        writer.WriteLine("indicator,disagg,source,period,province,territory,value");
        long rows = 0;
        foreach (var f in facts)
        {
            if (!provinces.TryGetValue((f.TerritoryCode, f.Period.End), out var province))
            {
                var t = catalogue.Territories.Find(f.TerritoryCode, f.Period.End);
                province = t is null ? "" : t.Level == TerritoryLevel.Province ? t.Code : t.ProvinceCode ?? t.ParentCode ?? "";
                provinces[(f.TerritoryCode, f.Period.End)] = province;
            }

            var territory = province == f.TerritoryCode ? "" : f.TerritoryCode;
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{f.IndicatorCode},{f.Disaggregation},{f.SourceCode},{f.Period},{province},{territory},{f.Value}\n"));
            rows++;
        }

        return rows;
    }

    // Above this many values a list of every fact (about 64 bytes each) would not fit beside the view on this machine:
    // the facts are streamed out of the view instead (as the server's own rebuild does).
    private static bool Streamed(ProjectedValues values) => values.Count > 50_000_000;

    // The CSV for DuckDB (and PostgreSQL), streamed from the view's facts; the query sample's codes on the way.
    private static long ExportStreamed(string label, CatalogueSnapshot catalogue, ProjectedValues values, AggregationEngine engine, string csv, int queries)
    {
        var watch = Stopwatch.StartNew();
        var series = new HashSet<(string, Period, string)>();
        var provinces = new HashSet<string>(StringComparer.Ordinal);
        var communes = new HashSet<string>(StringComparer.Ordinal);
        var rows = Export(catalogue, values.Facts().Select(f =>
        {
            series.Add((f.IndicatorCode, f.Period, f.SourceCode));
            (f.TerritoryCode.Length == 2 ? provinces : communes).Add(f.TerritoryCode);
            return f;
        }), csv);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{label}] exported {rows:N0} facts to {csv} in {watch.Elapsed.TotalSeconds:F0} s"));
        Queries(label, engine, [.. series], [.. provinces], [.. communes], queries);
        return rows;
    }

    private static void Queries(string label, AggregationEngine engine, List<Fact> facts, int count)
    {
        var series = facts.Select(f => (f.IndicatorCode, f.Period, f.SourceCode)).Distinct().ToArray();
        var provinces = facts.Select(f => f.TerritoryCode).Where(c => c.Length == 2).Distinct().ToArray();
        var communes = facts.Select(f => f.TerritoryCode).Where(c => c.Length > 2).Distinct().ToArray();
        Queries(label, engine, series, provinces, communes, count);
    }

    private static void Queries(string label, AggregationEngine engine, (string, Period, string)[] series, string[] provinces, string[] communes, int count)
    {
        var random = new Random(7);
        CellQuery Pick()
        {
            var (indicator, period, source) = series[random.Next(series.Length)];
            var kind = random.Next(3);
            var territory = kind == 0 ? "VN" : kind == 1 ? provinces[random.Next(provinces.Length)] : communes[random.Next(communes.Length)];
            return new CellQuery(indicator, territory, period, SourceCode: random.Next(2) == 0 ? source : null);
        }

        var cells = Measure(count, () => engine.Cell(Pick()));
        var children = Measure(Math.Max(100, count / 4), () =>
        {
            var (indicator, period, source) = series[random.Next(series.Length)];
            var parent = random.Next(2) == 0 ? "VN" : provinces[random.Next(provinces.Length)];
            return engine.Children(indicator, parent, period, sourceCode: source);
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{label}] cell query ({count:N0}, VN/province/commune, one source or preferred): p50 {cells.P50:F3} ms, p99 {cells.P99:F3} ms; children (VN's provinces or a province's communes): p50 {children.P50:F3} ms, p99 {children.P99:F3} ms"));
    }

    private static (double P50, double P99) Measure(int count, Func<object> query)
    {
        for (var i = 0; i < Math.Min(2000, count); i++)
        {
            query();
        }

        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            query();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[count / 2], times[Math.Min(count - 1, (int)(count * 0.99))]);
    }

    // A commune submits its quarterly report (KTXH-XA-QUY, 2025-Q3); a follower like the server's applies the ledger;
    // timed from the start of the submission call and from its commit to the moment the national total holds it.
    private static async Task FreshnessAsync(NrisDbContextFactory factory, string file, int count, Period quarter, ValuesImage image, CancellationToken ct)
    {
        var state = new CatalogueState();
        await using (var db = factory.CreateDbContext())
        {
            state.Replace(new CatalogueSnapshot(await new CatalogueStore(db).LoadAsync(ct)));
        }

        var keyFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "instance-key.pem");
        using var checkpoints = new CheckpointService(new LedgerOptions { CheckpointEvery = 1000, KeyFile = keyFile }, TimeProvider.System);
        var notifier = new LedgerNotifier();
        using var projection = new AggregationProjection(state, NullLogger<AggregationProjection>.Instance, image);
        var buildWatch = Stopwatch.StartNew();
        await using (var db = factory.CreateDbContext())
        {
            await projection.BuildAsync(db, ct);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[fresh] follower built from the {projection.BuiltFrom} in {buildWatch.Elapsed.TotalSeconds:F1} s"));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var follower = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using (var db = factory.CreateDbContext())
                {
                    await projection.CatchUpAsync(db, stop.Token);
                }

                try
                {
                    await notifier.WaitAsync(TimeSpan.FromMilliseconds(200), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, ct);

        var places = DemoPlaces.Read(new StreamReader(DataGenerator.FindUp(Path.Combine("reference", "vn-stats", "communes_2025_area_population.csv"))));
        var national = new CellQuery("HOUSEHOLDS", "VN", quarter, SourceCode: "KTXH-XA-QUY");
        var fromCall = new double[count];
        var fromCommit = new double[count];
        var paused = new double[count];   // how long the GC paused the process between a commit and its visibility
        var windowPause = GC.GetTotalPauseDuration();
        var windowGen2 = GC.CollectionCount(2);
        var done = 0;
        var refused = 0;
        var previous = quarter.Previous();
        foreach (var commune in places.Communes.Where((_, i) => i % 7 == 3).Concat(places.Communes.Where((_, i) => i % 7 != 3)))
        {
            if (done == count)
            {
                break;
            }

            var key = new ReportKey("KTXH-XA-QUY", quarter, DemoGenerator.Committee(commune.Code));
            // The commune's own figures of the quarter before when the database has them (so the plausibility checks
            // against its history pass, as a real report would), else small fixed ones.
            decimal Last(string indicator, decimal fallback) =>
                projection.Engine.Cell(new CellQuery(indicator, commune.Code, previous, SourceCode: "KTXH-XA-QUY")).Value ?? fallback;
            var households = Last("HOUSEHOLDS", 1000 + done);
            var expected = (projection.Engine.Cell(national).Value ?? 0) + households;
            List<ReportValue> values =
            [
                new("HOUSEHOLDS", "_T", null, households, null, null), new("POVERTY_RATE_MD", "_T", null, Last("POVERTY_RATE_MD", 3.1m), null, null),
                new("HEALTH_INSURANCE_COVERAGE", "_T", null, Last("HEALTH_INSURANCE_COVERAGE", 93.5m), null, null),
                new("RICE_OUTPUT", "_T", null, Last("RICE_OUTPUT", 1.2m), null, null),
                new("BUDGET_REVENUE", "_T", null, Last("BUDGET_REVENUE", 0.5m), null, null),
                new("DOSSIERS_RECEIVED", "_T", null, Last("DOSSIERS_RECEIVED", 300), null, null),
                new("DOSSIERS_ONTIME", "_T", null, Last("DOSSIERS_ONTIME", 290), null, null),
                new("TRAFFIC_ACCIDENTS", "_T", null, Last("TRAFFIC_ACCIDENTS", 1), null, null),
            ];
            var start = Stopwatch.GetTimestamp();
            SubmissionResult result;
            await using (var db = factory.CreateDbContext())
            {
                try
                {
                    result = await new SubmissionService(db, state, checkpoints, TimeProvider.System, notifier)
                        .SubmitAsync(key, new SubmissionRequest(values), new SubmissionActor("bench", key.ReporterCode), ct);
                }
                catch (SubmissionException)
                {
                    refused++; // already submitted by an earlier run, or refused by validation: not in the sample
                    continue;
                }
            }

            var committed = Stopwatch.GetTimestamp();
            var pausedBefore = GC.GetTotalPauseDuration();
            await projection.WaitForAsync(result.LedgerSequence, ct);
            var visible = Stopwatch.GetTimestamp();
            paused[done] = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            if (projection.Engine.Cell(national).Value != expected)
            {
                throw new InvalidOperationException("The national total does not hold the submission.");
            }

            fromCall[done] = Stopwatch.GetElapsedTime(start, visible).TotalMilliseconds;
            fromCommit[done] = Stopwatch.GetElapsedTime(committed, visible).TotalMilliseconds;
            done++;
        }

        await stop.CancelAsync();
        try
        {
            await follower;
        }
        catch (OperationCanceledException)
        {
        }

        // Which submissions make the tail (the first ones pay for cold code paths; a pause of the whole process hits any).
        var slowest = Enumerable.Range(0, done).OrderByDescending(i => fromCommit[i]).Take(5)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"#{i + 1} {fromCommit[i]:F1} ms (GC pauses in it {paused[i]:F1} ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[db] freshness, the five slowest (submission number, commit → national total): {string.Join(", ", slowest)}; GC: {GC.CollectionCount(0)} gen0, {GC.CollectionCount(1)} gen1, {GC.CollectionCount(2)} gen2 collections in the process, {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms paused in all, {(GC.GetTotalPauseDuration() - windowPause).TotalMilliseconds:F0} ms and {GC.CollectionCount(2) - windowGen2} gen2 during the freshness step"));
        Array.Sort(fromCall, 0, done);
        Array.Sort(fromCommit, 0, done);
        double P(double[] a, double q) => done == 0 ? double.NaN : a[Math.Min(done - 1, (int)(done * q))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[db] freshness over {done} commune submissions of {quarter} ({refused} refused, not counted): submit call start → national total p50 {P(fromCall, 0.5):F1} ms, p99 {P(fromCall, 0.99):F1} ms; commit → national total p50 {P(fromCommit, 0.5):F1} ms, p99 {P(fromCommit, 0.99):F1} ms"));
    }

    private static async Task PostgresRollupAsync(PostgresCluster cluster, string name, string csv, long rows, CancellationToken ct)
    {
        var connectionString = await cluster.CreateDatabaseAsync("agg_" + name, ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var create = new NpgsqlCommand(
            "CREATE UNLOGGED TABLE facts (indicator text, disagg text, source text, period text, province text, territory text, value numeric)", connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        if (PostgresWorkMem is { } workMem)
        {
            await using var set = new NpgsqlCommand($"SET work_mem = '{workMem.Replace("'", "", StringComparison.Ordinal)}'", connection);
            await set.ExecuteNonQueryAsync(ct);
        }

        var watch = Stopwatch.StartNew();
        await using (var writer = await connection.BeginTextImportAsync("COPY facts FROM STDIN (FORMAT csv, HEADER true)", ct))
        using (var reader = new StreamReader(csv))
        {
            var buffer = new char[1 << 16];
            int read;
            while ((read = await reader.ReadAsync(buffer, ct)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }

        var load = watch.Elapsed;
        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE facts", connection))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        var best = double.MaxValue;
        long groups = 0;
        for (var run = 0; run < PostgresRuns; run++)
        {
            await using (var drop = new NpgsqlCommand("DROP TABLE IF EXISTS rollup", connection))
            {
                await drop.ExecuteNonQueryAsync(ct);
            }

            watch.Restart();
            await using var command = new NpgsqlCommand("CREATE UNLOGGED TABLE rollup AS " + Rollup, connection) { CommandTimeout = 3600 };
            groups = await command.ExecuteNonQueryAsync(ct);
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{name}] PostgreSQL {rows:N0} rows: COPY {load.TotalMilliseconds:F0} ms; GROUP BY ROLLUP into a table best of {PostgresRuns} {best:F0} ms ({groups:N0} groups; work_mem {PostgresWorkMem ?? "default"})"));
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
