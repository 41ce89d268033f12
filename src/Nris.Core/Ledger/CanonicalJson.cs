using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nris.Core.Ledger;

/// <summary>
/// Canonical JSON: one byte sequence for every JSON value, so that a ledger payload hashes the same wherever
/// and however it was produced. Two documents that mean the same (differing only in key order, whitespace,
/// escapes, Unicode normalization or the spelling of a number) serialize to identical bytes.
/// </summary>
/// <remarks>
/// <para>The canonical form, precisely (a third party re-implementing it must follow every rule):</para>
/// <list type="bullet">
/// <item>UTF-8 without a byte order mark; no whitespace outside strings.</item>
/// <item>Objects: <c>{"k":v,...}</c> with keys sorted by ordinal comparison of their UTF-16 code units
/// (as RFC 8785 does), after NFC normalization of the keys. Two keys that are equal after normalization are an error.</item>
/// <item>Arrays: <c>[v,...]</c> in their given order.</item>
/// <item>Strings: NFC-normalized, then written between <c>"</c> with only these escapes: <c>\"</c>, <c>\\</c>,
/// <c>\b</c> <c>\f</c> <c>\n</c> <c>\r</c> <c>\t</c> for U+0008, U+000C, U+000A, U+000D, U+0009, and <c>\u00xx</c> (lowercase hex)
/// for the other code points below U+0020. Everything else, non-ASCII included, is written as its UTF-8 bytes.
/// Unpaired surrogates are an error.</item>
/// <item>Numbers: the exact decimal value, which must be representable by <see cref="decimal"/> without rounding
/// (at most 29 significant digits, at most 28 digits after the point, magnitude at most 79,228,162,514,264,337,593,543,950,335),
/// written as an optional <c>-</c>, the integer digits without leading zeros, and, only when the value is not an integer,
/// a <c>.</c> followed by the fraction digits without trailing zeros. No exponent, no <c>+</c>; zero (also <c>-0</c>) is <c>0</c>.
/// So <c>1.50</c>, <c>1.5</c> and <c>15e-1</c> are all <c>1.5</c>, and <c>1E2</c> is <c>100</c>.
/// NaN, infinities and numbers outside that range are errors: statistics must not silently lose digits.</item>
/// <item><c>true</c>, <c>false</c>, <c>null</c> as themselves.</item>
/// </list>
/// <para>Every error is a <see cref="CanonicalJsonException"/>. Nesting deeper than <see cref="MaxDepth"/> is an error.</para>
/// </remarks>
public static class CanonicalJson
{
    /// <summary>The deepest nesting of arrays and objects accepted.</summary>
    public const int MaxDepth = 128;

    // Strict: an unpaired surrogate must fail rather than turn into U+FFFD, or two different strings would share bytes.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Serializes a JSON node to its canonical UTF-8 bytes; a <see langword="null"/> node is JSON <c>null</c>.</summary>
    /// <param name="node">The value to serialize.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="CanonicalJsonException">The value has no canonical form (see the type's remarks).</exception>
    public static byte[] Serialize(JsonNode? node)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteNode(output, node, 0);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Serializes a JSON element to its canonical UTF-8 bytes.</summary>
    /// <param name="element">The value to serialize.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="CanonicalJsonException">The value has no canonical form (see the type's remarks).</exception>
    public static byte[] Serialize(JsonElement element)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteElement(output, element, 0);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Serializes a .NET value with <see cref="JsonSerializer"/> and the given options, then canonicalizes the result.
    /// The options decide names and converters; canonicalization then fixes order, spacing, escapes and numbers.
    /// </summary>
    /// <typeparam name="T">The type to serialize as.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="CanonicalJsonException">The value has no canonical form, for example a <see cref="double"/> NaN.</exception>
    public static byte[] Serialize<T>(T value, JsonSerializerOptions? options)
    {
        JsonElement element;
        try
        {
            element = JsonSerializer.SerializeToElement(value, options);
        }
        catch (ArgumentException ex)
        {
            // System.Text.Json reports NaN and infinities this way.
            throw new CanonicalJsonException("The value cannot be written as JSON: " + ex.Message, ex);
        }
        return Serialize(element);
    }

