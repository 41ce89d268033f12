using System.Globalization;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>A value mapped from an exchange observation: the Nris value and its period.</summary>
/// <param name="Period">The reporting period.</param>
/// <param name="Value">The value.</param>
/// <param name="Action">Merge, replace or delete.</param>
public sealed record MappedValue(Period Period, ReportValue Value, ExchangeAction Action = ExchangeAction.Merge);

/// <summary>
/// How Nris values appear in SDMX (and in every format that goes through the exchange model):
/// <list type="bullet">
/// <item>dimensions FREQ (D/W/M/Q/S/A from the period), INDICATOR (indicator code), DISAGG ("_T" or "CODELIST:CODE"),
/// REF_AREA (territory code), and TIME_PERIOD = our period code, which is already an SDMX reporting period
/// (2026-M05, 2026-Q2, 2026-S1, 2026-W20, 2026-05-14, 2026);</item>
/// <item>on import a message may instead carry one dimension per codelist (e.g. SEX=F): a dimension whose id is a
/// codelist of the catalogue and whose value is not "_T" becomes the disaggregation "SEX:F";</item>
/// <item>OBS_VALUE = the number in invariant culture, "true"/"false", or the text;</item>
/// <item>OBS_STATUS: Official ↔ A (normal value), Estimated ↔ E, Provisional ↔ P; Normal (nothing stated) ↔ no
/// OBS_STATUS. Other SDMX codes are refused on import rather than guessed;</item>
/// <item>COMMENT = the reporter's note.</item>
/// </list>
/// </summary>
public static class NrisSdmxMapping
{
    /// <summary>The indicator dimension.</summary>
    public const string IndicatorDimension = "INDICATOR";

    /// <summary>The disaggregation dimension.</summary>
    public const string DisaggregationDimension = "DISAGG";

    /// <summary>The territory dimension.</summary>
    public const string TerritoryDimension = "REF_AREA";

    /// <summary>The frequency dimension.</summary>
    public const string FrequencyDimension = "FREQ";

    /// <summary>The dimensions of every Nris data structure, in key order (time excluded).</summary>
    public static readonly IReadOnlyList<string> DimensionIds = [FrequencyDimension, IndicatorDimension, DisaggregationDimension, TerritoryDimension];

    /// <summary>The SDMX structure facts of a Nris data set with structure <paramref name="structureId"/>.</summary>
    public static SdmxDataStructure Structure(string structureId) => new(structureId, DimensionIds);

    /// <summary>The SDMX frequency code of a periodicity.</summary>
    public static string FrequencyCode(Periodicity periodicity) => periodicity switch
    {
        Periodicity.Daily => "D",
        Periodicity.Weekly => "W",
        Periodicity.Monthly => "M",
        Periodicity.Quarterly => "Q",
        Periodicity.HalfYearly => "S",
        _ => "A",
    };

    /// <summary>The SDMX OBS_STATUS code of a status; null for <see cref="ObservationStatus.Normal"/>.</summary>
    public static string? StatusCode(ObservationStatus status) => status switch
    {
        ObservationStatus.Official => "A",
        ObservationStatus.Estimated => "E",
        ObservationStatus.Provisional => "P",
        _ => null,
    };

    /// <summary>The status of an SDMX OBS_STATUS code; false for codes we do not map.</summary>
    public static bool TryParseStatusCode(string? code, out ObservationStatus status)
    {
        status = code switch
        {
            null or "" => ObservationStatus.Normal,
            "A" => ObservationStatus.Official,
            "E" => ObservationStatus.Estimated,
            "P" => ObservationStatus.Provisional,
            _ => (ObservationStatus)(-1),
        };
        return (int)status >= 0;
    }

    /// <summary>Reads the status column of our CSV (English word, Vietnamese word or SDMX code) into an SDMX code ("" for normal).</summary>
    public static bool TryParseStatusWord(string word, out string code)
    {
        code = (word ?? "").Trim().ToUpperInvariant() switch
        {
            "NORMAL" or "BÌNH THƯỜNG" => "",
            "OFFICIAL" or "CHÍNH THỨC" or "A" => "A",
            "ESTIMATED" or "ƯỚC TÍNH" or "E" => "E",
            "PROVISIONAL" or "SƠ BỘ" or "P" => "P",
            _ => "?",
        };
        return code != "?";
    }

