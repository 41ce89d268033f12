using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nris.Core.Ledger;

namespace Nris.Core.Tests.Ledger;

public class CanonicalJsonTests
{
    private static string Canon(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Sorts_keys_drops_whitespace_and_normalizes_numbers()
    {
        Assert.Equal("""{"a":[1.5,"x",true,false,null],"b":{"c":-2,"d":{}},"e":[]}""",
            Canon("""
                {
                  "e": [ ],
                  "b": { "d": {}, "c": -2.000 },
                  "a": [1.50, "x", true, false, null]
                }
                """));
    }

    [Theory]
    [InlineData("1.50", "1.5")]
    [InlineData("1.5", "1.5")]
    [InlineData("15e-1", "1.5")]
    [InlineData("0.15E+1", "1.5")]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("-0.000e7", "0")]
    [InlineData("0e999999999999999", "0")]
    [InlineData("1E2", "100")]
    [InlineData("100", "100")]
    [InlineData("1e-3", "0.001")]
    [InlineData("-123.4500", "-123.45")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("-79228162514264337593543950335", "-79228162514264337593543950335")]
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    [InlineData("1e28", "10000000000000000000000000000")]
    [InlineData("7.9228162514264337593543950335e28", "79228162514264337593543950335")]
    [InlineData("1.2345678901234567890123456789", "1.2345678901234567890123456789")]
    public void Numbers_have_one_spelling(string input, string canonical) => Assert.Equal(canonical, Canon(input));

