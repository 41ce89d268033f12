using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Nris.Storage.Tests;

public sealed class NrisStorageOptionsTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    [Fact]
    public void Nothing_configured_means_sqlite_under_data()
    {
        var options = NrisStorageOptions.FromConfiguration(Config());
        Assert.Equal("sqlite", options.Provider);
        Assert.Equal("Data Source=./data/nris.db", options.ConnectionString);
    }

    [Fact]
    public void Provider_and_connection_string_come_from_their_keys()
    {
        var options = NrisStorageOptions.FromConfiguration(Config(
            ("Nris:Database:Provider", "PostgreSQL"),
            ("ConnectionStrings:Nris", "Host=db;Database=nris")));
        Assert.Equal("postgres", options.Provider);
        Assert.Equal("Host=db;Database=nris", options.ConnectionString);
    }

    [Fact]
    public void Environment_variables_override_appsettings()
    {
        // A unique prefix keeps this test's variables away from every other test and from the real environment.
        var prefix = "NRISTEST_" + Guid.NewGuid().ToString("N") + "_";
        Environment.SetEnvironmentVariable(prefix + "Nris__Database__Provider", "postgres");
        Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__Nris", "Host=from-env;Database=nris");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Nris:Database:Provider"] = "sqlite",
                    ["ConnectionStrings:Nris"] = "Data Source=appsettings.db",
                })
                .AddEnvironmentVariables(prefix)
                .Build();
            var options = NrisStorageOptions.FromConfiguration(configuration);
            Assert.Equal("postgres", options.Provider);
            Assert.Equal("Host=from-env;Database=nris", options.ConnectionString);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Nris__Database__Provider", null);
            Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__Nris", null);
        }
    }

    [Fact]
    public void An_unknown_provider_is_named_with_the_accepted_values()
    {
        var e = Assert.Throws<InvalidOperationException>(
            () => NrisStorageOptions.FromConfiguration(Config(("Nris:Database:Provider", "mysql"))));
        Assert.Contains("'mysql'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'sqlite'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'postgres'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Nris:Database:Provider", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(
            () => NrisStorageOptions.FromConfiguration(Config(("Nris:Database:Provider", "postgres"))));
        Assert.Contains("ConnectionStrings__Nris", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNrisStorage_registers_the_context_of_the_configured_provider()
    {
        var directory = Path.Combine(Path.GetTempPath(), "nris-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            var sqlite = Config(("ConnectionStrings:Nris", "Data Source=" + Path.Combine(directory, "nris.db")));
            using (var provider = new ServiceCollection().AddNrisStorage(sqlite).BuildServiceProvider())
            using (var scope = provider.CreateScope())
            {
                Assert.IsType<SqliteNrisDbContext>(scope.ServiceProvider.GetRequiredService<NrisDbContext>());
                Assert.Equal("sqlite", scope.ServiceProvider.GetRequiredService<NrisDatabase>().ProviderName);
                Assert.NotNull(scope.ServiceProvider.GetRequiredService<CatalogueStore>());
                using var background = provider.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContext();
                Assert.IsType<SqliteNrisDbContext>(background);
            }

            Assert.True(Directory.Exists(directory));

            var postgres = Config(("Nris:Database:Provider", "postgres"), ("ConnectionStrings:Nris", "Host=127.0.0.1;Database=nris"));
            using (var provider = new ServiceCollection().AddNrisStorage(postgres).BuildServiceProvider())
            using (var scope = provider.CreateScope())
            {
                Assert.IsType<PostgresNrisDbContext>(scope.ServiceProvider.GetRequiredService<NrisDbContext>());
                Assert.Equal("postgres", scope.ServiceProvider.GetRequiredService<NrisDatabase>().ProviderName);
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