    /// <summary>The word our CSV writes for an SDMX status code (unknown codes are written as they are).</summary>
    public static string StatusWord(string code) => code switch
    {
        "" => "normal",
        "A" => "official",
        "E" => "estimated",
        "P" => "provisional",
        _ => code,
    };

    /// <summary>Our period code for an SDMX or ISO time period; also reads "2026-05" (a Gregorian month) as 2026-M05.</summary>
    public static bool TryParsePeriod(string? text, out Period period)
    {
        if (Period.TryParse(text, out period))
        {
            return true;
        }

        if (text is { Length: 7 } && text[4] == '-' && Period.TryParse($"{text[..4]}-M{text[5..]}", out period))
        {
            return true;
        }

        period = default;
        return false;
    }

    /// <summary>The value text of a report value: invariant number, "true"/"false", or the text.</summary>
    public static string? ValueText(ReportValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Number is { } n)
        {
            return n.ToString(CultureInfo.InvariantCulture);
        }

        if (value.Flag is { } f)
        {
            return f ? "true" : "false";
        }

        return value.Text;
    }

    /// <summary>Turns one report into exchange observations.</summary>
    /// <param name="structureId">The dataflow, e.g. "NRIS:BC01(1.0)".</param>
    /// <param name="period">The period reported.</param>
    /// <param name="reporterTerritory">The reporter's own territory, used when a value names none.</param>
    /// <param name="values">The values.</param>
    public static ExchangeDataSet ToExchange(string structureId, Period period, string reporterTerritory, IEnumerable<ReportValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<ExchangeObservation>();
        var freq = FrequencyCode(period.Periodicity);
        foreach (var v in values)
        {
            var dims = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [FrequencyDimension] = freq,
                [IndicatorDimension] = v.IndicatorCode,
                [DisaggregationDimension] = v.Disaggregation,
                [TerritoryDimension] = v.TerritoryCode ?? reporterTerritory,
            };
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (StatusCode(v.Status) is { } code)
            {
                attributes[SdmxConcepts.ObsStatus] = code;
            }

            if (!string.IsNullOrEmpty(v.Note))
            {
                attributes[SdmxConcepts.Comment] = v.Note;
            }

            list.Add(new ExchangeObservation(dims, period.ToString(), ValueText(v), attributes));
        }

        return new ExchangeDataSet(structureId, list);
    }

    /// <summary>
    /// Maps exchange observations to Nris values, checking each against the catalogue: known indicator, a
    /// disaggregation of a codelist the indicator uses, a valid period, a value that fits the indicator's type, a
    /// status we map. Problems name the observation ("observation 12") and the field.
    /// </summary>
    /// <param name="data">The observations.</param>
    /// <param name="catalogue">Indicators and codelists.</param>
    /// <param name="regime">When given, only indicators on this regime's form are accepted.</param>
    public static (IReadOnlyList<MappedValue> Values, IReadOnlyList<ExchangeError> Errors) FromExchange(ExchangeDataSet data, CatalogueSnapshot catalogue, Regime? regime = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(catalogue);
        var form = regime is null ? null : new ReportForm(regime, catalogue);
        var values = new List<MappedValue>();
        var errors = new List<ExchangeError>();
        for (var i = 0; i < data.Observations.Count; i++)
        {
            var o = data.Observations[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"observation {i + 1}");
            var indicatorCode = o.Dimension(IndicatorDimension);
            if (indicatorCode is null || !catalogue.Indicators.TryGetValue(indicatorCode, out var indicator))
            {
                errors.Add(new ExchangeError(at, IndicatorDimension, $"Chỉ tiêu '{indicatorCode}' không có trong danh mục.", $"The indicator '{indicatorCode}' is not in the catalogue."));
                continue;
            }

            if (form is not null && !form.HasIndicator(indicatorCode))
            {
                errors.Add(new ExchangeError(at, IndicatorDimension, $"Chỉ tiêu '{indicatorCode}' không thuộc biểu mẫu {regime!.Code}.", $"The indicator '{indicatorCode}' is not on the form of {regime!.Code}."));
                continue;
            }

            var disaggregation = Disaggregation(o, catalogue);
            if (disaggregation != Disaggregations.Total)
            {
                if (!Disaggregations.TryParse(disaggregation, out var list, out var code)
                    || !indicator.Disaggregations.Contains(list!, StringComparer.Ordinal)
                    || !catalogue.Codelists.TryGetValue(list!, out var codelist)
                    || !codelist.Codes.Any(c => c.Code == code))
                {
                    errors.Add(new ExchangeError(at, DisaggregationDimension, $"Phân tổ '{disaggregation}' không áp dụng cho chỉ tiêu {indicatorCode}.", $"The disaggregation '{disaggregation}' does not apply to indicator {indicatorCode}."));
                    continue;
                }
            }

            if (!TryParsePeriod(o.TimePeriod, out var period))
            {
                errors.Add(new ExchangeError(at, SdmxConcepts.TimePeriod, $"Kỳ '{o.TimePeriod}' không hợp lệ.", $"The period '{o.TimePeriod}' is not valid."));
                continue;
            }

            if (!TryParseStatusCode(o.Attribute(SdmxConcepts.ObsStatus), out var status))
            {
                errors.Add(new ExchangeError(at, SdmxConcepts.ObsStatus, $"Tình trạng số liệu '{o.Attribute(SdmxConcepts.ObsStatus)}' không được hỗ trợ (A, E, P).", $"The observation status '{o.Attribute(SdmxConcepts.ObsStatus)}' is not supported (A, E, P)."));
                continue;
            }

            if (!TryParseValue(indicator.ValueType, o.Value, out var number, out var text, out var flag))
            {
                errors.Add(new ExchangeError(at, SdmxConcepts.ObsValue, $"Giá trị '{o.Value}' không phù hợp kiểu {indicator.ValueType} của chỉ tiêu {indicatorCode}.", $"The value '{o.Value}' does not fit the type {indicator.ValueType} of indicator {indicatorCode}."));
                continue;
            }

            var territory = o.Dimension(TerritoryDimension);
            values.Add(new MappedValue(period, new ReportValue(indicatorCode, disaggregation, string.IsNullOrEmpty(territory) ? null : territory, number, text, flag, status, o.Attribute(SdmxConcepts.Comment)), o.Action));
        }

        return (values, errors);
    }

    private static string Disaggregation(ExchangeObservation o, CatalogueSnapshot catalogue)
    {
        if (o.Dimension(DisaggregationDimension) is { Length: > 0 } d)
        {
            return d;
        }

        foreach (var (k, v) in o.Dimensions)
        {
            if (v != Disaggregations.Total && catalogue.Codelists.ContainsKey(k))
            {
                return Disaggregations.Of(k, v);
            }
        }

        return Disaggregations.Total;
    }

    /// <summary>Parses value text for an indicator type, invariant culture; blank is a blank value.</summary>
    public static bool TryParseValue(IndicatorValueType type, string? value, out decimal? number, out string? text, out bool? flag)
    {
        number = null;
        text = null;
        flag = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        switch (type)
        {
            case IndicatorValueType.Boolean:
                switch (value.Trim().ToUpperInvariant())
                {
                    case "TRUE" or "1" or "T" or "YES" or "CÓ":
                        flag = true;
                        return true;
                    case "FALSE" or "0" or "F" or "NO" or "KHÔNG":
                        flag = false;
                        return true;
                    default:
                        return false;
                }

            case IndicatorValueType.Text:
                text = value;
                return true;
            default:
                if (decimal.TryParse(value.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var n))
                {
                    if (type == IndicatorValueType.Integer && n != decimal.Truncate(n))
                    {
                        return false;
                    }

                    number = n;
                    return true;
                }

                return false;
        }
    }
}
