using Xunit;

namespace Nris.Testing;

/// <summary>
/// One PostgreSQL cluster for a whole test assembly: register with
/// <c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c> and take it in a test class constructor.
/// Starting a cluster costs about a second; a database per test is cheap.
/// If PostgreSQL is missing, starting throws and every test that uses the fixture fails (never skips).
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL fixture is not started.");

    /// <summary>Creates a fresh database named <c>t_&lt;guid&gt;</c> and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) =>
        Cluster.CreateDatabaseAsync("t_" + Guid.NewGuid().ToString("N"), cancellationToken);

    /// <inheritdoc />
    public async ValueTask InitializeAsync() =>
        _cluster = await PostgresCluster.StartAsync(TestContext.Current.CancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
