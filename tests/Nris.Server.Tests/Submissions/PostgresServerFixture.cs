using Npgsql;
using Nris.Testing;

namespace Nris.Server.Tests.Submissions;

/// <summary>
/// A real Nris server like <see cref="NrisServerFixture"/>, on a database of its own throwaway PostgreSQL cluster, so
/// the HTTP submission tests also run on PostgreSQL. The historical statistics are not loaded (no test here needs them).
/// </summary>
public sealed class PostgresServerFixture : NrisServerFixture
{
    private PostgresCluster? _cluster;

    public PostgresServerFixture() => LoadHistory = false;

    protected override async Task<string[]> DatabaseArgumentsAsync(CancellationToken cancellationToken)
    {
        _cluster = await PostgresCluster.StartAsync(cancellationToken);
        var connectionString = await _cluster.CreateDatabaseAsync("nris_http", cancellationToken);
        return ["--Nris:Database:Provider=postgres", "--ConnectionStrings:Nris=" + connectionString];
    }

    protected override async ValueTask DisposeDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
