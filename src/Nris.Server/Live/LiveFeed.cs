using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Security;
using Nris.Server.Aggregation;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;
using Nris.Storage;

namespace Nris.Server.Live;

/// <summary>
/// The live channel of the web pages: a signed-in page connects here and is told when a report it may see (its scope
/// holds the reporter or the recipient) has been submitted, revised, accepted or returned and the aggregates include it.
/// The notice carries no numbers: the page re-reads itself through its own authorization.
/// </summary>
public sealed class LiveHub(LiveFeed feed, CatalogueState catalogue, TimeProvider clock) : Hub
{
    public override Task OnConnectedAsync()
    {
        var user = Context.User;
        if (user?.Identity?.IsAuthenticated == true)
        {
            feed.Register(Context.ConnectionId, new AccessScope(NrisClaims.Grants(user), catalogue.Current.Organizations, VietnamTime.Today(clock)));
        }

        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        feed.Unregister(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// Watches the aggregation view's last applied ledger entry; when it moves, finds the reports those entries touched and
/// notifies the connections whose scope may read them. Polling a number in memory costs nothing; the database is read
/// only when something happened.
/// </summary>
public sealed class LiveFeed(AggregationProjection projection, IServiceScopeFactory scopes, IHubContext<LiveHub> hub, ILogger<LiveFeed> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<string, AccessScope> _connections = new(StringComparer.Ordinal);
    private long _seen = -1;

    public void Register(string connectionId, AccessScope scope) => _connections[connectionId] = scope;

    public void Unregister(string connectionId) => _connections.TryRemove(connectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Poll);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!projection.IsReady)
            {
                continue;
            }

            var applied = projection.LastAppliedSequence;
            if (_seen < 0 || applied <= _seen || _connections.IsEmpty)
            {
                _seen = Math.Max(_seen, applied);
                continue;
            }

            try
            {
                var after = _seen;
                _seen = applied;
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
                var touched = await db.ReportEvents.AsNoTracking()
                    .Where(e => e.LedgerSequence > after && e.LedgerSequence <= applied)
                    .Join(db.Reports.AsNoTracking(), e => e.ReportId, r => r.Id, (e, r) => new { r.ReporterCode, r.RecipientCode })
                    .Distinct().ToListAsync(stoppingToken);
                var to = _connections.Where(c => touched.Any(t => c.Value.CanRead(t.ReporterCode) || c.Value.CanRead(t.RecipientCode)))
                    .Select(c => c.Key).ToList();
                if (to.Count > 0)
                {
                    await hub.Clients.Clients(to).SendAsync("changed", applied, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A page that missed one notice is told at the next; the feed itself must not stop.
                logger.LogWarning(e, "Live feed could not read the reports after ledger entry {Sequence}", _seen);
            }
        }
    }
}
