using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Storage;

namespace Nris.Server.Auth;

/// <summary>Where first-start credentials go. The default writes to the console only, never to a logger.</summary>
public interface ICredentialAnnouncer
{
    void Announce(string userName, string role, string organizationCode, string password);
}

/// <summary>Prints a credential straight to the console: log files and log shippers never see it.</summary>
public sealed class ConsoleCredentialAnnouncer : ICredentialAnnouncer
{
    public void Announce(string userName, string role, string organizationCode, string password) =>
        Console.Out.WriteLine($"[nris] {role} account '{userName}' ({organizationCode}) — password, shown once / mật khẩu, chỉ hiện một lần: {password}");
}

/// <summary>A demo account made at first start.</summary>
public sealed record DemoAccount(string UserName, string DisplayName, string OrganizationCode, Grant Grant, string Description);

/// <summary>
/// First start of an instance: when no system administrator exists, creates <c>admin</c> with a random password
/// shown once; in demo mode also one account per role, with passwords shown once and kept in
/// <c>demo-accounts.txt</c> (owner-readable only) next to the SQLite file. No password is ever fixed in code.
/// </summary>
public static class IdentityBootstrap
{
    public const string AdminUserName = "admin";
    public const string DemoAccountsFile = "demo-accounts.txt";

    /// <summary>The demo accounts: one per role a newcomer wants to try, at real organizations.</summary>
    public static IReadOnlyList<DemoAccount> DemoAccounts { get; } =
    [
        // Phường Hoàn Kiếm (00070), a Hà Nội ward after the 2025 reform.
        new("demo.reporter", "Phường Hoàn Kiếm — báo cáo viên", "UBND.00070", new Grant(Role.Reporter, "UBND.00070", Classification.Internal),
            "commune reporter (enters and submits the ward's reports)"),
        new("demo.reviewer", "UBND TP Hà Nội — thẩm định", "UBND.01", new Grant(Role.Reviewer, "UBND.01", Classification.Internal),
            "province reviewer (accepts or returns reports to Hà Nội)"),
        new("demo.analyst", "Bộ Tài chính — phân tích", "BTC", new Grant(Role.Analyst, "BTC", Classification.Internal),
            "ministry analyst (reads the Ministry of Finance's scope)"),
        new("demo.leader", "Văn phòng Chính phủ — lãnh đạo", "VPCP", new Grant(Role.Analyst, Organization.GovernmentCode, Classification.Internal),
            "national leader (reads everything internal, nationwide)"),
    ];

    public static async Task RunAsync(IServiceProvider services, IConfiguration configuration, CancellationToken ct)
    {
        var db = services.GetRequiredService<NrisDbContext>();
        var adminRole = Role.SystemAdministrator.ToString();
        if (await db.UserGrants.AnyAsync(g => g.Role == adminRole, ct))
        {
            return;
        }

        var accounts = services.GetRequiredService<Accounts>();
        var announcer = services.GetRequiredService<ICredentialAnnouncer>();
        var scope = accounts.OperatorScope();
        var admin = await accounts.CreateUserAsync(scope, AdminUserName, "System administrator", Organization.GovernmentCode,
            [new Grant(Role.SystemAdministrator, Organization.GovernmentCode, Classification.Confidential)], ct);
        if (admin.Outcome != AccountOutcome.Done)
        {
            throw new InvalidOperationException("Could not create the system administrator: " + string.Join(" ", admin.Errors ?? []));
        }

        announcer.Announce(AdminUserName, "System administrator", Organization.GovernmentCode, admin.Value!.Secret);
        if (!configuration.GetValue("Nris:Demo", true))
        {
            return;
        }

        var lines = new StringBuilder()
            .AppendLine("# Nris demo accounts, made at first start. Passwords are random; change them or delete this file.")
            .AppendLine("# user name\tpassword\torganization\trole");
        foreach (var demo in DemoAccounts)
        {
            // Demo passwords are kept (no forced change) so the file stays usable for every newcomer of this instance.
            var created = await accounts.CreateUserAsync(scope, demo.UserName, demo.DisplayName, demo.OrganizationCode, [demo.Grant], ct,
                mustChangePassword: false);
            if (created.Outcome != AccountOutcome.Done)
            {
                continue;
            }

            announcer.Announce(demo.UserName, demo.Description, demo.OrganizationCode, created.Value!.Secret);
            lines.Append(demo.UserName).Append('\t').Append(created.Value.Secret).Append('\t').Append(demo.OrganizationCode)
                .Append('\t').AppendLine(demo.Description);
        }

        var path = DemoAccountsPath(services.GetRequiredService<NrisStorageOptions>());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Created owner-only before the secrets are written, so there is no moment when others can read them.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new StreamWriter(path, Encoding.UTF8, options))
        {
            await file.WriteAsync(lines.ToString().AsMemory(), ct);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Console.Out.WriteLine($"[nris] Demo accounts written to {path} (owner-readable only).");
    }

    /// <summary>The folder of the SQLite file, or ./data for PostgreSQL.</summary>
    public static string DemoAccountsPath(NrisStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var directory = Path.GetFullPath("data");
        if (storage.Provider == NrisStorageOptions.Sqlite)
        {
            var source = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
            if (!string.IsNullOrWhiteSpace(source) && !source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && source != ":memory:")
            {
                directory = Path.GetDirectoryName(Path.GetFullPath(source))!;
            }
        }

        return Path.Combine(directory, DemoAccountsFile);
    }
}
