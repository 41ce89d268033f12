using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Storage.Entities;

namespace Nris.Storage.Tests;

/// <summary>
/// The storage tests, run once per database by the concrete subclasses. Each test gets a fresh, empty database:
/// a new SQLite file or a new PostgreSQL database in the assembly's cluster.
/// </summary>
public abstract class StorageSuite : IAsyncLifetime
{
    private NrisDbContextFactory? _factory;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected NrisDbContextFactory Factory => _factory ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The provider under test.</summary>
    protected abstract string Provider { get; }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    protected abstract Task<string> CreateDatabaseAsync(CancellationToken cancellationToken);

    public async ValueTask InitializeAsync()
    {
        var connectionString = await CreateDatabaseAsync(Ct);
        _factory = new NrisDbContextFactory(new NrisStorageOptions { Provider = Provider, ConnectionString = connectionString });
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected async Task<NrisDbContext> MigratedAsync()
    {
        var db = Factory.CreateDbContext();
        await new NrisDatabase(db).MigrateAsync(Ct);
        return db;
    }

    [Fact]
    public async Task Context_matches_the_provider()
    {
        await using var db = Factory.CreateDbContext();
        Assert.Equal(Provider, db.ProviderName);
        Assert.Equal(Provider, new NrisDatabase(db).ProviderName);
    }

    [Fact]
    public async Task Ledger_sequence_of_versions_and_events_is_indexed_for_the_aggregation_follower()
    {
        await using var db = await MigratedAsync();
        var sql = Provider == NrisStorageOptions.Sqlite
            ? "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index'"
            : "SELECT indexname AS \"Value\" FROM pg_indexes WHERE schemaname = current_schema()";
        var indexes = await db.Database.SqlQueryRaw<string>(sql).ToListAsync(Ct);
        Assert.Contains("ix_report_versions_ledger_sequence", indexes);
        Assert.Contains("ix_report_events_ledger_sequence", indexes);
        Assert.EndsWith("_AggregationIndexes", db.Database.GetMigrations().Last(m => m.Contains("Aggregation", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_creates_the_schema_once_and_a_second_run_changes_nothing()
    {
        await using (var db = Factory.CreateDbContext())
        {
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync(Ct));
            await new NrisDatabase(db).MigrateAsync(Ct);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
            Assert.True(await new CatalogueStore(db).IsEmptyAsync(Ct));
        }

        await using (var db = Factory.CreateDbContext())
        {
            var database = new NrisDatabase(db);
            await database.MigrateAsync(Ct);
            var history = await db.Database
                .SqlQueryRaw<string>("SELECT \"MigrationId\" AS \"Value\" FROM \"__EFMigrationsHistory\"")
                .ToListAsync(Ct);
            // Every migration of the provider applied once, in order; the latest is recorded in nris_meta.
            Assert.Equal(db.Database.GetMigrations(), history);
            Assert.EndsWith("_Initial", history[0], StringComparison.Ordinal);
            Assert.Equal(history[^1], await database.GetMetaAsync(NrisMeta.SchemaMigration, Ct));
            Assert.Contains(history, h => h.EndsWith("_Security", StringComparison.Ordinal));
            Assert.Contains(history, h => h.EndsWith("_Submissions", StringComparison.Ordinal));

            // Every table exists under its snake_case name, and a fresh schema holds nothing but its own meta record.
            foreach (var table in new[]
            {
                "territories", "territory_successions", "organizations", "organization_successions",
                "information_categories", "codelists", "indicators", "regimes", "nris_meta",
                "users", "user_claims", "user_logins", "user_tokens", "user_grants", "api_clients", "audit_events",
                "ledger_entries", "ledger_checkpoints", "reports", "report_versions", "report_values", "report_events",
                "current_values", "drafts", "idempotency_keys",
            })
            {
                // Table names come from the fixed list above, never from input.
#pragma warning disable EF1003
                var count = await db.Database.SqlQueryRaw<int>("SELECT CAST(COUNT(*) AS INTEGER) AS \"Value\" FROM " + table).SingleAsync(Ct);
#pragma warning restore EF1003
                if (table == "nris_meta")
                {
                    Assert.True(count > 0, "nris_meta records the applied migration");
                }
                else
                {
                    Assert.True(count == 0, $"{table} should be empty after migrating, has {count} rows");
                }
            }
        }
    }

    [Fact]
    public async Task Audit_events_are_append_only_in_the_database_itself()
    {
        await using var db = await MigratedAsync();
        db.AuditEvents.Add(new Nris.Storage.Identity.AuditEventEntity { At = DateTime.UtcNow, Actor = "test", Action = "test.action", Detail = "original" });
        await db.SaveChangesAsync(Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditEvents.ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, "rewritten"), Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditEvents.ExecuteDeleteAsync(Ct));
        var row = await db.AuditEvents.AsNoTracking().SingleAsync(Ct);
        Assert.Equal("original", row.Detail);
    }

    [Fact]
    public async Task Users_grants_and_clients_round_trip()
    {
        await using (var db = await MigratedAsync())
        {
            db.Users.Add(new Nris.Storage.Identity.NrisUser
            {
                Id = "u1", UserName = "cán.bộ", NormalizedUserName = "CÁN.BỘ", OrganizationCode = "UBND.01", DisplayName = "Cán bộ Hà Nội",
                CreatedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), SecurityStamp = "s",
            });
            db.UserGrants.Add(new Nris.Storage.Identity.UserGrantEntity { UserId = "u1", Role = "Reporter", OrganizationCode = "UBND.01", Ceiling = "Internal" });
            db.ApiClients.Add(new Nris.Storage.Identity.ApiClientEntity
            {
                Id = "c1", Name = "Hệ thống", OrganizationCode = "BTC", Role = "Reporter", Ceiling = "Internal", KeyHash = new string('a', 64),
                CreatedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), CreatedBy = "admin",
            });
            await db.SaveChangesAsync(Ct);
        }

        await using (var db = Factory.CreateDbContext())
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedUserName == "CÁN.BỘ", Ct);
            Assert.Equal("Cán bộ Hà Nội", user.DisplayName);
            Assert.Equal("UBND.01", (await db.UserGrants.AsNoTracking().SingleAsync(g => g.UserId == "u1", Ct)).OrganizationCode);
            var client = await db.ApiClients.AsNoTracking().SingleAsync(Ct);
            Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5), DateTime.SpecifyKind(client.CreatedAt, DateTimeKind.Unspecified));
            Assert.Null(client.RevokedAt);

            // A user name is unique.
            db.Users.Add(new Nris.Storage.Identity.NrisUser { Id = "u2", UserName = "cán.bộ", NormalizedUserName = "CÁN.BỘ", OrganizationCode = "BTC" });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        }
    }

    [Fact]
    public async Task Save_then_load_gives_back_the_same_catalogue()
    {
        var expected = SampleCatalogue.Full();
        await using (var db = await MigratedAsync())
        {
            await new CatalogueStore(db).SaveAsync(expected, Ct);
        }

        await using (var db = Factory.CreateDbContext())
        {
            var actual = await new CatalogueStore(db).LoadAsync(Ct);
            AssertSameCatalogue(expected, actual);
            Assert.False(await new CatalogueStore(db).IsEmptyAsync(Ct));
            Assert.Equal("1", await new NrisDatabase(db).GetMetaAsync(NrisMeta.CatalogueVersion, Ct));
            Assert.NotNull(await new NrisDatabase(db).GetMetaAsync(NrisMeta.CatalogueLoadedAt, Ct));
        }
    }

    [Fact]
    public async Task Bulk_inserted_values_are_stored_in_the_forms_ef_queries_use()
    {
        // The bulk path writes rows without EF; EF's own filters must still match them (enum names, dates, decimals).
        await using var db = await MigratedAsync();
        await new CatalogueStore(db).SaveAsync(SampleCatalogue.Full(), Ct);
        Assert.Equal(1, await db.Territories.CountAsync(
            t => t.Level == TerritoryLevel.Province && t.ValidFrom == new DateOnly(2025, 7, 1) && t.ValidTo == null, Ct));
        Assert.Equal(2, await db.Territories.CountAsync(t => t.Level == TerritoryLevel.Commune, Ct));
        Assert.Equal(1, await db.Indicators.CountAsync(i => i.MinValue == 0.1m, Ct));
        Assert.Equal(1, await db.Indicators.CountAsync(i => i.MaxValue == 12345678901.25m, Ct));
        Assert.Equal(1, await db.Regimes.CountAsync(r => r.Periodicity == Nris.Core.Periods.Periodicity.Quarterly, Ct));
        Assert.Equal("Phường Ba Đình", await db.Territories.Where(t => t.Code == "00004").Select(t => t.Name).SingleAsync(Ct));
    }

    [Fact]
    public async Task Decimals_come_back_without_padding()
    {
        var indicator = SampleCatalogue.Full().Indicators[0] with { MinValue = 5m, MaxValue = 0.000000010m };
        await using var db = await MigratedAsync();
        var store = new CatalogueStore(db);
        await store.SaveAsync(CatalogueContent.Empty with { Indicators = [indicator] }, Ct);
        var loaded = Assert.Single((await store.LoadAsync(Ct)).Indicators);
        Assert.Equal("5", loaded.MinValue!.Value.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("0.00000001", loaded.MaxValue!.Value.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Saving_again_replaces_the_catalogue()
    {
        await using var db = await MigratedAsync();
        var store = new CatalogueStore(db);
        await store.SaveAsync(SampleCatalogue.Full(), Ct);
        await store.SaveAsync(SampleCatalogue.Full(), Ct);
        AssertSameCatalogue(SampleCatalogue.Full(), await store.LoadAsync(Ct));

        await store.SaveAsync(SampleCatalogue.Small(), Ct);
        AssertSameCatalogue(SampleCatalogue.Small(), await store.LoadAsync(Ct));
        Assert.Equal("3", await new NrisDatabase(db).GetMetaAsync(NrisMeta.CatalogueVersion, Ct));

        await store.SaveAsync(CatalogueContent.Empty, Ct);
        Assert.True(await store.IsEmptyAsync(Ct));

        // Any one list makes the catalogue non-empty, not only territories.
        await store.SaveAsync(CatalogueContent.Empty with { Regimes = [SampleCatalogue.Full().Regimes[0]] }, Ct);
        Assert.False(await store.IsEmptyAsync(Ct));
    }

    [Fact]
    public async Task The_database_rejects_a_second_version_with_the_same_code_and_start()
    {
        await using var db = await MigratedAsync();
        db.Territories.Add(Territory("00004", new DateOnly(2025, 7, 1)));
        db.Territories.Add(Territory("00004", new DateOnly(2025, 7, 1)));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task The_database_rejects_two_open_started_versions_of_one_code()
    {
        await using var db = await MigratedAsync();
        db.Territories.Add(Territory("VN", null));
        db.Territories.Add(Territory("VN", null));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));

        db.ChangeTracker.Clear();
        db.Territories.Add(Territory("VN", null));
        db.Territories.Add(Territory("VN", new DateOnly(2025, 7, 1)));
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task A_failed_save_leaves_the_previous_catalogue_intact()
    {
        var previous = SampleCatalogue.Full();
        await using var db = await MigratedAsync();
        var store = new CatalogueStore(db);
        await store.SaveAsync(previous, Ct);

        // The duplicate is the last territory, so the deletes and most inserts have run when the database objects.
        var bad = SampleCatalogue.Small() with
        {
            Territories = [.. SampleCatalogue.Small().Territories, SampleCatalogue.Small().Territories[0]],
        };
        await Assert.ThrowsAsync<DbUpdateException>(() => store.SaveAsync(bad, Ct));

        AssertSameCatalogue(previous, await store.LoadAsync(Ct));
        Assert.Equal("1", await new NrisDatabase(db).GetMetaAsync(NrisMeta.CatalogueVersion, Ct));

        // The same context is still usable afterwards.
        await store.SaveAsync(SampleCatalogue.Small(), Ct);
        AssertSameCatalogue(SampleCatalogue.Small(), await store.LoadAsync(Ct));
    }

    [Fact]
    public async Task Data_survives_closing_and_reopening_the_database()
    {
        await using (var db = await MigratedAsync())
        {
            await new CatalogueStore(db).SaveAsync(SampleCatalogue.Full(), Ct);
        }

        ClosePools();
        var reopened = new NrisDbContextFactory(Factory.Options);
        await using (var db = reopened.CreateDbContext())
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
            AssertSameCatalogue(SampleCatalogue.Full(), await new CatalogueStore(db).LoadAsync(Ct));
        }
    }

    [Fact]
    public async Task A_catalogue_the_size_of_the_reference_data_saves_and_loads()
    {
        var content = SampleCatalogue.Bulk(territories: 15_000, organizations: 15_000);
        await using var db = await MigratedAsync();
        var store = new CatalogueStore(db);

        var clock = Stopwatch.StartNew();
        await store.SaveAsync(content, Ct);
        var saved = clock.Elapsed;

        clock.Restart();
        var loaded = await store.LoadAsync(Ct);
        var load = clock.Elapsed;

        clock.Restart();
        await store.SaveAsync(content, Ct);
        var resaved = clock.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Provider}: {content.Territories.Count} territories + {content.Organizations.Count} organizations + " +
            $"{content.TerritorySuccessions.Count} successions: save {saved.TotalMilliseconds:F0} ms, " +
            $"load {load.TotalMilliseconds:F0} ms, replace {resaved.TotalMilliseconds:F0} ms"));

        Assert.Equal(content.Territories.Count, loaded.Territories.Count);
        Assert.Equal(content.Organizations.Count, loaded.Organizations.Count);
        Assert.Equal(content.TerritorySuccessions.Count, loaded.TerritorySuccessions.Count);
        Assert.Equal(SampleCatalogue.Json(content.Territories[^1]), SampleCatalogue.Json(loaded.Territories[^1]));
        Assert.Equal(SampleCatalogue.Json(content.Organizations[7_777]), SampleCatalogue.Json(loaded.Organizations[7_777]));
        Assert.Equal(content.Territories.Count, await db.Territories.CountAsync(Ct));
    }

    /// <summary>Releases pooled connections, so reopening really opens the file or server connection again.</summary>
    protected abstract void ClosePools();

    private static TerritoryEntity Territory(string code, DateOnly? from) => new()
    {
        Code = code,
        ValidFrom = from,
        Level = TerritoryLevel.Commune,
        Name = "Phường Ba Đình",
        NameEn = "Ba Dinh Ward",
        ShortName = "Ba Đình",
        ShortNameEn = "Ba Dinh",
        UnitType = "Phường",
        UnitTypeEn = "Ward",
    };

    // Records holding lists compare by reference, so compare the catalogue file form, list by list for readable failures.
    private static void AssertSameCatalogue(CatalogueContent expected, CatalogueContent actual)
    {
        Assert.Equal(SampleCatalogue.Json(expected.Territories), SampleCatalogue.Json(actual.Territories));
        Assert.Equal(SampleCatalogue.Json(expected.TerritorySuccessions), SampleCatalogue.Json(actual.TerritorySuccessions));
        Assert.Equal(SampleCatalogue.Json(expected.Organizations), SampleCatalogue.Json(actual.Organizations));
        Assert.Equal(SampleCatalogue.Json(expected.OrganizationSuccessions), SampleCatalogue.Json(actual.OrganizationSuccessions));
        Assert.Equal(SampleCatalogue.Json(expected.Categories), SampleCatalogue.Json(actual.Categories));
        Assert.Equal(SampleCatalogue.Json(expected.Codelists), SampleCatalogue.Json(actual.Codelists));
        Assert.Equal(SampleCatalogue.Json(expected.Indicators), SampleCatalogue.Json(actual.Indicators));
        Assert.Equal(SampleCatalogue.Json(expected.Regimes), SampleCatalogue.Json(actual.Regimes));
        Assert.Equal(SampleCatalogue.Json(expected), SampleCatalogue.Json(actual));

        // Where records hold no lists, record equality must agree too (it is what callers use).
        Assert.Equal(expected.Territories, actual.Territories);
        Assert.Equal(expected.Organizations, actual.Organizations);
        Assert.Equal(expected.TerritorySuccessions, actual.TerritorySuccessions);
        Assert.Equal(expected.OrganizationSuccessions, actual.OrganizationSuccessions);
        Assert.Equal(expected.Categories, actual.Categories);
    }

    [Fact]
    public async Task Targeted_writes_update_one_regime_version_and_one_indicator_in_the_callers_transaction()
    {
        var content = SampleCatalogue.Full();
        await using (var db = await MigratedAsync())
        {
            await new CatalogueStore(db).SaveAsync(content, Ct);
        }

        var latest = content.Regimes.GroupBy(r => r.Code).Select(g => g.MaxBy(r => r.Version)!).First();
        var closed = latest with { Validity = latest.Validity with { To = new DateOnly(2030, 12, 31) } };
        var next = latest with { Version = latest.Version + 1, Validity = new Validity(new DateOnly(2031, 1, 1), null), Name = "Phiên bản mới" };
        var renamed = content.Indicators[0] with { NameEn = "Renamed", MinValue = 0.5m };
        var added = content.Indicators[0] with { Code = "NEW_IND", Name = "Chỉ tiêu mới" };

        async Task WriteAsync(bool commit)
        {
            await using var db = Factory.CreateDbContext();
            var ledger = new Nris.Storage.Ledger.LedgerStore(db);
            await using var transaction = await ledger.BeginAppendTransactionAsync(Ct);
            var store = new CatalogueStore(db);
            await store.UpsertRegimeVersionAsync(closed, Ct);
            await store.UpsertRegimeVersionAsync(next, Ct);
            await store.UpsertIndicatorAsync(renamed, Ct);
            await store.UpsertIndicatorAsync(added, Ct);
            if (commit)
            {
                await transaction.CommitAsync(Ct);
            }
        }

        // Rolled back: the stored catalogue is exactly what was saved.
        await WriteAsync(commit: false);
        await using (var db = Factory.CreateDbContext())
        {
            var loaded = await new CatalogueStore(db).LoadAsync(Ct);
            Assert.Equal(content.Regimes.Count, loaded.Regimes.Count);
            Assert.Equal(content.Indicators[0].NameEn, loaded.Indicators[0].NameEn);
            Assert.DoesNotContain(loaded.Indicators, i => i.Code == "NEW_IND");
        }

        await WriteAsync(commit: true);
        await using (var db = Factory.CreateDbContext())
        {
            var loaded = await new CatalogueStore(db).LoadAsync(Ct);
            var versions = loaded.Regimes.Where(r => r.Code == latest.Code).OrderBy(r => r.Version).ToList();
            Assert.Equal(new DateOnly(2030, 12, 31), versions.Single(r => r.Version == latest.Version).Validity.To);
            Assert.Equal("Phiên bản mới", versions[^1].Name);
            Assert.Equal(next.Version, versions[^1].Version);
            Assert.Equal(content.Regimes.Count + 1, loaded.Regimes.Count);
            // The changed indicator keeps its place; the new one comes last.
            Assert.Equal("Renamed", loaded.Indicators[0].NameEn);
            Assert.Equal(0.5m, loaded.Indicators[0].MinValue);
            Assert.Equal("NEW_IND", loaded.Indicators[^1].Code);
            Assert.Equal(content.Indicators.Count + 1, loaded.Indicators.Count);
            Assert.Equal(content.Territories.Count, loaded.Territories.Count);
        }
    }
}
