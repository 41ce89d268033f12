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

    [Fact]
    public void Without_postgresql_the_error_says_how_to_install_it()
    {
        var empty = Directory.CreateTempSubdirectory("nris-nopg-");
        try
        {
            var e = Assert.Throws<InvalidOperationException>(
                () => PostgresCluster.FindBinDirectory(empty.FullName, Path.Combine(empty.FullName, "postgresql")));
            Assert.Contains("PostgreSQL is not installed: apt-get install postgresql", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Off_path_the_highest_installed_version_is_used()
    {
        var root = Directory.CreateTempSubdirectory("nris-fakepg-");
        try
        {
            foreach (var version in new[] { "9.6", "15", "13" })
            {
                var bin = Directory.CreateDirectory(Path.Combine(root.FullName, version, "bin")).FullName;
                File.WriteAllText(Path.Combine(bin, "initdb"), string.Empty);
                File.WriteAllText(Path.Combine(bin, "pg_ctl"), string.Empty);
            }

            // Version 16 lacks pg_ctl, so it cannot run a cluster and must be passed over.
            var partial = Directory.CreateDirectory(Path.Combine(root.FullName, "16", "bin")).FullName;
            File.WriteAllText(Path.Combine(partial, "initdb"), string.Empty);

            Assert.Equal(Path.Combine(root.FullName, "15", "bin"), PostgresCluster.FindBinDirectory(string.Empty, root.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
