namespace Nris.Exchange.Sdmx;

/// <summary>
/// The few facts about a data structure definition that a reader needs and a structure-specific message does not
/// say by itself: which XML attributes are dimensions. Without one, readers use <see cref="SdmxConcepts.IsKnownAttribute"/>.
/// </summary>
/// <param name="Id">The structure reference, "AGENCY:ID(VERSION)".</param>
/// <param name="DimensionIds">The dimensions in key order, without the time dimension.</param>
/// <param name="TimeDimensionId">The time dimension, TIME_PERIOD in every DSD we know.</param>
/// <param name="PrimaryMeasureId">The measure, OBS_VALUE.</param>
public sealed record SdmxDataStructure(
    string Id,
    IReadOnlyList<string> DimensionIds,
    string TimeDimensionId = SdmxConcepts.TimePeriod,
    string PrimaryMeasureId = SdmxConcepts.ObsValue)
{
    /// <summary>Whether <paramref name="id"/> is a dimension (time included).</summary>
    public bool IsDimension(string id) => id == TimeDimensionId || DimensionIds.Contains(id, StringComparer.Ordinal);
}

/// <summary>SDMX concept ids and the structure reference text "AGENCY:ID(VERSION)".</summary>
public static class SdmxConcepts
{
    /// <summary>The time dimension.</summary>
    public const string TimePeriod = "TIME_PERIOD";

    /// <summary>The primary measure.</summary>
    public const string ObsValue = "OBS_VALUE";

    /// <summary>The observation status attribute.</summary>
    public const string ObsStatus = "OBS_STATUS";

    /// <summary>A free-text comment attribute.</summary>
    public const string Comment = "COMMENT";

    // Attribute ids of the SDMX cross-domain concepts (and the ECB's) that messages carry as XML attributes next to
    // dimensions; without a DSD this is how a structure-specific or CSV reader tells them apart from dimensions.
    private static readonly HashSet<string> KnownAttributes = new(StringComparer.Ordinal)
    {
        "OBS_STATUS", "OBS_CONF", "CONF_STATUS", "CONF_STATUS_OBS", "OBS_COM", "OBS_PRE_BREAK", "UNIT_MULT",
        "UNIT_MEASURE", "UNIT", "DECIMALS", "TITLE", "TITLE_COMPL", "COMMENT", "COLL_METHOD", "TIME_FORMAT",
        "SOURCE_AGENCY", "COLLECTION", "COMPILATION", "BREAKS", "DOM_SER_IDS", "NAT_TITLE", "PUBL_ECB",
        "PUBL_MU", "PUBL_PUBLIC", "UNIT_INDEX_BASE", "SOURCE_PUB", "BASE_PER", "COVERAGE", "EMBARGO_DATE",
        "REF_PERIOD_DETAIL", "TIME_PER_COLLECT", "NOTE", "FOOTNOTE", "OBS_NOTE", "SERIES_NOTE",
    };

    /// <summary>Whether <paramref name="id"/> is a well-known attribute id rather than a dimension.</summary>
    public static bool IsKnownAttribute(string id) => KnownAttributes.Contains(id);

    /// <summary>Splits "AGENCY:ID(1.0)" into its parts; a bare "ID" gives agency "NRIS" and version "1.0".</summary>
    public static (string Agency, string Id, string Version) SplitReference(string reference)
    {
        var agency = "NRIS";
        var id = reference ?? "";
        var version = "1.0";
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            agency = id[..colon];
            id = id[(colon + 1)..];
        }

        var open = id.IndexOf('(', StringComparison.Ordinal);
        if (open > 0 && id.EndsWith(')'))
        {
            version = id[(open + 1)..^1];
            id = id[..open];
        }

        return (agency, id.Length == 0 ? "UNKNOWN" : id, version);
    }

    /// <summary>"AGENCY:ID(VERSION)".</summary>
    public static string Reference(string agency, string id, string version) => $"{agency}:{id}({version})";

    /// <summary>Reads the reference out of an SDMX URN such as "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ECB:EXR(1.0)".</summary>
    public static string FromUrn(string urn)
    {
        var eq = urn.IndexOf('=', StringComparison.Ordinal);
        return eq >= 0 ? urn[(eq + 1)..].Trim() : urn.Trim();
    }
}
