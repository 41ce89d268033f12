using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Nris.Cli.Tests;

/// <summary>`nris demo generate` on a real SQLite file: reports go through the ledger, so verify and rebuild --check hold.</summary>
public sealed class DemoCommandTests : CliTestBase
{
    [Fact]
    public async Task Generated_reports_are_in_the_ledger_the_current_values_and_a_signed_checkpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var generated = await RunAsync("demo", "generate", "--values", "25000", "--seed", "11");
        Assert.True(generated.Exit == 0, generated.Err);
        var counts = Regex.Match(generated.Out, @"Submitted ([\d,]+) reports with ([\d,]+) values .* 0 refused\); checkpoint at ledger entry (\d+)");
        Assert.True(counts.Success, generated.Out + generated.Err);
        var values = long.Parse(counts.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var checkpoint = long.Parse(counts.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.True(values >= 25000, generated.Out);

        await using (var connection = new SqliteConnection(Connection))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM current_values v JOIN reports r ON r.id = v.report_id WHERE r.regime_code = 'DVC-NGAY'";
            Assert.True((long)(await command.ExecuteScalarAsync(ct))! > 20000);
            command.CommandText = "SELECT max(sequence) FROM ledger_entries";
            Assert.Equal(checkpoint, (long)(await command.ExecuteScalarAsync(ct))!);
        }

        SqliteConnection.ClearAllPools();
        var verified = await RunAsync("verify");
        Assert.True(verified.Exit == 0, verified.Err);
        // The demo history's checkpoint and the generator's.
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"OK: {checkpoint} entries, 2 checkpoints"), verified.Out, StringComparison.Ordinal);
        var rebuilt = await RunAsync("rebuild", "--check");
        Assert.True(rebuilt.Exit == 0, rebuilt.Err);
        Assert.Contains("OK: replaying", rebuilt.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_scale_is_refused_in_both_languages()
    {
        var wrong = await RunAsync("demo", "generate", "--scale", "XL");
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("--scale phải là S, M hoặc L", wrong.Err, StringComparison.Ordinal);
        Assert.Contains("--scale must be S, M or L", wrong.Err, StringComparison.Ordinal);
    }
}
