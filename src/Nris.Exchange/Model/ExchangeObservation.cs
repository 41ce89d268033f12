namespace Nris.Exchange.Model;

/// <summary>What a sender asks the receiver to do with an observation (SDMX-CSV 2.x ACTION, DHIS2 "deleted").</summary>
public enum ExchangeAction
{
    /// <summary>Insert or update (SDMX "Merge" / "I", the default of every format).</summary>
    Merge = 0,

    /// <summary>Replace what the receiver holds for the key (SDMX "Replace" / "R").</summary>
    Replace = 1,

    /// <summary>Delete the observation (SDMX "Delete" / "D", DHIS2 deleted=true).</summary>
    Delete = 2,
}

/// <summary>
/// One observation in the format-neutral exchange model. Values stay text so that nothing is lost between formats
/// ("1.50" stays "1.50"); numbers are parsed with the invariant culture only when mapped to Nris values.
/// </summary>
/// <param name="Dimensions">Dimension id → code, without the time dimension (e.g. FREQ, REF_AREA, INDICATOR).</param>
/// <param name="TimePeriod">The time period as the source wrote it (SDMX "2026-05", DHIS2 "202605", ours "2026-M05").</param>
/// <param name="Value">The observed value as text; null when the message carries only attributes or a deletion.</param>
/// <param name="Attributes">Attribute id → value (OBS_STATUS, UNIT_MULT, COMMENT …), series and data set attributes included.</param>
/// <param name="Action">What to do with the observation.</param>
public sealed record ExchangeObservation(
    IReadOnlyDictionary<string, string> Dimensions,
    string TimePeriod,
    string? Value,
    IReadOnlyDictionary<string, string> Attributes,
    ExchangeAction Action = ExchangeAction.Merge)
{
    /// <summary>The empty attribute or dimension map.</summary>
    public static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The value of dimension <paramref name="id"/>, or null.</summary>
    public string? Dimension(string id) => Dimensions.TryGetValue(id, out var v) ? v : null;

    /// <summary>The value of attribute <paramref name="id"/>, or null.</summary>
    public string? Attribute(string id) => Attributes.TryGetValue(id, out var v) ? v : null;

    /// <summary>
    /// A canonical text of the observation (sorted dimensions and attributes), used to compare what two messages
    /// say regardless of ordering and layout.
    /// </summary>
    public string ToCanonicalString()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var (k, v) in Dimensions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(k).Append('=').Append(v).Append('|');
        }

        sb.Append('@').Append(TimePeriod).Append(" = ").Append(Value ?? "∅").Append(" [");
        foreach (var (k, v) in Attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(k).Append('=').Append(v).Append(';');
        }

        return sb.Append("] ").Append(Action.ToString()).ToString();
    }
}

/// <summary>A data set in the exchange model: which structure it follows and its observations.</summary>
/// <param name="StructureId">The dataflow or data structure the data follow, e.g. "ECB:EXR(1.0)" or "NRIS:BC01(1.0)"; empty when unknown.</param>
/// <param name="Observations">The observations in message order.</param>
public sealed record ExchangeDataSet(string StructureId, IReadOnlyList<ExchangeObservation> Observations)
{
    /// <summary>The dimension ids in first-seen order (time excluded): writers use it as the key order.</summary>
    public IReadOnlyList<string> DimensionIds()
    {
        var seen = new List<string>();
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in Observations)
        {
            foreach (var k in o.Dimensions.Keys)
            {
                if (set.Add(k))
                {
                    seen.Add(k);
                }
            }
        }

        return seen;
    }

    /// <summary>The attribute ids in first-seen order.</summary>
    public IReadOnlyList<string> AttributeIds()
    {
        var seen = new List<string>();
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in Observations)
        {
            foreach (var k in o.Attributes.Keys)
            {
                if (set.Add(k))
                {
                    seen.Add(k);
                }
            }
        }

        return seen;
    }
}
