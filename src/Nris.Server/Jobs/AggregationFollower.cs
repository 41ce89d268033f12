using Microsoft.EntityFrameworkCore;
using Nris.Server.Aggregation;
using Nris.Storage;

namespace Nris.Server.Jobs;

/// <summary>
/// Keeps the aggregates following the ledger: builds them when the server starts (after the bootstrap, before the
/// first request), then applies new ledger entries whenever the submission engine rings <see cref="LedgerNotifier"/>
/// or, at the latest, every <c>Nris:Aggregation:PollMilliseconds</c> (default 200) — the poll is what lets several
/// replicas follow one PostgreSQL ledger that any of them appends to.
/// </summary>
public sealed class AggregationFollower(
    AggregationProjection projection,
    IDbContextFactory<NrisDbContext> contexts,
    LedgerNotifier notifier,
    IConfiguration configuration,
    ILogger<AggregationFollower> logger) : BackgroundService
{
    private readonly TimeSpan _poll = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Nris:Aggregation:PollMilliseconds", 200), 10, 60_000));

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Built before the server listens, so no request ever meets an unbuilt engine.
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await projection.BuildAsync(db, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!projection.ImageBehind)
        {
            return;
        }

        // A clean shutdown leaves an image of everything applied, so the next start-up replays nothing.
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await projection.SaveImageAsync(db, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "The current-values image was not written at shutdown; the next start-up applies more ledger entries");
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                await projection.CatchUpAsync(db, stoppingToken);
                if (projection.ImageDue)
                {
                    await projection.SaveImageAsync(db, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A database hiccup must not end the follower: the entry is retried at the next poll.
                logger.LogError(e, "Applying ledger entries to the aggregates failed; retrying");
            }

            try
            {
                await notifier.WaitAsync(_poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
