using Microsoft.Data.Sqlite;
using Nris.Storage;
using Nris.Testing;

namespace Nris.Server.Tests.Submissions;

/// <summary>The submission engine on a real SQLite file.</summary>
public sealed class SqliteSubmissionTests : SubmissionSuite
{
    private readonly SqliteTestDatabase _file = new();

    protected override string Provider => NrisStorageOptions.Sqlite;

    protected override int MinimumMutations => 2000;

    protected override Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) => Task.FromResult(_file.ConnectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _file.Dispose();
    }
}
