using Nris.Core.Ledger;
using Nris.Server.Tests.Auth;

namespace Nris.Server.Tests.Api;

/// <summary>The ledger's public checkpoints and key, the administrator's verify, and the historical statistics loaded at start-up.</summary>
public sealed class LedgerEndpointsTests(NrisServerFixture server)
{
    [Fact]
    public async Task The_historical_statistics_are_loaded_as_accepted_gso_reports_with_provenance_and_the_ledger_verifies()
    {
        using var admin = await server.AdminAsync();
        var provenance = await admin.GetJsonAsync("/api/provenance?indicator=POP_AVG&territory=01&period=2022&source=TCTK");
        Assert.Equal(8435.65m, provenance.GetProperty("value").GetProperty("number").GetDecimal());
        Assert.Equal("official", provenance.GetProperty("value").GetProperty("status").GetString());
        var from = provenance.GetProperty("from");
        Assert.Equal("NGTK-TINH-NAM", from.GetProperty("regime").GetString());
        Assert.Equal("TCTK", from.GetProperty("reporter").GetString());
        Assert.Equal("VPCP", from.GetProperty("recipient").GetString());
        Assert.Equal("accepted", from.GetProperty("state").GetString());
        Assert.Equal("system:seed", from.GetProperty("submittedBy").GetString());
        Assert.Equal("system:seed", from.GetProperty("decidedBy").GetString());
        Assert.True(from.GetProperty("ledgerSequence").GetInt64() > 0);
        Assert.Equal(64, from.GetProperty("ledgerHash").GetString()!.Length);

        // One report per year 2005–2022, each accepted.
        var reports = await admin.GetJsonAsync("/api/reports?regime=NGTK-TINH-NAM&reporter=TCTK&limit=100");
        var periods = reports.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("period").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(2005, 18).Select(y => y.ToString(System.Globalization.CultureInfo.InvariantCulture)), periods);
        Assert.All(reports.GetProperty("items").EnumerateArray(), r => Assert.Equal("accepted", r.GetProperty("state").GetString()));

        var verified = await admin.PostJsonAsync("/api/admin/ledger/verify", new { });
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.GetRawText());
        Assert.True(verified.GetProperty("entriesChecked").GetInt64() >= 36);
    }

    [Fact]
    public async Task Anyone_can_check_a_checkpoint_the_administrator_signs_against_the_published_key()
    {
        using var admin = await server.AdminAsync();
        var created = await admin.PostJsonAsync("/api/admin/ledger/checkpoints", new { }, 201);
        using var anonymous = server.NewSession();
        var key = await anonymous.GetJsonAsync("/api/ledger/public-key");
        var list = await anonymous.GetJsonAsync("/api/ledger/checkpoints");
        var published = list.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("sequence").GetInt64() == created.GetProperty("sequence").GetInt64()
            && c.GetProperty("signature").GetString() == created.GetProperty("signature").GetString());
        Assert.Equal(key.GetProperty("keyId").GetString(), published.GetProperty("keyId").GetString());

        var checkpoint = new Checkpoint(published.GetProperty("sequence").GetInt64(), Convert.FromHexString(published.GetProperty("hash").GetString()!),
            published.GetProperty("time").GetDateTimeOffset(), published.GetProperty("keyId").GetString()!,
            Convert.FromBase64String(published.GetProperty("signature").GetString()!));
        using var verifier = new CheckpointVerifier([key.GetProperty("publicKeyPem").GetString()!]);
        Assert.Equal(CheckpointSignatureStatus.Valid, verifier.Check(checkpoint));
        var tampered = checkpoint with { Sequence = checkpoint.Sequence + 1 };
        Assert.NotEqual(CheckpointSignatureStatus.Valid, verifier.Check(tampered));

        var reporter = await server.UserAsync("UBND.01", "reporter");
        using var r = reporter.Session;
        await r.PostJsonAsync("/api/admin/ledger/verify", new { }, 403);
        await r.PostJsonAsync("/api/admin/ledger/checkpoints", new { }, 403);
    }
}
