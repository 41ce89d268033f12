using Npgsql;
using Nris.Testing;

namespace Nris.Storage.Tests;

/// <summary>The throwaway cluster itself: it must really run PostgreSQL and really clean up.</summary>
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task A_cluster_answers_queries_and_its_directory_is_removed_on_dispose()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await PostgresCluster.StartAsync(ct);
        var directory = cluster.DirectoryPath;
        try
        {
            Assert.True(Directory.Exists(directory));
            var connectionString = await cluster.CreateDatabaseAsync("t_cluster_test", ct);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand("select version()", connection);
                var version = (string?)await command.ExecuteScalarAsync(ct);
                Assert.StartsWith("PostgreSQL", version, StringComparison.Ordinal);
                TestContext.Current.TestOutputHelper?.WriteLine(version ?? string.Empty);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.False(Directory.Exists(directory));
    }
}
