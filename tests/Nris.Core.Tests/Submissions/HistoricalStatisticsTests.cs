using Nris.Core.Submissions;

namespace Nris.Core.Tests.Submissions;

public sealed class HistoricalStatisticsTests
{
    private static HistoricalStatisticsFile ReadShipped()
    {
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "reference", "vn-stats", "provinces_63_indicators_long.csv"));
        var territories = TestData.Territories;
        return HistoricalStatistics.Read(reader, (code, date) => territories.Find(code, date) is not null);
    }

    [Fact]
    public void The_shipped_file_reads_into_years_of_official_province_values()
    {
        var file = ReadShipped();
        Assert.Equal(2005, file.Years[0].Year);
        Assert.Equal(2022, file.Years[^1].Year);
        // Hà Tây (28) was merged into Hà Nội in 2008; no earlier unit history is modelled, so it is the only skip.
        Assert.Equal(["28"], file.SkippedTerritories);
        Assert.All(file.Years.SelectMany(y => y.Values), v =>
        {
            Assert.Equal(ObservationStatus.Official, v.Status);
            Assert.Equal(Disaggregations.Total, v.Disaggregation);
            Assert.NotNull(v.Number);
        });

        Assert.Equal(180, file.SkippedRegionRows);
        // The national totals the statistics office published are kept, on the nation.
        var nationHospitals2005 = file.Years[0].Values.Single(v => v.TerritoryCode == "VN" && v.IndicatorCode == "HEALTH_EST_HOSPITAL");
        Assert.Equal(822m, nationHospitals2005.Number);

        // Hà Nội's average population in 2022: 8,435.65 thousand (GSO, as in the file's POP_AVG row).
        var hanoi2022 = file.Years.Single(y => y.Year == 2022).Values.Single(v => v.TerritoryCode == "01" && v.IndicatorCode == "POP_AVG");
        Assert.Equal(8435.65m, hanoi2022.Number);
    }

    [Theory]
    [InlineData("geo_level,code\n", "header")]
    [InlineData("geo_level,code,name,year,indicator,value,unit,source\nprovince,01,Hà Nội,20x2,POP_AVG,1,t,s\n", "line 2, column year")]
    [InlineData("geo_level,code,name,year,indicator,value,unit,source\nprovince,01,Hà Nội,2022,POP_AVG,1;5,t,s\n", "line 2, column value")]
    [InlineData("geo_level,code,name,year,indicator,value,unit,source\ncommune,01,Hà Nội,2022,POP_AVG,1,t,s\n", "line 2, column geo_level")]
    public void Malformed_files_name_the_line_and_column(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => HistoricalStatistics.Read(new StringReader(text), (_, _) => true));
        Assert.Contains(expected, error.Message);
    }
}
