using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Ledger;

namespace Nris.Core.Tests.Ledger;

public class CanonicalJsonPropertyTests
{
    // A JSON tree of our own, so the tests can write it out in many equivalent spellings.
    private abstract record J;
    private sealed record JLiteral(string Text) : J;
    private sealed record JNum(decimal Value) : J;
    private sealed record JStr(string Value) : J;
    private sealed record JArr(J[] Items) : J;
    private sealed record JObj((string Key, J Value)[] Members) : J;

    // Text that exercises escapes, combining marks (NFC), astral characters and Vietnamese.
    private static readonly Gen<string> Text = Gen.Frequency(
            (4, Gen.Elements("aAzZ09 \"\\/\b\f\n\r\t\u0000\u001f\u007fđĐăâêôơưáàảãạệộ\u0301\u0323\u2028€😀𝄞\uffff".EnumerateRunes()
                .Select(r => r.ToString()).ToArray())),
            (1, Gen.Choose(0x20, 0xD7FF).Select(c => ((char)c).ToString())))
        .ListOf().Select(parts => string.Concat(parts));

    private static readonly Gen<decimal> Decimals = Gen.Frequency(
        (2, Gen.Choose(-1000, 1000).Select(i => (decimal)i)),
        (2, Gen.Choose(-100000, 100000).SelectMany(i => Gen.Choose(0, 6).Select(s => new decimal(Math.Abs(i), 0, 0, i < 0, (byte)s)))),
        (1, ArbMap.Default.GeneratorFor<int>().SelectMany(lo => ArbMap.Default.GeneratorFor<int>().SelectMany(mid =>
            ArbMap.Default.GeneratorFor<int>().SelectMany(hi => ArbMap.Default.GeneratorFor<bool>().SelectMany(neg =>
                Gen.Choose(0, 28).Select(scale => new decimal(lo, mid, hi, neg, (byte)scale))))))),
        (1, Gen.Elements(decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m, -0.0m, 0m, 1.000m)));

    private static Gen<J> Tree(int depth)
    {
        var leaf = Gen.Frequency(
            (1, Gen.Elements<J>(new JLiteral("true"), new JLiteral("false"), new JLiteral("null"))),
            (3, Decimals.Select(d => (J)new JNum(d))),
            (3, Text.Select(s => (J)new JStr(s))));
        if (depth == 0)
        {
            return leaf;
        }
        var child = Tree(depth - 1);
        var array = child.ListOf().Select(items => (J)new JArr(items.Take(6).ToArray()));
        var obj = Text.SelectMany(k => child.Select(v => (k, v))).ListOf().Select(ms => (J)new JObj(
            // Keys that coincide after NFC are an error by design; the generator keeps one of each.
            ms.Take(6).DistinctBy(m => m.k.Normalize(NormalizationForm.FormC)).ToArray()));
        return Gen.Frequency((3, leaf), (1, array), (1, obj));
    }

    private static readonly Gen<J> AnyTree = Tree(4);

    private static JsonNode? ToNode(J j) => j switch
    {
        JLiteral { Text: "true" } => JsonValue.Create(true),
        JLiteral { Text: "false" } => JsonValue.Create(false),
        JLiteral => null,
        JNum n => JsonValue.Create(n.Value),
        JStr s => JsonValue.Create(s.Value),
        JArr a => new JsonArray(a.Items.Select(ToNode).ToArray()),
        JObj o => new JsonObject(o.Members.Select(m => KeyValuePair.Create(m.Key, ToNode(m.Value)))),
        _ => throw new InvalidOperationException(),
    };

