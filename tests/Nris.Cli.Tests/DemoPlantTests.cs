using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Nris.Cli.Tests;

/// <summary>
/// `nris demo generate --plant`: the planted truth file names each manipulation, and the stored reports carry it — a
/// copied report's figures equal the month before's, a round-figures report has figures of two significant digits —
/// while the reports the truth does not name are the generator's clean ones.
/// </summary>
public sealed class DemoPlantTests : CliTestBase
{
    [Fact]
    public async Task Planted_manipulations_are_in_the_stored_reports_and_in_the_truth_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var truthFile = Path.Combine(Folder, "truth.json");
        var run = await RunAsync("demo", "generate", "--only", "KTXH-TINH-THANG", "--until", "2026-12-31", "--seed", "5",
            "--plant", "copied,round", "--plant-rate", "0.1", "--truth", truthFile);
        Assert.True(run.Exit == 0, run.Out + run.Err);
        Assert.Contains("into KTXH-TINH-THANG 2026-M01..2026-M12", run.Out, StringComparison.Ordinal);
        Assert.Contains(" 0 refused)", run.Out, StringComparison.Ordinal);

        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(truthFile, ct));
        var planted = truth.RootElement.GetProperty("planted").EnumerateArray()
            .Select(p => (Kind: p.GetProperty("kind").GetString()!, Reporter: p.GetProperty("reporter").GetString()!, Period: p.GetProperty("period").GetString()!))
            .ToList();
        Assert.Contains(planted, p => p.Kind == "Copied");
        Assert.Contains(planted, p => p.Kind == "RoundFigures");
        Assert.All(planted, p => Assert.StartsWith("2026-M", p.Period, StringComparison.Ordinal));

        await using var connection = new SqliteConnection(Connection);
        await connection.OpenAsync(ct);
        async Task<Dictionary<string, decimal>> ValuesAsync(string reporter, string period)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT v.indicator_code, v.number FROM current_values v JOIN reports r ON r.id = v.report_id " +
                                  "WHERE r.regime_code = 'KTXH-TINH-THANG' AND r.reporter_code = $r AND r.period = $p AND v.number IS NOT NULL";
            command.Parameters.AddWithValue("$r", reporter);
            command.Parameters.AddWithValue("$p", period);
            var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result[reader.GetString(0)] = reader.GetDecimal(1);
            }

            return result;
        }

        var checkedCopies = 0;
        foreach (var copy in planted.Where(p => p.Kind == "Copied"))
        {
            var month = Nris.Core.Periods.Period.Parse(copy.Period);
            var now = await ValuesAsync(copy.Reporter, copy.Period);
            var before = await ValuesAsync(copy.Reporter, month.Previous().ToString());
            if (now.Count == 0 || before.Count == 0)
            {
                continue; // a report the generator left out (about 1 %)
            }

            Assert.All(now, v => Assert.Equal(before[v.Key], v.Value));
            checkedCopies++;
        }

        Assert.True(checkedCopies > 0);
        foreach (var round in planted.Where(p => p.Kind == "RoundFigures"))
        {
            var values = await ValuesAsync(round.Reporter, round.Period);
            Assert.Contains(values.Values, v => v >= 100 && Nris.Core.Oversight.AnomalyDetector.IsRound((double)v));
        }
    }

    [Fact]
    public async Task An_unknown_plant_kind_is_refused_in_both_languages()
    {
        var wrong = await RunAsync("demo", "generate", "--plant", "embezzled");
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("--plant nhận all", wrong.Err, StringComparison.Ordinal);
        Assert.Contains("--plant takes all", wrong.Err, StringComparison.Ordinal);
    }
}
