using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;

namespace Nris.Storage;

/// <summary>Persists the catalogue as a whole: reference data and demo catalogues are loaded in one piece.</summary>
public sealed class CatalogueStore(NrisDbContext db)
{
    /// <summary>
    /// Replaces the whole stored catalogue with <paramref name="content"/> in one transaction: on any failure
    /// (for example a duplicate territory version) the previous catalogue stays as it was.
    /// Rows go in through <see cref="BulkInsert"/>, not the change tracker: the reference data is ~40,000 rows.
    /// </summary>
    public async Task SaveAsync(CatalogueContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var version = await NrisMeta.GetAsync(db, NrisMeta.CatalogueVersion, cancellationToken);

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

        var next = (long.TryParse(version, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0) + 1;
        await NrisMeta.SetAsync(db, NrisMeta.CatalogueVersion, next.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await NrisMeta.SetAsync(
            db, NrisMeta.CatalogueLoadedAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), cancellationToken);

        await transaction.CommitAsync(cancellationToken);
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