    // Writes the tree as valid JSON with random member order, whitespace, escapes and number spellings.
    private static string Spell(J j, Random random)
    {
        var sb = new StringBuilder();
        Write(j);
        return sb.ToString();

        void Space()
        {
            var n = random.Next(4) == 0 ? random.Next(1, 4) : 0;
            for (var i = 0; i < n; i++)
            {
                sb.Append(" \t\r\n"[random.Next(4)]);
            }
        }

        void Write(J node)
        {
            Space();
            switch (node)
            {
                case JLiteral l:
                    sb.Append(l.Text);
                    break;
                case JNum n:
                    sb.Append(SpellNumber(n.Value, random));
                    break;
                case JStr s:
                    SpellString(s.Value);
                    break;
                case JArr a:
                    sb.Append('[');
                    for (var i = 0; i < a.Items.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }
                        Write(a.Items[i]);
                    }
                    Space();
                    sb.Append(']');
                    break;
                case JObj o:
                    sb.Append('{');
                    var members = o.Members.OrderBy(_ => random.Next()).ToArray();
                    for (var i = 0; i < members.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }
                        Space();
                        SpellString(members[i].Key);
                        Space();
                        sb.Append(':');
                        Write(members[i].Value);
                    }
                    Space();
                    sb.Append('}');
                    break;
            }
            Space();
        }

        void SpellString(string s)
        {
            sb.Append('"');
            var escapeLowSurrogate = false;
            foreach (var c in s)
            {
                // A surrogate pair is escaped whole or not at all: half of it raw would not survive UTF-8.
                var escape = char.IsLowSurrogate(c) ? escapeLowSurrogate : c is '"' or '\\' || c < 0x20 || random.Next(5) == 0;
                escapeLowSurrogate = char.IsHighSurrogate(c) && escape;
                if (escape)
                {
                    if (c == '/' && random.Next(2) == 0)
                    {
                        sb.Append("\\/");
                    }
                    else
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    }
                }
                else
                {
                    sb.Append(c);
                }
            }
            sb.Append('"');
        }
    }

    // Any of: plain with trailing zeros, integer mantissa with exponent, or 0.mantissa with exponent.
    private static string SpellNumber(decimal value, Random random)
    {
        var sign = value < 0 ? "-" : "";
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var digits = decimal.Abs(value).ToString(CultureInfo.InvariantCulture).Replace(".", "", StringComparison.Ordinal).TrimStart('0');
        if (digits.Length == 0)
        {
            return random.Next(3) switch { 0 => "0", 1 => "-0.00", _ => "0e12" };
        }
        var zeros = new string('0', random.Next(0, 4));
        return random.Next(3) switch
        {
            0 => value.ToString(CultureInfo.InvariantCulture) + (scale == 0 ? "." : "") + (zeros.Length == 0 && scale == 0 ? "0" : zeros),
            1 => string.Create(CultureInfo.InvariantCulture, $"{sign}{digits}{zeros}{(random.Next(2) == 0 ? 'e' : 'E')}{-scale - zeros.Length}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{sign}0.{digits}{zeros}e{(digits.Length - scale >= 0 ? "+" : "")}{digits.Length - scale}"),
        };
    }

    private static void Holds<T>(Gen<T> gen, Action<T> property, int runs) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(runs), Prop.ForAll(gen.ToArbitrary(), property));

    [Fact]
    public void Serializing_parsed_canonical_output_gives_the_same_bytes() =>
        Holds(AnyTree, tree =>
        {
            var once = CanonicalJson.Serialize(ToNode(tree));
            Assert.Equal(once, CanonicalJson.Serialize(JsonNode.Parse(once)));
            Assert.Equal(once, CanonicalJson.Canonicalize(once));
            Assert.True(CanonicalJson.IsCanonical(once));
        }, runs: 1000);

    [Fact]
    public void Key_order_whitespace_escapes_and_number_spelling_do_not_change_the_output() =>
        Holds(AnyTree.SelectMany(t => ArbMap.Default.GeneratorFor<int>().Select(seed => (t, seed))), x =>
        {
            var expected = CanonicalJson.Serialize(ToNode(x.t));
            var spelled = Spell(x.t, new Random(x.seed));
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(spelled))));
        }, runs: 1000);

    [Fact]
    public void Equal_decimals_canonicalize_equal_and_read_back_exactly() =>
        Holds(Decimals.SelectMany(d => Gen.Choose(0, 5).Select(extra => (d, extra))), x =>
        {
            var plain = Encoding.UTF8.GetString(CanonicalJson.Serialize(JsonValue.Create(x.d)));
            // The same value with more trailing zeros, where the scale allows it (1.5 and 1.50 and 1.500 …).
            var padded = x.d.ToString(CultureInfo.InvariantCulture);
            padded += (padded.Contains('.', StringComparison.Ordinal) ? "" : ".") + new string('0', x.extra + 1);
            Assert.Equal(plain, Canon(padded));
            Assert.Equal(x.d, decimal.Parse(plain, CultureInfo.InvariantCulture));
            Assert.DoesNotContain("e", plain, StringComparison.OrdinalIgnoreCase);
            Assert.False(plain.Contains('.', StringComparison.Ordinal) && plain.EndsWith('0'), plain);
            Assert.NotEqual("-0", plain);
        }, runs: 2000);

    private static string Canon(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));
}
