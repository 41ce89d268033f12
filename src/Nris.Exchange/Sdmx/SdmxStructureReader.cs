using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>
/// Reads codelists, concept schemes, data structure dimension lists and dataflows from SDMX-ML 2.1 and 3.0 Structure
/// messages (ours and partners'), forward-only with the usual limits. Elements are matched by local name, so both
/// versions and any prefixes read the same; references may be URNs (2.1, 3.0) or 2.1 &lt;Ref&gt; elements.
/// Other artefacts (category schemes, constraints …) are skipped.
/// </summary>
public static class SdmxStructureReader
{
    /// <summary>Reads a Structure message.</summary>
    /// <exception cref="ExchangeFormatException">The XML is not valid or too large or deep.</exception>
    public static SdmxStructures Read(Stream stream, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var l = limits ?? ExchangeLimits.Default;
        return Errors.Guard("SDMX-ML structure", () => ReadCore(stream, l, cancellationToken), cancellationToken);
    }

    private static SdmxStructures ReadCore(Stream stream, ExchangeLimits limits, CancellationToken ct)
    {
        var errors = new ErrorList(limits.MaxErrors);
        using var x = new SafeXml(stream, limits, ct);
        var codelists = new List<SdmxCodelist>();
        var schemes = new List<SdmxConceptScheme>();
        var dsds = new List<SdmxDsd>();
        var flows = new List<SdmxDataflow>();

        // The artefact being read and its children.
        string? kind = null;
        SdmxArtefactId? current = null;
        var names = new List<SdmxName>();
        var items = new List<(string Id, List<SdmxName> Names)>();
        var dimensions = new List<SdmxComponent>();
        var attributes = new List<SdmxComponent>();
        string? timeDimension = null;
        string? measure = null;
        string? flowStructure = null;
        string? conceptScheme = null;
        (string Id, string Kind)? component = null;
        string? componentCodelist = null;
        var depth = -1;
        string? lastRefContext = null;

        while (x.Read())
        {
            var r = x.Reader;
            if (x.IsStart)
            {
                var name = r.LocalName;
                switch (name)
                {
                    case "Codelist" or "ConceptScheme" or "DataStructure" or "Dataflow" when kind is null && r.GetAttribute("id") is { } id:
                        kind = name;
                        depth = r.Depth;
                        current = new SdmxArtefactId(r.GetAttribute("agencyID") ?? "", id, r.GetAttribute("version") ?? "1.0");
                        names = [];
                        items = [];
                        dimensions = [];
                        attributes = [];
                        timeDimension = null;
                        measure = null;
                        flowStructure = null;
                        conceptScheme = null;
                        if (r.IsEmptyElement)
                        {
                            Finish();
                        }

                        continue;
                    case "Code" or "Concept" when kind is "Codelist" or "ConceptScheme" && r.GetAttribute("id") is { } itemId:
                        items.Add((itemId, []));
                        if (items.Count > limits.MaxObservations)
                        {
                            throw new ExchangeFormatException(Errors.TooManyObservations(x.Location, limits.MaxObservations));
                        }

                        continue;
                    case "Name":
                        var lang = r.GetAttribute("xml:lang") ?? "en";
                        var text = x.ReadText(errors).Trim();
                        var target = items.Count > 0 && kind is "Codelist" or "ConceptScheme" ? items[^1].Names : names;
                        if (component is null)
                        {
                            target.Add(new SdmxName(lang, text));
                        }

                        continue;
                    case "Dimension" or "TimeDimension" or "Attribute" or "PrimaryMeasure" or "Measure" when kind == "DataStructure" && r.GetAttribute("id") is { } componentId:
                        component = (componentId, name);
                        componentCodelist = null;
                        if (r.IsEmptyElement)
                        {
                            EndComponent();
                        }

                        continue;
                    case "Enumeration" or "ConceptIdentity" when component is not null && !r.IsEmptyElement:
                    case "Structure" when kind == "Dataflow" && !r.IsEmptyElement:
                        // 3.0 puts the URN as text; 2.1 as <URN> text or a <Ref> element: both handled as they come.
                        lastRefContext = name;
                        continue;
                    case "Ref" when lastRefContext is { } context:
                        var refId = SdmxConcepts.Reference(r.GetAttribute("agencyID") ?? "", r.GetAttribute("id") ?? "", r.GetAttribute("version") ?? "1.0");
                        if (r.GetAttribute("maintainableParentID") is { } parent)
                        {
                            refId = SdmxConcepts.Reference(r.GetAttribute("agencyID") ?? "", parent, r.GetAttribute("maintainableParentVersion") ?? "1.0") + "." + (r.GetAttribute("id") ?? "");
                        }

                        OnReference(context, refId);
                        continue;
                }
            }
            else if (r.NodeType is System.Xml.XmlNodeType.Text or System.Xml.XmlNodeType.CDATA && lastRefContext is { } refContext)
            {
                var urn = r.Value.Trim();
                if (urn.Length > 0)
                {
                    OnReference(refContext, SdmxConcepts.FromUrn(urn));
                }
            }
            else if (x.IsEnd)
            {
                if (lastRefContext is not null && r.LocalName == lastRefContext)
                {
                    lastRefContext = null;
                }
                else if (component is { } c && r.LocalName == c.Kind)
                {
                    EndComponent();
                }
                else if (kind is not null && r.Depth == depth && r.LocalName == kind)
                {
                    Finish();
                }
            }
        }

        errors.ThrowIfAny();
        return new SdmxStructures(codelists, schemes, dsds, flows);

        void OnReference(string context, string reference)
        {
            switch (context)
            {
                case "Enumeration" when component is not null:
                    componentCodelist = SdmxConcepts.SplitReference(reference).Id;
                    break;
                case "ConceptIdentity" when component is not null && conceptScheme is null:
                    // "NRIS:CS_NRIS(1.0).FREQ": keep the scheme id.
                    var dot = reference.LastIndexOf('.');
                    var close = reference.LastIndexOf(')');
                    conceptScheme = SdmxConcepts.SplitReference(dot > close && close > 0 ? reference[..dot] : reference).Id;
                    break;
                case "Structure" when kind == "Dataflow":
                    flowStructure = reference;
                    break;
            }
        }

        void EndComponent()
        {
            var (id, k) = component!.Value;
            switch (k)
            {
                case "Dimension":
                    dimensions.Add(new SdmxComponent(id, componentCodelist));
                    break;
                case "TimeDimension":
                    timeDimension = id;
                    break;
                case "Attribute":
                    attributes.Add(new SdmxComponent(id, componentCodelist));
                    break;
                default:
                    measure = id;
                    break;
            }

            component = null;
            componentCodelist = null;
        }

        void Finish()
        {
            var id = current!;
            switch (kind)
            {
                case "Codelist":
                    codelists.Add(new SdmxCodelist(id, names, items.Select(i => new SdmxCode(i.Id, i.Names)).ToList()));
                    break;
                case "ConceptScheme":
                    schemes.Add(new SdmxConceptScheme(id, names, items.Select(i => new SdmxConcept(i.Id, i.Names)).ToList()));
                    break;
                case "DataStructure":
                    dsds.Add(new SdmxDsd(id, names, conceptScheme ?? "", dimensions, attributes, timeDimension ?? SdmxConcepts.TimePeriod, measure ?? SdmxConcepts.ObsValue));
                    break;
                case "Dataflow":
                    var (agency, sid, version) = SdmxConcepts.SplitReference(flowStructure ?? "");
                    flows.Add(new SdmxDataflow(id, names, new SdmxArtefactId(agency, sid, version)));
                    break;
            }

            kind = null;
            current = null;
        }
    }
}
