using System.Xml;
using Nris.Exchange.Internal;

namespace Nris.Exchange.Sdmx;

/// <summary>
/// Writes the DSD-specific XML schema that a structure-specific data message in the flat layout refers to with
/// xsi:type="…:DataSetType". SDMX leaves these schemas to each structure; we generate ours so partners (and our
/// tests) can validate our structure-specific output completely, not just its envelope. Dimensions become required
/// XML attributes of Obs, attributes optional ones; all typed as strings (codes are checked by the mapping, not XSD).
/// </summary>
public static class SdmxStructureSpecificSchema
{
    private const string Xs = "http://www.w3.org/2001/XMLSchema";

    /// <summary>Writes the schema; the output imports the official SDMX schemas by their file names, so keep it next to them.</summary>
    public static void Write(Stream stream, string structureId, IEnumerable<string> dimensionIds, IEnumerable<string> attributeIds, bool v30) =>
        Write(stream, structureId, dimensionIds, attributeIds, v30, SdmxDataLayout.AllDimensions);

    /// <summary>
    /// Writes the schema of the layout with <paramref name="dimensionAtObservation"/> at observation level: for a
    /// dimension id, DataSetType holds Series (every other dimension a required XML attribute; TIME_PERIOD, when it is
    /// in the series key, is the base type's attribute) and Series hold Obs (that dimension required, the attributes
    /// optional).
    /// </summary>
    public static void Write(Stream stream, string structureId, IEnumerable<string> dimensionIds, IEnumerable<string> attributeIds, bool v30,
        string dimensionAtObservation)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dimensionIds);
        ArgumentNullException.ThrowIfNull(attributeIds);
        var series = dimensionAtObservation != SdmxDataLayout.AllDimensions;
        var dimensions = dimensionIds.ToList();
        var target = SdmxMlDataWriter.StructureNamespace(structureId, dimensionAtObservation);
        var common = v30 ? SdmxMlDataWriter.V30Common : SdmxMlDataWriter.V21Common;
        var dsd = v30 ? SdmxMlDataWriter.V30Specific : SdmxMlDataWriter.V21Specific;
        using var w = XmlWriter.Create(stream, SafeXml.WriterSettings());
        w.WriteStartElement("xs", "schema", Xs);
        w.WriteAttributeString("xmlns", "common", null, common);
        w.WriteAttributeString("xmlns", "dsd", null, dsd);
        w.WriteAttributeString("xmlns", target);
        w.WriteAttributeString("targetNamespace", target);
        w.WriteAttributeString("elementFormDefault", "qualified");
        w.WriteAttributeString("attributeFormDefault", "unqualified");
        Import(w, common, "SDMXCommon.xsd");
        Import(w, dsd, "SDMXDataStructureSpecific.xsd");

        w.WriteStartElement("complexType", Xs);
        w.WriteAttributeString("name", "DataSetType");
        w.WriteStartElement("complexContent", Xs);
        w.WriteStartElement("restriction", Xs);
        w.WriteAttributeString("base", "dsd:DataSetType");
        w.WriteStartElement("sequence", Xs);
        Element(w, null, "common:Annotations", "0", null, reference: true);
        Element(w, "DataProvider", "common:DataProviderReferenceType", "0", null);
        if (v30)
        {
            // 3.0 lets Atts, Group, Series and Obs alternate in one repeated choice; a restriction keeps that shape.
            w.WriteStartElement("choice", Xs);
            w.WriteAttributeString("minOccurs", "0");
            w.WriteAttributeString("maxOccurs", "unbounded");
            Element(w, series ? "Series" : "Obs", series ? "SeriesType" : "ObsType", "1", null);
            w.WriteEndElement();
        }
        else
        {
            Element(w, series ? "Series" : "Obs", series ? "SeriesType" : "ObsType", "1", "unbounded");
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        if (series)
        {
            w.WriteStartElement("complexType", Xs);
            w.WriteAttributeString("name", "SeriesType");
            w.WriteStartElement("complexContent", Xs);
            w.WriteStartElement("restriction", Xs);
            w.WriteAttributeString("base", "dsd:SeriesType");
            w.WriteStartElement("sequence", Xs);
            Element(w, null, "common:Annotations", "0", null, reference: true);
            Element(w, "Obs", "ObsType", "0", "unbounded");
            w.WriteEndElement();
            // The base type's TIME_PERIOD is required in the series key, prohibited when time is at observation level.
            Attribute(w, SdmxConcepts.TimePeriod, dimensionAtObservation == SdmxConcepts.TimePeriod ? "prohibited" : "required", "common:ObservationalTimePeriodType");
            var inSeries = new HashSet<string>(StringComparer.Ordinal) { SdmxConcepts.TimePeriod, "type", "REPORTING_YEAR_START_DAY" };
            foreach (var d in dimensions)
            {
                if (d != dimensionAtObservation && inSeries.Add(d))
                {
                    Attribute(w, d, "required");
                }
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteStartElement("complexType", Xs);
        w.WriteAttributeString("name", "ObsType");
        w.WriteStartElement("complexContent", Xs);
        w.WriteStartElement("restriction", Xs);
        w.WriteAttributeString("base", "dsd:ObsType");
        w.WriteStartElement("sequence", Xs);
        Element(w, null, "common:Annotations", "0", null, reference: true);
        w.WriteEndElement();
        if (series)
        {
            Attribute(w, SdmxConcepts.TimePeriod, dimensionAtObservation == SdmxConcepts.TimePeriod ? "required" : "prohibited", "common:ObservationalTimePeriodType");
        }

        var declared = new HashSet<string>(StringComparer.Ordinal) { SdmxConcepts.TimePeriod, "type", "REPORTING_YEAR_START_DAY" };
        foreach (var d in dimensions)
        {
            if ((!series || d == dimensionAtObservation) && declared.Add(d))
            {
                Attribute(w, d, "required");
            }
        }

        if (v30 && declared.Add(SdmxConcepts.ObsValue))
        {
            Attribute(w, SdmxConcepts.ObsValue, "optional");
        }

        declared.Add(SdmxConcepts.ObsValue);
        foreach (var a in attributeIds)
        {
            if (declared.Add(a))
            {
                Attribute(w, a, "optional");
            }
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Import(XmlWriter w, string ns, string file)
    {
        w.WriteStartElement("import", Xs);
        w.WriteAttributeString("namespace", ns);
        w.WriteAttributeString("schemaLocation", file);
        w.WriteEndElement();
    }

    private static void Element(XmlWriter w, string? name, string type, string min, string? max, bool reference = false)
    {
        w.WriteStartElement("element", Xs);
        if (reference)
        {
            w.WriteAttributeString("ref", type);
        }
        else
        {
            w.WriteAttributeString("name", name);
            w.WriteAttributeString("type", type);
            w.WriteAttributeString("form", "unqualified");
        }

        w.WriteAttributeString("minOccurs", min);
        if (max is not null)
        {
            w.WriteAttributeString("maxOccurs", max);
        }

        w.WriteEndElement();
    }

    private static void Attribute(XmlWriter w, string name, string use, string type = "xs:string")
    {
        w.WriteStartElement("attribute", Xs);
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("type", type);
        w.WriteAttributeString("use", use);
        w.WriteEndElement();
    }
}
