using System.Globalization;
using Microsoft.Data.Sqlite;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Aggregation;

/// <summary>Current values as a hand-edited or imported database may hold them — odd codes, odd number texts, rows of
/// reports that do not exist — written straight into the tables, and the view described value by value to compare.</summary>
internal static class AwkwardCurrentValues
{
    // Numbers as they may sit in the column: the plain text the application writes, and what a hand edit or another
    // tool could leave (an exponent, a sign, spaces, too many digits for the compact form, an integer or a real).
    private static readonly object?[] AwkwardNumbers =
    [
        "18.0", "0", "-0.5", "12.50", "00012.50", "-123.456789", "0.00000001", "123456789.123456789", "-288230376151691.0",
        "288230376151691", "288230376151692", "999999999999999999", "1234567890123456789", "79228162514264337593543950335",
        "-79228162514264337593543950335", "0.0000000000000000000000000001", "-0", "-0.000", "1e3", "2.5E-2", "+5", " 7 ",
        "5.", 42L, -7L, 2.5, 0.1, null,
    ];

    private static readonly string[] Indicators = ["POP", "I001", "I002", "DÂN_SỐ", "Tỷ-lệ hộ nghèo", "REMARK"];
    private static readonly string[] Codelist = [Nris.Core.Submissions.Disaggregations.Total, "SEX:M", "SEX:F", "GIỚI:NỮ", "GRP:1"];
    private static readonly string[] Territories = ["01", "02", "01001", "01002", "01003", "Hà Nội", "VN"];
    private static readonly string[] Periods = ["2026-01", "2026-02", "2026-Q1", "2025", "2026-Q1 "];
    private static readonly (string Regime, string Reporter)[] Reporters =
        [(MonthlyRegime, Reporter), (MonthlyRegime, OtherReporter), (CommuneRegime, Commune), ("NGOÀI-DANH-MỤC", "UBND.Đặc biệt")];

    // Rows straight into the tables (a plain connection: no foreign keys), as a hand-edited or imported database may
    // hold them; some point to a report that does not exist. Returns how many have a report.
    public static async Task<int> FillAsync(string connectionString, Random random, int count, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = connection.BeginTransaction();
        var reports = new List<(long Id, string Period, string Reporter)>();
        var id = 0L;
        foreach (var period in Periods)
        {
            foreach (var (regime, reporter) in Reporters)
            {
                await using var report = connection.CreateCommand();
                report.CommandText = "INSERT INTO reports (id, regime_code, period, reporter_code, regime_version, state, current_version, recipient_code, last_ledger_sequence, created_us, updated_us) " +
                    "VALUES ($id, $regime, $period, $reporter, 1, 'Submitted', 1, 'VPCP', 0, 0, 0)";
                report.Parameters.AddWithValue("$id", ++id);
                report.Parameters.AddWithValue("$regime", regime);
                report.Parameters.AddWithValue("$period", period);
                report.Parameters.AddWithValue("$reporter", reporter);
                await report.ExecuteNonQueryAsync(ct);
                reports.Add((id, period, reporter));
            }
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO current_values (indicator_code, disaggregation, territory_code, period, source, number, status, report_id, report_version_id, version, ledger_sequence) " +
            "VALUES ($i, $d, $t, $p, $s, $n, $status, $report, 1, 1, $seq)";
        var parameters = new[] { "$i", "$d", "$t", "$p", "$s", "$n", "$status", "$report", "$seq" }.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        var withReport = 0;
        for (var k = 0; k < count; k++)
        {
            var missing = random.Next(50) == 0;
            var (reportId, period, reporter) = reports[random.Next(reports.Count)];
            parameters[0].Value = Indicators[random.Next(Indicators.Length)];
            parameters[1].Value = Codelist[random.Next(Codelist.Length)];
            parameters[2].Value = Territories[random.Next(Territories.Length)];
            parameters[3].Value = period;
            parameters[4].Value = reporter;
            var number = random.Next(3) == 0
                ? AwkwardNumbers[random.Next(AwkwardNumbers.Length)]
                : (random.Next(-1_000_000, 1_000_000) / (decimal)Math.Pow(10, random.Next(0, 6))).ToString(CultureInfo.InvariantCulture);
            parameters[5].Value = number ?? DBNull.Value;
            if (number is string text && text.Contains("79228162514264337593543950335", StringComparison.Ordinal))
            {
                // decimal's largest: only under an indicator outside the catalogue, whose values are not summed (two of
                // them would overflow the engine's sum, which is not what this test is about).
                parameters[0].Value = Indicators[3];
            }

            parameters[6].Value = Enum.GetName((ObservationStatus)random.Next(4));
            parameters[7].Value = missing ? 1_000_000 + reportId : reportId;
            parameters[8].Value = random.Next(1, 1000);
            if (await insert.ExecuteNonQueryAsync(ct) == 1 && !missing)
            {
                withReport++;
            }
        }

        await transaction.CommitAsync(ct);
        return withReport;
    }

    // Each value with its number's exact text (so 1.0 and 1.00 differ), in one order.
    public static List<string> Describe(ProjectedValues values) =>
        values.Rows.Select(r => string.Join('|', r.Key.IndicatorCode, r.Key.Disaggregation, r.Key.TerritoryCode, r.Key.Period, r.Key.Reporter,
                r.Value.ReportId.ToString(CultureInfo.InvariantCulture), r.Value.RegimeCode, r.Value.Number?.ToString(CultureInfo.InvariantCulture) ?? "null",
                r.Value.Status.ToString(), r.Value.LedgerSequence.ToString(CultureInfo.InvariantCulture)))
            .Order(StringComparer.Ordinal).ToList();

    public static List<string> Facts(ProjectedValues values) =>
        values.Facts().Select(f => string.Join('|', f.IndicatorCode, f.Disaggregation, f.TerritoryCode, f.Period.ToString(), f.SourceCode,
                f.Value.ToString(CultureInfo.InvariantCulture), f.Status.ToString(), f.LedgerSequence.ToString(CultureInfo.InvariantCulture)))
            .Order(StringComparer.Ordinal).ToList();
}
