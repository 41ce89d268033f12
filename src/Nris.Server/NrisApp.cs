using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Nris.Server.Aggregation;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Components;
using Nris.Server.Hosting;
using Nris.Server.Jobs;
using Nris.Server.Ledger;
using Nris.Server.Oversight;
using Nris.Server.Submissions;
using Nris.Storage;

namespace Nris.Server;

/// <summary>Builds the Nris web application; used by Program, the `nris serve` command and the tests.</summary>
public static class NrisApp
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The content root is where the binaries and their data files are, not wherever the process was started.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Requests larger than this are refused before they are read (Nris:Limits:MaxRequestBodyBytes, default 32 MB).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize =
            builder.Configuration.GetValue<long>("Nris:Limits:MaxRequestBodyBytes", 32L * 1024 * 1024));
        AddServices(builder.Services, builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        UsePipeline(app);
        return app;
    }

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddNrisStorage(configuration);
        services.AddSingleton<CatalogueState>();
        services.AddSingleton<NrisBootstrap>();
        services.AddSingleton<ICredentialAnnouncer, ConsoleCredentialAnnouncer>();
        services.AddNrisSecurity(configuration);
        services.AddSingleton(sp => LedgerOptions.FromConfiguration(configuration, sp.GetRequiredService<NrisStorageOptions>()));
        services.AddSingleton<CheckpointService>();
        services.AddScoped<LedgerVerifyService>();
        services.AddScoped<SubmissionService>();
        services.AddScoped<CatalogueAdministration>();
        services.AddSingleton<LedgerNotifier>();
        services.AddSingleton(sp => ValuesImage.FromConfiguration(configuration, sp.GetRequiredService<NrisStorageOptions>(), sp.GetRequiredService<LedgerOptions>()));
        services.AddSingleton<AggregationProjection>();
        services.AddHostedService<AggregationFollower>();
        services.AddOversight(configuration);
        Requests.RequestServices.AddRequests(services, configuration);
        services.AddSingleton<ReporterSignatures>();
        services.AddSingleton<HistoricalStatisticsLoader>();
        services.AddSingleton(Federation.FederationOptions.FromConfiguration(configuration));
        services.AddScoped<Federation.FederationReceiver>();
        services.AddHttpClient(Federation.FederationOutbox.HttpClientName);
        services.AddHostedService<Federation.FederationOutbox>();
        services.AddHostedService<Federation.CatalogueSubscription>();
        services.AddSingleton<Demo.DemoLoader>();
        services.AddSingleton<Demo.BulkDemoLoader>();
        // Live connections (issue #9): push and pull connectors, their health and quiet-feed alerts.
        services.Configure<Connectors.ConnectorOptions>(configuration.GetSection(Connectors.ConnectorOptions.Section));
        services.AddScoped<Connectors.ConnectorIngest>();
        services.AddHttpClient(Connectors.ConnectorPuller.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHostedService<Connectors.ConnectorPuller>();
        services.AddSingleton<Sdmx.SdmxCatalogue>();
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Nris — National Reporting Information System API";
            doc.Info.Description = "Hệ thống thông tin báo cáo quốc gia. Every error is an RFC 9457 problem document in English (title, detail) and Vietnamese (titleVi, detailVi).";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks();
        // The web application (Components/): statically rendered pages; live updates through the SignalR hub in Live/.
        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Components.UiContext>();
        services.AddSignalR();
        services.AddSingleton<Live.LiveFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<Live.LiveFeed>());
    }

    private static void UsePipeline(WebApplication app)
    {
        // Unhandled exceptions become a bare 500 problem: never a stack trace or SQL in a response.
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var feature = context.Features.Get<IExceptionHandlerFeature>();
            var (status, result) = feature?.Error is BadHttpRequestException bad
                ? (bad.StatusCode, Problems.Create(bad.StatusCode, "bad-request", "Invalid request", "Yêu cầu không hợp lệ",
                    "The request could not be read: " + bad.Message, "Không đọc được yêu cầu: " + bad.Message))
                : (StatusCodes.Status500InternalServerError, Problems.Create(500, "internal", "Internal error", "Lỗi hệ thống",
                    "The server could not complete the request. The error was logged.",
                    "Máy chủ không xử lý được yêu cầu. Lỗi đã được ghi lại."));
            context.Response.StatusCode = status;
            await result.ExecuteAsync(context);
        }));
        app.UseStatusCodePages(async ctx =>
        {
            var status = ctx.HttpContext.Response.StatusCode;
            var result = status switch
            {
                StatusCodes.Status404NotFound => Problems.Create(404, "not-found", "Not found", "Không tìm thấy",
                    $"There is no resource at {Query.Truncate(ctx.HttpContext.Request.Path)}.",
                    $"Không có tài nguyên tại {Query.Truncate(ctx.HttpContext.Request.Path)}."),
                StatusCodes.Status401Unauthorized => Problems.Create(401, "unauthorized", "Authentication required", "Cần xác thực",
                    "Sign in, or send a valid API key (Authorization: Bearer nris_…). A revoked or expired key is refused.",
                    "Hãy đăng nhập hoặc gửi khóa API hợp lệ (Authorization: Bearer nris_…). Khóa đã thu hồi hoặc hết hạn bị từ chối."),
                StatusCodes.Status403Forbidden => Problems.Create(403, "forbidden", "Forbidden", "Không có quyền",
                    "Your roles do not allow this, or your password must be changed first (POST /api/auth/change-password).",
                    "Vai trò của bạn không cho phép việc này, hoặc bạn cần đổi mật khẩu trước (POST /api/auth/change-password)."),
                StatusCodes.Status429TooManyRequests => Problems.Create(429, "too-many-requests", "Too many requests", "Quá nhiều yêu cầu",
                    "Too many attempts from this address; wait a minute and try again.",
                    "Quá nhiều lần thử từ địa chỉ này; vui lòng đợi một phút rồi thử lại."),
                _ => Problems.Create(status, "http-" + status, ReasonPhrase(status), ReasonPhrase(status),
                    $"The request failed with status {status}.", $"Yêu cầu thất bại với mã {status}."),
            };
            await result.ExecuteAsync(ctx.HttpContext);
        });

        app.UseNrisSecurity();
        // The web application's files (wwwroot: our CSS/JS, npm dist files, province maps); public, like any web page's assets.
        app.UseStaticFiles();
        app.UseWebApplicationGuards();
        app.UseAntiforgery();
        app.MapOpenApi("/openapi/{documentName}.json").RequireNrisAccess(NrisAccess.Public);
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Nris API v1");
            o.DocumentTitle = "Nris API";
        });
        app.MapHealthChecks("/health").RequireNrisAccess(NrisAccess.Public);
        app.MapCatalogueEndpoints();
        app.MapAuthEndpoints();
        app.MapAdminEndpoints();
        app.MapCatalogueAdminEndpoints();
        app.MapAuditEndpoints();
        app.MapDataEndpoints();
        app.MapSubmissionEndpoints();
        app.MapLedgerEndpoints();
        app.MapProvenanceEndpoints();
        Federation.FederationEndpoints.MapFederationEndpoints(app);
        app.MapOversightEndpoints();
        Requests.RequestEndpoints.MapRequestEndpoints(app);
        Sdmx.SdmxEndpoints.MapSdmxEndpoints(app);
        Exchange.ExchangeEndpoints.MapExchangeEndpoints(app);
        Exchange.ExchangeMappingEndpoints.MapExchangeMappingEndpoints(app);
        Connectors.ConnectorEndpoints.MapConnectorEndpoints(app);
        app.MapWebApplication();
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    /// <summary>Migrates the database, loads reference data and the demo catalogue when empty, and warms the catalogue.</summary>
    public static Task PrepareAsync(WebApplication app, CancellationToken cancellationToken = default) =>
        app.Services.GetRequiredService<NrisBootstrap>().RunAsync(cancellationToken);
}
