using Microsoft.Data.Sqlite;
using Npgsql;
using Nris.Storage;
using Nris.Testing;

namespace Nris.Server.Tests.Aggregation;

/// <summary>The aggregation projection on a real SQLite file.</summary>
public sealed class SqliteProjectionTests : ProjectionSuite
{
    private readonly SqliteTestDatabase _file = new();

    protected override string Provider => NrisStorageOptions.Sqlite;

    protected override Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) => Task.FromResult(_file.ConnectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _file.Dispose();
    }
}

/// <summary>The aggregation projection on a database of the assembly's throwaway PostgreSQL cluster.</summary>
public sealed class PostgresProjectionTests(PostgresFixture postgres) : ProjectionSuite
{
    protected override string Provider => NrisStorageOptions.Postgres;

    protected override Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) => postgres.CreateDatabaseAsync(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }
}
