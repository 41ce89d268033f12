using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Nris.Core.Catalogue;
using Nris.Core.Security;
using Nris.Server.Auth;
using Nris.Server.Hosting;

namespace Nris.Cli;

/// <summary>
/// `nris users …` and `nris clients …`: a headless install is administered from the console. The operator at the
/// console acts as system administrator (whoever can run this can read the database anyway); every change is
/// audited with the actor "cli". A new secret is printed once and never stored in clear.
/// </summary>
internal static class AccountsCommands
{
    public static Command Users(Func<ParseResult, ServiceProvider> services, TextWriter output)
    {
        var user = new Argument<string>("user") { Description = "User name (or id)." };
        var userName = new Option<string>("--user") { Description = "User name.", Required = true };
        var org = new Option<string>("--org") { Description = "Organization code the account belongs to, e.g. UBND.01.", Required = true };
        var role = new Option<string>("--role") { Description = "systemAdministrator, agencyAdministrator, reporter, reviewer or analyst.", Required = true };
        var ceiling = new Option<string>("--ceiling") { Description = "public, internal (default) or confidential.", DefaultValueFactory = _ => "internal" };
        var grantOrg = new Option<string?>("--grant-org") { Description = "Root of the granted subtree (default: --org)." };
        var display = new Option<string?>("--name") { Description = "Display name." };

        var create = new Command("create", "Create a user; prints its first password once (it must be changed at first sign-in).")
        {
            userName, org, role, ceiling, grantOrg, display,
        };
        create.SetAction(async (parse, ct) =>
        {
            if (!TryGrant(parse.GetValue(role), parse.GetValue(grantOrg) ?? parse.GetValue(org)!, parse.GetValue(ceiling), out var grant))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--role/--ceiling: unknown role or classification / vai trò hoặc mức mật không hợp lệ.");
                return 2;
            }

            return await new AccountsRun(services(parse), ct).RunAsync(async (accounts, scope) =>
            {
                var result = await accounts.CreateUserAsync(scope, parse.GetValue(userName)!, parse.GetValue(display), parse.GetValue(org)!, [grant], ct);
                if (result.Outcome != AccountOutcome.Done)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(string.Join(" ", result.Errors ?? ["Refused."]));
                    return 2;
                }

                await output.WriteLineAsync($"Created user {result.Value!.Item.UserName} ({result.Value.Item.OrganizationCode}, {grant}).");
                await output.WriteLineAsync($"Password (shown once / chỉ hiện một lần): {result.Value.Secret}");
                return 0;
            });
        });

        var listOrg = new Option<string?>("--org") { Description = "Only users in this organization's subtree." };
        var list = new Command("list", "List users.") { listOrg };
        list.SetAction(async (parse, ct) => await new AccountsRun(services(parse), ct).RunAsync(async (accounts, scope) =>
        {
            foreach (var u in await accounts.ListUsersAsync(scope, parse.GetValue(listOrg), ct))
            {
                await output.WriteLineAsync($"{u.UserName,-24} {u.OrganizationCode,-12} {(u.IsDisabled ? "disabled" : "active"),-9} {string.Join(", ", u.Grants)}");
            }

            return 0;
        }));

        var disable = new Command("disable", "Disable a user; its sessions end at once.") { user };
        disable.SetAction(async (parse, ct) => await new AccountsRun(services(parse), ct).RunAsync(async (accounts, scope) =>
        {
            var result = await accounts.SetDisabledAsync(scope, parse.GetValue(user)!, true, ct);
            return await ReportAsync(parse, output, result.Outcome, $"Disabled {parse.GetValue(user)}.");
        }));

        var reset = new Command("reset-password", "Give a user a new random password, printed once; it must be changed at sign-in.") { user };
        reset.SetAction(async (parse, ct) => await new AccountsRun(services(parse), ct).RunAsync(async (accounts, scope) =>
        {
            var result = await accounts.ResetPasswordAsync(scope, parse.GetValue(user)!, ct);
            return await ReportAsync(parse, output, result.Outcome,
                result.Value is null ? "" : $"New password for {result.Value.Item.UserName} (shown once / chỉ hiện một lần): {result.Value.Secret}");
        }));

        return new Command("users", "Manage user accounts.") { create, list, disable, reset };
    }

    public static Command Clients(Func<ParseResult, ServiceProvider> services, TextWriter output)
    {
        var name = new Option<string>("--name") { Description = "What the client is, e.g. \"Ministry of Finance reporting system\".", Required = true };
        var org = new Option<string>("--org") { Description = "The organization the client reports for.", Required = true };
        var role = new Option<string>("--role") { Description = "reporter (default), reviewer or analyst.", DefaultValueFactory = _ => "reporter" };
        var ceiling = new Option<string>("--ceiling") { Description = "public, internal (default) or confidential.", DefaultValueFactory = _ => "internal" };
        var expires = new Option<int?>("--expires-days") { Description = "Days until the key expires (default: never)." };
        var create = new Command("create", "Create an API client bound to an organization; prints its key once.") { name, org, role, ceiling, expires };
        create.SetAction(async (parse, ct) =>
        {
            if (!TryGrant(parse.GetValue(role), parse.GetValue(org)!, parse.GetValue(ceiling), out var grant))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--role/--ceiling: unknown role or classification / vai trò hoặc mức mật không hợp lệ.");
                return 2;
            }

            return await new AccountsRun(services(parse), ct).RunAsync(async (accounts, scope) =>
            {
                var result = await accounts.CreateClientAsync(scope, parse.GetValue(name)!, grant, parse.GetValue(expires), "cli", ct);
                if (result.Outcome != AccountOutcome.Done)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(string.Join(" ", result.Errors ?? ["Refused."]));
                    return 2;
                }

                await output.WriteLineAsync($"Created client {result.Value!.Item.Id} ({grant}).");
                await output.WriteLineAsync($"API key (shown once / chỉ hiện một lần): {result.Value.Secret}");
                return 0;
            });
        });

        var list = new Command("list", "List API clients (never their keys).");
        list.SetAction(async (parse, ct) => await new AccountsRun(services(parse), ct).RunAsync(async (accounts, scope) =>
        {
            foreach (var c in await accounts.ListClientsAsync(scope, ct))
            {
                await output.WriteLineAsync($"{c.Id,-18} {c.OrganizationCode,-12} {c.Role,-10} {(c.RevokedAt is null ? "active" : "revoked"),-8} {c.Name}");
            }

            return 0;
        }));

        var id = new Argument<string>("id") { Description = "Client id." };
        var revoke = new Command("revoke", "Revoke an API client; its key stops working at once.") { id };
        revoke.SetAction(async (parse, ct) => await new AccountsRun(services(parse), ct).RunAsync(async (accounts, scope) =>
            await ReportAsync(parse, output, (await accounts.RevokeClientAsync(scope, parse.GetValue(id)!, ct)).Outcome, $"Revoked {parse.GetValue(id)}.")));

        return new Command("clients", "Manage API clients (machine credentials).") { create, list, revoke };
    }

    private static bool TryGrant(string? role, string org, string? ceiling, out Grant grant)
    {
        grant = null!;
        if (!Grant.TryParseName<Role>(role, out var r) || !Grant.TryParseName<Classification>(ceiling, out var c))
        {
            return false;
        }

        grant = new Grant(r, org, c);
        return true;
    }

    /// <summary>Prepares the database (migrate, catalogue) and runs one account action as the console operator.</summary>
    private sealed record AccountsRun(ServiceProvider Services, CancellationToken Ct)
    {
        public async Task<int> RunAsync(Func<Accounts, AccessScope, Task<int>> action)
        {
            await using (Services)
            {
                await Services.GetRequiredService<NrisBootstrap>().RunAsync(Ct);
                await using var scope = Services.CreateAsyncScope();
                var accounts = scope.ServiceProvider.GetRequiredService<Accounts>();
                return await action(accounts, accounts.OperatorScope());
            }
        }
    }

    private static async Task<int> ReportAsync(ParseResult parse, TextWriter output, AccountOutcome outcome, string done)
    {
        if (outcome == AccountOutcome.Done)
        {
            await output.WriteLineAsync(done);
            return 0;
        }

        await parse.InvocationConfiguration.Error.WriteLineAsync(outcome == AccountOutcome.NotFound ? "Not found / không tìm thấy." : "Refused / bị từ chối.");
        return 2;
    }
}
