using System.Globalization;
using System.Xml;
using Nris.Core.Periods;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>
/// The answer of <c>/availableconstraint</c>: an SDMX-ML 2.1 Structure message holding one "Actual" ContentConstraint
/// attached to the dataflow, whose cube region lists, per dimension, the codes that occur in the data matching the
/// query (mode=exact), and the time range they cover.
/// </summary>
public static class SdmxAvailability
{
    /// <summary>Writes the constraint for <paramref name="observations"/>; <paramref name="componentId"/> limits it to one dimension ("all" or null: every one).</summary>
    public static void Write(Stream stream, SdmxArtefactId dataflow, IReadOnlyList<string> dimensionIds, IReadOnlyList<ExchangeObservation> observations,
        string? componentId, SdmxHeader header)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataflow);
        ArgumentNullException.ThrowIfNull(dimensionIds);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(header);
        var all = string.IsNullOrEmpty(componentId) || componentId == "all";
        const string mes = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message";
        const string str = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure";
        const string com = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common";
        using var w = XmlWriter.Create(stream, SafeXml.WriterSettings());
        w.WriteStartDocument();
        w.WriteStartElement("mes", "Structure", mes);
        w.WriteAttributeString("xmlns", "str", null, str);
        w.WriteAttributeString("xmlns", "com", null, com);
        w.WriteStartElement("mes", "Header", mes);
        w.WriteElementString("mes", "ID", mes, header.Id);
        w.WriteElementString("mes", "Test", mes, "false");
        w.WriteElementString("mes", "Prepared", mes, header.Prepared.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartElement("mes", "Sender", mes);
        w.WriteAttributeString("id", header.SenderId);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("mes", "Structures", mes);
        w.WriteStartElement("str", "Constraints", str);
        var id = new SdmxArtefactId(dataflow.Agency, "CC_" + dataflow.Id, dataflow.Version);
        w.WriteStartElement("str", "ContentConstraint", str);
        w.WriteAttributeString("urn", $"urn:sdmx:org.sdmx.infomodel.registry.ContentConstraint={id}");
        w.WriteAttributeString("agencyID", id.Agency);
        w.WriteAttributeString("id", id.Id);
        w.WriteAttributeString("version", id.Version);
        w.WriteAttributeString("isFinal", "false");
        w.WriteAttributeString("type", "Actual");
        foreach (var (lang, text) in new[] { ("en", "Data available"), ("vi", "Số liệu hiện có") })
        {
            w.WriteStartElement("com", "Name", com);
            w.WriteAttributeString("xml", "lang", "http://www.w3.org/XML/1998/namespace", lang);
            w.WriteString(text);
            w.WriteEndElement();
        }

        w.WriteStartElement("str", "ConstraintAttachment", str);
        w.WriteStartElement("str", "Dataflow", str);
        w.WriteElementString("URN", $"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={dataflow}");
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("str", "CubeRegion", str);
        w.WriteAttributeString("include", "true");
        foreach (var dimension in dimensionIds.Where(d => all || d == componentId))
        {
            w.WriteStartElement("com", "KeyValue", com);
            w.WriteAttributeString("id", dimension);
            foreach (var code in observations.Select(o => o.Dimension(dimension)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                w.WriteElementString("com", "Value", com, code);
            }

            w.WriteEndElement();
        }

        if (all || componentId == SdmxConcepts.TimePeriod)
        {
            var periods = observations.Select(o => NrisSdmxMapping.TryParsePeriod(o.TimePeriod, out var p) ? p : (Period?)null).OfType<Period>().ToList();
            if (periods.Count > 0)
            {
                w.WriteStartElement("com", "KeyValue", com);
                w.WriteAttributeString("id", SdmxConcepts.TimePeriod);
                w.WriteStartElement("com", "TimeRange", com);
                w.WriteStartElement("com", "StartPeriod", com);
                w.WriteAttributeString("isInclusive", "true");
                w.WriteString(periods.Min(p => p.Start).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteEndElement();
                w.WriteStartElement("com", "EndPeriod", com);
                w.WriteAttributeString("isInclusive", "true");
                w.WriteString(periods.Max(p => p.End).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }
}
