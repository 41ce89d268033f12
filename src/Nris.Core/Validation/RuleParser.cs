using System.Globalization;
using Nris.Core.Submissions;

namespace Nris.Core.Validation;

/// <summary>
/// Lexer and recursive-descent parser of rule expressions. Grammar, loosest first:
/// <code>
/// or         := and ("or" and)*
/// and        := not ("and" not)*
/// not        := "not" not | comparison
/// comparison := additive (("=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") additive)?
/// additive   := term (("+" | "-") term)*
/// term       := unary (("*" | "/") unary)*
/// unary      := "-" unary | primary
/// primary    := number | "(" or ")" | name "(" arguments ")" | name ("[" code "]")?
/// </code>
/// Types are checked while parsing: arithmetic and comparisons take numbers, and/or/not take conditions.
/// </summary>
internal sealed class RuleParser
{
    private readonly List<Token> _tokens;
    private int _next;
    private int _depth;
    private int _shiftDepth;

    private RuleParser(List<Token> tokens)
    {
        _tokens = tokens;
    }

    private enum TokenKind
    {
        Number,
        Name,
        Symbol,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position, decimal Number = 0m);

    private Token Peek => _tokens[_next];

    public static RuleNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > RuleExpression.MaxLength)
        {
            throw new RuleSyntaxException(RuleExpression.MaxLength + 1,
                string.Create(CultureInfo.InvariantCulture, $"Biểu thức dài quá {RuleExpression.MaxLength} ký tự"),
                string.Create(CultureInfo.InvariantCulture, $"The expression is longer than {RuleExpression.MaxLength} characters"));
        }

        var parser = new RuleParser(Tokenize(text));
        if (parser.Peek.Kind == TokenKind.End)
        {
            throw Error(parser.Peek.Position, "Biểu thức rỗng", "The expression is empty");
        }

        var node = parser.Expression();
        if (parser.Peek.Kind != TokenKind.End)
        {
            var stray = parser.Peek;
            throw stray.Text == ")"
                ? Error(stray.Position, "Thừa dấu ')'", "Unexpected ')'")
                : Error(stray.Position, $"Thừa '{stray.Text}'", $"Unexpected '{stray.Text}'");
        }

        return node;
    }

    private static RuleSyntaxException Error(int position, string vi, string en) => new(position + 1, vi, en);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, text[start..i], start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                // Take everything that could belong to the number, so "1.2.3" and "12abc" are one bad number
                // rather than a number followed by a puzzling stray token.
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                {
                    i++;
                }

                var word = text[start..i];
                if (!IsDecimalLiteral(word) ||
                    !decimal.TryParse(word, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                {
                    throw Error(start, $"Số '{Shorten(word)}' không hợp lệ", $"Invalid number '{Shorten(word)}'");
                }

                tokens.Add(new Token(TokenKind.Number, word, start, value));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                if (two is "<>" or "<=" or ">=")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two, i));
                    i += 2;
                }
                else if ("+-*/(),=<>[]".Contains(c, StringComparison.Ordinal))
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString(), i));
                    i++;
                }
                else
                {
                    var shown = char.IsControl(c) || char.IsWhiteSpace(c)
                        ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
                        : c.ToString();
                    throw Error(i, $"Ký tự '{shown}' không được dùng", $"Character '{shown}' is not allowed");
                }
            }
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    // Digits, optionally a point and more digits; at least one digit on the left keeps "1." and ".5" out,
    // so every number is written the one way the catalogue writes them.
    private static bool IsDecimalLiteral(string word)
    {
        var point = word.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? word : word[..point];
        var fraction = point < 0 ? "1" : word[(point + 1)..];
        return whole.Length > 0 && fraction.Length > 0 && whole.All(char.IsAsciiDigit) && fraction.All(char.IsAsciiDigit);
    }

    private static string Shorten(string s) => s.Length <= 30 ? s : string.Concat(s.AsSpan(0, 30), "…");

    private void Enter(int position)
    {
        if (++_depth > RuleExpression.MaxDepth)
        {
            throw Error(position,
                string.Create(CultureInfo.InvariantCulture, $"Biểu thức lồng nhau quá sâu (tối đa {RuleExpression.MaxDepth} mức)"),
                string.Create(CultureInfo.InvariantCulture, $"The expression is too deep (at most {RuleExpression.MaxDepth} levels)"));
        }
    }

    private void Leave() => _depth--;

    private RuleNode Expression()
    {
        Enter(Peek.Position);
        var node = Or();
        Leave();
        return node;
    }

    private RuleNode Or()
    {
        var left = And();
        while (IsKeyword(Peek, "or"))
        {
            var op = Peek;
            _next++;
            var right = And();
            left = Span(new OrNode(Condition(left, op), Condition(right, op)), left, right);
        }

        return left;
    }

    private RuleNode And()
    {
        var left = Not();
        while (IsKeyword(Peek, "and"))
        {
            var op = Peek;
            _next++;
            var right = Not();
            left = Span(new AndNode(Condition(left, op), Condition(right, op)), left, right);
        }

        return left;
    }

    private RuleNode Not()
    {
        if (IsKeyword(Peek, "not"))
        {
            var op = Peek;
            _next++;
            Enter(op.Position);
            var operand = Not();
            Leave();
            return new NotNode(Condition(operand, op)) { Start = op.Position, End = operand.End };
        }

        return Comparison();
    }

    private RuleNode Comparison()
    {
        var left = Additive();
        if (ComparisonOf(Peek) is not { } op)
        {
            return left;
        }

        var opToken = Peek;
        _next++;
        var right = Additive();
        if (ComparisonOf(Peek) is not null)
        {
            throw Error(Peek.Position, "Không được nối tiếp hai phép so sánh; hãy dùng 'and'",
                "Comparisons cannot be chained; use 'and'");
        }

        return Span(new ComparisonNode(op, Number(left, opToken), Number(right, opToken)), left, right);
    }

    private RuleNode Additive()
    {
        var left = Term();
        while (Peek is { Kind: TokenKind.Symbol, Text: "+" or "-" })
        {
            var op = Peek;
            _next++;
            var right = Term();
            var kind = op.Text == "+" ? ArithmeticOperator.Add : ArithmeticOperator.Subtract;
            left = Span(new ArithmeticNode(kind, Number(left, op), Number(right, op), op.Position), left, right);
        }

        return left;
    }

    private RuleNode Term()
    {
        var left = Unary();
        while (Peek is { Kind: TokenKind.Symbol, Text: "*" or "/" })
        {
            var op = Peek;
            _next++;
            var right = Unary();
            var kind = op.Text == "*" ? ArithmeticOperator.Multiply : ArithmeticOperator.Divide;
            left = Span(new ArithmeticNode(kind, Number(left, op), Number(right, op), op.Position), left, right);
        }

        return left;
    }

    private RuleNode Unary()
    {
        if (Peek is { Kind: TokenKind.Symbol, Text: "-" })
        {
            var op = Peek;
            _next++;
            Enter(op.Position);
            var operand = Unary();
            Leave();
            return new NegateNode(Number(operand, op)) { Start = op.Position, End = operand.End };
        }

        return Primary();
    }

    private RuleNode Primary()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _next++;
                return new LiteralNode(token.Number) { Start = token.Position, End = token.Position + token.Text.Length };
            case TokenKind.Symbol when token.Text == "(":
                {
                    _next++;
                    var inner = Expression();
                    var close = Expect(")");
                    // The parentheses belong to the node's text, so a message quotes "(A02 + A03) * 2" whole.
                    inner.Start = token.Position;
                    inner.End = close.Position + 1;
                    return inner;
                }
            case TokenKind.Name when IsKeyword(token, "and") || IsKeyword(token, "or") || IsKeyword(token, "not"):
                throw Error(token.Position, $"Thiếu toán hạng trước '{token.Text}'", $"An operand is missing before '{token.Text}'");
            case TokenKind.Name when _tokens[_next + 1] is { Kind: TokenKind.Symbol, Text: "(" }:
                return Call(token);
            case TokenKind.Name:
                return CellReference(token);
            case TokenKind.End:
                throw Error(token.Position, "Biểu thức kết thúc giữa chừng", "The expression ends too early");
            default:
                throw Error(token.Position, $"Không mong đợi '{token.Text}'", $"Unexpected '{token.Text}'");
        }
    }

    private CellNode CellReference(Token name)
    {
        _next++;
        var column = Disaggregations.Total;
        var end = name.Position + name.Text.Length;
        if (Peek is { Kind: TokenKind.Symbol, Text: "[" })
        {
            _next++;
            var code = Peek;
            if (code.Kind is not (TokenKind.Name or TokenKind.Number))
            {
                throw Error(code.Position, "Thiếu mã cột trong [ ]", "A column code is missing inside [ ]");
            }

            _next++;
            end = Expect("]").Position + 1;
            column = code.Text;
        }

        return new CellNode(name.Text, column) { Start = name.Position, End = end };
    }

    private RuleNode Call(Token name)
    {
        var function = name.Text.ToLowerInvariant();
        if (!RuleExpression.Functions.TryGetValue(function, out var arity))
        {
            throw Error(name.Position, $"Hàm '{name.Text}' không tồn tại", $"Unknown function '{name.Text}'");
        }

        var shift = function switch
        {
            "prev" => PeriodShift.Previous,
            "same_period_last_year" => PeriodShift.SamePeriodLastYear,
            _ => PeriodShift.Current,
        };
        if (shift != PeriodShift.Current && _shiftDepth > 0)
        {
            throw Error(name.Position, $"Không được lồng '{name.Text}' trong prev hoặc same_period_last_year",
                $"'{name.Text}' cannot be nested inside prev or same_period_last_year");
        }

        _next += 2;
        Enter(name.Position);
        if (shift != PeriodShift.Current)
        {
            _shiftDepth++;
        }

        var arguments = new List<RuleNode>();
        if (Peek is not { Kind: TokenKind.Symbol, Text: ")" })
        {
            while (true)
            {
                arguments.Add(Expression());
                if (Peek is not { Kind: TokenKind.Symbol, Text: "," })
                {
                    break;
                }

                _next++;
            }
        }

        var close = Expect(")");
        if (shift != PeriodShift.Current)
        {
            _shiftDepth--;
        }

        Leave();
        if (arguments.Count < arity.Min || (arity.Max >= 0 && arguments.Count > arity.Max))
        {
            var expected = arity.Max < 0
                ? string.Create(CultureInfo.InvariantCulture, $"ít nhất {arity.Min}")
                : arity.Min == arity.Max
                    ? arity.Min.ToString(CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{arity.Min} hoặc {arity.Max}");
            var expectedEn = arity.Max < 0
                ? string.Create(CultureInfo.InvariantCulture, $"at least {arity.Min}")
                : arity.Min == arity.Max
                    ? arity.Min.ToString(CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{arity.Min} or {arity.Max}");
            throw Error(name.Position,
                string.Create(CultureInfo.InvariantCulture, $"Hàm '{name.Text}' nhận {expected} đối số, không phải {arguments.Count}"),
                string.Create(CultureInfo.InvariantCulture, $"Function '{name.Text}' takes {expectedEn} argument(s), not {arguments.Count}"));
        }

        RuleNode node = function switch
        {
            "if" => If(name, arguments),
            "abs" => new AbsNode(Number(arguments[0], name)),
            "sum" => new SumNode([.. arguments.Select(a => Number(a, name))]),
            "min" => new ExtremumNode(false, [.. arguments.Select(a => Number(a, name))]),
            "max" => new ExtremumNode(true, [.. arguments.Select(a => Number(a, name))]),
            "round" => new RoundNode(Number(arguments[0], name), Number(arguments[1], name)),
            "isblank" => IsBlank(name, arguments[0]),
            _ => new ShiftNode(shift, Number(arguments[0], name)),
        };
        node.Start = name.Position;
        node.End = close.Position + 1;
        return node;
    }

    private static RuleNode If(Token name, List<RuleNode> arguments)
    {
        var condition = Condition(arguments[0], name);
        if (arguments[1] is ConditionNode then)
        {
            return new ConditionIfNode(condition, then, arguments.Count == 3 ? Condition(arguments[2], name) : null);
        }

        if (arguments.Count == 2)
        {
            throw Error(arguments[1].Start, "if không có nhánh 'else' thì nhánh 'then' phải là một điều kiện",
                "Without an 'else', the 'then' of if must be a condition");
        }

        return new NumberIfNode(condition, (NumberNode)arguments[1], Number(arguments[2], name));
    }

    // isblank reads one cell, possibly in another period; asking whether a sum is blank has no clear meaning
    // (sum(A, B) is blank only when both are), so it is refused rather than guessed.
    private static ConditionNode IsBlank(Token name, RuleNode argument)
    {
        var ok = argument is CellNode || argument is ShiftNode { Operand: CellNode };
        if (!ok)
        {
            throw Error(argument.Start, "isblank nhận một ô, ví dụ isblank(A01) hoặc isblank(prev(A01))",
                $"{name.Text} takes one cell, e.g. isblank(A01) or isblank(prev(A01))");
        }

        return new IsBlankNode((NumberNode)argument);
    }

    private Token Expect(string symbol)
    {
        var token = Peek;
        if (token.Kind == TokenKind.Symbol && token.Text == symbol)
        {
            _next++;
            return token;
        }

        throw Error(token.Position, $"Thiếu dấu '{symbol}'", $"Missing '{symbol}'");
    }

    private static RuleNode Span(RuleNode node, RuleNode left, RuleNode right)
    {
        node.Start = left.Start;
        node.End = right.End;
        return node;
    }

    private static NumberNode Number(RuleNode node, Token near) => node as NumberNode ?? throw Error(node.Start,
        $"Cần một giá trị số (gần '{near.Text}'), không phải một điều kiện",
        $"A number is expected (near '{near.Text}'), not a condition");

    private static ConditionNode Condition(RuleNode node, Token near) => node as ConditionNode ?? throw Error(node.Start,
        $"Cần một điều kiện, ví dụ một phép so sánh (gần '{near.Text}')",
        $"A condition such as a comparison is expected (near '{near.Text}')");

    private static ComparisonOperator? ComparisonOf(Token token) => token.Kind != TokenKind.Symbol ? null : token.Text switch
    {
        "=" => ComparisonOperator.Equal,
        "<>" => ComparisonOperator.NotEqual,
        "<" => ComparisonOperator.Less,
        "<=" => ComparisonOperator.LessOrEqual,
        ">" => ComparisonOperator.Greater,
        ">=" => ComparisonOperator.GreaterOrEqual,
        _ => null,
    };

    private static bool IsKeyword(Token token, string keyword) =>
        token.Kind == TokenKind.Name && string.Equals(token.Text, keyword, StringComparison.OrdinalIgnoreCase);
}
