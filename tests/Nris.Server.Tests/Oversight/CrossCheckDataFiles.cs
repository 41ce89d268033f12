using System.Text.Json;

namespace Nris.Server.Tests.Oversight;

/// <summary>
/// A data directory of a test's own for a server started with <c>--Nris:DataFiles</c>: the shipped reference data,
/// demo catalogue and targets (linked, not copied) and the shipped demo cross-check rules, plus one more rule file
/// (<c>test.json</c>) holding the given rules. Deleted with the test.
/// </summary>
public sealed class CrossCheckDataFiles : IDisposable
{
    public CrossCheckDataFiles(params object[] rules)
    {
        var shipped = AppContext.BaseDirectory;
        Directory.CreateDirectory(Path.Combine(Root, "catalogue", "cross-checks"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "reference"), Path.Combine(shipped, "reference"));
        foreach (var dir in new[] { "demo", "targets" })
        {
            Directory.CreateSymbolicLink(Path.Combine(Root, "catalogue", dir), Path.Combine(shipped, "catalogue", dir));
        }

        File.Copy(Path.Combine(shipped, "catalogue", "cross-checks", "demo.json"), Path.Combine(Root, "catalogue", "cross-checks", "demo.json"));
        File.WriteAllText(Path.Combine(Root, "catalogue", "cross-checks", "test.json"), JsonSerializer.Serialize(new { crossChecks = rules }));
    }

    /// <summary>The directory to pass as <c>--Nris:DataFiles</c>.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "nris-xc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp reaper; no result depends on it.
        }
    }
}
