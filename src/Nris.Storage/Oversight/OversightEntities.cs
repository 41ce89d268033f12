using Microsoft.EntityFrameworkCore;

namespace Nris.Storage.Oversight;

// Row shapes of the oversight tables. Times are microseconds since the Unix epoch (UTC), like the ledger's.

/// <summary>
/// One delivery of one notification over one channel to one address. The key is unique: a reminder pass inserts the
/// row before it delivers, so a second pass — in this process or after a restart — finds it and sends nothing again.
/// </summary>
public sealed class NotificationSendEntity
{
    public long Id { get; set; }

    /// <summary>What, about which report, by which channel, to whom, e.g. "reminder|KTXH-TINH-THANG|2026-M03|UBND.01|email|a@b".</summary>
    public required string Key { get; set; }

    public required string Channel { get; set; }
    public required string Address { get; set; }
    public required string Kind { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public long CreatedUs { get; set; }

    /// <summary>When the channel confirmed delivery; null while pending.</summary>
    public long? SentUs { get; set; }

    public int Attempts { get; set; }
    public long NextAttemptUs { get; set; }
    public string? LastError { get; set; }

    /// <summary>Set when the retries ran out; the row is then left alone.</summary>
    public bool Failed { get; set; }
}

/// <summary>An in-app notification of one user: listable, markable as read.</summary>
public sealed class NotificationEntity
{
    public long Id { get; set; }
    public required string UserName { get; set; }
    public required string Kind { get; set; }
    public required string Title { get; set; }
    public required string TitleEn { get; set; }
    public required string Body { get; set; }
    public required string BodyEn { get; set; }
    public string? Regime { get; set; }
    public string? Period { get; set; }
    public string? Reporter { get; set; }
    public long CreatedUs { get; set; }
    public long? ReadUs { get; set; }
}

/// <summary>What one user wants to receive; a user without a row receives everything in-app and by e-mail.</summary>
public sealed class NotificationPreferenceEntity
{
    public required string UserName { get; set; }
    public bool InApp { get; set; } = true;
    public bool Email { get; set; } = true;
    public bool Reminders { get; set; } = true;
    public bool Escalations { get; set; } = true;
    public long UpdatedUs { get; set; }
}

/// <summary>The EF model of the oversight tables (names become snake_case in <see cref="NrisDbContext"/>).</summary>
internal static class OversightModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<NotificationSendEntity>(e =>
        {
            e.ToTable("notification_sends");
            e.HasIndex(x => x.Key).IsUnique();
            e.HasIndex(x => new { x.SentUs, x.Failed, x.NextAttemptUs });
            e.Property(x => x.Key).HasMaxLength(400);
            e.Property(x => x.Channel).HasMaxLength(16);
            e.Property(x => x.Address).HasMaxLength(300);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.Subject).HasMaxLength(400);
            e.Property(x => x.LastError).HasMaxLength(1000);
        });
        modelBuilder.Entity<NotificationEntity>(e =>
        {
            e.ToTable("notifications");
            e.HasIndex(x => new { x.UserName, x.Id });
            e.Property(x => x.UserName).HasMaxLength(256);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.Title).HasMaxLength(400);
            e.Property(x => x.TitleEn).HasMaxLength(400);
        });
        modelBuilder.Entity<NotificationPreferenceEntity>(e =>
        {
            e.ToTable("notification_preferences");
            e.HasKey(x => x.UserName);
            e.Property(x => x.UserName).HasMaxLength(256);
        });
    }
}
