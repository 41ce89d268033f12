using System.Globalization;

namespace Nris.Core.Catalogue;

/// <summary>A cell named in a rule expression: a row code and, for a disaggregated row, one column code.</summary>
/// <param name="RowCode">Row code, e.g. "A01".</param>
/// <param name="ColumnCode">Codelist code in brackets, e.g. "F" in <c>A01[F]</c>; null for the row total.</param>
public sealed record CatalogueCellReference(string RowCode, string? ColumnCode);

/// <summary>What a catalogue expression names, or why it cannot be read.</summary>
/// <param name="References">Cells (rules) or indicator codes (formulas, with a null column) in order of appearance.</param>
/// <param name="Error">Vietnamese description of the first syntax error; null when the text is well formed.</param>
/// <param name="ErrorEn">English description of the first syntax error; null when the text is well formed.</param>
public sealed record CatalogueExpressionScan(
    IReadOnlyList<CatalogueCellReference> References, string? Error, string? ErrorEn)
{
    /// <summary>Whether the expression is well formed.</summary>
    public bool IsValid => Error is null;
}

/// <summary>
/// Reads the two expression languages of the catalogue just far enough to check them: indicator formulas
/// (<c>GRDP / POP_AVG</c>: codes, numbers, + - * / and parentheses) and validation rules over form cells
/// (<c>A01 = A02 + A03</c>, <c>if(C01 &gt; 0, C02 &gt; 0)</c>, <c>A01[F] &lt;= A01</c>). It checks the grammar and lists
/// the names used; evaluating rules belongs to validation, not to the catalogue.
/// </summary>
public static class CatalogueExpressions
{
    /// <summary>Functions a rule may call, with the number of arguments each takes (max -1: any number).</summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> RuleFunctions { get; } =
        new Dictionary<string, (int Min, int Max)>(StringComparer.OrdinalIgnoreCase)
        {
            ["if"] = (2, 3),
            ["abs"] = (1, 1),
            ["sum"] = (1, -1),
            ["prev"] = (1, 1),
            ["same_period_last_year"] = (1, 1),
            ["isblank"] = (1, 1),
        };

    /// <summary>Scans an indicator formula; references are indicator codes.</summary>
    public static CatalogueExpressionScan ScanFormula(string formula) => new Parser(formula, rules: false).Run();

    /// <summary>Scans a validation rule; references are form cells.</summary>
    public static CatalogueExpressionScan ScanRule(string expression) => new Parser(expression, rules: true).Run();

    private enum TokenKind
    {
        Name,
        Number,
        Symbol,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    /// <summary>A recursive-descent recognizer: or → and → not → comparison → sum → product → unary → primary.</summary>
    private sealed class Parser
    {
        private static readonly string[] Comparisons = ["=", "<>", "<=", ">=", "<", ">"];
        private readonly List<Token> _tokens = [];
        private readonly List<CatalogueCellReference> _references = [];
        private readonly string _text;
        private readonly bool _rules;
        private int _next;
        private (string Vi, string En)? _error;

        public Parser(string text, bool rules)
        {
            _text = text ?? string.Empty;
            _rules = rules;
        }

        public CatalogueExpressionScan Run()
        {
            if (Tokenize())
            {
                if (Peek.Kind == TokenKind.End)
                {
                    Fail(Peek, "biểu thức rỗng", "the expression is empty");
                }
                else if (Expression() && Peek.Kind != TokenKind.End)
                {
                    Fail(Peek, $"thừa '{Peek.Text}'", $"unexpected '{Peek.Text}'");
                }
            }
            return new CatalogueExpressionScan(_references, _error?.Vi, _error?.En);
        }

        private Token Peek => _tokens[_next];

        private bool Tokenize()
        {
            var i = 0;
            while (i < _text.Length)
            {
                var c = _text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var start = i;
                    while (i < _text.Length && (char.IsAsciiLetterOrDigit(_text[i]) || _text[i] == '_'))
                    {
                        i++;
                    }
                    _tokens.Add(new Token(TokenKind.Name, _text[start..i], start));
                }
                else if (char.IsAsciiDigit(c))
                {
                    var start = i;
                    while (i < _text.Length && (char.IsAsciiDigit(_text[i]) || _text[i] == '.'))
                    {
                        i++;
                    }
                    var number = _text[start..i];
                    if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
                    {
                        return Fail(new Token(TokenKind.Number, number, start), $"số '{number}' không hợp lệ", $"invalid number '{number}'");
                    }
                    _tokens.Add(new Token(TokenKind.Number, number, start));
                }
                else
                {
                    var two = i + 1 < _text.Length ? _text.Substring(i, 2) : string.Empty;
                    var symbol = two is "<>" or "<=" or ">=" ? two : c.ToString();
                    var allowed = _rules ? "+-*/(),=<>[]" : "+-*/()";
                    if (symbol.Length == 1 && !allowed.Contains(c, StringComparison.Ordinal))
                    {
                        return Fail(new Token(TokenKind.Symbol, symbol, i), $"ký tự '{c}' không được dùng", $"character '{c}' is not allowed");
                    }
                    _tokens.Add(new Token(TokenKind.Symbol, symbol, i));
                    i += symbol.Length;
                }
            }
            _tokens.Add(new Token(TokenKind.End, "", _text.Length));
            return true;
        }

