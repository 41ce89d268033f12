using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Storage;

namespace Nris.Server.Api;

public sealed record ProvenanceSourceDto(
    string Regime, string Period, string Reporter, string Recipient, int Version, SubmissionState State, string SubmittedBy,
    DateTimeOffset SubmittedAt, string? DecidedBy, DateTimeOffset? DecidedAt, SignatureDto? Signature, long LedgerSequence, string LedgerHash,
    string PayloadHash);

public sealed record SupersededDto(int Version, SubmissionState State, ValueDto? Value, string SubmittedBy, DateTimeOffset SubmittedAt, long LedgerSequence, string LedgerHash);

public sealed record ProvenanceDto(ValueDto Value, string Period, string Source, ProvenanceSourceDto From, IReadOnlyList<SupersededDto> Superseded);

/// <summary>Truy xuất nguồn gốc: one published number → the report version and ledger entry it came from, and what it replaced.</summary>
public static class ProvenanceEndpoints
{
    public static IEndpointRouteBuilder MapProvenanceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/provenance", GetAsync).WithTags("Provenance").RequireNrisAccess(NrisAccess.Authenticated)
            .WithSummary("Where a current value comes from: ?indicator=&territory=&period=&source=[&disaggregation=_T].");
        return routes;
    }

    private static async Task<Results<Ok<ProvenanceDto>, ProblemHttpResult>> GetAsync(
        string? indicator, string? territory, string? period, string? disaggregation, string? source, AccessScope scope, NrisDbContext db,
        CatalogueState catalogue, CancellationToken ct)
    {
        foreach (var (name, given) in new[] { ("indicator", indicator), ("territory", territory), ("period", period), ("source", source) })
        {
            if (string.IsNullOrWhiteSpace(given) || given.Length > 64)
            {
                return Problems.BadRequest(name, $"{name} is required (1 to 64 characters).", $"Cần {name} (1 đến 64 ký tự).");
            }
        }
        if (!Period.TryParse(period!.Trim(), out var parsed))
        {
            return Problems.BadRequest("period", $"'{Query.Truncate(period)}' is not a period code, e.g. 2022 or 2026-M05.", $"'{Query.Truncate(period)}' không phải mã kỳ báo cáo, ví dụ 2022 hoặc 2026-M05.");
        }
        var cell = string.IsNullOrWhiteSpace(disaggregation) ? Disaggregations.Total : disaggregation.Trim();
        if (cell.Length > 200)
        {
            return Problems.BadRequest("disaggregation", "disaggregation is longer than 200 characters.", "disaggregation dài hơn 200 ký tự.");
        }

        var periodText = parsed.ToString();
        var notFound = Problems.NotFound("Value", Query.Truncate($"{indicator}/{cell}/{territory}/{periodText}/{source}"), "Giá trị");
        var current = await db.CurrentValues.AsNoTracking().SingleOrDefaultAsync(v => v.IndicatorCode == indicator && v.Disaggregation == cell &&
            v.TerritoryCode == territory && v.Period == periodText && v.Source == source, ct);
        if (current is null)
        {
            return notFound;
        }
        var report = await db.Reports.AsNoTracking().SingleAsync(r => r.Id == current.ReportId, ct);
        var regime = catalogue.Current.RegimeVersions(report.RegimeCode).FirstOrDefault(r => r.Version == report.RegimeVersion);
        // A value the caller may not read looks exactly like one that does not exist.
        if (regime is null || !SubmissionEndpoints.CanRead(scope, regime, report.ReporterCode, report.RecipientCode))
        {
            return notFound;
        }

        var versions = await db.ReportVersions.AsNoTracking().Where(v => v.ReportId == report.Id && v.Version <= current.Version)
            .OrderByDescending(v => v.Version).ToListAsync(ct);
        var sequences = versions.Select(v => v.LedgerSequence).ToList();
        var hashes = await db.LedgerEntries.AsNoTracking().Where(e => sequences.Contains(e.Sequence))
            .ToDictionaryAsync(e => e.Sequence, e => Convert.ToHexStringLower(e.Hash), ct);
        var from = versions.Single(v => v.Id == current.ReportVersionId);
        SignatureDto? signature = from.Signer is { } signer
            ? new SignatureDto(signer, await SubmissionEndpoints.SignatureThumbprintAsync(db, from.LedgerSequence, ct))
            : null;

        var superseded = new List<SupersededDto>();
        foreach (var v in versions.Where(v => v.Version < current.Version))
        {
            var earlier = await db.ReportValues.AsNoTracking().SingleOrDefaultAsync(x => x.VersionId == v.Id && x.IndicatorCode == indicator &&
                x.Disaggregation == cell && x.TerritoryCode == territory, ct);
            superseded.Add(new SupersededDto(v.Version, v.State,
                earlier is null ? null : ValueDto.From(new ReportValue(earlier.IndicatorCode, earlier.Disaggregation, earlier.TerritoryCode, earlier.Number,
                    earlier.Text, earlier.Flag, earlier.Status, earlier.Note)),
                v.Actor, LedgerTime.FromUnixMicroseconds(v.SubmittedUs), v.LedgerSequence, hashes.GetValueOrDefault(v.LedgerSequence, "")));
        }

        var value = new ReportValue(current.IndicatorCode, current.Disaggregation, current.TerritoryCode, current.Number, current.Text, current.Flag,
            current.Status, current.Note);
        return TypedResults.Ok(new ProvenanceDto(ValueDto.From(value), periodText, current.Source,
            new ProvenanceSourceDto(report.RegimeCode, report.Period, report.ReporterCode, report.RecipientCode, from.Version, from.State, from.Actor,
                LedgerTime.FromUnixMicroseconds(from.SubmittedUs), from.DecidedBy, from.DecidedUs is { } d ? LedgerTime.FromUnixMicroseconds(d) : null,
                signature, from.LedgerSequence, hashes.GetValueOrDefault(from.LedgerSequence, ""), Convert.ToHexStringLower(from.PayloadHash)),
            superseded));
    }
}
