using Nris.Core.Oversight;

namespace Nris.Server.Oversight;

/// <summary>An outgoing mail server (Nris:Notifications:Smtp).</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string From { get; set; } = "nris@localhost";
    public bool EnableSsl { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }
}

/// <summary>
/// One webhook (Nris:Notifications:Webhooks:N): where to POST, the shared secret the body is signed with, and which
/// organizations' reminders it receives (empty: all).
/// </summary>
public sealed class WebhookOptions
{
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
    public List<string> Organizations { get; set; } = [];
}

/// <summary>Reminder timing and channels, bound from configuration section <c>Nris:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Nris:Notifications";

    /// <summary>Whether the reminder pass runs at all.</summary>
    public bool Enabled { get; set; } = true;

    public int DaysBefore { get; set; } = 3;
    public int EscalateAfterDays { get; set; }
    public int WindowDays { get; set; } = 30;

    /// <summary>How often (real seconds) the follower runs the reminder pass.</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>How many times one e-mail or webhook delivery is tried before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry waits this long; each later one twice as long as the one before.</summary>
    public int RetryBaseSeconds { get; set; } = 30;

    /// <summary>How long one e-mail or webhook call may take.</summary>
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Only these regimes are chased; empty: all.</summary>
    public List<string> Regimes { get; set; } = [];

    public SmtpOptions Smtp { get; set; } = new();
    public List<WebhookOptions> Webhooks { get; set; } = [];

    public ReminderPolicy Policy => new(Math.Clamp(DaysBefore, 0, 60), Math.Clamp(EscalateAfterDays, 0, 60), Math.Clamp(WindowDays, 0, 400), Regimes);
}
