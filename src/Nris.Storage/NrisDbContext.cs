using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Nris.Storage.Entities;
using Nris.Storage.Identity;
using Nris.Storage.Ledger;
using Nris.Storage.Submissions;

namespace Nris.Storage;

/// <summary>
/// The Nris database model, shared by both providers. Each provider has its own concrete context
/// (<see cref="SqliteNrisDbContext"/>, <see cref="PostgresNrisDbContext"/>) so that each gets its own
/// migration set: the SQL of the two differs (types, identity columns) even though the model is one.
/// Accounts are ASP.NET Core Identity's user tables (no Identity roles: Nris grants are scoped rows of
/// <c>user_grants</c>), renamed to the same snake_case style as the rest.
/// </summary>
public abstract class NrisDbContext : IdentityUserContext<NrisUser>
{
    /// <summary>Precision of decimal bounds: 20 integer digits and 8 decimals cover amounts in VND and rates.</summary>
    internal const int DecimalPrecision = 28;
    internal const int DecimalScale = 8;

    protected NrisDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>"sqlite" or "postgres": the provider this context talks to.</summary>
    public abstract string ProviderName { get; }

    internal DbSet<TerritoryEntity> Territories => Set<TerritoryEntity>();
    internal DbSet<TerritorySuccessionEntity> TerritorySuccessions => Set<TerritorySuccessionEntity>();
    internal DbSet<OrganizationEntity> Organizations => Set<OrganizationEntity>();
    internal DbSet<OrganizationSuccessionEntity> OrganizationSuccessions => Set<OrganizationSuccessionEntity>();
    internal DbSet<InformationCategoryEntity> Categories => Set<InformationCategoryEntity>();
    internal DbSet<CodelistEntity> Codelists => Set<CodelistEntity>();
    internal DbSet<IndicatorEntity> Indicators => Set<IndicatorEntity>();
    internal DbSet<RegimeEntity> Regimes => Set<RegimeEntity>();
    internal DbSet<MetaEntity> Meta => Set<MetaEntity>();

    /// <summary>Scoped role grants of users.</summary>
    public DbSet<UserGrantEntity> UserGrants => Set<UserGrantEntity>();

    /// <summary>Machine clients and their key hashes.</summary>
    public DbSet<ApiClientEntity> ApiClients => Set<ApiClientEntity>();

