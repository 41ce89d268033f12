using System.Globalization;
using System.Text;
using System.Text.Json;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Server.Connectors;

/// <summary>One problem in a batch, naming where (record or line) and which field.</summary>
public sealed record ConnectorProblem(string Location, string Field, string MessageEn, string MessageVi);

/// <summary>A batch read, mapped and checked: the values by period, and the largest cursor-field value seen.</summary>
public sealed record ConnectorBatch(IReadOnlyList<(Period Period, ReportValue Value)> Values, string? MaxCursor, int Records);

/// <summary>The batch could not be read or does not fit: nothing of it may be stored.</summary>
public sealed class ConnectorBatchException(IReadOnlyList<ConnectorProblem> problems, int status = StatusCodes.Status400BadRequest)
    : Exception(problems.Count > 0 ? problems[0].Location + " (" + problems[0].Field + "): " + problems[0].MessageEn : "The batch is not valid.")
{
    public IReadOnlyList<ConnectorProblem> Problems { get; } = problems;

    /// <summary>400 for a malformed batch, 413 for one over the connector's limits.</summary>
    public int Status { get; } = status;
}

/// <summary>
/// Reads a connector's batch — a JSON array of flat records (or an object holding one in <c>observations</c>), a CSV
/// file with a header line, or an SDMX-CSV message — translates the source's codes through the connector's mapping,
/// and checks every value against the catalogue and the regime. Any problem refuses the whole batch, each problem
/// naming its record (<c>records[3]</c>) or line (<c>line 4</c>) and field.
/// </summary>
public static class ConnectorReader
{
    private const int MaxProblems = 50;
    private const int MaxFieldLength = 4000;

    private sealed record Raw(string Location, IReadOnlyDictionary<string, string> Fields);

