using System.Globalization;
using System.Text.Json;
using System.Xml;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Dhis2;

/// <summary>The three encodings of a DHIS2 dataValueSet.</summary>
public enum Dhis2Format
{
    /// <summary>application/json: { "dataValues": [ … ] }.</summary>
    Json = 0,

    /// <summary>application/xml: &lt;dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"&gt;.</summary>
    Xml = 1,

    /// <summary>application/csv: dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup[,deleted].</summary>
    Csv = 2,
}

/// <summary>
/// DHIS2 dataValueSets in JSON, XML and CSV. In the exchange model a data value's dataElement, orgUnit,
/// categoryOptionCombo and attributeOptionCombo are dimensions (ids or codes, whichever scheme the file uses), its
/// period is the time, and storedBy, created, lastUpdated, comment and followup are attributes; deleted=true is a
/// deletion. Set-level dataSet, period, orgUnit and attributeOptionCombo apply to every value that lacks them.
/// </summary>
public static class Dhis2DataValueSets
{
    /// <summary>Dimension ids.</summary>
    public const string DataElement = "dataElement", OrgUnit = "orgUnit", CategoryOptionCombo = "categoryOptionCombo", AttributeOptionCombo = "attributeOptionCombo";

    private const string Ns = "http://dhis2.org/schema/dxf/2.0";
    private static readonly string[] Dims = [DataElement, OrgUnit, CategoryOptionCombo, AttributeOptionCombo];
    private static readonly string[] Attrs = ["storedBy", "created", "lastUpdated", "comment", "followup"];

