using System.Xml;
using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Adx;

/// <summary>
/// IHE ADX (Aggregate Data Exchange, urn:ihe:qrph:adx:2015). A group's orgUnit, dataSet and any other group
/// attributes, and a dataValue's dataElement and disaggregation attributes (sex="F", categoryOptionCombo=…), become
/// dimensions; the group's period ("2015-01-01/P1M") is the time as written; an annotation becomes the attribute
/// "annotation". We write one group per observation's orgUnit, period and dataSet, with every other dimension on
/// the dataValue, which ADX allows.
/// </summary>
public static class Adx
{
    /// <summary>The ADX namespace.</summary>
    public const string Namespace = "urn:ihe:qrph:adx:2015";

    /// <summary>Reads an ADX message.</summary>
    /// <exception cref="ExchangeFormatException">Problems naming the element and line.</exception>
    public static ExchangeDataSet Read(Stream stream, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExchangeLimits.Default;
        return Errors.Guard("ADX", () => ReadCore(stream, limits, cancellationToken), cancellationToken);
    }

    private static ExchangeDataSet ReadCore(Stream stream, ExchangeLimits limits, CancellationToken ct)
    {
        using var xml = new SafeXml(stream, limits, ct);
        var errors = new ErrorList(limits.MaxErrors);
        var list = new List<ExchangeObservation>();
        List<KeyValuePair<string, string>>? group = null;
        var sawRoot = false;
        while (xml.Read())
        {
            if (!xml.IsStart)
            {
                continue;
            }

            switch (xml.LocalName)
            {
                case "adx" when xml.Depth == 0:
                    sawRoot = xml.NamespaceURI == Namespace;
                    break;
                case "group" when sawRoot:
                    group = xml.LocalAttributes(errors);
                    if (!group.Any(p => p.Key == "period") || !group.Any(p => p.Key == "orgUnit"))
                    {
                        errors.Add(Errors.Missing(xml.Location, group.Any(p => p.Key == "period") ? "orgUnit" : "period"));
                        group = null;
                    }

                    break;
                case "dataValue" when group is not null:
                    var at = xml.Location;
                    if (list.Count >= limits.MaxObservations)
                    {
                        throw new ExchangeFormatException(Errors.TooManyObservations(at, limits.MaxObservations));
                    }

                    var dims = new Dictionary<string, string>(StringComparer.Ordinal);
                    string period = "";
                    foreach (var (k, v) in group)
                    {
                        if (k == "period")
                        {
                            period = v;
                        }
                        else if (k is not ("completeDate" or "exported"))
                        {
                            dims[k] = v;
                        }
                    }

                    string? value = null;
                    foreach (var (k, v) in xml.LocalAttributes(errors))
                    {
                        if (k == "value")
                        {
                            value = v;
                        }
                        else
                        {
                            dims[k] = v;
                        }
                    }

                    var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
                    if (!xml.Reader.IsEmptyElement)
                    {
                        var depth = xml.Depth;
                        while (xml.Read() && !(xml.IsEnd && xml.Depth == depth))
                        {
                            if (xml.IsStart && xml.LocalName == "annotation")
                            {
                                attrs["annotation"] = xml.ReadText(errors);
                            }
                        }
                    }

                    if (!dims.ContainsKey("dataElement"))
                    {
                        errors.Add(Errors.Missing(at, "dataElement"));
                        continue;
                    }

                    list.Add(new ExchangeObservation(dims, period, value, attrs));
                    break;
            }
        }

        if (!sawRoot)
        {
            errors.Add(Errors.Invalid("line 1", null, "Không phải thông điệp ADX (urn:ihe:qrph:adx:2015).", "Not an ADX message (urn:ihe:qrph:adx:2015)."));
        }

        errors.ThrowIfAny();
        return new ExchangeDataSet("", list);
    }

    /// <summary>Writes an ADX message; <paramref name="exported"/> fills the root's exported attribute.</summary>
    public static void Write(Stream stream, ExchangeDataSet data, DateTimeOffset exported, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        using var w = XmlWriter.Create(stream, SafeXml.WriterSettings());
        w.WriteStartElement("adx", Namespace);
        w.WriteAttributeString("exported", exported.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        string[] groupKeys = ["orgUnit", "dataSet"];
        foreach (var g in data.Observations.GroupBy(o => (o.Dimension("orgUnit"), o.TimePeriod, o.Dimension("dataSet"))))
        {
            w.WriteStartElement("group", Namespace);
            w.WriteAttributeString("orgUnit", g.Key.Item1 ?? "");
            w.WriteAttributeString("period", g.Key.TimePeriod);
            if (g.Key.Item3 is { } ds)
            {
                w.WriteAttributeString("dataSet", ds);
            }

            foreach (var o in g)
            {
                cancellationToken.ThrowIfCancellationRequested();
                w.WriteStartElement("dataValue", Namespace);
                foreach (var (k, v) in o.Dimensions)
                {
                    if (!groupKeys.Contains(k))
                    {
                        w.WriteAttributeString(k, v);
                    }
                }

                if (o.Value is not null)
                {
                    w.WriteAttributeString("value", o.Value);
                }

                if (o.Attribute("annotation") is { } a)
                {
                    w.WriteElementString("annotation", Namespace, a);
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }
}
