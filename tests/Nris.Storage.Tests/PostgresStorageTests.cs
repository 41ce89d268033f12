using Npgsql;
using Nris.Testing;

namespace Nris.Storage.Tests;

/// <summary>The storage suite on a database of the assembly's throwaway PostgreSQL cluster.</summary>
public sealed class PostgresStorageTests(PostgresFixture postgres) : StorageSuite
{
    protected override string Provider => NrisStorageOptions.Postgres;

    protected override Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) =>
        postgres.CreateDatabaseAsync(cancellationToken);

    protected override void ClosePools() => NpgsqlConnection.ClearAllPools();
}
