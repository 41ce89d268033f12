using System.Globalization;
using System.Text.Json;
using Nris.Core.Catalogue;
using Nris.Core.Periods;

namespace Nris.Storage.Tests;

/// <summary>Catalogues built by hand for the storage tests.</summary>
internal static class SampleCatalogue
{
    private static readonly DateOnly Reform = new(2025, 7, 1);
    private static readonly DateOnly BeforeReform = new(2025, 6, 30);

    /// <summary>Touches every field, null and set, every enum value, Vietnamese text and awkward decimals.</summary>
    public static CatalogueContent Full()
    {
        Territory[] territories =
        [
            new(Territory.NationCode, Validity.Always, TerritoryLevel.Nation, "Việt Nam", "Viet Nam", "Việt Nam", "Viet Nam",
                null, null, "Quốc gia", "Nation"),
            new("01", new Validity(null, BeforeReform), TerritoryLevel.Province, "Thành phố Hà Nội", "Ha Noi City", "Hà Nội", "Ha Noi",
                Territory.NationCode, "01", "Thành phố", "City", "Đồng bằng sông Hồng"),
            new("01", new Validity(Reform, null), TerritoryLevel.Province, "Thành phố Hà Nội", "Ha Noi City", "Hà Nội", "Ha Noi",
                Territory.NationCode, "01", "Thành phố", "City"),
            new("001", new Validity(new DateOnly(2008, 8, 1), BeforeReform), TerritoryLevel.District, "Quận Ba Đình", "Ba Dinh District",
                "Ba Đình", "Ba Dinh", "01", "01", "Quận", "District"),
            new("00004", new Validity(Reform, null), TerritoryLevel.Commune, "Phường Ba Đình", "Ba Dinh Ward", "Ba Đình", "Ba Dinh",
                "01", "01", "Phường", "Ward"),
            new("00001", new Validity(null, BeforeReform), TerritoryLevel.Commune, "Phường Phúc Xá", "Phuc Xa Ward", "Phúc Xá", "Phuc Xa",
                "001", "01", "Phường", "Ward", Region: string.Empty),
        ];

        TerritorySuccession[] territorySuccessions =
        [
            new("00001", "00004", Reform, SuccessionKind.Full, TerritoryLevel.Commune, "Nghị quyết 1656/NQ-UBTVQH15"),
            new("00007", "00004", Reform, SuccessionKind.Partial, TerritoryLevel.Commune),
            new("01", "01", Reform, SuccessionKind.Renamed, TerritoryLevel.Province, "Nghị quyết 202/2025/QH15"),
        ];

        var kinds = Enum.GetValues<OrganizationKind>();
        var organizations = kinds.Select((kind, i) => new Organization(
            kind == OrganizationKind.Government ? Organization.GovernmentCode : "ORG." + i.ToString(CultureInfo.InvariantCulture),
            i % 2 == 0 ? Validity.Always : new Validity(new DateOnly(2025, 3, 1), i % 3 == 0 ? null : new DateOnly(2030, 12, 31)),
            kind,
            "Ủy ban nhân dân số " + i.ToString(CultureInfo.InvariantCulture) + " — Đặc khu Côn Đảo",
            "Organization " + i.ToString(CultureInfo.InvariantCulture),
            i % 2 == 0 ? null : "UBND " + i.ToString(CultureInfo.InvariantCulture),
            kind == OrganizationKind.Government ? null : Organization.GovernmentCode,
            i % 3 == 0 ? null : "00004")).ToArray();

        OrganizationSuccession[] organizationSuccessions =
        [
            new("BKHĐT", "BTC", new DateOnly(2025, 3, 1), SuccessionKind.Full, "Nghị định 29/2025/NĐ-CP"),
            new("ORG.3", "ORG.5", new DateOnly(2025, 3, 1), SuccessionKind.Partial),
            new("ORG.4", "ORG.4", Reform, SuccessionKind.Renamed),
        ];

        InformationCategory[] categories =
        [
            new("KT", "Kinh tế", "Economy", 1),
            new("XH", "Xã hội", "Society"),
            new("MT", "Môi trường", "Environment", -3),
        ];

        Codelist[] codelists =
        [
            new("SEX", "Giới tính", "Sex", [new("_T", "Tổng số", "Total"), new("M", "Nam", "Male"), new("F", "Nữ", "Female")]),
            new("URBAN", "Thành thị/nông thôn", "Urban/rural", []),
        ];

        var valueTypes = Enum.GetValues<IndicatorValueType>();
        var territoryAggregations = Enum.GetValues<TerritoryAggregation>();
        var timeAggregations = Enum.GetValues<TimeAggregation>();
        decimal?[] bounds = [0.1m, 12345678901.25m, -273.15m, null, 0m, 99999999999999999999.99999999m];
        var indicators = Enumerable.Range(0, territoryAggregations.Length).Select(i => new Indicator(
            "IND" + i.ToString(CultureInfo.InvariantCulture),
            "Tổng sản phẩm trên địa bàn " + i.ToString(CultureInfo.InvariantCulture),
            "Gross regional domestic product " + i.ToString(CultureInfo.InvariantCulture),
            "tỷ đồng",
            "billion VND",
            valueTypes[i % valueTypes.Length],
            i % 2 == 0 ? "KT" : "XH",
            territoryAggregations[i],
            timeAggregations[i % timeAggregations.Length],
            i == 0 ? [] : ["SEX", "URBAN"],
            WeightIndicatorCode: i == 2 ? "POP" : null,
            Formula: i == 3 ? "IND1 / IND2 * 100" : null,
            Description: i % 2 == 0 ? "Mô tả: giá trị tăng thêm" : null,
            DescriptionEn: i % 3 == 0 ? "Value added" : null,
            MinValue: bounds[i],
            MaxValue: bounds[(i + 1) % bounds.Length],
            Decimals: i,
            SourceOrder: (i % 3) switch { 0 => null, 1 => [], _ => ["TCTK", "ProvincialCommittee"] })).ToArray();

        var regimeTypes = Enum.GetValues<RegimeType>();
        var periodicities = Enum.GetValues<Periodicity>();
        var classifications = Enum.GetValues<Classification>();
        var regimes = Enumerable.Range(0, periodicities.Length).Select(i => new Regime(
            "KTXH-TINH-" + (i / 2).ToString(CultureInfo.InvariantCulture),
            i % 2 + 1,
            i % 2 == 0 ? new Validity(new DateOnly(2019, 6, 1), BeforeReform) : new Validity(Reform, null),
            "Báo cáo tình hình kinh tế - xã hội " + i.ToString(CultureInfo.InvariantCulture),
            "Socio-economic report " + i.ToString(CultureInfo.InvariantCulture),
            "Nghị định 09/2019/NĐ-CP",
            regimeTypes[i % regimeTypes.Length],
            periodicities[i],
            i % 2 == 0 ? "decree09" : "calendar",
            "day 20 of last month",
            new ReporterSpec(
                i == 0 ? [] : kinds.Take(i).ToArray(),
                i % 2 == 0 ? ["BTC", "UBND.P.01"] : []),
            i % 2 == 0 ? Regime.ParentRecipient : Organization.GovernmentCode,
            i == 5
                ? []
                :
                [
                    new FormSection("I", "Phần I: Kinh tế", "Part I: Economy",
                    [
                        new FormRow("A01", "Tổng sản phẩm", "GRDP", "IND0"),
                        new FormRow("A02", "Dân số chia theo giới tính", "Population by sex", "IND1", "SEX", Required: false),
                    ]),
                    new FormSection("II", "Phần II", "Part II", []),
                ],
            [
                new ValidationRule("R1", "A01 >= 0", RuleSeverity.Error, "Không được âm", "Must not be negative"),
                new ValidationRule("R2", "A02 = A02[M] + A02[F]", RuleSeverity.Warning, "Tổng phải bằng nam + nữ", "Total must equal male + female"),
            ],
            classifications[i % classifications.Length],
            i % 2 == 0 ? "KT" : null)).ToArray();

        return new CatalogueContent(
            territories, territorySuccessions, organizations, organizationSuccessions, categories, codelists, indicators, regimes);
    }

