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
    public static void Write(Stream stream, string structureId, IEnumerable<string> dimensionIds, IEnumerable<string> attributeIds, bool v30)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var target = SdmxMlDataWriter.StructureNamespace(structureId);
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
            Element(w, "Obs", "ObsType", "1", null);
            w.WriteEndElement();
        }
        else
        {
            Element(w, "Obs", "ObsType", "1", "unbounded");
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("complexType", Xs);
        w.WriteAttributeString("name", "ObsType");
        w.WriteStartElement("complexContent", Xs);
        w.WriteStartElement("restriction", Xs);
        w.WriteAttributeString("base", "dsd:ObsType");
        w.WriteStartElement("sequence", Xs);
        Element(w, null, "common:Annotations", "0", null, reference: true);
        w.WriteEndElement();
        var declared = new HashSet<string>(StringComparer.Ordinal) { SdmxConcepts.TimePeriod, "type", "REPORTING_YEAR_START_DAY" };
        foreach (var d in dimensionIds)
        {
            if (declared.Add(d))
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

    private static void Attribute(XmlWriter w, string name, string use)
    {
        w.WriteStartElement("attribute", Xs);
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("type", "xs:string");
        w.WriteAttributeString("use", use);
        w.WriteEndElement();
    }
}
