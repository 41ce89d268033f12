using System.Globalization;
using System.Text.RegularExpressions;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Exchange.Dhis2;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Mapping;

/// <summary>Which family of formats a message comes from; it decides the default dimension names and how periods read.</summary>
public enum ExchangeFamily
{
    /// <summary>DHIS2 dataValueSets (JSON, XML, CSV) and ADX: dataElement, orgUnit, categoryOptionCombo; periods 202605.</summary>
    Dhis2,

    /// <summary>SDMX data messages: INDICATOR, REF_AREA, DISAGG; periods 2026-M05 or 2026-05.</summary>
    Sdmx,
}

/// <summary>
/// A partner's mapping table (issue #7), stored by name and chosen on an import with <c>mapping=name</c>. It relates
/// the codes of a partner's message to one regime of ours:
/// <list type="bullet">
/// <item><see cref="Indicators"/>: the code in dimension <see cref="IndicatorDimension"/> (DHIS2 data element uid or
/// code, SDMX INDICATOR …) → our indicator code.</item>
/// <item><see cref="Disaggregations"/>: the codes of <see cref="DisaggregationDimensions"/>, joined with <c>.</c> in
/// that order like an SDMX series key (a DHIS2 category option combo; ADX <c>F.under5</c>) → <c>_T</c> or
/// <c>CODELIST:CODE</c>. When none of those dimensions is present the value is the total.</item>
/// <item><see cref="Territories"/>: the code in <see cref="TerritoryDimension"/> (org unit, REF_AREA) → our territory
/// code. When a message has no such dimension the value is the reporter's own territory.</item>
/// <item><see cref="Periods"/> (optional): a partner period as written (201201, 2014-01) → our period code; periods not
/// listed are read as the format writes them.</item>
/// </list>
/// Dimension names left out take the family's defaults. Which scheme the keys use (DHIS2 uid or code, SDMX ids) is the
/// partner's: keep one mapping per scheme.
/// </summary>
public sealed record ExchangeMapping(
    string? Regime,
    string? Description = null,
    string? IndicatorDimension = null,
    IReadOnlyDictionary<string, string>? Indicators = null,
    string? TerritoryDimension = null,
    IReadOnlyDictionary<string, string>? Territories = null,
    IReadOnlyList<string>? DisaggregationDimensions = null,
    IReadOnlyDictionary<string, string>? Disaggregations = null,
    IReadOnlyDictionary<string, string>? Periods = null)
{
    /// <summary>At most this many rows over all tables.</summary>
    public const int MaxRows = 50_000;

    /// <summary>Longest code, dimension name or description.</summary>
    public const int MaxTextLength = 400;

    private static readonly Regex NamePattern = new("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Whether a mapping name is acceptable: letters, digits, <c>_ . -</c>, at most 64 characters.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern.IsMatch(name);

    /// <summary>The indicator dimension in effect.</summary>
    public string IndicatorDimensionFor(ExchangeFamily family) =>
        !string.IsNullOrWhiteSpace(IndicatorDimension) ? IndicatorDimension : family == ExchangeFamily.Dhis2 ? Dhis2DataValueSets.DataElement : NrisSdmxMapping.IndicatorDimension;

    /// <summary>The territory dimension in effect.</summary>
    public string TerritoryDimensionFor(ExchangeFamily family) =>
        !string.IsNullOrWhiteSpace(TerritoryDimension) ? TerritoryDimension : family == ExchangeFamily.Dhis2 ? Dhis2DataValueSets.OrgUnit : NrisSdmxMapping.TerritoryDimension;

    /// <summary>The disaggregation dimensions in effect.</summary>
    public IReadOnlyList<string> DisaggregationDimensionsFor(ExchangeFamily family) =>
        DisaggregationDimensions is { Count: > 0 } d ? d : family == ExchangeFamily.Dhis2 ? [Dhis2DataValueSets.CategoryOptionCombo] : [NrisSdmxMapping.DisaggregationDimension];

    /// <summary>
    /// Checks every row against the catalogue: the regime exists, every target indicator is on one of its versions'
    /// forms, every disaggregation is <c>_T</c> or a code of a codelist, every territory exists, every period parses.
    /// Each problem names its row, e.g. <c>indicators["f7n9E0hX8qk"]</c>.
    /// </summary>
    public IReadOnlyList<ExchangeError> Validate(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var errors = new List<ExchangeError>();
        void Add(string location, string? field, string vi, string en) => errors.Add(new ExchangeError(location, field, vi, en));

        if (string.IsNullOrWhiteSpace(Regime) || catalogue.RegimeVersions(Regime) is not { Count: > 0 } versions)
        {
            Add("regime", "regime", $"Chế độ báo cáo '{Regime}' không có trong danh mục.", $"The regime '{Regime}' is not in the catalogue.");
            return errors;
        }

        var rows = (Indicators?.Count ?? 0) + (Territories?.Count ?? 0) + (Disaggregations?.Count ?? 0) + (Periods?.Count ?? 0);
        if (rows > MaxRows)
        {
            Add("mapping", null, $"Bảng ánh xạ có {rows} dòng, vượt giới hạn {MaxRows}.", $"The mapping has {rows} rows, more than the limit of {MaxRows}.");
            return errors;
        }

        if (Indicators is not { Count: > 0 })
        {
            Add("indicators", "indicators", "Cần ít nhất một dòng ánh xạ chỉ tiêu.", "At least one indicator row is needed.");
        }

        foreach (var (name, text) in new[] { ("description", Description), ("indicatorDimension", IndicatorDimension), ("territoryDimension", TerritoryDimension) })
        {
            if (text is { Length: > MaxTextLength })
            {
                Add(name, name, $"Dài quá {MaxTextLength} ký tự.", $"Longer than {MaxTextLength} characters.");
            }
        }

        for (var i = 0; i < (DisaggregationDimensions?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(DisaggregationDimensions![i]) || DisaggregationDimensions[i].Length > MaxTextLength)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"disaggregationDimensions[{i}]");
                Add(at, "disaggregationDimensions", "Tên chiều trống hoặc quá dài.", "The dimension name is empty or too long.");
            }
        }

        var forms = versions.Select(v => new ReportForm(v, catalogue)).ToList();
        foreach (var (key, target) in Indicators ?? Empty)
        {
            var at = Row("indicators", key);
            if (!KeyOk(key, at, "indicators", errors))
            {
                continue;
            }

            if (string.IsNullOrEmpty(target) || !catalogue.Indicators.ContainsKey(target))
            {
                Add(at, "indicators", $"Chỉ tiêu '{target}' không có trong danh mục.", $"The indicator '{target}' is not in the catalogue.");
            }
            else if (!forms.Any(f => f.HasIndicator(target)))
            {
                Add(at, "indicators", $"Chỉ tiêu '{target}' không thuộc biểu mẫu của chế độ {Regime}.", $"The indicator '{target}' is not on the form of regime {Regime}.");
            }
        }

        foreach (var (key, target) in Disaggregations ?? Empty)
        {
            var at = Row("disaggregations", key);
            if (!KeyOk(key, at, "disaggregations", errors))
            {
                continue;
            }

            if (target == Nris.Core.Submissions.Disaggregations.Total)
            {
                continue;
            }

            if (!Nris.Core.Submissions.Disaggregations.TryParse(target, out var list, out var code)
                || !catalogue.Codelists.TryGetValue(list!, out var codelist) || !codelist.Codes.Any(c => c.Code == code))
            {
                Add(at, "disaggregations", $"Phân tổ '{target}' không phải _T hoặc DANHMUC:MA của một danh mục phân tổ.",
                    $"The disaggregation '{target}' is not _T or CODELIST:CODE of a codelist.");
            }
        }

        foreach (var (key, target) in Territories ?? Empty)
        {
            var at = Row("territories", key);
            if (KeyOk(key, at, "territories", errors) && (string.IsNullOrEmpty(target) || catalogue.Territories.Versions(target).Count == 0))
            {
                Add(at, "territories", $"Địa bàn '{target}' không có trong danh mục đơn vị hành chính.", $"The territory '{target}' is not in the catalogue.");
            }
        }

        foreach (var (key, target) in Periods ?? Empty)
        {
            var at = Row("periods", key);
            if (KeyOk(key, at, "periods", errors) && !Period.TryParse(target, out _))
            {
                Add(at, "periods", $"'{target}' không phải mã kỳ (ví dụ 2026-M05).", $"'{target}' is not a period code (e.g. 2026-M05).");
            }
        }

        return errors;
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

    private static string Row(string table, string key) => table + "[\"" + (key.Length > 80 ? key[..80] + "…" : key) + "\"]";

    private static bool KeyOk(string key, string at, string table, List<ExchangeError> errors)
    {
        if (key.Length is 0 or > MaxTextLength)
        {
            errors.Add(new ExchangeError(at, table, "Mã của đối tác trống hoặc quá dài.", "The partner's code is empty or too long."));
            return false;
        }

        return true;
    }

    /// <summary>
    /// Rewrites a partner's message into our own dimensions (INDICATOR, DISAGG, REF_AREA, our period) for
    /// <see cref="NrisSdmxMapping.FromExchange"/>. Observations with a code the tables do not hold become conflicts
    /// and are left out. Locations: <c>dataValues[i]</c> for DHIS2/ADX, <c>observation n</c> for SDMX.
    /// </summary>
    public MappingResult Translate(ExchangeDataSet data, ExchangeFamily family)
    {
        ArgumentNullException.ThrowIfNull(data);
        var indicatorDimension = IndicatorDimensionFor(family);
        var territoryDimension = TerritoryDimensionFor(family);
        var disaggregationDimensions = DisaggregationDimensionsFor(family);
        var indicators = Indicators ?? Empty;
        var territories = Territories ?? Empty;
        var disaggregations = Disaggregations ?? Empty;
        var periods = Periods ?? Empty;
        var kept = new List<ExchangeObservation>();
        var locations = new List<string>();
        var conflicts = new List<Dhis2Conflict>();
        for (var i = 0; i < data.Observations.Count; i++)
        {
            var o = data.Observations[i];
            var at = family == ExchangeFamily.Dhis2
                ? string.Create(CultureInfo.InvariantCulture, $"dataValues[{i}]")
                : string.Create(CultureInfo.InvariantCulture, $"observation {i + 1}");
            var partnerIndicator = o.Dimension(indicatorDimension) ?? "";
            if (!indicators.TryGetValue(partnerIndicator, out var indicator))
            {
                conflicts.Add(new Dhis2Conflict(partnerIndicator, $"{indicatorDimension} '{partnerIndicator}' is not mapped to an indicator", at));
                continue;
            }

            string? territory = null;
            if (o.Dimension(territoryDimension) is { } partnerTerritory && !territories.TryGetValue(partnerTerritory, out territory))
            {
                conflicts.Add(new Dhis2Conflict(partnerTerritory, $"{territoryDimension} '{partnerTerritory}' is not mapped to a territory", at));
                continue;
            }

            var parts = disaggregationDimensions.Select(d => o.Dimension(d) ?? "").ToList();
            var disaggregation = Nris.Core.Submissions.Disaggregations.Total;
            if (parts.Any(p => p.Length > 0))
            {
                var key = string.Join('.', parts);
                if (!disaggregations.TryGetValue(key, out disaggregation!))
                {
                    conflicts.Add(new Dhis2Conflict(key, $"{string.Join('.', disaggregationDimensions)} '{key}' is not mapped to a disaggregation", at));
                    continue;
                }
            }

            string ourPeriod;
            if (periods.TryGetValue(o.TimePeriod, out var mappedPeriod))
            {
                ourPeriod = mappedPeriod;
            }
            else if (family == ExchangeFamily.Dhis2)
            {
                if (!Dhis2Mapping.TryParsePeriod(o.TimePeriod, out var p))
                {
                    conflicts.Add(new Dhis2Conflict(o.TimePeriod, $"Period '{o.TimePeriod}' is not mapped and not a supported DHIS2 period", at));
                    continue;
                }

                ourPeriod = p.ToString();
            }
            else
            {
                ourPeriod = o.TimePeriod;
            }

            var dimensions = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [NrisSdmxMapping.IndicatorDimension] = indicator,
                [NrisSdmxMapping.DisaggregationDimension] = disaggregation,
            };
            if (territory is not null)
            {
                dimensions[NrisSdmxMapping.TerritoryDimension] = territory;
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (o.Attribute(SdmxConcepts.ObsStatus) is { } status && family == ExchangeFamily.Sdmx)
            {
                attributes[SdmxConcepts.ObsStatus] = status;
            }

            if ((o.Attribute(SdmxConcepts.Comment) ?? o.Attribute("comment") ?? o.Attribute("annotation")) is { Length: > 0 } note)
            {
                attributes[SdmxConcepts.Comment] = note;
            }

            kept.Add(new ExchangeObservation(dimensions, ourPeriod, o.Value, attributes, o.Action));
            locations.Add(at);
        }

        return new MappingResult(data with { Observations = kept }, locations, conflicts);
    }
}

/// <summary>What <see cref="ExchangeMapping.Translate"/> gives: our observations, where each came from in the partner's message, and the conflicts.</summary>
public sealed record MappingResult(ExchangeDataSet Data, IReadOnlyList<string> Locations, IReadOnlyList<Dhis2Conflict> Conflicts);
