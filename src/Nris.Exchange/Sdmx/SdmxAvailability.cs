using System.Globalization;
using System.Xml;
using Nris.Core.Periods;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>
/// The answer of an availability query (v1 <c>/availableconstraint</c>, v2 <c>/availability</c>): a Structure message
/// holding one "Actual" constraint attached to the dataflow (SDMX-ML 2.1 ContentConstraint or SDMX-ML 3.0
/// DataConstraint), whose cube region lists, per dimension, the codes that occur in the data, and the time range they
/// cover. Which observations count for each component is the caller's choice: for mode=exact the same set (the data
/// matching the whole query) for every component; for mode=available, per component, the data matching the query
/// without that component's own selection.
/// </summary>
public static class SdmxAvailability
{
    /// <summary>Writes the SDMX-ML 2.1 constraint for <paramref name="observations"/>; <paramref name="componentId"/> limits it to one dimension ("all" or null: every one).</summary>
    public static void Write(Stream stream, SdmxArtefactId dataflow, IReadOnlyList<string> dimensionIds, IReadOnlyList<ExchangeObservation> observations,
        string? componentId, SdmxHeader header) =>
        Write(stream, dataflow, dimensionIds, _ => observations, componentId, header, v30: false);

    /// <summary>
    /// Writes the constraint with, for each component (dimension id or TIME_PERIOD), the codes of
    /// <paramref name="observationsFor"/>(component); SDMX-ML 3.0 when <paramref name="v30"/>.
    /// </summary>
    public static void Write(Stream stream, SdmxArtefactId dataflow, IReadOnlyList<string> dimensionIds, Func<string, IReadOnlyList<ExchangeObservation>> observationsFor,
        string? componentId, SdmxHeader header, bool v30)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataflow);
        ArgumentNullException.ThrowIfNull(dimensionIds);
        ArgumentNullException.ThrowIfNull(observationsFor);
        ArgumentNullException.ThrowIfNull(header);
        var all = string.IsNullOrEmpty(componentId) || componentId is "all" or "*";
        var mes = v30 ? SdmxMlDataWriter.V30Message : SdmxMlDataWriter.V21Message;
        var str = v30 ? SdmxStructureWriter.V30Structure : SdmxStructureWriter.V21Structure;
        var com = v30 ? SdmxMlDataWriter.V30Common : SdmxMlDataWriter.V21Common;
        // 3.0 declares the cube region's children in the structure namespace, 2.1 in common.
        var (regionPrefix, regionNs) = v30 ? ("str", str) : ("com", com);
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
        w.WriteStartElement("str", v30 ? "DataConstraints" : "Constraints", str);
        var id = new SdmxArtefactId(dataflow.Agency, "CC_" + dataflow.Id, dataflow.Version);
        w.WriteStartElement("str", v30 ? "DataConstraint" : "ContentConstraint", str);
        w.WriteAttributeString("urn", $"urn:sdmx:org.sdmx.infomodel.registry.{(v30 ? "DataConstraint" : "ContentConstraint")}={id}");
        w.WriteAttributeString("agencyID", id.Agency);
        w.WriteAttributeString("id", id.Id);
        w.WriteAttributeString("version", id.Version);
        if (v30)
        {
            w.WriteAttributeString("role", "Actual");
        }
        else
        {
            w.WriteAttributeString("isFinal", "false");
            w.WriteAttributeString("type", "Actual");
        }

        foreach (var (lang, text) in new[] { ("en", "Data available"), ("vi", "Số liệu hiện có") })
        {
            w.WriteStartElement("com", "Name", com);
            w.WriteAttributeString("xml", "lang", "http://www.w3.org/XML/1998/namespace", lang);
            w.WriteString(text);
            w.WriteEndElement();
        }

        var flowUrn = $"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={dataflow}";
        w.WriteStartElement("str", "ConstraintAttachment", str);
        if (v30)
        {
            w.WriteElementString("str", "Dataflow", str, flowUrn);
        }
        else
        {
            w.WriteStartElement("str", "Dataflow", str);
            w.WriteElementString("URN", flowUrn);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteStartElement("str", "CubeRegion", str);
        w.WriteAttributeString("include", "true");
        foreach (var dimension in dimensionIds.Where(d => all || d == componentId))
        {
            var codes = observationsFor(dimension).Select(o => o.Dimension(dimension)).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (codes.Count == 0)
            {
                continue;
            }

            w.WriteStartElement(regionPrefix, "KeyValue", regionNs);
            w.WriteAttributeString("id", dimension);
            foreach (var code in codes)
            {
                w.WriteElementString(regionPrefix, "Value", regionNs, code);
            }

            w.WriteEndElement();
        }

        if (all || componentId == SdmxConcepts.TimePeriod)
        {
            var periods = observationsFor(SdmxConcepts.TimePeriod).Select(o => NrisSdmxMapping.TryParsePeriod(o.TimePeriod, out var p) ? p : (Period?)null).OfType<Period>().ToList();
            if (periods.Count > 0)
            {
                w.WriteStartElement(regionPrefix, "KeyValue", regionNs);
                w.WriteAttributeString("id", SdmxConcepts.TimePeriod);
                w.WriteStartElement(regionPrefix, "TimeRange", regionNs);
                w.WriteStartElement(regionPrefix, "StartPeriod", regionNs);
                w.WriteAttributeString("isInclusive", "true");
                w.WriteString(periods.Min(p => p.Start).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteEndElement();
                w.WriteStartElement(regionPrefix, "EndPeriod", regionNs);
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
