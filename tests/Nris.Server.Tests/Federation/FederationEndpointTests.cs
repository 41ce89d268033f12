using System.Text.Json;

namespace Nris.Server.Tests.Federation;

/// <summary>
/// The federation endpoints in process (SQLite): registration and forwarding refuse bad input with a bilingual 4xx
/// naming the field; a batch that does not start where the parent is gets 409 with the sequence to send from; a chain
/// break is refused (422), recorded, shown in the status, and stops the link (423) until an operator looks.
/// </summary>
public sealed class FederationEndpointTests(NrisServerFixture server)
{
    private static readonly string Zero = new('0', 64);

    [Fact]
    public async Task Registration_refuses_bad_input_naming_the_field_and_refuses_a_second_registration()
    {
        using var admin = await server.AdminAsync();
        var pem = (await admin.GetJsonAsync("/api/ledger/public-key")).GetProperty("publicKeyPem").GetString()!;
        var id = "reg" + Guid.NewGuid().ToString("N")[..10];

        await AssertFieldAsync(admin, "/api/admin/federation/instances", new { instanceId = "Bad Id", organizationCode = "UBND.01", publicKeyPem = pem }, 400, "instanceId");
        await AssertFieldAsync(admin, "/api/admin/federation/instances", new { instanceId = id, organizationCode = "NO.SUCH.ORG", publicKeyPem = pem }, 400, "organizationCode");
        await AssertFieldAsync(admin, "/api/admin/federation/instances", new { instanceId = id, organizationCode = "UBND.01", publicKeyPem = "not a key" }, 400, "publicKeyPem");
        await admin.PostJsonAsync("/api/admin/federation/instances", new { instanceId = id, organizationCode = "UBND.01", publicKeyPem = pem }, 201);
        await admin.PostJsonAsync("/api/admin/federation/instances", new { instanceId = id, organizationCode = "UBND.01", publicKeyPem = pem }, 409);
    }

    [Fact]
    public async Task Forwarding_refuses_bad_input_answers_a_gap_with_the_next_sequence_and_stops_on_a_chain_break()
    {
        using var admin = await server.AdminAsync();
        var pem = (await admin.GetJsonAsync("/api/ledger/public-key")).GetProperty("publicKeyPem").GetString()!;
        var id = "fwd" + Guid.NewGuid().ToString("N")[..10];
        await admin.PostJsonAsync("/api/admin/federation/instances", new { instanceId = id, organizationCode = "UBND.01", publicKeyPem = pem }, 201);

        object Entry(long sequence, string previous, string? hash = null) =>
            new { sequence, kind = "catalogue.changed", timeUs = 1_700_000_000_000_000L, previousHash = previous, hash = hash ?? new string('a', 64) };

        await AssertFieldAsync(admin, "/api/federation/entries", new { originHead = 1, entries = new[] { Entry(1, Zero) } }, 400, "instanceId");
        await AssertFieldAsync(admin, "/api/federation/entries", new { instanceId = id, originHead = 1, entries = Array.Empty<object>() }, 400, "entries");
        await AssertFieldAsync(admin, "/api/federation/entries", new { instanceId = id, originHead = 1, entries = new[] { Entry(1, "xyz") } }, 400, "entries[0].hash");
        await AssertFieldAsync(admin, "/api/federation/entries",
            new { instanceId = id, originHead = 1, entries = new[] { new { sequence = 1, kind = "catalogue.changed", payload = "***", actor = "x", timeUs = 0L, previousHash = Zero, hash = Zero } } },
            400, "entries[0].payload");
        await admin.PostJsonAsync("/api/federation/entries", new { instanceId = "nobody-" + id, originHead = 1, entries = new[] { Entry(1, Zero) } }, 404);

        // Starting at 3 when nothing is held: 409, send from 1.
        var gap = await admin.PostJsonAsync("/api/federation/entries", new { instanceId = id, originHead = 2, entries = new[] { Entry(3, Zero) } }, 409);
        Assert.Equal(1, gap.GetProperty("expected").GetInt64());

        // A redacted first entry is taken on its chain position alone; the second names another previous hash: a break.
        var first = new string('b', 64);
        var ok = await admin.PostJsonAsync("/api/federation/entries", new { instanceId = id, originHead = 2, entries = new[] { Entry(1, Zero, first) } });
        Assert.Equal(1, ok.GetProperty("acknowledged").GetInt64());
        var refused = await admin.PostJsonAsync("/api/federation/entries", new { instanceId = id, originHead = 2, entries = new[] { Entry(2, new string('c', 64)) } }, 422);
        Assert.Equal("chain-break", refused.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(refused.GetProperty("detailVi").GetString()));

        var status = (await admin.GetJsonAsync("/api/federation/instances")).EnumerateArray().Single(i => i.GetProperty("instanceId").GetString() == id);
        Assert.Equal("stopped", status.GetProperty("state").GetString());
        Assert.Equal(1, status.GetProperty("lastSequence").GetInt64());
        Assert.Equal(1, status.GetProperty("lag").GetInt64());
        Assert.Equal("chain-break", status.GetProperty("incidents")[0].GetProperty("code").GetString());

        // Stopped: even a correct continuation waits for an operator.
        await admin.PostJsonAsync("/api/federation/entries", new { instanceId = id, originHead = 2, entries = new[] { Entry(2, first) } }, 423);

        // Once resumed, the link continues after the last accepted entry; the incident stays on record.
        await admin.PostJsonAsync($"/api/admin/federation/instances/{id}/resume", new { }, 204);
        var resumed = await admin.PostJsonAsync("/api/federation/entries", new { instanceId = id, originHead = 2, entries = new[] { Entry(2, first) } });
        Assert.Equal(2, resumed.GetProperty("acknowledged").GetInt64());
        status = (await admin.GetJsonAsync("/api/federation/instances")).EnumerateArray().Single(i => i.GetProperty("instanceId").GetString() == id);
        Assert.Equal("ok", status.GetProperty("state").GetString());
        Assert.Single(status.GetProperty("incidents").EnumerateArray());
        await admin.PostJsonAsync("/api/admin/federation/instances/nobody/resume", new { }, 404);
    }

    private static async Task AssertFieldAsync(Auth.ApiSession session, string path, object body, int status, string field)
    {
        var problem = await session.PostJsonAsync(path, body, status);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detailVi").GetString()));
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }
}
