using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nris.Core.Ledger;
using Nris.Server.Auth;
using Nris.Server.Federation;
using Nris.Server.Tests.Admin;
using Nris.Server.Tests.Auth;
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

    // Registers the child instance (its public key) at the parent and returns the credential the child reads the feed with.
    private static async Task<string> RegisterChildAsync(ApiSession parentAdmin, ApiSession childAdmin)
    {
        var key = (await parentAdmin.PostJsonAsync("/api/admin/clients", new { name = "child-instance", organizationCode = "UBND.01", role = "reporter" }, 201))
            .GetProperty("key").GetString()!;
        var childPem = (await childAdmin.GetJsonAsync("/api/ledger/public-key")).GetProperty("publicKeyPem").GetString()!;
        await parentAdmin.PostJsonAsync("/api/admin/federation/instances", new { instanceId = "child", organizationCode = "UBND.01", publicKeyPem = childPem }, 201);
        return key;
    }

    [Fact]
    public async Task The_child_refuses_a_change_signed_by_another_key_and_a_version_that_goes_backwards_and_shows_both()
    {
        await using var parent = new NrisServerFixture { LoadHistory = false };
        await using var child = new NrisServerFixture { LoadHistory = false };
        await parent.InitializeAsync();
        await child.InitializeAsync();

        using var parentAdmin = await parent.AdminAsync();
        using var childAdmin = await child.AdminAsync();
        var key = await RegisterChildAsync(parentAdmin, childAdmin);
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

    [Fact]
    public async Task A_commune_merger_codelist_and_category_published_at_the_parent_reach_the_child_and_its_aggregates_follow_the_merger_as_now()
    {
        await using var parent = new NrisServerFixture { LoadHistory = false };
        await using var child = new NrisServerFixture { LoadHistory = false };
        await parent.InitializeAsync();
        await child.InitializeAsync();

        using var parentAdmin = await parent.AdminAsync();
        using var childAdmin = await child.AdminAsync();
        var key = await RegisterChildAsync(parentAdmin, childAdmin);
        var parentPem = (await parentAdmin.GetJsonAsync("/api/ledger/public-key")).GetProperty("publicKeyPem").GetString()!;

        // Two communes of Hà Nội report their 2025-Q4 figures at the child.
        var communes = (await childAdmin.GetJsonAsync("/api/territories?level=commune&at=2025-12-31")).GetProperty("items").EnumerateArray()
            .Where(t => t.GetProperty("provinceCode").GetString() == "01").OrderBy(t => t.GetProperty("code").GetString(), StringComparer.Ordinal).Take(2).ToList();
        Assert.Equal(2, communes.Count);
        var (a, b) = (communes[0].GetProperty("code").GetString()!, communes[1].GetProperty("code").GetString()!);
        var reporterKey = (await childAdmin.PostJsonAsync("/api/admin/clients", new { name = "reporter", organizationCode = "UBND.01", role = "reporter" }, 201))
            .GetProperty("key").GetString()!;
        using (var reporter = new HttpClient { BaseAddress = child.BaseAddress })
        {
            reporter.DefaultRequestHeaders.Add("X-Api-Key", reporterKey);
            foreach (var (commune, households) in new[] { (a, 1000m), (b, 1001m) })
            {
                var values = new Dictionary<string, decimal>(StringComparer.Ordinal)
                {
                    ["HOUSEHOLDS"] = households, ["POVERTY_RATE_MD"] = 4.25m, ["HEALTH_INSURANCE_COVERAGE"] = 92.5m, ["RICE_OUTPUT"] = 100.5m,
                    ["BUDGET_REVENUE"] = 5000m, ["DOSSIERS_RECEIVED"] = 300, ["DOSSIERS_ONTIME"] = 250, ["TRAFFIC_ACCIDENTS"] = 2,
                }.Select(v => new { indicator = v.Key, disaggregation = "_T", number = v.Value }).ToList();
                using var response = await reporter.PostAsJsonAsync($"/api/reports/KTXH-XA-QUY/2025-Q4/UBND.{commune}/submit", new { values }, Ct);
                Assert.True((int)response.StatusCode == 201, await response.Content.ReadAsStringAsync(Ct));
            }
        }

        // The parent merges the two communes into a new one from 1 July 2026, with its People's Committee, and publishes a
        // new codelist and a new category.
        var merged = "9" + a[1..];
        var province = communes[0];
        var change = new
        {
            effective = "2026-07-01",
            endTerritories = new[] { a, b },
            territories = new[]
            {
                new
                {
                    code = merged, validity = new { from = "2026-07-01" }, level = "commune", name = "Xã Hợp Nhất", nameEn = "Hop Nhat Commune",
                    shortName = "Hợp Nhất", shortNameEn = "Hop Nhat", parentCode = province.GetProperty("parentCode").GetString(), provinceCode = "01",
                    unitType = "Xã", unitTypeEn = "Commune",
                },
            },
            successions = new[]
            {
                new { fromCode = a, toCode = merged, effective = "2026-07-01", kind = "full", level = "commune", legalBasis = "NQ thử nghiệm" },
                new { fromCode = b, toCode = merged, effective = "2026-07-01", kind = "full", level = "commune", legalBasis = "NQ thử nghiệm" },
            },
            endOrganizations = new[] { "UBND." + a, "UBND." + b },
            organizations = new[]
            {
                new { code = "UBND." + merged, validity = new { from = "2026-07-01" }, kind = "communeCommittee", name = "UBND xã Hợp Nhất",
                      nameEn = "Hop Nhat Commune People's Committee", shortName = (string?)null, parentCode = "UBND.01", territoryCode = merged },
            },
            organizationSuccessions = new[]
            {
                new { fromCode = "UBND." + a, toCode = "UBND." + merged, effective = "2026-07-01", kind = "full" },
                new { fromCode = "UBND." + b, toCode = "UBND." + merged, effective = "2026-07-01", kind = "full" },
            },
            description = "Hợp nhất thử nghiệm / test merger",
        };

        // Bad input names the field, and changes nothing.
        using (var response = await parentAdmin.SendAsync(HttpMethod.Post, "/api/admin/territory-changes", new { endTerritories = new[] { a }, territories = Array.Empty<object>(), successions = Array.Empty<object>() }))
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(400, (int)response.StatusCode);
            Assert.Contains("effective", body, StringComparison.Ordinal);
            Assert.Contains("detailVi", body, StringComparison.Ordinal);
        }
        using (var response = await parentAdmin.SendAsync(HttpMethod.Post, "/api/admin/territory-changes",
            new { effective = "2026-07-01", endTerritories = new[] { a, b }, territories = change.territories,
                  successions = new[] { new { fromCode = a, toCode = merged, effective = "2026-08-01", kind = "full", level = "commune" } } }))
        {
            await AssertProblemAsync(response, 422, "successions[0].effective");
        }
        using (var response = await parentAdmin.SendAsync(HttpMethod.Post, "/api/admin/territory-changes",
            new { effective = "2026-07-01", endTerritories = new[] { "00000-nowhere" }, territories = Array.Empty<object>(), successions = Array.Empty<object>() }))
        {
            await AssertProblemAsync(response, 422, "endTerritories[0]");
        }

        var made = await parentAdmin.PostJsonAsync("/api/admin/territory-changes", change, 201);
        Assert.Equal(2, made.GetProperty("closedTerritories").GetArrayLength());
        Assert.Equal(2, made.GetProperty("closedOrganizations").GetArrayLength());
        // The same change again would overlap the versions it made: refused.
        using (var response = await parentAdmin.SendAsync(HttpMethod.Post, "/api/admin/territory-changes", change))
        {
            await AssertProblemAsync(response, 422, "territories");
        }
        using (var response = await parentAdmin.SendAsync(HttpMethod.Put, "/api/admin/codelists/FED_TEST",
            new { code = "FED_TEST", name = "Phân tổ thử", nameEn = "Test breakdown", codes = new[] { new { code = "A", name = "Loại A", nameEn = "Kind A" } } }))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }
        using (var response = await parentAdmin.SendAsync(HttpMethod.Put, "/api/admin/categories/FED_CAT",
            new { code = "FED_CAT", name = "Nhóm thử", nameEn = "Test category", order = 99 }))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }
        using (var response = await parentAdmin.SendAsync(HttpMethod.Put, "/api/admin/codelists/OTHER", new { code = "FED_TEST", name = "x", nameEn = "x", codes = Array.Empty<object>() }))
        {
            await AssertProblemAsync(response, 400, "code");
        }

        // Before the child follows: it does not know the new commune.
        Assert.Null(child.Services.GetRequiredService<Nris.Server.Catalogue.CatalogueState>().Current.Territories.Find(merged, new DateOnly(2026, 8, 1)));

        var subscription = Subscription(child, parent, key, parentPem);
        while (await subscription.SyncOnceAsync(Ct))
        {
        }
        var status = await childAdmin.GetJsonAsync("/api/admin/federation/catalogue");
        Assert.True(status.GetProperty("state").GetString() == "ok", status.GetRawText());
        var applied = status.GetProperty("changes").EnumerateArray().ToList();
        Assert.All(applied, c => Assert.Equal("applied", c.GetProperty("outcome").GetString()));
        Assert.Equal(["category.changed", "codelist.changed", "territory.changed"], applied.Select(c => c.GetProperty("change").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(status.GetProperty("parentHead").GetInt64(), status.GetProperty("appliedSequence").GetInt64());

        // The child's catalogue now has the parent's map, codelist and category.
        var catalogue = child.Services.GetRequiredService<Nris.Server.Catalogue.CatalogueState>().Current;
        Assert.Equal("Xã Hợp Nhất", catalogue.Territories.Find(merged, new DateOnly(2026, 8, 1))!.Name);
        Assert.Equal(new DateOnly(2026, 6, 30), catalogue.Territories.Find(a, new DateOnly(2026, 6, 30))!.Validity.To);
        Assert.Null(catalogue.Territories.Find(b, new DateOnly(2026, 7, 1)));
        Assert.Equal(2, catalogue.Territories.Predecessors(catalogue.Territories.Find(merged, new DateOnly(2026, 8, 1))!).Count);
        Assert.Equal(merged, catalogue.Organizations.Find("UBND." + merged, new DateOnly(2026, 8, 1))!.TerritoryCode);
        Assert.Equal("Kind A", catalogue.Codelists["FED_TEST"].Codes.Single().NameEn);
        Assert.Equal(99, catalogue.Categories["FED_CAT"].Order);
        // The same survives a restart of the child: it was stored, not only swapped in memory.
        await using (var scope = child.Services.CreateAsyncScope())
        {
            var stored = await new CatalogueStore(scope.ServiceProvider.GetRequiredService<NrisDbContext>()).LoadAsync(Ct);
            Assert.Contains(stored.Territories, t => t.Code == merged);
            Assert.Contains(stored.Territories, t => t.Code == b && t.Validity.To == new DateOnly(2026, 6, 30));
            Assert.Contains(stored.OrganizationSuccessions, s => s.ToCode == "UBND." + merged);
            Assert.Contains(stored.Codelists, c => c.Code == "FED_TEST");
            var entries = await scope.ServiceProvider.GetRequiredService<NrisDbContext>().LedgerEntries.AsNoTracking()
                .Where(e => e.Kind == LedgerEntryKind.CatalogueChanged && e.Actor.StartsWith("federation:parent#")).ToListAsync(Ct);
            Assert.Equal(3, entries.Count);
        }

        // The child's aggregates use the new map as now: the merged commune holds what its two predecessors reported,
        // while as then each old commune keeps its own figure.
        var territoryChange = applied.Single(c => c.GetProperty("change").GetString() == "territory.changed").GetProperty("localSequence").GetInt64();
        await child.Services.GetRequiredService<Nris.Server.Aggregation.AggregationProjection>().WaitForAsync(territoryChange, Ct);
        var asNow = await childAdmin.GetJsonAsync($"/api/data/cell?indicator=HOUSEHOLDS&territory={merged}&period=2025-Q4&source=KTXH-XA-QUY&mode=asNow&asOf=2026-08-01");
        Assert.Equal(2001m, asNow.GetProperty("value").GetProperty("value").GetDecimal());
        var asThen = await childAdmin.GetJsonAsync($"/api/data/cell?indicator=HOUSEHOLDS&territory={a}&period=2025-Q4&source=KTXH-XA-QUY");
        Assert.Equal(1000m, asThen.GetProperty("value").GetProperty("value").GetDecimal());

        // Nothing more to follow: another pass applies nothing twice.
        Assert.False(await subscription.SyncOnceAsync(Ct));
        Assert.Equal(3, (await childAdmin.GetJsonAsync("/api/admin/federation/catalogue")).GetProperty("changes").GetArrayLength());
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
