using Microsoft.Data.Sqlite;
using Nris.Core.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Cli.Tests;

/// <summary>`nris verify` on a real SQLite file: OK with counts, or the first bad entry and exit code 1.</summary>
public sealed class VerifyCommandTests : CliTestBase
{

    [Fact]
    public async Task Verify_prints_ok_with_counts_then_names_the_first_tampered_entry()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, (await RunAsync("init")).Exit);
        Assert.True(File.Exists(Path.Combine(Folder, "instance-key.pem")), "nris init creates the instance key next to the database");
        // A new demo database holds the statistics office's 2005–2022 yearbooks: 18 submissions and 18 acceptances,
        // and a checkpoint signed on the last of them when the history was loaded.
        var seeded = await RunAsync("verify");
        Assert.True(seeded.Exit == 0, seeded.Err);
        Assert.Contains("OK: 36 entries, 1 checkpoints", seeded.Out, StringComparison.Ordinal);

        var factory = new NrisDbContextFactory(new NrisStorageOptions { ConnectionString = Connection });
        await using (var db = factory.CreateDbContext())
        {
            var store = new LedgerStore(db);
            await using var transaction = await store.BeginAppendTransactionAsync(ct);
            for (var i = 1; i <= 3; i++)
            {
                await store.AppendAsync(LedgerEntryKind.CatalogueChanged, CanonicalJson.Canonicalize("{\"n\":1}"u8), "admin", DateTimeOffset.UtcNow, ct);
            }
            await transaction.CommitAsync(ct);
        }
        var ok = await RunAsync("verify");
        Assert.True(ok.Exit == 0, ok.Err);
        Assert.Contains("OK: 39 entries, 1 checkpoints", ok.Out, StringComparison.Ordinal);

        await using (var connection = new SqliteConnection(Connection))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER ledger_entries_no_update; UPDATE ledger_entries SET actor = 'mallory' WHERE sequence = 2;";
            await command.ExecuteNonQueryAsync(ct);
        }
        SqliteConnection.ClearAllPools();
        var bad = await RunAsync("verify");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("FAILED at entry 2", bad.Err, StringComparison.Ordinal);
        Assert.Contains("bản ghi 2", bad.Err, StringComparison.Ordinal);
    }
}