    /// <summary>The append-only audit trail. Insert only: the database refuses updates and deletes.</summary>
    public DbSet<AuditEventEntity> AuditEvents => Set<AuditEventEntity>();
    /// <summary>The ledger, read-only by convention and by trigger: append through <see cref="LedgerStore"/>.</summary>
    public DbSet<LedgerEntryEntity> LedgerEntries => Set<LedgerEntryEntity>();
    public DbSet<LedgerCheckpointEntity> LedgerCheckpoints => Set<LedgerCheckpointEntity>();
    public DbSet<ReportEntity> Reports => Set<ReportEntity>();
    public DbSet<ReportVersionEntity> ReportVersions => Set<ReportVersionEntity>();
    public DbSet<ReportValueEntity> ReportValues => Set<ReportValueEntity>();
    public DbSet<ReportEventEntity> ReportEvents => Set<ReportEventEntity>();
    public DbSet<CurrentValueEntity> CurrentValues => Set<CurrentValueEntity>();
    public DbSet<DraftEntity> Drafts => Set<DraftEntity>();
    public DbSet<IdempotencyKeyEntity> IdempotencyKeys => Set<IdempotencyKeyEntity>();
    public DbSet<Federation.FederationInstanceEntity> FederationInstances => Set<Federation.FederationInstanceEntity>();
    public DbSet<Federation.FederationEntryEntity> FederationEntries => Set<Federation.FederationEntryEntity>();
    public DbSet<Federation.FederationIncidentEntity> FederationIncidents => Set<Federation.FederationIncidentEntity>();
    public DbSet<Federation.FederationOutboxEntity> FederationOutbox => Set<Federation.FederationOutboxEntity>();
    public DbSet<Federation.FederationCatalogueFeedEntity> FederationCatalogueFeed => Set<Federation.FederationCatalogueFeedEntity>();
    public DbSet<Federation.FederationCatalogueChangeEntity> FederationCatalogueChanges => Set<Federation.FederationCatalogueChangeEntity>();
    public DbSet<Oversight.NotificationSendEntity> NotificationSends => Set<Oversight.NotificationSendEntity>();
    public DbSet<Oversight.NotificationEntity> Notifications => Set<Oversight.NotificationEntity>();
    public DbSet<Oversight.NotificationPreferenceEntity> NotificationPreferences => Set<Oversight.NotificationPreferenceEntity>();
    public DbSet<Exchange.ExchangeMappingEntity> ExchangeMappings => Set<Exchange.ExchangeMappingEntity>();
    public DbSet<Requests.ReportRequestEntity> ReportRequests => Set<Requests.ReportRequestEntity>();
    public DbSet<Requests.ReportRequestTargetEntity> ReportRequestTargets => Set<Requests.ReportRequestTargetEntity>();
    public DbSet<Requests.ReportRequestAnswerEntity> ReportRequestAnswers => Set<Requests.ReportRequestAnswerEntity>();
    public DbSet<Requests.ReportRequestAttachmentEntity> ReportRequestAttachments => Set<Requests.ReportRequestAttachmentEntity>();
    public DbSet<Connectors.ConnectorEntity> Connectors => Set<Connectors.ConnectorEntity>();
    public DbSet<Connectors.ConnectorBatchEntity> ConnectorBatches => Set<Connectors.ConnectorBatchEntity>();
    public DbSet<Connectors.ConnectorErrorEntity> ConnectorErrors => Set<Connectors.ConnectorErrorEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        ConfigureIdentity(modelBuilder);
        modelBuilder.Entity<TerritoryEntity>(e =>
        {
            e.ToTable("territories");
            Versioned(e, "territories", x => new { x.Code, x.ValidFrom }, x => x.Code);
            e.HasIndex(x => new { x.Level, x.ValidFrom, x.ValidTo });
            e.HasIndex(x => x.ParentCode);
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<TerritorySuccessionEntity>(e =>
        {
            e.ToTable("territory_successions");
            e.HasIndex(x => x.FromCode);
            e.HasIndex(x => x.ToCode);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<OrganizationEntity>(e =>
        {
            e.ToTable("organizations");
            Versioned(e, "organizations", x => new { x.Code, x.ValidFrom }, x => x.Code);
            e.HasIndex(x => x.ParentCode);
            e.HasIndex(x => x.TerritoryCode);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
        });
        modelBuilder.Entity<OrganizationSuccessionEntity>(e =>
        {
            e.ToTable("organization_successions");
            e.HasIndex(x => x.FromCode);
            e.HasIndex(x => x.ToCode);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<InformationCategoryEntity>(e =>
        {
            e.ToTable("information_categories");
            e.HasIndex(x => x.Code).IsUnique();
        });
        modelBuilder.Entity<CodelistEntity>(e =>
        {
            e.ToTable("codelists");
            e.HasIndex(x => x.Code).IsUnique();
        });
        modelBuilder.Entity<IndicatorEntity>(e =>
        {
            e.ToTable("indicators");
            e.HasIndex(x => x.Code).IsUnique();
            e.HasIndex(x => x.CategoryCode);
            e.Property(x => x.ValueType).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.TerritoryAggregation).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.TimeAggregation).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.MinValue).HasPrecision(DecimalPrecision, DecimalScale);
            e.Property(x => x.MaxValue).HasPrecision(DecimalPrecision, DecimalScale);
        });
        modelBuilder.Entity<RegimeEntity>(e =>
        {
            e.ToTable("regimes");
            e.HasIndex(x => new { x.Code, x.Version }).IsUnique();
            e.Property(x => x.Type).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Periodicity).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Classification).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<MetaEntity>(e =>
        {
            e.ToTable("nris_meta");
            e.HasKey(x => x.Key);
        });

        SubmissionModel.Configure(modelBuilder);
        Federation.FederationModel.Configure(modelBuilder);
        Oversight.OversightModel.Configure(modelBuilder);
        Exchange.ExchangeModel.Configure(modelBuilder);
        Requests.RequestModel.Configure(modelBuilder);
        Nris.Storage.Connectors.ConnectorModel.Configure(modelBuilder);
        ApplySnakeCase(modelBuilder);
    }

    private static void ConfigureIdentity(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<NrisUser>(e =>
        {
            e.ToTable("users");
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.DisplayName).HasMaxLength(256);
            e.HasIndex(x => x.OrganizationCode);
        });
        modelBuilder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        modelBuilder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        modelBuilder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(t => t.GetTableName()?.StartsWith("AspNet", StringComparison.Ordinal) == true).ToList())
        {
            // Identity versions add tables (passkeys in schema v3); they follow the same naming.
            entity.SetTableName("user_" + ToSnakeCase(entity.GetTableName()!["AspNetUser".Length..]) + "s");
        }

        modelBuilder.Entity<UserGrantEntity>(e =>
        {
            e.ToTable("user_grants");
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => x.OrganizationCode);
            e.Property(x => x.Role).HasMaxLength(32);
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.Ceiling).HasMaxLength(16);
            e.HasOne<NrisUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<ApiClientEntity>(e =>
        {
            e.ToTable("api_clients");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(32);
            e.Property(x => x.Name).HasMaxLength(256);
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.Role).HasMaxLength(32);
            e.Property(x => x.Ceiling).HasMaxLength(16);
            e.Property(x => x.KeyHash).HasMaxLength(64);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.HasIndex(x => x.OrganizationCode);
        });
        modelBuilder.Entity<AuditEventEntity>(e =>
        {
            e.ToTable("audit_events");
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.ActorOrganization).HasMaxLength(64);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.Target).HasMaxLength(256);
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.RemoteAddress).HasMaxLength(64);
            e.Property(x => x.Detail).HasMaxLength(2000);
            e.HasIndex(x => x.At);
            e.HasIndex(x => x.Actor);
            e.HasIndex(x => x.Action);
            e.HasIndex(x => x.OrganizationCode);
        });
    }

    private static void Versioned<T>(
        EntityTypeBuilder<T> e,
        string table,
        System.Linq.Expressions.Expression<Func<T, object?>> codeAndFrom,
        System.Linq.Expressions.Expression<Func<T, object?>> code)
        where T : class
    {
        e.HasIndex(codeAndFrom).IsUnique();
        // A unique index treats NULLs as distinct on both databases, so (code, NULL) alone would let two
        // open-started versions of one code in. This partial index closes that gap on SQLite and on any
        // PostgreSQL version (NULLS NOT DISTINCT needs PostgreSQL 15).
        e.HasIndex(code, $"ux_{table}_code_open_from").IsUnique().HasFilter("valid_from IS NULL");
    }

    // Both databases get the same lower-case names, so SQL written by hand (reports, psql, sqlite3) needs
    // no quoting. EFCore.NamingConventions is not on the package mirror, hence this small pass.
    private static void ApplySnakeCase(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName("pk_" + table);
            }

            foreach (var index in entity.GetIndexes().Where(i => i.Name is null))
            {
                index.SetDatabaseName("ix_" + table + "_" + string.Join("_", index.Properties.Select(p => ToSnakeCase(p.Name))));
            }
        }
    }

    internal static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

/// <summary>The embedded default: one SQLite file.</summary>
public sealed class SqliteNrisDbContext(DbContextOptions<SqliteNrisDbContext> options) : NrisDbContext(options)
{
    public override string ProviderName => NrisStorageOptions.Sqlite;
}

/// <summary>The server database.</summary>
public sealed class PostgresNrisDbContext(DbContextOptions<PostgresNrisDbContext> options) : NrisDbContext(options)
{
    public override string ProviderName => NrisStorageOptions.Postgres;
}
