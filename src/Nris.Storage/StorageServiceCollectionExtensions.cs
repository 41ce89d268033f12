using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Nris.Storage;

/// <summary>Registers Nris storage in a service collection.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers storage configured from <paramref name="configuration"/> (see <see cref="NrisStorageOptions.FromConfiguration"/>).
    /// The configuration is read now, so a bad provider fails at startup rather than on the first request.
    /// </summary>
    public static IServiceCollection AddNrisStorage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddNrisStorage(NrisStorageOptions.FromConfiguration(configuration));

    /// <summary>
    /// Registers <see cref="NrisStorageOptions"/>, <see cref="IDbContextFactory{NrisDbContext}"/> (singleton, for background
    /// work), <see cref="NrisDbContext"/> (scoped), <see cref="NrisDatabase"/> and <see cref="CatalogueStore"/> (scoped).
    /// </summary>
    public static IServiceCollection AddNrisStorage(this IServiceCollection services, NrisStorageOptions options)
    {
        var factory = new NrisDbContextFactory(options);
        services.AddSingleton(factory.Options);
        services.AddSingleton<IDbContextFactory<NrisDbContext>>(factory);
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContext());
        services.AddScoped<NrisDatabase>();
        services.AddScoped<CatalogueStore>();
        return services;
    }
}
