using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Validation;
using static Nris.Core.Tests.Periods.PeriodGen;

namespace Nris.Core.Tests.Validation;

public sealed class RulePropertyTests
{
    // A test-side arithmetic tree, printed to rule text with as few parentheses as precedence allows, so a
    // round trip through the parser exercises precedence and associativity, not just parenthesis matching.
    private abstract record Expr;

    private sealed record Lit(decimal Value) : Expr;

    private sealed record Cell(string Row, string? Column) : Expr;

    private sealed record Neg(Expr Operand) : Expr;

    private sealed record Bin(char Op, Expr Left, Expr Right) : Expr;

    private sealed record Fn(string Name, Expr[] Args) : Expr;

    private readonly record struct Value(decimal Number, bool Missing, bool Undefined)
    {
        public static Value Of(decimal d) => new(d, false, false);

        public static Value Blank => new(0, true, false);

        public static Value Bad => new(0, false, true);

        public bool Ok => !Missing && !Undefined;
    }

    private static readonly string[] Rows = ["A01", "A02", "B01"];
    private static readonly string?[] Columns = [null, "F", "M"];

    private static readonly Gen<decimal> Literals = Gen.Choose(0, 100_000).SelectMany(n => Gen.Choose(0, 3).Select(k => n / (decimal)Math.Pow(10, k)));

    private static readonly Gen<Expr> Leaves = Gen.Frequency(
        (3, Literals.Select(d => (Expr)new Lit(d))),
        (2, Gen.Elements(Rows).SelectMany(r => Gen.Elements(Columns).Select(c => (Expr)new Cell(r, c)))));

    private static Gen<Expr> Tree(int depth) => depth == 0
        ? Leaves
        : Gen.Frequency(
            (2, Leaves),
            (1, Tree(depth - 1).Select(e => (Expr)new Neg(e))),
            (5, Gen.Elements('+', '-', '*', '/').SelectMany(op => Tree(depth - 1).SelectMany(l => Tree(depth - 1).Select(r => (Expr)new Bin(op, l, r))))),
            (2, Gen.Elements("abs", "sum", "min", "max").SelectMany(name =>
                Gen.Choose(1, name == "abs" ? 1 : 3).SelectMany(n => Tree(depth - 1).ArrayOf(n).Select(args => (Expr)new Fn(name, args))))));

    // Cell values: some blank, some zero (to reach division by zero), most ordinary.
    private static readonly Gen<Dictionary<string, decimal?>> CellValues =
        Gen.Frequency(
                (1, Gen.Constant((decimal?)null)),
                (1, Gen.Constant((decimal?)0m)),
                (4, Literals.Select(d => (decimal?)d)))
            .ArrayOf(Rows.Length * Columns.Length)
            .Select(vs =>
            {
                var map = new Dictionary<string, decimal?>(StringComparer.Ordinal);
                var i = 0;
                foreach (var r in Rows)
                {
                    foreach (var c in Columns)
                    {
                        map[c is null ? r : $"{r}[{c}]"] = vs[i++];
                    }
                }

                return map;
            });

    [Fact]
    public void Printed_trees_parse_back_and_evaluate_like_a_direct_evaluation() =>
        Holds(Tree(5).SelectMany(e => CellValues.Select(cells => (e, cells))), x =>
        {
            var text = Print(x.e, 0, false);
            var parsed = RuleExpression.Parse(text);
            var result = parsed.EvaluateNumber(ValidationTestData.Cells([.. x.cells.Select(kv => (kv.Key, kv.Value))]));
            var expected = Direct(x.e, x.cells);
            Assert.True(expected.Undefined == result.IsUndefined, $"{text}: undefined {expected.Undefined} vs {result.IsUndefined}");
            Assert.True((expected.Ok ? expected.Number : null) == result.Value, $"{text}: {expected} vs {result.Value}");
            Assert.Equal(expected.Undefined, result.Notes.Count > 0);
        }, runs: 3000);

    [Fact]
    public void Comparisons_of_printed_trees_agree_with_a_direct_evaluation() =>
        Holds(Tree(3).SelectMany(l => Tree(3).SelectMany(r => Gen.Elements("=", "<>", "<", "<=", ">", ">=").SelectMany(op => CellValues.Select(cells => (l, op, r, cells))))), x =>
        {
            var text = Print(x.l, 0, false) + " " + x.op + " " + Print(x.r, 0, false);
            var outcome = RuleExpression.ParseRule(text).Evaluate(ValidationTestData.Cells([.. x.cells.Select(kv => (kv.Key, kv.Value))])).Outcome;
            var a = Direct(x.l, x.cells);
            var b = Direct(x.r, x.cells);
            var expected = !a.Ok || !b.Ok ? RuleOutcome.NotApplicable
                : (x.op switch
                {
                    "=" => a.Number == b.Number,
                    "<>" => a.Number != b.Number,
                    "<" => a.Number < b.Number,
                    "<=" => a.Number <= b.Number,
                    ">" => a.Number > b.Number,
                    _ => a.Number >= b.Number,
                }) ? RuleOutcome.Pass : RuleOutcome.Fail;
            Assert.True(expected == outcome, $"{text}: {expected} vs {outcome}");
        }, runs: 1500);

