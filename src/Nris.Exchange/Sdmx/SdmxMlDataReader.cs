using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>
/// Reads SDMX-ML data messages, streaming: 2.1 generic (time series, flat and cross-sectional), 2.1
/// structure-specific, and 3.0 structure-specific. The message kind is recognized from the root element.
/// </summary>
public static class SdmxMlDataReader
{
    private const string V21Message = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message";
    private const string V30Message = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message";

    /// <summary>Reads a data message into the exchange model.</summary>
    /// <param name="stream">The message; read once, not closed.</param>
    /// <param name="structure">The DSD facts, needed to tell dimensions from attributes in structure-specific data; null uses well-known attribute ids.</param>
    /// <param name="limits">Size limits; null for <see cref="ExchangeLimits.Default"/>.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="ExchangeFormatException">The message is not valid SDMX-ML data; the errors name the element and line.</exception>
    public static ExchangeDataSet Read(Stream stream, SdmxDataStructure? structure = null, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExchangeLimits.Default;
        return Errors.Guard("SDMX-ML", () => ReadCore(stream, structure, limits, cancellationToken), cancellationToken);
    }

    private sealed class State(SdmxDataStructure? structure, ExchangeLimits limits)
    {
        public readonly List<ExchangeObservation> Observations = [];
        public readonly ErrorList Errors = new(limits.MaxErrors);
        public readonly List<(Dictionary<string, string> Key, Dictionary<string, string> Attributes)> Groups = [];
        public readonly Dictionary<string, string> DataSetAttributes = new(StringComparer.Ordinal);
        public SdmxDataStructure? Structure = structure;
        public string StructureId = structure?.Id ?? "";
        public string DimensionAtObservation = SdmxConcepts.TimePeriod;
        public ExchangeAction Action;
        public int DataSetStart;
        public readonly ExchangeLimits Limits = limits;

        public string TimeId => Structure?.TimeDimensionId ?? SdmxConcepts.TimePeriod;

        public string MeasureId => Structure?.PrimaryMeasureId ?? SdmxConcepts.ObsValue;

        public bool IsDimension(string id) => Structure?.IsDimension(id) ?? (id == SdmxConcepts.TimePeriod || !SdmxConcepts.IsKnownAttribute(id));
    }

    private static ExchangeDataSet ReadCore(Stream stream, SdmxDataStructure? structure, ExchangeLimits limits, CancellationToken ct)
    {
        using var xml = new SafeXml(stream, limits, ct);
        var state = new State(structure, limits);
        while (xml.Read() && !xml.IsStart)
        {
        }

        if (!xml.IsStart)
        {
            throw new ExchangeFormatException(Errors.Invalid("line 1", null, "Tệp rỗng.", "The file is empty."));
        }

        var root = xml.LocalName;
        var ns = xml.NamespaceURI;
        var generic = root is "GenericData" or "GenericTimeSeriesData" && ns == V21Message;
        var specific = root is "StructureSpecificData" or "StructureSpecificTimeSeriesData" && (ns == V21Message || ns == V30Message);
        if (!generic && !specific)
        {
            throw new ExchangeFormatException(Errors.Invalid(xml.Location, null,
                $"Phần tử gốc '{root}' không phải thông điệp dữ liệu SDMX-ML 2.1/3.0.",
                $"The root element '{root}' is not an SDMX-ML 2.1/3.0 data message."));
        }

        while (xml.Read())
        {
            if (!xml.IsStart)
            {
                continue;
            }

            switch (xml.LocalName)
            {
                case "Structure" when xml.Depth == 2:
                    state.DimensionAtObservation = xml.Attribute("dimensionAtObservation", state.Errors) ?? SdmxConcepts.TimePeriod;
                    break;
                case "Ref" when xml.Depth == 4 && state.StructureId.Length == 0:
                    var agency = xml.Attribute("agencyID", state.Errors) ?? "";
                    var id = xml.Attribute("id", state.Errors) ?? "";
                    var version = xml.Attribute("version", state.Errors) ?? "1.0";
                    state.StructureId = SdmxConcepts.Reference(agency, id, version);
                    break;
                case "StructureUsage" or "Structure" or "ProvisionAgreement" when xml.Depth == 3 && state.StructureId.Length == 0 && ns == V30Message:
                    var urn = xml.ReadText(state.Errors);
                    if (urn.StartsWith("urn:", StringComparison.Ordinal))
                    {
                        state.StructureId = SdmxConcepts.FromUrn(urn);
                    }

                    break;
                case "DataSet" when xml.Depth == 1:
                    if (generic)
                    {
                        ReadGenericDataSet(xml, state);
                    }
                    else
                    {
                        ReadSpecificDataSet(xml, state);
                    }

                    break;
            }
        }

        state.Errors.ThrowIfAny();
        return new ExchangeDataSet(state.StructureId, state.Observations);
    }

