using System.Globalization;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Server.Tests.Submissions;

/// <summary>
/// A small hand-made catalogue for the submission tests: Hà Nội (01) with 99 communes, a second province, the
/// Government Office as recipient, a monthly provincial regime with an error rule and a warning rule, a quarterly
/// commune regime received by the parent, and a 100-row regime for the 100,000-value submission.
/// </summary>
internal static class SubmissionTestCatalogue
{
    public const string MonthlyRegime = "TEST-THANG";
    public const string CommuneRegime = "TEST-XA-QUY";
    public const string BigRegime = "BIG-THANG";
    public const string Reporter = "UBND.01";
    public const string OtherReporter = "UBND.02";
    public const string Recipient = "VPCP";
    public const string Commune = "UBND.X.01001";
    public const int Communes = 99;

    public static CatalogueSnapshot Snapshot { get; } = new(Build());

    public static ReportKey Key(int month = 3, string reporter = Reporter) => new(MonthlyRegime, Period.Month(2026, month), reporter);

    /// <summary>A valid submission of TEST-THANG: A01 total = male + female.</summary>
    public static List<ReportValue> Values(decimal male = 600, decimal female = 400, string? note = null) =>
    [
        new("POP", Disaggregations.Total, null, male + female, null, null, ObservationStatus.Provisional, note),
        new("POP", "SEX:M", null, male, null, null),
        new("POP", "SEX:F", null, female, null, null),
        new("REMARK", Disaggregations.Total, null, null, "Tình hình ổn định", null),
        new("HASPLAN", Disaggregations.Total, null, null, null, true),
    ];

    /// <summary>100 indicators × 10 columns × 100 territories = 100,000 values of BIG-THANG.</summary>
    public static List<ReportValue> BigValues()
    {
        var territories = new List<string> { "01" };
        territories.AddRange(Enumerable.Range(1, Communes).Select(CommuneCode));
        var columns = new List<string> { Disaggregations.Total };
        columns.AddRange(Enumerable.Range(1, 9).Select(i => Disaggregations.Of("GRP", "G" + i.ToString(CultureInfo.InvariantCulture))));
        var values = new List<ReportValue>(100_000);
        for (var i = 0; i < 100; i++)
        {
            foreach (var column in columns)
            {
                foreach (var territory in territories)
                {
                    values.Add(new ReportValue(BigIndicator(i), column, territory, values.Count * 1.25m, null, null));
                }
            }
        }
        return values;
    }

    private static string CommuneCode(int i) => "01" + i.ToString("D3", CultureInfo.InvariantCulture);

    private static string BigIndicator(int i) => "I" + i.ToString("D3", CultureInfo.InvariantCulture);

