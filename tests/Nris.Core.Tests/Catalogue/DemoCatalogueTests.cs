using System.Text;
using Nris.Core.Catalogue;
using Nris.Core.Periods;

namespace Nris.Core.Tests.Catalogue;

public sealed class DemoCatalogueTests
{
    private static readonly string DemoDirectory = Path.Combine(AppContext.BaseDirectory, "catalogue", "demo");

    /// <summary>
    /// The distinct <c>indicator</c> codes of shared/data/vn-stats/provinces_63_indicators_long.csv with the file's
    /// <c>unit</c> column, copied here so the test never reads outside its own output directory. The expected
    /// English unit is ours where the file's is a description ("percent", "million VND (assumed)").
    /// </summary>
    private static readonly (string Code, string FileUnit, string UnitEn)[] VnStatsIndicators =
    [
        ("AREA_KM2", "km2", "km2"),
        ("BUDGET_EXPENDITURE_FINAL", "million VND (assumed)", "million VND"),
        ("BUDGET_REVENUE_FINAL", "million VND (assumed)", "million VND"),
        ("GRDP_PER_CAPITA", "million VND/person", "million VND/person"),
        ("HEALTH_EST_HOSPITAL", "establishments", "establishments"),
        ("HEALTH_EST_POLYCLINIC", "establishments", "establishments"),
        ("HEALTH_EST_REHAB", "establishments", "establishments"),
        ("HEALTH_EST_STATION", "establishments", "establishments"),
        ("HEALTH_EST_TOTAL", "establishments", "establishments"),
        ("INCOME_PC_MONTHLY_AGRI", "thousand VND/person/month", "thousand VND/person/month"),
        ("INCOME_PC_MONTHLY_NONAGRI", "thousand VND/person/month", "thousand VND/person/month"),
        ("INCOME_PC_MONTHLY_OTHER", "thousand VND/person/month", "thousand VND/person/month"),
        ("INCOME_PC_MONTHLY_TOTAL", "thousand VND/person/month", "thousand VND/person/month"),
        ("INCOME_PC_MONTHLY_WAGES", "thousand VND/person/month", "thousand VND/person/month"),
        ("LABOUR_FORCE_15PLUS", "thousand persons", "thousand persons"),
        ("POP_AVG", "thousand persons", "thousand persons"),
        ("POP_DENSITY", "persons/km2", "persons/km2"),
        ("TRAINED_LABOUR_SHARE", "percent", "%"),
    ];

    internal static CatalogueContent LoadDemo() =>
        CatalogueFiles.ReadAll(name => File.OpenRead(Path.Combine(DemoDirectory, name)));

    [Fact]
    public void Shipped_files_load_with_the_promised_breadth()
    {
        var demo = LoadDemo();

        Assert.Equal(7, demo.Categories.Count);
        Assert.True(demo.Indicators.Count >= 60, $"{demo.Indicators.Count} indicators");
        Assert.True(demo.Regimes.Count >= 12, $"{demo.Regimes.Count} regimes");
        Assert.All(demo.Categories, c => Assert.Contains(demo.Indicators, i => i.CategoryCode == c.Code));
        Assert.All(demo.Categories, c => Assert.Contains(demo.Regimes, r => r.CategoryCode == c.Code));
        Assert.Empty(demo.Organizations);
        Assert.Empty(demo.Territories);
    }

    [Fact]
    public void Codelists_have_bilingual_names_and_no_explicit_total()
    {
        var demo = LoadDemo();
        foreach (var code in new[] { "SEX", "URBAN_RURAL", "AGE_GROUP", "ECON_SECTOR", "ECON_ACTIVITY", "SCHOOL_LEVEL", "TRANSPORT_MODE", "HOSPITAL_LEVEL" })
        {
            var list = Assert.Single(demo.Codelists, l => l.Code == code);
            Assert.NotEmpty(list.Codes);
            Assert.DoesNotContain(list.Codes, c => c.Code == Codelist.TotalCode);
            Assert.All(list.Codes, c => Assert.False(string.IsNullOrWhiteSpace(c.Name) || string.IsNullOrWhiteSpace(c.NameEn)));
        }
    }

