using Nris.Exchange.Internal;
using Nris.Exchange.Model;

namespace Nris.Exchange.Sdmx;

/// <summary>SDMX-CSV versions.</summary>
public enum SdmxCsvVersion
{
    /// <summary>SDMX-CSV 1.0: first column DATAFLOW.</summary>
    V10 = 0,

    /// <summary>SDMX-CSV 2.0/2.1: STRUCTURE, STRUCTURE_ID, ACTION, then components.</summary>
    V20 = 1,
}

/// <summary>
/// SDMX-CSV data, 1.0 and 2.x. The format does not say which columns are dimensions; with a
/// <see cref="SdmxDataStructure"/> we know, without one we take the columns before the measure OBS_VALUE as
/// dimensions (the last of them is the time when there is no TIME_PERIOD column — SDMX puts time last) and the rest
/// as attributes. Headers and values in the "id: label" form are reduced to the id; a "[…]" suffix of a header
/// (2.x multi-value or sub-separator marker) is dropped and the value kept whole. Extra measures are kept as attributes.
/// </summary>
public static class SdmxCsv
{
    /// <summary>Reads SDMX-CSV 1.0 or 2.x (recognized from the first column).</summary>
    public static ExchangeDataSet Read(Stream stream, SdmxDataStructure? structure = null, ExchangeLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ExchangeLimits.Default;
        return Errors.Guard("SDMX-CSV", () => ReadCore(stream, structure, limits, cancellationToken), cancellationToken);
    }

    private enum Role
    {
        Dimension,
        Time,
        Measure,
        Attribute,
        Structure,
        StructureId,
        Action,
        Ignore,
    }

    private static string Id(string header)
    {
        var h = header.Trim();
        var colon = h.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0)
        {
            h = h[..colon];
        }

