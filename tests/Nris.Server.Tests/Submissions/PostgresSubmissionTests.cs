using Npgsql;
using Nris.Storage;
using Nris.Testing;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

namespace Nris.Server.Tests.Submissions;

/// <summary>The submission engine on a database of the assembly's throwaway PostgreSQL cluster.</summary>
public sealed class PostgresSubmissionTests(PostgresFixture postgres) : SubmissionSuite
{
    protected override string Provider => NrisStorageOptions.Postgres;

    protected override int MinimumMutations => 500;

    protected override Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) => postgres.CreateDatabaseAsync(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }
}
