namespace Nris.Core.Catalogue.ReferenceData;

/// <summary>Vietnam's administrative units as read from the reference files.</summary>
/// <param name="Territories">The nation, the pre-2025 units, the 2025 units and their later versions.</param>
/// <param name="Successions">The links across the 2025 reform and later renamings.</param>
/// <param name="DroppedSuccessions">
/// Mapping rows whose predecessor is not a territory version (old communes missing from the GSO list); they are
/// reported rather than silently lost.
/// </param>
public sealed record AdministrativeUnits(
    IReadOnlyList<Territory> Territories,
    IReadOnlyList<TerritorySuccession> Successions,
    IReadOnlyList<TerritorySuccession> DroppedSuccessions);

/// <summary>
/// Reads the five administrative-unit files of <c>reference/vn-admin/</c> (see <c>reference/README.md</c>) into
/// territory versions and succession links. Errors in the files throw <see cref="FormatException"/> naming the file,
/// line and column.
/// </summary>
public static class AdministrativeUnitsReader
{
    /// <summary>Units in force until 30 June 2025 (63 provinces, 696 districts, 10,035 communes).</summary>
    public const string UnitsPre2025File = "units_pre2025.csv";

    /// <summary>Units from 1 July 2025 (34 provinces, 3,321 communes).</summary>
    public const string Units2025File = "units_2025.csv";

    /// <summary>Changes of name and type effective 30 April 2026.</summary>
    public const string Changes20260430File = "units_2025_changes_2026-04-30.csv";

    /// <summary>Old commune (or island district) → new commune, effective 1 July 2025.</summary>
    public const string CommuneMappingFile = "mapping_2025_old_to_new_communes.csv";

    /// <summary>Old province → new province, effective 1 July 2025.</summary>
    public const string ProvinceMappingFile = "mapping_2025_old_to_new_provinces.csv";

    /// <summary>The legal basis of the provincial merger of 1 July 2025.</summary>
    public const string ProvinceMergerLegalBasis = "Nghị quyết 202/2025/QH15";

    private static readonly string[] UnitColumns =
    [
        "code", "name", "name_en", "short_name", "short_name_en", "level", "parent_code", "province_code",
        "unit_type", "unit_type_en", "valid_from", "valid_to",
    ];

    private const int Code = 0, Name = 1, NameEn = 2, ShortName = 3, ShortNameEn = 4, Level = 5, Parent = 6,
        Province = 7, UnitType = 8, UnitTypeEn = 9, ValidFrom = 10, ValidTo = 11, Region = 12;

    // English type and the word that ends an English name, for the unit types a change can lead to; the same
    // pairs the origin uses in units_2025.csv ("Ha Noi City", "Ba Dinh Ward").
    private static readonly Dictionary<string, (string TypeEn, string NameSuffix)> EnglishTypes = new(StringComparer.Ordinal)
    {
        ["Thành phố trực thuộc trung ương"] = ("Municipality", "City"),
        ["Tỉnh"] = ("Province", "Province"),
        ["Phường"] = ("Ward", "Ward"),
        ["Xã"] = ("Commune", "Commune"),
        ["Thị trấn"] = ("Commune-level town", "Township"),
        ["Đặc khu tại hải đảo"] = ("Special administrative region", "Special administrative region"),
    };

    /// <summary>The nation, root of every hierarchy, always valid.</summary>
    public static Territory Nation { get; } = new(
        Territory.NationCode, Validity.Always, TerritoryLevel.Nation, "Việt Nam", "Viet Nam", "Việt Nam", "Viet Nam",
        ParentCode: null, ProvinceCode: null, UnitType: "Quốc gia", UnitTypeEn: "Nation");

    /// <summary>Reads the five files.</summary>
    /// <param name="unitsPre2025"><see cref="UnitsPre2025File"/>.</param>
    /// <param name="units2025"><see cref="Units2025File"/>.</param>
    /// <param name="changes20260430"><see cref="Changes20260430File"/>.</param>
    /// <param name="communeMapping"><see cref="CommuneMappingFile"/>.</param>
    /// <param name="provinceMapping"><see cref="ProvinceMappingFile"/>.</param>
    /// <exception cref="FormatException">A file is malformed; the message names the file, line and column.</exception>
    public static AdministrativeUnits Read(
        TextReader unitsPre2025,
        TextReader units2025,
        TextReader changes20260430,
        TextReader communeMapping,
        TextReader provinceMapping)
    {
        ArgumentNullException.ThrowIfNull(unitsPre2025);
        ArgumentNullException.ThrowIfNull(units2025);
        ArgumentNullException.ThrowIfNull(changes20260430);
        ArgumentNullException.ThrowIfNull(communeMapping);
        ArgumentNullException.ThrowIfNull(provinceMapping);

        var versions = new Versions();
        versions.Add(Nation);
        ReadUnits(unitsPre2025, UnitsPre2025File, withRegion: true, districtsAllowed: true, versions);
        ReadUnits(units2025, Units2025File, withRegion: false, districtsAllowed: false, versions);

        var successions = new List<TerritorySuccession>();
        var dropped = new List<TerritorySuccession>();
        ReadProvinceMapping(provinceMapping, versions, successions);
        ReadCommuneMapping(communeMapping, versions, successions, dropped);
        ReadChanges(changes20260430, versions, successions);

        return new AdministrativeUnits(versions.All, successions, dropped);
    }

