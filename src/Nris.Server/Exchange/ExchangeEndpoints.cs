using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Exchange.Adx;
using Nris.Exchange.Csv;
using Nris.Exchange.Dhis2;
using Nris.Exchange.Excel;
using Nris.Exchange.Mapping;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Submissions;
using Nris.Storage;

namespace Nris.Server.Exchange;

/// <summary>A value read from a file, as the import answers it.</summary>
public sealed record ImportedValueDto(string Indicator, string Disaggregation, string? Territory, decimal? Number, string? Text, bool? Flag, ObservationStatus Status, string? Note);

/// <summary>DHIS2's import counts.</summary>
public sealed record ImportCountDto(int Imported, int Updated, int Ignored, int Deleted);

/// <summary>DHIS2's import summary: status, counts and conflicts.</summary>
public sealed record ImportSummaryDto(string Status, ImportCountDto ImportCount, IReadOnlyList<Dhis2Conflict> Conflicts);

/// <summary>What an import did: the values read and, unless a dry run, the draft saved or the version submitted.</summary>
public sealed record ImportResultDto(
    string Format, string Mode, bool DryRun, string Regime, string Period, string Reporter, int Count, IReadOnlyList<ImportedValueDto> Values,
    ImportSummaryDto? ImportSummary, DraftDto? Draft, SubmissionResultDto? Submission);

/// <summary>
/// Files in and out of one report (issue #7): the Excel form to fill (<c>GET …/form.xlsx</c>), an import of a filled
/// form, our long CSV, an SDMX data message, a DHIS2 dataValueSet or an ADX message into the report as a draft or a
/// submitted version (<c>POST …/import</c>), and an export of its current values (<c>GET …/export</c>). Imports go
/// through the submission service like the JSON API: the same scope, validation, ledger and Idempotency-Key; a file is
/// read completely and checked before anything is stored, so a bad file stores nothing.
/// </summary>
public static class ExchangeEndpoints
{
    private const string Base = "/api/reports/{regime}/{period}/{reporter}";
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The import formats (format parameter).</summary>
    public static IReadOnlyList<string> ImportFormats { get; } =
        ["excel", "csv", "sdmx-ml", "sdmx-json", "sdmx-csv", "dhis2-json", "dhis2-xml", "dhis2-csv", "adx"];

    public static IEndpointRouteBuilder MapExchangeEndpoints(this IEndpointRouteBuilder routes)
    {
        var one = routes.MapGroup(Base).WithTags("Exchange");
        one.MapGet("/form.xlsx", FormAsync).RequireNrisAccess(Role.Reporter)
            .WithSummary("The report's Excel form (.xlsx), pre-filled with the reporter's draft or current values.");
        one.MapPost("/import", ImportAsync).RequireNrisAccess(Role.Reporter).RequireRateLimiting(SecurityServices.SubmissionRateLimit)
            .WithSummary("Import a file (format=excel|csv|sdmx-ml|sdmx-json|sdmx-csv|dhis2-json|dhis2-xml|dhis2-csv|adx) as a draft (mode=draft) or a submission (mode=submit); mapping=name translates partner codes through a stored mapping; dryRun=true only reads it.");
        one.MapGet("/export", ExportAsync).RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("The report's current values as format=csv|dhis2-json|dhis2-xml|dhis2-csv|adx.");
        return routes;
    }

    private sealed record Target(ReportKey Key, ReportTarget Report);

    /// <summary>The report of the route, visible to the caller; as the JSON API: out of scope is a plain 404.</summary>
    private static ProblemHttpResult? Locate(string regime, string period, string reporter, AccessScope scope, SubmissionService service, out Target target)
    {
        target = null!;
        if (!Period.TryParse(period, out var parsed))
        {
            return Problems.BadRequest("period",
                $"'{Query.Truncate(period)}' is not a period code; use e.g. 2026-M05, 2026-Q2, 2026 or 2026-05-14.",
                $"'{Query.Truncate(period)}' không phải mã kỳ báo cáo; dùng ví dụ 2026-M05, 2026-Q2, 2026 hoặc 2026-05-14.");
        }

        var key = new ReportKey(regime, parsed, reporter);
        if (regime.Length > 64 || reporter.Length > 64 || service.Describe(key) is not { } report ||
            !SubmissionEndpoints.CanRead(scope, report.Regime, report.Reporter.Code, report.RecipientCode))
        {
            return Problems.NotFound("Report", Query.Truncate(key.ToString()), "Báo cáo");
        }

        target = new Target(key, report);
        return null;
    }