        private bool Expression() => _rules ? Or() : Additive();

        private bool Or() => Chain(And, "or");

        private bool And() => Chain(Not, "and");

        private bool Chain(Func<bool> operand, string keyword)
        {
            if (!operand())
            {
                return false;
            }
            while (IsKeyword(Peek, keyword))
            {
                _next++;
                if (!operand())
                {
                    return false;
                }
            }
            return true;
        }

        private bool Not()
        {
            if (IsKeyword(Peek, "not"))
            {
                _next++;
                return Not();
            }
            if (!Additive())
            {
                return false;
            }
            if (Peek.Kind == TokenKind.Symbol && Comparisons.Contains(Peek.Text))
            {
                _next++;
                return Additive();
            }
            return true;
        }

        private bool Additive()
        {
            if (!Multiplicative())
            {
                return false;
            }
            while (Peek.Kind == TokenKind.Symbol && Peek.Text is "+" or "-")
            {
                _next++;
                if (!Multiplicative())
                {
                    return false;
                }
            }
            return true;
        }

        private bool Multiplicative()
        {
            if (!Unary())
            {
                return false;
            }
            while (Peek.Kind == TokenKind.Symbol && Peek.Text is "*" or "/")
            {
                _next++;
                if (!Unary())
                {
                    return false;
                }
            }
            return true;
        }

        private bool Unary()
        {
            if (Peek.Kind == TokenKind.Symbol && Peek.Text == "-")
            {
                _next++;
                return Unary();
            }
            return Primary();
        }

        private bool Primary()
        {
            var token = Peek;
            switch (token.Kind)
            {
                case TokenKind.Number:
                    _next++;
                    return true;
                case TokenKind.Symbol when token.Text == "(":
                    _next++;
                    return Expression() && Expect(")");
                case TokenKind.Name when IsKeyword(token, "and") || IsKeyword(token, "or") || IsKeyword(token, "not"):
                    return Fail(token, $"thiếu toán hạng trước '{token.Text}'", $"an operand is missing before '{token.Text}'");
                case TokenKind.Name when _rules && _tokens[_next + 1] is { Kind: TokenKind.Symbol, Text: "(" }:
                    return Call(token);
                case TokenKind.Name:
                    _next++;
                    return Reference(token);
                case TokenKind.End:
                    return Fail(token, "biểu thức kết thúc giữa chừng", "the expression ends too early");
                default:
                    return Fail(token, $"không mong đợi '{token.Text}'", $"unexpected '{token.Text}'");
            }
        }

        private bool Call(Token name)
        {
            if (!RuleFunctions.TryGetValue(name.Text, out var arity))
            {
                return Fail(name, $"hàm '{name.Text}' không tồn tại", $"unknown function '{name.Text}'");
            }
            _next += 2;
            var count = 0;
            if (!(Peek.Kind == TokenKind.Symbol && Peek.Text == ")"))
            {
                while (true)
                {
                    if (!Expression())
                    {
                        return false;
                    }
                    count++;
                    if (Peek is not { Kind: TokenKind.Symbol, Text: "," })
                    {
                        break;
                    }
                    _next++;
                }
            }
            if (!Expect(")"))
            {
                return false;
            }
            if (count < arity.Min || (arity.Max >= 0 && count > arity.Max))
            {
                var expected = arity.Max < 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{arity.Min}+")
                    : arity.Min == arity.Max
                        ? arity.Min.ToString(CultureInfo.InvariantCulture)
                        : string.Create(CultureInfo.InvariantCulture, $"{arity.Min}–{arity.Max}");
                return Fail(name,
                    string.Create(CultureInfo.InvariantCulture, $"hàm '{name.Text}' nhận {expected} đối số, không phải {count}"),
                    string.Create(CultureInfo.InvariantCulture, $"function '{name.Text}' takes {expected} arguments, not {count}"));
            }
            return true;
        }

        private bool Reference(Token name)
        {
            string? column = null;
            if (_rules && Peek is { Kind: TokenKind.Symbol, Text: "[" })
            {
                _next++;
                var code = Peek;
                if (code.Kind is not (TokenKind.Name or TokenKind.Number))
                {
                    return Fail(code, "thiếu mã cột trong [ ]", "a column code is missing inside [ ]");
                }
                _next++;
                if (!Expect("]"))
                {
                    return false;
                }
                column = code.Text;
            }
            _references.Add(new CatalogueCellReference(name.Text, column));
            return true;
        }

        private bool Expect(string symbol)
        {
            if (Peek.Kind == TokenKind.Symbol && Peek.Text == symbol)
            {
                _next++;
                return true;
            }
            return Fail(Peek, $"thiếu '{symbol}'", $"'{symbol}' expected");
        }

        private static bool IsKeyword(Token token, string keyword) =>
            token.Kind == TokenKind.Name && string.Equals(token.Text, keyword, StringComparison.OrdinalIgnoreCase);

        private bool Fail(Token at, string vi, string en)
        {
            var position = (at.Position + 1).ToString(CultureInfo.InvariantCulture);
            _error ??= (vi + " (vị trí " + position + ")", en + " (position " + position + ")");
            return false;
        }
    }
}