        var bracket = h.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? h[..bracket] : h;
    }

    private static ExchangeDataSet ReadCore(Stream stream, SdmxDataStructure? structure, ExchangeLimits limits, CancellationToken ct)
    {
        var errors = new ErrorList(limits.MaxErrors);
        using var csv = new CsvInput(stream, limits, errors, ct);
        var header = csv.Next() ?? throw new ExchangeFormatException(Errors.Invalid("line 1", null, "Tệp rỗng.", "The file is empty."));
        var ids = header.Select(Id).ToArray();
        var labelled = header.Select(h => h.Contains(": ", StringComparison.Ordinal)).ToArray();
        var v2 = ids.Length > 0 && ids[0] == "STRUCTURE";
        if (ids.Length == 0 || (!v2 && ids[0] != "DATAFLOW"))
        {
            throw new ExchangeFormatException(Errors.Invalid("line 1", ids.FirstOrDefault(), "Cột đầu tiên phải là DATAFLOW (1.0) hoặc STRUCTURE (2.x).", "The first column must be DATAFLOW (1.0) or STRUCTURE (2.x)."));
        }

        var measure = structure?.PrimaryMeasureId ?? SdmxConcepts.ObsValue;
        var time = structure?.TimeDimensionId ?? SdmxConcepts.TimePeriod;
        var roles = new Role[ids.Length];
        var measureAt = Array.IndexOf(ids, measure);
        if (measureAt < 0)
        {
            errors.Add(Errors.Missing("line 1", measure));
        }

        for (var i = 0; i < ids.Length; i++)
        {
            roles[i] = ids[i] switch
            {
                "DATAFLOW" or "STRUCTURE" when i == 0 => Role.StructureId,
                "STRUCTURE_ID" when v2 => Role.StructureId,
                "ACTION" when v2 => Role.Action,
                _ when ids[i] == measure => Role.Measure,
                _ when ids[i] == time => Role.Time,
                _ when structure is not null => structure.IsDimension(ids[i]) ? Role.Dimension : Role.Attribute,
                _ => i < measureAt ? Role.Dimension : Role.Attribute,
            };
            if (v2 && i == 0)
            {
                roles[i] = Role.Structure;
            }
        }

        if (!roles.Contains(Role.Time))
        {
            var lastDim = Array.LastIndexOf(roles, Role.Dimension);
            if (lastDim >= 0)
            {
                roles[lastDim] = Role.Time;
            }
            else
            {
                errors.Add(Errors.Missing("line 1", SdmxConcepts.TimePeriod));
            }
        }

        errors.ThrowIfAny();
        var observations = new List<ExchangeObservation>();
        var structureId = "";
        while (csv.Next() is { } row)
        {
            var at = CsvInput.At(csv.Line);
            if (observations.Count >= limits.MaxObservations)
            {
                throw new ExchangeFormatException(Errors.TooManyObservations(at, limits.MaxObservations));
            }

            if (row.Length != ids.Length)
            {
                errors.Add(Errors.Invalid(at, null, $"Dòng có {row.Length} cột, tiêu đề có {ids.Length}.", $"The line has {row.Length} fields, the header {ids.Length}."));
                continue;
            }

            var dims = new Dictionary<string, string>(StringComparer.Ordinal);
            var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
            string? value = null;
            string? period = null;
            var action = ExchangeAction.Merge;
            for (var i = 0; i < row.Length; i++)
            {
                var raw = row[i];
                // The structure column has no label in its header but may still carry "id: name" values.
                var v = (labelled[i] || roles[i] == Role.StructureId) && raw.IndexOf(": ", StringComparison.Ordinal) is > 0 and var c ? raw[..c] : raw;
                switch (roles[i])
                {
                    case Role.StructureId:
                        if (structureId.Length == 0)
                        {
                            structureId = v;
                        }

                        break;
                    case Role.Action:
                        action = v switch
                        {
                            "D" => ExchangeAction.Delete,
                            "R" => ExchangeAction.Replace,
                            "M" or "I" or "" => ExchangeAction.Merge,
                            _ => (ExchangeAction)(-1),
                        };
                        if (action < 0)
                        {
                            errors.Add(Errors.Invalid(at, "ACTION", $"ACTION '{v}' không hợp lệ (I, M, R, D).", $"ACTION '{v}' is not one of I, M, R, D."));
                        }

                        break;
                    case Role.Dimension:
                        dims[ids[i]] = v;
                        break;
                    case Role.Time:
                        period = v;
                        break;
                    case Role.Measure:
                        value = v.Length == 0 ? null : v;
                        break;
                    case Role.Attribute when v.Length > 0:
                        attrs[ids[i]] = v;
                        break;
                }
            }

            if (action < 0)
            {
                continue;
            }

            if (string.IsNullOrEmpty(period))
            {
                errors.Add(Errors.Missing(at, time));
                continue;
            }

            observations.Add(new ExchangeObservation(dims, period, value, attrs, action));
        }

        errors.ThrowIfAny();
        return new ExchangeDataSet(structureId, observations);
    }

    /// <summary>Writes SDMX-CSV (UTF-8 without BOM, ',' separator, CRLF).</summary>
    public static void Write(Stream stream, ExchangeDataSet data, SdmxCsvVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        var dims = data.DimensionIds();
        var attrs = data.AttributeIds();
        using var csv = CsvOutput.Create(stream, ',', bom: false);
        if (version == SdmxCsvVersion.V10)
        {
            csv.WriteField("DATAFLOW");
        }
        else
        {
            csv.WriteField("STRUCTURE");
            csv.WriteField("STRUCTURE_ID");
            csv.WriteField("ACTION");
        }

        foreach (var d in dims)
        {
            csv.WriteField(d);
        }

        csv.WriteField(SdmxConcepts.TimePeriod);
        csv.WriteField(SdmxConcepts.ObsValue);
        foreach (var a in attrs)
        {
            csv.WriteField(a);
        }

        csv.NextRecord();
        foreach (var o in data.Observations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (version == SdmxCsvVersion.V10)
            {
                csv.WriteField(data.StructureId);
            }
            else
            {
                csv.WriteField("dataflow");
                csv.WriteField(data.StructureId);
                csv.WriteField(o.Action switch { ExchangeAction.Delete => "D", ExchangeAction.Replace => "R", _ => "M" });
            }

            foreach (var d in dims)
            {
                csv.WriteField(o.Dimension(d) ?? "");
            }

            csv.WriteField(o.TimePeriod);
            csv.WriteField(o.Value ?? "");
            foreach (var a in attrs)
            {
                csv.WriteField(o.Attribute(a) ?? "");
            }

            csv.NextRecord();
        }
    }
}
