using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nris.Server;

namespace Nris.Cli;

/// <summary>
/// The same configuration and services as the server (appsettings.json next to the binary, then environment
/// variables, then the command's --provider/--connection), so `nris` and `nris serve` always agree on the database.
/// </summary>
internal static class CliServices
{
    public static IConfiguration Configuration(string? provider, string? connection)
    {
        var overrides = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(provider))
        {
            overrides["Nris:Database:Provider"] = provider;
        }

        if (!string.IsNullOrWhiteSpace(connection))
        {
            overrides["ConnectionStrings:Nris"] = connection;
        }

        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
    }

    public static ServiceProvider Build(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        NrisApp.AddServices(services, configuration);
        return services.BuildServiceProvider();
    }
}
