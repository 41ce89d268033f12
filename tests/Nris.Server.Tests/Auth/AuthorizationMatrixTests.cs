using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nris.Server.Auth;
using CatalogueAdmin = Nris.Server.Tests.Admin.CatalogueAdminTests;

namespace Nris.Server.Tests.Auth;

/// <summary>
/// The authorization matrix: every endpoint of the running server × every caller × (in scope, out of scope) →
/// the expected status. The endpoint list comes from the server itself, so a new endpoint without a row here
/// fails the test. "In scope" is Hà Nội (UBND.01 and its communes) or an internal regime; "out of scope" is Hồ Chí
/// Minh City (UBND.79) or a confidential regime.
/// </summary>
public sealed class AuthorizationMatrixTests(NrisServerFixture server)
{
    private const string InOrg = "UBND.01";
    private const string InCommune = "UBND.00070";
    private const string OutOrg = "UBND.79";
    private const string InternalRegime = "KTXH-TINH-THANG";
    private const string ConfidentialRegime = "TINDUNG-NHNN-THANG";

    public enum Caller { Anonymous, SystemAdmin, AgencyAdminHanoi, ReporterHanoiCommune, ReviewerHanoi, AnalystFinance, ClientHanoi }

    private sealed record Target(HttpMethod Method, string Path, object? Body = null, string? LeakMarker = null);

    private sealed record Row(Func<bool, Task<Target>> Build, Func<Caller, bool, int> Expect, bool FreshSession = false);

    private sealed class Callers(Dictionary<Caller, Func<Task<ApiSession>>> fresh)
    {
        private readonly Dictionary<Caller, ApiSession> _sessions = [];

