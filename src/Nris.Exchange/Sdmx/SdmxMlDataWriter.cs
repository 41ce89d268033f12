using System.Globalization;
using System.Xml;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>The SDMX-ML data message flavours we write.</summary>
public enum SdmxMlDataFormat
{
    /// <summary>SDMX-ML 2.1 generic data (GenericData, flat: every Obs has its full ObsKey).</summary>
    Generic21 = 0,

    /// <summary>SDMX-ML 2.1 structure-specific data (StructureSpecificData, flat).</summary>
    StructureSpecific21 = 1,

    /// <summary>SDMX-ML 3.0 structure-specific data (flat).</summary>
    StructureSpecific30 = 2,
}

/// <summary>Header facts of a message we send.</summary>
/// <param name="Id">Message id.</param>
/// <param name="SenderId">Our sender id, "NRIS" unless an instance has its own agency id.</param>
/// <param name="Prepared">When the message was prepared (fixed in tests so output is reproducible).</param>
public sealed record SdmxHeader(string Id, string SenderId, DateTimeOffset Prepared)
{
    /// <summary>A header with a fresh id, sender NRIS and the current time.</summary>
    public static SdmxHeader Now(TimeProvider? time = null) =>
        new("NRIS" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant(), "NRIS", (time ?? TimeProvider.System).GetUtcNow());
}

/// <summary>
/// Writes observations as SDMX-ML data, flat (dimensionAtObservation="AllDimensions", every reader accepts it) or
/// grouped into series (<see cref="SdmxDataLayout"/>). Attributes are always written on the observations.
/// </summary>
public static class SdmxMlDataWriter
{
    internal const string V21Message = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message";
    internal const string V21Common = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common";
    internal const string V21Generic = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic";
    internal const string V21Specific = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific";
    internal const string V30Message = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message";
    internal const string V30Common = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common";
    internal const string V30Specific = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific";
    internal const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>
    /// The namespace of the DSD-specific schema of a structure-specific message in the flat layout, as SDMX names it:
    /// "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=AGENCY:ID(VERSION):ObsLevelDim:AllDimensions".
    /// </summary>
    public static string StructureNamespace(string structureId) => StructureNamespace(structureId, SdmxDataLayout.AllDimensions);

