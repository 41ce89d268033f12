using Nris.Exchange.Internal;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Csv;

/// <summary>
/// Nris's documented long CSV: one value per line, columns
/// <c>indicator,disaggregation,territory,period,value,status,note</c> (header required, any column order, names
/// case-insensitive). UTF-8 with or without BOM; ',' or ';' as separator. Numbers use '.' as the decimal point.
/// In the exchange model a line becomes dimensions INDICATOR, DISAGG and REF_AREA, the period as time, and
/// attributes OBS_STATUS (as an SDMX code) and COMMENT.
/// </summary>
public static class LongCsv
{
    /// <summary>The columns in the order we write them.</summary>
    public static readonly IReadOnlyList<string> Columns = ["indicator", "disaggregation", "territory", "period", "value", "status", "note"];

    /// <summary>Reads a long CSV file.</summary>
    /// <exception cref="ExchangeFormatException">Problems, each naming its line and column.</exception>
    public static ExchangeDataSet Read(Stream stream, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExchangeLimits.Default;
        return Errors.Guard("CSV", () => ReadCore(stream, limits, cancellationToken), cancellationToken);
    }

    private static ExchangeDataSet ReadCore(Stream stream, ExchangeLimits limits, CancellationToken ct)
    {
        var errors = new ErrorList(limits.MaxErrors);
        using var csv = new CsvInput(stream, limits, errors, ct);
        var header = csv.Next() ?? throw new ExchangeFormatException(Errors.Invalid("line 1", null, "Tệp rỗng: thiếu dòng tiêu đề.", "The file is empty: the header line is missing."));
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            if (!index.TryAdd(name, i) && name.Length > 0)
            {
                errors.Add(Errors.Invalid("line 1", name, $"Cột '{name}' lặp lại.", $"The column '{name}' appears twice."));
            }
        }

        foreach (var required in (string[])["indicator", "period", "value"])
        {
            if (!index.ContainsKey(required))
            {
                errors.Add(Errors.Missing("line 1", required));
            }
        }

        errors.ThrowIfAny();
        var observations = new List<ExchangeObservation>();
        while (csv.Next() is { } row)
        {
            var at = CsvInput.At(csv.Line);
            if (observations.Count >= limits.MaxObservations)
            {
                throw new ExchangeFormatException(Errors.TooManyObservations(at, limits.MaxObservations));
            }

            string Field(string name) => index.TryGetValue(name, out var i) && i < row.Length ? row[i].Trim() : "";
            var indicator = Field("indicator");
            var period = Field("period");
            if (indicator.Length == 0)
            {
                errors.Add(Errors.Missing(at, "indicator"));
                continue;
            }

            if (period.Length == 0)
            {
                errors.Add(Errors.Missing(at, "period"));
                continue;
            }

            var dims = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [NrisSdmxMapping.IndicatorDimension] = indicator,
                [NrisSdmxMapping.DisaggregationDimension] = Field("disaggregation") is { Length: > 0 } d ? d : Nris.Core.Submissions.Disaggregations.Total,
            };
            if (Field("territory") is { Length: > 0 } territory)
            {
                dims[NrisSdmxMapping.TerritoryDimension] = territory;
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Field("status") is { Length: > 0 } status)
            {
                if (NrisSdmxMapping.TryParseStatusWord(status, out var code))
                {
                    attributes[SdmxConcepts.ObsStatus] = code;
                }
                else
                {
                    errors.Add(Errors.Invalid(at, "status", $"Tình trạng số liệu '{status}' không hợp lệ (normal, estimated, provisional, official).",
                        $"The status '{status}' is not one of normal, estimated, provisional, official."));
                    continue;
                }
            }

            if (Field("note") is { Length: > 0 } note)
            {
                attributes[SdmxConcepts.Comment] = note;
            }

            var value = Field("value");
            observations.Add(new ExchangeObservation(dims, period, value.Length == 0 ? null : value, attributes));
        }

        errors.ThrowIfAny();
        return new ExchangeDataSet("", observations);
    }

    /// <summary>Writes a long CSV file (UTF-8, with a BOM by default so Excel opens Vietnamese text correctly).</summary>
    public static void Write(Stream stream, ExchangeDataSet data, char delimiter = ',', bool bom = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        using var csv = CsvOutput.Create(stream, delimiter, bom);
        foreach (var c in Columns)
        {
            csv.WriteField(c);
        }

        csv.NextRecord();
        foreach (var o in data.Observations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            csv.WriteField(o.Dimension(NrisSdmxMapping.IndicatorDimension) ?? "");
            csv.WriteField(o.Dimension(NrisSdmxMapping.DisaggregationDimension) ?? Nris.Core.Submissions.Disaggregations.Total);
            csv.WriteField(o.Dimension(NrisSdmxMapping.TerritoryDimension) ?? "");
            csv.WriteField(o.TimePeriod);
            csv.WriteField(o.Value ?? "");
            csv.WriteField(o.Attribute(SdmxConcepts.ObsStatus) is { } s ? NrisSdmxMapping.StatusWord(s) : "");
            csv.WriteField(o.Attribute(SdmxConcepts.Comment) ?? "");
            csv.NextRecord();
        }
    }
}
