using System.Text.Json;
using Nris.Core.Catalogue;

namespace Nris.Cli.Tests;

/// <summary>Runs the real `nris` command in-process against a real SQLite file per test class.</summary>
public sealed class NrisCliTests : CliTestBase
{

    [Fact]
    public async Task Units_as_of_a_date_print_one_row_per_unit()
    {
        var init = await RunAsync("init");
        Assert.True(init.Exit == 0, init.Err);
        Assert.Contains("Database ready", init.Out);

        var before = await RunAsync("units", "--at", "2025-06-30", "--level", "province");
        Assert.Equal(0, before.Exit);
        var rows = before.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 63, rows.Length); // header + 63 provinces
        Assert.Contains(rows, r => r.Contains("Tỉnh Hà Giang", StringComparison.Ordinal));

        var after = await RunAsync("units", "--at", "2025-07-01", "--level", "province", "--format", "csv");
        var csv = after.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("code,name,name_en,level,parent_code,valid_from,valid_to", csv[0]);
        Assert.Equal(34, csv.Length - 1);
        Assert.DoesNotContain(csv, r => r.Contains("Hà Giang", StringComparison.Ordinal));

        var communes = await RunAsync("units", "--at", "2025-06-30", "--level", "commune", "--format", "csv");
        Assert.Equal(10035, communes.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        var communesAfter = await RunAsync("units", "--at", "2025-07-01", "--level", "commune", "--format", "json");
        Assert.Equal(3321, JsonDocument.Parse(communesAfter.Out).RootElement.GetArrayLength());
    }

    [Theory]
    [InlineData("--at", "30/06/2025")]
    [InlineData("--level", "hamlet")]
    [InlineData("--parent", "99")]
    public async Task Bad_unit_options_fail_with_a_message_naming_the_option(string option, string value)
    {
        string[] args = option == "--at" ? ["units", "--at", value] : ["units", option, value, "--at", "2025-07-01"];
        var result = await RunAsync(args);
        Assert.NotEqual(0, result.Exit);
        Assert.Contains(option, result.Err);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Db_migrate_is_safe_to_run_twice()
    {
        Assert.Equal(0, (await RunAsync("db", "migrate")).Exit);
        var second = await RunAsync("db", "migrate");
        Assert.Equal(0, second.Exit);
        Assert.Contains("Migrated", second.Out);
    }

    [Fact]
    public async Task Catalogue_export_then_import_round_trips_and_a_bad_file_changes_nothing()
    {
        var folder = Path.Combine(Folder, "catalogue");
        var export = await RunAsync("catalogue", "export", folder);
        Assert.True(export.Exit == 0, export.Err);
        var indicatorsFile = Path.Combine(folder, "indicators.json");
        Assert.True(File.Exists(indicatorsFile));

        // Edit a name, as a person would, and import.
        var indicators = JsonSerializer.Deserialize<List<Indicator>>(await File.ReadAllTextAsync(indicatorsFile, TestContext.Current.CancellationToken), CatalogueJson.Options)!;
        var renamed = indicators[0] with { NameEn = indicators[0].NameEn + " (edited)" };
        indicators[0] = renamed;
        await File.WriteAllTextAsync(indicatorsFile, JsonSerializer.Serialize(indicators, CatalogueJson.Options), TestContext.Current.CancellationToken);
        var import = await RunAsync("catalogue", "import", folder);
        Assert.True(import.Exit == 0, import.Err);
        // The import is a catalogue.changed ledger entry that pins the imported files by SHA-256, and the chain verifies.
        var ledger = await LedgerEntriesAsync();
        var entry = Assert.Single(ledger, e => e.Kind == Nris.Core.Ledger.LedgerEntryKind.CatalogueChanged);
        using (var payload = JsonDocument.Parse(entry.Payload))
        {
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(indicatorsFile, TestContext.Current.CancellationToken)));
            Assert.Equal(expected, payload.RootElement.GetProperty("sha256").GetProperty("indicators.json").GetString());
            Assert.Equal(indicators.Count, payload.RootElement.GetProperty("counts").GetProperty("indicators").GetInt32());
        }
        var verify = await RunAsync("verify");
        Assert.True(verify.Exit == 0, verify.Out + verify.Err);

        var again = Path.Combine(Folder, "again");
        Assert.Equal(0, (await RunAsync("catalogue", "export", again)).Exit);
        var reread = JsonSerializer.Deserialize<List<Indicator>>(await File.ReadAllTextAsync(Path.Combine(again, "indicators.json"), TestContext.Current.CancellationToken), CatalogueJson.Options)!;
        Assert.Contains(reread, i => i.Code == renamed.Code && i.NameEn == renamed.NameEn);

        // A broken reference is refused and nothing changes.
        indicators[0] = renamed with { CategoryCode = "NO_SUCH_CATEGORY" };
        await File.WriteAllTextAsync(indicatorsFile, JsonSerializer.Serialize(indicators, CatalogueJson.Options), TestContext.Current.CancellationToken);
        var refused = await RunAsync("catalogue", "import", folder);
        Assert.NotEqual(0, refused.Exit);
        Assert.Equal(ledger.Count, (await LedgerEntriesAsync()).Count);
        Assert.Contains("NO_SUCH_CATEGORY", refused.Err);
        var third = Path.Combine(Folder, "third");
        Assert.Equal(0, (await RunAsync("catalogue", "export", third)).Exit);
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(again, "indicators.json"), TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(Path.Combine(third, "indicators.json"), TestContext.Current.CancellationToken));
    }

    private async Task<List<Nris.Core.Ledger.LedgerEntry>> LedgerEntriesAsync()
    {
        var factory = new Nris.Storage.NrisDbContextFactory(new Nris.Storage.NrisStorageOptions { Provider = "sqlite", ConnectionString = Connection });
        await using var db = factory.CreateDbContext();
        var entries = new List<Nris.Core.Ledger.LedgerEntry>();
        await foreach (var e in new Nris.Storage.Ledger.LedgerStore(db).ReadAsync(0, TestContext.Current.CancellationToken))
        {
            entries.Add(e);
        }
        return entries;
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await NrisCli.RunAsync(["--help"], output, error, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        foreach (var command in new[] { "init", "serve", "db", "units", "catalogue" })
        {
            Assert.Contains(command, output.ToString());
        }
    }
}