        public async Task<ApiSession> GetAsync(Caller caller, bool fresh1)
        {
            if (fresh1)
            {
                return await fresh[caller]();
            }

            if (!_sessions.TryGetValue(caller, out var s))
            {
                _sessions[caller] = s = await fresh[caller]();
            }

            return s;
        }
    }

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_declared_and_nothing_out_of_scope_leaks()
    {
        using var admin = await server.AdminAsync();
        var agency = await server.UserAsync(InOrg, "agencyAdministrator");
        var reporter = await server.UserAsync(InCommune, "reporter");
        var reviewer = await server.UserAsync(InOrg, "reviewer");
        var analyst = await server.UserAsync("BTC", "analyst");
        var hcmcUser = await server.UserAsync(OutOrg, "reviewer");
        // A system administrator of its own: the two-factor row changes the caller's security stamp, which would end the
        // sessions of 'admin' that tests running in parallel are using.
        var system = await server.UserAsync("CP", "systemAdministrator", ceiling: "confidential");
        var clientKey = (await admin.PostJsonAsync("/api/admin/clients", new { name = "matrix", organizationCode = InOrg, role = "reporter" }, 201))
            .GetProperty("key").GetString()!;

        var callers = new Callers(new()
        {
            [Caller.Anonymous] = () => Task.FromResult(server.NewSession()),
            [Caller.SystemAdmin] = () => server.SignInAsync(system.UserName, system.Password),
            [Caller.AgencyAdminHanoi] = () => server.SignInAsync(agency.UserName, agency.Password),
            [Caller.ReporterHanoiCommune] = () => server.SignInAsync(reporter.UserName, reporter.Password),
            [Caller.ReviewerHanoi] = () => server.SignInAsync(reviewer.UserName, reviewer.Password),
            [Caller.AnalystFinance] = () => server.SignInAsync(analyst.UserName, analyst.Password),
            [Caller.ClientHanoi] = () =>
            {
                var s = server.NewSession();
                s.UseApiKey(clientKey);
                return Task.FromResult(s);
            },
        });

        var codelist = (await admin.GetJsonAsync("/api/codelists"))[0].GetProperty("code").GetString();
        var indicator = (await admin.GetJsonAsync("/api/indicators")).GetProperty("items")[0].GetProperty("code").GetString();

        // A user created fresh for each call of a changing endpoint, in Hà Nội or in Hồ Chí Minh City.
        async Task<(string Id, string Name)> FreshUserAsync(bool inScope)
        {
            var name = "t" + Guid.NewGuid().ToString("N")[..10];
            var created = await admin.PostJsonAsync("/api/admin/users",
                new { userName = name, organizationCode = inScope ? InCommune : OutOrg, grants = new[] { new { role = "reporter" } } }, 201);
            return (created.GetProperty("user").GetProperty("id").GetString()!, name);
        }

        async Task<string> FreshClientAsync(bool inScope) =>
            (await admin.PostJsonAsync("/api/admin/clients", new { name = "t", organizationCode = inScope ? InOrg : OutOrg, role = "reporter" }, 201))
                .GetProperty("client").GetProperty("id").GetString()!;

        static Target Get(string path) => new(HttpMethod.Get, path);
        Func<bool, Task<Target>> Same(Target t) => _ => Task.FromResult(t);
        Func<bool, Task<Target>> UserAction(string action) => async inScope =>
        {
            var (id, name) = await FreshUserAsync(inScope);
            return new Target(HttpMethod.Post, $"/api/admin/users/{id}/{action}", new { }, inScope ? null : name);
        };
        Func<bool, Task<Target>> ClientAction(string action) => async inScope =>
            new Target(HttpMethod.Post, $"/api/admin/clients/{await FreshClientAsync(inScope)}/{action}", new { });

        // Regimes created by the system administrator for the regime rows; each changing call gets a fresh one.
        static string MatrixRegimeCode() => "MX-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        async Task<System.Text.Json.Nodes.JsonObject> FreshRegimeAsync(bool inScope)
        {
            var regime = await CatalogueAdmin.NewRegimeAsync(admin, MatrixRegimeCode(), inScope ? InOrg : OutOrg);
            await ApiSession.ReadAsync(await admin.SendAsync(HttpMethod.Post, "/api/admin/regimes", regime), "POST regime", 201);
            return regime;
        }
        var hanoiRegime = (await FreshRegimeAsync(true))["code"]!.GetValue<string>();
        var hcmcRegime = (await FreshRegimeAsync(false))["code"]!.GetValue<string>();
        // Replacing an indicator by itself is a real change (a ledger entry) that leaves the catalogue as it was.
        var indicatorTemplate = System.Text.Json.Nodes.JsonNode.Parse((await admin.GetJsonAsync("/api/indicators/ENT_NEW")).GetRawText())!.AsObject();
        System.Text.Json.Nodes.JsonObject FreshIndicator()
        {
            var fresh = indicatorTemplate.DeepClone().AsObject();
            fresh["code"] = "MX" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
            return fresh;
        }

        // Exchange mappings of the in-scope (Hà Nội) and out-of-scope (Hồ Chí Minh City) regimes; each changing call gets a fresh one.
        object MappingOf(bool inScope) => new { regime = inScope ? hanoiRegime : hcmcRegime, indicators = new Dictionary<string, string> { ["X"] = "HEALTH_EST_TOTAL" } };
        async Task<string> FreshMappingAsync(bool inScope)
        {
            var name = "mx-" + Guid.NewGuid().ToString("N")[..10];
            await ApiSession.ReadAsync(await admin.SendAsync(HttpMethod.Put, "/api/admin/exchange-mappings/" + name, MappingOf(inScope)), "PUT mapping", 201);
            return name;
        }

        // Connectors (issue #9) of Hà Nội (in scope) and Hồ Chí Minh City (out of scope); each changing call gets a fresh one.
        object ConnectorOf(bool inScope, string name) => new
        {
            name, kind = "push", format = "json", regime = "DVC-NGAY", organization = inScope ? InOrg : OutOrg,
        };
        async Task<string> FreshConnectorAsync(bool inScope)
        {
            var name = "mx-" + Guid.NewGuid().ToString("N")[..10];
            await ApiSession.ReadAsync(await admin.SendAsync(HttpMethod.Post, "/api/admin/connectors", ConnectorOf(inScope, name)), "POST connector", 201);
            return name;
        }

        var isUser = (Caller c) => c is not Caller.Anonymous and not Caller.ClientHanoi;
        // Everyone.
        int Open(Caller c, bool i) => 200;
        // Signed in or a client.
        Func<Caller, bool, int> Authenticated(int ok) => (c, _) => c == Caller.Anonymous ? 401 : ok;
        // A user's own account: clients have none.
        Func<Caller, bool, int> OwnAccount(int ok, int forClient) => (c, _) => c == Caller.Anonymous ? 401 : c == Caller.ClientHanoi ? forClient : ok;
        // Administrators; the agency administrator of Hà Nội only inside Hà Nội.
        Func<Caller, bool, int> Admin(int ok, int outOfScope) => (c, inScope) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => ok,
            Caller.AgencyAdminHanoi => inScope ? ok : outOfScope,
            _ => 403,
        };
        // System administrators only, whatever the scope.
        Func<Caller, bool, int> SystemOnly(int ok) => (c, _) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => ok,
            _ => 403,
        };
        // Regimes: internal visible to every signed-in caller (ceiling internal), confidential to the system admin only.
        int Regime(Caller c, bool internalRegime) => c switch
        {
            Caller.Anonymous => 404,
            Caller.SystemAdmin => 200,
            _ => internalRegime ? 200 : 404,
        };

        // A web page's form: a visitor must sign in, an API client may not, and a signed-in caller's JSON is not the form.
        int WebForm(Caller c, bool i) => c switch
        {
            Caller.Anonymous => 401,
            Caller.ClientHanoi => 403,
            _ => 415,
        };

        int DataScope(Caller c, bool hanoi) => c switch
        {
            Caller.SystemAdmin or Caller.AnalystFinance => 200,
            Caller.AgencyAdminHanoi or Caller.ReviewerHanoi or Caller.ClientHanoi => hanoi ? 200 : 404,
            _ => 404,
        };
        // Oversight: the system administrator sees everything; Hà Nội's callers see Hà Nội; nobody else sees either.
        int OversightScope(Caller c, bool hanoi) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => 200,
            Caller.AgencyAdminHanoi or Caller.ReviewerHanoi or Caller.ClientHanoi => hanoi ? 200 : 404,
            _ => 404,
        };
        // Reports: one Hà Nội and one Hồ Chí Minh City report made by the system administrator; the changing rows get a
        // fresh report (or period) for every call, so each answer depends only on the caller.
        var period = Api.ReportTestData.NextPeriod();
        string ReportPath(bool i) => Api.ReportTestData.Path(period, i ? InOrg : OutOrg);
        var outHash = "";
        foreach (var inScope in new[] { true, false })
        {
            var submitted = await admin.PostJsonAsync(ReportPath(inScope) + "/submit", Api.ReportTestData.Body(inScope ? InOrg : OutOrg), 201);
            outHash = inScope ? outHash : submitted.GetProperty("ledgerHash").GetString()!;
        }
        var draftPeriod = Api.ReportTestData.NextPeriod();
        string DraftPath(bool i) => Api.ReportTestData.Path(draftPeriod, i ? InOrg : OutOrg) + "/draft";
        foreach (var inScope in new[] { true, false })
        {
            using var saved = await admin.SendAsync(HttpMethod.Put, DraftPath(inScope), new { values = Api.ReportTestData.Values(inScope ? InOrg : OutOrg) });
            Assert.Equal(System.Net.HttpStatusCode.OK, saved.StatusCode);
        }
        var hcmcMarker = Api.ReportTestData.HcmcMarker;
        Target ReadReport(bool i, string suffix = "") => new(HttpMethod.Get, ReportPath(i) + suffix, null, i ? null : hcmcMarker);
        // A fresh report of the caller's or the other city, submitted (and accepted when asked) by the administrator.
        async Task<string> FreshReportAsync(bool inScope, bool accept = false)
        {
            var fresh = Api.ReportTestData.NextPeriodForMatrix();
            var path = Api.ReportTestData.Path(fresh, inScope ? InOrg : OutOrg);
            await admin.PostJsonAsync(path + "/submit", Api.ReportTestData.Body(inScope ? InOrg : OutOrg, period: fresh), 201);
            if (accept)
            {
                await admin.PostJsonAsync(path + "/accept", new { version = 1 });
            }
            return path;
        }
        Func<bool, Task<Target>> Decide(string action, bool accepted = false) => async i =>
            new Target(HttpMethod.Post, await FreshReportAsync(i, accepted) + "/" + action, new { version = 1, reason = "matrix" }, i ? null : hcmcMarker);
        // Reading a report: whoever's scope holds its reporter or recipient (VPCP); the Hà Nội commune and the finance
        // ministry hold neither.
        int ReadReportExpect(Caller c, bool i) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => 200,
            Caller.AgencyAdminHanoi or Caller.ReviewerHanoi or Caller.ClientHanoi => i ? 200 : 404,
            _ => 404,
        };
        // Writing a report: reporters of the reporting organization (the Hà Nội client; the system administrator).
        Func<Caller, bool, int> Write(int ok) => (c, i) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => ok,
            Caller.ClientHanoi => i ? ok : 404,
            Caller.ReporterHanoiCommune => 404,
            _ => 403,
        };
        // Deciding: reviewers of the recipient (VPCP); the Hà Nội reviewer sees its city's reports but is not VPCP.
        int DecideExpect(Caller c, bool i) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => 200,
            Caller.ReviewerHanoi => i ? 403 : 404,
            _ => 403,
        };

        // Ad-hoc report requests: one addressed to Hà Nội and one to Hồ Chí Minh City (issued by the Government Office
        // through the system administrator); the changing rows get a fresh request (and answer) for every call.
        const string RequestLeak = "MATRIX-REQUEST-HCMC";
        string RequestDeadline() => Nris.Server.Hosting.VietnamTime.Today(server.Clock).AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // Issuing and answering are limited per client address like submissions (120 a minute); the matrix makes far
        // more than that, so the requests come from issuer sessions of their own, a new one (a new address) every 50.
        var issuerSessions = new List<ApiSession>();
        var issuedBySession = 0;
        async Task<ApiSession> IssuerSessionAsync()
        {
            if (issuerSessions.Count == 0 || ++issuedBySession > 50)
            {
                issuerSessions.Add(await server.AdminAsync());
                issuedBySession = 1;
            }

            return issuerSessions[^1];
        }

        async Task<(string Path, string Target)> FreshRequestAsync(bool inScope, bool byCity = false, bool answer = false)
        {
            var requester = await IssuerSessionAsync();
            var issuer = byCity ? (inScope ? InOrg : OutOrg) : "VPCP";
            object targets = byCity ? new { kind = "communeCommittee" } : new { codes = new[] { inScope ? InOrg : OutOrg } };
            var issued = await requester.PostJsonAsync("/api/requests", new
            {
                issuer, subject = inScope ? "Matrix request" : RequestLeak, targets, period = "2026-M03", deadline = RequestDeadline(),
                questions = new[] { new { text = "?" } },
            }, 201);
            var path = "/api/requests/" + issued.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var target = issued.GetProperty("targets")[0].GetProperty("organization").GetString()!;
            if (answer)
            {
                await requester.PostJsonAsync(path + "/answers/" + target, new
                {
                    baseVersion = 0, texts = new[] { new { question = "Q1", text = "answer" } },
                    attachments = new[] { new { fileName = "a.txt", contentBase64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(inScope ? "in" : RequestLeak)) } },
                }, 201);
            }
            return (path, target);
        }
        var hanoiRequest = await FreshRequestAsync(true, answer: true);
        var hcmcRequest = await FreshRequestAsync(false, answer: true);
        string RequestAttachment((string Path, string Target) r) =>
            r.Path + "/attachments/" + admin.GetJsonAsync(r.Path).GetAwaiter().GetResult().GetProperty("answers")[0].GetProperty("attachments")[0].GetProperty("id").GetInt64()
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hanoiAttachment = RequestAttachment(hanoiRequest);
        var hcmcAttachment = RequestAttachment(hcmcRequest);
        // Issuing: leaders (reviewers) and agency administrators for organizations in their subtree; the system administrator anywhere.
        // Targets: set by the system administrator for Hà Nội (in scope) or Hồ Chí Minh City (out of scope).
        async Task<string> FreshTargetAsync(bool inScope)
        {
            var code = "MX-" + Guid.NewGuid().ToString("N")[..10];
            await ApiSession.ReadAsync(await admin.SendAsync(HttpMethod.Put, "/api/oversight/targets/" + code,
                new { indicatorCode = "RETAIL_SALES", territoryCode = inScope ? "01" : "79", year = 2026, value = 1000, legalBasis = "Matrix" }), "PUT target", 201);
            return code;
        }
        static int TargetExpect(Caller c, bool i, int ok) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => ok,
            Caller.AgencyAdminHanoi or Caller.ReviewerHanoi => i ? ok : 403,
            _ => 403,
        };
        int IssueExpect(Caller c, bool i) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => 201,
            Caller.AgencyAdminHanoi or Caller.ReviewerHanoi => i ? 201 : 403,
            _ => 403,
        };
        // Deciding: leaders and agency administrators of the issuer (here Hà Nội or Hồ Chí Minh City itself); a request not
        // visible to the caller is not found.
        int DecideRequestExpect(Caller c, bool i) => c switch
        {
            Caller.Anonymous => 401,
            Caller.SystemAdmin => 200,
            Caller.AgencyAdminHanoi or Caller.ReviewerHanoi => i ? 200 : 404,
            _ => 403,
        };
        Func<bool, Task<Target>> DecideRequest(string action) => async i =>
        {
            var (path, target) = await FreshRequestAsync(i, byCity: true, answer: true);
            return new Target(HttpMethod.Post, path + "/answers/" + target + "/" + action, new { version = 1, reason = "matrix" }, i ? null : RequestLeak);
        };

        var matrix = new Dictionary<string, Row>(StringComparer.Ordinal)
        {
            ["GET /api/reports/"] = new(i => Task.FromResult(new Target(HttpMethod.Get, "/api/reports?reporter=" + (i ? InOrg : OutOrg), null, i ? null : hcmcMarker)), Authenticated(200)),
            ["GET /api/reports/{regime}/{period}/{reporter}/"] = new(i => Task.FromResult(ReadReport(i)), ReadReportExpect),
            ["GET /api/reports/{regime}/{period}/{reporter}/versions/{version}/values"] = new(i => Task.FromResult(ReadReport(i, "/versions/1/values")), ReadReportExpect),
            ["GET /api/reports/{regime}/{period}/{reporter}/diff"] = new(i => Task.FromResult(ReadReport(i, "/diff?from=1&to=1")), ReadReportExpect),
            ["GET /api/reports/{regime}/{period}/{reporter}/draft"] = new(i => Task.FromResult(new Target(HttpMethod.Get, DraftPath(i), null, i ? null : hcmcMarker)), Write(200)),
            ["PUT /api/reports/{regime}/{period}/{reporter}/draft"] = new(i => Task.FromResult(new Target(HttpMethod.Put, DraftPath(i),
                new { values = Api.ReportTestData.Values(i ? InOrg : OutOrg) }, i ? null : hcmcMarker)), Write(200)),
            ["POST /api/reports/{regime}/{period}/{reporter}/submit"] = new(i =>
            {
                var fresh = Api.ReportTestData.NextPeriodForMatrix();
                return Task.FromResult(new Target(HttpMethod.Post, Api.ReportTestData.Path(fresh, i ? InOrg : OutOrg) + "/submit",
                    Api.ReportTestData.Body(i ? InOrg : OutOrg, period: fresh)));
            }, Write(201)),
            ["POST /api/reports/{regime}/{period}/{reporter}/revise"] = new(async i =>
            {
                var path = await FreshReportAsync(i);
                var fresh = path.Split('/')[4];
                return new Target(HttpMethod.Post, path + "/revise",
                    new { values = Api.ReportTestData.Values(i ? InOrg : OutOrg, null, fresh), baseVersion = 1, reason = "matrix" }, i ? null : hcmcMarker);
            }, Write(201)),
            ["POST /api/reports/{regime}/{period}/{reporter}/accept"] = new(Decide("accept"), DecideExpect),
            ["POST /api/reports/{regime}/{period}/{reporter}/return"] = new(Decide("return"), DecideExpect),
            ["POST /api/reports/{regime}/{period}/{reporter}/reopen"] = new(Decide("reopen", accepted: true), DecideExpect),
            ["GET /api/provenance"] = new(i => Task.FromResult(new Target(HttpMethod.Get,
                $"/api/provenance?indicator=RETAIL_SALES&territory={(i ? "01" : "79")}&period={period}&source={(i ? InOrg : OutOrg)}", null, i ? null : hcmcMarker)), ReadReportExpect),
            // The web pages (Components/): every page answers 200 — a signed-out visitor or an API client is sent to the
            // sign-in page — and what a page shows is decided by the caller's scope (an out-of-scope report names nothing).
            // A page's form post is for signed-in people with the page's own form: others are refused as problems.
            ["GET /"] = new(Same(Get("/")), Open),
            ["GET /sign-in"] = new(Same(Get("/sign-in")), Open),
            ["GET /today"] = new(Same(Get("/today")), Open),
            ["GET /indicators"] = new(Same(Get("/indicators")), Open),
            ["GET /indicators/{Code}"] = new(Same(Get("/indicators/RETAIL_SALES?periodicity=Monthly")), Open),
            ["GET /provenance"] = new(i => Task.FromResult(Get($"/provenance?indicator=RETAIL_SALES&territory={(i ? "01" : "79")}&period={period}")), Open),
            ["GET /entry"] = new(Same(Get("/entry")), Open),
            ["GET /entry/{RegimeCode}/{PeriodCode}"] = new(Same(Get($"/entry/{Api.ReportTestData.Regime}/{period}")), Open),
            ["GET /review"] = new(Same(Get("/review")), Open),
            ["GET /review/{RegimeCode}/{PeriodCode}/{ReporterCode}"] = new(i => Task.FromResult(new Target(HttpMethod.Get,
                $"/review/{Api.ReportTestData.Regime}/{period}/{(i ? InOrg : OutOrg)}", null, i ? null : "Hồ Chí Minh")), Open),
            ["GET /categories/{Code}"] = new(Same(Get("/categories/ECON")), Open),
            ["GET /wall"] = new(Same(Get("/wall")), Open),
            // Open data: published (public-regime) figures for everyone, signed in or not.
            ["GET /open-data"] = new(Same(Get("/open-data")), Open),
            ["GET /open-data/{Code}"] = new(Same(Get("/open-data/RETAIL_SALES")), Open),
            ["GET /compliance"] = new(Same(Get("/compliance?regime=KTXH-TINH-THANG")), Open),
            ["GET /oversight"] = new(i => Task.FromResult(Get($"/oversight?organization={(i ? InOrg : OutOrg)}")), Open),
            ["POST /compliance"] = new(Same(new(HttpMethod.Post, "/compliance", new { })), WebForm),
            ["POST /oversight"] = new(Same(new(HttpMethod.Post, "/oversight", new { })), WebForm),
            // Ad-hoc requests' pages: what they show is the caller's scope (Hồ Chí Minh City's request names nothing to Hà Nội).
            ["GET /requests"] = new(Same(new Target(HttpMethod.Get, "/requests", null, RequestLeak)), Open),
            ["POST /requests"] = new(Same(new(HttpMethod.Post, "/requests", new { })), WebForm),
            ["GET /requests/{Id:long}"] = new(i => Task.FromResult(new Target(HttpMethod.Get, "/" + (i ? hanoiRequest : hcmcRequest).Path["/api/".Length..], null, i ? null : RequestLeak)), Open),
            ["POST /requests/{Id:long}"] = new(Same(new(HttpMethod.Post, "/" + hanoiRequest.Path["/api/".Length..], new { })), WebForm),
            // Cross-checks: the discrepancies whose both sides the caller's aggregate scope reads (CrossCheckService).
            ["GET /cross-checks"] = new(Same(Get($"/cross-checks?period={period}")), Open),
            ["POST /cross-checks"] = new(Same(new(HttpMethod.Post, "/cross-checks", new { })), WebForm),
            // Anomalies: the flags of the reporters the caller may see (AnomalyService, the compliance rule); the page itself is open to signed-in users.
            ["GET /anomalies"] = new(Same(Get("/anomalies?regime=KTXH-TINH-THANG")), Open),
            ["POST /anomalies"] = new(Same(new(HttpMethod.Post, "/anomalies", new { })), WebForm),
            // Targets: the list holds the targets whose figures the caller may read; the form's posts go through TargetService's territory check.
            ["GET /targets"] = new(Same(Get("/targets?year=2026")), Open),
            ["POST /targets"] = new(Same(new(HttpMethod.Post, "/targets", new { })), WebForm),
            // Administration: the page lists only the administered subtrees (through the admin services); others see a notice.
            ["GET /admin"] = new(Same(Get("/admin")), Open),
            ["POST /admin"] = new(Same(new(HttpMethod.Post, "/admin", new { })), WebForm),
            ["GET /admin/connections"] = new(Same(Get("/admin/connections")), Open),
            ["POST /admin/connections"] = new(Same(new(HttpMethod.Post, "/admin/connections", new { })), WebForm),
            // The federation status page: the page itself says who may see what (system administrators), as /admin does.
            ["GET /admin/federation"] = new(Same(Get("/admin/federation")), Open),
            ["POST /admin/federation"] = new(Same(new(HttpMethod.Post, "/admin/federation", new { })), WebForm),
            ["POST /categories/{Code}"] = new(Same(new(HttpMethod.Post, "/categories/ECON", new { })), WebForm),
            ["POST /wall"] = new(Same(new(HttpMethod.Post, "/wall", new { })), WebForm),
            ["POST /open-data"] = new(Same(new(HttpMethod.Post, "/open-data", new { })), WebForm),
            ["POST /open-data/{Code}"] = new(Same(new(HttpMethod.Post, "/open-data/RETAIL_SALES", new { })), WebForm),
            ["POST /"] = new(Same(new(HttpMethod.Post, "/", new { })), WebForm),
            ["POST /sign-in"] = new(Same(new(HttpMethod.Post, "/sign-in", new { })), WebForm),
            ["POST /today"] = new(Same(new(HttpMethod.Post, "/today", new { })), WebForm),
            ["POST /indicators"] = new(Same(new(HttpMethod.Post, "/indicators", new { })), WebForm),
            ["POST /indicators/{Code}"] = new(Same(new(HttpMethod.Post, "/indicators/RETAIL_SALES", new { })), WebForm),
            ["POST /provenance"] = new(Same(new(HttpMethod.Post, "/provenance", new { })), WebForm),
            ["POST /entry"] = new(Same(new(HttpMethod.Post, "/entry", new { })), WebForm),
            ["POST /entry/{RegimeCode}/{PeriodCode}"] = new(Same(new(HttpMethod.Post, $"/entry/{Api.ReportTestData.Regime}/{period}", new { })), WebForm),
            ["POST /review"] = new(Same(new(HttpMethod.Post, "/review", new { })), WebForm),
            ["POST /review/{RegimeCode}/{PeriodCode}/{ReporterCode}"] = new(i => Task.FromResult(new Target(HttpMethod.Post,
                $"/review/{Api.ReportTestData.Regime}/{period}/{(i ? InOrg : OutOrg)}", new { })), WebForm),
            ["GET /_framework/opaque-redirect"] = new(Same(Get("/_framework/opaque-redirect")), (_, _) => 400),
            ["GET /ui/export/{file}"] = new(i => Task.FromResult(Get($"/ui/export/RETAIL_SALES.csv?periodicity=Monthly&period={period}&territory={(i ? "01" : "79")}")), Open),
            // The live hub: signed-in callers negotiate; its address alone is a bilingual 400.
            ["* /live/negotiate"] = new(Same(new(HttpMethod.Post, "/live/negotiate?negotiateVersion=1", new { })), Authenticated(200)),
            ["* /live"] = new(Same(Get("/live")), Authenticated(400)),
            ["GET /api/ledger/checkpoints"] = new(Same(Get("/api/ledger/checkpoints")), Open),
            ["GET /api/ledger/public-key"] = new(Same(Get("/api/ledger/public-key")), Open),
            ["POST /api/admin/ledger/verify"] = new(Same(new(HttpMethod.Post, "/api/admin/ledger/verify", new { })), SystemOnly(200)),
            ["POST /api/admin/ledger/checkpoints"] = new(Same(new(HttpMethod.Post, "/api/admin/ledger/checkpoints", new { })), SystemOnly(201)),
            // Federation (issue #9): forwarding is for reporters (a child's client); an unregistered instance does not exist.
            ["POST /api/federation/entries"] = new(Same(new(HttpMethod.Post, "/api/federation/entries", new
            {
                instanceId = "matrix-none", originHead = 1,
                entries = new[] { new { sequence = 1, kind = "submission.submitted", timeUs = 0, previousHash = new string('0', 64), hash = new string('0', 64) } },
            })), (c, _) => c switch
            {
                Caller.Anonymous => 401,
                Caller.SystemAdmin or Caller.ClientHanoi or Caller.ReporterHanoiCommune => 404,
                _ => 403,
            }),
            ["GET /api/federation/instances"] = new(Same(Get("/api/federation/instances")), Admin(200, 200)),
            ["GET /api/federation/origin"] = new(Same(Get("/api/federation/origin?sequence=1")), Authenticated(404)),
            ["POST /api/admin/federation/instances"] = new(async _ => new Target(HttpMethod.Post, "/api/admin/federation/instances", new
            {
                instanceId = "m" + Guid.NewGuid().ToString("N")[..12], organizationCode = InOrg,
                publicKeyPem = (await admin.GetJsonAsync("/api/ledger/public-key")).GetProperty("publicKeyPem").GetString(),
            }), SystemOnly(201)),
            ["POST /api/admin/federation/instances/{instanceId}/resume"] = new(Same(new(HttpMethod.Post, "/api/admin/federation/instances/matrix-none/resume", new { })), SystemOnly(404)),
            ["GET /api/admin/federation/outbox"] = new(Same(Get("/api/admin/federation/outbox")), SystemOnly(200)),
            // The downward catalogue feed is for a registered child's credential (reporters); an unregistered instance does not exist.
            ["GET /api/federation/catalogue"] = new(Same(Get("/api/federation/catalogue?instanceId=matrix-none")), (c, _) => c switch
            {
                Caller.Anonymous => 401,
                Caller.SystemAdmin or Caller.ClientHanoi or Caller.ReporterHanoiCommune => 404,
                _ => 403,
            }),
            ["GET /api/admin/federation/catalogue"] = new(Same(Get("/api/admin/federation/catalogue")), SystemOnly(200)),
            ["POST /api/admin/federation/catalogue/resume"] = new(Same(new(HttpMethod.Post, "/api/admin/federation/catalogue/resume", new { })), SystemOnly(204)),
            ["GET /openapi/{documentName}.json"] = new(Same(Get("/openapi/v1.json")), Open),
            ["* /health"] = new(Same(Get("/health")), Open),
            ["GET /api/territories"] = new(Same(Get("/api/territories?level=province")), Open),
            ["GET /api/territories/{code}"] = new(Same(Get("/api/territories/01")), Open),
            ["GET /api/territories/{code}/children"] = new(Same(Get("/api/territories/01/children")), Open),
            ["GET /api/organizations"] = new(Same(Get("/api/organizations?kind=ministry")), Open),
            ["GET /api/organizations/{code}"] = new(Same(Get("/api/organizations/BTC")), Open),
            ["GET /api/categories"] = new(Same(Get("/api/categories")), Open),
            ["GET /api/codelists"] = new(Same(Get("/api/codelists")), Open),
            ["GET /api/codelists/{code}"] = new(Same(Get("/api/codelists/" + codelist)), Open),
            ["GET /api/indicators"] = new(Same(Get("/api/indicators")), Open),
            ["GET /api/indicators/{code}"] = new(Same(Get("/api/indicators/" + indicator)), Open),
            ["GET /api/regimes"] = new(Same(Get("/api/regimes")), Open),
            ["GET /api/regimes/{code}"] = new(i => Task.FromResult(Get("/api/regimes/" + (i ? InternalRegime : ConfidentialRegime))), Regime),
            ["GET /api/regimes/{code}/periods"] = new(i => Task.FromResult(Get($"/api/regimes/{(i ? InternalRegime : ConfidentialRegime)}/periods?year=2026")), Regime),

            ["GET /api/auth/antiforgery"] = new(Same(Get("/api/auth/antiforgery")), Open),
            ["POST /api/auth/sign-in"] = new(Same(new(HttpMethod.Post, "/api/auth/sign-in", new { userName = "nobody-" + Guid.NewGuid().ToString("N")[..6], password = "not-the-password-1A" })), (_, _) => 401),
            ["POST /api/auth/change-password"] = new(Same(new(HttpMethod.Post, "/api/auth/change-password", new { currentPassword = "wrong-Password-1", newPassword = "Another-Password-2" })), OwnAccount(400, 400)),
            ["POST /api/auth/two-factor/enable"] = new(Same(new(HttpMethod.Post, "/api/auth/two-factor/enable", new { code = "12345" })), OwnAccount(400, 400)),
            ["GET /api/me"] = new(Same(Get("/api/me")), Authenticated(200)),

            ["GET /api/admin/users"] = new(Same(Get("/api/admin/users")), Admin(200, 200)),
            ["POST /api/admin/users"] = new(i => Task.FromResult(new Target(HttpMethod.Post, "/api/admin/users", new
            {
                userName = "m" + Guid.NewGuid().ToString("N")[..10], organizationCode = i ? InCommune : OutOrg, grants = new[] { new { role = "reporter" } },
            })), Admin(201, 403)),
            ["GET /api/admin/users/{id}"] = new(i => Task.FromResult(new Target(HttpMethod.Get, "/api/admin/users/" + (i ? reviewer.Id : hcmcUser.Id), null, i ? null : hcmcUser.UserName)), Admin(200, 404)),
            ["POST /api/admin/users/{id}/disable"] = new(UserAction("disable"), Admin(200, 404)),
            ["POST /api/admin/users/{id}/enable"] = new(UserAction("enable"), Admin(200, 404)),
            ["POST /api/admin/users/{id}/reset-password"] = new(UserAction("reset-password"), Admin(200, 404)),
            ["PUT /api/admin/users/{id}/grants"] = new(async i =>
            {
                var (id, name) = await FreshUserAsync(i);
                return new Target(HttpMethod.Put, $"/api/admin/users/{id}/grants", new { grants = new[] { new { role = "analyst" } } }, i ? null : name);
            }, Admin(200, 404)),
            ["GET /api/admin/clients"] = new(Same(Get("/api/admin/clients")), Admin(200, 200)),
            ["POST /api/admin/clients"] = new(i => Task.FromResult(new Target(HttpMethod.Post, "/api/admin/clients",
                new { name = "m", organizationCode = i ? InOrg : OutOrg, role = "reporter" })), Admin(201, 403)),
            ["POST /api/admin/clients/{id}/revoke"] = new(ClientAction("revoke"), Admin(200, 404)),
            ["POST /api/admin/clients/{id}/rotate"] = new(ClientAction("rotate"), Admin(200, 404)),
            ["GET /api/organizations/{code}/users"] = new(i => Task.FromResult(new Target(HttpMethod.Get, $"/api/organizations/{(i ? InOrg : OutOrg)}/users", null, i ? null : hcmcUser.UserName)), Admin(200, 404)),
            ["GET /api/audit"] = new(i => Task.FromResult(new Target(HttpMethod.Get, "/api/audit?organization=" + (i ? InOrg : OutOrg), null, i ? null : hcmcUser.UserName)), Admin(200, 404)),

            // Catalogue administration: in scope a regime addressed to Hà Nội, out of scope one addressed to Hồ Chí Minh City
            // (both internal, so visible: the Hà Nội administrator is refused, not told it does not exist).
            ["POST /api/admin/regimes"] = new(async i => new Target(HttpMethod.Post, "/api/admin/regimes",
                await CatalogueAdmin.NewRegimeAsync(admin, MatrixRegimeCode(), i ? InOrg : OutOrg)), Admin(201, 403)),
            ["PUT /api/admin/regimes/{code}"] = new(async i =>
            {
                var regime = await FreshRegimeAsync(i);
                return new Target(HttpMethod.Put, "/api/admin/regimes/" + regime["code"], CatalogueAdmin.NextVersion(regime, 2, "2026-01-01"));
            }, Admin(200, 403)),
            ["GET /api/admin/regimes/{code}/versions"] = new(i => Task.FromResult(
                Get($"/api/admin/regimes/{(i ? hanoiRegime : hcmcRegime)}/versions")), Admin(200, 403)),
            ["POST /api/admin/indicators"] = new(_ => Task.FromResult(new Target(HttpMethod.Post, "/api/admin/indicators", FreshIndicator())), SystemOnly(201)),
            ["GET /api/admin/exchange-mappings"] = new(Same(Get("/api/admin/exchange-mappings")), Admin(200, 200)),
            ["PUT /api/admin/exchange-mappings/{name}"] = new(i => Task.FromResult(new Target(HttpMethod.Put,
                "/api/admin/exchange-mappings/mx-" + Guid.NewGuid().ToString("N")[..10], MappingOf(i))), Admin(201, 403)),
            ["GET /api/admin/exchange-mappings/{name}"] = new(async i => Get("/api/admin/exchange-mappings/" + await FreshMappingAsync(i)), Admin(200, 404)),
            ["DELETE /api/admin/exchange-mappings/{name}"] = new(async i => new Target(HttpMethod.Delete, "/api/admin/exchange-mappings/" + await FreshMappingAsync(i)), Admin(204, 404)),
            // Connectors: administrators inside their subtree; the push endpoint takes a connector's own key and nothing else.
            ["GET /api/admin/connectors"] = new(Same(Get("/api/admin/connectors")), Admin(200, 200)),
            ["POST /api/admin/connectors"] = new(i => Task.FromResult(new Target(HttpMethod.Post, "/api/admin/connectors",
                ConnectorOf(i, "mx-" + Guid.NewGuid().ToString("N")[..10]))), Admin(201, 403)),
            ["GET /api/admin/connectors/{name}"] = new(async i => Get("/api/admin/connectors/" + await FreshConnectorAsync(i)), Admin(200, 404)),
            ["POST /api/admin/connectors/{name}/key"] = new(async i => new Target(HttpMethod.Post, $"/api/admin/connectors/{await FreshConnectorAsync(i)}/key", new { }), Admin(200, 404)),
            ["PUT /api/admin/connectors/{name}/enabled"] = new(async i => new Target(HttpMethod.Put, $"/api/admin/connectors/{await FreshConnectorAsync(i)}/enabled", new { enabled = true }), Admin(200, 404)),
            ["POST /api/connectors/{name}/observations"] = new(async i => new Target(HttpMethod.Post, $"/api/connectors/{await FreshConnectorAsync(i)}/observations", Array.Empty<object>()),
                (c, _) => c == Caller.Anonymous ? 401 : 403),
            // Codelists, categories and the administrative map: national, system administrators only (and followed by federated children).
            ["PUT /api/admin/codelists/{code}"] = new(_ => Task.FromResult(new Target(HttpMethod.Put, "/api/admin/codelists/MX_CODES",
                new { code = "MX_CODES", name = "Bảng mã thử", nameEn = "Matrix codes", codes = new[] { new { code = "A", name = "A", nameEn = "A" } } })), SystemOnly(200)),
            ["PUT /api/admin/categories/{code}"] = new(_ => Task.FromResult(new Target(HttpMethod.Put, "/api/admin/categories/MX_CAT",
                new { code = "MX_CAT", name = "Nhóm thử", nameEn = "Matrix category", order = 90 })), SystemOnly(200)),
            ["POST /api/admin/territory-changes"] = new(_ =>
            {
                var code = "MX" + Guid.NewGuid().ToString("N")[..8];
                return Task.FromResult(new Target(HttpMethod.Post, "/api/admin/territory-changes", new
                {
                    effective = "2030-01-01", endTerritories = Array.Empty<string>(), successions = Array.Empty<object>(),
                    territories = new[]
                    {
                        new { code, validity = new { from = "2030-01-01" }, level = "commune", name = "Xã Thử", nameEn = "Test Commune",
                              shortName = "Thử", shortNameEn = "Test", parentCode = "01", provinceCode = "01", unitType = "Xã", unitTypeEn = "Commune" },
                    },
                }));
            }, SystemOnly(201)),
            ["PUT /api/admin/indicators/{code}"] = new(_ => Task.FromResult(new Target(HttpMethod.Put, "/api/admin/indicators/" + indicatorTemplate["code"], indicatorTemplate)), SystemOnly(200)),
            // Aggregates of an internal regime: Hà Nội (01) in scope, Hồ Chí Minh City (79) out. Grants of organizations
            // without a territory (BTC) and the system administrator see the whole country; the commune reporter's
            // territory is its commune, so not Hà Nội as a whole; anonymous callers read public regimes only.
            ["GET /api/data/cell"] = new(i => Task.FromResult(Get($"/api/data/cell?indicator=GRDP&period=2026-Q1&source=GRDP-TINH-QUY&territory={(i ? "01" : "79")}")), DataScope),
            ["GET /api/data/series"] = new(i => Task.FromResult(Get($"/api/data/series?indicator=GRDP&from=2025-Q1&to=2026-Q1&source=GRDP-TINH-QUY&territory={(i ? "01" : "79")}")), DataScope),
            ["GET /api/data/children"] = new(i => Task.FromResult(Get($"/api/data/children?indicator=GRDP&period=2026-Q1&source=GRDP-TINH-QUY&territory={(i ? "01" : "79")}")), DataScope),
            ["GET /api/data/provenance"] = new(i => Task.FromResult(Get($"/api/data/provenance?indicator=GRDP&period=2026-Q1&source=GRDP-TINH-QUY&territory={(i ? "01" : "79")}")), DataScope),
            // A ranking is a list: it answers everyone and holds only the units the caller may read (tested in DataEndpointsTests).
            ["GET /api/data/top"] = new(i => Task.FromResult(Get($"/api/data/top?indicator=GRDP&level=province&period=2026-Q1&source={(i ? "GRDP-TINH-QUY" : "TINDUNG-NHNN-THANG")}")), Open),
            ["GET /api/data/status"] = new(Same(Get("/api/data/status")), (c, _) => c switch
            {
                Caller.Anonymous => 401,
                Caller.SystemAdmin or Caller.AnalystFinance => 200,
                _ => 403,
            }),

            // Oversight. Compliance is about organizations: a caller sees a reporter it may read, or the reporters of a regime
            // whose recipient it may read; the finance analyst (BTC) and the commune reporter see neither Hà Nội nor the
            // confidential regime. Out of scope: the confidential TINDUNG-NHNN-THANG, or Hồ Chí Minh City's scorecard.
            ["GET /api/oversight/compliance/matrix"] = new(i => Task.FromResult(Get(i
                ? $"/api/oversight/compliance/matrix?regime={InternalRegime}&from=2026-M01&to=2026-M02&within={InOrg}"
                : $"/api/oversight/compliance/matrix?regime={ConfidentialRegime}&from=2026-M01&to=2026-M02")), OversightScope),
            ["GET /api/oversight/compliance/regimes"] = new(Same(Get("/api/oversight/compliance/regimes?year=2026")), Authenticated(200)),
            ["GET /api/oversight/compliance/scorecard/{organization}"] = new(i => Task.FromResult(Get(
                $"/api/oversight/compliance/scorecard/{(i ? InOrg : OutOrg)}?year=2026")), OversightScope),
            // Targets are a list holding only the targets whose figures the caller may read (tested in ComplianceAndRemindersTests).
            ["GET /api/oversight/targets"] = new(Same(Get("/api/oversight/targets?year=2026")), Open),
            // Targets administration: leaders and agency administrators of the territory's People's Committee or above
            // (Hà Nội's for 01, Hồ Chí Minh City's for 79); a fresh target code per call, so a set is always a creation.
            ["PUT /api/oversight/targets/{code}"] = new(i => Task.FromResult(new Target(HttpMethod.Put, "/api/oversight/targets/MX-" + Guid.NewGuid().ToString("N")[..10],
                new { indicatorCode = "RETAIL_SALES", territoryCode = i ? "01" : "79", year = 2026, value = 1000, legalBasis = "Matrix" })),
                (c, i) => TargetExpect(c, i, 201)),
            ["POST /api/oversight/targets/{code}/retire"] = new(async i => new Target(HttpMethod.Post, $"/api/oversight/targets/{await FreshTargetAsync(i)}/retire", new { reason = "matrix" }),
                (c, i) => TargetExpect(c, i, 200)),
            ["GET /api/oversight/cross-checks"] = new(Same(Get("/api/oversight/cross-checks?period=2026-M03")), Authenticated(200)),
            ["GET /api/oversight/hot-issues"] = new(Same(Get("/api/oversight/hot-issues?take=5")), Authenticated(200)),
            ["GET /api/oversight/anomalies"] = new(Same(Get("/api/oversight/anomalies?regime=KTXH-TINH-THANG&take=5")), Authenticated(200)),
            // Notifications and their preferences are a user's own: an API client has none (400).
            ["GET /api/oversight/notifications"] = new(Same(Get("/api/oversight/notifications")), OwnAccount(200, 400)),
            ["POST /api/oversight/notifications/{id:long}/read"] = new(Same(new(HttpMethod.Post, "/api/oversight/notifications/987654321/read", new { })), OwnAccount(404, 400)),
            ["GET /api/oversight/notification-preferences"] = new(Same(Get("/api/oversight/notification-preferences")), OwnAccount(200, 400)),
            ["PUT /api/oversight/notification-preferences"] = new(Same(new(HttpMethod.Put, "/api/oversight/notification-preferences",
                new { inApp = true, email = true, reminders = true, escalations = true })), OwnAccount(200, 400)),
            // Ad-hoc report requests. Reading: the issuer's side and the addressed targets, by scope (like compliance);
            // answering: reporters of the target; deciding: leaders and administrators of the issuer.
            ["POST /api/requests/"] = new(i => Task.FromResult(new Target(HttpMethod.Post, "/api/requests", new
            {
                issuer = i ? InOrg : OutOrg, subject = "Matrix issue", targets = i ? (object)new { codes = new[] { InCommune } } : new { kind = "communeCommittee" }, period = "2026-M03",
                deadline = RequestDeadline(), questions = new[] { new { text = "?" } },
            })), IssueExpect),
            ["GET /api/requests/"] = new(Same(new Target(HttpMethod.Get, "/api/requests", null, RequestLeak)), Authenticated(200)),
            ["GET /api/requests/{id:long}"] = new(i => Task.FromResult(new Target(HttpMethod.Get, (i ? hanoiRequest : hcmcRequest).Path, null, i ? null : RequestLeak)), OversightScope),
            ["POST /api/requests/{id:long}/answers/{organization}"] = new(async i =>
            {
                var (path, target) = await FreshRequestAsync(i);
                return new Target(HttpMethod.Post, path + "/answers/" + target, new { baseVersion = 0, texts = new[] { new { question = "Q1", text = "x" } } }, i ? null : RequestLeak);
            }, Write(201)),
            ["POST /api/requests/{id:long}/answers/{organization}/accept"] = new(DecideRequest("accept"), DecideRequestExpect),
            ["POST /api/requests/{id:long}/answers/{organization}/return"] = new(DecideRequest("return"), DecideRequestExpect),
            ["GET /api/requests/{id:long}/attachments/{attachmentId:long}"] = new(i => Task.FromResult(new Target(HttpMethod.Get, i ? hanoiAttachment : hcmcAttachment, null,
                i ? null : RequestLeak)), OversightScope),
            // SDMX: an internal dataflow (Hà Nội's or Hồ Chí Minh City's values of this test's month) and, for structures, an internal
            // regime's dataflow in scope and a confidential one out of scope. Anonymous callers read public dataflows only. The
            // finance ministry reads the whole country, so no leak marker here: SdmxServiceTests checks Hà Nội sees no 79 value.
            ["GET /sdmx/rest/{type:regex(^(dataflow|datastructure|codelist|conceptscheme|structure)$)}/{agency?}/{id?}/{version?}"] = new(i => Task.FromResult(
                Get("/sdmx/rest/dataflow/NRIS/DF_" + (i ? InternalRegime : ConfidentialRegime).Replace('-', '_') + "/1.0")), Regime),
            ["GET /sdmx/2/structure/{type}/{agency?}/{id?}/{version?}"] = new(i => Task.FromResult(
                Get("/sdmx/2/structure/dataflow/NRIS/DF_" + (i ? InternalRegime : ConfidentialRegime).Replace('-', '_') + "/~")), Regime),
            ["GET /sdmx/rest/data/{flowRef}/{key?}/{providerRef?}"] = new(i => Task.FromResult(new Target(HttpMethod.Get,
                $"/sdmx/rest/data/DF_KTXH_TINH_THANG/M.RETAIL_SALES._T.{(i ? "01" : "79")}?startPeriod={period}&endPeriod={period}")), DataScope),
            ["GET /sdmx/rest/availableconstraint/{flowRef}/{key?}/{providerRef?}/{componentId?}"] = new(i => Task.FromResult(Get(
                $"/sdmx/rest/availableconstraint/DF_KTXH_TINH_THANG/M.RETAIL_SALES._T.{(i ? "01" : "79")}/all/all?startPeriod={period}&endPeriod={period}")), DataScope),
            ["GET /sdmx/2/data/dataflow/{agency}/{id}/{version?}/{key?}"] = new(i => Task.FromResult(new Target(HttpMethod.Get,
                $"/sdmx/2/data/dataflow/NRIS/DF_KTXH_TINH_THANG/1.0/M.RETAIL_SALES._T.{(i ? "01" : "79")}?c[TIME_PERIOD]={period}")), DataScope),
            ["GET /sdmx/2/availability/dataflow/{agency}/{id}/{version?}/{key?}/{componentId?}"] = new(i => Task.FromResult(Get(
                $"/sdmx/2/availability/dataflow/NRIS/DF_KTXH_TINH_THANG/1.0/M.RETAIL_SALES._T.{(i ? "01" : "79")}/*?c[TIME_PERIOD]={period}")), DataScope),

            // Files of a report: the form and imports are the reporter's (as the draft); the export reads like the report.
            ["GET /api/reports/{regime}/{period}/{reporter}/form.xlsx"] = new(i => Task.FromResult(new Target(HttpMethod.Get, ReportPath(i) + "/form.xlsx")), Write(200)),
            ["POST /api/reports/{regime}/{period}/{reporter}/import"] = new(i => Task.FromResult(new Target(HttpMethod.Post, ReportPath(i) + "/import?format=dhis2-json&dryRun=true",
                new { dataValues = new[] { new { dataElement = "IIP", period = period.Replace("-M", "", StringComparison.Ordinal), orgUnit = i ? "01" : "79", value = "5" } } })), Write(200)),
            ["GET /api/reports/{regime}/{period}/{reporter}/export"] = new(i => Task.FromResult(ReadReport(i, "/export?format=csv")), ReadReportExpect),

            // Last: a new authenticator key changes the security stamp, which ends the caller's other sessions.
            ["POST /api/auth/sign-out"] = new(Same(new(HttpMethod.Post, "/api/auth/sign-out", new { })), Authenticated(204), FreshSession: true),
            ["POST /api/auth/two-factor/setup"] = new(Same(new(HttpMethod.Post, "/api/auth/two-factor/setup", new { })), OwnAccount(200, 400), FreshSession: true),
        };

        // The server's own endpoint list decides what must be covered.
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var keys = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            Assert.True(endpoint.Metadata.GetMetadata<NrisAccessMetadata>() is not null, $"{pattern} declares no access (RequireNrisAccess).");
            keys.AddRange(methods.Select(m => m + " " + pattern));
        }

        var missing = keys.Where(k => !matrix.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the authorization matrix: " + string.Join(", ", missing));
        var stale = matrix.Keys.Where(k => !keys.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "Matrix rows for endpoints that no longer exist: " + string.Join(", ", stale));

        var failures = new StringBuilder();
        var checks = 0;
        foreach (var (key, row) in matrix)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                foreach (var inScope in new[] { true, false })
                {
                    var target = await row.Build(inScope);
                    var session = await callers.GetAsync(caller, row.FreshSession);
                    using var response = await session.SendAsync(target.Method, target.Path, target.Body);
                    var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                    var expected = row.Expect(caller, inScope);
                    checks++;
                    if ((int)response.StatusCode != expected)
                    {
                        failures.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{key} as {caller} ({(inScope ? "in" : "out of")} scope) {target.Path}: expected {expected}, got {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
                    }

                    // Out of scope for everyone but the system administrator, whose scope is the whole country.
                    if (caller != Caller.SystemAdmin && target.LeakMarker is { } marker && body.Contains(marker, StringComparison.Ordinal))
                    {
                        failures.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{key} as {caller}: the response names out-of-scope '{marker}'.");
                    }

                    if ((int)response.StatusCode >= 400)
                    {
                        // Every refusal is a bilingual problem document, never a stack trace.
                        using var problem = JsonDocument.Parse(body);
                        if (!problem.RootElement.TryGetProperty("titleVi", out _) || body.Contains("   at ", StringComparison.Ordinal))
                        {
                            failures.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{key} as {caller}: refusal is not a bilingual problem: {body}");
                        }
                    }

                    if (row.FreshSession)
                    {
                        session.Dispose();
                    }
                }
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.Equal(matrix.Count * Enum.GetValues<Caller>().Length * 2, checks);
        _ = isUser;
    }

    [Fact]
    public async Task An_agency_administrator_lists_and_creates_only_inside_its_subtree()
    {
        using var admin = await server.AdminAsync();
        var agency = await server.UserAsync(InOrg, "agencyAdministrator");
        var hcmc = await server.UserAsync(OutOrg, "analyst");
        var commune = await server.UserAsync(InCommune, "reporter");
        await admin.PostJsonAsync("/api/admin/clients", new { name = "hcmc system", organizationCode = OutOrg, role = "reporter" }, 201);
        using var session = agency.Session;

        var users = await session.GetJsonAsync("/api/admin/users");
        var orgs = users.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("organizationCode").GetString()!).ToList();
        Assert.Equal(users.GetProperty("count").GetInt32(), orgs.Count);
        Assert.Contains(users.GetProperty("items").EnumerateArray(), u => u.GetProperty("userName").GetString() == commune.UserName);
        Assert.DoesNotContain(hcmc.UserName, users.GetRawText(), StringComparison.Ordinal);
        Assert.All(orgs, o => Assert.True(o == InOrg || o.StartsWith("UBND.0", StringComparison.Ordinal), o));
        Assert.DoesNotContain(OutOrg, (await session.GetJsonAsync("/api/admin/clients")).GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(OutOrg, (await session.GetJsonAsync("/api/audit")).GetRawText(), StringComparison.Ordinal);
        Assert.Equal(0, (await session.GetJsonAsync("/api/admin/users?organization=" + OutOrg)).GetProperty("count").GetInt32());

        // It cannot give more than it has: no system administrator, no confidential ceiling, no grant outside Hà Nội.
        await session.PostJsonAsync("/api/admin/users", new { userName = "x" + Guid.NewGuid().ToString("N")[..8], organizationCode = InCommune,
            grants = new[] { new { role = "systemAdministrator", organizationCode = InCommune, ceiling = "internal" } } }, 403);
        await session.PostJsonAsync("/api/admin/users", new { userName = "x" + Guid.NewGuid().ToString("N")[..8], organizationCode = InCommune,
            grants = new[] { new { role = "analyst", organizationCode = InCommune, ceiling = "confidential" } } }, 403);
        await session.PostJsonAsync("/api/admin/users", new { userName = "x" + Guid.NewGuid().ToString("N")[..8], organizationCode = InCommune,
            grants = new[] { new { role = "analyst", organizationCode = "CP", ceiling = "internal" } } }, 403);
        // Nor manage the national administrator, even though 'admin' exists.
        await session.PostJsonAsync($"/api/admin/users/{IdentityBootstrap.AdminUserName}/reset-password", null, 404);
    }

    [Fact]
    public async Task Confidential_reads_are_audited_and_the_audit_trail_has_no_writing_endpoint()
    {
        using var admin = await server.AdminAsync();
        await admin.GetJsonAsync("/api/regimes/" + ConfidentialRegime);
        var events = await admin.GetJsonAsync("/api/audit?action=data.confidential-read");
        Assert.Contains(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("target").GetString() == "regime " + ConfidentialRegime);

        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints.Where(e => e.RoutePattern.RawText!.Contains("audit", StringComparison.OrdinalIgnoreCase)))
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()!.HttpMethods;
            Assert.Equal(["GET"], methods);
        }

        using var delete = await admin.SendAsync(HttpMethod.Delete, "/api/audit");
        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, delete.StatusCode);
    }
}
