using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nris.Core.Ledger;
using Nris.Server.Auth;
using Nris.Server.Federation;
using Nris.Server.Tests.Admin;
using Nris.Storage;

namespace Nris.Server.Tests.Federation;

/// <summary>
/// The downward catalogue between two real in-process servers (each Kestrel on its own SQLite file): the parent's feed
/// refuses bad input and strangers; a child that holds the wrong parent key refuses the first change as a bad
/// signature, shows it and stops until resumed (audited); a parent version that does not move forward from what the
/// child holds is refused as going backwards, and the child's own version is left as it was.
/// </summary>
public sealed class CatalogueFeedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_child_refuses_a_change_signed_by_another_key_and_a_version_that_goes_backwards_and_shows_both()
    {
        await using var parent = new NrisServerFixture { LoadHistory = false };
        await using var child = new NrisServerFixture { LoadHistory = false };
        await parent.InitializeAsync();
        await child.InitializeAsync();

        using var parentAdmin = await parent.AdminAsync();
        using var childAdmin = await child.AdminAsync();
        var key = (await parentAdmin.PostJsonAsync("/api/admin/clients", new { name = "child-instance", organizationCode = "UBND.01", role = "reporter" }, 201))
            .GetProperty("key").GetString()!;
        var childPem = (await childAdmin.GetJsonAsync("/api/ledger/public-key")).GetProperty("publicKeyPem").GetString()!;
        await parentAdmin.PostJsonAsync("/api/admin/federation/instances", new { instanceId = "child", organizationCode = "UBND.01", publicKeyPem = childPem }, 201);
        var parentKey = await parentAdmin.GetJsonAsync("/api/ledger/public-key");
        var parentPem = parentKey.GetProperty("publicKeyPem").GetString()!;
        var parentKeyId = parentKey.GetProperty("keyId").GetString();

        // The same new regime at both ends (as if loaded from the same files).
        var code = "FED-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var v1 = await CatalogueAdminTests.NewRegimeAsync(parentAdmin, code, "UBND.01");
        await parentAdmin.PostJsonAsync("/api/admin/regimes", v1, 201);
        await childAdmin.PostJsonAsync("/api/admin/regimes", v1, 201);

        // The feed itself: bad input names the field; a caller that is not the registered child's credential finds nothing.
        using (var feed = new HttpClient { BaseAddress = parent.BaseAddress })
        {
            feed.DefaultRequestHeaders.Add("X-Api-Key", key);
            await AssertProblemAsync(await feed.GetAsync("/api/federation/catalogue?instanceId=child&after=-1", Ct), 400, "after");
            await AssertProblemAsync(await feed.GetAsync("/api/federation/catalogue?instanceId=child&limit=0", Ct), 400, "limit");
            await AssertProblemAsync(await feed.GetAsync("/api/federation/catalogue", Ct), 400, "instanceId");
            await AssertProblemAsync(await feed.GetAsync("/api/federation/catalogue?instanceId=nobody", Ct), 404, null);
            // The catalogue files a server starts from are not ledger entries; the regime created above is the first change.
            var page = JsonDocument.Parse(await feed.GetStringAsync("/api/federation/catalogue?instanceId=child&limit=1", Ct)).RootElement;
            var item = page.GetProperty("items").EnumerateArray().Single();
            Assert.Equal(page.GetProperty("head").GetInt64(), item.GetProperty("sequence").GetInt64());
            Assert.Equal(LedgerEntryKind.CatalogueChanged, item.GetProperty("kind").GetString());
            Assert.Equal(parentKeyId, item.GetProperty("signature").GetProperty("keyId").GetString());
        }
        var other = (await parentAdmin.PostJsonAsync("/api/admin/clients", new { name = "someone-else", organizationCode = "UBND.79", role = "reporter" }, 201))
            .GetProperty("key").GetString()!;
        using (var stranger = new HttpClient { BaseAddress = parent.BaseAddress })
        {
            stranger.DefaultRequestHeaders.Add("X-Api-Key", other);
            await AssertProblemAsync(await stranger.GetAsync("/api/federation/catalogue?instanceId=child", Ct), 404, null);
        }

        // 1. The child holds a key that is not the parent's: the very first change is refused and the subscription stops.
        using var stranger2 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var wrong = Subscription(child, parent, key, stranger2.ExportSubjectPublicKeyInfoPem());
        Assert.False(await wrong.SyncOnceAsync(Ct));
        var status = await childAdmin.GetJsonAsync("/api/admin/federation/catalogue");
        Assert.Equal("stopped", status.GetProperty("state").GetString());
        Assert.Equal(0, status.GetProperty("appliedSequence").GetInt64());
        var refused = status.GetProperty("changes").EnumerateArray().Single();
        Assert.Equal("refused", refused.GetProperty("outcome").GetString());
        Assert.Equal("bad-signature", refused.GetProperty("refusalCode").GetString());
        Assert.False(string.IsNullOrEmpty(refused.GetProperty("messageVi").GetString()));
        Assert.Contains("signature", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        // Stopped means stopped: a second pass asks nothing and records nothing.
        Assert.False(await wrong.SyncOnceAsync(Ct));
        Assert.Single((await childAdmin.GetJsonAsync("/api/admin/federation/catalogue")).GetProperty("changes").EnumerateArray());

        // The operator fixes the key and resumes; the resume is audited.
        await childAdmin.PostJsonAsync("/api/admin/federation/catalogue/resume", new { }, 204);
        await using (var scope = child.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            Assert.True(await db.AuditEvents.AnyAsync(a => a.Action == AuditActions.FederationCatalogueResumed, Ct));
        }

        // 2. Both ends publish a version 2, differently: the parent's does not move forward from what the child holds.
        using (var response = await CatalogueAdminTests.PutAsync(parentAdmin, "/api/admin/regimes/" + code, CatalogueAdminTests.NextVersion(v1, 2, "2026-06-01")))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }
        var childV2 = CatalogueAdminTests.NextVersion(v1, 2, "2027-01-01");
        using (var response = await CatalogueAdminTests.PutAsync(childAdmin, "/api/admin/regimes/" + code, childV2))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }
        var right = Subscription(child, parent, key, parentPem);
        Assert.False(await right.SyncOnceAsync(Ct));
        status = await childAdmin.GetJsonAsync("/api/admin/federation/catalogue");
        Assert.Equal("stopped", status.GetProperty("state").GetString());
        var changes = status.GetProperty("changes").EnumerateArray().ToList();
        var backwards = changes[0];
        Assert.Equal("refused", backwards.GetProperty("outcome").GetString());
        Assert.Equal("version-backwards", backwards.GetProperty("refusalCode").GetString());
        Assert.Equal(code, backwards.GetProperty("code").GetString());
        Assert.Equal(2, backwards.GetProperty("version").GetInt32());
        // What came before it was dealt with: the regime both ends already had is recognized as present.
        Assert.Contains(changes, c => c.GetProperty("outcome").GetString() == "present" && c.GetProperty("code").GetString() == code);
        Assert.True(status.GetProperty("appliedSequence").GetInt64() > 0);
        Assert.Equal(backwards.GetProperty("parentSequence").GetInt64(), status.GetProperty("parentHead").GetInt64());
        Assert.True(status.GetProperty("behind").GetBoolean());
        // The child's own version 2 is untouched, and nothing of the parent's was written to the child's ledger.
        var versions = await childAdmin.GetJsonAsync($"/api/admin/regimes/{code}/versions");
        Assert.Equal("2027-01-01", versions.GetProperty("versions")[1].GetProperty("validity").GetProperty("from").GetString());
        await using (var scope = child.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NrisDbContext>();
            Assert.False(await db.LedgerEntries.AnyAsync(e => e.Kind == LedgerEntryKind.CatalogueChanged && e.Actor.StartsWith("federation:parent#"), Ct));
        }

        // The parent's status of the link shows where the child stood when it last read the feed (before this page).
        var instance = (await parentAdmin.GetJsonAsync("/api/federation/instances")).EnumerateArray().Single(i => i.GetProperty("instanceId").GetString() == "child");
        Assert.InRange(instance.GetProperty("catalogueSequence").GetInt64(), 0, status.GetProperty("appliedSequence").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, instance.GetProperty("catalogueReadAt").ValueKind);
    }

    private static CatalogueSubscription Subscription(NrisServerFixture child, NrisServerFixture parent, string key, string parentPem)
    {
        var options = new FederationOptions(parent.BaseAddress, key, "child", new HashSet<string>(StringComparer.Ordinal), 100, 8 << 20,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)) { ParentPublicKeyPem = parentPem };
        return new CatalogueSubscription(options, child.Services.GetRequiredService<IServiceScopeFactory>(),
            child.Services.GetRequiredService<IHttpClientFactory>(), TimeProvider.System, NullLogger<CatalogueSubscription>.Instance);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string? field)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True((int)response.StatusCode == status, body);
            Assert.Contains("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
            if (field is not null)
            {
                Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
                Assert.Contains("detailVi", body, StringComparison.Ordinal);
            }
        }
    }
}
