namespace Nris.Cli.Tests;

/// <summary>`nris users …` and `nris clients …` against a real SQLite file.</summary>
public sealed class AccountsCommandsTests : CliTestBase
{

    [Fact]
    public async Task Users_are_created_listed_reset_and_disabled_with_secrets_printed_once()
    {
        var created = await RunAsync("users", "create", "--user", "bao.cao.hn", "--org", "UBND.01", "--role", "reporter");
        Assert.True(created.Exit == 0, created.Err);
        var password = created.Out.Split('\n').Single(l => l.StartsWith("Password", StringComparison.Ordinal)).Split(": ")[1].Trim();
        Assert.True(password.Length >= 12);

        var list = await RunAsync("users", "list", "--org", "UBND.01");
        Assert.Contains("bao.cao.hn", list.Out);
        Assert.DoesNotContain(password, list.Out);

        var reset = await RunAsync("users", "reset-password", "bao.cao.hn");
        Assert.Equal(0, reset.Exit);
        Assert.DoesNotContain(password, reset.Out);
        Assert.Contains("shown once", reset.Out);

        Assert.Equal(0, (await RunAsync("users", "disable", "bao.cao.hn")).Exit);
        Assert.Contains("disabled", (await RunAsync("users", "list")).Out);
        Assert.NotEqual(0, (await RunAsync("users", "disable", "nobody")).Exit);
        Assert.NotEqual(0, (await RunAsync("users", "create", "--user", "x", "--org", "UBND.01", "--role", "boss")).Exit);
    }

    [Fact]
    public async Task Clients_are_created_listed_and_revoked_and_the_key_is_never_listed()
    {
        var created = await RunAsync("clients", "create", "--name", "BTC reporting system", "--org", "BTC", "--role", "reporter", "--expires-days", "365");
        Assert.True(created.Exit == 0, created.Err);
        var key = created.Out.Split('\n').Single(l => l.StartsWith("API key", StringComparison.Ordinal)).Split(": ")[1].Trim();
        Assert.StartsWith("nris_", key, StringComparison.Ordinal);
        var id = key.Split('_')[1];

        var list = await RunAsync("clients", "list");
        Assert.Contains(id, list.Out);
        Assert.DoesNotContain(key, list.Out);
        Assert.Equal(0, (await RunAsync("clients", "revoke", id)).Exit);
        Assert.Contains("revoked", (await RunAsync("clients", "list")).Out);
    }
}