    // DHIS2 CSV headers, lower-cased, mapped to field names (both the documented names and common variants).
    private static readonly Dictionary<string, string> CsvNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dataelement"] = DataElement, ["dataelelement"] = DataElement, ["de"] = DataElement,
        ["period"] = "period", ["pe"] = "period",
        ["orgunit"] = OrgUnit, ["ou"] = OrgUnit,
        ["categoryoptioncombo"] = CategoryOptionCombo, ["catoptcombo"] = CategoryOptionCombo, ["co"] = CategoryOptionCombo,
        ["attributeoptioncombo"] = AttributeOptionCombo, ["attroptcombo"] = AttributeOptionCombo, ["ao"] = AttributeOptionCombo,
        ["value"] = "value", ["storedby"] = "storedBy", ["created"] = "created", ["lastupdated"] = "lastUpdated", ["timestamp"] = "lastUpdated",
        ["comment"] = "comment", ["followup"] = "followup", ["deleted"] = "deleted",
    };

    /// <summary>Reads a dataValueSet.</summary>
    /// <exception cref="ExchangeFormatException">Problems naming the line, element or JSON path.</exception>
    public static ExchangeDataSet Read(Stream stream, Dhis2Format format, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExchangeLimits.Default;
        return Errors.Guard("DHIS2 " + format, () => format switch
        {
            Dhis2Format.Json => ReadJson(stream, limits, cancellationToken),
            Dhis2Format.Xml => ReadXml(stream, limits, cancellationToken),
            _ => ReadCsv(stream, limits, cancellationToken),
        }, cancellationToken);
    }

    private static void Add(List<ExchangeObservation> list, ErrorList errors, ExchangeLimits limits, string at, Dictionary<string, string?> fields, Dictionary<string, string?> defaults)
    {
        if (list.Count >= limits.MaxObservations)
        {
            throw new ExchangeFormatException(Errors.TooManyObservations(at, limits.MaxObservations));
        }

        string? Get(string k) => fields.TryGetValue(k, out var v) && !string.IsNullOrEmpty(v) ? v : defaults.TryGetValue(k, out var d) && !string.IsNullOrEmpty(d) ? d : null;
        var dims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in Dims)
        {
            if (Get(d) is { } v)
            {
                dims[d] = v;
            }
        }

        foreach (var required in (string[])[DataElement, OrgUnit])
        {
            if (!dims.ContainsKey(required))
            {
                errors.Add(Errors.Missing(at, required));
                return;
            }
        }

        if (Get("period") is not { } period)
        {
            errors.Add(Errors.Missing(at, "period"));
            return;
        }

        var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in Attrs)
        {
            // Older DHIS2 files call lastUpdated "timestamp".
            if ((Get(a) ?? (a == "lastUpdated" ? Get("timestamp") : null)) is { } v)
            {
                attrs[a] = v;
            }
        }

        var deleted = string.Equals(Get("deleted"), "true", StringComparison.OrdinalIgnoreCase);
        list.Add(new ExchangeObservation(dims, period, Get("value"), attrs, deleted ? ExchangeAction.Delete : ExchangeAction.Merge));
    }

    private static ExchangeDataSet ReadJson(Stream stream, ExchangeLimits limits, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(new LimitedStream(stream, limits.MaxBytes, ct), new JsonDocumentOptions { MaxDepth = limits.MaxXmlDepth });
        var root = doc.RootElement;
        var errors = new ErrorList(limits.MaxErrors);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ExchangeFormatException(Errors.Invalid("$", null, "Phải là một đối tượng JSON.", "It must be a JSON object."));
        }

        var defaults = Fields(root);
        var list = new List<ExchangeObservation>();
        if (root.TryGetProperty("dataValues", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var v in values.EnumerateArray())
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"$.dataValues[{i++}]");
                if (v.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(Errors.Invalid(at, null, "Phải là một đối tượng.", "It must be an object."));
                    continue;
                }

                Add(list, errors, limits, at, Fields(v), defaults);
            }
        }
        else
        {
            errors.Add(Errors.Missing("$", "dataValues"));
        }

        errors.ThrowIfAny();
        return new ExchangeDataSet(defaults.GetValueOrDefault("dataSet") ?? "", list);
    }

    private static Dictionary<string, string?> Fields(JsonElement o)
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in o.EnumerateObject())
        {
            d[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => null,
            };
        }

        return d;
    }

    private static ExchangeDataSet ReadXml(Stream stream, ExchangeLimits limits, CancellationToken ct)
    {
        using var xml = new SafeXml(stream, limits, ct);
        var errors = new ErrorList(limits.MaxErrors);
        var list = new List<ExchangeObservation>();
        var defaults = new Dictionary<string, string?>(StringComparer.Ordinal);
        var sawRoot = false;
        while (xml.Read())
        {
            if (!xml.IsStart)
            {
                continue;
            }

            if (xml.LocalName == "dataValueSet" && xml.Depth == 0)
            {
                sawRoot = true;
                foreach (var (k, v) in xml.LocalAttributes(errors))
                {
                    defaults[k] = v;
                }
            }
            else if (xml.LocalName == "dataValue" && sawRoot)
            {
                var at = xml.Location;
                var fields = xml.LocalAttributes(errors).ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
                if (!fields.ContainsKey("comment") && !xml.Reader.IsEmptyElement)
                {
                    // The comment may also be a child element.
                    var depth = xml.Depth;
                    while (xml.Read() && !(xml.IsEnd && xml.Depth == depth))
                    {
                        if (xml.IsStart && xml.LocalName is "comment" or "value")
                        {
                            var name = xml.LocalName;
                            fields[name] = xml.ReadText(errors);
                        }
                    }
                }

                Add(list, errors, limits, at, fields, defaults);
            }
        }

        if (!sawRoot)
        {
            errors.Add(Errors.Invalid("line 1", null, "Thiếu phần tử dataValueSet.", "The dataValueSet element is missing."));
        }

        errors.ThrowIfAny();
        return new ExchangeDataSet(defaults.GetValueOrDefault("dataSet") ?? "", list);
    }

    private static ExchangeDataSet ReadCsv(Stream stream, ExchangeLimits limits, CancellationToken ct)
    {
        var errors = new ErrorList(limits.MaxErrors);
        using var csv = new CsvInput(stream, limits, errors, ct);
        var header = csv.Next() ?? throw new ExchangeFormatException(Errors.Invalid("line 1", null, "Tệp rỗng.", "The file is empty."));
        var names = header.Select(h => CsvNames.TryGetValue(h.Trim(), out var n) ? n : null).ToArray();
        if (!names.Contains(DataElement))
        {
            // DHIS2 accepts a headerless CSV in the documented column order.
            names = ["dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value", "storedBy", "lastUpdated", "comment", "followup", "deleted"];
            errors.Add(Errors.Missing("line 1", "dataelement"));
        }

        errors.ThrowIfAny();
        var list = new List<ExchangeObservation>();
        var none = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (csv.Next() is { } row)
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < row.Length && i < names.Length; i++)
            {
                if (names[i] is { } n)
                {
                    fields[n] = row[i];
                }
            }

            Add(list, errors, limits, CsvInput.At(csv.Line), fields, none);
        }

        errors.ThrowIfAny();
        return new ExchangeDataSet("", list);
    }

    /// <summary>Writes a dataValueSet; every value carries its own dataElement, period, orgUnit and combos.</summary>
    public static void Write(Stream stream, ExchangeDataSet data, Dhis2Format format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        switch (format)
        {
            case Dhis2Format.Json:
                using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    if (data.StructureId.Length > 0)
                    {
                        w.WriteString("dataSet", data.StructureId);
                    }

                    w.WriteStartArray("dataValues");
                    foreach (var o in data.Observations)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        w.WriteStartObject();
                        foreach (var (k, v) in Pairs(o))
                        {
                            w.WriteString(k, v);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                break;
            case Dhis2Format.Xml:
                using (var w = XmlWriter.Create(stream, SafeXml.WriterSettings()))
                {
                    w.WriteStartElement("dataValueSet", Ns);
                    if (data.StructureId.Length > 0)
                    {
                        w.WriteAttributeString("dataSet", data.StructureId);
                    }

                    foreach (var o in data.Observations)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        w.WriteStartElement("dataValue", Ns);
                        foreach (var (k, v) in Pairs(o))
                        {
                            w.WriteAttributeString(k, v);
                        }

                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                break;
            default:
                using (var csv = CsvOutput.Create(stream, ',', bom: false))
                {
                    string[] columns = ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value", "storedby", "created", "lastupdated", "comment", "followup", "deleted"];
                    foreach (var c in columns)
                    {
                        csv.WriteField(c);
                    }

                    csv.NextRecord();
                    foreach (var o in data.Observations)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var p = Pairs(o).ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
                        foreach (var c in columns)
                        {
                            csv.WriteField(p.GetValueOrDefault(CsvNames[c]) ?? "");
                        }

                        csv.NextRecord();
                    }
                }

                break;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Pairs(ExchangeObservation o)
    {
        foreach (var d in Dims)
        {
            if (o.Dimension(d) is { } v)
            {
                yield return new(d, v);
            }
        }

        yield return new("period", o.TimePeriod);
        if (o.Value is not null)
        {
            yield return new("value", o.Value);
        }

        foreach (var a in Attrs)
        {
            if (o.Attribute(a) is { } v)
            {
                yield return new(a, v);
            }
        }

        if (o.Action == ExchangeAction.Delete)
        {
            yield return new("deleted", "true");
        }
    }
}
