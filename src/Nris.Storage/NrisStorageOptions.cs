using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Nris.Storage;

/// <summary>Which database Nris uses and how to reach it.</summary>
public sealed class NrisStorageOptions
{
    /// <summary>Provider name of the embedded SQLite database (the default).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>Provider name of PostgreSQL.</summary>
    public const string Postgres = "postgres";

    /// <summary>Configuration key of the provider (environment: <c>Nris__Database__Provider</c>).</summary>
    public const string ProviderKey = "Nris:Database:Provider";

    /// <summary>Name under <c>ConnectionStrings</c> (environment: <c>ConnectionStrings__Nris</c>).</summary>
    public const string ConnectionStringName = "Nris";

    /// <summary>Where the embedded database lives when nothing else is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=./data/nris.db";

    /// <summary>"sqlite" (default) or "postgres"; compared case-insensitively, stored lower-case.</summary>
    public string Provider { get; init; } = Sqlite;

    /// <summary>ADO.NET connection string for the provider.</summary>
    public string ConnectionString { get; init; } = DefaultSqliteConnectionString;

    /// <summary>
    /// The full path of the SQLite file <see cref="ConnectionString"/> names, or null when it names none that files can
    /// be put next to: another provider, an in-memory or shared-cache database, or a <c>file:</c> URI.
    /// </summary>
    public string? SqliteFilePath()
    {
        if (Provider != Sqlite)
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder(ConnectionString);
        var dataSource = builder.DataSource;
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrWhiteSpace(dataSource) ||
            dataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase) || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null
            : Path.GetFullPath(dataSource);
    }

    /// <summary>
    /// Reads <see cref="ProviderKey"/> and <c>ConnectionStrings:Nris</c>. A missing provider means SQLite; a missing
    /// connection string is only allowed for SQLite, which then uses <see cref="DefaultSqliteConnectionString"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider is unknown, or PostgreSQL has no connection string.</exception>
    public static NrisStorageOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = Normalize(configuration[ProviderKey]);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider == Postgres)
            {
                throw new InvalidOperationException(
                    $"Database provider '{Postgres}' needs a connection string: set ConnectionStrings:{ConnectionStringName} " +
                    $"(environment variable ConnectionStrings__{ConnectionStringName}).");
            }

            connectionString = DefaultSqliteConnectionString;
        }

        return new NrisStorageOptions { Provider = provider, ConnectionString = connectionString };
    }

    /// <summary>Maps a configured provider name to <see cref="Sqlite"/> or <see cref="Postgres"/>.</summary>
    /// <exception cref="InvalidOperationException">The name is neither.</exception>
    public static string Normalize(string? provider)
    {
        if (string.IsNullOrWhiteSpace(provider))
        {
            return Sqlite;
        }

        var trimmed = provider.Trim();
        if (string.Equals(trimmed, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            return Sqlite;
        }

        // People write the server database in several ways; all mean the same provider.
        if (string.Equals(trimmed, Postgres, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(trimmed, "postgresql", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(trimmed, "npgsql", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres;
        }

        throw new InvalidOperationException(
            $"Unknown database provider '{trimmed}' in {ProviderKey}: use '{Sqlite}' (the default) or '{Postgres}'.");
    }
}