    public static ConnectorBatch Read(byte[] body, ConnectorDefinition definition, ConnectorMapping? mapping, Regime regime, CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(definition);
        var limits = definition.LimitsOrDefault;
        if (body.Length > limits.MaxBytes)
        {
            throw new ConnectorBatchException([new("body", "body",
                $"The batch has {body.Length.ToString(CultureInfo.InvariantCulture)} bytes; this connector takes at most {limits.MaxBytes.ToString(CultureInfo.InvariantCulture)}.",
                $"Lô dữ liệu có {body.Length.ToString(CultureInfo.InvariantCulture)} byte; kết nối này nhận tối đa {limits.MaxBytes.ToString(CultureInfo.InvariantCulture)}.")],
                StatusCodes.Status413PayloadTooLarge);
        }
        var fields = definition.FieldsOrDefault;
        var observations = new List<ExchangeObservation>();
        var locations = new List<string>();
        var cursors = new List<string?>();
        var problems = new List<ConnectorProblem>();
        if (definition.Format == "sdmx-csv")
        {
            ExchangeDataSet set;
            try
            {
                set = SdmxCsv.Read(new MemoryStream(body, writable: false), null,
                    ExchangeLimits.Default with { MaxBytes = limits.MaxBytes, MaxObservations = limits.MaxRecords });
            }
            catch (ExchangeFormatException e)
            {
                throw new ConnectorBatchException([.. e.Errors.Take(MaxProblems).Select(x => new ConnectorProblem(x.Location, x.Field ?? "", x.MessageEn, x.MessageVi))],
                    e.Errors.Any(x => x.MessageEn.Contains("at most", StringComparison.Ordinal)) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest);
            }
            for (var i = 0; i < set.Observations.Count; i++)
            {
                var o = set.Observations[i];
                var at = "observation " + (i + 1).ToString(CultureInfo.InvariantCulture);
                var d = new Dictionary<string, string>(o.Dimensions, StringComparer.Ordinal);
                if (Translate(d, o.TimePeriod, at, NrisSdmxMapping.IndicatorDimension, NrisSdmxMapping.TerritoryDimension,
                        NrisSdmxMapping.DisaggregationDimension, mapping, problems, namedByColumn: true) is { } t)
                {
                    observations.Add(o with { Dimensions = t.Dimensions, TimePeriod = t.Period });
                    locations.Add(at);
                    cursors.Add(fields.Cursor is { } c ? o.Dimension(c) ?? o.Attribute(c) : null);
                }
            }
        }
        else
        {
            var raws = definition.Format == "json" ? ReadJson(body, limits.MaxRecords) : ReadCsv(body, limits.MaxRecords);
            foreach (var raw in raws)
            {
                string Field(string name) => raw.Fields.TryGetValue(name, out var v) ? v.Trim() : "";
                var indicator = Field(fields.IndicatorField);
                var period = Field(fields.PeriodField);
                if (indicator.Length == 0)
                {
                    Add(problems, raw.Location, fields.IndicatorField, "The indicator is missing.", "Thiếu chỉ tiêu.");
                    continue;
                }
                if (period.Length == 0)
                {
                    Add(problems, raw.Location, fields.PeriodField, "The period (date) is missing.", "Thiếu kỳ (ngày).");
                    continue;
                }
                var dims = new Dictionary<string, string>(StringComparer.Ordinal) { ["i"] = indicator };
                if (Field(fields.TerritoryField) is { Length: > 0 } territory)
                {
                    dims["t"] = territory;
                }
                if (Field(fields.DisaggregationField) is { Length: > 0 } disaggregation)
                {
                    dims["d"] = disaggregation;
                }
                if (Translate(dims, period, raw.Location, "i", "t", "d", mapping, problems) is not { } t)
                {
                    continue;
                }
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                if (Field(fields.StatusField) is { Length: > 0 } status)
                {
                    if (NrisSdmxMapping.TryParseStatusWord(status, out var code))
                    {
                        attributes[SdmxConcepts.ObsStatus] = code;
                    }
                    else
                    {
                        Add(problems, raw.Location, fields.StatusField, $"The status '{Short(status)}' is not one of normal, estimated, provisional, official.",
                            $"Tình trạng số liệu '{Short(status)}' không phải normal, estimated, provisional, official.");
                        continue;
                    }
                }
                if (Field(fields.NoteField) is { Length: > 0 } note)
                {
                    attributes[SdmxConcepts.Comment] = note;
                }
                var value = Field(fields.ValueField);
                observations.Add(new ExchangeObservation(t.Dimensions, t.Period, value.Length == 0 ? null : value, attributes));
                locations.Add(raw.Location);
                cursors.Add(fields.Cursor is { } cf ? Field(cf) : null);
            }
        }
        if (observations.Count + problems.Count > limits.MaxRecords)
        {
            throw new ConnectorBatchException([new("body", "body",
                $"The batch has more than {limits.MaxRecords.ToString(CultureInfo.InvariantCulture)} records, this connector's limit.",
                $"Lô dữ liệu có hơn {limits.MaxRecords.ToString(CultureInfo.InvariantCulture)} bản ghi, giới hạn của kết nối này.")],
                StatusCodes.Status413PayloadTooLarge);
        }

        var sdmx = definition.Format == "sdmx-csv";
        var (mapped, errors) = NrisSdmxMapping.FromExchange(new ExchangeDataSet("", observations), catalogue, regime);
        foreach (var e in errors)
        {
            var at = e.Location;
            if (at.StartsWith("observation ", StringComparison.Ordinal) &&
                int.TryParse(at.AsSpan(12), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= locations.Count)
            {
                at = locations[n - 1];
            }
            // An SDMX message's columns are the SDMX concepts themselves: name them as the source sent them.
            Add(problems, at, sdmx ? e.Field ?? "" : FieldName(e.Field, fields), e.MessageEn, e.MessageVi);
        }
        if (problems.Count == 0 && mapped.Count != observations.Count)
        {
            Add(problems, "body", "body", "Some records could not be mapped.", "Một số bản ghi không ánh xạ được.");
        }
        var values = new List<(Period, ReportValue)>(mapped.Count);
        for (var i = 0; i < mapped.Count && problems.Count == 0; i++)
        {
            var m = mapped[i];
            if (m.Period.Periodicity != regime.Periodicity)
            {
                Add(problems, locations[i], sdmx ? SdmxConcepts.TimePeriod : fields.PeriodField, $"The period {m.Period} is not a {regime.Periodicity.ToString().ToLowerInvariant()} period of {regime.Code}.",
                    $"Kỳ {m.Period} không phải kỳ báo cáo của {regime.Code}.");
            }
            else if (m.Action == ExchangeAction.Delete)
            {
                Add(problems, locations[i], "ACTION", "A connector does not delete values; send a corrected value instead.",
                    "Kết nối không xóa số liệu; hãy gửi giá trị đã sửa.");
            }
            else
            {
                values.Add((m.Period, m.Value));
            }
        }
        if (problems.Count > 0)
        {
            throw new ConnectorBatchException(problems);
        }

        // Two records for the same cell in one batch are ambiguous — unless the records carry a cursor (an id or an
        // update time): a pulled page may then hold a cell's earlier and later figures, and the later one stands.
        var seen = new Dictionary<(Period, string, string, string?), int>();
        var superseded = new HashSet<int>();
        for (var i = 0; i < values.Count; i++)
        {
            var (p, v) = values[i];
            var cell = (p, v.IndicatorCode, v.Disaggregation, v.TerritoryCode);
            if (seen.TryAdd(cell, i))
            {
                continue;
            }
            var earlier = seen[cell];
            if (fields.Cursor is not null && cursors[i] is { Length: > 0 } ci && cursors[earlier] is { Length: > 0 } ce)
            {
                var later = CompareCursor(ci, ce) >= 0 ? i : earlier;
                superseded.Add(later == i ? earlier : i);
                seen[cell] = later;
                continue;
            }
            Add(problems, locations[i], fields.IndicatorField,
                $"This record repeats the cell of {locations[earlier]} ({v.IndicatorCode}, {v.Disaggregation}, {v.TerritoryCode ?? "own territory"}, {p}).",
                $"Bản ghi này trùng ô với {locations[earlier]} ({v.IndicatorCode}, {v.Disaggregation}, {v.TerritoryCode ?? "địa bàn của đơn vị"}, {p}).");
        }
        if (problems.Count > 0)
        {
            throw new ConnectorBatchException(problems);
        }
        if (superseded.Count > 0)
        {
            values = [.. values.Where((_, i) => !superseded.Contains(i))];
        }
        return new ConnectorBatch(values, MaxCursor(cursors), observations.Count);
    }

    /// <summary>Cursor values compare as numbers when both are integers, otherwise ordinally (ISO dates and times sort so).</summary>
    public static int CompareCursor(string a, string b) =>
        long.TryParse(a, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) && long.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out var y)
            ? x.CompareTo(y)
            : string.CompareOrdinal(a, b);

