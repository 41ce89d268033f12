using System.Text;
using Nris.Core.Catalogue;

namespace Nris.Core.Tests.Catalogue;

/// <summary>How the catalogue readers report a broken hand-edited file.</summary>
public sealed class DemoCatalogueFileTests
{
    private const string GoodIndicator = """
        [
          {
            "code": "POP_AVG",
            "name": "Dân số trung bình",
            "nameEn": "Average population",
            "unit": "nghìn người",
            "unitEn": "thousand persons",
            "valueType": "decimal",
            "categoryCode": "SOC",
            "territoryAggregation": "sum",
            "timeAggregation": "average",
            "disaggregations": ["SEX"],
            "decimals": 1
          }
        ]
        """;

    private static Stream Utf8(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")));

    private static CatalogueFormatException Broken(string json, Func<Stream, object> read) =>
        Assert.Throws<CatalogueFormatException>(() => read(Utf8(json)));

    [Fact]
    public void A_good_file_reads()
    {
        var indicator = Assert.Single(CatalogueFiles.ReadIndicators(Utf8(GoodIndicator)));

        Assert.Equal("POP_AVG", indicator.Code);
        Assert.Equal(["SEX"], indicator.Disaggregations);
        Assert.Null(indicator.Formula);
        Assert.Equal(1, indicator.Decimals);
    }

    [Fact]
    public void Comments_trailing_commas_and_a_byte_order_mark_are_accepted()
    {
        var json = "\uFEFF[ // categories\n { \"code\": \"SOC\", \"name\": \"Xã hội\", \"nameEn\": \"Society\", },\n]";

        var category = Assert.Single(CatalogueFiles.ReadCategories(Utf8(json)));

        Assert.Equal(new InformationCategory("SOC", "Xã hội", "Society"), category);
    }

    [Fact]
    public void Bad_json_names_the_file_line_and_column()
    {
        var json = GoodIndicator.Replace("\"unit\": \"nghìn người\",", "\"unit\": \"nghìn người\"", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Equal("indicators.json", error.FileName);
        Assert.Equal(7, error.Line);
        Assert.Equal(5, error.Column);
        Assert.StartsWith("indicators.json, dòng 7, cột 5", error.Message, StringComparison.Ordinal);
        Assert.Contains(" / indicators.json, line 7, column 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_property_is_an_error_not_silently_dropped()
    {
        var json = GoodIndicator.Replace("\"nameEn\":", "\"nameEng\":", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Equal(5, error.Line);
        Assert.Equal("$[0].nameEng", error.JsonPath);
        Assert.Contains("'nameEng'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("unknown property 'nameEng'", error.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Computed_members_are_unknown_properties_too()
    {
        var json = GoodIndicator.Replace("\"decimals\": 1", "\"decimals\": 1, \"isDerived\": true", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Contains("isDerived", error.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_enum_value_lists_the_allowed_ones()
    {
        var json = GoodIndicator.Replace("\"valueType\": \"decimal\"", "\"valueType\": \"percentage\"", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Equal(8, error.Line);
        Assert.Equal("$[0].valueType", error.JsonPath);
        Assert.Contains("integer, decimal, percent, boolean, text", error.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("các giá trị được phép", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Enum_values_are_names_not_numbers()
    {
        var json = GoodIndicator.Replace("\"timeAggregation\": \"average\"", "\"timeAggregation\": 2", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Equal(11, error.Line);
        Assert.Contains("sum, last, average, none", error.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_field_is_named()
    {
        var json = GoodIndicator.Replace("\"unitEn\": \"thousand persons\",", string.Empty, StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Contains("unitEn", error.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("thiếu thuộc tính bắt buộc", error.Reason, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Null_where_a_value_is_required()
    {
        var json = GoodIndicator.Replace("\"name\": \"Dân số trung bình\"", "\"name\": null", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Contains("must not be null", error.ReasonEn, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Null_list_element()
    {
        var json = GoodIndicator.Replace("[\"SEX\"]", "[\"SEX\", null]", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Equal("$[0].disaggregations[1]", error.JsonPath);
    }

    [Fact]
    public void Property_given_twice()
    {
        var json = GoodIndicator.Replace("\"decimals\": 1", "\"decimals\": 1, \"decimals\": 2", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadIndicators);

        Assert.Contains("given twice", error.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void The_top_level_must_be_an_array()
    {
        var error = Broken("{ \"code\": \"SOC\" }", CatalogueFiles.ReadCategories);

        Assert.Equal("categories.json", error.FileName);
        Assert.Equal(1, error.Line);
        Assert.Contains("must be a JSON array", error.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file()
    {
        var error = Broken("", CatalogueFiles.ReadCodelists);

        Assert.Equal("codelists.json", error.FileName);
        Assert.Equal(1, error.Line);
        Assert.Contains("tệp rỗng", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Column_counts_characters_not_bytes()
    {
        // "Xã hội" has two letters that take two bytes each in UTF-8; the person editing sees characters.
        var json = "[{ \"code\": \"SOC\", \"name\": \"Xã hội\", \"nameEn\": \"Society\", \"order\": x }]";

        var error = Broken(json, CatalogueFiles.ReadCategories);

        Assert.Equal(1, error.Line);
        Assert.Equal(json.IndexOf('x', StringComparison.Ordinal) + 1, error.Column);
    }

    [Fact]
    public void Bad_date_in_a_regime_validity()
    {
        using var demo = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "catalogue", "demo", CatalogueFiles.RegimesFile));
        using var reader = new StreamReader(demo, Encoding.UTF8);
        var json = reader.ReadToEnd().Replace("\"from\": \"2020-01-01\"", "\"from\": \"01/01/2020\"", StringComparison.Ordinal);

        var error = Broken(json, CatalogueFiles.ReadRegimes);

        Assert.Equal("regimes.json", error.FileName);
        Assert.Equal("$[0].validity.from", error.JsonPath);
        Assert.Contains("yyyy-MM-dd", error.ReasonEn, StringComparison.Ordinal);
        Assert.Equal(6, error.Line);
    }

    [Fact]
    public void Wrong_enum_in_a_regime_names_the_property()
    {
        var categories = CatalogueFiles.ReadCategories(Utf8("[]"));
        Assert.Empty(categories);

        var regime = """
            [{ "code": "R", "version": 1, "validity": { "from": null, "to": null }, "name": "n", "nameEn": "n",
               "legalBasis": "l", "type": "periodic", "periodicity": "fortnightly", "cutoffRule": "calendar",
               "deadlineRule": "1 days after end", "reporters": { "kinds": [], "codes": ["BTC"] }, "recipientCode": "VPCP",
               "sections": [], "rules": [], "classification": "internal" }]
            """;

        var error = Broken(regime, CatalogueFiles.ReadRegimes);

        Assert.Equal("$[0].periodicity", error.JsonPath);
        Assert.Contains("daily, weekly, monthly, quarterly, halfYearly, yearly", error.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quoted_number_is_a_slip_not_a_number()
    {
        var error = Broken("[{ \"code\": \"SOC\", \"name\": \"Xã hội\", \"nameEn\": \"Society\", \"order\": \"1\" }]", CatalogueFiles.ReadCategories);

        Assert.Equal("$[0].order", error.JsonPath);
        Assert.Contains("must be a number", error.ReasonEn, StringComparison.Ordinal);
    }
}