    private static ExchangeAction ParseAction(string? action) => action switch
    {
        "Delete" or "D" => ExchangeAction.Delete,
        "Replace" or "R" => ExchangeAction.Replace,
        _ => ExchangeAction.Merge,
    };

    private static void ReadGenericDataSet(SafeXml xml, State state)
    {
        state.Action = ParseAction(xml.Reader.GetAttribute("action"));
        state.DataSetAttributes.Clear();
        state.DataSetStart = state.Observations.Count;
        var dataSetDepth = xml.Depth;
        var seriesKey = new Dictionary<string, string>(StringComparer.Ordinal);
        var seriesAttributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (xml.Reader.IsEmptyElement)
        {
            return;
        }

        while (xml.Read())
        {
            if (xml.IsEnd && xml.Depth == dataSetDepth)
            {
                break;
            }

            if (!xml.IsStart)
            {
                continue;
            }

            switch (xml.LocalName)
            {
                case "Series":
                    seriesKey.Clear();
                    seriesAttributes.Clear();
                    break;
                case "SeriesKey":
                    ReadValues(xml, seriesKey, state);
                    break;
                case "Attributes" when xml.Depth == dataSetDepth + 1:
                    ReadValues(xml, state.DataSetAttributes, state);
                    break;
                case "Attributes" when xml.Depth == dataSetDepth + 2:
                    ReadValues(xml, seriesAttributes, state);
                    break;
                case "Group":
                    ReadGenericGroup(xml, state);
                    break;
                case "Obs":
                    ReadGenericObs(xml, state, seriesKey, seriesAttributes);
                    break;
            }
        }

        ApplyGroupsAndDataSetAttributes(state);
    }

    private static void ReadGenericGroup(SafeXml xml, State state)
    {
        var depth = xml.Depth;
        var key = new Dictionary<string, string>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (xml.Reader.IsEmptyElement)
        {
            return;
        }

        while (xml.Read() && !(xml.IsEnd && xml.Depth == depth))
        {
            if (xml.IsStart && xml.LocalName == "GroupKey")
            {
                ReadValues(xml, key, state);
            }
            else if (xml.IsStart && xml.LocalName == "Attributes")
            {
                ReadValues(xml, attributes, state);
            }
        }

        state.Groups.Add((key, attributes));
    }

