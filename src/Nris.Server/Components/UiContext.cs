using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Core.Submissions;
using Nris.Server.Auth;
using Nris.Server.Catalogue;
using Nris.Server.Hosting;

namespace Nris.Server.Components;

/// <summary>The signed-in user of a page: name, organization, grants and the same <see cref="AccessScope"/> the API uses.</summary>
public sealed record UiUser(string Id, string UserName, Organization? Organization, string OrganizationCode, IReadOnlyList<Grant> Grants, AccessScope Scope, bool MustChangePassword)
{
    public bool Has(Role role) => Scope.HasRole(role);
}

/// <summary>
/// Per-page (per request, or per interactive circuit) language, formatting and the caller. Vietnamese is the default;
/// the choice is a cookie set by <c>/ui/language/{lang}</c>. Numbers and dates on screen follow the language
/// (1.234,5 and dd/MM/yyyy in Vietnamese); files and APIs stay invariant.
/// </summary>
public sealed class UiContext(IHttpContextAccessor http, AuthenticationStateProvider auth, CatalogueState catalogue, TimeProvider clock)
{
    public const string LanguageCookie = "nris.lang";

    private static readonly NumberFormatInfo ViNumbers = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = ".", PercentDecimalSeparator = ",", PercentGroupSeparator = "." };
    private static readonly NumberFormatInfo EnNumbers = new() { NumberDecimalSeparator = ".", NumberGroupSeparator = ",", PercentDecimalSeparator = ".", PercentGroupSeparator = "," };

    private string? _lang;
    private UiUser? _user;
    private bool _userLoaded;

    /// <summary>"vi" or "en".</summary>
    public string Lang => _lang ??= http.HttpContext?.Request.Cookies[LanguageCookie] == "en" ? "en" : "vi";

    public bool IsEnglish => Lang == "en";

    public CatalogueSnapshot Catalogue => catalogue.Current;

    public DateOnly Today => VietnamTime.Today(clock);

    public string T(string vi, string en) => IsEnglish ? en : vi;

    public NumberFormatInfo Numbers => IsEnglish ? EnNumbers : ViNumbers;

    /// <summary>A number for the screen: grouped, with at most <paramref name="decimals"/> decimals; an em dash for none.</summary>
    public string Num(decimal? value, int decimals = 1) =>
        value is not { } v ? "—" : v.ToString("#,##0." + new string('#', Math.Max(decimals, 0)), Numbers).TrimEnd('.', ',');

    /// <summary>A signed percentage change, e.g. +3,2 %.</summary>
    public string Change(decimal? percent) =>
        percent is not { } p ? "—" : (p > 0 ? "+" : "") + p.ToString("0.0", Numbers) + " %";

    public string Date(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>A moment shown in Vietnam's time, dd/MM/yyyy HH:mm.</summary>
    public string Time(DateTimeOffset time) =>
        time.ToOffset(ReportingCalendar.VietnamOffset).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);

    public string ClockTime(DateTimeOffset time) =>
        time.ToOffset(ReportingCalendar.VietnamOffset).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public string Name(Organization? o, string code) => o is null ? code : IsEnglish ? o.NameEn : o.Name;

    public string OrgName(string code) => Name(Catalogue.Organizations.Find(code, Today), code);

    public string TerritoryName(string code, DateOnly? at = null) =>
        Catalogue.Territories.Find(code, at ?? Today) is { } t ? (IsEnglish ? t.NameEn : t.Name) : code;

    public string IndicatorName(Indicator i) => IsEnglish ? i.NameEn : i.Name;

    public string Unit(Indicator i) => IsEnglish ? i.UnitEn : i.Unit;

    /// <summary>A period for the screen: "Tháng 05/2026", "Quý 2/2026", "Năm 2026"; the code otherwise.</summary>
    public string PeriodName(Period p) => p.Periodicity switch
    {
        Periodicity.Monthly => T("Tháng ", "Month ") + p.Start.Month.ToString("00", CultureInfo.InvariantCulture) + "/" + p.Year.ToString(CultureInfo.InvariantCulture),
        Periodicity.Quarterly => T("Quý ", "Q") + ((p.Start.Month + 2) / 3).ToString(CultureInfo.InvariantCulture) + "/" + p.Year.ToString(CultureInfo.InvariantCulture),
        Periodicity.Yearly => T("Năm ", "Year ") + p.Year.ToString(CultureInfo.InvariantCulture),
        _ => p.ToString(),
    };

    public string RoleName(Role role) => role switch
    {
        Role.SystemAdministrator => T("Quản trị hệ thống", "System administrator"),
        Role.AgencyAdministrator => T("Quản trị đơn vị", "Agency administrator"),
        Role.Reporter => T("Báo cáo viên", "Reporter"),
        Role.Reviewer => T("Thẩm định", "Reviewer"),
        Role.Analyst => T("Phân tích, lãnh đạo", "Analyst, leader"),
        _ => role.ToString(),
    };

    public string StateName(SubmissionState? state) => state switch
    {
        SubmissionState.Draft => T("Bản nháp", "Draft"),
        SubmissionState.Submitted => T("Đã gửi", "Submitted"),
        SubmissionState.Accepted => T("Đã tiếp nhận", "Accepted"),
        SubmissionState.Returned => T("Bị trả lại", "Returned"),
        _ => T("Chưa gửi", "Not sent"),
    };

    public string ActionName(SubmissionAction a) => a switch
    {
        SubmissionAction.Submit => T("Gửi", "Submitted"),
        SubmissionAction.Revise => T("Gửi lại", "Revised"),
        SubmissionAction.Accept => T("Tiếp nhận", "Accepted"),
        SubmissionAction.Return => T("Trả lại", "Returned"),
        SubmissionAction.Reopen => T("Mở lại", "Reopened"),
        _ => a.ToString(),
    };

    /// <summary>The caller, or null when nobody is signed in. The scope is built exactly as for the API.</summary>
    public async Task<UiUser?> UserAsync()
    {
        if (_userLoaded)
        {
            return _user;
        }

        var state = await auth.GetAuthenticationStateAsync();
        _user = From(state.User);
        _userLoaded = true;
        return _user;
    }

    private UiUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirstValue(NrisClaims.Kind) != NrisClaims.UserKind)
        {
            return null;
        }

        var grants = NrisClaims.Grants(principal);
        var org = principal.FindFirstValue(NrisClaims.Organization) ?? "";
        return new UiUser(principal.FindFirstValue(NrisClaims.Id) ?? "", principal.FindFirstValue(NrisClaims.Name) ?? "",
            Catalogue.Organizations.Find(org, Today), org, grants, new AccessScope(grants, Catalogue.Organizations, Today),
            principal.HasClaim(NrisClaims.MustChangePassword, "true"));
    }
}
