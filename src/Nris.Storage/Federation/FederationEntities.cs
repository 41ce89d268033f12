using Microsoft.EntityFrameworkCore;

namespace Nris.Storage.Federation;

/// <summary>
/// At a parent instance: a child instance registered to forward its ledger here, with the public key its checkpoints
/// must verify under, and the state of its link (the last origin entry received and its hash, errors, verification).
/// </summary>
public sealed class FederationInstanceEntity
{
    /// <summary>The child's instance id (chosen by the child's operator, e.g. "bo-y-te").</summary>
    public required string InstanceId { get; set; }

    /// <summary>The organization the child reports for; its API client must belong to this organization.</summary>
    public required string OrganizationCode { get; set; }

    /// <summary>The child's checkpoint public key (SubjectPublicKeyInfo PEM).</summary>
    public required string PublicKeyPem { get; set; }

    public long RegisteredUs { get; set; }

    /// <summary>The last origin sequence accepted (0 before the first).</summary>
    public long LastSequence { get; set; }

    /// <summary>The hash of that entry (32 zero bytes before the first): the next entry must name it as its previous hash.</summary>
    public required byte[] LastHash { get; set; }

    public long? LastReceivedUs { get; set; }

    /// <summary>The child's own ledger head as it last reported it; head − <see cref="LastSequence"/> is the lag.</summary>
    public long OriginHead { get; set; }

    /// <summary>The last origin checkpoint verified under the registered key.</summary>
    public long LastCheckpointSequence { get; set; }

    /// <summary>"ok", or "broken" after a refused break (the link stays refused until an operator resets it).</summary>
    public required string State { get; set; }

    public string? LastError { get; set; }
    public long? LastErrorUs { get; set; }
    public long ErrorCount { get; set; }

    /// <summary>How many forwarded entries became local ledger entries.</summary>
    public long AppliedCount { get; set; }

    /// <summary>The parent's catalogue feed position the child said it has applied (its <c>after</c> on its last read).</summary>
    public long CatalogueSequence { get; set; }

    /// <summary>When the child last read the catalogue feed.</summary>
    public long? CatalogueReadUs { get; set; }
}

/// <summary>At a parent: one origin entry received from a child, in origin order; the key makes delivery idempotent.</summary>
public sealed class FederationEntryEntity
{
    public required string InstanceId { get; init; }
    public long OriginSequence { get; init; }
    public required string Kind { get; init; }
    public required byte[] OriginHash { get; init; }
    public required byte[] PreviousHash { get; init; }

    /// <summary>Whether the payload came with the entry (a shared regime) and its hash was recomputed.</summary>
    public bool Shared { get; init; }

    /// <summary>The local ledger entry it became, if any.</summary>
    public long? LocalSequence { get; init; }

    public long ReceivedUs { get; init; }
}

/// <summary>At a parent: a forwarded entry that was refused (a chain break, a bad checkpoint, a bad signature…).</summary>
public sealed class FederationIncidentEntity
{
    public long Id { get; init; }
    public required string InstanceId { get; init; }
    public long OriginSequence { get; init; }
    public required string Code { get; init; }
    public required string MessageEn { get; init; }
    public required string MessageVi { get; init; }
    public long TimeUs { get; init; }
}

/// <summary>At a child: the outbox cursor, the last origin sequence the parent acknowledged, kept across restarts.</summary>
public sealed class FederationOutboxEntity
{
    public required string Name { get; set; }
    public long AcknowledgedSequence { get; set; }
    public long UpdatedUs { get; set; }
    public long Attempts { get; set; }
    public string? LastError { get; set; }
    public long? LastErrorUs { get; set; }
    public long? LastSuccessUs { get; set; }
}

/// <summary>
/// At a child: its subscription to the parent's catalogue feed (one row). <see cref="AppliedSequence"/> is the parent
/// ledger sequence of the last catalogue change dealt with (applied, already present, or skipped), kept across restarts.
/// </summary>
public sealed class FederationCatalogueFeedEntity
{
    public required string Name { get; set; }
    public long AppliedSequence { get; set; }

