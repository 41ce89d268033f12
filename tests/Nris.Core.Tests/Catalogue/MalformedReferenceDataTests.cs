using Nris.Core.Catalogue.ReferenceData;

namespace Nris.Core.Tests.Catalogue;

/// <summary>Broken reference files fail loudly, naming the file, line and column a person has to fix.</summary>
public sealed class MalformedReferenceDataTests
{
    private const string Header2025 =
        "code,name,name_en,short_name,short_name_en,level,parent_code,province_code,unit_type,unit_type_en,valid_from,valid_to\r\n";

    private const string Province = "01,Thành phố Hà Nội,Ha Noi City,Hà Nội,Ha Noi,province,,01,Thành phố trực thuộc trung ương,Municipality,2025-07-01,\r\n";

    private static string Pre2025 => File.ReadAllText(TestData.ReferencePath("vn-admin/" + AdministrativeUnitsReader.UnitsPre2025File));

    private static FormatException Read(string units2025, string? changes = null, string? communes = null, string? provinces = null)
    {
        return Assert.Throws<FormatException>(() => AdministrativeUnitsReader.Read(
            new StringReader(Pre2025),
            new StringReader(units2025),
            new StringReader(changes ?? "code,level,old_name,new_name,old_unit_type,new_unit_type,effective_date,legal_basis\r\n"),
            new StringReader(communes ?? "old_code,old_name,old_level,old_district_code,old_district_name,old_province_code,old_province_name,new_code,new_name,new_province_code,new_province_name,merge_type,valid_from_new,crosscheck_tnmh,note\r\n"),
            new StringReader(provinces ?? "old_province_code,old_province_name,old_province_name_en,new_province_code,new_province_name,new_province_name_en,code_retained,valid_from_new\r\n")));
    }

    [Fact]
    public void A_wrong_header_names_line_1_and_the_column()
    {
        var e = Read(Header2025.Replace("name_en", "english", StringComparison.Ordinal) + Province);
        Assert.Contains("units_2025.csv line 1, column 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("name_en", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_level_names_the_line_and_column()
    {
        var e = Read(Header2025 + Province + Province.Replace("01,", "02,", StringComparison.Ordinal).Replace("province", "region", StringComparison.Ordinal));
        Assert.Contains("units_2025.csv line 3, column 6 (level)", e.Message, StringComparison.Ordinal);
        Assert.Contains("'region'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_date_names_the_line_and_column()
    {
        var e = Read(Header2025 + Province.Replace("2025-07-01", "01/07/2025", StringComparison.Ordinal));
        Assert.Contains("units_2025.csv line 2, column 11 (valid_from)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_district_after_the_reform_is_refused()
    {
        var e = Read(Header2025 + Province + "001,Quận Ba Đình,Ba Dinh District,Ba Đình,Ba Dinh,district,01,01,Quận,Urban district,2025-07-01,\r\n");
        Assert.Contains("line 3, column 6 (level)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_row_names_its_line()
    {
        var e = Read(Header2025 + "01,Thành phố Hà Nội\r\n");
        Assert.Contains("units_2025.csv line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapping_to_a_unit_that_does_not_exist_names_the_line_and_column()
    {
        var e = Read(
            Header2025 + Province,
            provinces: "old_province_code,old_province_name,old_province_name_en,new_province_code,new_province_name,new_province_name_en,code_retained,valid_from_new\r\n"
                + "01,Thành phố Hà Nội,Ha Noi City,01,Thành phố Hà Nội,Ha Noi City,yes,2025-07-01\r\n"
                + "02,Tỉnh Hà Giang,Ha Giang Province,08,Tỉnh Tuyên Quang,Tuyen Quang Province,no,2025-07-01\r\n");
        Assert.Contains("mapping_2025_old_to_new_provinces.csv line 3, column 4 (new_province_code)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_that_does_not_match_the_current_name_is_refused()
    {
        var e = Read(
            Header2025 + Province,
            changes: "code,level,old_name,new_name,old_unit_type,new_unit_type,effective_date,legal_basis\r\n"
                + "01,province,Tỉnh Hà Nội,Thủ đô Hà Nội,Tỉnh,Thành phố trực thuộc trung ương,2026-04-30,x\r\n");
        Assert.Contains("line 2, column 3 (old_name)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_quoting_names_the_file()
    {
        var e = Read(Header2025 + "01,\"Thành phố Hà Nội\"x,Ha Noi City\r\n");
        Assert.Contains("units_2025.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 2, column", e.Message, StringComparison.Ordinal);
    }
}
