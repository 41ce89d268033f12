using Microsoft.Data.Sqlite;

namespace Nris.Testing;

/// <summary>A real SQLite file in its own temporary directory, deleted with the directory on dispose.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    public SqliteTestDatabase()
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "nris-sqlite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DirectoryPath);
        FilePath = Path.Combine(DirectoryPath, "nris.db");
    }

    /// <summary>The temporary directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The database file (created on first open).</summary>
    public string FilePath { get; }

    /// <summary>Connection string for <see cref="FilePath"/>.</summary>
    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = FilePath }.ConnectionString;

    public void Dispose()
    {
        // Pooled connections keep the file (and its -wal/-shm companions) open; close them before deleting.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
