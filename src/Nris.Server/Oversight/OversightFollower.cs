using Microsoft.EntityFrameworkCore;
using Nris.Storage;

namespace Nris.Server.Oversight;

/// <summary>
/// Keeps the oversight views following the ledger: builds the compliance view when the server starts (before the
/// first request), then every <c>Nris:Oversight:PollMilliseconds</c> (default 500) applies new ledger entries and runs
/// the reminder pass. Polling rather than a doorbell, because the ledger's in-process doorbell has one reader (the
/// aggregates) and another replica's appends are only seen by polling anyway.
/// </summary>
public sealed class OversightFollower(
    ComplianceProjection compliance,
    TargetService targets,
    ReminderService reminders,
    IDbContextFactory<NrisDbContext> contexts,
    IConfiguration configuration,
    Microsoft.Extensions.Options.IOptions<NotificationOptions> notifications,
    ILogger<OversightFollower> logger) : BackgroundService
{
    private DateTime _nextReminderPass = DateTime.MinValue;

    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Nris:Oversight:PollMilliseconds", 500), 10, 60_000));

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await compliance.BuildAsync(db, cancellationToken);
        }

        // The targets view: the files' targets with every target entry of the ledger applied.
        await targets.CatchUpAsync(cancellationToken);

        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var db = await contexts.CreateDbContextAsync(stoppingToken))
                {
                    await compliance.CatchUpAsync(db, stoppingToken);
                }

                await targets.CatchUpAsync(stoppingToken);

                // The reminder pass reads every regime's calendar: once a minute (by default) is plenty.
                if (DateTime.UtcNow >= _nextReminderPass)
                {
                    _nextReminderPass = DateTime.UtcNow.AddSeconds(Math.Clamp(notifications.Value.IntervalSeconds, 1, 86_400));
                    await reminders.RunAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A database or mail-server hiccup must not end the follower: the next pass retries.
                logger.LogError(e, "Following the ledger for oversight failed; retrying");
            }

            try
            {
                await Task.Delay(_poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
