using Microsoft.EntityFrameworkCore;

namespace Nris.Storage.Connectors;

/// <summary>
/// A live connection (issue #9): a machine source that pushes observations to Nris or that Nris pulls on a schedule,
/// feeding one regime as one reporting organization. The definition is a JSON document (<see cref="DefinitionJson"/>);
/// the columns beside it are the ones queried or updated on their own: the push credential, the pull cursor and the
/// connection's health.
/// </summary>
public sealed class ConnectorEntity
{
    public long Id { get; set; }

    /// <summary>The connector's name, used in URLs: letters, digits, <c>_ . -</c>.</summary>
    public required string Name { get; set; }

    /// <summary>"push" or "pull".</summary>
    public required string Kind { get; set; }

    public required string RegimeCode { get; set; }
    public required string OrganizationCode { get; set; }

    /// <summary>The definition as the administrator gave it (format, mapping, limits, pull URL and schedule).</summary>
    public required string DefinitionJson { get; set; }

    /// <summary>The id part of the push key (<c>nris_{KeyId}_…</c>); null for pull connectors.</summary>
    public string? KeyId { get; set; }

    /// <summary>SHA-256 of the key's secret, hex; the key itself is shown once.</summary>
    public string? KeyHash { get; set; }

    public bool Enabled { get; set; } = true;
    public required string CreatedBy { get; set; }
    public long CreatedUs { get; set; }

    /// <summary>Pull: the cursor (largest cursor-field value read so far) sent back to the source.</summary>
    public string? Cursor { get; set; }

    /// <summary>Pull: the source's last ETag, sent as If-None-Match.</summary>
    public string? ETag { get; set; }

    /// <summary>Pull: when the next fetch is due.</summary>
    public long NextPullUs { get; set; }

    /// <summary>Consecutive failed fetches or refused pushes (0 after a success): the backoff grows with it.</summary>
    public int ConsecutiveFailures { get; set; }

    public long? LastAttemptUs { get; set; }

    /// <summary>When the last record was accepted.</summary>
    public long? LastReceivedUs { get; set; }

    /// <summary>The latest period (date) received, as our period code.</summary>
    public string? LastPeriod { get; set; }

    public long? LastErrorUs { get; set; }
    public long ErrorCount { get; set; }
    public long RecordCount { get; set; }

    /// <summary>When the current quiet spell was alerted (null when the feed is not quiet or not yet alerted).</summary>
    public long? QuietAlertedUs { get; set; }
}

/// <summary>One accepted batch of a connector: what makes a retried push or a re-read page idempotent.</summary>
public sealed class ConnectorBatchEntity
{
    public long Id { get; set; }
    public long ConnectorId { get; set; }

    /// <summary>The push's Idempotency-Key, or for a pull the hash of the page read.</summary>
    public required string BatchId { get; set; }

    /// <summary>SHA-256 of the batch body: the same batch id with another body is refused.</summary>
    public required byte[] BodyHash { get; set; }

    public int Records { get; set; }

    /// <summary>The answer given, replayed to a retry.</summary>
    public required string ResultJson { get; set; }

    public long ReceivedUs { get; set; }
}

/// <summary>One error of a connector (a refused push, a failed or garbled fetch), for its health page.</summary>
public sealed class ConnectorErrorEntity
{
    public long Id { get; set; }
    public long ConnectorId { get; set; }
    public long TimeUs { get; set; }
    public required string Code { get; set; }
    public required string MessageEn { get; set; }
    public required string MessageVi { get; set; }
}

/// <summary>The EF model of the connector tables (names become snake_case in <see cref="NrisDbContext"/>).</summary>
internal static class ConnectorModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ConnectorEntity>(e =>
        {
            e.ToTable("connectors");
            e.HasIndex(x => x.Name).IsUnique();
            e.HasIndex(x => x.KeyId).IsUnique();
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(8);
            e.Property(x => x.RegimeCode).HasMaxLength(64);
            e.Property(x => x.OrganizationCode).HasMaxLength(64);
            e.Property(x => x.KeyId).HasMaxLength(64);
            e.Property(x => x.KeyHash).HasMaxLength(64);
            e.Property(x => x.CreatedBy).HasMaxLength(256);
            e.Property(x => x.Cursor).HasMaxLength(400);
            e.Property(x => x.ETag).HasMaxLength(400);
            e.Property(x => x.LastPeriod).HasMaxLength(32);
        });
        modelBuilder.Entity<ConnectorBatchEntity>(e =>
        {
            e.ToTable("connector_batches");
            e.HasIndex(x => new { x.ConnectorId, x.BatchId }).IsUnique();
            e.HasIndex(x => new { x.ConnectorId, x.ReceivedUs });
            e.Property(x => x.BatchId).HasMaxLength(200);
        });
        modelBuilder.Entity<ConnectorErrorEntity>(e =>
        {
            e.ToTable("connector_errors");
            e.HasIndex(x => new { x.ConnectorId, x.Id });
            e.Property(x => x.Code).HasMaxLength(64);
            e.Property(x => x.MessageEn).HasMaxLength(2000);
            e.Property(x => x.MessageVi).HasMaxLength(2000);
        });
    }
}
