using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Schema;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;
using Nris.Server.Tests.Auth;

namespace Nris.Server.Tests.Exchange;

/// <summary>
/// The SDMX REST service on the real server with the demo data: the statistics office's yearbook history is loaded as
/// NGTK-TINH-NAM reports (a public regime), so anonymous callers read DF_NGTK_TINH_NAM; every answer is read back with
/// our own readers and compared with the values of the reports themselves (GET /api/reports/…), and the SDMX-ML
/// answers are validated against the official schemas.
/// </summary>
public sealed class SdmxServiceTests(NrisServerFixture server)
{
    private const string Flow = "DF_NGTK_TINH_NAM";
    private const string Regime = "NGTK-TINH-NAM";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Answer(int Status, string ContentType, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    private static async Task<Answer> GetAsync(ApiSession session, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await session.Client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", body);
    }

    /// <summary>The current values of the yearbook report of <paramref name="year"/>: (indicator, disaggregation, territory) → number.</summary>
    private async Task<Dictionary<(string, string, string), decimal>> ReportedAsync(ApiSession admin, int year)
    {
        var report = await admin.GetJsonAsync($"/api/reports/{Regime}/{year.ToString(CultureInfo.InvariantCulture)}/TCTK");
        var values = new Dictionary<(string, string, string), decimal>();
        foreach (var v in report.GetProperty("currentValues").EnumerateArray())
        {
            if (v.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number)
            {
                values[(v.GetProperty("indicator").GetString()!, v.GetProperty("disaggregation").GetString()!, v.GetProperty("territory").GetString()!)] = n.GetDecimal();
            }
        }

        return values;
    }

    private async Task<List<int>> YearsAsync(ApiSession admin)
    {
        var list = await admin.GetJsonAsync($"/api/reports?regime={Regime}&reporter=TCTK");
        return [.. list.GetProperty("items").EnumerateArray().Select(r => int.Parse(r.GetProperty("period").GetString()!, CultureInfo.InvariantCulture)).Order()];
    }

    private static Dictionary<(string, string, string, string), decimal> Observed(ExchangeDataSet data) =>
        data.Observations.ToDictionary(
            o => (o.Dimensions["INDICATOR"], o.Dimensions["DISAGG"], o.Dimensions["REF_AREA"], o.TimePeriod),
            o => decimal.Parse(o.Value!, NumberStyles.Float, CultureInfo.InvariantCulture));

    [Fact]
    public async Task Data_v1_answers_the_key_in_every_format_with_the_reported_values()
    {
        using var admin = await server.AdminAsync();
        using var anonymous = server.NewSession();
        var years = await YearsAsync(admin);
        Assert.True(years.Count >= 3, "the demo loads several yearbook years");
        var year = years[^1];
        var reported = await ReportedAsync(admin, year);
        var expected = reported.Where(r => r.Key.Item1 is "POP_AVG" or "AREA_KM2" && r.Key.Item3 is "01" or "79")
            .ToDictionary(r => (r.Key.Item1, r.Key.Item2, r.Key.Item3, year.ToString(CultureInfo.InvariantCulture)), r => r.Value);
        Assert.NotEmpty(expected);

        var path = $"/sdmx/rest/data/{Flow}/A.POP_AVG+AREA_KM2._T.01+79?startPeriod={year}&endPeriod={year}";
        var structure = NrisSdmxMapping.Structure("NRIS:" + Flow + "(1.0)");
        var formats = new (string Accept, Func<Stream, ExchangeDataSet> Read, string Schema)[]
        {
            ("application/vnd.sdmx.genericdata+xml;version=2.1", s => SdmxMlDataReader.Read(s, structure, null, Ct), "sdmx-ml-2.1"),
            ("application/vnd.sdmx.structurespecificdata+xml;version=2.1", s => SdmxMlDataReader.Read(s, structure, null, Ct), "sdmx-ml-2.1"),
            ("application/vnd.sdmx.data+xml;version=3.0.0", s => SdmxMlDataReader.Read(s, structure, null, Ct), "sdmx-ml-3.0"),
            ("application/vnd.sdmx.data+json;version=1.0.0", s => SdmxJson.Read(s, null, Ct), ""),
            ("application/vnd.sdmx.data+json;version=2.0.0", s => SdmxJson.Read(s, null, Ct), ""),
            ("application/vnd.sdmx.data+csv;version=1.0.0", s => SdmxCsv.Read(s, structure, null, Ct), ""),
            ("application/vnd.sdmx.data+csv;version=2.0.0", s => SdmxCsv.Read(s, structure, null, Ct), ""),
        };
        foreach (var (accept, read, schema) in formats)
        {
            var answer = await GetAsync(anonymous, path, accept);
            Assert.True(answer.Status == 200, $"{accept}: {answer.Status} {answer.Text}");
            Assert.StartsWith(accept.Split(';')[0], answer.ContentType, StringComparison.Ordinal);
            var data = read(new MemoryStream(answer.Body));
            Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Observed(data).OrderBy(e => e.Key.ToString()));
            if (schema.Length > 0)
            {
                var v30 = schema == "sdmx-ml-3.0";
                var generated = accept.Contains("genericdata", StringComparison.Ordinal) ? [] : new[] { DsdSchema(v30) };
                Assert.Empty(Validate(answer.Body, schema, generated));
            }
        }

        // The format parameter wins over Accept; with no Accept, v1 answers SDMX-ML 2.1 generic data.
        var csv = await GetAsync(anonymous, path + "&format=csvdata", "application/xml");
        Assert.StartsWith("application/vnd.sdmx.data+csv", csv.ContentType, StringComparison.Ordinal);
        var plain = await GetAsync(anonymous, path);
        Assert.StartsWith("application/vnd.sdmx.genericdata+xml", plain.ContentType, StringComparison.Ordinal);

        // A wildcarded key: everything Hà Nội reported that year, exactly the report's Hà Nội values.
        var all = await GetAsync(anonymous, $"/sdmx/rest/data/NRIS,{Flow},1.0/A...01/all?startPeriod={year}&endPeriod={year}", "application/vnd.sdmx.data+json;version=2.0.0");
        Assert.Equal(200, all.Status);
        var hanoi = reported.Where(r => r.Key.Item3 == "01").ToDictionary(r => (r.Key.Item1, r.Key.Item2, r.Key.Item3, year.ToString(CultureInfo.InvariantCulture)), r => r.Value);
        Assert.Equal(hanoi.OrderBy(e => e.Key.ToString()), Observed(SdmxJson.Read(new MemoryStream(all.Body), null, Ct)).OrderBy(e => e.Key.ToString()));

        // The provider is the reporting organization.
        var byProvider = await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01/NRIS,TCTK?startPeriod={year}&endPeriod={year}", "application/json");
        Assert.Equal(200, byProvider.Status);
        Assert.Equal(404, (await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01/NRIS,BTC?startPeriod={year}", "application/json")).Status);
    }

    [Fact]
    public async Task Data_v1_first_and_last_observations_updatedAfter_and_detail()
    {
        using var admin = await server.AdminAsync();
        using var anonymous = server.NewSession();
        var years = await YearsAsync(admin);
        var last = await ReportedAsync(admin, years[^1]);
        var beforeLast = await ReportedAsync(admin, years[^2]);
        const string Json = "application/vnd.sdmx.data+json;version=1.0.0";
        ExchangeDataSet Read(Answer a)
        {
            Assert.True(a.Status == 200, a.Text);
            return SdmxJson.Read(new MemoryStream(a.Body), null, Ct);
        }

        var lastTwo = Read(await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?lastNObservations=2", Json));
        Assert.Equal(new[] { years[^2].ToString(CultureInfo.InvariantCulture), years[^1].ToString(CultureInfo.InvariantCulture) },
            lastTwo.Observations.Select(o => o.TimePeriod).Order(StringComparer.Ordinal));
        Assert.Equal(last[("POP_AVG", "_T", "01")], Observed(lastTwo)[("POP_AVG", "_T", "01", years[^1].ToString(CultureInfo.InvariantCulture))]);
        Assert.Equal(beforeLast[("POP_AVG", "_T", "01")], Observed(lastTwo)[("POP_AVG", "_T", "01", years[^2].ToString(CultureInfo.InvariantCulture))]);

        // One series per area: the first observation of each, from the earliest report that has the value.
        var firstOne = Read(await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01+79?firstNObservations=1", Json));
        var expectedFirst = new Dictionary<(string, string, string, string), decimal>();
        foreach (var area in new[] { "01", "79" })
        {
            foreach (var y in years)
            {
                if ((await ReportedAsync(admin, y)).TryGetValue(("POP_AVG", "_T", area), out var n))
                {
                    expectedFirst[("POP_AVG", "_T", area, y.ToString(CultureInfo.InvariantCulture))] = n;
                    break;
                }
            }
        }
        Assert.Equal(expectedFirst.OrderBy(e => e.Key.ToString()), Observed(firstOne).OrderBy(e => e.Key.ToString()));

        // updatedAfter: the history was loaded at start-up, so nothing changed after now, everything after 2000.
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Assert.Equal(404, (await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?updatedAfter={future}", Json)).Status);
        var everything = Read(await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01", Json)).Observations.Count;
        Assert.Equal(everything, Read(await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?updatedAfter=2000-01-01T00:00:00Z", Json)).Observations.Count);

        // detail=dataonly drops the attributes; full (the default) keeps the official status the yearbook carries.
        var full = Read(await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?startPeriod={years[^1]}", Json));
        var dataOnly = Read(await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?startPeriod={years[^1]}&detail=dataonly", Json));
        Assert.Equal(full.Observations.Select(o => o.Value), dataOnly.Observations.Select(o => o.Value));
        Assert.All(dataOnly.Observations, o => Assert.Empty(o.Attributes));
        Assert.Equal(200, (await GetAsync(anonymous, $"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?dimensionAtObservation=AllDimensions", Json)).Status);
    }

    [Fact]
    public async Task Data_series_layouts_and_detail_in_every_format_with_series()
    {
        using var admin = await server.AdminAsync();
        using var anonymous = server.NewSession();
        var years = await YearsAsync(admin);
        var (a, b) = (years[^2], years[^1]);
        var expected = new Dictionary<(string, string, string, string), decimal>();
        foreach (var y in new[] { a, b })
        {
            foreach (var (k, v) in await ReportedAsync(admin, y))
            {
                if (k.Item1 is "POP_AVG" or "AREA_KM2" && k.Item2 == "_T" && k.Item3 is "01" or "79")
                {
                    expected[(k.Item1, k.Item2, k.Item3, y.ToString(CultureInfo.InvariantCulture))] = v;
                }
            }
        }

        var seriesByTime = expected.Keys.Select(k => (k.Item1, k.Item3)).Distinct().Count();
        var seriesByArea = expected.Keys.Select(k => (k.Item1, k.Item4)).Distinct().Count();
        Assert.True(seriesByTime >= 3, "the yearbook has population and area for both cities");
        var structure = NrisSdmxMapping.Structure("NRIS:" + Flow + "(1.0)");
        var path = $"/sdmx/rest/data/{Flow}/A.POP_AVG+AREA_KM2._T.01+79?startPeriod={a}&endPeriod={b}";
        var xmlFormats = new[]
        {
            ("application/vnd.sdmx.genericdata+xml;version=2.1", "sdmx-ml-2.1", false),
            ("application/vnd.sdmx.structurespecificdata+xml;version=2.1", "sdmx-ml-2.1", true),
            ("application/vnd.sdmx.data+xml;version=3.0.0", "sdmx-ml-3.0", true),
        };
        foreach (var (dimension, query, seriesCount) in new[]
        {
            ("TIME_PERIOD", "", seriesByTime), ("TIME_PERIOD", "&dimensionAtObservation=TIME_PERIOD", seriesByTime),
            ("REF_AREA", "&dimensionAtObservation=REF_AREA", seriesByArea), ("AllDimensions", "&dimensionAtObservation=AllDimensions", 0),
        })
        {
            foreach (var (accept, schema, specific) in xmlFormats)
            {
                var answer = await GetAsync(anonymous, path + query, accept);
                Assert.True(answer.Status == 200, $"{accept} {query}: {answer.Status} {answer.Text}");
                var doc = new XmlDocument { XmlResolver = null };
                doc.LoadXml(answer.Text);
                Assert.Equal(seriesCount, doc.GetElementsByTagName("Series", "*").Count);
                var v30 = schema == "sdmx-ml-3.0";
                Assert.Empty(Validate(answer.Body, schema, specific ? [DsdSchema(v30, dimension)] : []));
                var data = SdmxMlDataReader.Read(new MemoryStream(answer.Body), structure, null, Ct);
                Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Observed(data).OrderBy(e => e.Key.ToString()));
            }

            foreach (var accept in new[] { "application/vnd.sdmx.data+json;version=1.0.0", "application/vnd.sdmx.data+json;version=2.0.0" })
            {
                var answer = await GetAsync(anonymous, path + query, accept);
                Assert.True(answer.Status == 200, $"{accept} {query}: {answer.Status} {answer.Text}");
                var json = JsonDocument.Parse(answer.Body).RootElement;
                var dataSet = (json.TryGetProperty("data", out var d) ? d : json).GetProperty("dataSets")[0];
                Assert.Equal(seriesCount, dataSet.TryGetProperty("series", out var series) ? series.EnumerateObject().Count() : 0);
                Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Observed(SdmxJson.Read(new MemoryStream(answer.Body), null, Ct)).OrderBy(e => e.Key.ToString()));
            }
        }

        // serieskeysonly and nodata: the series, no observations; still valid. v2 says it with measures=none.
        foreach (var (url, accept, schema) in new[]
        {
            (path + "&detail=serieskeysonly", "application/vnd.sdmx.genericdata+xml;version=2.1", "sdmx-ml-2.1"),
            (path + "&detail=nodata", "application/vnd.sdmx.structurespecificdata+xml;version=2.1", "sdmx-ml-2.1"),
            ($"/sdmx/2/data/dataflow/NRIS/{Flow}/1.0/A.POP_AVG,AREA_KM2._T.01,79?c[TIME_PERIOD]=ge:{a}%2Ble:{b}&measures=none&attributes=none", "application/vnd.sdmx.data+xml;version=3.0.0", "sdmx-ml-3.0"),
        })
        {
            var answer = await GetAsync(anonymous, url, accept);
            Assert.True(answer.Status == 200, $"{url}: {answer.Status} {answer.Text}");
            var doc = new XmlDocument { XmlResolver = null };
            doc.LoadXml(answer.Text);
            Assert.Equal(seriesByTime, doc.GetElementsByTagName("Series", "*").Count);
            Assert.Equal(0, doc.GetElementsByTagName("Obs", "*").Count);
            Assert.Empty(Validate(answer.Body, schema, accept.Contains("genericdata", StringComparison.Ordinal) ? [] : [DsdSchema(schema == "sdmx-ml-3.0")]));
        }

        var keysJson = JsonDocument.Parse((await GetAsync(anonymous, path + "&detail=serieskeysonly", "application/json")).Body).RootElement;
        var keys = keysJson.GetProperty("dataSets")[0].GetProperty("series").EnumerateObject().ToList();
        Assert.Equal(seriesByTime, keys.Count);
        Assert.All(keys, k => Assert.False(k.Value.TryGetProperty("observations", out _)));

        // SDMX-CSV stays flat: serieskeysonly leaves every key with an empty value.
        var csv = SdmxCsv.Read(new MemoryStream((await GetAsync(anonymous, path + "&detail=serieskeysonly", "text/csv")).Body), structure, null, Ct);
        Assert.Equal(expected.Count, csv.Observations.Count);
        Assert.All(csv.Observations, o => Assert.True(string.IsNullOrEmpty(o.Value) && o.Attributes.Count == 0));
    }

    [Fact]
    public async Task Data_v2_filters_components_and_time()
    {
        using var admin = await server.AdminAsync();
        using var anonymous = server.NewSession();
        var years = await YearsAsync(admin);
        var (a, b) = (years[^2], years[^1]);
        var expected = new Dictionary<(string, string, string, string), decimal>();
        foreach (var y in new[] { a, b })
        {
            foreach (var (k, v) in await ReportedAsync(admin, y))
            {
                if (k.Item1 == "POP_AVG" && k.Item3 is "01" or "79")
                {
                    expected[(k.Item1, k.Item2, k.Item3, y.ToString(CultureInfo.InvariantCulture))] = v;
                }
            }
        }

        var path = $"/sdmx/2/data/dataflow/NRIS/{Flow}/1.0/*?c[REF_AREA]=01,79&c[INDICATOR]=POP_AVG&c[TIME_PERIOD]=ge:{a}%2Ble:{b}";
        var answer = await GetAsync(anonymous, path);
        Assert.True(answer.Status == 200, answer.Text);
        Assert.StartsWith("application/vnd.sdmx.data+xml", answer.ContentType, StringComparison.Ordinal);
        Assert.Empty(Validate(answer.Body, "sdmx-ml-3.0", [DsdSchema(v30: true)]));
        var data = SdmxMlDataReader.Read(new MemoryStream(answer.Body), NrisSdmxMapping.Structure("NRIS:" + Flow + "(1.0)"), null, Ct);
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Observed(data).OrderBy(e => e.Key.ToString()));

        // The same through the v2 key syntax (',' for OR, '*' for any), as SDMX-CSV 2.0.
        var keyed = await GetAsync(anonymous, $"/sdmx/2/data/dataflow/NRIS/{Flow}/~/A.POP_AVG.*.01,79?c[TIME_PERIOD]=ge:{a}", "application/vnd.sdmx.data+csv;version=2.0.0");
        Assert.True(keyed.Status == 200, keyed.Text);
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), Observed(SdmxCsv.Read(new MemoryStream(keyed.Body), null, null, Ct)).OrderBy(e => e.Key.ToString()));
    }

    [Fact]
    public async Task Structures_v1_and_v2_with_references_validate_and_read_back()
    {
        using var anonymous = server.NewSession();
        using var admin = await server.AdminAsync();

        // Anonymous callers see the public regimes' dataflows only; the administrator sees the internal ones too.
        var flows = await GetAsync(anonymous, "/sdmx/rest/dataflow");
        Assert.Equal(200, flows.Status);
        Assert.StartsWith("application/vnd.sdmx.structure+xml", flows.ContentType, StringComparison.Ordinal);
        Assert.Empty(Validate(flows.Body, "sdmx-ml-2.1", []));
        var open = SdmxStructureReader.Read(new MemoryStream(flows.Body), null, Ct);
        Assert.Contains(open.Dataflows, f => f.Ref.Id == Flow);
        Assert.DoesNotContain(open.Dataflows, f => f.Ref.Id == "DF_KTXH_TINH_THANG");
        Assert.Empty(open.Codelists);
        var adminFlows = SdmxStructureReader.Read(new MemoryStream((await GetAsync(admin, "/sdmx/rest/dataflow/all/all/latest")).Body), null, Ct);
        Assert.Contains(adminFlows.Dataflows, f => f.Ref.Id == "DF_KTXH_TINH_THANG");
        Assert.Equal(404, (await GetAsync(anonymous, "/sdmx/rest/dataflow/NRIS/DF_KTXH_TINH_THANG/1.0")).Status);

        // references=all: the flow, its DSD, its codelists and the concept scheme.
        var full = await GetAsync(anonymous, $"/sdmx/rest/dataflow/NRIS/{Flow}/1.0?references=all&detail=full");
        Assert.Equal(200, full.Status);
        Assert.Empty(Validate(full.Body, "sdmx-ml-2.1", []));
        var s = SdmxStructureReader.Read(new MemoryStream(full.Body), null, Ct);
        Assert.Equal([Flow], s.Dataflows.Select(f => f.Ref.Id));
        Assert.Equal(["DSD_NGTK_TINH_NAM"], s.DataStructures.Select(d => d.Ref.Id));
        Assert.Contains(s.Codelists, c => c.Ref.Id == "CL_INDICATOR_NGTK_TINH_NAM" && c.Codes.Any(x => x.Id == "POP_AVG"));
        Assert.Contains(s.Codelists, c => c.Ref.Id == "CL_AREA" && c.Codes.Any(x => x.Id == "79"));
        Assert.Equal(["CS_NRIS"], s.ConceptSchemes.Select(c => c.Ref.Id));

        // v2: SDMX-ML 3.0 by default, '~' for the latest version; a codelist's parents are the DSDs using it.
        var v2 = await GetAsync(anonymous, "/sdmx/2/structure/datastructure/NRIS/DSD_NGTK_TINH_NAM/~?references=children");
        Assert.True(v2.Status == 200, v2.Text);
        Assert.StartsWith("application/vnd.sdmx.structure+xml;version=3.0.0", v2.ContentType.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(Validate(v2.Body, "sdmx-ml-3.0", []));
        var s2 = SdmxStructureReader.Read(new MemoryStream(v2.Body), null, Ct);
        Assert.Equal(["DSD_NGTK_TINH_NAM"], s2.DataStructures.Select(d => d.Ref.Id));
        Assert.Contains(s2.Codelists, c => c.Ref.Id == "CL_FREQ");
        var parents = SdmxStructureReader.Read(new MemoryStream((await GetAsync(anonymous, "/sdmx/2/structure/codelist/NRIS/CL_INDICATOR_NGTK_TINH_NAM/*?references=parents")).Body), null, Ct);
        Assert.Equal(["DSD_NGTK_TINH_NAM"], parents.DataStructures.Select(d => d.Ref.Id));
        var freq = SdmxStructureReader.Read(new MemoryStream((await GetAsync(anonymous, "/sdmx/rest/codelist/NRIS/CL_FREQ", "application/vnd.sdmx.structure+xml;version=2.1")).Body), null, Ct);
        Assert.Equal(["D", "W", "M", "Q", "S", "A"], freq.Codelists.Single().Codes.Select(c => c.Id));

        // The same structures as SDMX-JSON 1.0 and 2.0 (by Accept, by format=, and application/json per API version).
        foreach (var (path, accept) in new[]
        {
            ($"/sdmx/rest/dataflow/NRIS/{Flow}/1.0?references=all", "application/vnd.sdmx.structure+json;version=1.0.0"),
            ($"/sdmx/rest/dataflow/NRIS/{Flow}/1.0?references=all", "application/vnd.sdmx.structure+json;version=2.0.0"),
            ($"/sdmx/rest/dataflow/NRIS/{Flow}/1.0?references=all&format=structurejson20", "application/xml"),
            ($"/sdmx/2/structure/dataflow/NRIS/{Flow}/~?references=all", "application/json"),
        })
        {
            var answer = await GetAsync(anonymous, path, accept);
            Assert.True(answer.Status == 200, $"{path} {accept}: {answer.Status} {answer.Text}");
            var expectedType = path.Contains("structurejson20", StringComparison.Ordinal) || path.StartsWith("/sdmx/2", StringComparison.Ordinal) || accept.EndsWith("2.0.0", StringComparison.Ordinal)
                ? "application/vnd.sdmx.structure+json;version=2.0.0" : "application/vnd.sdmx.structure+json;version=1.0.0";
            Assert.Equal(expectedType, answer.ContentType.Replace(" ", "", StringComparison.Ordinal));
            var j = SdmxJsonStructure.Read(new MemoryStream(answer.Body), null, Ct);
            Assert.Equal(s.Dataflows, j.Dataflows, (x, y) => x.Ref == y.Ref && x.Structure == y.Structure && x.Names.SequenceEqual(y.Names));
            Assert.Equal(s.DataStructures.Select(d => (d.Ref, string.Join(",", d.Dimensions), string.Join(",", d.Attributes), d.TimeDimension, d.Measure, d.ConceptScheme)),
                j.DataStructures.Select(d => (d.Ref, string.Join(",", d.Dimensions), string.Join(",", d.Attributes), d.TimeDimension, d.Measure, d.ConceptScheme)));
            Assert.Equal(s.Codelists.Select(c => (c.Ref, string.Join(",", c.Codes.Select(x => x.Id + "=" + string.Join("|", x.Names))))),
                j.Codelists.Select(c => (c.Ref, string.Join(",", c.Codes.Select(x => x.Id + "=" + string.Join("|", x.Names))))));
            Assert.Equal(s.ConceptSchemes.Single().Concepts.Select(c => c.Id), j.ConceptSchemes.Single().Concepts.Select(c => c.Id));
        }

        // Structures are not served as CSV: 406, a problem document.
        var csv = await GetAsync(anonymous, "/sdmx/rest/dataflow", "text/csv");
        Assert.Equal(406, csv.Status);
        Assert.Equal(406, JsonDocument.Parse(csv.Body).RootElement.GetProperty("sdmxCode").GetInt32());
    }

    [Fact]
    public async Task Errors_carry_the_SDMX_status_and_code_as_problem_documents_or_SDMX_ML_error_messages()
    {
        using var anonymous = server.NewSession();
        async Task Expect(string path, string? accept, int status, int code)
        {
            var answer = await GetAsync(anonymous, path, accept);
            Assert.True(answer.Status == status, $"{path}: expected {status}, got {answer.Status} {answer.Text}");
            if (accept?.Contains("xml", StringComparison.Ordinal) == true)
            {
                Assert.Empty(Validate(answer.Body, "sdmx-ml-2.1", []));
                var doc = new XmlDocument { XmlResolver = null };
                doc.LoadXml(answer.Text);
                Assert.Equal("Error", doc.DocumentElement!.LocalName);
                Assert.Equal(code.ToString(CultureInfo.InvariantCulture), doc.DocumentElement.FirstChild!.Attributes!["code"]!.Value);
            }
            else
            {
                var problem = JsonDocument.Parse(answer.Body).RootElement;
                Assert.Equal(code, problem.GetProperty("sdmxCode").GetInt32());
                Assert.True(problem.TryGetProperty("titleVi", out _));
            }
        }

        const string Generic = "application/vnd.sdmx.genericdata+xml;version=2.1";
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG", null, 400, 140);
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG", Generic, 400, 140);
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?startPeriod=1900&endPeriod=1901", Generic, 404, 100);
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?startPeriod=1900&endPeriod=1901", "application/json", 404, 100);
        await Expect("/sdmx/rest/data/DF_NO_SUCH_FLOW", Generic, 404, 100);
        // An internal regime does not exist for an anonymous caller.
        await Expect("/sdmx/rest/data/DF_KTXH_TINH_THANG", Generic, 404, 100);
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?dimensionAtObservation=CURRENCY", Generic, 400, 140);
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?detail=everything", null, 400, 140);
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?includeHistory=true", Generic, 501, 501);
        // Too much (the fixture sets Nris:Sdmx:MaxObservations to 5,000; the yearbook holds more): 413, SDMX 510.
        await Expect($"/sdmx/rest/data/{Flow}/all", Generic, 413, 510);
        await Expect($"/sdmx/2/data/dataflow/NRIS/{Flow}/1.0/*", "application/json", 413, 510);
        await Expect($"/sdmx/2/data/dataflow/NRIS/{Flow}/1.0/*?attributes=OBS_STATUS", null, 501, 501);
        await Expect($"/sdmx/rest/data/{Flow}/A.POP_AVG._T.01?startPeriod=yesterday", null, 400, 140);
        await Expect($"/sdmx/rest/data/{Flow}/all?format=pdf", null, 400, 140);
        await Expect($"/sdmx/rest/data/{Flow}/all", "application/pdf", 406, 406);
        await Expect("/sdmx/rest/datastructure/NRIS/DSD_NGTK_TINH_NAM/1.0?detail=allstubs", Generic.Replace("genericdata", "structure", StringComparison.Ordinal), 501, 501);
        await Expect("/sdmx/2/structure/categoryscheme/NRIS/CS/1.0", null, 501, 501);
    }

    [Fact]
    public async Task Available_constraint_lists_the_codes_present_for_the_key()
    {
        using var admin = await server.AdminAsync();
        using var anonymous = server.NewSession();
        var years = await YearsAsync(admin);
        var answer = await GetAsync(anonymous, $"/sdmx/rest/availableconstraint/{Flow}/A.POP_AVG+AREA_KM2._T.01+79/all/all");
        Assert.True(answer.Status == 200, answer.Text);
        Assert.Empty(Validate(answer.Body, "sdmx-ml-2.1", []));
        var doc = new XmlDocument { XmlResolver = null };
        doc.LoadXml(answer.Text);
        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("com", "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common");
        string[] Values(string id) => [.. doc.SelectNodes($"//com:KeyValue[@id='{id}']/com:Value", ns)!.Cast<XmlNode>().Select(n => n.InnerText)];
        Assert.Equal(["01", "79"], Values("REF_AREA"));
        Assert.Equal(["AREA_KM2", "POP_AVG"], Values("INDICATOR"));
        Assert.Equal(["A"], Values("FREQ"));
        // The time range runs from the first to the last year that has one of these values.
        var start = doc.SelectSingleNode("//com:KeyValue[@id='TIME_PERIOD']/com:TimeRange/com:StartPeriod", ns)!.InnerText;
        var end = doc.SelectSingleNode("//com:KeyValue[@id='TIME_PERIOD']/com:TimeRange/com:EndPeriod", ns)!.InnerText;
        Assert.True(string.CompareOrdinal(start, years[0].ToString(CultureInfo.InvariantCulture)) >= 0);
        Assert.Equal(years[^1].ToString(CultureInfo.InvariantCulture) + "-12-31", end);

        // One component only.
        var area = await GetAsync(anonymous, $"/sdmx/rest/availableconstraint/{Flow}/A.POP_AVG._T.01+79/all/REF_AREA");
        Assert.Equal(200, area.Status);
        Assert.DoesNotContain("id=\"INDICATOR\"", area.Text, StringComparison.Ordinal);
        Assert.Equal(404, (await GetAsync(anonymous, $"/sdmx/rest/availableconstraint/DF_KTXH_TINH_THANG/all/all/all")).Status);
    }

    [Fact]
    public async Task Availability_v2_with_filters_and_both_modes_shares_the_v1_answer()
    {
        using var admin = await server.AdminAsync();
        using var anonymous = server.NewSession();
        var years = await YearsAsync(admin);
        var (a, b) = (years[^2], years[^1]);
        var reported = new Dictionary<int, Dictionary<(string, string, string), decimal>> { [a] = await ReportedAsync(admin, a), [b] = await ReportedAsync(admin, b) };
        const string V30 = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure";
        const string V21 = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common";

        async Task<Func<string, string[]>> ConstraintAsync(string path, string? accept, string schema, string ns)
        {
            var answer = await GetAsync(anonymous, path, accept);
            Assert.True(answer.Status == 200, $"{path}: {answer.Status} {answer.Text}");
            Assert.Empty(Validate(answer.Body, schema, []));
            var doc = new XmlDocument { XmlResolver = null };
            doc.LoadXml(answer.Text);
            var m = new XmlNamespaceManager(doc.NameTable);
            m.AddNamespace("x", ns);
            Assert.Equal(schema == "sdmx-ml-3.0" ? "Actual" : null, doc.SelectSingleNode("//*[local-name()='DataConstraint']/@role")?.Value);
            return id => [.. doc.SelectNodes($"//x:KeyValue[@id='{id}']/x:Value", m)!.Cast<XmlNode>().Select(n => n.InnerText)];
        }

        // exact: Hà Nội's population in those two years; the indicators and areas are those of the query.
        var v2 = $"/sdmx/2/availability/dataflow/NRIS/{Flow}/~/A.POP_AVG.*.01/*?c[TIME_PERIOD]=ge:{a}%2Ble:{b}";
        var exact = await ConstraintAsync(v2, null, "sdmx-ml-3.0", V30);
        Assert.Equal(["POP_AVG"], exact("INDICATOR"));
        Assert.Equal(["01"], exact("REF_AREA"));
        var disaggs = reported.Values.SelectMany(r => r.Keys).Where(k => k.Item1 == "POP_AVG" && k.Item3 == "01").Select(k => k.Item2).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(disaggs, exact("DISAGG"));

        // available: for REF_AREA, every area with population those years (the other selections stay); for INDICATOR,
        // every indicator Hà Nội has those years.
        var available = await ConstraintAsync(v2 + "&mode=available", null, "sdmx-ml-3.0", V30);
        var areas = reported.Values.SelectMany(r => r.Keys).Where(k => k.Item1 == "POP_AVG").Select(k => k.Item3).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.True(areas.Length > 1);
        Assert.Equal(areas, available("REF_AREA"));
        Assert.Equal(reported.Values.SelectMany(r => r.Keys).Where(k => k.Item3 == "01").Select(k => k.Item1).Distinct().Order(StringComparer.Ordinal), available("INDICATOR"));

        // One component, in SDMX-ML 2.1 on request; v1 gives the same codes with the same parameters.
        var one = await ConstraintAsync($"/sdmx/2/availability/dataflow/NRIS/{Flow}/1.0/A.POP_AVG.*.01/REF_AREA?c[TIME_PERIOD]=ge:{a}%2Ble:{b}&mode=available",
            "application/vnd.sdmx.structure+xml;version=2.1", "sdmx-ml-2.1", V21);
        Assert.Equal(areas, one("REF_AREA"));
        Assert.Empty(one("INDICATOR"));
        var v1 = await ConstraintAsync($"/sdmx/rest/availableconstraint/{Flow}/A.POP_AVG..01/all/REF_AREA?startPeriod={a}&endPeriod={b}&mode=available", null, "sdmx-ml-2.1", V21);
        Assert.Equal(areas, v1("REF_AREA"));

        Assert.Equal(400, (await GetAsync(anonymous, v2 + "&mode=guess")).Status);
        Assert.Equal(400, (await GetAsync(anonymous, $"/sdmx/2/availability/dataflow/NRIS/{Flow}/1.0/*/NOPE")).Status);
        Assert.Equal(404, (await GetAsync(anonymous, $"/sdmx/2/availability/dataflow/NRIS/DF_KTXH_TINH_THANG/1.0/*/*")).Status);
        Assert.Equal(404, (await GetAsync(anonymous, $"/sdmx/2/availability/dataflow/NRIS/{Flow}/1.0/A.POP_AVG.*.01/*?c[TIME_PERIOD]=1900")).Status);
    }

    [Fact]
    public async Task Internal_dataflows_answer_each_caller_within_its_territory()
    {
        using var admin = await server.AdminAsync();
        var period = Api.ReportTestData.NextPeriod();
        foreach (var reporter in new[] { Api.ReportTestData.Hanoi, Api.ReportTestData.Hcmc })
        {
            await admin.PostJsonAsync(Api.ReportTestData.Path(period, reporter) + "/submit", Api.ReportTestData.Body(reporter), 201);
        }

        var sdmxPeriod = period.Replace("-M", "-", StringComparison.Ordinal);
        var path = $"/sdmx/rest/data/DF_KTXH_TINH_THANG/M.RETAIL_SALES._T.01+79?startPeriod={sdmxPeriod}&endPeriod={sdmxPeriod}";
        const string Json = "application/vnd.sdmx.data+json;version=2.0.0";
        var all = SdmxJson.Read(new MemoryStream((await GetAsync(admin, path, Json)).Body), null, Ct);
        Assert.Equal(["01", "79"], all.Observations.Select(o => o.Dimensions["REF_AREA"]).Order(StringComparer.Ordinal));
        Assert.Contains(all.Observations, o => o.Value == Api.ReportTestData.HcmcMarker);

        var (reviewer, _, _, _) = await server.UserAsync(Api.ReportTestData.Hanoi, "reviewer");
        using (reviewer)
        {
            var answer = await GetAsync(reviewer, path, Json);
            Assert.Equal(200, answer.Status);
            var hanoi = SdmxJson.Read(new MemoryStream(answer.Body), null, Ct);
            Assert.Equal(["01"], hanoi.Observations.Select(o => o.Dimensions["REF_AREA"]));
            Assert.Equal(100m, decimal.Parse(hanoi.Observations.Single().Value!, CultureInfo.InvariantCulture));
            Assert.DoesNotContain(Api.ReportTestData.HcmcMarker, answer.Text, StringComparison.Ordinal);
        }

        using var anonymous = server.NewSession();
        Assert.Equal(404, (await GetAsync(anonymous, path, Json)).Status);
    }

    // ------------------------------------------------------------------ schema validation

    /// <summary>The DSD-specific schema of our structure-specific output; TIME_PERIOD at observation level is SDMX's default.</summary>
    private static byte[] DsdSchema(bool v30, string dimensionAtObservation = "TIME_PERIOD")
    {
        using var stream = new MemoryStream();
        SdmxStructureSpecificSchema.Write(stream, "NRIS:" + Flow + "(1.0)", NrisSdmxMapping.DimensionIds, ["OBS_STATUS", "UNIT_MEASURE", "COMMENT"], v30, dimensionAtObservation);
        return stream.ToArray();
    }

    /// <summary>Validates against the official schemas in Schemas/<paramref name="folder"/> plus generated DSD-specific ones.</summary>
    private static List<string> Validate(byte[] xml, string folder, byte[][] extraSchemas)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Schemas", folder);
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        var problems = new List<string>();
        set.ValidationEventHandler += (_, e) => problems.Add("schema: " + e.Message);
        using (var r = XmlReader.Create(Path.Combine(dir, "SDMXMessage.xsd"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, XmlResolver = new XmlUrlResolver() }))
        {
            set.Add(null, r);
        }

        var i = 0;
        foreach (var extra in extraSchemas)
        {
            using var r = XmlReader.Create(new MemoryStream(extra), new XmlReaderSettings { XmlResolver = new XmlUrlResolver() }, Path.Combine(dir, $"generated{i++}.xsd"));
            set.Add(null, r);
        }

        set.Compile();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = set };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }

        return problems;
    }
}
