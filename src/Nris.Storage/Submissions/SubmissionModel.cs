using Microsoft.EntityFrameworkCore;
using Nris.Storage.Ledger;

namespace Nris.Storage.Submissions;

/// <summary>The EF model of the ledger and submission tables (names become snake_case in <see cref="NrisDbContext"/>).</summary>
internal static class SubmissionModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<LedgerEntryEntity>(e =>
        {
            e.ToTable("ledger_entries");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Kind).HasMaxLength(100);
        });
        modelBuilder.Entity<LedgerCheckpointEntity>(e =>
        {
            e.ToTable("ledger_checkpoints");
            e.HasIndex(x => x.Sequence);
        });
        modelBuilder.Entity<ReportEntity>(e =>
        {
            e.ToTable("reports");
            e.HasIndex(x => new { x.RegimeCode, x.Period, x.ReporterCode }).IsUnique();
            e.HasIndex(x => new { x.ReporterCode, x.Period });
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<ReportVersionEntity>(e =>
        {
            e.ToTable("report_versions");
            e.HasIndex(x => new { x.ReportId, x.Version }).IsUnique();
            // The aggregation follower finds the version a ledger entry wrote by its sequence (migration AggregationIndexes).
            e.HasIndex(x => x.LedgerSequence);
            e.HasOne<ReportEntity>().WithMany().HasForeignKey(x => x.ReportId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<ReportValueEntity>(e =>
        {
            e.ToTable("report_values");
            e.HasKey(x => new { x.VersionId, x.IndicatorCode, x.Disaggregation, x.TerritoryCode });
            e.HasOne<ReportVersionEntity>().WithMany().HasForeignKey(x => x.VersionId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<ReportEventEntity>(e =>
        {
            e.ToTable("report_events");
            e.HasIndex(x => new { x.ReportId, x.Id });
            // The aggregation follower finds the step a ledger entry recorded by its sequence (migration AggregationIndexes).
            e.HasIndex(x => x.LedgerSequence);
            e.HasOne<ReportEntity>().WithMany().HasForeignKey(x => x.ReportId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Action).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<CurrentValueEntity>(e =>
        {
            e.ToTable("current_values");
            e.HasKey(x => new { x.IndicatorCode, x.Disaggregation, x.TerritoryCode, x.Period, x.Source });
            e.HasIndex(x => x.ReportId);
            e.HasIndex(x => new { x.Source, x.Period });
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        });
        modelBuilder.Entity<DraftEntity>(e =>
        {
            e.ToTable("drafts");
            e.HasIndex(x => new { x.RegimeCode, x.Period, x.ReporterCode }).IsUnique();
        });
        modelBuilder.Entity<IdempotencyKeyEntity>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(x => new { x.Scope, x.Key });
        });
    }
}
