using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.DemoGeneration;
using Nris.Server.Catalogue;
using Nris.Server.Demo;
using Nris.Server.Hosting;
using Nris.Storage;

namespace Nris.Cli;

/// <summary>
/// `nris demo generate --scale S|M|L --seed N`: realistic reports for the demo catalogue over the real hierarchy,
/// submitted through the ordinary submission path (see <see cref="DemoGenerator"/> and <see cref="DemoLoader"/>).
/// </summary>
internal static class DemoCommand
{
    public static Command Create(Func<ParseResult, ServiceProvider> services, TextWriter output, TextWriter error)
    {
        var scale = new Option<string>("--scale") { Description = "S ≈ 1 million values, M ≈ 10 million, L ≈ 100 million.", DefaultValueFactory = _ => "S" };
        var seed = new Option<int>("--seed") { Description = "The same seed always generates the same reports.", DefaultValueFactory = _ => 1 };
        var values = new Option<long?>("--values") { Description = "Stop after about this many values instead of the scale's count (tests, quick looks)." };
        var generate = new Command("generate", "Generate and submit realistic demo reports (daily public services, monthly provincial, quarterly commune reports).")
        {
            scale, seed, values,
        };
        generate.SetAction(async (parse, ct) =>
        {
            if (!DemoGenerator.TryParseScale(parse.GetValue(scale), out var size))
            {
                await error.WriteLineAsync("--scale phải là S, M hoặc L / --scale must be S, M or L.");
                return 2;
            }

            if (parse.GetValue(values) is <= 0)
            {
                await error.WriteLineAsync("--values phải lớn hơn 0 / --values must be greater than 0.");
                return 2;
            }

            await using var provider = services(parse);
            // The schema, reference data and catalogue (a fresh database gets them as `nris init` would).
            await provider.GetRequiredService<NrisBootstrap>().RunAsync(ct);
            var configuration = provider.GetRequiredService<IConfiguration>();
            var places = DemoLoader.ReadPlaces(configuration);
            var generator = parse.GetValue(values) is { } count
                ? new DemoGenerator(places, count, parse.GetValue(seed))
                : new DemoGenerator(places, size, parse.GetValue(seed));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Generating about {generator.Target:N0} values (seed {generator.Seed}) over {places.Provinces.Count} provinces and {places.Communes.Count} communes…"));
            var progress = new Progress<DemoLoadResult>(p => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {p.Submitted:N0} reports, {p.Values:N0} values, {p.Values / Math.Max(0.001, p.Elapsed.TotalSeconds):N0} values/s")));
            var result = await provider.GetRequiredService<DemoLoader>().LoadAsync(generator.Reports(), progress, ct);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Submitted {result.Submitted:N0} reports with {result.Values:N0} values in {result.Elapsed.TotalSeconds:F1} s ({result.Explained:N0} with explained warnings, {result.Refused:N0} refused); checkpoint at ledger entry {result.Checkpoint?.ToString(CultureInfo.InvariantCulture) ?? "-"}."));
            if (result.FirstRefusal is { } first)
            {
                await error.WriteLineAsync("First refusal: " + first);
            }

            return result.Submitted > 0 ? 0 : 1;
        });
        return new Command("demo", "Demo data.") { generate, DemoFeed.Create(output, error) };
    }
}
