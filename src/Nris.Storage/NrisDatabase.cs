using Microsoft.EntityFrameworkCore;
using Nris.Storage.Entities;

namespace Nris.Storage;

/// <summary>Schema management of the configured database.</summary>
public sealed class NrisDatabase(NrisDbContext db)
{
    /// <summary>"sqlite" or "postgres".</summary>
    public string ProviderName => db.ProviderName;

    /// <summary>
    /// Applies the migrations of the configured provider that are not applied yet, then records the latest one in
    /// <c>nris_meta</c>. Running it on an up-to-date database changes nothing.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        var applied = await db.Database.GetAppliedMigrationsAsync(cancellationToken);
        var latest = applied.LastOrDefault();
        if (latest is not null && latest != await NrisMeta.GetAsync(db, NrisMeta.SchemaMigration, cancellationToken))
        {
            await NrisMeta.SetAsync(db, NrisMeta.SchemaMigration, latest, cancellationToken);
        }
    }

    /// <summary>Reads one value of <c>nris_meta</c> (keys are in <see cref="NrisMeta"/>); null when unset.</summary>
    public Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken) =>
        NrisMeta.GetAsync(db, key, cancellationToken);
}

/// <summary>Keys of the <c>nris_meta</c> key/value table.</summary>
public static class NrisMeta
{
    /// <summary>Id of the latest applied migration.</summary>
    public const string SchemaMigration = "schema_migration";

    /// <summary>When the catalogue was last replaced (ISO 8601, UTC).</summary>
    public const string CatalogueLoadedAt = "catalogue_loaded_at";

    /// <summary>How many times the catalogue has been replaced; a cheap change stamp for caches.</summary>
    public const string CatalogueVersion = "catalogue_version";

    internal static async Task<string?> GetAsync(NrisDbContext db, string key, CancellationToken cancellationToken) =>
        await db.Meta.AsNoTracking().Where(m => m.Key == key).Select(m => m.Value).FirstOrDefaultAsync(cancellationToken);

    // Delete-then-insert instead of update: the store runs with change detection off, and this needs no tracked row.
    internal static async Task SetAsync(NrisDbContext db, string key, string value, CancellationToken cancellationToken)
    {
        await db.Meta.Where(m => m.Key == key).ExecuteDeleteAsync(cancellationToken);
        var entry = db.Meta.Add(new MetaEntity { Key = key, Value = value });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            // Detach only this row: the context may be a request's scoped context tracking other work.
            entry.State = EntityState.Detached;
        }
    }
}