    [Theory]
    [InlineData("79228162514264337593543950336")] // decimal.MaxValue + 1
    [InlineData("1e29")]
    [InlineData("1e-29")]
    [InlineData("0.00000000000000000000000000001")]
    [InlineData("0.12345678901234567890123456789")] // 29 places
    [InlineData("123456789012345678901234567890")] // 30 digits
    [InlineData("9.9999999999999999999999999999")] // decimal would round it to 10
    [InlineData("1e999999999999999")]
    [InlineData("1e-999999999999999")]
    public void Numbers_a_decimal_cannot_hold_exactly_are_rejected(string input)
    {
        var ex = Assert.Throws<CanonicalJsonException>(() => Canon(input));
        Assert.Contains("number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaN_and_infinity_are_rejected_with_a_clear_exception()
    {
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(JsonValue.Create(double.NaN)));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(new JsonObject { ["x"] = double.PositiveInfinity }));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(float.NegativeInfinity, null));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(1e300, null));
    }

    [Fact]
    public void Strings_escape_only_quote_backslash_and_control_characters()
    {
        var input = new JsonObject { ["s"] = "\"\\/\b\f\n\r\t\u0000\u001f\u007f é Hà Nội \u2028 😀" };
        var expected = "{\"s\":\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f é Hà Nội \u2028 😀\"}";
        Assert.Equal(expected, Encoding.UTF8.GetString(CanonicalJson.Serialize(input)));
        // The same text written with every escape JSON allows still comes out the same.
        Assert.Equal(expected, Canon("""{"s":"\"\\\/\b\f\n\r\t\u0000\u001F\u007F\u0020\u00e9 H\u00e0 N\u1ed9i \u2028 \ud83d\ude00"}"""));
    }

    [Fact]
    public void Strings_and_keys_are_NFC_normalized()
    {
        // "Nội" with a combining dot below and circumflex, in two different decompositions.
        var decomposed = "No\u0323\u0302i";
        var composed = "N\u1ed9i";
        Assert.Equal(CanonicalJson.Serialize(JsonValue.Create(composed)), CanonicalJson.Serialize(JsonValue.Create(decomposed)));
        Assert.Equal(Canon($$"""{"{{composed}}":1}"""), Canon($$"""{"{{decomposed}}":1}"""));
        Assert.Equal("\"N\u1ed9i\"", Canon($"\"{decomposed}\""));
    }

    [Fact]
    public void Keys_equal_after_normalization_or_repeated_are_rejected()
    {
        Assert.Throws<CanonicalJsonException>(() => Canon("""{"a":1,"a":2}"""));
        Assert.Throws<CanonicalJsonException>(() => Canon("{\"\u00e9\":1,\"e\u0301\":2}"));
        Assert.Throws<CanonicalJsonException>(() =>
            CanonicalJson.Serialize(new JsonObject { ["\u00e9"] = 1, ["e\u0301"] = 2 }));
    }

    [Fact]
    public void Keys_sort_by_UTF16_code_units_not_code_points()
    {
        // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FFFF in UTF-16 but after it by code point.
        Assert.Equal("{\"A\":1,\"a\":2,\"b\":3,\"é\":4,\"😀\":5,\"\uffff\":6}",
            Canon("{\"\uffff\":6,\"b\":3,\"😀\":5,\"é\":4,\"a\":2,\"A\":1}"));
    }

    [Theory]
    [InlineData("\"\\ud800\"")] // unpaired surrogate
    [InlineData("\"\\udc00x\"")]
    [InlineData("1 2")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1 /* no */}")]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("01")]
    [InlineData("{'a':1}")]
    public void Input_that_is_not_JSON_or_not_Unicode_is_rejected(string input) =>
        Assert.Throws<CanonicalJsonException>(() => Canon(input));

    [Fact]
    public void Invalid_UTF8_and_unpaired_surrogates_in_nodes_are_rejected()
    {
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize([(byte)'"', 0xC3, (byte)'"']));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(JsonValue.Create("a\ud800b")));
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(new JsonObject { ["\udc00"] = 1 }));
    }

    [Fact]
    public void A_byte_order_mark_is_skipped_but_never_canonical()
    {
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("[1]")).ToArray();
        Assert.Equal("[1]"u8.ToArray(), CanonicalJson.Canonicalize(withBom));
        Assert.False(CanonicalJson.IsCanonical(withBom));
    }

    [Fact]
    public void IsCanonical_tells_canonical_bytes_from_others_and_never_throws()
    {
        Assert.True(CanonicalJson.IsCanonical("""{"a":1.5,"b":"x"}"""u8));
        Assert.False(CanonicalJson.IsCanonical("""{"b":"x","a":1.5}"""u8));
        Assert.False(CanonicalJson.IsCanonical("""{"a":1.50,"b":"x"}"""u8));
        Assert.False(CanonicalJson.IsCanonical("""{"a": 1.5,"b":"x"}"""u8));
        Assert.False(CanonicalJson.IsCanonical("""{"a":1.5,"b":"\u0078"}"""u8));
        Assert.False(CanonicalJson.IsCanonical([0xFF, 0x00]));
        Assert.False(CanonicalJson.IsCanonical([]));
    }

    [Fact]
    public void Nodes_built_from_dotnet_values_serialize_like_their_JSON_text()
    {
        var node = new JsonObject
        {
            ["int"] = 42,
            ["dbl"] = 0.1,
            ["dec"] = 2.500m,
            ["long"] = long.MinValue,
            ["guid"] = Guid.Empty,
            ["date"] = JsonValue.Create(new DateOnly(2026, 5, 14)),
            ["nested"] = new JsonArray(1, "a", null, JsonNode.Parse("""{"z":1.0,"y":[]}""")),
        };
        Assert.Equal(
            """{"date":"2026-05-14","dbl":0.1,"dec":2.5,"guid":"00000000-0000-0000-0000-000000000000","int":42,"long":-9223372036854775808,"nested":[1,"a",null,{"y":[],"z":1}]}""",
            Encoding.UTF8.GetString(CanonicalJson.Serialize(node)));
        Assert.Equal("null"u8.ToArray(), CanonicalJson.Serialize((JsonNode?)null));
    }

    private sealed record Report(string Indicator, decimal Value, string? Note);

    [Fact]
    public void Serialize_of_a_dotnet_value_uses_the_options_then_canonicalizes()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
        Assert.Equal("""{"indicator":"GDP","note":null,"value":12.3}""",
            Encoding.UTF8.GetString(CanonicalJson.Serialize(new Report("GDP", 12.30m, null), options)));
        Assert.Equal("""{"Indicator":"GDP","Note":null,"Value":12.3}""",
            Encoding.UTF8.GetString(CanonicalJson.Serialize(new Report("GDP", 12.30m, null), null)));
    }

    [Fact]
    public void Serialize_of_an_element_equals_serialize_of_its_node()
    {
        using var doc = JsonDocument.Parse("""{"b":[1.0,{"d":"x","c":null}],"a":true}""");
        Assert.Equal(CanonicalJson.Serialize(JsonNode.Parse(doc.RootElement.GetRawText())), CanonicalJson.Serialize(doc.RootElement));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected()
    {
        JsonNode deep = new JsonArray();
        for (var i = 0; i < CanonicalJson.MaxDepth; i++)
        {
            deep = new JsonArray(deep);
        }
        Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Serialize(deep));
        var text = new string('[', CanonicalJson.MaxDepth + 1) + new string(']', CanonicalJson.MaxDepth + 1);
        Assert.Throws<CanonicalJsonException>(() => Canon(text));
        var fits = new string('[', CanonicalJson.MaxDepth) + new string(']', CanonicalJson.MaxDepth);
        Assert.Equal(fits, Canon(fits));
    }
}
