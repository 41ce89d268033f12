using Npgsql;
using Nris.Storage;
using Nris.Testing;
using SQLitePCL;

namespace Nris.Server.Tests.Submissions;

/// <summary>The SIGKILL crash test on a SQLite file (WAL, Nris's pragmas) the test owns.</summary>
public sealed class SqliteCrashTests : CrashSuite
{
    protected override string Provider => NrisStorageOptions.Sqlite;

    protected override Task<string> CreateDatabaseAsync(string directory, CancellationToken cancellationToken) =>
        Task.FromResult($"Data Source={Path.Combine(directory, "nris.db")}");

    /// <summary>
    /// SQLite has one writer at a time: BEGIN IMMEDIATE on a raw connection without a busy timeout fails with SQLITE_BUSY
    /// exactly while another connection holds the write lock, i.e. while the server is inside a write transaction.
    /// (Microsoft.Data.Sqlite would retry instead of answering at once, so the raw API is used.)
    /// </summary>
    protected override Task<bool> WriteInProgressAsync(string connectionString, CancellationToken cancellationToken)
    {
        Batteries_V2.Init();
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READWRITE, null);
        try
        {
            if (rc != raw.SQLITE_OK)
            {
                throw new InvalidOperationException($"open {path}: {rc}");
            }
            rc = raw.sqlite3_exec(db, "BEGIN IMMEDIATE");
            if (rc == raw.SQLITE_OK)
            {
                raw.sqlite3_exec(db, "ROLLBACK");
                return Task.FromResult(false);
            }
            return rc == raw.SQLITE_BUSY ? Task.FromResult(true) : throw new InvalidOperationException($"BEGIN IMMEDIATE on {path}: {rc}");
        }
        finally
        {
            db?.Dispose();
        }
    }
}

/// <summary>The SIGKILL crash test on a database of the assembly's throwaway PostgreSQL cluster.</summary>
public sealed class PostgresCrashTests(PostgresFixture postgres) : CrashSuite
{
    protected override string Provider => NrisStorageOptions.Postgres;

    protected override Task<string> CreateDatabaseAsync(string directory, CancellationToken cancellationToken) =>
        postgres.CreateDatabaseAsync(cancellationToken);

    /// <summary>A backend of this database with a transaction id has written in a transaction that is still open.</summary>
    protected override async Task<bool> WriteInProgressAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL",
            connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }
}
