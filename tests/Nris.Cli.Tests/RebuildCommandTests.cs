using Microsoft.Data.Sqlite;

namespace Nris.Cli.Tests;

/// <summary>`nris rebuild` on a real SQLite file: counts and time, and --check catching a view that left the ledger.</summary>
public sealed class RebuildCommandTests : CliTestBase
{

    [Fact]
    public async Task Rebuild_prints_counts_and_check_fails_on_a_current_value_the_ledger_never_wrote()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, (await RunAsync("init")).Exit);
        // A new demo database already holds the statistics office's yearbooks (loaded through the ledger).
        var seeded = await RunAsync("rebuild", "--check");
        Assert.True(seeded.Exit == 0, seeded.Err);
        Assert.Contains("OK: replaying", seeded.Out, StringComparison.Ordinal);
        var counts = System.Text.RegularExpressions.Regex.Match(seeded.Out, @"(\d+) current values, (\d+) facts");
        Assert.True(counts.Success, seeded.Out);
        var currentValues = int.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var facts = int.Parse(counts.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);

        // The rebuild also leaves the image the server starts from next time, next to the database.
        var image = Path.Combine(Folder, "nris.db.values");
        Assert.Contains("Image of the current values written to " + image, seeded.Out, StringComparison.Ordinal);
        Assert.True(new FileInfo(image).Length > currentValues * 10L);

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
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{currentValues + 1} current values, {facts + 1} facts"), plain.Out, StringComparison.Ordinal);
        var check = await RunAsync("rebuild", "--check");
        Assert.Equal(1, check.Exit);
        Assert.Contains("GRDP/_T/01/2026-Q1/UBND.01: stored 42", check.Err, StringComparison.Ordinal);
        Assert.Contains("KHÔNG KHỚP", check.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rebuild_still_succeeds_when_the_image_cannot_be_written_and_leaves_no_half_file()
    {
        Assert.Equal(0, (await RunAsync("init")).Exit);
        // A folder where the image should go: the new file cannot take its place.
        Directory.CreateDirectory(Path.Combine(Folder, "nris.db.values"));

        var rebuilt = await RunAsync("rebuild");
        Assert.True(rebuilt.Exit == 0, rebuilt.Err);
        Assert.Contains("current values", rebuilt.Out, StringComparison.Ordinal);
        Assert.Contains("was not written", rebuilt.Err, StringComparison.Ordinal);
        Assert.Contains("Không ghi được", rebuilt.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Folder, "nris.db.values.new-*"));
    }
}
