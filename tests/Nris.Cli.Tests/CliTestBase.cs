namespace Nris.Cli.Tests;

/// <summary>Runs the real `nris` command in-process against a real SQLite file in a temp folder of its own.</summary>
public abstract class CliTestBase : IDisposable
{
    protected CliTestBase() => Directory.CreateDirectory(Folder);

    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "nris-cli-tests-" + Guid.NewGuid().ToString("N"));

    protected string Connection => $"Data Source={Path.Combine(Folder, "nris.db")}";

    protected async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await NrisCli.RunAsync([.. args, "--connection", Connection], output, error, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp cleaner removes what a still-open handle kept.
        }

        GC.SuppressFinalize(this);
    }
}
