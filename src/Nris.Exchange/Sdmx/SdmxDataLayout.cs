using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>How much of the data a message carries (the SDMX 2.1 REST <c>detail</c> parameter of data queries).</summary>
public enum SdmxDataDetail
{
    /// <summary>Keys, values and attributes.</summary>
    Full = 0,

    /// <summary>Keys and values, no attributes.</summary>
    DataOnly = 1,

    /// <summary>Series keys only: no observations, no attributes.</summary>
    SeriesKeysOnly = 2,

    /// <summary>Series with their (series-level) attributes, no observations.</summary>
    NoData = 3,
}

/// <summary>
/// The shape of a data message: which dimension sits at observation level (SDMX <c>dimensionAtObservation</c>) and the
/// detail. With <see cref="AllDimensions"/> every observation carries its full key (the flat layout); with a dimension
/// id (TIME_PERIOD by default in SDMX) observations are grouped into series by every other dimension, time included,
/// and carry only that one dimension. Our writers attach every attribute to the observation (the NRIS DSDs attach
/// OBS_STATUS, UNIT_MEASURE and COMMENT to the observation), so a series has a key and observations, no attributes of
/// its own: <see cref="SdmxDataDetail.NoData"/> and <see cref="SdmxDataDetail.SeriesKeysOnly"/> write the same series.
/// </summary>
/// <param name="DimensionAtObservation">"AllDimensions", "TIME_PERIOD" or another dimension id.</param>
/// <param name="Detail">What is written.</param>
public sealed record SdmxDataLayout(string DimensionAtObservation = SdmxDataLayout.AllDimensions, SdmxDataDetail Detail = SdmxDataDetail.Full)
{
    /// <summary>The flat layout's name.</summary>
    public const string AllDimensions = "AllDimensions";

    /// <summary>The flat layout with everything (what the writers did before layouts existed).</summary>
    public static SdmxDataLayout Flat { get; } = new();

    /// <summary>Time series: TIME_PERIOD at observation level, SDMX 2.1's default.</summary>
    public static SdmxDataLayout TimeSeries { get; } = new(SdmxConcepts.TimePeriod);

    /// <summary>Whether observations are grouped into series.</summary>
    public bool IsSeries => DimensionAtObservation != AllDimensions;

    /// <summary>Whether observations are written (not for serieskeysonly / nodata).</summary>
    public bool WritesObservations => Detail is SdmxDataDetail.Full or SdmxDataDetail.DataOnly;

    /// <summary>Whether attributes are written.</summary>
    public bool WritesAttributes => Detail is SdmxDataDetail.Full;

    /// <summary>
    /// The observations as this layout's detail leaves them, for the flat layout: serieskeysonly and nodata keep each
    /// observation's key without value or attributes (a flat message has no series), dataonly drops attributes.
    /// </summary>
    public ExchangeObservation Trim(ExchangeObservation o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return Detail switch
        {
            SdmxDataDetail.Full => o,
            SdmxDataDetail.DataOnly => o.Attributes.Count == 0 ? o : o with { Attributes = ExchangeObservation.None },
            _ => o with { Value = null, Attributes = ExchangeObservation.None },
        };
    }

    /// <summary>
    /// Groups observations into series: the key is every dimension of <paramref name="dimensionIds"/> (in that order,
    /// TIME_PERIOD included as the last) except the observation dimension; series keep the order in which their first
    /// observation appears, observations their order within the series.
    /// </summary>
    public IReadOnlyList<SdmxSeries> Series(IEnumerable<ExchangeObservation> observations, IReadOnlyList<string> dimensionIds)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(dimensionIds);
        var keyIds = dimensionIds.Where(d => d != DimensionAtObservation).ToArray();
        var series = new List<SdmxSeries>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var o in observations)
        {
            var key = keyIds.Select(id => (id, Value(o, id))).ToArray();
            // '\u001f' cannot appear in an XML attribute value we wrote, so joined codes never collide.
            var text = string.Join('\u001f', key.Select(k => k.Item2));
            if (!index.TryGetValue(text, out var i))
            {
                i = series.Count;
                index[text] = i;
                series.Add(new SdmxSeries(key, []));
            }

            series[i].Observations.Add(o);
        }

        return series;
    }

    /// <summary>The value of dimension <paramref name="id"/> (TIME_PERIOD included) of an observation, "" when absent.</summary>
    public static string Value(ExchangeObservation o, string id)
    {
        ArgumentNullException.ThrowIfNull(o);
        return id == SdmxConcepts.TimePeriod ? o.TimePeriod : o.Dimension(id) ?? "";
    }
}

/// <summary>One series of a series-grouped message: its key (dimension id, code) in key order and its observations.</summary>
public sealed record SdmxSeries(IReadOnlyList<(string Id, string Value)> Key, List<ExchangeObservation> Observations);