    /// <summary>Parses UTF-8 JSON text (one value; a leading byte order mark is skipped) and returns its canonical bytes.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="CanonicalJsonException">The text is not one JSON value, or the value has no canonical form.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json) => Serialize(Parse(utf8Json));

    /// <summary>
    /// Tells whether the bytes are already canonical JSON, as a ledger payload must be. Never throws.
    /// </summary>
    /// <param name="utf8Json">The bytes to check.</param>
    /// <returns><see langword="true"/> when <see cref="Canonicalize"/> would return the same bytes.</returns>
    public static bool IsCanonical(ReadOnlySpan<byte> utf8Json)
    {
        // A byte order mark is accepted by Canonicalize but is never part of the canonical form.
        if (utf8Json.StartsWith(Encoding.UTF8.Preamble))
        {
            return false;
        }
        try
        {
            return utf8Json.SequenceEqual(Canonicalize(utf8Json));
        }
        catch (CanonicalJsonException)
        {
            return false;
        }
    }

    // Byte arrays that one of Core's canonical writers produced, each with the SHA-256 it had then. Re-checking an
    // 11 MB payload by parsing and re-serializing it costs most of a second; hashing it costs milliseconds. Weak keys,
    // so a vouched array is forgotten with the array.
    private static readonly ConditionalWeakTable<byte[], byte[]> Vouched = new();

    /// <summary>Records that <paramref name="canonical"/> was written in canonical form by Core's own writer.</summary>
    internal static byte[] Vouch(byte[] canonical)
    {
        Vouched.AddOrUpdate(canonical, SHA256.HashData(canonical));
        return canonical;
    }

    /// <summary>
    /// True when <paramref name="original"/> was vouched for and <paramref name="copy"/> still has exactly the bytes it had
    /// then. Comparing against the copy (which the caller then keeps) means a change to the array after it was vouched,
    /// even one racing with this check, can only make the answer false and send the caller to the full check.
    /// </summary>
    internal static bool IsVouched(byte[] original, ReadOnlySpan<byte> copy) =>
        Vouched.TryGetValue(original, out var hash) && SHA256.HashData(copy).AsSpan().SequenceEqual(hash);

