using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Ledger;
using Nris.Server.Ledger;
using Nris.Server.Tests.Auth;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Server.Tests.Admin;

/// <summary>
/// Delegated regime administration over the real server: who may publish what, that every change is one
/// catalogue.changed ledger entry, and that a change the catalogue check refuses leaves no trace.
/// </summary>
public sealed class CatalogueAdminTests(NrisServerFixture server)
{
    private const string Hanoi = "UBND.01";

    /// <summary>A valid regime addressed to <paramref name="recipient"/>, built from a demo regime's form and rules.</summary>
    public static async Task<JsonObject> NewRegimeAsync(ApiSession admin, string code, string recipient, string from = "2020-01-01")
    {
        var template = (await admin.GetJsonAsync("/api/regimes/YTE-TINH-NAM?at=2024-01-01")).GetRawText();
        var regime = JsonNode.Parse(template)!.AsObject();
        regime["code"] = code;
        regime["version"] = 1;
        regime["validity"] = new JsonObject { ["from"] = from };
        regime["recipientCode"] = recipient;
        regime["reporters"] = new JsonObject { ["kinds"] = new JsonArray("communeCommittee"), ["codes"] = new JsonArray() };
        regime["classification"] = "internal";
        return regime;
    }

    /// <summary>The next version of <paramref name="regime"/>, in force from <paramref name="from"/>.</summary>
    public static JsonObject NextVersion(JsonObject regime, int version, string from)
    {
        var next = regime.DeepClone().AsObject();
        next["version"] = version;
        next["validity"] = new JsonObject { ["from"] = from };
        next["name"] = regime["name"]!.GetValue<string>() + " (sửa đổi " + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
        return next;
    }

    public static Task<HttpResponseMessage> PutAsync(ApiSession session, string path, JsonNode body) =>
        session.SendAsync(HttpMethod.Put, path, body);

