using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Nris.Storage;

/// <summary>
/// Creates the context for the configured provider. Registered as <see cref="IDbContextFactory{TContext}"/> so that
/// background work (jobs, bulk loads) can open short-lived contexts outside a request scope.
/// </summary>
public sealed class NrisDbContextFactory : IDbContextFactory<NrisDbContext>
{
    private readonly Func<NrisDbContext> _create;

    public NrisDbContextFactory(NrisStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        switch (NrisStorageOptions.Normalize(options.Provider))
        {
            case NrisStorageOptions.Sqlite:
                var sqlite = BuildSqlite(options.ConnectionString);
                _create = () => new SqliteNrisDbContext(sqlite);
                break;
            default:
                var postgres = BuildPostgres(options.ConnectionString);
                _create = () => new PostgresNrisDbContext(postgres);
                break;
        }
    }

    /// <summary>The options this factory was built from.</summary>
    public NrisStorageOptions Options { get; }

    /// <inheritdoc />
    public NrisDbContext CreateDbContext() => _create();

    /// <summary>SQLite context options; creates the directory of the database file if it is missing.</summary>
    public static DbContextOptions<SqliteNrisDbContext> BuildSqlite(string connectionString)
    {
        EnsureSqliteDirectory(connectionString);
        return new DbContextOptionsBuilder<SqliteNrisDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(SqlitePragmas.Instance)
            .Options;
    }

    /// <summary>PostgreSQL context options.</summary>
    public static DbContextOptions<PostgresNrisDbContext> BuildPostgres(string connectionString) =>
        new DbContextOptionsBuilder<PostgresNrisDbContext>()
            .UseNpgsql(connectionString)
            .Options;

    // SQLite creates the file but not its directory; "./data" is missing on a fresh checkout or install.
    private static void EnsureSqliteDirectory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (string.IsNullOrWhiteSpace(dataSource) ||
            builder.Mode == SqliteOpenMode.Memory ||
            dataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase) ||
            dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
