using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Ledger;
using Nris.Storage;

namespace Nris.Cli;

/// <summary>`nris verify`: recomputes the ledger's hash chain and checks every signed checkpoint.</summary>
internal static class VerifyCommand
{
    public static Command Create(Func<ParseResult, ServiceProvider> services, TextWriter output, TextWriter error)
    {
        var command = new Command("verify",
            "Recompute the ledger's hash chain and checkpoints; print OK or the first entry that does not match (exit code 1).");
        command.SetAction(async (parse, ct) =>
        {
            await using var provider = services(parse);
            await using var scope = provider.CreateAsyncScope();
            // Only migrations: verification must not load or change anything else in the database it checks.
            await scope.ServiceProvider.GetRequiredService<NrisDatabase>().MigrateAsync(ct);
            var result = await scope.ServiceProvider.GetRequiredService<LedgerVerifyService>().VerifyAsync(ct);
            if (result.Ok)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"OK: {result.EntriesChecked} entries, {result.CheckpointsChecked} checkpoints verified."));
                await output.WriteLineAsync(result.ReasonVi);
                return 0;
            }
            var at = result.FirstBadSequence is { } s ? s.ToString(CultureInfo.InvariantCulture) : "-";
            await error.WriteLineAsync($"FAILED at entry {at} ({result.Problem}): {result.ReasonEn}");
            await error.WriteLineAsync($"LỖI tại bản ghi {at}: {result.ReasonVi}");
            return 1;
        });
        return command;
    }
}
