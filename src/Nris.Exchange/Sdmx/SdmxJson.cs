using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>SDMX-JSON data message versions.</summary>
public enum SdmxJsonVersion
{
    /// <summary>SDMX-JSON 1.0 (header / structure / dataSets at the root).</summary>
    V10 = 0,

    /// <summary>SDMX-JSON 2.0 (meta / data.structures / data.dataSets); 2.1 messages read the same way.</summary>
    V20 = 1,
}

/// <summary>
/// SDMX-JSON data messages: index-based series and observations resolved against the message's own structure
/// section. Reads 1.0 (both the root and meta/data layouts) and 2.x; writes 1.0 and 2.0 in the flat layout.
/// </summary>
public static partial class SdmxJson
{
    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    /// <summary>Reads an SDMX-JSON data message.</summary>
    /// <exception cref="ExchangeFormatException">Problems naming the JSON path.</exception>
    public static ExchangeDataSet Read(Stream stream, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExchangeLimits.Default;
        return Errors.Guard("SDMX-JSON", () =>
        {
            using var doc = JsonDocument.Parse(new LimitedStream(stream, limits.MaxBytes, cancellationToken), new JsonDocumentOptions { MaxDepth = limits.MaxXmlDepth });
            return ReadCore(doc.RootElement, limits, cancellationToken);
        }, cancellationToken);
    }

    private sealed record Component(string Id, string[] Values);

    private static ExchangeDataSet ReadCore(JsonElement root, ExchangeLimits limits, CancellationToken ct)
    {
        var errors = new ErrorList(limits.MaxErrors);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ExchangeFormatException(Errors.Invalid("$", null, "Thông điệp phải là một đối tượng JSON.", "The message must be a JSON object."));
        }

        var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : root;
        var dataPath = data.Equals(root) ? "$" : "$.data";
        var structures = new List<JsonElement>();
        if (data.TryGetProperty("structures", out var ss) && ss.ValueKind == JsonValueKind.Array)
        {
            structures.AddRange(ss.EnumerateArray());
        }
        else if (data.TryGetProperty("structure", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            structures.Add(s);
        }

        if (!data.TryGetProperty("dataSets", out var dataSets) || dataSets.ValueKind != JsonValueKind.Array)
        {
            throw new ExchangeFormatException(Errors.Missing(dataPath, "dataSets"));
        }

        var observations = new List<ExchangeObservation>();
        var structureId = "";
        var dsIndex = 0;
        foreach (var ds in dataSets.EnumerateArray())
        {
            var dsPath = string.Create(CultureInfo.InvariantCulture, $"{dataPath}.dataSets[{dsIndex++}]");
            if (ds.ValueKind != JsonValueKind.Object)
            {
                errors.Add(Errors.Invalid(dsPath, null, "Tập dữ liệu phải là đối tượng.", "A data set must be an object."));
                continue;
            }

            var si = ds.TryGetProperty("structure", out var sIndex) && sIndex.ValueKind == JsonValueKind.Number && sIndex.TryGetInt32(out var n) ? n : 0;
            if (si < 0 || si >= structures.Count)
            {
                errors.Add(Errors.Missing(dsPath, "structure"));
                continue;
            }

            var structure = structures[si];
            if (structureId.Length == 0)
            {
                structureId = StructureId(structure);
            }

            var dims = Components(structure, "dimensions");
            var attrs = Components(structure, "attributes");
            var action = Str(ds, "action") switch
            {
                "Delete" => ExchangeAction.Delete,
                "Replace" => ExchangeAction.Replace,
                _ => ExchangeAction.Merge,
            };

            var baseDims = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var c in dims.GetValueOrDefault("dataSet", []))
            {
                if (c.Values.Length > 0)
                {
                    baseDims[c.Id] = c.Values[0];
                }
            }

            var baseAttrs = new Dictionary<string, string>(StringComparer.Ordinal);
            ApplyAttributeIndexes(ds, attrs.GetValueOrDefault("dataSet", []), baseAttrs, dsPath, errors);

            void AddObs(string key, JsonElement obs, List<Component> obsDims, Dictionary<string, string> keyDims, Dictionary<string, string> keyAttrs, string path)
            {
                ct.ThrowIfCancellationRequested();
                if (observations.Count >= limits.MaxObservations)
                {
                    throw new ExchangeFormatException(Errors.TooManyObservations(path, limits.MaxObservations));
                }

                var allDims = new Dictionary<string, string>(keyDims, StringComparer.Ordinal);
                if (!Resolve(key, obsDims, allDims))
                {
                    errors.Add(Errors.Invalid(path, null, $"Khóa '{key}' không khớp cấu trúc.", $"The key '{key}' does not match the structure."));
                    return;
                }

                if (obs.ValueKind != JsonValueKind.Array || obs.GetArrayLength() == 0)
                {
                    errors.Add(Errors.Invalid(path, null, "Quan sát phải là mảng [giá trị, chỉ số thuộc tính…].", "An observation must be an array [value, attribute indexes…]."));
                    return;
                }

                var items = obs.EnumerateArray().ToArray();
                var value = items[0].ValueKind switch
                {
                    JsonValueKind.Number => items[0].GetRawText(),
                    JsonValueKind.String => items[0].GetString(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => null,
                };
                var allAttrs = new Dictionary<string, string>(keyAttrs, StringComparer.Ordinal);
                var obsAttrs = attrs.GetValueOrDefault("observation", []);
                for (var i = 1; i < items.Length && i - 1 < obsAttrs.Count; i++)
                {
                    ApplyIndex(items[i], obsAttrs[i - 1], allAttrs, path, errors);
                }

                foreach (var (k, v) in baseAttrs)
                {
                    allAttrs.TryAdd(k, v);
                }

                if (!allDims.Remove(SdmxConcepts.TimePeriod, out var time))
                {
                    errors.Add(Errors.Missing(path, SdmxConcepts.TimePeriod));
                    return;
                }

                observations.Add(new ExchangeObservation(allDims, time, value, allAttrs, action));
            }

            var obsDims = dims.GetValueOrDefault("observation", []);
            if (ds.TryGetProperty("series", out var series) && series.ValueKind == JsonValueKind.Object)
            {
                foreach (var s in series.EnumerateObject())
                {
                    var sPath = $"{dsPath}.series['{s.Name}']";
                    var keyDims = new Dictionary<string, string>(baseDims, StringComparer.Ordinal);
                    if (!Resolve(s.Name, dims.GetValueOrDefault("series", []), keyDims) || s.Value.ValueKind != JsonValueKind.Object)
                    {
                        errors.Add(Errors.Invalid(sPath, null, $"Khóa chuỗi '{s.Name}' không khớp cấu trúc.", $"The series key '{s.Name}' does not match the structure."));
                        continue;
                    }

                    var keyAttrs = new Dictionary<string, string>(StringComparer.Ordinal);
                    ApplyAttributeIndexes(s.Value, attrs.GetValueOrDefault("series", []), keyAttrs, sPath, errors);
                    if (s.Value.TryGetProperty("observations", out var os) && os.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var o in os.EnumerateObject())
                        {
                            AddObs(o.Name, o.Value, obsDims, keyDims, keyAttrs, $"{sPath}.observations['{o.Name}']");
                        }
                    }
                }
            }

            if (ds.TryGetProperty("observations", out var flat) && flat.ValueKind == JsonValueKind.Object)
            {
                foreach (var o in flat.EnumerateObject())
                {
                    AddObs(o.Name, o.Value, obsDims, baseDims, new Dictionary<string, string>(StringComparer.Ordinal), $"{dsPath}.observations['{o.Name}']");
                }
            }
        }