    private static CatalogueContent Build()
    {
        var territories = new List<Territory>
        {
            new(Territory.NationCode, Validity.Always, TerritoryLevel.Nation, "Việt Nam", "Viet Nam", "Việt Nam", "Viet Nam", null, null, "Quốc gia", "Nation"),
            new("01", Validity.Always, TerritoryLevel.Province, "Thành phố Hà Nội", "Ha Noi City", "Hà Nội", "Ha Noi", Territory.NationCode, "01", "Thành phố", "City"),
            new("02", Validity.Always, TerritoryLevel.Province, "Tỉnh Tuyên Quang", "Tuyen Quang Province", "Tuyên Quang", "Tuyen Quang", Territory.NationCode, "02", "Tỉnh", "Province"),
        };
        territories.AddRange(Enumerable.Range(1, Communes).Select(i => new Territory(CommuneCode(i), Validity.Always, TerritoryLevel.Commune,
            "Xã " + CommuneCode(i), "Commune " + CommuneCode(i), CommuneCode(i), CommuneCode(i), "01", "01", "Xã", "Commune")));

        Organization[] organizations =
        [
            new(Organization.GovernmentCode, Validity.Always, OrganizationKind.Government, "Chính phủ", "Government", null, null),
            new(Recipient, Validity.Always, OrganizationKind.MinistryLevelAgency, "Văn phòng Chính phủ", "Government Office", "VPCP", Organization.GovernmentCode),
            new(Reporter, Validity.Always, OrganizationKind.ProvincialCommittee, "UBND thành phố Hà Nội", "Ha Noi People's Committee", null, Organization.GovernmentCode, "01"),
            new(OtherReporter, Validity.Always, OrganizationKind.ProvincialCommittee, "UBND tỉnh Tuyên Quang", "Tuyen Quang People's Committee", null, Organization.GovernmentCode, "02"),
            new(Commune, Validity.Always, OrganizationKind.CommuneCommittee, "UBND xã 01001", "Commune 01001 People's Committee", null, Reporter, "01001"),
        ];

        Codelist[] codelists =
        [
            new("SEX", "Giới tính", "Sex", [new("M", "Nam", "Male"), new("F", "Nữ", "Female")]),
            new("GRP", "Nhóm", "Group", [.. Enumerable.Range(1, 9).Select(i => new CodeItem("G" + i.ToString(CultureInfo.InvariantCulture), "Nhóm " + i.ToString(CultureInfo.InvariantCulture), "Group " + i.ToString(CultureInfo.InvariantCulture)))]),
        ];

        var indicators = new List<Indicator>
        {
            new("POP", "Dân số", "Population", "người", "persons", IndicatorValueType.Integer, "XH", TerritoryAggregation.Sum, TimeAggregation.Last, ["SEX"], MinValue: 0),
            new("REMARK", "Nhận xét", "Remarks", "", "", IndicatorValueType.Text, "XH", TerritoryAggregation.None, TimeAggregation.None, []),
            new("HASPLAN", "Có kế hoạch", "Has a plan", "", "", IndicatorValueType.Boolean, "XH", TerritoryAggregation.None, TimeAggregation.None, []),
        };
        indicators.AddRange(Enumerable.Range(0, 100).Select(i => new Indicator(BigIndicator(i), "Chỉ tiêu " + BigIndicator(i), "Indicator " + BigIndicator(i),
            "tỷ đồng", "billion VND", IndicatorValueType.Decimal, "KT", TerritoryAggregation.Sum, TimeAggregation.Sum, ["GRP"], Decimals: 2)));

        var provinces = new ReporterSpec([OrganizationKind.ProvincialCommittee], []);
        Regime[] regimes =
        [
            new(MonthlyRegime, 1, Validity.Always, "Báo cáo thử nghiệm hằng tháng", "Monthly test report", "Thông tư thử nghiệm", RegimeType.Periodic,
                Periodicity.Monthly, "calendar", "day 20 of next month", provinces, Recipient,
                [new FormSection("I", "Phần I", "Part I",
                [
                    new FormRow("A01", "Dân số", "Population", "POP", "SEX"),
                    new FormRow("A02", "Nhận xét", "Remarks", "REMARK", Required: false),
                    new FormRow("A03", "Có kế hoạch", "Has a plan", "HASPLAN", Required: false),
                ])],
                [
                    new ValidationRule("R1", "A01 >= 0", RuleSeverity.Error, "Dân số không âm", "Population is not negative"),
                    new ValidationRule("R2", "A01 = A01[M] + A01[F]", RuleSeverity.Warning, "Tổng bằng nam cộng nữ", "Total equals male plus female"),
                ],
                Classification.Internal),
            new(CommuneRegime, 1, Validity.Always, "Báo cáo xã hằng quý", "Quarterly commune report", "Thông tư thử nghiệm", RegimeType.Periodic,
                Periodicity.Quarterly, "calendar", "day 10 of next month", new ReporterSpec([OrganizationKind.CommuneCommittee], []), Regime.ParentRecipient,
                [new FormSection("I", "Phần I", "Part I", [new FormRow("A01", "Dân số", "Population", "POP", "SEX")])],
                [], Classification.Internal),
            new(BigRegime, 1, Validity.Always, "Báo cáo lớn", "Big report", "Thông tư thử nghiệm", RegimeType.Statistical,
                Periodicity.Monthly, "calendar", "day 20 of next month", provinces, Recipient,
                [new FormSection("I", "Phần I", "Part I",
                    [.. Enumerable.Range(0, 100).Select(i => new FormRow("B" + i.ToString("D3", CultureInfo.InvariantCulture), "Dòng " + i.ToString(CultureInfo.InvariantCulture),
                        "Row " + i.ToString(CultureInfo.InvariantCulture), BigIndicator(i), "GRP", Required: false))])],
                [], Classification.Internal),
        ];

        return CatalogueContent.Empty with
        {
            Territories = territories,
            Organizations = organizations,
            Categories = [new("XH", "Xã hội", "Society"), new("KT", "Kinh tế", "Economy")],
            Codelists = codelists,
            Indicators = indicators,
            Regimes = regimes,
        };
    }
}
