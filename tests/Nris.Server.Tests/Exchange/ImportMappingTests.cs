using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using Nris.Server.Tests.Auth;

namespace Nris.Server.Tests.Exchange;

/// <summary>
/// Partner mapping tables over HTTP (issue #7): an administrator stores how a partner's DHIS2, ADX or SDMX codes map
/// onto KTXH-TINH-THANG; the real partner samples (Sierra Leone uids, DHIS2 codes, ADX, Eurostat SDMX-CSV) then import
/// through <c>mapping=name</c>, and the stored values are compared one by one with the values read from the sample
/// files themselves. Bad mappings are refused naming the row; dry runs and unfit values store nothing.
/// </summary>
public sealed class ImportMappingTests(NrisServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Hanoi = Api.ReportTestData.Hanoi;
    private const string Regime = Api.ReportTestData.Regime;
    private static string Samples(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Samples", .. parts]);

    private static async Task<(int Status, JsonElement Body)> UploadAsync(ApiSession session, string path, byte[] file)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        using var response = await session.SendRawAsync(HttpMethod.Post, path, content);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<(int Status, JsonElement Body)> PutMappingAsync(ApiSession session, string name, object mapping)
    {
        using var response = await session.SendAsync(HttpMethod.Put, "/api/admin/exchange-mappings/" + name, mapping);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>(indicator, disaggregation, territory) → number of a list of values as the API answers them.</summary>
    private static Dictionary<(string, string, string?), decimal> Cells(JsonElement values) =>
        values.EnumerateArray().ToDictionary(
            v => (v.GetProperty("indicator").GetString()!, v.GetProperty("disaggregation").GetString()!,
                v.TryGetProperty("territory", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null),
            v => v.GetProperty("number").GetDecimal());

    private static string Sorted<TK, TV>(Dictionary<TK, TV> d) where TK : notnull =>
        string.Join("; ", d.Select(e => e.Key + "=" + Convert.ToString(e.Value, CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));

    /// <summary>The DHIS2 XML sample's values, read here with XDocument, independently of the server.</summary>
    private static List<(string DataElement, string Period, string OrgUnit, decimal Value)> Dhis2Xml(string file)
    {
        XNamespace ns = "http://dhis2.org/schema/dxf/2.0";
        return [.. XDocument.Load(file).Root!.Elements(ns + "dataValue").Select(e => ((string)e.Attribute("dataElement")!, (string)e.Attribute("period")!,
            (string)e.Attribute("orgUnit")!, decimal.Parse((string)e.Attribute("value")!, CultureInfo.InvariantCulture)))];
    }

    [Fact]
    public async Task The_DHIS2_uid_and_code_samples_import_through_stored_mappings_value_by_value()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);

        // Sierra Leone's uids: one data element, one of two org units, one of two months.
        var uid = Unique("dhis2-uid");
        var (created, stored) = await PutMappingAsync(admin, uid, new
        {
            regime = Regime, description = "DHIS2 demo (uid scheme)",
            indicators = new Dictionary<string, string> { ["f7n9E0hX8qk"] = "RETAIL_SALES" },
            territories = new Dictionary<string, string> { ["DiszpKrYNg8"] = "01" },
            periods = new Dictionary<string, string> { ["201201"] = period },
        });
        Assert.True(created == 201, stored.ToString());
        Assert.Equal(Regime, (await admin.GetJsonAsync("/api/admin/exchange-mappings/" + uid)).GetProperty("regime").GetString());
        Assert.Contains((await admin.GetJsonAsync("/api/admin/exchange-mappings")).GetProperty("items").EnumerateArray(), m => m.GetProperty("name").GetString() == uid);

        var sampleA = Samples("dhis2", "dataValueSetA.xml");
        var bytesA = await File.ReadAllBytesAsync(sampleA, Ct);
        var expectedA = Dhis2Xml(sampleA).Where(v => v.DataElement == "f7n9E0hX8qk" && v.OrgUnit == "DiszpKrYNg8" && v.Period == "201201")
            .ToDictionary(v => ("RETAIL_SALES", "_T", (string?)"01"), v => v.Value);
        Assert.Single(expectedA);

        // Dry run: the summary and values, nothing stored.
        var (dryStatus, dry) = await UploadAsync(admin, path + $"/import?format=dhis2-xml&mapping={uid}&dryRun=true", bytesA);
        Assert.True(dryStatus == 200, dry.ToString());
        var summary = dry.GetProperty("importSummary");
        Assert.Equal("WARNING", summary.GetProperty("status").GetString());
        Assert.Equal(1, summary.GetProperty("importCount").GetProperty("imported").GetInt32());
        Assert.Equal(2, summary.GetProperty("importCount").GetProperty("ignored").GetInt32());
        Assert.Contains(summary.GetProperty("conflicts").EnumerateArray(), c => c.GetProperty("object").GetString() == "BdfsJfj87js");
        Assert.Equal(Sorted(expectedA), Sorted(Cells(dry.GetProperty("values"))));
        using (var none = await admin.GetAsync(path + "/draft"))
        {
            Assert.Equal(404, (int)none.StatusCode);
        }

        // For real: the draft holds the sample's value.
        var (status, body) = await UploadAsync(admin, path + $"/import?format=dhis2-xml&mapping={uid}", bytesA);
        Assert.True(status == 200, body.ToString());
        var draft = await admin.GetJsonAsync(path + "/draft");
        Assert.Equal(Sorted(expectedA), Sorted(Cells(draft.GetProperty("values"))));

        // The JSON sample, same uids: its one value, 10.
        var (jStatus, j) = await UploadAsync(admin, path + $"/import?format=dhis2-json&mapping={uid}&dryRun=true", await File.ReadAllBytesAsync(Samples("dhis2", "dataValueSetJ.json"), Ct));
        Assert.True(jStatus == 200, j.ToString());
        Assert.Equal("SUCCESS", j.GetProperty("importSummary").GetProperty("status").GetString());
        Assert.Equal("(RETAIL_SALES, _T, 01)=10", Sorted(Cells(j.GetProperty("values"))));

        // The code-scheme sample: three data elements at OU_A in January into another report, submitted.
        var period2 = Api.ReportTestData.NextPeriod();
        var path2 = Api.ReportTestData.Path(period2, Hanoi);
        var code = Unique("dhis2-code");
        var elements = new Dictionary<string, string> { ["DE_A"] = "IIP", ["DE_B"] = "RETAIL_SALES", ["DE_C"] = "CPI_YOY" };
        Assert.Equal(201, (await PutMappingAsync(admin, code, new
        {
            regime = Regime, indicators = elements,
            territories = new Dictionary<string, string> { ["OU_A"] = "01" },
            periods = new Dictionary<string, string> { ["201201"] = period2 },
        })).Status);
        var sampleB = Samples("dhis2", "dataValueSetBcode.xml");
        var expectedB = Dhis2Xml(sampleB).Where(v => v.OrgUnit == "OU_A" && v.Period == "201201")
            .ToDictionary(v => (elements[v.DataElement], "_T", (string?)"01"), v => v.Value);
        Assert.Equal(3, expectedB.Count);
        var (bStatus, b) = await UploadAsync(admin, path2 + $"/import?format=dhis2-xml&mapping={code}", await File.ReadAllBytesAsync(sampleB, Ct));
        Assert.True(bStatus == 200, b.ToString());
        Assert.Equal(3, b.GetProperty("importSummary").GetProperty("importCount").GetProperty("imported").GetInt32());
        Assert.Equal(9, b.GetProperty("importSummary").GetProperty("importCount").GetProperty("ignored").GetInt32());
        Assert.Equal(Sorted(expectedB), Sorted(Cells((await admin.GetJsonAsync(path2 + "/draft")).GetProperty("values"))));
    }

    [Fact]
    public async Task The_ADX_sample_imports_with_category_dimensions_mapped_to_disaggregations()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);
        var name = Unique("adx");
        var (s, b) = await PutMappingAsync(admin, name, new
        {
            regime = Regime,
            indicators = new Dictionary<string, string> { ["Malaria numeric"] = "TRAFFIC_ACCIDENTS", ["Malaria text"] = "TRAFFIC_DEATHS" },
            territories = new Dictionary<string, string> { ["123"] = "01" },
            disaggregationDimensions = new[] { "Sex_category", "Age_category", "categoryOptionCombo" },
            disaggregations = new Dictionary<string, string> { ["FFFFFFFFFFF.under555555."] = "_T", ["MMMMMMMMMMM.under555555."] = "TRANSPORT_MODE:ROAD" },
            periods = new Dictionary<string, string> { ["202001"] = period },
        });
        Assert.True(s == 201, b.ToString());

        // The sample's values at org unit 123, read here with XDocument.
        XNamespace ns = "urn:ihe:qrph:adx:2015";
        var sample = Samples("dhis2", "importA.adx.xml");
        var group = XDocument.Load(sample).Root!.Elements(ns + "group").Single(g => (string?)g.Attribute("orgUnit") == "123");
        decimal Value(string element, string? sex) => decimal.Parse((string)group.Elements(ns + "dataValue")
            .Single(v => (string?)v.Attribute("dataElement") == element && (string?)v.Attribute("Sex_category") == sex && v.Attribute("categoryOptionCombo") is null)
            .Attribute("value")!, CultureInfo.InvariantCulture);
        var expected = new Dictionary<(string, string, string?), decimal>
        {
            [("TRAFFIC_ACCIDENTS", "_T", "01")] = Value("Malaria numeric", "FFFFFFFFFFF"),
            [("TRAFFIC_ACCIDENTS", "TRANSPORT_MODE:ROAD", "01")] = Value("Malaria numeric", "MMMMMMMMMMM"),
            [("TRAFFIC_DEATHS", "_T", "01")] = Value("Malaria text", null),
        };

        var (status, body) = await UploadAsync(admin, path + $"/import?format=adx&mapping={name}", await File.ReadAllBytesAsync(sample, Ct));
        Assert.True(status == 200, body.ToString());
        var summary = body.GetProperty("importSummary");
        Assert.Equal("WARNING", summary.GetProperty("status").GetString());
        Assert.Equal(3, summary.GetProperty("importCount").GetProperty("imported").GetInt32());
        // The combos FOver555555/MOver555555 and org unit 456 are not in the tables: conflicts, not guesses.
        Assert.Contains(summary.GetProperty("conflicts").EnumerateArray(), c => c.GetProperty("object").GetString() == "..FOver555555");
        Assert.Contains(summary.GetProperty("conflicts").EnumerateArray(), c => c.GetProperty("object").GetString() == "456");
        var draft = await admin.GetJsonAsync(path + "/draft");
        Assert.Equal(Sorted(expected), Sorted(Cells(draft.GetProperty("values"))));
        Assert.Contains(draft.GetProperty("values").EnumerateArray(), v => v.GetProperty("indicator").GetString() == "TRAFFIC_DEATHS"
            && v.GetProperty("note").GetString() == "Text data value");
    }

    [Fact]
    public async Task The_SDMX_CSV_samples_import_through_a_mapping_of_their_dimensions()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);
        var name = Unique("sdmx-estat");
        var (s, b) = await PutMappingAsync(admin, name, new
        {
            regime = Regime, description = "Eurostat NA_MAIN sample: DIM_1 is the indicator, DIM_2 the breakdown",
            indicatorDimension = "DIM_1",
            indicators = new Dictionary<string, string> { ["A"] = "CPI_YOY" },
            disaggregationDimensions = new[] { "DIM_2" },
            disaggregations = new Dictionary<string, string> { ["B"] = "_T" },
            periods = new Dictionary<string, string> { ["2014-01"] = period },
        });
        Assert.True(s == 201, b.ToString());

        foreach (var file in new[] { Samples("sdmx-csv-1.0", "example1_ids.csv"), Samples("sdmx-csv-2.x", "example01_ordinary.csv") })
        {
            // The sample's value for 2014-01, read here as plain CSV (no quotes before OBS_VALUE in these files).
            var lines = await File.ReadAllLinesAsync(file, Ct);
            var header = lines[0].Split(',');
            var row = lines.Skip(1).Select(l => l.Split(',')).Single(r => r.Contains("2014-01"));
            var expected = decimal.Parse(row[Array.IndexOf(header, "OBS_VALUE")], CultureInfo.InvariantCulture);

            var (status, body) = await UploadAsync(admin, path + $"/import?format=sdmx-csv&mapping={name}", await File.ReadAllBytesAsync(file, Ct));
            Assert.True(status == 200, file + ": " + body);
            Assert.Equal("WARNING", body.GetProperty("importSummary").GetProperty("status").GetString());
            Assert.Equal(1, body.GetProperty("importSummary").GetProperty("importCount").GetProperty("ignored").GetInt32());
            var draft = await admin.GetJsonAsync(path + "/draft");
            Assert.Equal($"(CPI_YOY, _T, )={expected.ToString(CultureInfo.InvariantCulture)}", Sorted(Cells(draft.GetProperty("values"))));
        }
    }

    /// <summary>The ECB sample's (currency, period) → value, read here with XDocument from either 2.1 time-series layout.</summary>
    private static Dictionary<(string Currency, string Period), decimal> EcbSeries(string file)
    {
        var doc = XDocument.Load(file);
        var result = new Dictionary<(string, string), decimal>();
        foreach (var series in doc.Descendants().Where(e => e.Name.LocalName == "Series"))
        {
            var key = series.Elements().FirstOrDefault(e => e.Name.LocalName == "SeriesKey");
            var currency = key is null
                ? (string)series.Attribute("CURRENCY")!
                : (string)key.Elements().Single(v => (string?)v.Attribute("id") == "CURRENCY").Attribute("value")!;
            foreach (var obs in series.Elements().Where(e => e.Name.LocalName == "Obs"))
            {
                var period = (string?)obs.Attribute("TIME_PERIOD") ?? (string)obs.Elements().Single(e => e.Name.LocalName == "ObsDimension").Attribute("value")!;
                var value = (string?)obs.Attribute("OBS_VALUE") ?? (string)obs.Elements().Single(e => e.Name.LocalName == "ObsValue").Attribute("value")!;
                result[(currency, period)] = decimal.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    /// <summary>An SDMX-JSON time-series sample's (currency, period) → value, resolved here from its own indexes.</summary>
    private static Dictionary<(string Currency, string Period), decimal> JsonSeries(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
        var data = doc.RootElement.TryGetProperty("data", out var d) ? d : doc.RootElement;
        var structure = data.TryGetProperty("structures", out var ss) ? ss[0] : data.GetProperty("structure");
        string[] Values(string level, string id) => [.. structure.GetProperty("dimensions").GetProperty(level).EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == id).GetProperty("values").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];
        var currencies = Values("series", "CURRENCY");
        var periods = Values("observation", "TIME_PERIOD");
        var result = new Dictionary<(string, string), decimal>();
        foreach (var series in data.GetProperty("dataSets")[0].GetProperty("series").EnumerateObject())
        {
            foreach (var obs in series.Value.GetProperty("observations").EnumerateObject())
            {
                result[(currencies[int.Parse(series.Name, CultureInfo.InvariantCulture)], periods[int.Parse(obs.Name, CultureInfo.InvariantCulture)])] = obs.Value[0].GetDecimal();
            }
        }

        return result;
    }

    [Fact]
    public async Task The_SDMX_ML_and_SDMX_JSON_samples_import_through_a_mapping_value_by_value()
    {
        using var admin = await server.AdminAsync();
        var indicators = new Dictionary<string, string> { ["CHF"] = "IIP", ["GBP"] = "CPI_YOY", ["JPY"] = "RETAIL_SALES", ["USD"] = "CPI_MOM", ["NZD"] = "IIP", ["RUB"] = "CPI_YOY" };
        var cases = new (string Format, string File, string PartnerPeriod, Dictionary<(string Currency, string Period), decimal> Sample)[]
        {
            ("sdmx-ml", Samples("sdmx-ml-2.1", "exr", "ecb_exr_ng", "generic", "ecb_exr_ng_ts.xml"), "2010-08", EcbSeries(Samples("sdmx-ml-2.1", "exr", "ecb_exr_ng", "generic", "ecb_exr_ng_ts.xml"))),
            ("sdmx-ml", Samples("sdmx-ml-2.1", "exr", "ecb_exr_ng", "structured", "ecb_exr_ng_ts.xml"), "2010-09", EcbSeries(Samples("sdmx-ml-2.1", "exr", "ecb_exr_ng", "structured", "ecb_exr_ng_ts.xml"))),
            ("sdmx-json", Samples("sdmx-json-1.0", "exr-time-series.json"), "2013-01-18", JsonSeries(Samples("sdmx-json-1.0", "exr-time-series.json"))),
            ("sdmx-json", Samples("sdmx-json-2.1", "exr-time-series.json"), "2013-01-21", JsonSeries(Samples("sdmx-json-2.1", "exr-time-series.json"))),
        };
        foreach (var (format, file, partnerPeriod, sample) in cases)
        {
            // Each sample into a fresh report: the partner's CURRENCY names the indicator, one of its periods is ours.
            var period = Api.ReportTestData.NextPeriod();
            var path = Api.ReportTestData.Path(period, Hanoi);
            var name = Unique("sdmx-ecb");
            var (s, b) = await PutMappingAsync(admin, name, new
            {
                regime = Regime, description = "ECB exchange rates sample: CURRENCY is the indicator",
                indicatorDimension = "CURRENCY",
                indicators,
                periods = new Dictionary<string, string> { [partnerPeriod] = period },
            });
            Assert.True(s == 201, b.ToString());

            var (status, body) = await UploadAsync(admin, path + $"/import?format={format}&mapping={name}", await File.ReadAllBytesAsync(file, Ct));
            Assert.True(status == 200, file + ": " + body);
            var chosen = sample.Where(e => e.Key.Period == partnerPeriod).ToList();
            Assert.True(chosen.Count >= 2, file);
            var summary = body.GetProperty("importSummary");
            Assert.Equal(chosen.Count, summary.GetProperty("importCount").GetProperty("imported").GetInt32());
            // Every other observation is of another period than the report's: a conflict, ignored.
            Assert.Equal(sample.Count - chosen.Count, summary.GetProperty("importCount").GetProperty("ignored").GetInt32());

            var draft = await admin.GetJsonAsync(path + "/draft");
            var expected = chosen.ToDictionary(e => (indicators[e.Key.Currency], "_T", (string?)null), e => e.Value);
            Assert.Equal(Sorted(expected), Sorted(Cells(draft.GetProperty("values"))));
        }
    }

    [Fact]
    public async Task A_bad_mapping_is_refused_naming_its_rows_and_unfit_values_store_nothing()
    {
        using var admin = await server.AdminAsync();
        var name = Unique("bad");
        var (status, body) = await PutMappingAsync(admin, name, new
        {
            regime = Regime,
            indicators = new Dictionary<string, string> { ["f7n9E0hX8qk"] = "NO_SUCH_INDICATOR", ["ok"] = "IIP", ["other"] = "HEALTH_EST_TOTAL" },
            territories = new Dictionary<string, string> { ["DiszpKrYNg8"] = "99999" },
            disaggregations = new Dictionary<string, string> { ["x"] = "SEX:Q" },
            periods = new Dictionary<string, string> { ["201201"] = "2012-13" },
        });
        Assert.Equal(422, status);
        var fields = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("indicators[\"f7n9E0hX8qk\"]", fields);
        Assert.Contains("indicators[\"other\"]", fields); // in the catalogue, but not on this regime's form
        Assert.Contains("territories[\"DiszpKrYNg8\"]", fields);
        Assert.Contains("disaggregations[\"x\"]", fields);
        Assert.Contains("periods[\"201201\"]", fields);
        Assert.DoesNotContain("indicators[\"ok\"]", fields);
        Assert.True(body.TryGetProperty("detailVi", out _));
        using (var none = await admin.GetAsync("/api/admin/exchange-mappings/" + name))
        {
            Assert.Equal(404, (int)none.StatusCode);
        }

        Assert.Equal(422, (await PutMappingAsync(admin, name, new { regime = "NO-SUCH-REGIME", indicators = new Dictionary<string, string> { ["a"] = "IIP" } })).Status);
        Assert.Equal(400, (await PutMappingAsync(admin, "bad name!", new { regime = Regime })).Status);

        // An import names an unknown mapping, or one of another regime.
        var period = Api.ReportTestData.NextPeriod();
        var path = Api.ReportTestData.Path(period, Hanoi);
        var sample = await File.ReadAllBytesAsync(Samples("dhis2", "dataValueSetBooleanTest.csv"), Ct);
        Assert.Equal(404, (await UploadAsync(admin, path + "/import?format=dhis2-csv&mapping=no-such-mapping", sample)).Status);

        // A mapped value that does not fit the indicator ("true" for an integer) names the data value; nothing is stored.
        var typed = Unique("typed");
        Assert.Equal(201, (await PutMappingAsync(admin, typed, new
        {
            regime = Regime,
            indicators = new Dictionary<string, string> { ["jH26dja2f30"] = "ENT_NEW" },
            territories = new Dictionary<string, string> { ["DiszpKrYNg8"] = "01" },
            periods = new Dictionary<string, string> { ["201201"] = period },
        })).Status);
        var (badStatus, bad) = await UploadAsync(admin, path + $"/import?format=dhis2-csv&mapping={typed}", sample);
        Assert.Equal(422, badStatus);
        Assert.Contains(bad.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.StartsWith("dataValues[0]", StringComparison.Ordinal));
        using (var draft = await admin.GetAsync(path + "/draft"))
        {
            Assert.Equal(404, (int)draft.StatusCode);
        }

        // Deleted, the mapping is gone for imports too.
        using (var deleted = await admin.SendAsync(HttpMethod.Delete, "/api/admin/exchange-mappings/" + typed))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }

        Assert.Equal(404, (await UploadAsync(admin, path + $"/import?format=dhis2-csv&mapping={typed}", sample)).Status);
    }
}
