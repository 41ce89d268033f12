using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;

namespace Nris.Storage;

/// <summary>
/// Persists the catalogue: as a whole (reference data and demo catalogues are loaded in one piece), or one regime
/// version or one indicator at a time (delegated administration).
/// </summary>
public sealed class CatalogueStore(NrisDbContext db)
{
    /// <summary>
    /// Replaces the whole stored catalogue with <paramref name="content"/> in one transaction: on any failure
    /// (for example a duplicate territory version) the previous catalogue stays as it was.
    /// Rows go in through <see cref="BulkInsert"/>, not the change tracker: the reference data is ~40,000 rows.
    /// </summary>
    /// <remarks>
    /// Inside a transaction the caller already holds (the ledger's append transaction of `nris catalogue import`),
    /// the replace joins it and the caller commits; otherwise it runs in its own.
    /// </remarks>
    public async Task SaveAsync(CatalogueContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var transaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : null;

        await db.Territories.ExecuteDeleteAsync(cancellationToken);
        await db.TerritorySuccessions.ExecuteDeleteAsync(cancellationToken);
        await db.Organizations.ExecuteDeleteAsync(cancellationToken);
        await db.OrganizationSuccessions.ExecuteDeleteAsync(cancellationToken);
        await db.Categories.ExecuteDeleteAsync(cancellationToken);
        await db.Codelists.ExecuteDeleteAsync(cancellationToken);
        await db.Indicators.ExecuteDeleteAsync(cancellationToken);
        await db.Regimes.ExecuteDeleteAsync(cancellationToken);

        await BulkInsert.InsertAsync(db, content.Territories.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, content.TerritorySuccessions.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, content.Organizations.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, content.OrganizationSuccessions.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, content.Categories.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, content.Codelists.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, content.Indicators.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, content.Regimes.Select(CatalogueMapping.ToEntity), cancellationToken);

        await StampAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Stores one regime version: inserts it, or overwrites the stored row of the same code and version (how a
    /// previous version's validity is closed). Runs in the caller's transaction, if any, so the ledger entry that
    /// records the change commits or rolls back with it.
    /// </summary>
    public async Task UpsertRegimeVersionAsync(Regime regime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regime);
        var id = await db.Regimes.AsNoTracking()
            .Where(r => r.Code == regime.Code && r.Version == regime.Version)
            .Select(r => (long?)r.Id)
            .FirstOrDefaultAsync(cancellationToken);
        await UpsertAsync(CatalogueMapping.ToEntity(regime), id, e => e.Id = id!.Value, cancellationToken);
    }

    /// <summary>Stores one indicator: inserts it, or overwrites the stored row of the same code (keeping its place).</summary>
    public async Task UpsertIndicatorAsync(Indicator indicator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var id = await db.Indicators.AsNoTracking()
            .Where(i => i.Code == indicator.Code)
            .Select(i => (long?)i.Id)
            .FirstOrDefaultAsync(cancellationToken);
        await UpsertAsync(CatalogueMapping.ToEntity(indicator), id, e => e.Id = id!.Value, cancellationToken);
    }

    /// <summary>Stores one codelist: inserts it, or overwrites the stored row of the same code.</summary>
    public async Task UpsertCodelistAsync(Codelist codelist, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codelist);
        var id = await db.Codelists.AsNoTracking().Where(c => c.Code == codelist.Code).Select(c => (long?)c.Id).FirstOrDefaultAsync(cancellationToken);
        await UpsertAsync(CatalogueMapping.ToEntity(codelist), id, e => e.Id = id!.Value, cancellationToken);
    }

    /// <summary>Stores one information category: inserts it, or overwrites the stored row of the same code.</summary>
    public async Task UpsertCategoryAsync(InformationCategory category, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(category);
        var id = await db.Categories.AsNoTracking().Where(c => c.Code == category.Code).Select(c => (long?)c.Id).FirstOrDefaultAsync(cancellationToken);
        await UpsertAsync(CatalogueMapping.ToEntity(category), id, e => e.Id = id!.Value, cancellationToken);
    }

