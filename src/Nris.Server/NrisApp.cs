namespace Nris.Server;

/// <summary>Builds the Nris web application; used by Program, the `nris serve` command and the tests.</summary>
public static class NrisApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
        return app;
    }
}