    private static void ReadUnits(TextReader reader, string source, bool withRegion, bool districtsAllowed, Versions versions)
    {
        var table = new CsvTable(reader, source, withRegion ? [.. UnitColumns, "region"] : UnitColumns);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        while (table.Next())
        {
            var code = table.Required(Code);
            if (!lines.TryAdd(code, table.Line))
            {
                throw table.Error(Code, $"code {code} is listed again (first on line {lines[code]})");
            }

            var level = ParseLevel(table, Level);
            if (level == TerritoryLevel.District && !districtsAllowed)
            {
                throw table.Error(Level, "there are no districts in this structure");
            }

            var parent = table.Optional(Parent);
            if (level == TerritoryLevel.Province)
            {
                // The files leave a province's parent empty; the nation is the root here.
                parent = parent is null ? Territory.NationCode : throw table.Error(Parent, "a province has no parent unit");
            }
            else if (parent is null)
            {
                throw table.Error(Parent, "a district or commune needs its parent unit");
            }

            var from = table.OptionalDate(ValidFrom);
            var to = table.OptionalDate(ValidTo);
            if (from is { } f && to is { } t && t < f)
            {
                throw table.Error(ValidTo, "the unit ends before it starts");
            }

            versions.Add(new Territory(
                code,
                new Validity(from, to),
                level,
                table.Required(Name),
                table.Required(NameEn),
                table.Required(ShortName),
                table.Required(ShortNameEn),
                parent,
                table.Required(Province),
                table.Required(UnitType),
                table.Required(UnitTypeEn),
                withRegion ? table.Optional(Region) : null));
        }
    }

    private static void ReadProvinceMapping(TextReader reader, Versions versions, List<TerritorySuccession> successions)
    {
        const int OldCode = 0, NewCode = 3, Retained = 6, Effective = 7;
        var table = new CsvTable(reader, ProvinceMappingFile,
            "old_province_code", "old_province_name", "old_province_name_en", "new_province_code", "new_province_name",
            "new_province_name_en", "code_retained", "valid_from_new");
        while (table.Next())
        {
            var oldCode = table.Required(OldCode);
            var newCode = table.Required(NewCode);
            var effective = table.RequiredDate(Effective);
            var retained = table.Required(Retained) switch
            {
                "yes" => true,
                "no" => false,
                var other => throw table.Error(Retained, $"'{other}' is not yes or no"),
            };
            if (retained != string.Equals(oldCode, newCode, StringComparison.Ordinal))
            {
                throw table.Error(Retained, $"says '{table.Required(Retained)}' but the codes are {oldCode} and {newCode}");
            }

            Require(table, OldCode, versions.Find(oldCode, effective.AddDays(-1)), TerritoryLevel.Province, "the day before");
            Require(table, NewCode, versions.Find(newCode, effective), TerritoryLevel.Province, "on");

            // A retained code (01 → 01) still links two versions: the Hà Nội of 2024 is not the Hà Nội of 2025.
            successions.Add(new TerritorySuccession(oldCode, newCode, effective, SuccessionKind.Full, TerritoryLevel.Province, ProvinceMergerLegalBasis));
        }
    }

    private static void ReadCommuneMapping(
        TextReader reader, Versions versions, List<TerritorySuccession> successions, List<TerritorySuccession> dropped)
    {
        const int OldCode = 0, OldLevel = 2, NewCode = 7, MergeType = 11, Effective = 12;
        var table = new CsvTable(reader, CommuneMappingFile,
            "old_code", "old_name", "old_level", "old_district_code", "old_district_name", "old_province_code",
            "old_province_name", "new_code", "new_name", "new_province_code", "new_province_name", "merge_type",
            "valid_from_new", "crosscheck_tnmh", "note");
        while (table.Next())
        {
            var oldCode = table.Required(OldCode);
            var oldLevel = ParseLevel(table, OldLevel);
            var newCode = table.Required(NewCode);
            var effective = table.RequiredDate(Effective);
            var kind = table.Required(MergeType) switch
            {
                "full" => SuccessionKind.Full,
                "partial" => SuccessionKind.Partial,
                var other => throw table.Error(MergeType, $"'{other}' is not full or partial"),
            };
            Require(table, NewCode, versions.Find(newCode, effective), TerritoryLevel.Commune, "on");

            // The level is the successor's: an island district that became a special zone is a commune-level link.
            var succession = new TerritorySuccession(oldCode, newCode, effective, kind, TerritoryLevel.Commune);
            var predecessor = versions.Find(oldCode, effective.AddDays(-1));
            if (predecessor is null)
            {
                // Twelve old communes come from the GSO web service, not the GSO list: no version to link from.
                dropped.Add(succession);
                continue;
            }

            if (predecessor.Level != oldLevel)
            {
                throw table.Error(OldLevel, $"{oldCode} is a {predecessor.Level} unit, not {table.Required(OldLevel)}");
            }

            successions.Add(succession);
        }
    }