    /// <summary>The newest catalogue change the parent had when last asked.</summary>
    public long ParentHead { get; set; }

    /// <summary>"ok", or "stopped" after a refused change (until an administrator resumes it).</summary>
    public required string State { get; set; }

    public long Attempts { get; set; }
    public string? LastError { get; set; }
    public long? LastErrorUs { get; set; }
    public long? LastSuccessUs { get; set; }
}

/// <summary>At a child: what became of one catalogue change of the parent's feed (applied, already here, skipped, refused).</summary>
public sealed class FederationCatalogueChangeEntity
{
    public long Id { get; init; }

    /// <summary>The change's sequence in the parent's ledger.</summary>
    public long ParentSequence { get; init; }

    /// <summary>regime.created, regime.versioned, indicator.created, indicator.changed, catalogue.imported…</summary>
    public required string Change { get; init; }

    public required string Code { get; init; }
    public int Version { get; init; }

    /// <summary>applied, present (already identical here), skipped (nothing a child can apply), refused.</summary>
    public required string Outcome { get; init; }

    /// <summary>For a refusal, a stable code (version-backwards, bad-signature, hash-mismatch, diverged, not-applicable…).</summary>
    public string? RefusalCode { get; init; }

    /// <summary>The local <c>catalogue.changed</c> entry it became, if applied.</summary>
    public long? LocalSequence { get; init; }

    public string? MessageEn { get; init; }
    public string? MessageVi { get; init; }
    public long TimeUs { get; init; }
}

/// <summary>The EF model of the federation tables (names become snake_case in <see cref="NrisDbContext"/>).</summary>
internal static class FederationModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<FederationInstanceEntity>(e =>
        {
            e.ToTable("federation_instances");
            e.HasKey(x => x.InstanceId);
            e.Property(x => x.InstanceId).HasMaxLength(64);
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.State).HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(2000);
        });
        modelBuilder.Entity<FederationEntryEntity>(e =>
        {
            e.ToTable("federation_entries");
            e.HasKey(x => new { x.InstanceId, x.OriginSequence });
            e.Property(x => x.InstanceId).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(100);
            e.HasIndex(x => x.LocalSequence);
        });
        modelBuilder.Entity<FederationIncidentEntity>(e =>
        {
            e.ToTable("federation_incidents");
            e.Property(x => x.InstanceId).HasMaxLength(64);
            e.Property(x => x.Code).HasMaxLength(64);
            e.HasIndex(x => new { x.InstanceId, x.Id });
        });
        modelBuilder.Entity<FederationOutboxEntity>(e =>
        {
            e.ToTable("federation_outbox");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.LastError).HasMaxLength(2000);
        });
        modelBuilder.Entity<FederationCatalogueFeedEntity>(e =>
        {
            e.ToTable("federation_catalogue_feed");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.State).HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(2000);
        });
        modelBuilder.Entity<FederationCatalogueChangeEntity>(e =>
        {
            e.ToTable("federation_catalogue_changes");
            e.Property(x => x.Change).HasMaxLength(64);
            e.Property(x => x.Code).HasMaxLength(100);
            e.Property(x => x.Outcome).HasMaxLength(16);
            e.Property(x => x.RefusalCode).HasMaxLength(64);
            e.Property(x => x.MessageEn).HasMaxLength(2000);
            e.Property(x => x.MessageVi).HasMaxLength(2000);
            e.HasIndex(x => x.ParentSequence);
        });
        // The parent's receiver looks a forwarded entry up by its actor (federation:{instance}#{sequence}:…) when the
        // record of having applied it was lost with a crash; without this index that check reads every report event.
        modelBuilder.Entity<Submissions.ReportEventEntity>().HasIndex(x => x.Actor);
        // The parent's catalogue feed reads the catalogue.changed entries after a child's cursor, out of a ledger of reports.
        modelBuilder.Entity<Ledger.LedgerEntryEntity>().HasIndex(x => new { x.Kind, x.Sequence });
    }
}