    private static void ReadGenericObs(SafeXml xml, State state, Dictionary<string, string> seriesKey, Dictionary<string, string> seriesAttributes)
    {
        var location = xml.Location;
        var depth = xml.Depth;
        var key = new Dictionary<string, string>(seriesKey, StringComparer.Ordinal);
        var attributes = new Dictionary<string, string>(seriesAttributes, StringComparer.Ordinal);
        string? value = null;
        if (!xml.Reader.IsEmptyElement)
        {
            while (xml.Read() && !(xml.IsEnd && xml.Depth == depth))
            {
                if (!xml.IsStart)
                {
                    continue;
                }

                switch (xml.LocalName)
                {
                    case "ObsKey":
                        ReadValues(xml, key, state);
                        break;
                    case "ObsDimension":
                        var id = xml.Attribute("id", state.Errors) ?? state.DimensionAtObservation;
                        key[id] = xml.Attribute("value", state.Errors) ?? "";
                        break;
                    case "ObsValue":
                        value = xml.Attribute("value", state.Errors);
                        break;
                    case "Attributes":
                        ReadValues(xml, attributes, state);
                        break;
                }
            }
        }

        Add(state, location, key, value, attributes);
    }

    // Reads <Value id="…" value="…"/> children of a SeriesKey, ObsKey, GroupKey or Attributes element.
    private static void ReadValues(SafeXml xml, Dictionary<string, string> into, State state)
    {
        if (xml.Reader.IsEmptyElement)
        {
            return;
        }

        var depth = xml.Depth;
        while (xml.Read() && !(xml.IsEnd && xml.Depth == depth))
        {
            if (xml.IsStart && xml.LocalName == "Value")
            {
                var id = xml.Attribute("id", state.Errors);
                var value = xml.Attribute("value", state.Errors);
                if (string.IsNullOrEmpty(id))
                {
                    state.Errors.Add(Errors.Missing(xml.Location, "id"));
                    continue;
                }

                // SDMX 2.1 allows a localised text value as child elements instead of the value attribute.
                value ??= xml.Reader.IsEmptyElement ? "" : xml.ReadText(state.Errors);
                into[id] = value;
            }
        }
    }

    private static void ReadSpecificDataSet(SafeXml xml, State state)
    {
        state.Action = ParseAction(xml.Reader.GetAttribute("action", xml.Reader.LookupNamespace("data") ?? "")
            ?? FindQualifiedAttribute(xml, "action"));
        state.DataSetAttributes.Clear();
        state.DataSetStart = state.Observations.Count;
        foreach (var (k, v) in xml.LocalAttributes(state.Errors))
        {
            state.DataSetAttributes[k] = v;
        }

        var dataSetDepth = xml.Depth;
        var seriesKey = new Dictionary<string, string>(StringComparer.Ordinal);
        var seriesAttributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (xml.Reader.IsEmptyElement)
        {
            return;
        }

        while (xml.Read())
        {
            if (xml.IsEnd && xml.Depth == dataSetDepth)
            {
                break;
            }

            if (!xml.IsStart)
            {
                continue;
            }

            switch (xml.LocalName)
            {
                case "Series":
                    seriesKey.Clear();
                    seriesAttributes.Clear();
                    Split(xml.LocalAttributes(state.Errors), state, seriesKey, seriesAttributes);
                    break;
                case "Group":
                    var gk = new Dictionary<string, string>(StringComparer.Ordinal);
                    var ga = new Dictionary<string, string>(StringComparer.Ordinal);
                    Split(xml.LocalAttributes(state.Errors), state, gk, ga);
                    state.Groups.Add((gk, ga));
                    break;
                case "Atts":
                    // SDMX 3.0 attributes attached to a partial key or to the data set.
                    var ak = new Dictionary<string, string>(StringComparer.Ordinal);
                    var aa = new Dictionary<string, string>(StringComparer.Ordinal);
                    Split(xml.LocalAttributes(state.Errors), state, ak, aa);
                    state.Groups.Add((ak, aa));
                    break;
                case "Obs":
                    var location = xml.Location;
                    var key = new Dictionary<string, string>(xml.Depth == dataSetDepth + 1 ? [] : seriesKey, StringComparer.Ordinal);
                    var attributes = new Dictionary<string, string>(xml.Depth == dataSetDepth + 1 ? [] : seriesAttributes, StringComparer.Ordinal);
                    string? value = null;
                    foreach (var (k, v) in xml.LocalAttributes(state.Errors))
                    {
                        if (k == state.MeasureId)
                        {
                            value = v;
                        }
                        else if (k == state.DimensionAtObservation || state.IsDimension(k))
                        {
                            key[k] = v;
                        }
                        else
                        {
                            attributes[k] = v;
                        }
                    }

                    ReadComps(xml, state, attributes);
                    Add(state, location, key, value, attributes);
                    break;
            }
        }

        ApplyGroupsAndDataSetAttributes(state);
    }

