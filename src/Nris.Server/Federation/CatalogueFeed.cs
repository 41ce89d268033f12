using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Federation;
using Nris.Core.Ledger;
using Nris.Core.Security;
using Nris.Server.Api;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Storage;
using Nris.Storage.Federation;

namespace Nris.Server.Federation;

/// <summary>The child's subscription to its parent's catalogue, as its status API shows it.</summary>
public sealed record CatalogueSubscriptionDto(
    bool Configured, string? ParentUrl, string State, long AppliedSequence, long ParentHead, bool Behind, DateTimeOffset? LastSuccessAt,
    long FailedAttempts, string? LastError, DateTimeOffset? LastErrorAt, IReadOnlyList<CatalogueFeedChangeDto> Changes);

/// <summary>What became of one of the parent's catalogue changes at this child.</summary>
public sealed record CatalogueFeedChangeDto(
    long ParentSequence, string Change, string Code, int Version, string Outcome, string? RefusalCode, long? LocalSequence,
    string? MessageEn, string? MessageVi, DateTimeOffset Time);

/// <summary>
/// Downward federation (issue #9): the parent publishes its catalogue changes (its <c>catalogue.changed</c> ledger
/// entries, each with a checkpoint signed by its instance key) to registered children; a child follows that feed with
/// <see cref="CatalogueSubscription"/> and shows where it stands.
/// </summary>
public static class CatalogueFeedEndpoints
{
    public const int MaxItems = 100;

    public static IEndpointRouteBuilder MapCatalogueFeedEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/federation/catalogue", FeedAsync).WithTags("Federation").RequireNrisAccess(Role.Reporter)
            .WithSummary("The catalogue changes after ?after= (a parent ledger sequence), each signed by this instance's key, for a registered child (?instanceId=).");
        routes.MapGet("/api/admin/federation/catalogue", StatusAsync).WithTags("Federation").RequireNrisAccess(Role.SystemAdministrator)
            .WithSummary("This instance's subscription to its parent's catalogue: cursor, state, last error, what became of each change.");
        routes.MapPost("/api/admin/federation/catalogue/resume", ResumeAsync).WithTags("Federation").RequireNrisAccess(Role.SystemAdministrator)
            .WithSummary("Resume the catalogue subscription after a refused change was dealt with; the refused change is tried again.");
        return routes;
    }

    private static async Task<Results<Ok<CatalogueFeedDto>, ProblemHttpResult>> FeedAsync(
        string? instanceId, long? after, int? limit, AccessScope scope, NrisDbContext db, CheckpointService checkpoints, TimeProvider time,
        CancellationToken ct)
    {
        if (instanceId is not { Length: > 0 and <= FederationEndpoints.MaxInstanceIdLength })
        {
            return Problems.BadRequest("instanceId", "instanceId is required (1 to 64 characters).", "Cần instanceId (1 đến 64 ký tự).");
        }
        if (after is { } a && a < 0)
        {
            return Problems.BadRequest("after", "after must be a parent ledger sequence ≥ 0.", "after phải là số thứ tự sổ cái ≥ 0.");
        }
        if (limit is { } l && l is < 1 or > MaxItems)
        {
            return Problems.BadRequest("limit", $"limit must be 1 to {MaxItems}.", $"limit phải từ 1 đến {MaxItems}.");
        }
        var instance = await db.FederationInstances.SingleOrDefaultAsync(i => i.InstanceId == instanceId, ct);
        // Only a registered child's own credential reads its feed; to anyone else the instance does not exist.
        if (instance is null || !(scope.IsSystemAdministrator || scope.Grants.Any(g => g.Role == Role.Reporter && g.OrganizationCode == instance.OrganizationCode)))
        {
            return Problems.NotFound("Federated instance", instanceId, "Hệ thống liên kết");
        }
        var from = after ?? 0;
        var rows = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.Kind == LedgerEntryKind.CatalogueChanged && e.Sequence > from)
            .OrderBy(e => e.Sequence).Take(limit ?? 50).ToListAsync(ct);
        var head = await db.LedgerEntries.Where(e => e.Kind == LedgerEntryKind.CatalogueChanged).MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        var now = LedgerTime.Normalize(time.GetUtcNow());
        var signer = checkpoints.Signer;
        var items = rows.ConvertAll(r =>
        {
            var signature = signer.Sign(r.Sequence, r.Hash, now);
            return new CatalogueFeedItemDto(r.Sequence, r.Kind, Convert.ToBase64String(r.Payload), r.Actor, r.TimeUs,
                Convert.ToHexStringLower(r.PreviousHash), Convert.ToHexStringLower(r.Hash),
                new ForwardedCheckpointDto(signature.Sequence, Convert.ToHexStringLower(signature.Hash), LedgerTime.ToUnixMicroseconds(signature.Time),
                    signature.KeyId, Convert.ToBase64String(signature.Signature)));
        });

        // What the child says it has applied, for the parent's status of the link (an administrator looking is not the child).
        if (!scope.IsSystemAdministrator)
        {
            instance.CatalogueSequence = from;
            instance.CatalogueReadUs = LedgerTime.ToUnixMicroseconds(now);
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(new CatalogueFeedDto(instanceId, head, items));
    }

    private static async Task<Ok<CatalogueSubscriptionDto>> StatusAsync(FederationOptions options, NrisDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await CatalogueSubscription.StatusAsync(options, db, ct));

    private static async Task<NoContent> ResumeAsync(NrisDbContext db, AuditLog audit, CancellationToken ct)
    {
        var row = await db.FederationCatalogueFeed.SingleOrDefaultAsync(c => c.Name == CatalogueSubscription.CursorName, ct);
        var was = row?.State ?? "ok";
        if (row is not null)
        {
            row.State = "ok";
            await db.SaveChangesAsync(ct);
        }
        await audit.WriteAsync(AuditActions.FederationCatalogueResumed, "catalogue subscription", null, "state was " + was, ct);
        return TypedResults.NoContent();
    }
}