    private static string NewCode() => "HN-TEST-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private async Task<(long Sequence, string Hash)> LedgerHeadAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var head = await new LedgerStore(scope.ServiceProvider.GetRequiredService<NrisDbContext>()).HeadAsync(TestContext.Current.CancellationToken);
        return head is { } h ? (h.Sequence, Convert.ToHexString(h.Hash)) : (0, "");
    }

    private async Task<LedgerEntry> LedgerEntryAsync(long sequence)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var store = new LedgerStore(scope.ServiceProvider.GetRequiredService<NrisDbContext>());
        await foreach (var entry in store.ReadAsync(sequence, TestContext.Current.CancellationToken))
        {
            return entry;
        }
        throw new InvalidOperationException("no ledger entry " + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    // Other test classes append to the same ledger in parallel, so "nothing was appended" is asked of this test's
    // own codes: no entry after `after` names them.
    private async Task<List<LedgerEntry>> EntriesNamingAsync(long after, string code)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var store = new LedgerStore(scope.ServiceProvider.GetRequiredService<NrisDbContext>());
        var found = new List<LedgerEntry>();
        await foreach (var entry in store.ReadAsync(after + 1, TestContext.Current.CancellationToken))
        {
            if (Encoding.UTF8.GetString(entry.Payload).Contains("\"" + code + "\"", StringComparison.Ordinal))
            {
                found.Add(entry);
            }
        }
        return found;
    }

    [Fact]
    public async Task A_Hanoi_agency_administrator_publishes_a_new_version_of_a_regime_addressed_to_Hanoi()
    {
        using var admin = await server.AdminAsync();
        var agency = await server.UserAsync(Hanoi, "agencyAdministrator");
        using var session = agency.Session;
        var code = NewCode();

        // None of the demo regimes is addressed to UBND.01: the system administrator creates one.
        var v1 = await NewRegimeAsync(admin, code, Hanoi);
        var created = await ApiSession.ReadAsync(await admin.SendAsync(HttpMethod.Post, "/api/admin/regimes", v1), "POST regime", 201);
        var createdAt = created.GetProperty("ledgerSequence").GetInt64();
        Assert.Equal(LedgerEntryKind.CatalogueChanged, (await LedgerEntryAsync(createdAt)).Kind);

        var v2 = NextVersion(v1, 2, "2026-01-01");
        var published = await ApiSession.ReadAsync(await PutAsync(session, "/api/admin/regimes/" + code, v2), "PUT regime", 200);
        Assert.Equal("2025-12-31", published.GetProperty("closed").GetProperty("validity").GetProperty("to").GetString());
        var sequence = published.GetProperty("ledgerSequence").GetInt64();
        Assert.True(sequence > createdAt);

        // The ledger entry is the change: kind, code, version, the full new version, and who made it.
        var entry = await LedgerEntryAsync(sequence);
        Assert.Equal(LedgerEntryKind.CatalogueChanged, entry.Kind);
        Assert.Equal(agency.UserName, entry.Actor);
        Assert.True(CanonicalJson.IsCanonical(entry.Payload));
        using (var payload = JsonDocument.Parse(entry.Payload))
        {
            var root = payload.RootElement;
            Assert.Equal("regime", root.GetProperty("kind").GetString());
            Assert.Equal(code, root.GetProperty("code").GetString());
            Assert.Equal(2, root.GetProperty("version").GetInt32());
            Assert.Equal(agency.UserName, root.GetProperty("actor").GetString());
            Assert.Equal(v2["name"]!.GetValue<string>(), root.GetProperty("item").GetProperty("name").GetString());
            Assert.Equal("2025-12-31", root.GetProperty("closed").GetProperty("validity").GetProperty("to").GetString());
        }

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var verification = await scope.ServiceProvider.GetRequiredService<LedgerVerifyService>().VerifyAsync(TestContext.Current.CancellationToken);
            Assert.True(verification.Ok, verification.ReasonEn);
            Assert.True(verification.EntriesChecked >= sequence);

            // Stored, not only in memory: the closed version and the new one come back from the database.
            var stored = await new CatalogueStore(scope.ServiceProvider.GetRequiredService<NrisDbContext>()).LoadAsync(TestContext.Current.CancellationToken);
            var versions = stored.Regimes.Where(r => r.Code == code).OrderBy(r => r.Version).ToList();
            Assert.Equal([1, 2], versions.Select(r => r.Version));
            Assert.Equal(new DateOnly(2025, 12, 31), versions[0].Validity.To);
            Assert.Equal(new DateOnly(2026, 1, 1), versions[1].Validity.From);
        }

        // The public read answers each date with the version in force then.
        Assert.Equal(2, (await session.GetJsonAsync($"/api/regimes/{code}?at=2026-01-01")).GetProperty("version").GetInt32());
        Assert.Equal(1, (await session.GetJsonAsync($"/api/regimes/{code}?at=2025-12-31")).GetProperty("version").GetInt32());

        var history = await session.GetJsonAsync($"/api/admin/regimes/{code}/versions");
        Assert.Equal([1, 2], history.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.All(history.GetProperty("versions").EnumerateArray(), v => Assert.Equal(0, v.GetProperty("reports").GetInt32()));

        var audit = await admin.GetJsonAsync("/api/audit?action=regime.versioned");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e =>
            e.GetProperty("target").GetString() == "regime " + code && e.GetProperty("actor").GetString() == agency.UserName);
        var createdAudit = await admin.GetJsonAsync("/api/audit?action=regime.created");
        Assert.Contains(createdAudit.GetProperty("items").EnumerateArray(), e => e.GetProperty("target").GetString() == "regime " + code);

        // A second publisher that did not see version 2 is told so, and nothing moves.
        var head = await LedgerHeadAsync();
        using var stale = await PutAsync(session, "/api/admin/regimes/" + code, NextVersion(v1, 2, "2027-01-01"));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Empty(await EntriesNamingAsync(head.Sequence, code));
    }

    [Fact]
    public async Task The_Hanoi_administrator_cannot_touch_regimes_outside_its_subtree_or_above_its_ceiling()
    {
        using var admin = await server.AdminAsync();
        var agency = await server.UserAsync(Hanoi, "agencyAdministrator");
        using var session = agency.Session;
        var head = await LedgerHeadAsync();

        // Ministry of Health's regime: visible (public), not administered.
        var byt = JsonNode.Parse((await session.GetJsonAsync("/api/regimes/YTE-TINH-NAM")).GetRawText())!.AsObject();
        var bytNext = NextVersion(byt, byt["version"]!.GetValue<int>() + 1, "2027-01-01");
        using (var response = await PutAsync(session, "/api/admin/regimes/YTE-TINH-NAM", bytNext))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using (var response = await session.GetAsync("/api/admin/regimes/YTE-TINH-NAM/versions"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // A confidential regime answers like an unknown one: its existence does not leak.
        using (var response = await PutAsync(session, "/api/admin/regimes/TINDUNG-NHNN-THANG", bytNext))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("NHNN\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        using (var response = await session.GetAsync("/api/admin/regimes/TINDUNG-NHNN-THANG/versions"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // Nor create one for BYT, nor move its own regime out of Hà Nội, nor raise it above its ceiling.
        var code = NewCode();
        using (var response = await session.SendAsync(HttpMethod.Post, "/api/admin/regimes", await NewRegimeAsync(admin, code, "BYT")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        var own = await NewRegimeAsync(admin, code, Hanoi);
        await ApiSession.ReadAsync(await session.SendAsync(HttpMethod.Post, "/api/admin/regimes", own), "POST own regime", 201);
        var moved = NextVersion(own, 2, "2026-01-01");
        moved["recipientCode"] = "UBND.79";
        using (var response = await PutAsync(session, "/api/admin/regimes/" + code, moved))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        var secret = NextVersion(own, 2, "2026-01-01");
        secret["classification"] = "confidential";
        using (var response = await PutAsync(session, "/api/admin/regimes/" + code, secret))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // Indicators are national.
        var indicator = JsonNode.Parse((await session.GetJsonAsync("/api/indicators/ENT_NEW")).GetRawText())!;
        using (var response = await PutAsync(session, "/api/admin/indicators/ENT_NEW", indicator))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // Only the creation of its own regime reached the ledger.
        Assert.Single(await EntriesNamingAsync(head.Sequence, code));
        Assert.Empty(await EntriesNamingAsync(head.Sequence, "YTE-TINH-NAM"));
        Assert.Empty(await EntriesNamingAsync(head.Sequence, "TINDUNG-NHNN-THANG"));
        Assert.Equal(1, (await session.GetJsonAsync($"/api/regimes/{code}?at=2026-06-01")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_version_that_breaks_a_rule_reference_is_refused_with_the_problem_and_changes_nothing()
    {
        using var admin = await server.AdminAsync();
        var agency = await server.UserAsync(Hanoi, "agencyAdministrator");
        using var session = agency.Session;
        var code = NewCode();
        var v1 = await NewRegimeAsync(admin, code, Hanoi);
        await ApiSession.ReadAsync(await admin.SendAsync(HttpMethod.Post, "/api/admin/regimes", v1), "POST regime", 201);
        var head = await LedgerHeadAsync();

        var broken = NextVersion(v1, 2, "2026-01-01");
        broken["rules"]![0]!["expression"] = "Z99 <= A01";
        using var response = await PutAsync(session, "/api/admin/regimes/" + code, broken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("Danh mục sẽ không nhất quán", problem.RootElement.GetProperty("titleVi").GetString());
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray().ToList();
        var ruleCode = broken["rules"]![0]!["code"]!.GetValue<string>();
        Assert.Contains(errors, e =>
            e.GetProperty("field").GetString() == $"rules[{ruleCode}].expression" &&
            e.GetProperty("messageEn").GetString()!.Contains("row 'Z99' is not in the form", StringComparison.Ordinal) &&
            e.GetProperty("messageVi").GetString()!.Contains("'Z99'", StringComparison.Ordinal));

        // Nothing changed: not the ledger, not the catalogue in memory, not the stored versions.
        Assert.Empty(await EntriesNamingAsync(head.Sequence, code));
        var current = await session.GetJsonAsync($"/api/regimes/{code}?at=2026-06-01");
        Assert.Equal(1, current.GetProperty("version").GetInt32());
        Assert.False(current.GetProperty("validity").TryGetProperty("to", out _));
        Assert.Single((await session.GetJsonAsync($"/api/admin/regimes/{code}/versions")).GetProperty("versions").EnumerateArray());

        // A malformed body is a field-level 400, never a 500.
        using var malformed = await session.SendAsync(HttpMethod.Put, "/api/admin/regimes/" + code, new { code, version = "two" });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("titleVi", await malformed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        // A start date before the current version's is refused as well.
        using var early = await PutAsync(session, "/api/admin/regimes/" + code, NextVersion(v1, 2, "2019-01-01"));
        Assert.Equal((HttpStatusCode)422, early.StatusCode);
        Assert.Empty(await EntriesNamingAsync(head.Sequence, code));
    }

    [Fact]
    public async Task The_system_administrator_changes_an_indicator_and_the_ledger_records_it()
    {
        using var admin = await server.AdminAsync();
        var code = "TST" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var indicator = JsonNode.Parse((await admin.GetJsonAsync("/api/indicators/ENT_NEW")).GetRawText())!.AsObject();
        indicator["code"] = code;
        indicator["name"] = "Chỉ tiêu thử";
        indicator.Remove("formula");
        indicator.Remove("weightIndicatorCode");
        var created = await ApiSession.ReadAsync(await admin.SendAsync(HttpMethod.Post, "/api/admin/indicators", indicator), "POST indicator", 201);
        Assert.Equal(code, (await admin.GetJsonAsync("/api/indicators/" + code)).GetProperty("code").GetString());

        indicator["description"] = "Mô tả mới";
        var changed = await ApiSession.ReadAsync(await PutAsync(admin, "/api/admin/indicators/" + code, indicator), "PUT indicator", 200);
        Assert.True(changed.GetProperty("ledgerSequence").GetInt64() > created.GetProperty("ledgerSequence").GetInt64());
        Assert.Equal("Mô tả mới", (await admin.GetJsonAsync("/api/indicators/" + code)).GetProperty("description").GetString());
        var entry = await LedgerEntryAsync(changed.GetProperty("ledgerSequence").GetInt64());
        Assert.Equal(LedgerEntryKind.CatalogueChanged, entry.Kind);
        Assert.Contains("\"kind\":\"indicator\"", Encoding.UTF8.GetString(entry.Payload), StringComparison.Ordinal);
        Assert.Contains("Mô tả mới", Encoding.UTF8.GetString(entry.Payload), StringComparison.Ordinal);

        // A percentage summed over territory is refused by the catalogue check, naming the field.
        var head = await LedgerHeadAsync();
        indicator["valueType"] = "percent";
        indicator["territoryAggregation"] = "sum";
        using var refused = await PutAsync(admin, "/api/admin/indicators/" + code, indicator);
        Assert.Equal((HttpStatusCode)422, refused.StatusCode);
        Assert.Contains("territoryAggregation", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Single(await EntriesNamingAsync(changed.GetProperty("ledgerSequence").GetInt64() - 1, code));

        var audit = await admin.GetJsonAsync("/api/audit?action=indicator.changed");
        Assert.Equal(2, audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("target").GetString() == "indicator " + code));
    }
}