    private static JsonElement Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8Json = utf8Json[Encoding.UTF8.Preamble.Length..];
        }
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
            var element = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new CanonicalJsonException("Expected one JSON value, found more after it.");
            }
            return element;
        }
        catch (JsonException ex)
        {
            throw new CanonicalJsonException("Not valid JSON: " + ex.Message, ex);
        }
    }

    private static void WriteNode(ArrayBufferWriter<byte> output, JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                WriteAscii(output, "null");
                break;
            case JsonObject obj:
                CheckDepth(depth);
                var members = new KeyValuePair<string, JsonNode?>[obj.Count];
                var i = 0;
                foreach (var member in obj)
                {
                    members[i++] = new(Normalize(member.Key), member.Value);
                }
                Array.Sort(members, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                output.Write("{"u8);
                for (i = 0; i < members.Length; i++)
                {
                    if (i > 0)
                    {
                        CheckDistinct(members[i - 1].Key, members[i].Key);
                        output.Write(","u8);
                    }
                    WriteNormalizedString(output, members[i].Key);
                    output.Write(":"u8);
                    WriteNode(output, members[i].Value, depth + 1);
                }
                output.Write("}"u8);
                break;
            case JsonArray array:
                CheckDepth(depth);
                output.Write("["u8);
                for (i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Write(","u8);
                    }
                    WriteNode(output, array[i], depth + 1);
                }
                output.Write("]"u8);
                break;
            case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                WriteElement(output, element, depth);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                // Directly, because System.Text.Json would quietly turn an unpaired surrogate into U+FFFD.
                WriteNormalizedString(output, Normalize(text));
                break;
            default:
                // A value built from a .NET object (int, double, Guid, DateTime…): let System.Text.Json decide its
                // JSON spelling once, then canonicalize that like any parsed value.
                JsonElement converted;
                try
                {
                    converted = JsonSerializer.SerializeToElement<JsonNode>(node);
                }
                catch (ArgumentException ex)
                {
                    throw new CanonicalJsonException("The value cannot be written as JSON: " + ex.Message, ex);
                }
                WriteElement(output, converted, depth);
                break;
        }
    }

    private static void WriteElement(ArrayBufferWriter<byte> output, JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                CheckDepth(depth);
                var members = new List<KeyValuePair<string, JsonElement>>();
                foreach (var property in element.EnumerateObject())
                {
                    members.Add(new(Normalize(ReadString(() => property.Name)), property.Value));
                }
                members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                output.Write("{"u8);
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        // JsonElement keeps duplicate keys; a canonical form cannot choose between them.
                        CheckDistinct(members[i - 1].Key, members[i].Key);
                        output.Write(","u8);
                    }
                    WriteNormalizedString(output, members[i].Key);
                    output.Write(":"u8);
                    WriteElement(output, members[i].Value, depth + 1);
                }
                output.Write("}"u8);
                break;
            case JsonValueKind.Array:
                CheckDepth(depth);
                output.Write("["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }
                    first = false;
                    WriteElement(output, item, depth + 1);
                }
                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                WriteNormalizedString(output, Normalize(ReadString(() => element.GetString()!)));
                break;
            case JsonValueKind.Number:
                WriteAscii(output, CanonicalNumber(JsonMarshal.GetRawUtf8Value(element)));
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            case JsonValueKind.Null:
                output.Write("null"u8);
                break;
            default:
                throw new CanonicalJsonException("An undefined JSON element has no canonical form.");
        }
    }

    private static string ReadString(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json throws this for escaped unpaired surrogates and invalid UTF-8 inside strings.
            throw new CanonicalJsonException("A JSON string is not valid Unicode: " + ex.Message, ex);
        }
    }

    private static void CheckDepth(int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new CanonicalJsonException(string.Create(CultureInfo.InvariantCulture,
                $"JSON nested deeper than {MaxDepth} levels has no canonical form here."));
        }
    }

    private static void CheckDistinct(string previousKey, string key)
    {
        if (string.Equals(previousKey, key, StringComparison.Ordinal))
        {
            throw new CanonicalJsonException(
                $"The object has the key \"{Shorten(key)}\" twice (after NFC normalization); a canonical form cannot choose between them.");
        }
    }

    private static string Normalize(string s)
    {
        try
        {
            return s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException ex)
        {
            throw new CanonicalJsonException("A JSON string is not valid Unicode (an unpaired surrogate?).", ex);
        }
    }

    private static void WriteNormalizedString(ArrayBufferWriter<byte> output, string s)
    {
        output.Write("\""u8);
        var run = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }
            WriteUtf8(output, s.AsSpan(run, i - run));
            run = i + 1;
            switch (c)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\b': output.Write("\\b"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\t': output.Write("\\t"u8); break;
                default:
                    WriteAscii(output, string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"));
                    break;
            }
        }
        WriteUtf8(output, s.AsSpan(run));
        output.Write("\""u8);
    }

    private static void WriteUtf8(ArrayBufferWriter<byte> output, ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return;
        }
        try
        {
            var span = output.GetSpan(StrictUtf8.GetMaxByteCount(chars.Length));
            output.Advance(StrictUtf8.GetBytes(chars, span));
        }
        catch (EncoderFallbackException ex)
        {
            throw new CanonicalJsonException("A JSON string is not valid Unicode (an unpaired surrogate).", ex);
        }
    }

    private static void WriteAscii(ArrayBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }
        output.Advance(ascii.Length);
    }

    /// <summary>
    /// The canonical spelling of a JSON number (see the type's remarks), computed on the digits themselves so that
    /// nothing is rounded on the way; <see cref="decimal"/> only confirms at the end that the value fits.
    /// </summary>
    internal static string CanonicalNumber(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        var negative = i < raw.Length && raw[i] == '-';
        if (negative)
        {
            i++;
        }
        var intStart = i;
        while (i < raw.Length && IsDigit(raw[i]))
        {
            i++;
        }
        var intDigits = raw[intStart..i];
        var fracDigits = ReadOnlySpan<byte>.Empty;
        if (i < raw.Length && raw[i] == '.')
        {
            var fracStart = ++i;
            while (i < raw.Length && IsDigit(raw[i]))
            {
                i++;
            }
            fracDigits = raw[fracStart..i];
            if (fracDigits.IsEmpty)
            {
                throw BadNumber(raw, "digits must follow the decimal point");
            }
        }
        long exponent = 0;
        var exponentHuge = false;
        if (i < raw.Length && (raw[i] == 'e' || raw[i] == 'E'))
        {
            i++;
            var exponentNegative = false;
            if (i < raw.Length && (raw[i] == '+' || raw[i] == '-'))
            {
                exponentNegative = raw[i] == '-';
                i++;
            }
            var expStart = i;
            while (i < raw.Length && IsDigit(raw[i]))
            {
                // Past a billion the value is out of range anyway (unless it is zero); stop counting before overflow.
                if (exponent < 1_000_000_000)
                {
                    exponent = exponent * 10 + (raw[i] - '0');
                }
                else
                {
                    exponentHuge = true;
                }
                i++;
            }
            if (i == expStart)
            {
                throw BadNumber(raw, "digits must follow the exponent mark");
            }
            if (exponentNegative)
            {
                exponent = -exponent;
            }
        }
        if (intDigits.IsEmpty || i != raw.Length)
        {
            throw BadNumber(raw, "it is not a JSON number");
        }

        // All digits as one string, and where the decimal point falls in it.
        Span<char> all = new char[intDigits.Length + fracDigits.Length];
        for (var k = 0; k < intDigits.Length; k++)
        {
            all[k] = (char)intDigits[k];
        }
        for (var k = 0; k < fracDigits.Length; k++)
        {
            all[intDigits.Length + k] = (char)fracDigits[k];
        }
        var firstNonZero = all.IndexOfAnyExcept('0');
        if (firstNonZero < 0)
        {
            return "0";
        }
        var lastNonZero = all.LastIndexOfAnyExcept('0');
        var significant = all[firstNonZero..(lastNonZero + 1)];
        if (exponentHuge)
        {
            throw BadNumber(raw, "it is too large or too small for a decimal");
        }
        // The value is 0.<significant> × 10^point.
        var point = intDigits.Length + exponent - firstNonZero;
        if (significant.Length > 29)
        {
            throw BadNumber(raw, "it has more than 29 significant digits, which a decimal cannot hold exactly");
        }
        if (point > 29)
        {
            throw BadNumber(raw, "it is too large for a decimal");
        }
        if (significant.Length - point > 28)
        {
            throw BadNumber(raw, "it has more than 28 digits after the decimal point, which a decimal cannot hold");
        }

        var text = new StringBuilder(40);
        if (negative)
        {
            text.Append('-');
        }
        if (point <= 0)
        {
            text.Append("0.").Append('0', (int)-point).Append(significant);
        }
        else if (point >= significant.Length)
        {
            text.Append(significant).Append('0', (int)point - significant.Length);
        }
        else
        {
            text.Append(significant[..(int)point]).Append('.').Append(significant[(int)point..]);
        }
        var canonical = text.ToString();

        // 29 digits may still exceed decimal.MaxValue, or need rounding that decimal would do silently.
        if (!decimal.TryParse(canonical, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out var value)
            || TrimFraction(value.ToString(CultureInfo.InvariantCulture)) != canonical)
        {
            throw BadNumber(raw, "a decimal cannot hold it exactly");
        }
        return canonical;
    }

    private static string TrimFraction(string s) =>
        s.Contains('.', StringComparison.Ordinal) ? s.TrimEnd('0').TrimEnd('.') : s;

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static CanonicalJsonException BadNumber(ReadOnlySpan<byte> raw, string why) =>
        new($"The number {Shorten(Encoding.UTF8.GetString(raw))} has no canonical form: {why}.");

    private static string Shorten(string s) => s.Length <= 60 ? s : string.Concat(s.AsSpan(0, 60), "…");
}