    /// <summary>A small catalogue that differs from <see cref="Full"/>, to see that saving replaces.</summary>
    public static CatalogueContent Small() => CatalogueContent.Empty with
    {
        Territories =
        [
            new("02", new Validity(Reform, null), TerritoryLevel.Province, "Tỉnh Tuyên Quang", "Tuyen Quang Province", "Tuyên Quang",
                "Tuyen Quang", Territory.NationCode, "02", "Tỉnh", "Province"),
        ],
        Categories = [new("KT", "Kinh tế", "Economy", 1)],
    };

    /// <summary>A catalogue of the size of the real reference data.</summary>
    public static CatalogueContent Bulk(int territories, int organizations)
    {
        var t = new Territory[territories];
        for (var i = 0; i < territories; i++)
        {
            var code = i.ToString("D5", CultureInfo.InvariantCulture);
            t[i] = new Territory(code, new Validity(i % 2 == 0 ? null : Reform, i % 2 == 0 ? BeforeReform : null), TerritoryLevel.Commune,
                "Xã Đắk Nông " + code, "Dak Nong Commune " + code, "Đắk Nông " + code, "Dak Nong " + code,
                (i % 700).ToString("D3", CultureInfo.InvariantCulture), (i % 63).ToString("D2", CultureInfo.InvariantCulture), "Xã", "Commune");
        }

        var o = new Organization[organizations];
        for (var i = 0; i < organizations; i++)
        {
            var code = "UBND.X." + i.ToString("D5", CultureInfo.InvariantCulture);
            o[i] = new Organization(code, new Validity(Reform, null), OrganizationKind.CommuneCommittee,
                "Ủy ban nhân dân xã " + code, "People's Committee of commune " + code, "UBND xã", "UBND.P.01",
                i.ToString("D5", CultureInfo.InvariantCulture));
        }

        var s = Enumerable.Range(0, territories / 2)
            .Select(i => new TerritorySuccession(
                (2 * i).ToString("D5", CultureInfo.InvariantCulture),
                (2 * i + 1).ToString("D5", CultureInfo.InvariantCulture),
                Reform, SuccessionKind.Full, TerritoryLevel.Commune))
            .ToArray();

        return CatalogueContent.Empty with { Territories = t, Organizations = o, TerritorySuccessions = s };
    }

    /// <summary>The catalogue file form of anything, so lists of records compare element by element.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, CatalogueJson.Options);
}