    /// <summary>
    /// Stores a change of the administrative map: the ended versions get their end date (found by code and start
    /// date), the new versions and succession links are added. Runs in the caller's transaction, if any.
    /// </summary>
    public async Task ApplyTerritoryChangeAsync(
        IReadOnlyList<Territory> closedTerritories, IReadOnlyList<Territory> territories, IReadOnlyList<TerritorySuccession> successions,
        IReadOnlyList<Organization> closedOrganizations, IReadOnlyList<Organization> organizations, IReadOnlyList<OrganizationSuccession> organizationSuccessions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(closedTerritories);
        ArgumentNullException.ThrowIfNull(territories);
        ArgumentNullException.ThrowIfNull(successions);
        ArgumentNullException.ThrowIfNull(closedOrganizations);
        ArgumentNullException.ThrowIfNull(organizations);
        ArgumentNullException.ThrowIfNull(organizationSuccessions);
        foreach (var closed in closedTerritories)
        {
            var (code, from, to) = (closed.Code, closed.Validity.From, closed.Validity.To);
            var rows = await db.Territories.Where(t => t.Code == code && t.ValidFrom == from)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.ValidTo, to), cancellationToken);
            if (rows != 1)
            {
                throw new InvalidOperationException($"Territory {closed.Key} is not stored once ({rows} rows).");
            }
        }
        foreach (var closed in closedOrganizations)
        {
            var (code, from, to) = (closed.Code, closed.Validity.From, closed.Validity.To);
            var rows = await db.Organizations.Where(o => o.Code == code && o.ValidFrom == from)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.ValidTo, to), cancellationToken);
            if (rows != 1)
            {
                throw new InvalidOperationException($"Organization {closed.Key} is not stored once ({rows} rows).");
            }
        }
        await BulkInsert.InsertAsync(db, territories.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, successions.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, organizations.Select(CatalogueMapping.ToEntity), cancellationToken);
        await BulkInsert.InsertAsync(db, organizationSuccessions.Select(CatalogueMapping.ToEntity), cancellationToken);
        await StampAsync(cancellationToken);
    }

    // Update keeps the row's id, so the load order (by id) and thereby exports stay as they were. Every column is
    // marked modified: the context runs without automatic change detection, and the row is detached afterwards so
    // nothing tracked lingers in a request's context.
    private async Task UpsertAsync<TEntity>(TEntity entity, long? id, Action<TEntity> setId, CancellationToken cancellationToken)
        where TEntity : class
    {
        var entry = id is null ? db.Add(entity) : Attach(entity, setId);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
        await StampAsync(cancellationToken);
    }

    private Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<TEntity> Attach<TEntity>(TEntity entity, Action<TEntity> setId)
        where TEntity : class
    {
        setId(entity);
        return db.Update(entity);
    }

    // The change stamp caches and other processes compare; bumped by every write to the catalogue.
    private async Task StampAsync(CancellationToken cancellationToken)
    {
        var version = await NrisMeta.GetAsync(db, NrisMeta.CatalogueVersion, cancellationToken);
        var next = (long.TryParse(version, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0) + 1;
        await NrisMeta.SetAsync(db, NrisMeta.CatalogueVersion, next.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await NrisMeta.SetAsync(
            db, NrisMeta.CatalogueLoadedAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>Reads the whole catalogue back, each list in the order it was saved.</summary>
    public async Task<CatalogueContent> LoadAsync(CancellationToken cancellationToken)
    {
        var territories = await db.Territories.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var territorySuccessions = await db.TerritorySuccessions.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var organizations = await db.Organizations.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var organizationSuccessions = await db.OrganizationSuccessions.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var categories = await db.Categories.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var codelists = await db.Codelists.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var indicators = await db.Indicators.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);
        var regimes = await db.Regimes.AsNoTracking().OrderBy(x => x.Id).ToListAsync(cancellationToken);

        return new CatalogueContent(
            territories.ConvertAll(CatalogueMapping.ToRecord),
            territorySuccessions.ConvertAll(CatalogueMapping.ToRecord),
            organizations.ConvertAll(CatalogueMapping.ToRecord),
            organizationSuccessions.ConvertAll(CatalogueMapping.ToRecord),
            categories.ConvertAll(CatalogueMapping.ToRecord),
            codelists.ConvertAll(CatalogueMapping.ToRecord),
            indicators.ConvertAll(CatalogueMapping.ToRecord),
            regimes.ConvertAll(CatalogueMapping.ToRecord));
    }

    /// <summary>Whether no catalogue has been stored: every catalogue table is empty.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        !await db.Territories.AnyAsync(cancellationToken) &&
        !await db.Organizations.AnyAsync(cancellationToken) &&
        !await db.TerritorySuccessions.AnyAsync(cancellationToken) &&
        !await db.OrganizationSuccessions.AnyAsync(cancellationToken) &&
        !await db.Categories.AnyAsync(cancellationToken) &&
        !await db.Codelists.AnyAsync(cancellationToken) &&
        !await db.Indicators.AnyAsync(cancellationToken) &&
        !await db.Regimes.AnyAsync(cancellationToken);
}
