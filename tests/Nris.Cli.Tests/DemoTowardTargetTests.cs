using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Oversight;
using Nris.Server;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Server.Oversight;
using Nris.Storage;

namespace Nris.Cli.Tests;

/// <summary>
/// `nris demo generate --plant toward-target`: demo targets for the last year are written as <c>target.set</c> ledger
/// entries and every province revises four of that year's reports through the revision path; the planted provinces'
/// revisions move toward their targets. Over the stored data, the anomaly service flags exactly the planted provinces.
/// </summary>
public sealed class DemoTowardTargetTests : CliTestBase
{
    [Fact]
    public async Task Planted_revisions_toward_the_targets_are_stored_and_found_over_the_stored_data()
    {
        var ct = TestContext.Current.CancellationToken;
        var truthFile = Path.Combine(Folder, "truth.json");
        var run = await RunAsync("demo", "generate", "--only", "KTXH-TINH-THANG", "--until", "2026-06-30", "--seed", "5",
            "--plant", "toward-target", "--plant-rate", "0.1", "--truth", truthFile);
        Assert.True(run.Exit == 0, run.Out + run.Err);
        Assert.Contains("Set 136 demo targets for 2026 and revised", run.Out, StringComparison.Ordinal);
        Assert.Contains(" (0 not revised)", run.Out, StringComparison.Ordinal);

        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(truthFile, ct));
        Assert.Empty(truth.RootElement.GetProperty("planted").EnumerateArray());
        var planted = truth.RootElement.GetProperty("towardTarget").EnumerateArray().ToList();
        Assert.Equal(3, planted.Count);
        Assert.All(planted, p => Assert.Equal(4, p.GetProperty("revised").GetArrayLength()));

        var configuration = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Nris:Database:Provider"] = "sqlite", ["ConnectionStrings:Nris"] = Connection })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        NrisApp.AddServices(services, configuration);
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<NrisBootstrap>().RunAsync(ct);
        var snapshot = provider.GetRequiredService<CatalogueState>().Current;
        await using var db = await provider.GetRequiredService<IDbContextFactory<NrisDbContext>>().CreateDbContextAsync(ct);
        var flags = (await provider.GetRequiredService<AnomalyService>().ScanAsync(db, snapshot, snapshot.LatestRegime("KTXH-TINH-THANG")!, ct))
            .Where(f => f.Detector == Detectors.TowardTarget).ToList();
        Assert.Equal(planted.Select(p => p.GetProperty("reporter").GetString()).Order(StringComparer.Ordinal),
            flags.Select(f => f.Reporter).Order(StringComparer.Ordinal));
        Assert.All(flags, f => Assert.Contains("DEMO-TT-2026-", f.ExplanationEn, StringComparison.Ordinal));
    }
}
