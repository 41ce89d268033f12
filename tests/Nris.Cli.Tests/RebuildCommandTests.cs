using Microsoft.Data.Sqlite;

namespace Nris.Cli.Tests;

/// <summary>`nris rebuild` on a real SQLite file: counts and time, and --check catching a view that left the ledger.</summary>
public sealed class RebuildCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nris-cli-rebuild-" + Guid.NewGuid().ToString("N"));

    public RebuildCommandTests() => Directory.CreateDirectory(_directory);

    private string Connection => $"Data Source={Path.Combine(_directory, "nris.db")}";

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await NrisCli.RunAsync([.. args, "--connection", Connection], output, error, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Rebuild_prints_counts_and_check_fails_on_a_current_value_the_ledger_never_wrote()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, (await RunAsync("init")).Exit);
        var empty = await RunAsync("rebuild", "--check");
        Assert.True(empty.Exit == 0, empty.Err);
        Assert.Contains("Rebuilt up to ledger entry 0: 0 current values, 0 facts", empty.Out, StringComparison.Ordinal);
        Assert.Contains("OK: replaying 0 ledger entries", empty.Out, StringComparison.Ordinal);

        // A value written behind the ledger's back: the rebuild aggregates it, the check names it.
        await using (var connection = new SqliteConnection(Connection))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO reports (regime_code, period, reporter_code, regime_version, state, current_version, recipient_code, last_ledger_sequence, created_us, updated_us) " +
                "VALUES ('GRDP-TINH-QUY', '2026-Q1', 'UBND.01', 1, 'Submitted', 1, 'CTK', 0, 0, 0);" +
                "INSERT INTO current_values (indicator_code, disaggregation, territory_code, period, source, number, status, report_id, report_version_id, version, ledger_sequence) " +
                "VALUES ('GRDP', '_T', '01', '2026-Q1', 'UBND.01', 42, 'Official', last_insert_rowid(), 0, 1, 0);";
            await command.ExecuteNonQueryAsync(ct);
        }

        SqliteConnection.ClearAllPools();
        var plain = await RunAsync("rebuild");
        Assert.True(plain.Exit == 0, plain.Err);
        Assert.Contains("1 current values, 1 facts", plain.Out, StringComparison.Ordinal);
        var check = await RunAsync("rebuild", "--check");
        Assert.Equal(1, check.Exit);
        Assert.Contains("GRDP/_T/01/2026-Q1/UBND.01: stored 42", check.Err, StringComparison.Ordinal);
        Assert.Contains("KHÔNG KHỚP", check.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