    private static void ReadChanges(TextReader reader, Versions versions, List<TerritorySuccession> successions)
    {
        const int ChangeCode = 0, ChangeLevel = 1, OldName = 2, NewName = 3, OldType = 4, NewType = 5, Effective = 6, LegalBasis = 7;
        var table = new CsvTable(reader, Changes20260430File,
            "code", "level", "old_name", "new_name", "old_unit_type", "new_unit_type", "effective_date", "legal_basis");
        while (table.Next())
        {
            var code = table.Required(ChangeCode);
            var level = ParseLevel(table, ChangeLevel);
            var effective = table.RequiredDate(Effective);
            var current = versions.Find(code, effective)
                ?? throw table.Error(ChangeCode, $"no unit {code} is in force on {VersionedIndex<Territory>.Format(effective)}");
            if (current.Level != level)
            {
                throw table.Error(ChangeLevel, $"{code} is a {current.Level} unit");
            }

            if (current.Validity.From == effective)
            {
                throw table.Error(Effective, $"{code} already starts a version on that day");
            }

            if (!string.Equals(current.Name, table.Required(OldName), StringComparison.Ordinal))
            {
                throw table.Error(OldName, $"{code} is called '{current.Name}'");
            }

            if (!string.Equals(current.UnitType, table.Required(OldType), StringComparison.Ordinal))
            {
                throw table.Error(OldType, $"{code} is of type '{current.UnitType}'");
            }

            var newType = table.Required(NewType);
            if (!EnglishTypes.TryGetValue(newType, out var english))
            {
                throw table.Error(NewType, $"unknown unit type '{newType}'");
            }

            var closed = current with { Validity = current.Validity with { To = effective.AddDays(-1) } };
            var opened = current with
            {
                Validity = current.Validity with { From = effective },
                Name = table.Required(NewName),
                NameEn = current.ShortNameEn + " " + english.NameSuffix,
                UnitType = newType,
                UnitTypeEn = english.TypeEn,
            };
            versions.Replace(current, closed, opened);
            successions.Add(new TerritorySuccession(code, code, effective, SuccessionKind.Renamed, level, table.Optional(LegalBasis)));
        }
    }

    private static TerritoryLevel ParseLevel(CsvTable table, int column) => table.Required(column) switch
    {
        "province" => TerritoryLevel.Province,
        "district" => TerritoryLevel.District,
        "commune" => TerritoryLevel.Commune,
        var other => throw table.Error(column, $"unknown level '{other}' (expected province, district or commune)"),
    };

    private static void Require(CsvTable table, int column, Territory? found, TerritoryLevel level, string when)
    {
        if (found is null)
        {
            throw table.Error(column, $"no unit with this code is in force {when} the effective date");
        }

        if (found.Level != level)
        {
            throw table.Error(column, $"{found.Code} is a {found.Level} unit, expected {level}");
        }
    }

    /// <summary>The versions read so far, in file order, with a by-code look-up for linking.</summary>
    private sealed class Versions
    {
        private readonly List<Territory> _all = [];
        private readonly Dictionary<string, List<int>> _byCode = new(StringComparer.Ordinal);

        public List<Territory> All => _all;

        public void Add(Territory territory)
        {
            if (!_byCode.TryGetValue(territory.Code, out var positions))
            {
                _byCode.Add(territory.Code, positions = []);
            }

            positions.Add(_all.Count);
            _all.Add(territory);
        }

        public Territory? Find(string code, DateOnly date)
        {
            if (_byCode.TryGetValue(code, out var positions))
            {
                foreach (var i in positions)
                {
                    if (_all[i].Validity.Contains(date))
                    {
                        return _all[i];
                    }
                }
            }

            return null;
        }

        /// <summary>Replaces <paramref name="old"/> by its closed version and appends the new one right after it.</summary>
        public void Replace(Territory old, Territory closed, Territory opened)
        {
            var positions = _byCode[old.Code];
            var at = positions.First(i => ReferenceEquals(_all[i], old));
            _all[at] = closed;
            Add(opened);
        }
    }
}
