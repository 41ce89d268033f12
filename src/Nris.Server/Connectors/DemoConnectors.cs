using Microsoft.EntityFrameworkCore;
using Nris.Storage;

namespace Nris.Server.Connectors;

/// <summary>
/// The demo server's two live connections, created on its first start when the demo is on (<c>Nris:Demo</c>) and
/// <c>Nris:Demo:Connectors</c> is not false, and fed by <c>nris demo feed</c>:
/// <list type="bullet">
/// <item><c>demo-dvc-hanoi</c> (pull, JSON): Hà Nội's public-service portal, daily dossiers (DVC-NGAY), read from
/// <c>http://127.0.0.1:5090/dvc.json?after={cursor}</c> every minute;</item>
/// <item><c>demo-tngt-bca</c> (push, JSON): the Ministry of Public Security's daily traffic-accident report
/// (TNGT-BCA-NGAY) by transport mode, pushed by the feed with the key written to <see cref="KeyFile"/>.</item>
/// </list>
/// </summary>
public static class DemoConnectors
{
    public const string PullName = "demo-dvc-hanoi";
    public const string PushName = "demo-tngt-bca";
    public const string FeedAddress = "http://127.0.0.1:5090";

    /// <summary>Where the push key is written for the feed (relative to the working directory, like the SQLite file).</summary>
    public const string KeyFile = "data/demo-feed.key";

    /// <summary>The demo portal's metric names → our indicators.</summary>
    public static IReadOnlyDictionary<string, string> DvcMetrics { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tiep_nhan"] = "DOSSIERS_RECEIVED",
        ["truc_tuyen"] = "DOSSIERS_ONLINE",
        ["qua_cong_quoc_gia"] = "DOSSIERS_PORTAL",
        ["da_giai_quyet"] = "DOSSIERS_PROCESSED",
        ["dung_han"] = "DOSSIERS_ONTIME",
        ["thanh_toan_truc_tuyen"] = "ONLINE_PAYMENTS",
    };

    public static async Task EnsureAsync(WebApplication app, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var configuration = app.Configuration;
        if (!configuration.GetValue("Nris:Demo", true) || !configuration.GetValue("Nris:Demo:Connectors", true))
        {
            return;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
        if (await db.Connectors.AnyAsync(ct))
        {
            return;
        }
        // Where the feed listens and where its push key goes: overridable so a test (or a second demo on one machine)
        // can run the feed on other ports and folders.
        var feedAddress = (configuration["Nris:Demo:FeedAddress"] ?? FeedAddress).TrimEnd('/');
        var keyFile = configuration["Nris:Demo:FeedKeyFile"] ?? KeyFile;
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var pull = new ConnectorDefinition(PullName, ConnectorDefinition.PullKind, "json", "DVC-NGAY", "UBND.01",
            new ConnectorFields(Indicator: "chi_so", Period: "ngay", Value: "so_luong", Cursor: "id"),
            new ConnectorMapping(Indicators: DvcMetrics),
            Pull: new ConnectorPull(feedAddress + "/dvc.json?after={cursor}", IntervalSeconds: 60, TimeoutSeconds: 10),
            QuietAfterMinutes: 30, Description: "Cổng dịch vụ công Hà Nội (mô phỏng: nris demo feed) / Hà Nội public-service portal (simulated)");
        var push = new ConnectorDefinition(PushName, ConnectorDefinition.Push, "json", "TNGT-BCA-NGAY", "BCA",
            QuietAfterMinutes: 30, Description: "Hệ thống báo cáo nhanh tai nạn giao thông của Bộ Công an (mô phỏng) / Ministry of Public Security traffic-accident system (simulated)");
        var (pullEntity, _) = ConnectorEndpoints.New(pull, "system:demo", time);
        var (pushEntity, key) = ConnectorEndpoints.New(push, "system:demo", time);
        db.Connectors.AddRange(pullEntity, pushEntity);
        await db.SaveChangesAsync(ct);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        await File.WriteAllTextAsync(keyFile, key + Environment.NewLine, ct);
        app.Logger.LogWarning("Demo connectors {Pull} (pull from {Feed}) and {Push} (push; key in {KeyFile}) created; start the source with `dotnet run --project src/Nris.Cli -- demo feed`",
            PullName, feedAddress, PushName, Path.GetFullPath(keyFile));
    }
}
