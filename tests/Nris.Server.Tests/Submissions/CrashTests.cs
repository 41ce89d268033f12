using Nris.Storage;
using Nris.Testing;

namespace Nris.Server.Tests.Submissions;

/// <summary>The SIGKILL crash test on a SQLite file (WAL, Nris's pragmas) the test owns.</summary>
public sealed class SqliteCrashTests : CrashSuite
{
    protected override string Provider => NrisStorageOptions.Sqlite;

    protected override Task<string> CreateDatabaseAsync(string directory, CancellationToken cancellationToken) =>
        Task.FromResult($"Data Source={Path.Combine(directory, "nris.db")}");
}

/// <summary>The SIGKILL crash test on a database of the assembly's throwaway PostgreSQL cluster.</summary>
public sealed class PostgresCrashTests(PostgresFixture postgres) : CrashSuite
{
    protected override string Provider => NrisStorageOptions.Postgres;

    protected override Task<string> CreateDatabaseAsync(string directory, CancellationToken cancellationToken) =>
        postgres.CreateDatabaseAsync(cancellationToken);
}
