using System.CommandLine;
using Microsoft.Extensions.Hosting;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Server;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Server.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;
using Nris.Storage.Seed;

namespace Nris.Cli;

/// <summary>The `nris` command: operators' and scripts' way to run and manage an instance without the UI.</summary>
public static class NrisCli
{
    private static readonly Option<string?> ProviderOption = new("--provider")
    {
        Description = "Database provider: sqlite (default) or postgres. Overrides Nris:Database:Provider.",
        Recursive = true,
    };

    private static readonly Option<string?> ConnectionOption = new("--connection")
    {
        Description = "Database connection string. Overrides ConnectionStrings:Nris.",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Nris — National Reporting Information System (Hệ thống thông tin báo cáo quốc gia).")
        {
            ProviderOption,
            ConnectionOption,
            InitCommand(output),
            ServeCommand(),
            DbCommand(output),
            UnitsCommand(output, error),
            CatalogueCommand(output),
            AccountsCommands.Users(Services, output),
            AccountsCommands.Clients(Services, output),
            VerifyCommand.Create(Services, output, error),
            RebuildCommand.Create(Services, output, error),
            DemoCommand.Create(Services, output, error),
        };

        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static ServiceProvider Services(ParseResult parse) =>
        CliServices.Build(CliServices.Configuration(parse.GetValue(ProviderOption), parse.GetValue(ConnectionOption)));

    private static Command InitCommand(TextWriter output)
    {
        var command = new Command("init", "Create the database, load the reference data (administrative units, organizations) and the demo catalogue.");
        command.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse);
            await services.GetRequiredService<NrisBootstrap>().RunAsync(ct);
            var catalogue = services.GetRequiredService<CatalogueState>().Current;
            var db = services.GetRequiredService<NrisDatabase>();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Database ready ({db.ProviderName}): {catalogue.Content.Territories.Count} territory versions, {catalogue.Content.Organizations.Count} organizations, {catalogue.Indicators.Count} indicators, {catalogue.Content.Regimes.Count} regimes."));
            return 0;
        });
        return command;
    }

    private static Command ServeCommand()
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default " + NrisApp.DefaultUrl + ")." };
        var command = new Command("serve", "Run the Nris server.") { urls };
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { } u)
            {
                args.Add("--urls=" + u);
            }

            if (parse.GetValue(ProviderOption) is { } p)
            {
                args.Add("--Nris:Database:Provider=" + p);
            }

            if (parse.GetValue(ConnectionOption) is { } c)
            {
                args.Add("--ConnectionStrings:Nris=" + c);
            }

            var app = NrisApp.Build([.. args]);
            await NrisApp.PrepareAsync(app, ct);
            await app.StartAsync(ct);
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }

    private static Command DbCommand(TextWriter output)
    {
        var migrate = new Command("migrate", "Apply the database migrations (safe to run twice).");
        migrate.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NrisDatabase>();
            await db.MigrateAsync(ct);
            await output.WriteLineAsync($"Migrated ({db.ProviderName}).");
            return 0;
        });
        return new Command("db", "Database administration.") { migrate };
    }

    private static Command UnitsCommand(TextWriter output, TextWriter error)
    {
        var at = new Option<string?>("--at") { Description = "Date (YYYY-MM-DD); default today (Vietnam time)." };
        var level = new Option<string?>("--level") { Description = "province, district or commune." };
        var parent = new Option<string?>("--parent") { Description = "Only units under this unit (code)." };
        var format = new Option<string>("--format") { Description = "table (default), csv or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var command = new Command("units", "List administrative units as of a date.") { at, level, parent, format };
        command.SetAction(async (parse, ct) =>
        {
            DateOnly date;
            var atText = parse.GetValue(at);
            if (atText is null)
            {
                date = VietnamTime.Today(TimeProvider.System);
            }
            else if (!DateOnly.TryParseExact(atText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                await error.WriteLineAsync($"--at: '{atText}' is not a date (YYYY-MM-DD) / không phải là ngày (YYYY-MM-DD).");
                return 2;
            }

            TerritoryLevel? lvl = null;
            if (parse.GetValue(level) is { } levelText)
            {
                if (!Enum.TryParse<TerritoryLevel>(levelText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(levelText, out _))
                {
                    await error.WriteLineAsync($"--level: '{levelText}' is not one of nation, province, district, commune / không phải là cấp hợp lệ.");
                    return 2;
                }

                lvl = parsed;
            }

            await using var services = Services(parse);
            await services.GetRequiredService<NrisBootstrap>().RunAsync(ct);
            var index = services.GetRequiredService<CatalogueState>().Current.Territories;
            IReadOnlyList<Territory> units;
            if (parse.GetValue(parent) is { } parentCode)
            {
                if (index.Find(parentCode, date) is null)
                {
                    await error.WriteLineAsync($"--parent: unit '{parentCode}' does not exist on {date:yyyy-MM-dd} / không tồn tại.");
                    return 2;
                }

                units = lvl is null ? index.Children(parentCode, date) : index.Descendants(parentCode, date, lvl);
            }
            else
            {
                units = index.AsOf(date, lvl);
            }

            await WriteUnitsAsync(output, units, parse.GetValue(format)!);
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{units.Count} units on {date:yyyy-MM-dd}."));
            return 0;
        });
        return command;
    }

    private static async Task WriteUnitsAsync(TextWriter output, IReadOnlyList<Territory> units, string format)
    {
        switch (format)
        {
            case "json":
                await output.WriteLineAsync(JsonSerializer.Serialize(units, CatalogueJson.Options));
                break;
            case "csv":
                await output.WriteLineAsync("code,name,name_en,level,parent_code,valid_from,valid_to");
                foreach (var u in units)
                {
                    await output.WriteLineAsync(string.Join(',',
                        Csv(u.Code), Csv(u.Name), Csv(u.NameEn), u.Level.ToString().ToLowerInvariant(), Csv(u.ParentCode ?? ""),
                        u.Validity.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                        u.Validity.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""));
                }

                break;
            default:
                await output.WriteLineAsync($"{"CODE",-7} {"LEVEL",-9} {"PARENT",-7} NAME");
                foreach (var u in units)
                {
                    await output.WriteLineAsync($"{u.Code,-7} {u.Level.ToString().ToLowerInvariant(),-9} {u.ParentCode ?? "",-7} {u.Name}");
                }

                break;
        }
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>The actor of ledger entries written by `nris catalogue import`.</summary>
    public const string ImportActor = "cli";

    private static Command CatalogueCommand(TextWriter output)
    {
        var exportDir = new Argument<DirectoryInfo>("directory") { Description = "Folder to write the catalogue files into." };
        var export = new Command("export", "Write the catalogue (categories, codelists, indicators, regimes) as editable JSON files.") { exportDir };
        export.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse);
            await services.GetRequiredService<NrisBootstrap>().RunAsync(ct);
            var dir = parse.GetValue(exportDir)!;
            var content = services.GetRequiredService<CatalogueState>().Current.Content;
            CatalogueSources.WriteCatalogueFiles(dir.FullName, content);
            await output.WriteLineAsync($"Wrote {content.Categories.Count} categories, {content.Codelists.Count} codelists, {content.Indicators.Count} indicators, {content.Regimes.Count} regimes to {dir.FullName}.");
            return 0;
        });

        var importDir = new Argument<DirectoryInfo>("directory") { Description = "Folder with categories.json, codelists.json, indicators.json, regimes.json." };
        var import = new Command("import", "Replace the catalogue (categories, codelists, indicators, regimes) with the files in a folder; reference data is kept.") { importDir };
        import.SetAction(async (parse, ct) =>
        {
            await using var services = Services(parse);
            var bootstrap = services.GetRequiredService<NrisBootstrap>();
            await bootstrap.RunAsync(ct);
            var dir = parse.GetValue(importDir)!;
            if (!dir.Exists)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"Folder not found / không tìm thấy thư mục: {dir.FullName}");
                return 2;
            }

            var state = services.GetRequiredService<CatalogueState>();
            CatalogueContent imported;
            var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
            try
            {
                // Hash exactly the bytes that are parsed, so the ledger entry pins the files that were imported.
                var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var name in new[] { CatalogueFiles.CategoriesFile, CatalogueFiles.CodelistsFile, CatalogueFiles.IndicatorsFile, CatalogueFiles.RegimesFile })
                {
                    var path = Path.Combine(dir.FullName, name);
                    files[name] = File.Exists(path)
                        ? await File.ReadAllBytesAsync(path, ct)
                        : throw new CatalogueFormatException($"{name}: thiếu tệp {path} / {name}: the file {path} is missing.");
                    hashes[name] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(files[name]));
                }
                imported = CatalogueFiles.ReadAll(name => new MemoryStream(files[name], writable: false));
            }
            catch (CatalogueFormatException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var merged = CatalogueSources.Merge(CatalogueSources.ReferencePart(state.Current.Content), imported);
            var problems = CatalogueCheck.Check(merged);
            if (problems.Count > 0)
            {
                foreach (var p in problems)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"{p.ItemKind} {p.Code} ({p.Field}): {p.Message} / {p.MessageEn}");
                }

                await parse.InvocationConfiguration.Error.WriteLineAsync($"{problems.Count} problems; nothing was imported / không nhập gì.");
                return 2;
            }

            await using var scope = services.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<CatalogueStore>();
            // The replace and its catalogue.changed entry commit together: the ledger never misses an import, and
            // never records one that did not happen.
            var ledger = new LedgerStore(scope.ServiceProvider.GetRequiredService<NrisDbContext>());
            await using (var transaction = await ledger.BeginAppendTransactionAsync(ct))
            {
                await store.SaveAsync(merged, ct);
                var entry = await ledger.AppendAsync(LedgerEntryKind.CatalogueChanged,
                    CatalogueChanges.ImportPayload(imported, hashes, ImportActor), ImportActor,
                    services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
                await services.GetRequiredService<CheckpointService>().AfterAppendAsync(ledger, entry, ct);
                await transaction.CommitAsync(ct);
            }
            await bootstrap.ReloadCatalogueAsync(store, ct);
            await output.WriteLineAsync($"Imported {imported.Indicators.Count} indicators and {imported.Regimes.Count} regimes from {dir.FullName}.");
            return 0;
        });

        return new Command("catalogue", "Export or import the catalogue as files.") { export, import };
    }
}
