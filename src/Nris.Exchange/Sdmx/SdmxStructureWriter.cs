using System.Globalization;
using System.Xml;
using Nris.Exchange.Internal;

namespace Nris.Exchange.Sdmx;

/// <summary>Which SDMX-ML version a Structure message is written in.</summary>
public enum SdmxStructureFormat
{
    /// <summary>SDMX-ML 2.1.</summary>
    Ml21 = 0,

    /// <summary>SDMX-ML 3.0.</summary>
    Ml30 = 1,
}

/// <summary>
/// Writes <see cref="SdmxStructures"/> as an SDMX-ML Structure message. References are URNs in both versions
/// (2.1 allows them and 3.0 requires them), so one code path names concepts and codelists the same way.
/// </summary>
public static class SdmxStructureWriter
{
    internal const string V21Structure = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure";
    internal const string V30Structure = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure";
    private const string XmlNs = "http://www.w3.org/XML/1998/namespace";

    /// <summary>Writes the message to <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, SdmxStructures structures, SdmxStructureFormat format, SdmxHeader? header = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(structures);
        var v30 = format == SdmxStructureFormat.Ml30;
        var mes = v30 ? SdmxMlDataWriter.V30Message : SdmxMlDataWriter.V21Message;
        var str = v30 ? V30Structure : V21Structure;
        var com = v30 ? SdmxMlDataWriter.V30Common : SdmxMlDataWriter.V21Common;
        var h = header ?? SdmxHeader.Now();
        using var w = XmlWriter.Create(stream, SafeXml.WriterSettings());
        w.WriteStartDocument();
        w.WriteStartElement("mes", "Structure", mes);
        w.WriteAttributeString("xmlns", "str", null, str);
        w.WriteAttributeString("xmlns", "com", null, com);
        w.WriteStartElement("mes", "Header", mes);
        w.WriteElementString("mes", "ID", mes, h.Id);
        w.WriteElementString("mes", "Test", mes, "false");
        w.WriteElementString("mes", "Prepared", mes, h.Prepared.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartElement("mes", "Sender", mes);
        w.WriteAttributeString("id", h.SenderId);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("mes", "Structures", mes);

        void Names(IReadOnlyList<SdmxName> names)
        {
            foreach (var n in names)
            {
                w.WriteStartElement("com", "Name", com);
                w.WriteAttributeString("xml", "lang", XmlNs, n.Lang);
                w.WriteString(n.Text);
                w.WriteEndElement();
            }
        }

        void Maintainable(string element, SdmxArtefactId id, string urnClass, IReadOnlyList<SdmxName> names)
        {
            w.WriteStartElement("str", element, str);
            w.WriteAttributeString("urn", Urn(urnClass, id));
            w.WriteAttributeString("agencyID", id.Agency);
            w.WriteAttributeString("id", id.Id);
            w.WriteAttributeString("version", id.Version);
            if (!v30)
            {
                w.WriteAttributeString("isFinal", "false");
            }

            Names(names);
        }

        void Reference(string element, string urn)
        {
            w.WriteStartElement("str", element, str);
            if (v30)
            {
                w.WriteString(urn);
            }
            else
            {
                w.WriteElementString("URN", urn);
            }

            w.WriteEndElement();
        }

        void Dataflows()
        {
            if (structures.Dataflows.Count == 0)
            {
                return;
            }

            w.WriteStartElement("str", "Dataflows", str);
            foreach (var df in structures.Dataflows)
            {
                Maintainable("Dataflow", df.Ref, "datastructure.Dataflow", df.Names);
                Reference("Structure", Urn("datastructure.DataStructure", df.Structure));
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        void Codelists()
        {
            if (structures.Codelists.Count == 0)
            {
                return;
            }

            w.WriteStartElement("str", "Codelists", str);
            foreach (var cl in structures.Codelists)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Maintainable("Codelist", cl.Ref, "codelist.Codelist", cl.Names);
                foreach (var code in cl.Codes)
                {
                    w.WriteStartElement("str", "Code", str);
                    w.WriteAttributeString("urn", Urn("codelist.Code", cl.Ref) + "." + code.Id);
                    w.WriteAttributeString("id", code.Id);
                    Names(code.Names);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        void Concepts()
        {
            if (structures.ConceptSchemes.Count == 0)
            {
                return;
            }

            w.WriteStartElement("str", v30 ? "ConceptSchemes" : "Concepts", str);
            foreach (var cs in structures.ConceptSchemes)
            {
                Maintainable("ConceptScheme", cs.Ref, "conceptscheme.ConceptScheme", cs.Names);
                foreach (var concept in cs.Concepts)
                {
                    w.WriteStartElement("str", "Concept", str);
                    w.WriteAttributeString("urn", Urn("conceptscheme.Concept", cs.Ref) + "." + concept.Id);
                    w.WriteAttributeString("id", concept.Id);
                    Names(concept.Names);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        void DataStructures()
        {
            if (structures.DataStructures.Count == 0)
            {
                return;
            }

            w.WriteStartElement("str", "DataStructures", str);
            foreach (var dsd in structures.DataStructures)
            {
                var cs = new SdmxArtefactId(dsd.Ref.Agency, dsd.ConceptScheme, dsd.Ref.Version);
                var dsdUrn = Urn("datastructure.DataStructure", dsd.Ref);
                string Concept(string id) => Urn("conceptscheme.Concept", cs) + "." + id;
                string Codelist(string id) => Urn("codelist.Codelist", new SdmxArtefactId(dsd.Ref.Agency, id, dsd.Ref.Version));

                void Representation(SdmxComponent c)
                {
                    w.WriteStartElement("str", "LocalRepresentation", str);
                    if (c.Codelist is { } list)
                    {
                        Reference("Enumeration", Codelist(list));
                    }
                    else
                    {
                        w.WriteStartElement("str", "TextFormat", str);
                        w.WriteAttributeString("textType", "String");
                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                Maintainable("DataStructure", dsd.Ref, "datastructure.DataStructure", dsd.Names);
                w.WriteStartElement("str", "DataStructureComponents", str);
                w.WriteStartElement("str", "DimensionList", str);
                w.WriteAttributeString("urn", dsdUrn.Replace("datastructure.DataStructure=", "datastructure.DimensionDescriptor=", StringComparison.Ordinal) + ".DimensionDescriptor");
                w.WriteAttributeString("id", "DimensionDescriptor");
                var position = 1;
                foreach (var d in dsd.Dimensions)
                {
                    w.WriteStartElement("str", "Dimension", str);
                    w.WriteAttributeString("id", d.Id);
                    w.WriteAttributeString("position", (position++).ToString(CultureInfo.InvariantCulture));
                    Reference("ConceptIdentity", Concept(d.Id));
                    Representation(d);
                    w.WriteEndElement();
                }

                w.WriteStartElement("str", "TimeDimension", str);
                w.WriteAttributeString("id", dsd.TimeDimension);
                if (!v30)
                {
                    w.WriteAttributeString("position", position.ToString(CultureInfo.InvariantCulture));
                }

                Reference("ConceptIdentity", Concept(dsd.TimeDimension));
                w.WriteStartElement("str", "LocalRepresentation", str);
                w.WriteStartElement("str", "TextFormat", str);
                w.WriteAttributeString("textType", "ObservationalTimePeriod");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement(); // DimensionList

                if (dsd.Attributes.Count > 0)
                {
                    w.WriteStartElement("str", "AttributeList", str);
                    w.WriteAttributeString("id", "AttributeDescriptor");
                    foreach (var a in dsd.Attributes)
                    {
                        w.WriteStartElement("str", "Attribute", str);
                        w.WriteAttributeString("id", a.Id);
                        // Every attribute is optional: a value with nothing stated is normal (see NrisSdmxMapping).
                        w.WriteAttributeString(v30 ? "usage" : "assignmentStatus", v30 ? "optional" : "Conditional");
                        Reference("ConceptIdentity", Concept(a.Id));
                        Representation(a);
                        w.WriteStartElement("str", "AttributeRelationship", str);
                        if (v30)
                        {
                            w.WriteStartElement("str", "Observation", str);
                            w.WriteEndElement();
                        }
                        else
                        {
                            w.WriteStartElement("str", "PrimaryMeasure", str);
                            w.WriteStartElement("Ref");
                            w.WriteAttributeString("id", dsd.Measure);
                            w.WriteEndElement();
                            w.WriteEndElement();
                        }

                        w.WriteEndElement();
                        w.WriteEndElement();
                    }

                    w.WriteEndElement();
                }

                w.WriteStartElement("str", "MeasureList", str);
                w.WriteAttributeString("id", "MeasureDescriptor");
                w.WriteStartElement("str", v30 ? "Measure" : "PrimaryMeasure", str);
                w.WriteAttributeString("id", dsd.Measure);
                Reference("ConceptIdentity", Concept(dsd.Measure));
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement(); // DataStructureComponents
                w.WriteEndElement(); // DataStructure
            }

            w.WriteEndElement();
        }

        // Element order is fixed by each schema: 2.1 lists Dataflows first, 3.0 sorts alphabetically.
        if (v30)
        {
            Codelists();
            Concepts();
            Dataflows();
            DataStructures();
        }
        else
        {
            Dataflows();
            Codelists();
            Concepts();
            DataStructures();
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static string Urn(string @class, SdmxArtefactId id) => $"urn:sdmx:org.sdmx.infomodel.{@class}={id}";
}