    private static string? FindQualifiedAttribute(SafeXml xml, string localName)
    {
        var r = xml.Reader;
        string? found = null;
        if (r.MoveToFirstAttribute())
        {
            do
            {
                if (r.LocalName == localName && r.NamespaceURI.Length > 0)
                {
                    found = r.Value;
                }
            }
            while (r.MoveToNextAttribute());

            r.MoveToElement();
        }

        return found;
    }

    // SDMX 3.0 carries repeated or multilingual attribute values in <Comp id="…"><Value>…</Value></Comp> children.
    private static void ReadComps(SafeXml xml, State state, Dictionary<string, string> attributes)
    {
        if (xml.Reader.IsEmptyElement)
        {
            return;
        }

        var depth = xml.Depth;
        string? compId = null;
        var values = new List<string>();
        while (xml.Read() && !(xml.IsEnd && xml.Depth == depth))
        {
            if (xml.IsStart && xml.LocalName == "Comp")
            {
                compId = xml.Attribute("id", state.Errors);
                values.Clear();
            }
            else if (xml.IsStart && xml.LocalName == "Value" && compId is not null)
            {
                values.Add(xml.ReadText(state.Errors));
                attributes[compId] = string.Join(";", values);
            }
        }
    }

    private static void Split(List<KeyValuePair<string, string>> pairs, State state, Dictionary<string, string> key, Dictionary<string, string> attributes)
    {
        foreach (var (k, v) in pairs)
        {
            if (state.IsDimension(k))
            {
                key[k] = v;
            }
            else
            {
                attributes[k] = v;
            }
        }
    }

    private static void Add(State state, string location, Dictionary<string, string> key, string? value, Dictionary<string, string> attributes)
    {
        if (state.Observations.Count >= state.Limits.MaxObservations)
        {
            throw new ExchangeFormatException(Errors.TooManyObservations(location, state.Limits.MaxObservations));
        }

        if (!key.Remove(state.TimeId, out var time) || time.Length == 0)
        {
            state.Errors.Add(Errors.Missing(location, state.TimeId));
            return;
        }

        state.Observations.Add(new ExchangeObservation(key, time, value, attributes, state.Action));
    }

    // Data set and group attributes apply to every observation they cover, unless the observation says otherwise.
    private static void ApplyGroupsAndDataSetAttributes(State state)
    {
        if (state.Groups.Count == 0 && state.DataSetAttributes.Count == 0)
        {
            return;
        }

        for (var i = state.DataSetStart; i < state.Observations.Count; i++)
        {
            var o = state.Observations[i];
            Dictionary<string, string>? merged = null;
            foreach (var (key, attributes) in state.Groups)
            {
                if (key.All(p => o.Dimensions.TryGetValue(p.Key, out var v) ? v == p.Value : p.Key == state.TimeId && p.Value == o.TimePeriod))
                {
                    foreach (var (k, v) in attributes)
                    {
                        merged ??= new Dictionary<string, string>(o.Attributes, StringComparer.Ordinal);
                        merged.TryAdd(k, v);
                    }
                }
            }

            foreach (var (k, v) in state.DataSetAttributes)
            {
                merged ??= new Dictionary<string, string>(o.Attributes, StringComparer.Ordinal);
                merged.TryAdd(k, v);
            }

            if (merged is not null)
            {
                state.Observations[i] = o with { Attributes = merged };
            }
        }

        state.Groups.Clear();
    }

}