    /// <summary>The namespace of the DSD-specific schema for a dimension at observation level ("…:ObsLevelDim:TIME_PERIOD").</summary>
    public static string StructureNamespace(string structureId, string dimensionAtObservation)
    {
        var (agency, id, version) = SdmxConcepts.SplitReference(structureId);
        return $"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={agency}:{id}({version}):ObsLevelDim:{dimensionAtObservation}";
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="stream"/> (UTF-8, not closed).</summary>
    public static void Write(Stream stream, ExchangeDataSet data, SdmxMlDataFormat format, SdmxHeader? header = null, CancellationToken cancellationToken = default) =>
        Write(stream, data, format, SdmxDataLayout.Flat, header, cancellationToken);

    /// <summary>
    /// Writes <paramref name="data"/> in <paramref name="layout"/>: flat, or grouped into series by every dimension but
    /// the one at observation level (the key order is <see cref="ExchangeDataSet.DimensionIds"/>, then TIME_PERIOD).
    /// </summary>
    public static void Write(Stream stream, ExchangeDataSet data, SdmxMlDataFormat format, SdmxDataLayout layout, SdmxHeader? header = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(layout);
        header ??= SdmxHeader.Now();
        var keyIds = data.DimensionIds().Append(SdmxConcepts.TimePeriod).ToArray();
        using var w = XmlWriter.Create(stream, SafeXml.WriterSettings());
        var v30 = format == SdmxMlDataFormat.StructureSpecific30;
        var message = v30 ? V30Message : V21Message;
        var common = v30 ? V30Common : V21Common;
        var (agency, id, version) = SdmxConcepts.SplitReference(data.StructureId);
        var structureNs = StructureNamespace(data.StructureId, layout.DimensionAtObservation);
        w.WriteStartDocument();
        w.WriteStartElement("message", format == SdmxMlDataFormat.Generic21 ? "GenericData" : "StructureSpecificData", message);
        w.WriteAttributeString("xmlns", "common", null, common);
        w.WriteAttributeString("xmlns", "xsi", null, Xsi);
        if (format == SdmxMlDataFormat.Generic21)
        {
            w.WriteAttributeString("xmlns", "generic", null, V21Generic);
        }
        else
        {
            w.WriteAttributeString("xmlns", "ss", null, v30 ? V30Specific : V21Specific);
            w.WriteAttributeString("xmlns", "ns1", null, structureNs);
        }

        w.WriteStartElement("Header", message);
        w.WriteElementString("ID", message, header.Id);
        w.WriteElementString("Test", message, "false");
        w.WriteElementString("Prepared", message, header.Prepared.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartElement("Sender", message);
        w.WriteAttributeString("id", header.SenderId);
        w.WriteEndElement();
        w.WriteStartElement("Structure", message);
        w.WriteAttributeString("structureID", "STR1");
        if (format != SdmxMlDataFormat.Generic21)
        {
            w.WriteAttributeString("namespace", structureNs);
        }

        w.WriteAttributeString("dimensionAtObservation", layout.DimensionAtObservation);
        if (v30)
        {
            w.WriteElementString("Structure", common, $"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={agency}:{id}({version})");
        }
        else
        {
            w.WriteStartElement("Structure", common);
            w.WriteStartElement("Ref");
            w.WriteAttributeString("agencyID", agency);
            w.WriteAttributeString("id", id);
            w.WriteAttributeString("version", version);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement(); // Structure
        w.WriteEndElement(); // Header

        // One DataSet per action: the action is a data set property in SDMX-ML.
        foreach (var group in data.Observations.GroupBy(o => o.Action).OrderBy(g => g.Key))
        {
            w.WriteStartElement("DataSet", message);
            var action = group.Key switch
            {
                ExchangeAction.Delete => "Delete",
                ExchangeAction.Replace => "Replace",
                _ => "Append",
            };
            if (format == SdmxMlDataFormat.Generic21)
            {
                w.WriteAttributeString("structureRef", "STR1");
                w.WriteAttributeString("action", action);
            }
            else
            {
                var ssNs = v30 ? V30Specific : V21Specific;
                w.WriteAttributeString("structureRef", ssNs, "STR1");
                w.WriteAttributeString("action", ssNs, action);
                if (!v30)
                {
                    w.WriteAttributeString("dataScope", ssNs, "DataStructure");
                }

                w.WriteAttributeString("type", Xsi, "ns1:DataSetType");
            }

            if (layout.IsSeries)
            {
                foreach (var series in layout.Series(group, keyIds))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    WriteSeries(w, series, layout, format == SdmxMlDataFormat.Generic21);
                }
            }
            else
            {
                foreach (var o in group)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (format == SdmxMlDataFormat.Generic21)
                    {
                        WriteGenericObs(w, layout.Trim(o));
                    }
                    else
                    {
                        WriteSpecificObs(w, layout.Trim(o));
                    }
                }
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void WriteGenericObs(XmlWriter w, ExchangeObservation o)
    {
        w.WriteStartElement("Obs", V21Generic);
        w.WriteStartElement("ObsKey", V21Generic);
        foreach (var (k, v) in o.Dimensions)
        {
            GenericValue(w, k, v);
        }

        GenericValue(w, SdmxConcepts.TimePeriod, o.TimePeriod);
        w.WriteEndElement();
        if (o.Value is not null)
        {
            w.WriteStartElement("ObsValue", V21Generic);
            w.WriteAttributeString("value", o.Value);
            w.WriteEndElement();
        }

        if (o.Attributes.Count > 0)
        {
            w.WriteStartElement("Attributes", V21Generic);
            foreach (var (k, v) in o.Attributes)
            {
                GenericValue(w, k, v);
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    /// <summary>A series: its key (and nothing else: attributes are the observations'), then its observations.</summary>
    private static void WriteSeries(XmlWriter w, SdmxSeries series, SdmxDataLayout layout, bool generic)
    {
        var obsDimension = layout.DimensionAtObservation;
        if (generic)
        {
            w.WriteStartElement("Series", V21Generic);
            w.WriteStartElement("SeriesKey", V21Generic);
            foreach (var (k, v) in series.Key)
            {
                GenericValue(w, k, v);
            }

            w.WriteEndElement();
        }
        else
        {
            w.WriteStartElement("Series");
            foreach (var (k, v) in series.Key)
            {
                w.WriteAttributeString(k, v);
            }
        }

        if (layout.WritesObservations)
        {
            foreach (var o in series.Observations)
            {
                var attributes = layout.WritesAttributes ? o.Attributes : ExchangeObservation.None;
                if (generic)
                {
                    w.WriteStartElement("Obs", V21Generic);
                    w.WriteStartElement("ObsDimension", V21Generic);
                    w.WriteAttributeString("id", obsDimension);
                    w.WriteAttributeString("value", SdmxDataLayout.Value(o, obsDimension));
                    w.WriteEndElement();
                    if (o.Value is not null)
                    {
                        w.WriteStartElement("ObsValue", V21Generic);
                        w.WriteAttributeString("value", o.Value);
                        w.WriteEndElement();
                    }

                    if (attributes.Count > 0)
                    {
                        w.WriteStartElement("Attributes", V21Generic);
                        foreach (var (k, v) in attributes)
                        {
                            GenericValue(w, k, v);
                        }

                        w.WriteEndElement();
                    }
                }
                else
                {
                    w.WriteStartElement("Obs");
                    w.WriteAttributeString(obsDimension, SdmxDataLayout.Value(o, obsDimension));
                    if (o.Value is not null)
                    {
                        w.WriteAttributeString(SdmxConcepts.ObsValue, o.Value);
                    }

                    foreach (var (k, v) in attributes)
                    {
                        w.WriteAttributeString(k, v);
                    }
                }

                w.WriteEndElement();
            }
        }

        w.WriteEndElement();
    }

    private static void GenericValue(XmlWriter w, string id, string value)
    {
        w.WriteStartElement("Value", V21Generic);
        w.WriteAttributeString("id", id);
        w.WriteAttributeString("value", value);
        w.WriteEndElement();
    }

    private static void WriteSpecificObs(XmlWriter w, ExchangeObservation o)
    {
        w.WriteStartElement("Obs");
        foreach (var (k, v) in o.Dimensions)
        {
            w.WriteAttributeString(k, v);
        }

        w.WriteAttributeString(SdmxConcepts.TimePeriod, o.TimePeriod);
        if (o.Value is not null)
        {
            w.WriteAttributeString(SdmxConcepts.ObsValue, o.Value);
        }

        foreach (var (k, v) in o.Attributes)
        {
            w.WriteAttributeString(k, v);
        }

        w.WriteEndElement();
    }
}
