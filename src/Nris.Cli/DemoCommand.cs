using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.DemoGeneration;
using Nris.Core.Oversight;
using Nris.Server.Catalogue;
using Nris.Server.Demo;
using Nris.Server.Hosting;
using Nris.Storage;

namespace Nris.Cli;

/// <summary>
/// `nris demo generate --scale S|M|L --seed N [--only REGIMES] [--until DATE] [--plant KINDS --plant-rate X --truth FILE] [--bulk]`:
/// realistic reports for the demo catalogue over the real hierarchy, submitted through the ordinary submission path
/// (see <see cref="DemoGenerator"/> and <see cref="DemoLoader"/>), or with --bulk written as the same rows in large
/// transactions (<see cref="BulkDemoLoader"/>); optionally with known manipulations planted by
/// <see cref="DemoPlanting"/> and the planted truth written to a file.
/// </summary>
internal static class DemoCommand
{
    private const string PlantedRegime = "KTXH-TINH-THANG";
    private static readonly JsonSerializerOptions TruthJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(Func<ParseResult, ServiceProvider> services, TextWriter output, TextWriter error)
    {
        var scale = new Option<string>("--scale") { Description = "S ≈ 1 million values, M ≈ 10 million, L ≈ 100 million.", DefaultValueFactory = _ => "S" };
        var seed = new Option<int>("--seed") { Description = "The same seed always generates the same reports.", DefaultValueFactory = _ => 1 };
        var values = new Option<long?>("--values") { Description = "Stop after about this many values instead of the scale's count (tests, quick looks)." };
        var only = new Option<string?>("--only") { Description = "Only these regimes (comma-separated: DVC-NGAY, KTXH-TINH-THANG, KTXH-XA-QUY)." };
        var until = new Option<string?>("--until") { Description = "The last day generated (yyyy-MM-dd), whatever the value count; with --only KTXH-TINH-THANG it spans years quickly." };
        var plant = new Option<string?>("--plant")
        {
            Description = "Plant known manipulations into the monthly provincial reports (KTXH-TINH-THANG) in the last 12 months generated: all, or some of inflated,smoothed,copied,round,fabricated,toward-target (demo targets for the last year, and revisions that move toward them).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var plantRate = new Option<double>("--plant-rate") { Description = "Share of the units planted with each kind.", DefaultValueFactory = _ => 0.05 };
        var truth = new Option<string?>("--truth") { Description = "Where the planted truth goes (JSON); default planted-<seed>.json." };
        var bulk = new Option<bool>("--bulk")
        {
            Description = "Write the same rows as the submission path (ledger, reports, versions, current values, checkpoints) in large transactions; for filling a database, not a live server.",
        };
        var profileOption = new Option<bool>("--profile")
        {
            Description = "With --bulk: print where the load spent its time (wall time and allocations per section, CPU per million values).",
        };
        var serialOption = new Option<bool>("--bulk-serial")
        {
            Description = "With --bulk: generate and prepare each report on the writer's thread instead of ahead of it on another, and read each validation history from the database instead of from memory (same rows; for comparison).",
        };
        var batch = new Option<int>("--bulk-batch")
        {
            Description = "With --bulk: values written per transaction.", DefaultValueFactory = _ => BulkDemoLoader.DefaultValuesPerTransaction,
        };
        var generate = new Command("generate", "Generate and submit realistic demo reports (daily public services, monthly provincial, quarterly commune reports).")
        {
            scale, seed, values, only, until, plant, plantRate, truth, bulk, batch, profileOption, serialOption,
        };
        generate.SetAction(async (parse, ct) =>
        {
            if (!DemoGenerator.TryParseScale(parse.GetValue(scale), out var size))
            {
                await error.WriteLineAsync("--scale phải là S, M hoặc L / --scale must be S, M or L.");
                return 2;
            }

            if (parse.GetValue(batch) <= 0)
            {
                await error.WriteLineAsync("--bulk-batch phải lớn hơn 0 / --bulk-batch must be greater than 0.");
                return 2;
            }

            if (parse.GetValue(values) is <= 0)
            {
                await error.WriteLineAsync("--values phải lớn hơn 0 / --values must be greater than 0.");
                return 2;
            }

            IReadOnlySet<string>? regimes = parse.GetValue(only) is { Length: > 0 } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
                : null;
            DateOnly? last = null;
            if (parse.GetValue(until) is { } untilText)
            {
                if (!DateOnly.TryParseExact(untilText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    await error.WriteLineAsync("--until phải có dạng yyyy-MM-dd / --until must be yyyy-MM-dd.");
                    return 2;
                }

                last = day;
            }

            IReadOnlyList<PlantedKind>? kinds = null;
            var towardTarget = false;
            if (parse.GetResult(plant) is not null)
            {
                // toward-target is planted after the load, as revisions; the other kinds go into the grid.
                var text = parse.GetValue(plant);
                var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var all = parts.Length == 0 || (parts.Length == 1 && parts[0].Equals("all", StringComparison.OrdinalIgnoreCase));
                towardTarget = all || parts.Any(p => p.Equals(TowardTargetPlanting.KindName, StringComparison.OrdinalIgnoreCase));
                var gridKinds = parts.Where(p => !p.Equals(TowardTargetPlanting.KindName, StringComparison.OrdinalIgnoreCase)).ToList();
                IReadOnlyList<PlantedKind> parsedKinds = [];
                if ((all || gridKinds.Count > 0) && !DemoPlanting.TryParseKinds(all ? "all" : string.Join(',', gridKinds), out parsedKinds))
                {
                    await error.WriteLineAsync("--plant nhận all hoặc inflated,smoothed,copied,round,fabricated,toward-target / --plant takes all or inflated,smoothed,copied,round,fabricated,toward-target.");
                    return 2;
                }

                kinds = parsedKinds;
            }

            if (parse.GetValue(plantRate) is not (> 0 and <= 1))
            {
                await error.WriteLineAsync("--plant-rate phải trong (0, 1] / --plant-rate must be in (0, 1].");
                return 2;
            }

            await using var provider = services(parse);
            // The schema, reference data and catalogue (a fresh database gets them as `nris init` would).
            await provider.GetRequiredService<NrisBootstrap>().RunAsync(ct);
            var configuration = provider.GetRequiredService<IConfiguration>();
            var places = DemoLoader.ReadPlaces(configuration);
            var target = parse.GetValue(values) is { } count ? count : last is null ? DemoGenerator.TargetValues(size) : long.MaxValue;
            var generator = new DemoGenerator(places, target, parse.GetValue(seed)) { Regimes = regimes, Until = last };
            (IReadOnlyList<PlantedReportAnomaly> Key, string From, string To)? plantedTruth = null;
            TowardTargetPlan? towardPlan = null;
            if (kinds is not null)
            {
                // A first, clean pass lays the provincial reports out as a grid; the planter changes the grid; the second
                // pass (the same reports, the generator is deterministic) carries the planted figures.
                var clean = DemoPlanting.ToGrid(generator.Reports(), PlantedRegime);
                if (clean is null)
                {
                    await error.WriteLineAsync($"--plant: không sinh báo cáo {PlantedRegime} nào / no {PlantedRegime} reports were generated to plant into.");
                    return 2;
                }

                var (planted, key) = DemoPlanting.Plant(clean, kinds, parse.GetValue(plantRate), parse.GetValue(seed));
                generator = new DemoGenerator(places, target, parse.GetValue(seed))
                {
                    Regimes = regimes, Until = last, Transform = DemoPlanting.Transform(clean, planted, PlantedRegime),
                };
                plantedTruth = (DemoPlanting.Describe(clean, PlantedRegime, key), clean.Periods[DemoPlanting.ReviewStart(clean)], clean.Periods[^1]);
                if (towardTarget)
                {
                    towardPlan = TowardTargetPlanting.Plan(clean, parse.GetValue(plantRate), parse.GetValue(seed));
                }
            }

            await output.WriteLineAsync(last is { } lastDay && target == long.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"Generating until {lastDay:yyyy-MM-dd} (seed {generator.Seed}) over {places.Provinces.Count} provinces and {places.Communes.Count} communes…")
                : string.Create(CultureInfo.InvariantCulture,
                $"Generating about {generator.Target:N0} values (seed {generator.Seed}) over {places.Provinces.Count} provinces and {places.Communes.Count} communes…"));
            var progress = new InlineProgress<DemoLoadResult>(p => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {p.Submitted:N0} reports, {p.Values:N0} values, {p.Values / Math.Max(0.001, p.Elapsed.TotalSeconds):N0} values/s")));
            var profile = parse.GetValue(profileOption) ? new BulkLoadProfile() : null;
            var result = parse.GetValue(bulk)
                ? await provider.GetRequiredService<BulkDemoLoader>().LoadAsync(generator.Reports(), progress, ct, parse.GetValue(batch), profile, parallel: !parse.GetValue(serialOption))
                : await provider.GetRequiredService<DemoLoader>().LoadAsync(generator.Reports(), progress, ct);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Submitted {result.Submitted:N0} reports with {result.Values:N0} values in {result.Elapsed.TotalSeconds:F1} s ({result.Explained:N0} with explained warnings, {result.Refused:N0} refused); checkpoint at ledger entry {result.Checkpoint?.ToString(CultureInfo.InvariantCulture) ?? "-"}."));
            if (profile is not null)
            {
                await output.WriteAsync(profile.Describe(result.Values));
            }

            DemoRevisionResult? revisions = null;
            if (towardPlan is not null)
            {
                // Demo targets as target.set entries, then the revisions through the ordinary revision path.
                var stage = ActivatorUtilities.CreateInstance<DemoRevisions>(provider);
                await stage.SetTargetsAsync(towardPlan.Targets, ct);
                revisions = await stage.ReviseAsync(PlantedRegime, towardPlan.Revisions, ct);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Set {towardPlan.Targets.Count:N0} demo targets for {towardPlan.Year} and revised {revisions.Revised:N0} reports ({revisions.Refused:N0} not revised); {towardPlan.PlantedReporters.Count:N0} reporters revise toward their targets."));
            }

            if (plantedTruth is { } truthKey)
            {
                // The truth names what is in the database: a planted report that validation refused never got in.
                var refusedKeys = result.RefusedReports.ToHashSet();
                var stored = truthKey.Key.Where(k => k.Period is null || !refusedKeys.Contains((PlantedRegime, k.Period, k.Reporter))).ToList();
                var notRevised = (revisions?.RefusedReports ?? []).ToHashSet();
                // A planted reporter is in the truth under toward-target with the revisions it made (none refused or missing).
                var towardTruth = (towardPlan?.PlantedReporters ?? []).Select(reporter => new
                {
                    kind = "TowardTarget", reporter, year = towardPlan!.Year,
                    revised = towardPlan.Revisions.Where(r => r.Reporter == reporter && !notRevised.Contains((r.Reporter, r.Period))).Select(r => r.Period).ToList(),
                }).ToList();
                var file = parse.GetValue(truth) is { Length: > 0 } given
                    ? given
                    : string.Create(CultureInfo.InvariantCulture, $"planted-{parse.GetValue(seed)}.json");
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
                {
                    seed = parse.GetValue(seed), rate = parse.GetValue(plantRate), regime = PlantedRegime, reviewFrom = truthKey.From, reviewTo = truthKey.To,
                    planted = stored.Select(d => new { kind = d.Kind.ToString(), d.Reporter, d.Indicator, d.Period, d.Year }),
                    refusedByValidation = truthKey.Key.Except(stored).Select(d => new { kind = d.Kind.ToString(), d.Reporter, d.Indicator, d.Period, d.Year }),
                    towardTarget = towardTruth,
                }, TruthJson), ct);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Planted {stored.Count:N0} manipulations ({string.Join(", ", kinds!.Select(k => k.ToString()).Concat(towardPlan is null ? Array.Empty<string>() : ["TowardTarget"]))}) into {PlantedRegime} {truthKey.From}..{truthKey.To} ({truthKey.Key.Count - stored.Count:N0} more were refused by validation); truth in {file}."));
            }

            if (result.FirstRefusal is { } first)
            {
                await error.WriteLineAsync("First refusal: " + first);
            }

            return result.Submitted > 0 ? 0 : 1;
        });
        return new Command("demo", "Demo data.") { generate, DemoFeed.Create(output, error) };
    }
}

/// <summary>
/// Reports progress on the caller's thread, at once. <see cref="Progress{T}"/> posts each report to the thread pool, so
/// a report could reach the output writer after the command had returned and its caller had closed the writer.
/// </summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
