using System.Net;
using System.Text.Json;
using Nris.Server.Auth;

namespace Nris.Server.Tests.Auth;

/// <summary>Identity, sessions, API keys and hardening against the real server.</summary>
public sealed class AuthTests(NrisServerFixture server)
{
    [Fact]
    public async Task First_start_created_the_admin_and_demo_accounts_with_an_owner_only_file()
    {
        Assert.Contains(IdentityBootstrap.AdminUserName, server.Announced.UserNames);
        var file = Path.Combine(server.DataDirectory, IdentityBootstrap.DemoAccountsFile);
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var lines = (await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken)).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(IdentityBootstrap.DemoAccounts.Count, lines.Count);
        Assert.DoesNotContain(server.Announced.PasswordOf(IdentityBootstrap.AdminUserName), await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));

        // Every demo account signs in with the password from the file and sees its role.
        foreach (var line in lines)
        {
            var parts = line.Split('\t');
            using var session = await server.SignInAsync(parts[0], parts[1]);
            var me = await session.GetJsonAsync("/api/me");
            Assert.Equal(parts[0], me.GetProperty("name").GetString());
            Assert.Equal(parts[2], me.GetProperty("organizationCode").GetString());
        }
    }

    [Fact]
    public async Task Admin_me_shows_the_system_administrator_grant_and_a_first_password_must_be_changed()
    {
        using var admin = await server.AdminAsync();
        var me = await admin.GetJsonAsync("/api/me");
        Assert.Equal("systemAdministrator", me.GetProperty("grants")[0].GetProperty("role").GetString());

        var created = await admin.PostJsonAsync("/api/admin/users", new
        {
            userName = "first." + Guid.NewGuid().ToString("N")[..6], organizationCode = "UBND.01",
            grants = new[] { new { role = "analyst" } },
        }, 201);
        var name = created.GetProperty("user").GetProperty("userName").GetString()!;
        using var user = await server.SignInAsync(name, created.GetProperty("password").GetString()!);
        Assert.True((await user.GetJsonAsync("/api/me")).GetProperty("mustChangePassword").GetBoolean());
        // Until the password is changed, only me / change-password / sign-out are open.
        using (var denied = await user.GetAsync("/api/admin/users"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }
    }

    [Fact]
    public async Task Password_policy_rejects_weak_passwords()
    {
        var (session, _, _, password) = await server.UserAsync("UBND.01", "analyst");
        using (session)
        {
            foreach (var weak in new[] { "short1A", "alllowercase1234", "NoDigitsAtAllHere", "aaaaaaaaaaaA1" })
            {
                var problem = await session.PostJsonAsync("/api/auth/change-password", new { currentPassword = password, newPassword = weak }, 400);
                Assert.Equal("https://nris.example/problems/password-rejected", problem.GetProperty("type").GetString());
                // Each broken rule in both languages, on the new password: the Vietnamese is not Identity's English.
                var errors = problem.GetProperty("errors").EnumerateArray().ToList();
                Assert.NotEmpty(errors);
                Assert.All(errors, e =>
                {
                    Assert.Equal("newPassword", e.GetProperty("field").GetString());
                    Assert.StartsWith("Mật khẩu", e.GetProperty("messageVi").GetString(), StringComparison.Ordinal);
                    Assert.NotEqual(e.GetProperty("messageEn").GetString(), e.GetProperty("messageVi").GetString());
                });
            }

            // A wrong current password is said of the current password.
            var wrong = await session.PostJsonAsync("/api/auth/change-password", new { currentPassword = password + "x", newPassword = "Another-Password-2" }, 400);
            var mismatch = Assert.Single(wrong.GetProperty("errors").EnumerateArray());
            Assert.Equal("currentPassword", mismatch.GetProperty("field").GetString());
            Assert.Equal("Mật khẩu hiện tại không đúng.", mismatch.GetProperty("messageVi").GetString());
        }
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_password_and_are_audited()
    {
        var (session, _, name, password) = await server.UserAsync("UBND.01", "reviewer");
        session.Dispose();
        using var anonymous = server.NewSession();
        for (var i = 0; i < 5; i++)
        {
            await anonymous.PostJsonAsync("/api/auth/sign-in", new { userName = name, password = "Wrong-password-" + i }, 401);
        }

        var locked = await anonymous.PostJsonAsync("/api/auth/sign-in", new { userName = name, password }, 401);
        Assert.Equal("Đăng nhập không thành công", locked.GetProperty("titleVi").GetString());

        using var admin = await server.AdminAsync();
        var events = await admin.GetJsonAsync("/api/audit?user=" + name);
        var actions = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains(AuditActions.LockedOut, actions);
        Assert.True(actions.Count(a => a == AuditActions.SignInFailed) >= 5); // four wrong passwords and the attempt while locked
        var user = await admin.GetJsonAsync("/api/admin/users/" + name);
        Assert.NotEqual(JsonValueKind.Null, user.GetProperty("lockedOutUntil").ValueKind);

        // An administrator's reset unlocks, with a new password that must be changed.
        var reset = await admin.PostJsonAsync($"/api/admin/users/{name}/reset-password", null);
        using var again = await server.SignInAsync(name, reset.GetProperty("password").GetString()!);
        Assert.True((await again.GetJsonAsync("/api/me")).GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task Cookie_requests_without_the_antiforgery_header_are_rejected()
    {
        using var admin = await server.AdminAsync();
        using var response = await admin.SendAsync(HttpMethod.Post, "/api/admin/clients",
            new { name = "x", organizationCode = "UBND.01", role = "reporter" }, withCsrf: false);
        var problem = await ApiSession.ReadAsync(response, "no csrf", 400);
        Assert.Equal("https://nris.example/problems/antiforgery", problem.GetProperty("type").GetString());

        admin.CsrfToken = "forged";
        using var forged = await admin.PostAsync("/api/admin/clients", new { name = "x", organizationCode = "UBND.01", role = "reporter" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_client_address_with_a_bilingual_429()
    {
        using var session = server.NewSession();
        for (var i = 0; i < 10; i++)
        {
            using var r = await session.PostAsync("/api/auth/sign-in", new { userName = "nobody-" + i, password = "Whatever-123456" });
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        var problem = await session.PostJsonAsync("/api/auth/sign-in", new { userName = "nobody", password = "Whatever-123456" }, 429);
        Assert.Equal("Quá nhiều yêu cầu", problem.GetProperty("titleVi").GetString());

        // Another address is not affected.
        using var other = server.NewSession();
        await other.PostJsonAsync("/api/auth/sign-in", new { userName = "nobody", password = "Whatever-123456" }, 401);
    }

    [Fact]
    public async Task Api_key_works_until_rotated_or_revoked_and_stops_at_once()
    {
        using var admin = await server.AdminAsync();
        var created = await admin.PostJsonAsync("/api/admin/clients",
            new { name = "Hà Nội reporting system", organizationCode = "UBND.01", role = "reporter" }, 201);
        var id = created.GetProperty("client").GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith("nris_" + id + "_", key, StringComparison.Ordinal);

        using var machine = server.NewSession();
        machine.UseApiKey(key);
        var me = await machine.GetJsonAsync("/api/me");
        Assert.Equal("client", me.GetProperty("kind").GetString());
        Assert.Equal("UBND.01", me.GetProperty("organizationCode").GetString());
        // The key is never listed, nor its hash.
        var list = await admin.GetJsonAsync("/api/admin/clients");
        Assert.DoesNotContain(key[^20..], list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("hash", list.GetRawText(), StringComparison.OrdinalIgnoreCase);

        var rotated = await admin.PostJsonAsync($"/api/admin/clients/{id}/rotate", null);
        var newKey = rotated.GetProperty("key").GetString()!;
        await machine.GetJsonAsync("/api/me", 401);
        machine.UseApiKey(newKey);
        await machine.GetJsonAsync("/api/me");

        await admin.PostJsonAsync($"/api/admin/clients/{id}/revoke", null);
        var problem = await machine.GetJsonAsync("/api/me", 401);
        Assert.Equal("Cần xác thực", problem.GetProperty("titleVi").GetString());

        // X-Api-Key works as well as Bearer, and garbage is a plain 401.
        using var garbage = server.NewSession();
        garbage.Client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, "nris_nope_nope");
        await garbage.GetJsonAsync("/api/me", 401);

        var audit = await admin.GetJsonAsync("/api/audit?user=" + id);
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains(AuditActions.ClientCreated, actions);
        Assert.Contains(AuditActions.ClientRotated, actions);
        Assert.Contains(AuditActions.ClientRevoked, actions);
    }

    [Fact]
    public async Task An_api_key_expires_by_the_server_clock()
    {
        using var admin = await server.AdminAsync();
        var created = await admin.PostJsonAsync("/api/admin/clients",
            new { name = "short-lived", organizationCode = "BTC", role = "analyst", expiresInDays = 1 }, 201);
        using var machine = server.NewSession();
        machine.UseApiKey(created.GetProperty("key").GetString()!);
        await machine.GetJsonAsync("/api/me");
        server.Clock.Advance(TimeSpan.FromHours(25));
        try
        {
            await machine.GetJsonAsync("/api/me", 401);
        }
        finally
        {
            server.Clock.Advance(TimeSpan.FromHours(-25));
        }
    }

    [Fact]
    public async Task A_disabled_user_is_signed_out_at_the_next_request()
    {
        var (session, id, _, _) = await server.UserAsync("UBND.79", "analyst");
        using (session)
        {
            await session.GetJsonAsync("/api/me");
            using var admin = await server.AdminAsync();
            await admin.PostJsonAsync($"/api/admin/users/{id}/disable", null);
            await session.GetJsonAsync("/api/me", 401);
        }
    }

    [Fact]
    public async Task Two_factor_sign_in_needs_the_current_totp_code()
    {
        var (session, _, name, password) = await server.UserAsync("BTC", "analyst");
        using (session)
        {
            var setup = await session.PostJsonAsync("/api/auth/two-factor/setup", null);
            var key = setup.GetProperty("sharedKey").GetString()!;
            await session.PostJsonAsync("/api/auth/two-factor/enable", new { code = "000000" == Totp.Code(key) ? "111111" : "000000" }, 400);
            await session.PostJsonAsync("/api/auth/two-factor/enable", new { code = Totp.Code(key) }, 204);

            using var fresh = server.NewSession();
            var required = await fresh.PostJsonAsync("/api/auth/sign-in", new { userName = name, password }, 401);
            Assert.Equal("https://nris.example/problems/two-factor-required", required.GetProperty("type").GetString());
            await fresh.PostJsonAsync("/api/auth/sign-in", new { userName = name, password, twoFactorCode = Totp.Code(key) });
        }
    }

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        using var response = await server.Client.GetAsync(new Uri("/api/territories?level=province", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Strict-Transport-Security")); // plain HTTP: HSTS only behind TLS
    }

    [Fact]
    public async Task Sign_in_bodies_over_the_limit_are_refused()
    {
        using var session = server.NewSession();
        using var response = await session.PostAsync("/api/auth/sign-in", new { userName = "x", password = new string('a', 40_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}

/// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits), written here so the test does not trust the server's own code.</summary>
internal static class Totp
{
    public static string Code(string base32Key)
    {
        var key = Base32(base32Key);
        var step = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

#pragma warning disable CA5350 // RFC 6238 authenticators use HMAC-SHA1; the test must compute what they compute.
        var hash = System.Security.Cryptography.HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
    }
}
