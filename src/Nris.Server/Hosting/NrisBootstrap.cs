using System.Diagnostics;
using Nris.Core.Catalogue;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Storage;
using Nris.Storage.Seed;

namespace Nris.Server.Hosting;

/// <summary>
/// What happens before Nris serves its first request: the schema is migrated (unless turned off), an empty
/// database gets the reference data and, unless turned off, the demo catalogue, and the catalogue is loaded
/// into memory, and the instance key exists. `nris init` runs the same steps.
/// </summary>
public sealed class NrisBootstrap(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    CatalogueState catalogue,
    CheckpointService checkpoints,
    ILogger<NrisBootstrap> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<NrisDatabase>();
        if (configuration.GetValue("Nris:Database:MigrateOnStart", true))
        {
            await database.MigrateAsync(cancellationToken);
        }

        // The instance key signs ledger checkpoints; created (mode 0600) the first time Nris starts or `nris init` runs.
        checkpoints.EnsureKey();

        var store = scope.ServiceProvider.GetRequiredService<CatalogueStore>();
        var fresh = await store.IsEmptyAsync(cancellationToken);
        if (fresh)
        {
            await SeedAsync(store, cancellationToken);
        }

        await ReloadCatalogueAsync(store, cancellationToken);
        // After the catalogue: accounts are bound to organizations, which must exist.
        await Auth.IdentityBootstrap.RunAsync(scope.ServiceProvider, configuration, cancellationToken);

        // Only into a database whose catalogue was seeded just now: a second start never loads the history twice.
        if (fresh && configuration.GetValue("Nris:Demo", true) && configuration.GetValue("Nris:Demo:LoadHistory", true))
        {
            var loader = scope.ServiceProvider.GetRequiredService<HistoricalStatisticsLoader>();
            if (await loader.LoadAsync(scope.ServiceProvider.GetRequiredService<Submissions.SubmissionService>(), cancellationToken) > 0)
            {
                // The history is a few dozen entries, fewer than CheckpointEvery: without this the demo ledger would have
                // no signed checkpoint until real submissions reach the first multiple, and `nris verify` would check
                // the chain but no signature.
                var checkpoint = await checkpoints.CreateAsync(scope.ServiceProvider.GetRequiredService<NrisDbContext>(), cancellationToken);
                if (checkpoint is not null && logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Signed a ledger checkpoint at entry {Sequence} after the demo history", checkpoint.Sequence);
                }
            }
        }
    }

    public async Task SeedAsync(CatalogueStore store, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var files = CatalogueSources.FromConfiguration(configuration);
        var content = files.ReadReference();
        if (configuration.GetValue("Nris:Demo", true))
        {
            content = CatalogueSources.Merge(content, files.ReadDemoCatalogue());
        }

        await store.SaveAsync(content, cancellationToken);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
            "Loaded the catalogue into an empty database: {Territories} territory versions, {Organizations} organizations, {Indicators} indicators, {Regimes} regimes in {Elapsed} ms",
            content.Territories.Count, content.Organizations.Count, content.Indicators.Count, content.Regimes.Count,
            watch.ElapsedMilliseconds);
        }
    }

    public async Task ReloadCatalogueAsync(CatalogueStore store, CancellationToken cancellationToken)
    {
        var content = await store.LoadAsync(cancellationToken);
        catalogue.Replace(new CatalogueSnapshot(content));
    }
}