    [Fact]
    public void The_parser_throws_nothing_but_its_own_syntax_exception() =>
        Holds(RuleLike, text =>
        {
            RuleExpression parsed;
            try
            {
                parsed = RuleExpression.Parse(text);
            }
            catch (RuleSyntaxException e)
            {
                Assert.InRange(e.Position, 1, Math.Max(text.Length, RuleExpression.MaxLength) + 1);
                Assert.False(string.IsNullOrWhiteSpace(e.Reason));
                Assert.False(string.IsNullOrWhiteSpace(e.ReasonEn));
                return;
            }

            // Whatever parses also evaluates without throwing, on blank and on filled cells.
            foreach (var data in new[] { RuleData.Empty, RuleData.From((_, _, _) => 0m), RuleData.From((r, c, s) => r.Length + c.Length + (int)s) })
            {
                if (parsed.IsCondition)
                {
                    _ = parsed.Evaluate(data);
                }
                else
                {
                    _ = parsed.EvaluateNumber(data);
                }
            }
        }, runs: 5000);

    private static readonly string[] Fragments =
    [
        "A01", "A02[F]", "B05", "1", "0", "0.5", "100", "+", "-", "*", "/", "(", ")", ",", "[", "]", "=", "<>", "<", "<=", ">", ">=",
        "and", "OR", "not", "if(", "abs(", "sum(", "min(", "max(", "round(", "isblank(", "prev(", "same_period_last_year(", "foo(", " ",
        "1.2.3", ".", "#", "é", "\t", "_T", "99999999999999999999999999999",
    ];

    // Mostly token soup and mangled real rules, which reach deep parser branches; some plain random strings.
    private static Gen<string> RuleLike { get; } = Gen.Frequency(
        (4, Gen.Elements(Fragments).ArrayOf().Select(parts => string.Join(" ", parts))),
        (4, Gen.Elements(Fragments).ArrayOf().Select(string.Concat)),
        (3, Gen.Elements(ValidationTestData.Demo.Regimes.SelectMany(r => r.Rules).Select(r => r.Expression).ToArray())
            .SelectMany(rule => Gen.Choose(0, rule.Length - 1).SelectMany(at => Gen.Choose(0, 3).SelectMany(cut =>
                Gen.Elements(Fragments).Select(insert => rule[..at] + insert + rule[Math.Min(rule.Length, at + cut)..]))))),
        (2, ArbMap.Default.ArbFor<string>().Generator.Where(s => s is not null)),
        (1, Gen.Elements("(", "-", "not ", "abs(").SelectMany(open => Gen.Choose(50, 3000).Select(n => new StringBuilder().Insert(0, open, n).Append('1').ToString()))));

    private static string Print(Expr e, int parent, bool right)
    {
        var (text, precedence) = e switch
        {
            Lit l => (Nris.Core.Validation.RuleValues.Format(l.Value), 4),
            Cell c => (c.Column is null ? c.Row : $"{c.Row}[{c.Column}]", 4),
            Neg n => ("-" + Print(n.Operand, 3, false), 3),
            Bin b => ($"{Print(b.Left, Precedence(b.Op), false)} {b.Op} {Print(b.Right, Precedence(b.Op), true)}", Precedence(b.Op)),
            Fn f => ($"{f.Name}({string.Join(", ", f.Args.Select(a => Print(a, 0, false)))})", 4),
            _ => throw new InvalidOperationException(),
        };

        // Left-associative: an equal-precedence right operand needs parentheses, a left one does not.
        return precedence < parent || (right && precedence == parent) ? "(" + text + ")" : text;
    }

    private static int Precedence(char op) => op is '+' or '-' ? 1 : 2;

    private static Value Direct(Expr e, Dictionary<string, decimal?> cells)
    {
        switch (e)
        {
            case Lit l:
                return Value.Of(l.Value);
            case Cell c:
                return cells[c.Column is null ? c.Row : $"{c.Row}[{c.Column}]"] is { } v ? Value.Of(v) : Value.Blank;
            case Neg n:
                {
                    var x = Direct(n.Operand, cells);
                    return x.Ok ? Value.Of(-x.Number) : x;
                }

            case Bin b:
                {
                    var x = Direct(b.Left, cells);
                    var y = Direct(b.Right, cells);
                    if (x.Undefined || y.Undefined)
                    {
                        return Value.Bad;
                    }

                    if (x.Missing || y.Missing)
                    {
                        return Value.Blank;
                    }

                    try
                    {
                        return b.Op switch
                        {
                            '+' => Value.Of(x.Number + y.Number),
                            '-' => Value.Of(x.Number - y.Number),
                            '*' => Value.Of(x.Number * y.Number),
                            _ => y.Number == 0 ? Value.Bad : Value.Of(Math.Round(x.Number / y.Number, 10, MidpointRounding.AwayFromZero)),
                        };
                    }
                    catch (OverflowException)
                    {
                        return Value.Bad;
                    }
                }

            case Fn f:
                {
                    var args = f.Args.Select(a => Direct(a, cells)).ToArray();
                    if (args.Any(a => a.Undefined))
                    {
                        return Value.Bad;
                    }

                    switch (f.Name)
                    {
                        case "abs":
                            return args[0].Ok ? Value.Of(Math.Abs(args[0].Number)) : args[0];
                        case "sum":
                            var present = args.Where(a => a.Ok).ToArray();
                            if (present.Length == 0)
                            {
                                return Value.Blank;
                            }

                            try
                            {
                                return Value.Of(present.Aggregate(0m, (s, a) => s + a.Number));
                            }
                            catch (OverflowException)
                            {
                                return Value.Bad;
                            }

                        default:
                            if (args.Any(a => a.Missing))
                            {
                                return Value.Blank;
                            }

                            return Value.Of(f.Name == "min" ? args.Min(a => a.Number) : args.Max(a => a.Number));
                    }
                }

            default:
                throw new InvalidOperationException();
        }
    }
}
