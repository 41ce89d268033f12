namespace Nris.Server.Oversight;

/// <summary>Registers the oversight views, services and follower.</summary>
public static class OversightServices
{
    public static IServiceCollection AddOversight(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.AddSingleton<ComplianceProjection>();
        services.AddSingleton<ComplianceService>();
        services.AddSingleton<ReminderService>();
        services.AddSingleton<TargetService>();
        services.AddSingleton<CrossCheckService>();
        services.AddSingleton<AnomalyService>();
        services.AddSingleton<HotIssuesService>();
        services.AddHostedService<OversightFollower>();
        return services;
    }
}
