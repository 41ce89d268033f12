using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Nris.Testing;

namespace Nris.Storage.Tests;

/// <summary>The storage suite on a real SQLite file.</summary>
public sealed class SqliteStorageTests : StorageSuite
{
    private readonly SqliteTestDatabase _file = new();

    protected override string Provider => NrisStorageOptions.Sqlite;

    protected override Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) => Task.FromResult(_file.ConnectionString);

    protected override void ClosePools() => SqliteConnection.ClearAllPools();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task The_file_is_in_wal_mode_with_foreign_keys_on()
    {
        await using var db = await MigratedAsync();
        Assert.True(File.Exists(_file.FilePath));
        Assert.Equal("wal", await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode").SingleAsync(Ct));
        Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT foreign_keys AS \"Value\" FROM pragma_foreign_keys").SingleAsync(Ct));
    }

    [Fact]
    public async Task The_directory_of_the_database_file_is_created()
    {
        var path = Path.Combine(_file.DirectoryPath, "data", "nested", "nris.db");
        var factory = new NrisDbContextFactory(new NrisStorageOptions { ConnectionString = "Data Source=" + path });
        await using (var db = factory.CreateDbContext())
        {
            await new NrisDatabase(db).MigrateAsync(Ct);
        }

        Assert.True(File.Exists(path));
    }
}
