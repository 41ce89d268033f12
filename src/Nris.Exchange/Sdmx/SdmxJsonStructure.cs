using System.Globalization;
using System.Text.Json;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>
/// SDMX-JSON structure messages (1.0 and 2.0): dataflows, data structure definitions, codelists and concept schemes,
/// the same content as <see cref="SdmxStructureWriter"/>'s SDMX-ML. References are URNs, names are written as
/// <c>name</c> (the first language) and <c>names</c> (every language). 1.0 lists time dimensions under
/// <c>timeDimensions</c>, the measure as <c>primaryMeasure</c> and attributes with <c>assignmentStatus</c>; 2.0 has
/// <c>timeDimension</c>, <c>measures</c> and <c>usage</c>. <see cref="Read"/> takes either, ours or a partner's
/// (tested on the SDMX-JSON structure samples); other artefacts (category schemes, constraints …) are skipped.
/// </summary>
public static class SdmxJsonStructure
{
    private const string Schema10 = "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/1.0/sdmx-json-structure-schema.json";
    private const string Schema20 = "https://json.sdmx.org/2.0.0/sdmx-json-structure-schema.json";

    private static string Urn(string @class, SdmxArtefactId id) => $"urn:sdmx:org.sdmx.infomodel.{@class}={id}";

    /// <summary>Writes the structures as an SDMX-JSON structure message (UTF-8, stream left open).</summary>
    public static void Write(Stream stream, SdmxStructures structures, SdmxJsonVersion version, SdmxHeader? header = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(structures);
        header ??= SdmxHeader.Now();
        var v20 = version == SdmxJsonVersion.V20;
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        if (v20)
        {
            w.WriteString("$schema", Schema20);
        }

        w.WriteStartObject("meta");
        if (!v20)
        {
            w.WriteString("schema", Schema10);
        }

        w.WriteString("id", header.Id);
        w.WriteBoolean("test", false);
        w.WriteString("prepared", header.Prepared.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartArray("contentLanguages");
        foreach (var lang in structures.Dataflows.SelectMany(f => f.Names).Concat(structures.Codelists.SelectMany(c => c.Names)).Select(n => n.Lang).Distinct().DefaultIfEmpty("en"))
        {
            w.WriteStringValue(lang);
        }

        w.WriteEndArray();
        w.WriteStartObject("sender");
        w.WriteString("id", header.SenderId);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("data");
        w.WriteStartArray("dataflows");
        foreach (var df in structures.Dataflows)
        {
            Maintainable(w, df.Ref, "datastructure.Dataflow", "dataflow", df.Names);
            w.WriteString("structure", Urn("datastructure.DataStructure", df.Structure));
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("dataStructures");
        foreach (var dsd in structures.DataStructures)
        {
            WriteDsd(w, dsd, v20);
        }

        w.WriteEndArray();

        w.WriteStartArray("codelists");
        foreach (var cl in structures.Codelists)
        {
            Maintainable(w, cl.Ref, "codelist.Codelist", "codelist", cl.Names);
            w.WriteStartArray("codes");
            foreach (var code in cl.Codes)
            {
                w.WriteStartObject();
                w.WriteString("id", code.Id);
                Names(w, code.Names);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("conceptSchemes");
        foreach (var cs in structures.ConceptSchemes)
        {
            Maintainable(w, cs.Ref, "conceptscheme.ConceptScheme", "conceptscheme", cs.Names);
            w.WriteStartArray("concepts");
            foreach (var concept in cs.Concepts)
            {
                w.WriteStartObject();
                w.WriteString("id", concept.Id);
                Names(w, concept.Names);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Maintainable(Utf8JsonWriter w, SdmxArtefactId id, string urnClass, string type, IReadOnlyList<SdmxName> names)
    {
        w.WriteStartObject();
        w.WriteString("id", id.Id);
        w.WriteString("version", id.Version);
        w.WriteString("agencyID", id.Agency);
        w.WriteBoolean("isExternalReference", false);
        w.WriteBoolean("isFinal", false);
        Names(w, names);
        w.WriteStartArray("links");
        w.WriteStartObject();
        w.WriteString("rel", "self");
        w.WriteString("urn", Urn(urnClass, id));
        w.WriteString("type", type);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Names(Utf8JsonWriter w, IReadOnlyList<SdmxName> names)
    {
        if (names.Count == 0)
        {
            return;
        }

        w.WriteString("name", names[0].Text);
        w.WriteStartObject("names");
        foreach (var n in names.DistinctBy(n => n.Lang))
        {
            w.WriteString(n.Lang, n.Text);
        }

        w.WriteEndObject();
    }

    private static void WriteDsd(Utf8JsonWriter w, SdmxDsd dsd, bool v20)
    {
        Maintainable(w, dsd.Ref, "datastructure.DataStructure", "datastructure", dsd.Names);
        var scheme = new SdmxArtefactId(dsd.Ref.Agency, dsd.ConceptScheme, dsd.Ref.Version);
        string Concept(string id) => Urn("conceptscheme.Concept", scheme) + "." + id;
        string Codelist(string id) => Urn("codelist.Codelist", new SdmxArtefactId(dsd.Ref.Agency, id, dsd.Ref.Version));

        w.WriteStartObject("dataStructureComponents");
        w.WriteStartObject("attributeList");
        w.WriteString("id", "AttributeDescriptor");
        w.WriteStartArray("attributes");
        foreach (var a in dsd.Attributes)
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            if (v20)
            {
                w.WriteString("usage", "optional");
                w.WriteStartObject("attributeRelationship");
                w.WriteStartObject("observation");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("assignmentStatus", "Conditional");
                w.WriteStartObject("attributeRelationship");
                w.WriteString("primaryMeasure", dsd.Measure);
                w.WriteEndObject();
            }

            w.WriteString("conceptIdentity", Concept(a.Id));
            Representation(w, a.Codelist is { } cl ? Codelist(cl) : null, "String", v20);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("dimensionList");
        w.WriteString("id", "DimensionDescriptor");
        w.WriteStartArray("dimensions");
        var position = 0;
        foreach (var d in dsd.Dimensions)
        {
            w.WriteStartObject();
            w.WriteString("id", d.Id);
            w.WriteNumber("position", ++position);
            w.WriteString("type", "Dimension");
            w.WriteString("conceptIdentity", Concept(d.Id));
            Representation(w, d.Codelist is { } cl ? Codelist(cl) : null, "String", v20);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (v20)
        {
            w.WriteStartObject("timeDimension");
        }
        else
        {
            w.WriteStartArray("timeDimensions");
            w.WriteStartObject();
        }

        w.WriteString("id", dsd.TimeDimension);
        w.WriteNumber("position", ++position);
        w.WriteString("type", "TimeDimension");
        w.WriteString("conceptIdentity", Concept(dsd.TimeDimension));
        Representation(w, null, "ObservationalTimePeriod", v20);
        w.WriteEndObject();
        if (!v20)
        {
            w.WriteEndArray();
        }

        w.WriteEndObject();

        w.WriteStartObject("measureList");
        w.WriteString("id", "MeasureDescriptor");
        if (v20)
        {
            w.WriteStartArray("measures");
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject("primaryMeasure");
        }

        w.WriteString("id", dsd.Measure);
        w.WriteString("conceptIdentity", Concept(dsd.Measure));
        w.WriteEndObject();
        if (v20)
        {
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Representation(Utf8JsonWriter w, string? codelistUrn, string type, bool v20)
    {
        w.WriteStartObject("localRepresentation");
        if (codelistUrn is not null)
        {
            w.WriteString("enumeration", codelistUrn);
        }
        else
        {
            w.WriteStartObject(v20 ? "format" : "textFormat");
            w.WriteString(v20 ? "dataType" : "textType", type);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    // ------------------------------------------------------------------ reading

    /// <summary>Reads an SDMX-JSON structure message (1.0 or 2.x).</summary>
    /// <exception cref="ExchangeFormatException">Not JSON, too large or deep, or not a structure message; problems name the JSON path.</exception>
    public static SdmxStructures Read(Stream stream, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExchangeLimits.Default;
        return Errors.Guard("SDMX-JSON structure", () =>
        {
            using var doc = JsonDocument.Parse(new LimitedStream(stream, limits.MaxBytes, cancellationToken), new JsonDocumentOptions { MaxDepth = limits.MaxXmlDepth });
            return ReadCore(doc.RootElement, limits);
        }, cancellationToken);
    }

    private static SdmxStructures ReadCore(JsonElement root, ExchangeLimits limits)
    {
        var errors = new ErrorList(limits.MaxErrors);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new ExchangeFormatException(Errors.Missing("$", "data"));
        }

        var codelists = new List<SdmxCodelist>();
        var schemes = new List<SdmxConceptScheme>();
        var dsds = new List<SdmxDsd>();
        var flows = new List<SdmxDataflow>();
        foreach (var (e, path) in Artefacts(data, "codelists"))
        {
            if (Id(e, path, errors) is { } id)
            {
                codelists.Add(new SdmxCodelist(id, ReadNames(e), [.. Items(e, "codes").Select(c => new SdmxCode(c.Id, c.Names))]));
            }
        }

        foreach (var (e, path) in Artefacts(data, "conceptSchemes"))
        {
            if (Id(e, path, errors) is { } id)
            {
                schemes.Add(new SdmxConceptScheme(id, ReadNames(e), [.. Items(e, "concepts").Select(c => new SdmxConcept(c.Id, c.Names))]));
            }
        }

        foreach (var (e, path) in Artefacts(data, "dataStructures"))
        {
            if (Id(e, path, errors) is { } id)
            {
                dsds.Add(ReadDsd(e, id));
            }
        }

        foreach (var (e, path) in Artefacts(data, "dataflows"))
        {
            if (Id(e, path, errors) is not { } id)
            {
                continue;
            }

            if (Str(e, "structure") is not { } structure)
            {
                errors.Add(Errors.Missing(path, "structure"));
                continue;
            }

            var (agency, sid, version) = SdmxConcepts.SplitReference(SdmxConcepts.FromUrn(structure));
            flows.Add(new SdmxDataflow(id, ReadNames(e), new SdmxArtefactId(agency, sid, version)));
        }

        errors.ThrowIfAny();
        return new SdmxStructures(codelists, schemes, dsds, flows);
    }

    private static IEnumerable<(JsonElement Element, string Path)> Artefacts(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var i = 0;
        foreach (var e in list.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"$.data.{name}[{i++}]");
            if (e.ValueKind == JsonValueKind.Object)
            {
                yield return (e, path);
            }
        }
    }

    private static SdmxArtefactId? Id(JsonElement e, string path, ErrorList errors)
    {
        var id = Str(e, "id");
        var agency = Str(e, "agencyID");
        if (id is null || agency is null)
        {
            errors.Add(Errors.Missing(path, id is null ? "id" : "agencyID"));
            return null;
        }

        return new SdmxArtefactId(agency, id, Str(e, "version") ?? "1.0");
    }

    private static List<(string Id, List<SdmxName> Names)> Items(JsonElement e, string name)
    {
        var result = new List<(string, List<SdmxName>)>();
        if (e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && Str(item, "id") is { } id)
                {
                    result.Add((id, ReadNames(item)));
                }
            }
        }

        return result;
    }

    /// <summary>"names": {"vi": …, "en": …} when present, else "name" (a string, or 1.0's localised object) as English.</summary>
    private static List<SdmxName> ReadNames(JsonElement e)
    {
        var names = new List<SdmxName>();
        foreach (var property in new[] { "names", "name" })
        {
            if (e.TryGetProperty(property, out var n))
            {
                if (n.ValueKind == JsonValueKind.Object)
                {
                    names.AddRange(n.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => new SdmxName(p.Name, p.Value.GetString()!)));
                }
                else if (n.ValueKind == JsonValueKind.String)
                {
                    names.Add(new SdmxName("en", n.GetString()!));
                }

                if (names.Count > 0)
                {
                    break;
                }
            }
        }

        return names;
    }

    private static SdmxDsd ReadDsd(JsonElement e, SdmxArtefactId id)
    {
        var dimensions = new List<(int Position, SdmxComponent Component)>();
        var attributes = new List<SdmxComponent>();
        string? time = null;
        string? measure = null;
        string? scheme = null;
        if (e.TryGetProperty("dataStructureComponents", out var components) && components.ValueKind == JsonValueKind.Object)
        {
            if (Object(components, "dimensionList") is { } dimensionList)
            {
                foreach (var d in Array(dimensionList, "dimensions"))
                {
                    if (Str(d, "id") is { } did)
                    {
                        var position = d.TryGetProperty("position", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var pos) ? pos : int.MaxValue;
                        dimensions.Add((position, new SdmxComponent(did, Codelist(d))));
                        scheme ??= Scheme(d);
                    }
                }

                var times = Object(dimensionList, "timeDimension") is { } one ? [one] : Array(dimensionList, "timeDimensions");
                time = times.Select(t => Str(t, "id")).FirstOrDefault(t => t is not null);
            }

            if (Object(components, "attributeList") is { } attributeList)
            {
                foreach (var a in Array(attributeList, "attributes"))
                {
                    if (Str(a, "id") is { } aid)
                    {
                        attributes.Add(new SdmxComponent(aid, Codelist(a)));
                    }
                }
            }

            if (Object(components, "measureList") is { } measureList)
            {
                measure = (Object(measureList, "primaryMeasure") is { } pm ? Str(pm, "id") : null)
                    ?? Array(measureList, "measures").Select(m => Str(m, "id")).FirstOrDefault(m => m is not null);
            }
        }

        return new SdmxDsd(id, ReadNames(e), scheme ?? "", [.. dimensions.OrderBy(d => d.Position).Select(d => d.Component)], attributes,
            time ?? SdmxConcepts.TimePeriod, measure ?? SdmxConcepts.ObsValue);
    }

    private static string? Codelist(JsonElement component) =>
        Object(component, "localRepresentation") is { } r && Str(r, "enumeration") is { } urn
            ? SdmxConcepts.SplitReference(SdmxConcepts.FromUrn(urn)).Id
            : null;

    /// <summary>The concept scheme id of a component's conceptIdentity URN ("…Concept=NRIS:CS_NRIS(1.0).FREQ" → CS_NRIS).</summary>
    private static string? Scheme(JsonElement component)
    {
        if (Str(component, "conceptIdentity") is not { } urn)
        {
            return null;
        }

        var reference = SdmxConcepts.FromUrn(urn);
        var close = reference.LastIndexOf(')');
        return close > 0 ? SdmxConcepts.SplitReference(reference[..(close + 1)]).Id : null;
    }

    private static JsonElement? Object(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static JsonElement[] Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object)] : [];

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