    private static ProblemHttpResult? LocateAsReporter(string regime, string period, string reporter, AccessScope scope, SubmissionService service, out Target target)
    {
        if (Locate(regime, period, reporter, scope, service, out target) is { } problem)
        {
            return problem;
        }

        return SubmissionEndpoints.Holds(scope, Role.Reporter, target.Report.Reporter.Code)
            ? null
            : Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Không có quyền",
                $"Only reporters of {target.Report.Reporter.Code} may download its form or import into its report.",
                $"Chỉ người báo cáo của {target.Report.Reporter.Code} mới được tải biểu mẫu hoặc nhập tệp vào báo cáo này.");
    }

    // ------------------------------------------------------------------ form

    private static async Task<IResult> FormAsync(string regime, string period, string reporter, AccessScope scope, SubmissionService service,
        CatalogueState catalogue, CancellationToken ct)
    {
        if (LocateAsReporter(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }

        IReadOnlyList<ReportValue>? existing = null;
        if (await service.GetDraftAsync(at.Key, ct) is { } draft)
        {
            existing = draft.Values;
        }
        else if (await service.GetAsync(at.Key, ct) is { } report)
        {
            existing = await service.GetValuesAsync(at.Key, report.CurrentVersion, ct);
        }

        var buffer = new MemoryStream();
        ExcelFormWriter.Write(buffer, at.Report.Regime, at.Key.Period, at.Report.Reporter, catalogue.Current, existing, ct);
        buffer.Position = 0;
        var name = $"{at.Key.RegimeCode}_{at.Key.Period}_{at.Key.ReporterCode}.xlsx";
        return TypedResults.File(buffer, XlsxType, name);
    }

    // ------------------------------------------------------------------ import

    private static async Task<IResult> ImportAsync(string regime, string period, string reporter, string? format, string? mode, string? dryRun, string? mapping,
        HttpContext http, AccessScope scope, SubmissionService service, CatalogueState catalogue, IConfiguration configuration, NrisDbContext db, CancellationToken ct)
    {
        if (LocateAsReporter(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }

        var f = (format ?? "").Trim().ToLowerInvariant();
        if (!ImportFormats.Contains(f))
        {
            return Problems.BadRequest("format", "format is one of " + string.Join(", ", ImportFormats) + ".",
                "format là một trong " + string.Join(", ", ImportFormats) + ".");
        }

        var m = string.IsNullOrWhiteSpace(mode) ? "draft" : mode.Trim().ToLowerInvariant();
        if (m is not ("draft" or "submit"))
        {
            return Problems.BadRequest("mode", "mode is draft (save as the reporter's draft) or submit (submit version 1).",
                "mode là draft (lưu bản nháp) hoặc submit (gửi phiên bản 1).");
        }

        var dry = false;
        if (!string.IsNullOrWhiteSpace(dryRun) && !bool.TryParse(dryRun.Trim(), out dry))
        {
            return Problems.BadRequest("dryRun", "dryRun is true or false.", "dryRun là true hoặc false.");
        }

        // A stored partner mapping (mapping=name) translates a DHIS2, ADX or SDMX message's codes into the regime's.
        ExchangeMapping? table = null;
        if (!string.IsNullOrWhiteSpace(mapping))
        {
            if (f is "excel" or "csv")
            {
                return Problems.BadRequest("mapping", "A mapping applies to DHIS2, ADX and SDMX messages, not to the Excel form or our CSV.",
                    "Bảng ánh xạ chỉ dùng cho tệp DHIS2, ADX và SDMX, không dùng cho biểu mẫu Excel hay CSV của Nris.");
            }

            if (!ExchangeMapping.IsValidName(mapping) || await ExchangeMappingEndpoints.FindAsync(db, mapping, ct) is not { } found)
            {
                return Problems.NotFound("Exchange mapping", Query.Truncate(mapping), "Bảng ánh xạ trao đổi dữ liệu");
            }

            if (!string.Equals(found.Regime, at.Key.RegimeCode, StringComparison.Ordinal))
            {
                return Problems.BadRequest("mapping", $"The mapping '{mapping}' is for regime {found.Regime}, not {at.Key.RegimeCode}.",
                    $"Bảng ánh xạ '{mapping}' dành cho chế độ {found.Regime}, không phải {at.Key.RegimeCode}.");
            }

            table = found;
        }

        string? idempotencyKey = null;
        if (http.Request.Headers.TryGetValue("Idempotency-Key", out var header))
        {
            idempotencyKey = header.ToString();
            if (idempotencyKey.Length is 0 or > 200)
            {
                return Problems.BadRequest("Idempotency-Key", "The Idempotency-Key header must have 1 to 200 characters.", "Tiêu đề Idempotency-Key phải có từ 1 đến 200 ký tự.");
            }
        }

        // The upload goes to a temporary file while it is counted, never whole into memory; beyond the limit: 413.
        var maxBytes = configuration.GetValue("Nris:Limits:MaxImportBytes", 32L * 1024 * 1024);
        if (http.Request.ContentLength > maxBytes)
        {
            // Declared too large: refused before a byte is read, so a client that sent Expect: 100-continue never uploads it.
            return TooLarge(maxBytes);
        }

        await using var file = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        if (await CopyLimitedAsync(http, file, maxBytes, ct) is { } tooLarge)
        {
            return tooLarge;
        }

        if (file.Length == 0)
        {
            return Problems.BadRequest("body", "The request body is the file to import; it is empty.", "Nội dung yêu cầu là tệp cần nhập; tệp đang rỗng.");
        }

        file.Position = 0;
        var snapshot = catalogue.Current;
        var limits = ExchangeLimits.Default with { MaxBytes = maxBytes };
        List<ReportValue> values;
        ImportSummaryDto? summary = null;
        try
        {
            (values, summary, var errors) = table is null ? Read(f, file, at, snapshot, limits, ct) : ReadMapped(f, file, at, snapshot, table, limits, ct);
            if (errors.Count > 0)
            {
                return InvalidFile(errors);
            }
        }
        catch (ExchangeFormatException e)
        {
            return InvalidFile(e.Errors);
        }

        var shown = values.ConvertAll(v => new ImportedValueDto(v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number, v.Text, v.Flag, v.Status, v.Note));
        // A dry run, or a DHIS2/ADX message whose every value conflicts: the summary is the answer and nothing is stored.
        if (dry || (summary is not null && values.Count == 0))
        {
            return TypedResults.Ok(new ImportResultDto(f, m, dry, at.Key.RegimeCode, at.Key.Period.ToString(), at.Key.ReporterCode, values.Count, shown, summary, null, null));
        }

        var actor = new SubmissionActor(NrisClaims.ActorName(http.User), at.Report.Reporter.Code);
        try
        {
            if (m == "draft")
            {
                var draft = await service.SaveDraftAsync(at.Key, values, [], actor, ct);
                var dto = new DraftDto(draft.Key.RegimeCode, draft.Key.Period.ToString(), draft.Key.ReporterCode, [.. draft.Values.Select(ValueDto.From)],
                    [.. draft.Explanations.Select(e => new ExplanationDto(e.RuleCode, e.Text))], draft.UpdatedBy, draft.UpdatedAt);
                return TypedResults.Ok(new ImportResultDto(f, m, false, at.Key.RegimeCode, at.Key.Period.ToString(), at.Key.ReporterCode, values.Count, shown, summary, dto, null));
            }

            var result = await service.SubmitAsync(at.Key, new SubmissionRequest(values, [], idempotencyKey), actor, ct);
            if (result.Replayed)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
            }

            return TypedResults.Created($"/api/reports/{Uri.EscapeDataString(at.Key.RegimeCode)}/{at.Key.Period}/{Uri.EscapeDataString(at.Key.ReporterCode)}",
                new ImportResultDto(f, m, false, at.Key.RegimeCode, at.Key.Period.ToString(), at.Key.ReporterCode, values.Count, shown, summary, null,
                    SubmissionResultDto.From(result)));
        }
        catch (SubmissionException e)
        {
            return SubmissionEndpoints.Map(e);
        }
    }

    /// <summary>Reads the file into the report's values; every value must be of the report's period.</summary>
    private static (List<ReportValue> Values, ImportSummaryDto? Summary, List<ExchangeError> Errors) Read(
        string format, Stream file, Target at, CatalogueSnapshot catalogue, ExchangeLimits limits, CancellationToken ct)
    {
        var errors = new List<ExchangeError>();
        if (format == "excel")
        {
            var content = ExcelFormReader.Read(file, at.Report.Regime, catalogue, limits, ct);
            if (content.Period != at.Key.Period)
            {
                errors.Add(new ExchangeError(ExcelForm.MapSheetName, "period", $"Biểu mẫu này dành cho kỳ {content.Period}, không phải kỳ {at.Key.Period}.",
                    $"This form is for period {content.Period}, not {at.Key.Period}."));
            }

            if (content.ReporterCode != at.Key.ReporterCode)
            {
                errors.Add(new ExchangeError(ExcelForm.MapSheetName, "reporter", $"Biểu mẫu này dành cho đơn vị {content.ReporterCode}, không phải {at.Key.ReporterCode}.",
                    $"This form is for reporter {content.ReporterCode}, not {at.Key.ReporterCode}."));
            }

            return ([.. content.Values], null, errors);
        }

        if (format is "dhis2-json" or "dhis2-xml" or "dhis2-csv" or "adx")
        {
            var data = format switch
            {
                "dhis2-json" => Dhis2DataValueSets.Read(file, Dhis2Format.Json, limits, ct),
                "dhis2-xml" => Dhis2DataValueSets.Read(file, Dhis2Format.Xml, limits, ct),
                "dhis2-csv" => Dhis2DataValueSets.Read(file, Dhis2Format.Csv, limits, ct),
                _ => Dhis2CodeScheme.NormalizeAdxPeriods(Adx.Read(file, limits, ct)),
            };
            var mapped = Dhis2Import.Map(data, Dhis2CodeScheme.For(catalogue), dryRun: false);
            var conflicts = mapped.Conflicts.ToList();
            var kept = new List<ReportValue>();
            var ignored = mapped.Ignored;
            var deleted = 0;
            foreach (var v in mapped.Values)
            {
                if (v.Period != at.Key.Period)
                {
                    conflicts.Add(new Dhis2Conflict(v.Value.IndicatorCode, $"Period {Dhis2Mapping.FormatPeriod(v.Period)} is not the report's period {Dhis2Mapping.FormatPeriod(at.Key.Period)}", "dataValues"));
                    ignored++;
                }
                else if (v.Action == ExchangeAction.Delete)
                {
                    deleted++;
                }
                else
                {
                    kept.Add(v.Value);
                }
            }

            var status = conflicts.Count == 0 ? "SUCCESS" : kept.Count > 0 ? "WARNING" : "ERROR";
            return (kept, new ImportSummaryDto(status, new ImportCountDto(kept.Count, 0, ignored, deleted), conflicts), errors);
        }

        // No structure is imposed on SDMX input: a partner may send one dimension per codelist (SEX=F) instead of DISAGG,
        // and the readers tell the well-known attributes (OBS_STATUS, COMMENT …) from dimensions themselves.
        var set = format switch
        {
            "csv" => LongCsv.Read(file, limits, ct),
            "sdmx-ml" => SdmxMlDataReader.Read(file, null, limits, ct),
            "sdmx-json" => SdmxJson.Read(file, limits, ct),
            _ => SdmxCsv.Read(file, null, limits, ct),
        };
        var (values, mappingErrors) = NrisSdmxMapping.FromExchange(set, catalogue, at.Report.Regime);
        errors.AddRange(mappingErrors);
        var result = new List<ReportValue>();
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v.Period != at.Key.Period)
            {
                errors.Add(new ExchangeError($"value {(i + 1).ToString(CultureInfo.InvariantCulture)}", "period",
                    $"Kỳ {v.Period} không phải kỳ của báo cáo ({at.Key.Period}).", $"The period {v.Period} is not the report's period ({at.Key.Period})."));
            }
            else if (v.Action != ExchangeAction.Delete)
            {
                result.Add(v.Value);
            }
        }

        return (result, null, errors);
    }

    /// <summary>
    /// Reads a DHIS2, ADX or SDMX message through a stored mapping: codes the tables do not hold, and values of another
    /// period, are conflicts (ignored, listed in the DHIS2-style summary); a mapped value that does not fit the
    /// regime (type, disaggregation, status) is a problem naming its data value or observation, and nothing is stored.
    /// </summary>
    private static (List<ReportValue> Values, ImportSummaryDto? Summary, List<ExchangeError> Errors) ReadMapped(
        string format, Stream file, Target at, CatalogueSnapshot catalogue, ExchangeMapping mapping, ExchangeLimits limits, CancellationToken ct)
    {
        var family = format is "dhis2-json" or "dhis2-xml" or "dhis2-csv" or "adx" ? ExchangeFamily.Dhis2 : ExchangeFamily.Sdmx;
        var data = format switch
        {
            "dhis2-json" => Dhis2DataValueSets.Read(file, Dhis2Format.Json, limits, ct),
            "dhis2-xml" => Dhis2DataValueSets.Read(file, Dhis2Format.Xml, limits, ct),
            "dhis2-csv" => Dhis2DataValueSets.Read(file, Dhis2Format.Csv, limits, ct),
            "adx" => Dhis2CodeScheme.NormalizeAdxPeriods(Adx.Read(file, limits, ct)),
            "sdmx-ml" => SdmxMlDataReader.Read(file, null, limits, ct),
            "sdmx-json" => SdmxJson.Read(file, limits, ct),
            _ => SdmxCsv.Read(file, null, limits, ct),
        };
        var translated = mapping.Translate(data, family);
        var conflicts = translated.Conflicts.ToList();
        var (mapped, mappingErrors) = NrisSdmxMapping.FromExchange(translated.Data, catalogue, at.Report.Regime);
        // FromExchange numbers our translated observations; name them as the partner's message does.
        var errors = mappingErrors.Select(e => e.Location.StartsWith("observation ", StringComparison.Ordinal)
                && int.TryParse(e.Location.AsSpan(12), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= translated.Locations.Count
            ? e with { Location = translated.Locations[n - 1] }
            : e).ToList();
        var kept = new List<ReportValue>();
        int ignored = translated.Conflicts.Count, deleted = 0;
        var seen = new HashSet<CellKey>();
        foreach (var v in mapped)
        {
            if (v.Period != at.Key.Period)
            {
                conflicts.Add(new Dhis2Conflict(v.Value.IndicatorCode, $"Period {v.Period} is not the report's period {at.Key.Period}", "dataValues"));
                ignored++;
            }
            else if (v.Action == ExchangeAction.Delete)
            {
                deleted++;
            }
            else if (!seen.Add(new CellKey(v.Value.IndicatorCode, v.Value.Disaggregation, v.Value.TerritoryCode ?? "")))
            {
                conflicts.Add(new Dhis2Conflict(v.Value.IndicatorCode, $"Two values map to the same cell {v.Value.IndicatorCode} {v.Value.Disaggregation} {v.Value.TerritoryCode}; the first is kept", "dataValues"));
                ignored++;
            }
            else
            {
                kept.Add(v.Value);
            }
        }

        var status = conflicts.Count == 0 ? "SUCCESS" : kept.Count > 0 ? "WARNING" : "ERROR";
        return (kept, new ImportSummaryDto(status, new ImportCountDto(kept.Count, 0, ignored, deleted), conflicts), errors);
    }

    private static async Task<ProblemHttpResult?> CopyLimitedAsync(HttpContext http, Stream target, long maxBytes, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBytes;
        }

        if (http.Request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        var buffer = new byte[81920];
        long total = 0;
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    return TooLarge(maxBytes);
                }

                await target.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }

        return null;
    }

    private static ProblemHttpResult TooLarge(long maxBytes) => Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-large",
        "File too large", "Tệp quá lớn",
        string.Create(CultureInfo.InvariantCulture, $"The file is larger than the limit of {maxBytes} bytes (Nris:Limits:MaxImportBytes)."),
        string.Create(CultureInfo.InvariantCulture, $"Tệp lớn hơn giới hạn {maxBytes} byte (Nris:Limits:MaxImportBytes)."),
        [new ProblemError("body", "Too large.", "Quá lớn.")]);

    /// <summary>422 with every problem of the file, each naming where it is (Biểu 01!E14, line 12, observation 3).</summary>
    private static ProblemHttpResult InvalidFile(IReadOnlyList<ExchangeError> errors) => Problems.Create(StatusCodes.Status422UnprocessableEntity,
        "invalid-file", "The file cannot be imported", "Không nhập được tệp",
        string.Create(CultureInfo.InvariantCulture, $"{errors.Count} problem(s) in the file; nothing was stored. First: {errors[0]}"),
        string.Create(CultureInfo.InvariantCulture, $"Tệp có {errors.Count} lỗi; chưa lưu gì. Lỗi đầu tiên: {errors[0].Location}: {errors[0].MessageVi}"),
        [.. errors.Select(e => new ProblemError(e.Field is null ? e.Location : e.Location + " (" + e.Field + ")", e.MessageEn, e.MessageVi))]);

    // ------------------------------------------------------------------ export

    private static async Task<IResult> ExportAsync(string regime, string period, string reporter, string? format, AccessScope scope,
        SubmissionService service, NrisDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (Locate(regime, period, reporter, scope, service, out var at) is { } problem)
        {
            return problem;
        }

        var f = (format ?? "csv").Trim().ToLowerInvariant();
        if (f is not ("csv" or "dhis2-json" or "dhis2-xml" or "dhis2-csv" or "adx"))
        {
            return Problems.BadRequest("format", "format is csv, dhis2-json, dhis2-xml, dhis2-csv or adx (SDMX: /sdmx/rest/data/…).",
                "format là csv, dhis2-json, dhis2-xml, dhis2-csv hoặc adx (SDMX: /sdmx/rest/data/…).");
        }

        var periodText = at.Key.Period.ToString();
        var rows = await db.CurrentValues.AsNoTracking()
            .Where(v => v.Source == at.Key.ReporterCode && v.Period == periodText && db.Reports.Any(r => r.Id == v.ReportId && r.RegimeCode == at.Key.RegimeCode))
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return Problems.NotFound("Submitted values of report", Query.Truncate(at.Key.ToString()), "Số liệu đã gửi của báo cáo");
        }

        var values = rows.ConvertAll(v => new ReportValue(v.IndicatorCode, v.Disaggregation, v.TerritoryCode, v.Number, v.Text, v.Flag, v.Status, v.Note));
        values.Sort(SubmissionPayload.CompareCells);
        var territory = at.Report.Reporter.TerritoryCode ?? Territory.NationCode;
        var buffer = new MemoryStream();
        string type;
        switch (f)
        {
            case "csv":
                LongCsv.Write(buffer, NrisSdmxMapping.ToExchange("", at.Key.Period, territory, values), cancellationToken: ct);
                type = "text/csv; charset=utf-8";
                break;
            case "adx":
                Adx.Write(buffer, Dhis2CodeScheme.ToDhis2(at.Key.RegimeCode, at.Key.Period, territory, values, adx: true), time.GetUtcNow(), ct);
                type = "application/adx+xml";
                break;
            default:
                var dhis2 = f == "dhis2-json" ? Dhis2Format.Json : f == "dhis2-xml" ? Dhis2Format.Xml : Dhis2Format.Csv;
                Dhis2DataValueSets.Write(buffer, Dhis2CodeScheme.ToDhis2(at.Key.RegimeCode, at.Key.Period, territory, values), dhis2, ct);
                type = dhis2 switch { Dhis2Format.Json => "application/json", Dhis2Format.Xml => "application/xml", _ => "text/csv; charset=utf-8" };
                break;
        }

        buffer.Position = 0;
        return TypedResults.Stream(buffer, type);
    }
}
