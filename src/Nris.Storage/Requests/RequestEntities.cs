using Microsoft.EntityFrameworkCore;

namespace Nris.Storage.Requests;

// Row shapes of the ad-hoc report request tables. Every row is written in the same transaction as the ledger entry
// that records it (request.issued / answered / accepted / returned), like the report tables. Times are microseconds
// since the Unix epoch (UTC), like the ledger's.

/// <summary>One ad-hoc report request (yêu cầu báo cáo đột xuất), as issued.</summary>
public sealed class ReportRequestEntity
{
    public long Id { get; set; }
    public required string IssuerCode { get; set; }
    public required string IssuedBy { get; set; }
    public required string Subject { get; set; }
    public required string SubjectEn { get; set; }

    /// <summary>The questions as JSON: [{"code":"Q1","text":"…","textEn":"…"}].</summary>
    public required string QuestionsJson { get; set; }

    /// <summary>The asked indicators as JSON: [{"indicatorCode":"ENT_NEW","disaggregationCodelist":"SEX"}].</summary>
    public required string IndicatorsJson { get; set; }

    public required string Period { get; set; }
    public DateOnly Deadline { get; set; }
    public required string Classification { get; set; }
    public long IssuedUs { get; set; }
    public long LedgerSequence { get; set; }
}

/// <summary>One target organization of a request and where its answer stands.</summary>
public sealed class ReportRequestTargetEntity
{
    public long Id { get; set; }
    public long RequestId { get; set; }
    public required string OrganizationCode { get; set; }

    /// <summary>Pending, Answered, Returned or Accepted (<c>RequestAnswerStatus</c>).</summary>
    public required string Status { get; set; }

    public int Versions { get; set; }
    public int Returns { get; set; }
    public long? FirstAnsweredUs { get; set; }
    public string? DecisionReason { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedUs { get; set; }

    /// <summary>The ledger entry of the target's last step (the issue itself before any answer).</summary>
    public long LastSequence { get; set; }
}

/// <summary>One version of one target's answer.</summary>
public sealed class ReportRequestAnswerEntity
{
    public long Id { get; set; }
    public long RequestId { get; set; }
    public required string OrganizationCode { get; set; }
    public int Version { get; set; }
    public required string AnsweredBy { get; set; }
    public long AnsweredUs { get; set; }
    public long LedgerSequence { get; set; }

    /// <summary>The values as JSON (the report value shape).</summary>
    public required string ValuesJson { get; set; }

    /// <summary>The text answers as JSON: [{"question":"Q1","text":"…"}].</summary>
    public required string TextsJson { get; set; }

    /// <summary>SHA-256 (hex) of the canonical ledger payload.</summary>
    public required string PayloadHash { get; set; }
}

/// <summary>One attached file of one answer version. The ledger entry of the answer carries its SHA-256.</summary>
public sealed class ReportRequestAttachmentEntity
{
    public long Id { get; set; }
    public long AnswerId { get; set; }
    public long RequestId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>The EF model of the request tables (names become snake_case in <see cref="NrisDbContext"/>).</summary>
internal static class RequestModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReportRequestEntity>(e =>
        {
            e.ToTable("report_requests");
            e.HasIndex(x => x.IssuerCode);
            e.Property(x => x.IssuerCode).HasMaxLength(64);
            e.Property(x => x.IssuedBy).HasMaxLength(256);
            e.Property(x => x.Subject).HasMaxLength(400);
            e.Property(x => x.SubjectEn).HasMaxLength(400);
            e.Property(x => x.Period).HasMaxLength(16);
            e.Property(x => x.Classification).HasMaxLength(16);
        });
        modelBuilder.Entity<ReportRequestTargetEntity>(e =>
        {
            e.ToTable("report_request_targets");
            e.HasIndex(x => new { x.RequestId, x.OrganizationCode }).IsUnique();
            e.HasIndex(x => x.OrganizationCode);
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.DecisionReason).HasMaxLength(2000);
            e.Property(x => x.DecidedBy).HasMaxLength(256);
        });
        modelBuilder.Entity<ReportRequestAnswerEntity>(e =>
        {
            e.ToTable("report_request_answers");
            e.HasIndex(x => new { x.RequestId, x.OrganizationCode, x.Version }).IsUnique();
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.AnsweredBy).HasMaxLength(256);
            e.Property(x => x.PayloadHash).HasMaxLength(64);
        });
        modelBuilder.Entity<ReportRequestAttachmentEntity>(e =>
        {
            e.ToTable("report_request_attachments");
            e.HasIndex(x => x.AnswerId);
            e.HasIndex(x => x.RequestId);
            e.Property(x => x.FileName).HasMaxLength(200);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.Property(x => x.Sha256).HasMaxLength(64);
        });
    }
}