    private static string? MaxCursor(IEnumerable<string?> cursors)
    {
        string? max = null;
        foreach (var c in cursors)
        {
            if (!string.IsNullOrEmpty(c) && (max is null || CompareCursor(c, max) > 0))
            {
                max = c;
            }
        }
        return max;
    }

    private static string FieldName(string? field, ConnectorFields fields) => field switch
    {
        NrisSdmxMapping.IndicatorDimension => fields.IndicatorField,
        NrisSdmxMapping.DisaggregationDimension => fields.DisaggregationField,
        SdmxConcepts.TimePeriod => fields.PeriodField,
        SdmxConcepts.ObsValue => fields.ValueField,
        SdmxConcepts.ObsStatus => fields.StatusField,
        null => "",
        _ => field,
    };

    private sealed record Translated(Dictionary<string, string> Dimensions, string Period);

    /// <summary>Applies the code tables; renames our three dimensions to the SDMX names FromExchange reads.</summary>
    private static Translated? Translate(Dictionary<string, string> dims, string period, string at, string indicatorKey, string territoryKey,
        string disaggregationKey, ConnectorMapping? mapping, List<ConnectorProblem> problems, bool namedByColumn = false)
    {
        // An SDMX message is named by its columns (observation 3.INDICATOR); records by the role (records[3].indicator).
        string Name(string key, string role) => namedByColumn ? key : role;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in dims)
        {
            if (k != indicatorKey && k != territoryKey && k != disaggregationKey)
            {
                result[k] = v;
            }
        }
        if (!Lookup(mapping?.Indicators, dims.GetValueOrDefault(indicatorKey) ?? "", at, "indicator", problems, out var indicator, Name(indicatorKey, "indicator")))
        {
            return null;
        }
        result[NrisSdmxMapping.IndicatorDimension] = indicator;
        if (dims.TryGetValue(territoryKey, out var t))
        {
            if (!Lookup(mapping?.Territories, t, at, "territory", problems, out var territory, Name(territoryKey, "territory")))
            {
                return null;
            }
            result[NrisSdmxMapping.TerritoryDimension] = territory;
        }
        if (dims.TryGetValue(disaggregationKey, out var d))
        {
            if (!Lookup(mapping?.Disaggregations, d, at, "disaggregation", problems, out var disaggregation, Name(disaggregationKey, "disaggregation")))
            {
                return null;
            }
            result[NrisSdmxMapping.DisaggregationDimension] = disaggregation;
        }
        var ourPeriod = mapping?.Periods is { } periods && periods.TryGetValue(period, out var mapped) ? mapped : period;
        return new Translated(result, ourPeriod);
    }

    private static bool Lookup(IReadOnlyDictionary<string, string>? table, string code, string at, string what, List<ConnectorProblem> problems, out string ours, string? field = null)
    {
        if (table is null or { Count: 0 })
        {
            ours = code;
            return true;
        }
        if (table.TryGetValue(code, out ours!))
        {
            return true;
        }
        Add(problems, at, field ?? what, $"The {what} code '{Short(code)}' is not in this connector's mapping.", $"Mã '{Short(code)}' ({what}) không có trong bảng ánh xạ của kết nối này.");
        return false;
    }

    private static List<Raw> ReadJson(byte[] body, int maxRecords)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            var line = ((e.LineNumber ?? 0) + 1).ToString(CultureInfo.InvariantCulture);
            throw new ConnectorBatchException([new("line " + line, "body", "The body is not valid JSON: " + Short(e.Message), "Nội dung không phải JSON hợp lệ: " + Short(e.Message))]);
        }
        using (document)
        {
            var root = document.RootElement;
            var array = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("observations", out var o) && o.ValueKind == JsonValueKind.Array ? o
                : throw new ConnectorBatchException([new("body", "observations", "The body is a JSON array of records, or an object with an 'observations' array.",
                    "Nội dung là một mảng JSON các bản ghi, hoặc một đối tượng có mảng 'observations'.")]);
            var raws = new List<Raw>();
            var problems = new List<ConnectorProblem>();
            var i = 0;
            foreach (var element in array.EnumerateArray())
            {
                var at = "records[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                i++;
                if (i > maxRecords)
                {
                    throw new ConnectorBatchException([new("body", "body", $"The batch has more than {maxRecords.ToString(CultureInfo.InvariantCulture)} records, this connector's limit.",
                        $"Lô dữ liệu có hơn {maxRecords.ToString(CultureInfo.InvariantCulture)} bản ghi, giới hạn của kết nối này.")], StatusCodes.Status413PayloadTooLarge);
                }
                if (element.ValueKind != JsonValueKind.Object)
                {
                    Add(problems, at, "", "A record is a JSON object.", "Mỗi bản ghi là một đối tượng JSON.");
                    continue;
                }
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in element.EnumerateObject())
                {
                    string? text = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString(),
                        JsonValueKind.Number => p.Value.GetRawText(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        JsonValueKind.Null => null,
                        _ => throw new ConnectorBatchException([new(at, p.Name, "A field is a string, a number, true, false or null.", "Mỗi trường là chuỗi, số, true, false hoặc null.")]),
                    };
                    if (text is { Length: > MaxFieldLength })
                    {
                        Add(problems, at, p.Name, "The field is too long.", "Trường quá dài.");
                    }
                    else if (text is not null && !fields.TryAdd(p.Name, text))
                    {
                        Add(problems, at, p.Name, "The field appears twice.", "Trường xuất hiện hai lần.");
                    }
                }
                raws.Add(new Raw(at, fields));
            }
            if (problems.Count > 0)
            {
                throw new ConnectorBatchException(problems);
            }
            return raws;
        }
    }

    private static List<Raw> ReadCsv(byte[] body, int maxRecords)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw new ConnectorBatchException([new("body", "body", "The CSV file is not UTF-8 text.", "Tệp CSV không phải văn bản UTF-8.")]);
        }
        var firstLine = text.AsSpan(0, Math.Min(text.Length, 4000));
        var newline = firstLine.IndexOfAny('\r', '\n');
        var header = newline < 0 ? firstLine : firstLine[..newline];
        var delimiter = header.Count(';') > header.Count(',') ? ';' : ',';
        var reader = new Nris.Core.Text.CsvReader(new StringReader(text), delimiter);
        var raws = new List<Raw>();
        try
        {
            var names = reader.ReadRecord() ?? throw new ConnectorBatchException([new("line 1", "header", "The CSV file is empty: the header line is missing.", "Tệp CSV rỗng: thiếu dòng tiêu đề.")]);
            var columns = names.Select(n => n.Trim()).ToArray();
            if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
            {
                throw new ConnectorBatchException([new("line 1", "header", "A column name appears twice.", "Tên cột bị lặp lại.")]);
            }
            while (reader.ReadRecord() is { } row)
            {
                var at = "line " + reader.RecordLine.ToString(CultureInfo.InvariantCulture);
                if (raws.Count >= maxRecords)
                {
                    throw new ConnectorBatchException([new("body", "body", $"The batch has more than {maxRecords.ToString(CultureInfo.InvariantCulture)} records, this connector's limit.",
                        $"Lô dữ liệu có hơn {maxRecords.ToString(CultureInfo.InvariantCulture)} bản ghi, giới hạn của kết nối này.")], StatusCodes.Status413PayloadTooLarge);
                }
                if (row.Length != columns.Length)
                {
                    throw new ConnectorBatchException([new(at, "", $"The line has {row.Length.ToString(CultureInfo.InvariantCulture)} fields; the header has {columns.Length.ToString(CultureInfo.InvariantCulture)}.",
                        $"Dòng có {row.Length.ToString(CultureInfo.InvariantCulture)} trường; dòng tiêu đề có {columns.Length.ToString(CultureInfo.InvariantCulture)}.")]);
                }
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var c = 0; c < columns.Length; c++)
                {
                    if (row[c].Length > MaxFieldLength)
                    {
                        throw new ConnectorBatchException([new(at, columns[c], "The field is too long.", "Trường quá dài.")]);
                    }
                    if (row[c].Length > 0)
                    {
                        fields[columns[c]] = row[c];
                    }
                }
                raws.Add(new Raw(at, fields));
            }
        }
        catch (FormatException e)
        {
            throw new ConnectorBatchException([new("body", "body", "The CSV file is malformed: " + Short(e.Message), "Tệp CSV sai định dạng: " + Short(e.Message))]);
        }
        return raws;
    }

    private static void Add(List<ConnectorProblem> problems, string at, string field, string en, string vi)
    {
        if (problems.Count < MaxProblems)
        {
            problems.Add(new ConnectorProblem(at, field, en, vi));
        }
    }

    private static string Short(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