        errors.ThrowIfAny();
        return new ExchangeDataSet(structureId, observations);
    }

    private static string StructureId(JsonElement structure)
    {
        if (structure.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Array)
        {
            foreach (var l in links.EnumerateArray())
            {
                if (l.ValueKind == JsonValueKind.Object && Str(l, "rel") == "dataflow" && Str(l, "urn") is { } urn)
                {
                    return SdmxConcepts.FromUrn(urn);
                }
            }
        }

        return "";
    }

    private static Dictionary<string, List<Component>> Components(JsonElement structure, string name)
    {
        var result = new Dictionary<string, List<Component>>(StringComparer.Ordinal);
        if (!structure.TryGetProperty(name, out var group) || group.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var level in group.EnumerateObject())
        {
            if (level.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var list = new List<Component>();
            foreach (var c in level.Value.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var values = new List<string>();
                if (c.TryGetProperty("values", out var vs) && vs.ValueKind == JsonValueKind.Array)
                {
                    foreach (var v in vs.EnumerateArray())
                    {
                        values.Add(v.ValueKind == JsonValueKind.Object ? Str(v, "id") ?? Text(v, "value") ?? Text(v, "name") ?? "" : "");
                    }
                }

                list.Add(new Component(Str(c, "id") ?? "", [.. values]));
            }

            result[level.Name] = list;
        }

        return result;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // A value or name may be a string or a localised object {"en": "…"}; we keep the first text.
    private static string? Text(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }

        if (v.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetRawText();
        }

        return v.ValueKind == JsonValueKind.Object ? v.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null).FirstOrDefault(x => x is not null) : null;
    }

    private static bool Resolve(string key, List<Component> components, Dictionary<string, string> into)
    {
        if (components.Count == 0)
        {
            return key.Length == 0;
        }

        var parts = key.Split(':');
        if (parts.Length != components.Count)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= components[i].Values.Length)
            {
                return false;
            }

            into[components[i].Id] = components[i].Values[index];
        }

        return true;
    }

    private static void ApplyAttributeIndexes(JsonElement owner, List<Component> components, Dictionary<string, string> into, string path, ErrorList errors)
    {
        if (!owner.TryGetProperty("attributes", out var indexes) || indexes.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var i = 0;
        foreach (var idx in indexes.EnumerateArray())
        {
            if (i < components.Count)
            {
                ApplyIndex(idx, components[i], into, path, errors);
            }

            i++;
        }
    }

    private static void ApplyIndex(JsonElement idx, Component component, Dictionary<string, string> into, string path, ErrorList errors)
    {
        if (idx.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (idx.ValueKind != JsonValueKind.Number || !idx.TryGetInt32(out var i) || i < 0 || i >= component.Values.Length)
        {
            errors.Add(Errors.Invalid(path, component.Id, "Chỉ số giá trị thuộc tính không hợp lệ.", "The attribute value index is not valid."));
            return;
        }

        into[component.Id] = component.Values[i];
    }

    /// <summary>Writes an SDMX-JSON data message in the flat layout (every dimension at observation level).</summary>
    public static void Write(Stream stream, ExchangeDataSet data, SdmxJsonVersion version, SdmxHeader? header = null, CancellationToken cancellationToken = default) =>
        Write(stream, data, version, SdmxDataLayout.Flat, header, cancellationToken);

    /// <summary>
    /// Writes an SDMX-JSON data message in <paramref name="layout"/>: flat (<c>observations</c> keyed by every dimension's
    /// index) or series (<c>series</c> keyed by the series dimensions' indexes, each with <c>observations</c> keyed by the
    /// observation dimension's index). Attributes are observation attributes in both.
    /// </summary>
    public static void Write(Stream stream, ExchangeDataSet data, SdmxJsonVersion version, SdmxDataLayout layout, SdmxHeader? header = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(layout);
        header ??= SdmxHeader.Now();
        var dimIds = data.DimensionIds().Append(SdmxConcepts.TimePeriod).ToArray();
        var attrIds = layout.WritesAttributes ? data.AttributeIds().ToArray() : [];
        var dimValues = dimIds.Select(_ => new List<string>()).ToArray();
        var dimIndex = dimIds.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
        var attrValues = attrIds.Select(_ => new List<string>()).ToArray();
        var attrIndex = attrIds.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
        static int IndexOf(Dictionary<string, int> index, List<string> values, string v)
        {
            if (!index.TryGetValue(v, out var i))
            {
                i = values.Count;
                values.Add(v);
                index[v] = i;
            }

            return i;
        }

        // The observation dimension's position (-1: flat). Series keys are the other positions, in key order.
        var obsPosition = layout.IsSeries ? Array.IndexOf(dimIds, layout.DimensionAtObservation) : -1;
        if (layout.IsSeries && obsPosition < 0)
        {
            throw new ArgumentException($"'{layout.DimensionAtObservation}' is not a dimension of the data.", nameof(layout));
        }

        string Key(int[] indexes, Func<int, bool> include) =>
            string.Join(':', indexes.Where((_, i) => include(i)).Select(i => i.ToString(CultureInfo.InvariantCulture)));

        // Keys first, so the structure section can list every value before the data refer to them.
        var keyed = new List<Keyed>(data.Observations.Count);
        foreach (var o in data.Observations)
        {
            var indexes = dimIds.Select((id, i) => IndexOf(dimIndex[i], dimValues[i], SdmxDataLayout.Value(o, id))).ToArray();
            var attrs = attrIds.Select((id, i) => o.Attribute(id) is { } v ? IndexOf(attrIndex[i], attrValues[i], v) : (int?)null).ToArray();
            keyed.Add(obsPosition < 0
                ? new Keyed(o, "", Key(indexes, _ => true), attrs)
                : new Keyed(o, Key(indexes, i => i != obsPosition), Key(indexes, i => i == obsPosition), attrs));
        }

        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        var prepared = header.Prepared.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var (agency, id, ver) = SdmxConcepts.SplitReference(data.StructureId);
        var urn = $"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={agency}:{id}({ver})";
        var dims = new DimensionSection(dimIds, dimValues, obsPosition);
        if (version == SdmxJsonVersion.V10)
        {
            w.WriteStartObject("header");
            w.WriteString("id", header.Id);
            w.WriteString("prepared", prepared);
            w.WriteStartObject("sender");
            w.WriteString("id", header.SenderId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("structure");
            WriteStructureBody(w, urn, dims, attrIds, attrValues);
            w.WriteEndObject();
            WriteDataSets(w, keyed, false, layout, cancellationToken);
        }
        else
        {
            w.WriteString("$schema", "https://json.sdmx.org/2.0.0/sdmx-json-data-schema.json");
            w.WriteStartObject("meta");
            w.WriteString("id", header.Id);
            w.WriteString("prepared", prepared);
            w.WriteBoolean("test", false);
            w.WriteStartObject("sender");
            w.WriteString("id", header.SenderId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("data");
            w.WriteStartArray("structures");
            w.WriteStartObject();
            WriteStructureBody(w, urn, dims, attrIds, attrValues);
            w.WriteStartArray("dataSets");
            for (var i = 0; i < keyed.Select(k => k.Obs.Action).Distinct().Count(); i++)
            {
                w.WriteNumberValue(i);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            WriteDataSets(w, keyed, true, layout, cancellationToken);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private sealed record Keyed(ExchangeObservation Obs, string SeriesKey, string ObsKey, int?[] Attrs);

    private sealed record DimensionSection(string[] Ids, List<string>[] Values, int ObservationPosition);

    private static void WriteStructureBody(Utf8JsonWriter w, string urn, DimensionSection dims, string[] attrIds, List<string>[] attrValues)
    {
        w.WriteStartArray("links");
        w.WriteStartObject();
        w.WriteString("urn", urn);
        w.WriteString("rel", "dataflow");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("dimensions");
        w.WriteStartArray("dataSet");
        w.WriteEndArray();
        w.WriteStartArray("series");
        for (var i = 0; i < dims.Ids.Length; i++)
        {
            if (dims.ObservationPosition >= 0 && i != dims.ObservationPosition)
            {
                WriteComponent(w, dims.Ids[i], dims.Values[i], i);
            }
        }

        w.WriteEndArray();
        w.WriteStartArray("observation");
        for (var i = 0; i < dims.Ids.Length; i++)
        {
            if (dims.ObservationPosition < 0 || i == dims.ObservationPosition)
            {
                WriteComponent(w, dims.Ids[i], dims.Values[i], i);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("attributes");
        w.WriteStartArray("dataSet");
        w.WriteEndArray();
        w.WriteStartArray("series");
        w.WriteEndArray();
        w.WriteStartArray("observation");
        for (var i = 0; i < attrIds.Length; i++)
        {
            WriteComponent(w, attrIds[i], attrValues[i], null);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteComponent(Utf8JsonWriter w, string id, List<string> values, int? keyPosition)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("name", id);
        if (keyPosition is { } p)
        {
            w.WriteNumber("keyPosition", p);
        }

        w.WriteStartArray("values");
        foreach (var v in values)
        {
            w.WriteStartObject();
            w.WriteString("id", v);
            w.WriteString("name", v);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteDataSets(Utf8JsonWriter w, List<Keyed> keyed, bool v20, SdmxDataLayout layout, CancellationToken ct)
    {
        w.WriteStartArray("dataSets");
        foreach (var group in keyed.GroupBy(k => k.Obs.Action).OrderBy(g => g.Key))
        {
            w.WriteStartObject();
            if (v20)
            {
                w.WriteNumber("structure", 0);
            }

            w.WriteString("action", group.Key switch
            {
                ExchangeAction.Delete => "Delete",
                ExchangeAction.Replace => "Replace",
                _ => v20 ? "Merge" : "Information",
            });
            if (layout.IsSeries)
            {
                w.WriteStartObject("series");
                foreach (var series in group.GroupBy(k => k.SeriesKey, StringComparer.Ordinal))
                {
                    ct.ThrowIfCancellationRequested();
                    w.WriteStartObject(series.Key);
                    w.WriteStartArray("attributes");
                    w.WriteEndArray();
                    if (layout.WritesObservations)
                    {
                        w.WriteStartObject("observations");
                        foreach (var k in series)
                        {
                            WriteObservation(w, k, layout);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteStartObject("observations");
                foreach (var k in group)
                {
                    ct.ThrowIfCancellationRequested();
                    WriteObservation(w, k, layout);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteObservation(Utf8JsonWriter w, Keyed k, SdmxDataLayout layout)
    {
        w.WriteStartArray(k.ObsKey);
        var value = layout.WritesObservations ? k.Obs.Value : null;
        if (value is null)
        {
            w.WriteNullValue();
        }
        else if (JsonNumber().IsMatch(value))
        {
            // Raw, so "1.50" stays "1.50" instead of becoming a double.
            w.WriteRawValue(value, skipInputValidation: true);
        }
        else
        {
            w.WriteStringValue(value);
        }

        foreach (var a in k.Attrs)
        {
            if (a is { } i)
            {
                w.WriteNumberValue(i);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }
}
