namespace Nris.Core.Catalogue;

/// <summary>What kind of body an organization is; reporting regimes name reporters by kind.</summary>
public enum OrganizationKind
{
    /// <summary>The Government (Chính phủ).</summary>
    Government = 0,
    /// <summary>A ministry (Bộ).</summary>
    Ministry = 1,
    /// <summary>A ministry-level agency (cơ quan ngang bộ): Government Office, Inspectorate, State Bank.</summary>
    MinistryLevelAgency = 2,
    /// <summary>An agency under the Government (cơ quan thuộc Chính phủ).</summary>
    GovernmentAgency = 3,
    /// <summary>A provincial People's Committee (UBND tỉnh, thành phố).</summary>
    ProvincialCommittee = 4,
    /// <summary>A district People's Committee (UBND huyện), until 30 June 2025.</summary>
    DistrictCommittee = 5,
    /// <summary>A commune People's Committee (UBND xã, phường, đặc khu).</summary>
    CommuneCommittee = 6,
    /// <summary>A state corporation or group (tập đoàn, tổng công ty nhà nước).</summary>
    StateCorporation = 7,
    /// <summary>A department or office inside another organization (e.g. the statistics office).</summary>
    Department = 8,
}

/// <summary>
/// One version of a body that reports or receives reports (cơ quan, đơn vị báo cáo). Versioned like territories:
/// ministries merged in March 2025 and People's Committees follow the administrative reform.
/// </summary>
/// <param name="Code">Stable code, e.g. "BTC" (Ministry of Finance) or "UBND.01" (Hà Nội People's Committee).</param>
/// <param name="Validity">Dates this version is in force.</param>
/// <param name="Kind">Kind of body.</param>
/// <param name="Name">Official Vietnamese name.</param>
/// <param name="NameEn">Official English name.</param>
/// <param name="ShortName">Common abbreviation or short name.</param>
/// <param name="ParentCode">The organization it reports to (reporting line); null for the Government.</param>
/// <param name="TerritoryCode">For People's Committees: the territory it governs.</param>
public sealed record Organization(
    string Code,
    Validity Validity,
    OrganizationKind Kind,
    string Name,
    string NameEn,
    string? ShortName,
    string? ParentCode,
    string? TerritoryCode = null)
{
    /// <summary>Code of the Government, the root of all reporting lines.</summary>
    public const string GovernmentCode = "CP";

    /// <summary>A stable key of this version: code and start date.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => Territory.VersionKey(Code, Validity.From);
}

/// <summary>An organization that was merged into or replaced by another on <see cref="Effective"/>.</summary>
public sealed record OrganizationSuccession(
    string FromCode,
    string ToCode,
    DateOnly Effective,
    SuccessionKind Kind,
    string? LegalBasis = null);
