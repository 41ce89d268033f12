using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Aggregation;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Storage;

namespace Nris.Cli;

/// <summary>
/// `nris rebuild`: recomputes the aggregates from scratch from the stored current values — what the server does at
/// start-up — and prints what it found and how long it took. With --check it also replays the whole ledger into an
/// empty view and compares: a difference means the stored current values no longer follow the ledger (exit code 1).
/// It always reads the database, never the image (<see cref="ValuesImage"/>), and writes a new image from what it read.
/// </summary>
internal static class RebuildCommand
{
    public static Command Create(Func<ParseResult, ServiceProvider> services, TextWriter output, TextWriter error)
    {
        var check = new Option<bool>("--check") { Description = "Also replay the ledger and compare it with the stored current values (exit 1 on a difference)." };
        var command = new Command("rebuild", "Recompute the aggregates from the current values; print counts and time.") { check };
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            await using var scope = provider.CreateAsyncScope();
            // Migrations and the catalogue only: a rebuild reads, it seeds nothing and creates no accounts.
            await scope.ServiceProvider.GetRequiredService<NrisDatabase>().MigrateAsync(ct);
            await provider.GetRequiredService<NrisBootstrap>().ReloadCatalogueAsync(scope.ServiceProvider.GetRequiredService<CatalogueStore>(), ct);
            var catalogue = provider.GetRequiredService<CatalogueState>().Current;
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();

            var watch = Stopwatch.StartNew();
            var (stored, head) = await ProjectionReader.LoadCurrentAsync(db, catalogue, ct);
            var loaded = watch.Elapsed;
            using var engine = AggregationEngine.Build(catalogue, stored, stored.Facts());
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Rebuilt up to ledger entry {head}: {stored.Count} current values, {engine.FactCount} facts, {engine.AggregateCount} aggregates, {engine.UnplacedFacts} facts outside any aggregate; read {loaded.TotalMilliseconds:F0} ms, total {watch.Elapsed.TotalMilliseconds:F0} ms."));
            // The image the server starts from next time: written from what was just read, at the head it was read at.
            var image = provider.GetRequiredService<ValuesImage>();
            if (image.Enabled)
            {
                try
                {
                    var written = image.Write(stored, head, await ValuesImage.HashOfAsync(db, head, ct));
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"Image of the current values written to {image.Path}: {written.Bytes} bytes in {written.Elapsed.TotalMilliseconds:F0} ms."));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The rebuild itself succeeded; without an image the server reads the database at its next start.
                    await error.WriteLineAsync($"The image of the current values was not written to {image.Path} / Không ghi được ảnh giá trị hiện hành: {e.Message}");
                }
            }

            if (!parse.GetValue(check))
            {
                return 0;
            }

            watch.Restart();
            var (replayed, replayedHead) = await ProjectionReader.ReplayAsync(db, catalogue, ct);
            var differences = ProjectedValuesComparison.Differences(stored, replayed);
            if (replayedHead != head)
            {
                // Another process appended between the two reads: the comparison is of two different moments.
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"The ledger moved from {head} to {replayedHead} during the check; run it again when no one is submitting."));
                return 1;
            }

            if (differences.Count == 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"OK: replaying {replayedHead} ledger entries gives the same {replayed.Count} current values ({watch.Elapsed.TotalMilliseconds:F0} ms)."));
                await output.WriteLineAsync("Khớp: giá trị hiện hành trùng với sổ cái.");
                return 0;
            }

            await error.WriteLineAsync("DIFFERENT: the stored current values do not match the ledger / KHÔNG KHỚP với sổ cái:");
            foreach (var line in differences)
            {
                await error.WriteLineAsync("  " + line);
            }

            return 1;
        });
        return command;
    }
}
