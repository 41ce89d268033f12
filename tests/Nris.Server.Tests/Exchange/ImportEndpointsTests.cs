using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Nris.Server.Tests.Auth;

namespace Nris.Server.Tests.Exchange;

/// <summary>
/// Files in and out of a report over HTTP: the Excel form round-trips (download → typed in by the test as Excel saves
/// it → upload → the draft holds exactly what was typed), CSV, SDMX, DHIS2 and ADX imports (the partner samples, and
/// our own exports read back), dry runs, submissions with Idempotency-Key, and bad files that store nothing.
/// </summary>
public sealed class ImportEndpointsTests(NrisServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Hanoi = Api.ReportTestData.Hanoi;

    private static async Task<(int Status, JsonElement Body)> UploadAsync(ApiSession session, string path, byte[] file, string contentType, params (string, string)[] headers)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await session.SendRawAsync(HttpMethod.Post, path, content, headers);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static Dictionary<(string, string), decimal> Numbers(JsonElement values) =>
        values.EnumerateArray().Where(v => v.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number)
            .ToDictionary(v => (v.GetProperty("indicator").GetString()!, v.GetProperty("disaggregation").GetString()!), v => v.GetProperty("number").GetDecimal());

    private static Dictionary<(string, string), decimal> Expected(string period) =>
        Api.ReportTestData.Values(Hanoi, null, period).ToDictionary(v => ((string)v["indicator"]!, "_T"), v => (decimal)v["number"]!);

    /// <summary>The input cells of a form, from its hidden map: (sheet, cell) → (indicator, disaggregation).</summary>
    private static List<(string Sheet, string Cell, string Indicator, string Disaggregation)> InputCells(SpreadsheetDocument doc)
    {
        var map = Sheet(doc, "_nris").Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToArray());
        return [.. map.Where(r => r is ["cell", _, _, _, _]).Select(r => (r[1], r[2], r[3], r[4]))];
    }

    private static WorksheetPart Sheet(SpreadsheetDocument doc, string name)
    {
        var sheet = doc.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return (WorksheetPart)doc.WorkbookPart.GetPartById(sheet.Id!);
    }

    /// <summary>Types into the form as Excel saves it: numbers as numeric cells, text as inline strings.</summary>
    private static byte[] Fill(byte[] xlsx, Func<string, string, string?> valueOf, (string Sheet, string Cell, string Text)? typo = null)
    {
        var ms = new MemoryStream();
        ms.Write(xlsx);
        using (var doc = SpreadsheetDocument.Open(ms, true))
        {
            foreach (var (sheet, reference, indicator, disaggregation) in InputCells(doc))
            {
                var cell = Sheet(doc, sheet).Worksheet.Descendants<Cell>().Single(c => c.CellReference == reference);
                if (typo is { } t && t.Sheet == sheet && t.Cell == reference)
                {
                    cell.CellValue = null;
                    cell.DataType = CellValues.InlineString;
                    cell.InlineString = new InlineString(new Text(t.Text));
                }
                else if (valueOf(indicator, disaggregation) is { } number)
                {
                    cell.DataType = null;
                    cell.InlineString = null;
                    cell.CellValue = new CellValue(number);
                }
            }
        }

        return ms.ToArray();
    }

    [Fact]
    public async Task An_Excel_form_round_trips_download_fill_upload_to_the_same_values_as_typed()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);
        using var download = await admin.GetAsync(path + "/form.xlsx");
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", download.Content.Headers.ContentType?.MediaType);
        var form = await download.Content.ReadAsByteArrayAsync(Ct);

        // What a person types: every total of the report, some with decimals; disaggregated cells stay blank.
        var typed = Expected(period).ToDictionary(e => e.Key, e => e.Value + 0.25m);
        typed[("ENT_NEW", "_T")] = 12;
        typed[("TRAFFIC_ACCIDENTS", "_T")] = 10;
        typed[("TRAFFIC_DEATHS", "_T")] = 1;
        typed[("TRAFFIC_INJURIES", "_T")] = 2;
        var filled = Fill(form, (i, d) => typed.TryGetValue((i, d), out var n) ? n.ToString(CultureInfo.InvariantCulture) : null);

        var (status, body) = await UploadAsync(admin, path + "/import?format=excel", filled, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        Assert.True(status == 200, body.ToString());
        Assert.Equal("draft", body.GetProperty("mode").GetString());
        var draft = await admin.GetJsonAsync(path + "/draft");
        Assert.Equal(typed.OrderBy(t => t.Key.ToString()), Numbers(draft.GetProperty("values")).OrderBy(t => t.Key.ToString()));

        // Downloaded again, the form is pre-filled with the draft: uploaded unchanged, it gives the same values.
        using var again = await admin.GetAsync(path + "/form.xlsx");
        var (status2, body2) = await UploadAsync(admin, path + "/import?format=excel&dryRun=true", await again.Content.ReadAsByteArrayAsync(Ct), "application/octet-stream");
        Assert.Equal(200, status2);
        Assert.Equal(typed.OrderBy(t => t.Key.ToString()), Numbers(body2.GetProperty("values")).OrderBy(t => t.Key.ToString()));
    }

    [Fact]
    public async Task A_bad_Excel_cell_is_named_by_sheet_and_cell_and_nothing_is_stored()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);
        using var download = await admin.GetAsync(path + "/form.xlsx");
        var form = await download.Content.ReadAsByteArrayAsync(Ct);
        string first;
        using (var doc = SpreadsheetDocument.Open(new MemoryStream(form), false))
        {
            var cell = InputCells(doc)[0];
            first = cell.Sheet + "!" + cell.Cell;
        }

        var bad = Fill(form, (_, _) => "5", (first.Split('!')[0], first.Split('!')[1], "abc"));
        var (status, body) = await UploadAsync(admin, path + "/import?format=excel&mode=submit", bad, "application/octet-stream");
        Assert.Equal(422, status);
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.StartsWith(first, StringComparison.Ordinal));
        Assert.True(body.TryGetProperty("detailVi", out _));
        using var report = await admin.GetAsync(path);
        Assert.Equal(404, (int)report.StatusCode);
        using var draft = await admin.GetAsync(path + "/draft");
        Assert.Equal(404, (int)draft.StatusCode);

        // Not a spreadsheet at all, and a form of another period.
        Assert.Equal(422, (await UploadAsync(admin, path + "/import?format=excel", Encoding.UTF8.GetBytes("not a zip"), "application/octet-stream")).Status);
        var other = Api.ReportTestData.NextPeriod();
        var (otherStatus, otherBody) = await UploadAsync(admin, Api.ReportTestData.Path(other, Hanoi) + "/import?format=excel", Fill(form, (_, _) => "5"), "application/octet-stream");
        Assert.Equal(422, otherStatus);
        Assert.Contains(otherBody.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.Contains("period", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_over_the_import_limit_is_413_and_stores_nothing()
    {
        using var admin = await server.AdminAsync();
        var key = (await admin.PostJsonAsync("/api/admin/clients", new { name = "import-413", organizationCode = Hanoi, role = "reporter" }, 201)).GetProperty("key").GetString()!;
        var path = Api.ReportTestData.Path(Api.ReportTestData.NextPeriod(), Hanoi);
        // A valid long CSV padded with notes past the default Nris:Limits:MaxImportBytes (32 MiB).
        var csv = new StringBuilder("indicator,disaggregation,territory,period,value,status,note\r\n");
        var row = "IIP,_T,01,2026-M05,104.2,normal," + new string('x', 1000) + "\r\n";
        while (csv.Length < 33 * 1024 * 1024)
        {
            csv.Append(row);
        }

        // The client asks before sending (Expect: 100-continue, waiting as long as the test may run): the server refuses
        // from the declared length, so the answer arrives without the upload.
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path + "/import?format=csv", UriKind.Relative))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(413, (int)response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.EndsWith("too-large", body.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.True(body.TryGetProperty("detailVi", out _));
        using var none = await admin.GetAsync(path + "/draft");
        Assert.Equal(404, (int)none.StatusCode);
    }

    [Fact]
    public async Task A_long_CSV_submits_with_an_idempotency_key_and_exports_back()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);
        var expected = Expected(period);
        var csv = new StringBuilder("indicator;period;value;status\r\n");
        foreach (var ((indicator, _), number) in expected)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{indicator};{period};{number};official\r\n");
        }

        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
        var key = ("Idempotency-Key", "csv-" + period);
        var (status, body) = await UploadAsync(admin, path + "/import?format=csv&mode=submit", bytes, "text/csv", key);
        Assert.True(status == 201, body.ToString());
        Assert.Equal(1, body.GetProperty("submission").GetProperty("version").GetInt32());
        // The same file and key again: the same version, replayed, not a second one.
        var (replayStatus, replay) = await UploadAsync(admin, path + "/import?format=csv&mode=submit", bytes, "text/csv", key);
        Assert.Equal(201, replayStatus);
        Assert.Equal(body.GetProperty("submission").GetProperty("ledgerSequence").GetInt64(), replay.GetProperty("submission").GetProperty("ledgerSequence").GetInt64());
        var report = await admin.GetJsonAsync(path);
        Assert.Equal(1, report.GetProperty("currentVersion").GetInt32());
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Numbers(report.GetProperty("currentValues")).OrderBy(e => e.Key.ToString()));

        // Export as CSV, DHIS2 (JSON, XML, CSV) and ADX, and read each back through the import (dry run): the same values.
        foreach (var (exportFormat, importFormat) in new[] { ("csv", "csv"), ("dhis2-json", "dhis2-json"), ("dhis2-xml", "dhis2-xml"), ("dhis2-csv", "dhis2-csv"), ("adx", "adx") })
        {
            using var exported = await admin.GetAsync(path + "/export?format=" + exportFormat);
            Assert.Equal(200, (int)exported.StatusCode);
            var file = await exported.Content.ReadAsByteArrayAsync(Ct);
            var (s, back) = await UploadAsync(admin, path + $"/import?format={importFormat}&dryRun=true", file, "application/octet-stream");
            Assert.True(s == 200, exportFormat + ": " + back);
            Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Numbers(back.GetProperty("values")).OrderBy(e => e.Key.ToString()));
            if (importFormat.StartsWith("dhis2", StringComparison.Ordinal) || importFormat == "adx")
            {
                Assert.Equal("SUCCESS", back.GetProperty("importSummary").GetProperty("status").GetString());
            }
        }
    }

    [Fact]
    public async Task DHIS2_and_SDMX_messages_import_and_the_partner_samples_answer_with_their_conflicts()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);
        var expected = Expected(period);
        var dhis2Period = period.Replace("-M", "", StringComparison.Ordinal);

        // A DHIS2 dataValueSet by code (idScheme=CODE) becomes the draft.
        var dataValues = expected.Select(e => new { dataElement = e.Key.Item1, period = dhis2Period, orgUnit = "01", value = e.Value.ToString(CultureInfo.InvariantCulture) });
        var json = JsonSerializer.SerializeToUtf8Bytes(new { dataValues });
        var (status, body) = await UploadAsync(admin, path + "/import?format=dhis2-json", json, "application/json");
        Assert.True(status == 200, body.ToString());
        Assert.Equal("SUCCESS", body.GetProperty("importSummary").GetProperty("status").GetString());
        Assert.Equal(expected.Count, body.GetProperty("importSummary").GetProperty("importCount").GetProperty("imported").GetInt32());
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Numbers((await admin.GetJsonAsync(path + "/draft")).GetProperty("values")).OrderBy(e => e.Key.ToString()));

        // The DHIS2 demo samples use Sierra Leone's ids: they are read, and every value is a conflict; nothing is stored.
        var samples = Path.Combine(AppContext.BaseDirectory, "Samples", "dhis2");
        foreach (var (file, format) in new[] { ("dataValueSetJ.json", "dhis2-json"), ("dataValueSetA.xml", "dhis2-xml"), ("dataValueSetBooleanTest.csv", "dhis2-csv"), ("importA.adx.xml", "adx") })
        {
            var other = Api.ReportTestData.NextPeriod();
            var otherPath = Api.ReportTestData.Path(other, Hanoi);
            var (s, summary) = await UploadAsync(admin, otherPath + "/import?format=" + format, await File.ReadAllBytesAsync(Path.Combine(samples, file), Ct), "application/octet-stream");
            Assert.True(s == 200, file + ": " + summary);
            Assert.Equal("ERROR", summary.GetProperty("importSummary").GetProperty("status").GetString());
            Assert.True(summary.GetProperty("importSummary").GetProperty("importCount").GetProperty("ignored").GetInt32() > 0, file);
            Assert.NotEmpty(summary.GetProperty("importSummary").GetProperty("conflicts").EnumerateArray());
            using var none = await admin.GetAsync(otherPath + "/draft");
            Assert.Equal(404, (int)none.StatusCode);
        }

        // The ECB's SDMX samples name no indicator of ours: 422, each observation named.
        var ecb = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Samples", "sdmx-ml-3.0", "ECB_EXR_data.xml"), Ct);
        var (ecbStatus, ecbBody) = await UploadAsync(admin, path + "/import?format=sdmx-ml&dryRun=true", ecb, "application/xml");
        Assert.Equal(422, ecbStatus);
        Assert.Contains(ecbBody.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.StartsWith("observation 1", StringComparison.Ordinal));

        // Our own SDMX answers import: submit the report, read it through the SDMX service in three formats, import each (dry run).
        await admin.PostJsonAsync(path + "/submit", Api.ReportTestData.Body(Hanoi), 201);
        foreach (var (accept, format) in new[]
        {
            ("application/vnd.sdmx.genericdata+xml;version=2.1", "sdmx-ml"), ("application/vnd.sdmx.data+xml;version=3.0.0", "sdmx-ml"),
            ("application/vnd.sdmx.data+json;version=2.0.0", "sdmx-json"), ("application/vnd.sdmx.data+csv;version=1.0.0", "sdmx-csv"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/sdmx/rest/data/DF_KTXH_TINH_THANG/M.._T.01?startPeriod={period}&endPeriod={period}", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("Accept", accept);
            using var answer = await admin.Client.SendAsync(request, Ct);
            Assert.Equal(200, (int)answer.StatusCode);
            var (s, back) = await UploadAsync(admin, path + $"/import?format={format}&dryRun=true", await answer.Content.ReadAsByteArrayAsync(Ct), "application/octet-stream");
            Assert.True(s == 200, accept + ": " + back);
            Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Numbers(back.GetProperty("values")).OrderBy(e => e.Key.ToString()));
        }
    }
}
