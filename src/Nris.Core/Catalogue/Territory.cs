namespace Nris.Core.Catalogue;

/// <summary>Level of an administrative unit (cấp hành chính).</summary>
public enum TerritoryLevel
{
    /// <summary>The whole country.</summary>
    Nation = 0,
    /// <summary>Province or centrally-run city (tỉnh, thành phố trực thuộc trung ương).</summary>
    Province = 1,
    /// <summary>District level, abolished on 1 July 2025 (huyện, quận, thị xã, thành phố thuộc tỉnh).</summary>
    District = 2,
    /// <summary>Commune level: commune, ward, town or special zone (xã, phường, thị trấn, đặc khu).</summary>
    Commune = 3,
}

/// <summary>
/// One version of an administrative unit (đơn vị hành chính). GSO codes are reused across the
/// 2025 reform, so a unit is identified by its <see cref="Code"/> together with its <see cref="Validity"/>.
/// </summary>
/// <param name="Code">GSO code ("01", "001", "00004"); the nation is "VN".</param>
/// <param name="Validity">The dates this version is in force.</param>
/// <param name="Level">Administrative level.</param>
/// <param name="Name">Full Vietnamese name, e.g. "Phường Ba Đình".</param>
/// <param name="NameEn">English name, e.g. "Ba Dinh Ward".</param>
/// <param name="ShortName">Name without the unit type, e.g. "Ba Đình".</param>
/// <param name="ShortNameEn">English short name.</param>
/// <param name="ParentCode">Code of the parent unit valid on the same dates; null for the nation.</param>
/// <param name="ProvinceCode">Code of the province this unit lies in (its own code for a province).</param>
/// <param name="UnitType">Vietnamese unit type, e.g. "Phường", "Xã", "Đặc khu".</param>
/// <param name="UnitTypeEn">English unit type, e.g. "Ward".</param>
/// <param name="Region">Geographic region (provinces before 2025 only).</param>
public sealed record Territory(
    string Code,
    Validity Validity,
    TerritoryLevel Level,
    string Name,
    string NameEn,
    string ShortName,
    string ShortNameEn,
    string? ParentCode,
    string? ProvinceCode,
    string UnitType,
    string UnitTypeEn,
    string? Region = null)
{
    /// <summary>The code of the nation (root of every hierarchy).</summary>
    public const string NationCode = "VN";

    /// <summary>A stable key of this version: code and start date ("00004@2025-07-01", "01@-").</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => VersionKey(Code, Validity.From);

    /// <summary>Builds the key of the version of <paramref name="code"/> starting on <paramref name="from"/>.</summary>
    public static string VersionKey(string code, DateOnly? from) =>
        code + "@" + (from?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
}

/// <summary>How a unit passed into its successor at a boundary change.</summary>
public enum SuccessionKind
{
    /// <summary>The whole predecessor went into the successor (a merge adds up).</summary>
    Full = 0,
    /// <summary>Only part of the predecessor went into this successor (the predecessor was split).</summary>
    Partial = 1,
    /// <summary>Same unit, new name or type (e.g. a commune became a ward); the code may be unchanged.</summary>
    Renamed = 2,
}

/// <summary>
/// A succession link between two territory versions: the version of <see cref="FromCode"/> valid the day before
/// <see cref="Effective"/> passed (fully or partly) into the version of <see cref="ToCode"/> valid on <see cref="Effective"/>.
/// </summary>
public sealed record TerritorySuccession(
    string FromCode,
    string ToCode,
    DateOnly Effective,
    SuccessionKind Kind,
    TerritoryLevel Level,
    string? LegalBasis = null);