    [Fact]
    public void The_shipped_catalogue_has_no_problems()
    {
        var problems = CatalogueCheck.Check(LoadDemo());

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_shipped_catalogue_has_no_problems_against_the_organizations_it_names()
    {
        var demo = LoadDemo();
        // The organization codes the demo regimes use, as reference data will define them.
        var codes = new[] { "CP", "VPCP", "BTC", "BCA", "BCT", "BYT", "BGDDT", "BNNMT", "BNV", "NHNN", "CTK", "TCTK" };
        var organizations = codes
            .Select(c => new Organization(c, Validity.Always, c == "CP" ? OrganizationKind.Government : OrganizationKind.Ministry,
                c, c, c, c == "CP" ? null : "CP"))
            .ToList();

        var problems = CatalogueCheck.Check(demo with { Organizations = organizations });

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        var used = demo.Regimes.SelectMany(r => r.Reporters.Codes.Append(r.RecipientCode)).Where(c => c != Regime.ParentRecipient);
        Assert.All(used, c => Assert.Contains(c, codes));
    }

    [Fact]
    public void Every_vn_stats_indicator_is_in_the_catalogue_with_a_matching_unit()
    {
        var indicators = LoadDemo().Indicators.ToDictionary(i => i.Code);

        foreach (var (code, fileUnit, unitEn) in VnStatsIndicators)
        {
            Assert.True(indicators.TryGetValue(code, out var indicator), code);
            Assert.True(unitEn == indicator.UnitEn, $"{code}: file unit '{fileUnit}', catalogue '{indicator.UnitEn}'");
        }
    }

    [Fact]
    public void Required_indicators_are_present_and_shaped_right()
    {
        var i = LoadDemo().Indicators.ToDictionary(x => x.Code);

        foreach (var code in new[]
                 {
                     "GRDP", "GRDP_GROWTH", "GRDP_PER_CAPITA", "CPI_YOY", "CPI_MOM", "BUDGET_REVENUE", "BUDGET_EXPENDITURE",
                     "PUBINV_DISBURSED", "PUBINV_DISBURSED_PCT", "EXPORT", "IMPORT", "TRADE_BALANCE", "FDI_REGISTERED",
                     "FDI_DISBURSED", "RETAIL_SALES", "IIP", "ENT_NEW", "ENT_NEW_CAPITAL", "ENT_RESUMED", "ENT_WITHDRAWN",
                     "UNEMPLOYMENT_RATE", "LABOUR_FORCE_15PLUS", "TRAINED_LABOUR_SHARE", "POVERTY_RATE_MD", "POP_AVG",
                     "POP_DENSITY", "AREA_KM2", "HOSPITAL_BEDS", "DOCTORS", "HEALTH_EST_TOTAL", "STUDENTS", "TEACHERS",
                     "SCHOOLS", "TRAFFIC_ACCIDENTS", "TRAFFIC_DEATHS", "TRAFFIC_INJURIES", "FOREST_COVER",
                     "ONLINE_SERVICES_FULL", "DOSSIERS_ONLINE", "DOSSIERS_PORTAL", "PASSENGERS_CARRIED", "FREIGHT_CARRIED",
                     "INTL_VISITORS", "SOCIAL_INSURANCE_PARTICIPANTS", "INCOME_PC_MONTHLY_TOTAL",
                 })
        {
            Assert.True(i.ContainsKey(code), code);
        }

        Assert.Equal("GRDP / POP_AVG", i["GRDP_PER_CAPITA"].Formula);
        Assert.Equal("million VND/person", i["GRDP_PER_CAPITA"].UnitEn);
        Assert.Equal("billion VND", i["GRDP"].UnitEn);
        Assert.Equal("thousand persons", i["POP_AVG"].UnitEn);
        Assert.Equal("EXPORT - IMPORT", i["TRADE_BALANCE"].Formula);
        Assert.True(i["POP_DENSITY"].IsDerived);

        // Flows add up over time, stocks take the last value, indices and growth rates never add.
        Assert.Equal(TimeAggregation.Sum, i["EXPORT"].TimeAggregation);
        Assert.Equal(TimeAggregation.Last, i["HOSPITAL_BEDS"].TimeAggregation);
        Assert.Equal(TerritoryAggregation.None, i["CPI_YOY"].TerritoryAggregation);
        Assert.Equal(TerritoryAggregation.None, i["GRDP_GROWTH"].TerritoryAggregation);
        Assert.Equal(TerritoryAggregation.WeightedAverage, i["UNEMPLOYMENT_RATE"].TerritoryAggregation);
        Assert.All(i.Values.Where(x => x.ValueType == IndicatorValueType.Percent),
            x => Assert.NotEqual(TerritoryAggregation.Sum, x.TerritoryAggregation));
    }

    [Fact]
    public void Every_required_kind_of_regime_is_present()
    {
        var regimes = LoadDemo().Regimes;

        Regime Find(string code) => regimes.Where(r => r.Code == code).OrderByDescending(r => r.Version).First();

        void Expect(string code, OrganizationKind[] kinds, string[] codes, string recipient, Periodicity periodicity)
        {
            var r = Find(code);
            Assert.Equal(kinds, r.Reporters.Kinds);
            Assert.Equal(codes, r.Reporters.Codes);
            Assert.Equal(recipient, r.RecipientCode);
            Assert.Equal(periodicity, r.Periodicity);
        }

        Expect("KTXH-TINH-THANG", [OrganizationKind.ProvincialCommittee], [], "VPCP", Periodicity.Monthly);
        Assert.Equal(CatalogueCheck.Decree09Cutoff, Find("KTXH-TINH-THANG").CutoffRule);
        Expect("NSNN-BTC-THANG", [], ["BTC"], "VPCP", Periodicity.Monthly);
        Expect("TNGT-BCA-NGAY", [], ["BCA"], "VPCP", Periodicity.Daily);
        Assert.Equal("1 days after end", Find("TNGT-BCA-NGAY").DeadlineRule);
        Expect("DVC-NGAY", [OrganizationKind.ProvincialCommittee, OrganizationKind.Ministry, OrganizationKind.MinistryLevelAgency], [], "VPCP", Periodicity.Daily);
        Expect("KTXH-XA-QUY", [OrganizationKind.CommuneCommittee], [], Regime.ParentRecipient, Periodicity.Quarterly);
        Expect("YTE-TINH-NAM", [OrganizationKind.ProvincialCommittee], [], "BYT", Periodicity.Yearly);
        Expect("GDDT-TINH-NAM", [OrganizationKind.ProvincialCommittee], [], "BGDDT", Periodicity.Yearly);
        Expect("DTC-GIAINGAN-THANG",
            [OrganizationKind.Ministry, OrganizationKind.MinistryLevelAgency, OrganizationKind.GovernmentAgency, OrganizationKind.ProvincialCommittee],
            [], "BTC", Periodicity.Monthly);
        Expect("XNK-THANG", [], ["BCT", "CTK"], "VPCP", Periodicity.Monthly);
        Expect("FDI-THANG", [], ["BTC"], "VPCP", Periodicity.Monthly);
        Expect("CPI-THANG", [], ["CTK"], Regime.ParentRecipient, Periodicity.Monthly);
        Assert.Equal(RegimeType.Statistical, Find("CPI-THANG").Type);
        Expect("LDVL-QUY", [], ["CTK"], Regime.ParentRecipient, Periodicity.Quarterly);
        Expect("DKDN-THANG", [], ["BTC"], "VPCP", Periodicity.Monthly);
        Expect("RUNG-NAM", [], ["BNNMT"], "VPCP", Periodicity.Yearly);
    }

    [Fact]
    public void The_provincial_report_has_a_version_for_each_side_of_the_2025_reform()
    {
        var versions = LoadDemo().Regimes.Where(r => r.Code == "KTXH-TINH-THANG").OrderBy(r => r.Version).ToList();

        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(new DateOnly(2025, 6, 30), versions[0].Validity.To);
        Assert.Equal(new DateOnly(2025, 7, 1), versions[1].Validity.From);
        Assert.Null(versions[1].Validity.To);
    }

    [Fact]
    public void Regimes_mix_classifications_and_follow_the_cutoff_convention()
    {
        var regimes = LoadDemo().Regimes;

        Assert.Contains(regimes, r => r.Classification == Classification.Public);
        Assert.Contains(regimes, r => r.Classification == Classification.Confidential);
        Assert.True(regimes.Count(r => r.Classification == Classification.Internal) >= regimes.Count / 3);
        Assert.All(regimes.Where(r => r.Periodicity is Periodicity.Daily or Periodicity.Weekly),
            r => Assert.Equal(CatalogueCheck.CalendarCutoff, r.CutoffRule));
        Assert.All(regimes, r => Assert.False(string.IsNullOrWhiteSpace(r.LegalBasis)));
        Assert.All(regimes, r => Assert.NotEmpty(r.Rules));
    }

    [Fact]
    public void Read_write_read_gives_the_same_content()
    {
        var first = LoadDemo();
        var files = new Dictionary<string, MemoryStream>();
        CatalogueFiles.WriteAll(first, name => files[name] = new MemoryStream());
        var second = CatalogueFiles.ReadAll(name => new MemoryStream(files[name].ToArray()));

        Assert.Equal(Serialize(first), Serialize(second));
    }

    [Fact]
    public void Shipped_files_are_in_the_writers_own_layout()
    {
        // Files kept in the layout the writer produces make `nris catalogue export` diff cleanly against them.
        var demo = LoadDemo();
        var files = new Dictionary<string, MemoryStream>();
        CatalogueFiles.WriteAll(demo, name => files[name] = new MemoryStream());

        foreach (var (name, written) in files)
        {
            var shipped = File.ReadAllText(Path.Combine(DemoDirectory, name), Encoding.UTF8);
            Assert.Equal(shipped, Encoding.UTF8.GetString(written.ToArray()));
        }
    }

    [Fact]
    public void Writing_leaves_out_computed_members_and_shows_open_validity()
    {
        var demo = LoadDemo();
        using var stream = new MemoryStream();
        CatalogueFiles.WriteRegimes(stream, demo.Regimes);
        var regimes = Encoding.UTF8.GetString(stream.ToArray());
        using var indicatorStream = new MemoryStream();
        CatalogueFiles.WriteIndicators(indicatorStream, demo.Indicators);
        var indicators = Encoding.UTF8.GetString(indicatorStream.ToArray());

        Assert.Contains("\"to\": null", regimes, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(regimes);
        Assert.All(document.RootElement.EnumerateArray(), r => Assert.False(r.TryGetProperty("rows", out _)));
        Assert.DoesNotContain("isDerived", indicators, StringComparison.Ordinal);
        Assert.Contains("\"weightedAverage\"", indicators, StringComparison.Ordinal);
        Assert.Contains("Tổng sản phẩm", indicators, StringComparison.Ordinal);
    }

    private static string Serialize(CatalogueContent content)
    {
        var files = new Dictionary<string, MemoryStream>();
        CatalogueFiles.WriteAll(content, name => files[name] = new MemoryStream());
        return string.Join("\n", files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => Encoding.UTF8.GetString(f.Value.ToArray())));
    }
}