/// <summary>
/// The child's subscription to the parent's catalogue: every <see cref="FederationOptions.CataloguePoll"/> it asks the
/// parent for the catalogue changes after its cursor, verifies each (hash recomputed, the parent's signature checked
/// under <see cref="FederationOptions.ParentPublicKeyPem"/>), and applies it through <see cref="CatalogueAdministration"/>
/// as its own <c>catalogue.changed</c> ledger entry, so both ends hold the same forms. A change whose version goes
/// backwards, that does not verify, or that does not fit this catalogue is refused, recorded and shown, and the
/// subscription stops until an administrator resumes it. The cursor is kept in <c>federation_catalogue_feed</c>;
/// failures to reach the parent are retried with exponential backoff.
/// </summary>
public sealed class CatalogueSubscription(
    FederationOptions options, IServiceScopeFactory scopes, IHttpClientFactory httpClients, TimeProvider time, ILogger<CatalogueSubscription> logger)
    : BackgroundService
{
    public const string CursorName = "parent";
    private const int PageSize = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.IsChild)
        {
            return;
        }
        if (!options.SubscribesToCatalogue)
        {
            logger.LogWarning("Federation: no parent public key (Nris:Federation:Parent:PublicKeyPem or PublicKeyFile); the parent's catalogue is not followed");
            return;
        }
        try
        {
            using var check = new CheckpointVerifier([options.ParentPublicKeyPem!]);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            // A key that cannot be read is a configuration error: say so and follow nothing, rather than stop the server.
            logger.LogError("Federation: the parent public key cannot be read ({Error}); the parent's catalogue is not followed", e.Message);
            await RecordFailureAsync("The parent public key cannot be read: " + e.Message, stoppingToken);
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await SyncOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FederationForwardException or DbUpdateException or JsonException)
            {
                failures++;
                await RecordFailureAsync(e.Message, stoppingToken);
                var delay = TimeSpan.FromMilliseconds(Math.Min(options.MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures, 16))));
                logger.LogWarning("Federation: reading the parent's catalogue failed ({Failures} in a row), next try in {Delay}: {Error}", failures, delay, e.Message);
                await Task.Delay(delay, time, stoppingToken);
                continue;
            }
            if (!more)
            {
                await Task.Delay(options.CataloguePoll, time, stoppingToken);
            }
        }
    }

    /// <summary>Reads and deals with the next page of the parent's feed; returns whether there may be more at once.</summary>
    public async Task<bool> SyncOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
        var cursor = await db.FederationCatalogueFeed.SingleOrDefaultAsync(c => c.Name == CursorName, cancellationToken);
        if (cursor is null)
        {
            cursor = new FederationCatalogueFeedEntity { Name = CursorName, State = "ok" };
            db.FederationCatalogueFeed.Add(cursor);
            await db.SaveChangesAsync(cancellationToken);
        }
        if (cursor.State != "ok")
        {
            return false;
        }

        var http = httpClients.CreateClient(FederationOutbox.HttpClientName);
        var address = new Uri(options.ParentUrl!, string.Create(CultureInfo.InvariantCulture,
            $"api/federation/catalogue?instanceId={Uri.EscapeDataString(options.InstanceId)}&after={cursor.AppliedSequence}&limit={PageSize}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Add("X-Api-Key", options.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        using var response = await http.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            throw new FederationForwardException($"The parent answered {(int)response.StatusCode}: {(text.Length > 500 ? text[..500] : text)}");
        }
        var feed = await response.Content.ReadFromJsonAsync<CatalogueFeedDto>(JsonSerializerOptions.Web, timeout.Token)
            ?? throw new FederationForwardException("The parent answered an empty catalogue feed.");

        using var verifier = new CheckpointVerifier([options.ParentPublicKeyPem!]);
        var administration = scope.ServiceProvider.GetRequiredService<CatalogueAdministration>();
        var catalogue = scope.ServiceProvider.GetRequiredService<CatalogueState>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var now = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
        foreach (var dto in feed.Items ?? [])
        {
            var (record, refused) = await DealWithAsync(dto, cursor.AppliedSequence, verifier, administration, catalogue, now, cancellationToken);
            db.ChangeTracker.Clear();
            cursor = await db.FederationCatalogueFeed.SingleAsync(c => c.Name == CursorName, cancellationToken);
            db.FederationCatalogueChanges.Add(record);
            if (refused)
            {
                cursor.State = "stopped";
                cursor.LastError = Truncate(record.MessageEn ?? record.RefusalCode ?? "refused");
                cursor.LastErrorUs = now;
                cursor.ParentHead = feed.Head;
                await db.SaveChangesAsync(cancellationToken);
                logger.LogWarning("Federation: catalogue change {Sequence} of the parent refused ({Code}): {Message}", dto.Sequence, record.RefusalCode, record.MessageEn);
                return false;
            }
            cursor.AppliedSequence = dto.Sequence;
            await db.SaveChangesAsync(cancellationToken);
            if (record.Outcome == "applied")
            {
                await audit.WriteAsync(AuditActions.FederationCatalogueApplied, record.Change + " " + record.Code, null,
                    string.Create(CultureInfo.InvariantCulture, $"version {record.Version}; parent ledger {record.ParentSequence}; local ledger {record.LocalSequence}"),
                    cancellationToken, actor: "federation:parent");
            }
        }
        db.ChangeTracker.Clear();
        cursor = await db.FederationCatalogueFeed.SingleAsync(c => c.Name == CursorName, cancellationToken);
        cursor.ParentHead = feed.Head;
        cursor.LastSuccessUs = now;
        cursor.Attempts = 0;
        await db.SaveChangesAsync(cancellationToken);
        return feed.Items is { Count: PageSize };
    }

    private static async Task<(FederationCatalogueChangeEntity Record, bool Refused)> DealWithAsync(
        CatalogueFeedItemDto dto, long cursor, CheckpointVerifier verifier, CatalogueAdministration administration, CatalogueState state,
        long now, CancellationToken cancellationToken)
    {
        FederationCatalogueChangeEntity Refuse(string code, string en, string vi, PublishedCatalogueChange? change = null) => new()
        {
            ParentSequence = dto.Sequence, Change = change?.Change ?? "?", Code = Truncate(change?.Code ?? "", 100), Version = change?.Version ?? 0,
            Outcome = "refused", RefusalCode = code, MessageEn = Truncate(en), MessageVi = Truncate(vi), TimeUs = now,
        };
        var at = dto.Sequence.ToString(CultureInfo.InvariantCulture);
        if (dto.Sequence <= cursor)
        {
            return (Refuse("sequence-backwards", $"The parent sent change {at} after change {cursor}: its feed went backwards.",
                $"Hệ thống cấp trên gửi thay đổi {at} sau thay đổi {cursor}: nguồn cấp bị lùi."), true);
        }
        if (ToItem(dto) is not { } item)
        {
            return (Refuse("malformed", $"Parent change {at} is not well formed (hashes, payload, time or signature).",
                $"Thay đổi {at} của hệ thống cấp trên không đúng định dạng."), true);
        }
        if (CatalogueFeedCheck.Verify(verifier, item) is { } broken)
        {
            return (Refuse(broken.Code, broken.MessageEn, broken.MessageVi), true);
        }
        PublishedCatalogueChange change;
        try
        {
            change = PublishedCatalogueChange.Parse(item.Payload);
        }
        catch (FormatException e)
        {
            return (Refuse("malformed-payload", $"Parent change {at}: {e.Message}", $"Thay đổi {at} của hệ thống cấp trên: nội dung không đúng định dạng."), true);
        }
        FederationCatalogueChangeEntity Done(string outcome, long? local = null, string? en = null, string? vi = null) => new()
        {
            ParentSequence = dto.Sequence, Change = change.Change, Code = Truncate(change.Code, 100), Version = change.Version, Outcome = outcome,
            LocalSequence = local, MessageEn = en, MessageVi = vi, TimeUs = now,
        };
        if (!change.IsApplicable)
        {
            return (Done("skipped", en: "The parent imported whole catalogue files; a child loads the same files itself (nris catalogue import).",
                vi: "Hệ thống cấp trên nhập cả tệp danh mục; hệ thống con tự nhập cùng các tệp đó (nris catalogue import)."), false);
        }

        var current = state.Current;
        var actor = Truncate($"federation:parent#{at}:{item.Actor}", 256);
        Func<CatalogueContent, (CatalogueChangeRefusal?, CatalogueChange?)> build;
        switch (change.Change)
        {
            case PublishedCatalogueChange.RegimeCreated or PublishedCatalogueChange.RegimeVersioned:
            {
                var regime = change.Regime!;
                var versions = current.RegimeVersions(regime.Code);
                var latest = versions.Count > 0 ? versions[^1] : null;
                var mine = versions.FirstOrDefault(v => v.Version == regime.Version);
                if (mine is not null)
                {
                    // Already here (the same catalogue files, or applied before a crash lost the cursor). A later version
                    // may have closed it since, so its end date is not compared.
                    return SameRegime(mine, regime)
                        ? (Done("present"), false)
                        : (Refuse("version-backwards",
                            $"Parent change {at} publishes version {regime.Version} of {regime.Code}, but this instance already has a different version {regime.Version} (latest {latest!.Version}).",
                            $"Thay đổi {at} ban hành phiên bản {regime.Version} của {regime.Code}, nhưng hệ thống này đã có phiên bản {regime.Version} khác (mới nhất {latest.Version}).", change), true);
                }
                if (latest is not null && regime.Version < latest.Version)
                {
                    return (Refuse("version-backwards", $"Parent change {at}: version {regime.Version} of {regime.Code} is older than this instance's {latest.Version}.",
                        $"Thay đổi {at}: phiên bản {regime.Version} của {regime.Code} cũ hơn phiên bản {latest.Version} của hệ thống này.", change), true);
                }
                if (change.Change == PublishedCatalogueChange.RegimeCreated)
                {
                    build = content => (CatalogueChanges.TryCreateRegime(content, regime, out var made), made);
                }
                else
                {
                    build = content =>
                    {
                        var refusal = CatalogueChanges.TryPublishRegimeVersion(content, regime, out var made);
                        // The previous version must close exactly as it closed at the parent, or the two catalogues differ.
                        if (made is not null && (made.Closed?.Version != change.ClosedVersion || made.Closed?.Validity.To != change.ClosedTo))
                        {
                            return (new CatalogueChangeRefusal("validity", "phiên bản trước kết thúc khác với hệ thống cấp trên",
                                "the previous version would close differently than at the parent"), null);
                        }
                        return (refusal, made);
                    };
                }
                break;
            }
            case PublishedCatalogueChange.CodelistChanged:
            {
                var codelist = change.Codelist!;
                if (current.Codelists.TryGetValue(codelist.Code, out var mine) && PublishedCatalogueChange.Same(mine, codelist))
                {
                    return (Done("present"), false);
                }
                build = content => (CatalogueChanges.TrySetCodelist(content, codelist, out var made), made);
                break;
            }
            case PublishedCatalogueChange.CategoryChanged:
            {
                var category = change.Category!;
                if (current.Categories.TryGetValue(category.Code, out var mine) && PublishedCatalogueChange.Same(mine, category))
                {
                    return (Done("present"), false);
                }
                build = content => (CatalogueChanges.TrySetCategory(content, category, out var made), made);
                break;
            }
            case PublishedCatalogueChange.TerritoryChanged:
            {
                var territorial = change.Territorial!;
                switch (TerritoryChangePresence(current.Content, territorial))
                {
                    case Presence.All:
                        return (Done("present"), false);
                    case Presence.Some:
                        return (Refuse("diverged",
                            $"Parent change {at} changes the administrative map from {territorial.Effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, but this instance already holds part of it, or holds it differently.",
                            $"Thay đổi {at} thay đổi bản đồ hành chính từ {territorial.Effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, nhưng hệ thống này đã có một phần hoặc có khác đi.", change), true);
                }
                build = content => (CatalogueChanges.TryChangeTerritories(content, territorial, out var made), made);
                break;
            }
            default:
            {
                var indicator = change.Indicator!;
                if (current.Indicators.TryGetValue(indicator.Code, out var mine))
                {
                    if (PublishedCatalogueChange.Same(mine, indicator))
                    {
                        return (Done("present"), false);
                    }
                    if (change.Change == PublishedCatalogueChange.IndicatorCreated)
                    {
                        return (Refuse("diverged", $"Parent change {at} creates indicator {indicator.Code}, which this instance already has with another definition.",
                            $"Thay đổi {at} tạo chỉ tiêu {indicator.Code}, nhưng hệ thống này đã có chỉ tiêu đó với định nghĩa khác.", change), true);
                    }
                    build = content => (CatalogueChanges.TryReplaceIndicator(content, indicator, out var made), made);
                }
                else
                {
                    build = content => change.Change == PublishedCatalogueChange.IndicatorCreated
                        ? (CatalogueChanges.TryCreateIndicator(content, indicator, out var made), made)
                        : (CatalogueChanges.TryReplaceIndicator(content, indicator, out var replaced), replaced);
                }
                break;
            }
        }

        var result = await administration.ApplyAsync(build, actor, cancellationToken);
        if (result.Outcome == CatalogueChangeOutcome.Done)
        {
            return (Done("applied", result.Entry!.Sequence), false);
        }
        var en = result.Refusal?.MessageEn
            ?? string.Join("; ", (result.Problems ?? []).Take(5).Select(p => $"{p.ItemKind} {p.Code}: {p.MessageEn}"));
        var vi = result.Refusal?.Message
            ?? string.Join("; ", (result.Problems ?? []).Take(5).Select(p => $"{p.ItemKind} {p.Code}: {p.Message}"));
        return (Refuse("not-applicable", $"Parent change {at} ({change.Change} {change.Code}) cannot be applied here: {en}",
            $"Thay đổi {at} ({change.Change} {change.Code}) không áp dụng được: {vi}", change), true);
    }

    private enum Presence
    {
        None,
        Some,
        All,
    }

    // Whether this instance already has the change's new versions and links (the same reference files, or applied
    // before a crash lost the cursor): all of them identical is "present"; none is to apply; anything between diverged.
    private static Presence TerritoryChangePresence(CatalogueContent content, TerritoryChange change)
    {
        var territories = content.Territories.Where(t => t.Validity.From == change.Effective).ToDictionary(t => t.Key, StringComparer.Ordinal);
        var organizations = content.Organizations.Where(o => o.Validity.From == change.Effective).ToDictionary(o => o.Key, StringComparer.Ordinal);
        var links = content.TerritorySuccessions.Where(l => l.Effective == change.Effective).ToHashSet();
        var organizationLinks = content.OrganizationSuccessions.Where(l => l.Effective == change.Effective).ToHashSet();
        var found = 0;
        var same = 0;
        void Count(bool exists, bool identical)
        {
            found += exists ? 1 : 0;
            same += identical ? 1 : 0;
        }
        foreach (var t in change.Territories)
        {
            var exists = territories.TryGetValue(t.Key, out var mine);
            Count(exists, exists && PublishedCatalogueChange.Same(mine!, t));
        }
        foreach (var o in change.Organizations ?? [])
        {
            var exists = organizations.TryGetValue(o.Key, out var mine);
            Count(exists, exists && PublishedCatalogueChange.Same(mine!, o));
        }
        foreach (var l in change.Successions)
        {
            Count(links.Contains(l), links.Contains(l));
        }
        foreach (var l in change.OrganizationSuccessions ?? [])
        {
            Count(organizationLinks.Contains(l), organizationLinks.Contains(l));
        }
        var total = change.Territories.Count + (change.Organizations?.Count ?? 0) + change.Successions.Count + (change.OrganizationSuccessions?.Count ?? 0);
        return found == 0 ? Presence.None : same == total ? Presence.All : Presence.Some;
    }

    private static bool SameRegime(Regime mine, Regime published) =>
        PublishedCatalogueChange.Same(mine with { Validity = mine.Validity with { To = null } }, published with { Validity = published.Validity with { To = null } });

    private static CatalogueFeedItem? ToItem(CatalogueFeedItemDto dto)
    {
        try
        {
            if (dto.Kind is null || dto.Payload is null || dto.Actor is null || dto.PreviousHash is null || dto.Hash is null
                || dto.Signature is not { Hash: { } signedHash, KeyId: { } keyId, Signature: { } signature })
            {
                return null;
            }
            return new CatalogueFeedItem(dto.Sequence, dto.Kind, Convert.FromBase64String(dto.Payload), dto.Actor, LedgerTime.FromUnixMicroseconds(dto.TimeUs),
                Convert.FromHexString(dto.PreviousHash), Convert.FromHexString(dto.Hash),
                new Checkpoint(dto.Signature.Sequence, Convert.FromHexString(signedHash), LedgerTime.FromUnixMicroseconds(dto.Signature.TimeUs), keyId,
                    Convert.FromBase64String(signature)));
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The subscription's state for the status API and the status page.</summary>
    public static async Task<CatalogueSubscriptionDto> StatusAsync(FederationOptions options, NrisDbContext db, CancellationToken ct)
    {
        var cursor = await db.FederationCatalogueFeed.AsNoTracking().SingleOrDefaultAsync(c => c.Name == CursorName, ct);
        var changes = await db.FederationCatalogueChanges.AsNoTracking().OrderByDescending(c => c.Id).Take(20).ToListAsync(ct);
        return new CatalogueSubscriptionDto(options.SubscribesToCatalogue, options.ParentUrl?.ToString(), cursor?.State ?? (options.SubscribesToCatalogue ? "ok" : "off"),
            cursor?.AppliedSequence ?? 0, cursor?.ParentHead ?? 0, (cursor?.ParentHead ?? 0) > (cursor?.AppliedSequence ?? 0), At(cursor?.LastSuccessUs),
            cursor?.Attempts ?? 0, cursor?.LastError, At(cursor?.LastErrorUs),
            changes.ConvertAll(c => new CatalogueFeedChangeDto(c.ParentSequence, c.Change, c.Code, c.Version, c.Outcome, c.RefusalCode, c.LocalSequence,
                c.MessageEn, c.MessageVi, LedgerTime.FromUnixMicroseconds(c.TimeUs))));
    }

    private static DateTimeOffset? At(long? us) => us is { } u ? LedgerTime.FromUnixMicroseconds(u) : null;

    private static string Truncate(string text, int max = 2000) => text.Length > max ? text[..max] : text;

    private async Task RecordFailureAsync(string error, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            var cursor = await db.FederationCatalogueFeed.SingleOrDefaultAsync(c => c.Name == CursorName, cancellationToken);
            if (cursor is null)
            {
                return;
            }
            cursor.Attempts++;
            cursor.LastError = Truncate(error);
            cursor.LastErrorUs = LedgerTime.ToUnixMicroseconds(LedgerTime.Normalize(time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning("Federation: could not record the catalogue failure: {Error}", e.Message);
        }
    }
}
