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
/// Reads the two expression languages of the catalogue far enough to check them: indicator formulas
/// (<c>GRDP / POP_AVG</c>: codes, numbers, + - * / and parentheses) with a small recognizer here, and validation
/// rules over form cells with the validation engine's own parser (<see cref="Validation.RuleExpression"/>), so a rule
/// that passes the catalogue check is exactly a rule the engine can evaluate.
/// </summary>
public static class CatalogueExpressions
{
    /// <summary>Functions a rule may call, with the number of arguments each takes (max -1: any number).</summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> RuleFunctions => Validation.RuleExpression.Functions;

    /// <summary>Scans an indicator formula; references are indicator codes.</summary>
    public static CatalogueExpressionScan ScanFormula(string formula) => new Parser(formula).Run();

    /// <summary>Scans a validation rule; references are form cells.</summary>
    public static CatalogueExpressionScan ScanRule(string expression)
    {
        if (!Validation.RuleExpression.TryParse(expression ?? string.Empty, out var parsed, out var error))
        {
            return new CatalogueExpressionScan([], error!.MessageVi, error.MessageEn);
        }

        if (!parsed!.IsCondition)
        {
            return new CatalogueExpressionScan([],
                "quy tắc phải là một điều kiện (so sánh), không phải một số",
                "a rule must be a condition (a comparison), not a number");
        }

        return new CatalogueExpressionScan(
            parsed.References
                .Select(r => new CatalogueCellReference(r.RowCode, r.Column == Codelist.TotalCode ? null : r.Column))
                .ToList(),
            null, null);
    }

    private enum TokenKind
    {
        Name,
        Number,
        Symbol,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    /// <summary>A recursive-descent recognizer for formulas: sum → product → unary → primary.</summary>
    private sealed class Parser
    {
        private readonly List<Token> _tokens = [];
        private readonly List<CatalogueCellReference> _references = [];
        private readonly string _text;
        private int _next;
        private (string Vi, string En)? _error;

        public Parser(string text)
        {
            _text = text ?? string.Empty;
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
                    var symbol = c.ToString();
                    if (!"+-*/()".Contains(c, StringComparison.Ordinal))
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

        private bool Expression() => Additive();

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
                case TokenKind.Name:
                    _next++;
                    return Reference(token);
                case TokenKind.End:
                    return Fail(token, "biểu thức kết thúc giữa chừng", "the expression ends too early");
                default:
                    return Fail(token, $"không mong đợi '{token.Text}'", $"unexpected '{token.Text}'");
            }
        }

        private bool Reference(Token name)
        {
            _references.Add(new CatalogueCellReference(name.Text, null));
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

        private bool Fail(Token at, string vi, string en)
        {
            var position = (at.Position + 1).ToString(CultureInfo.InvariantCulture);
            _error ??= (vi + " (vị trí " + position + ")", en + " (position " + position + ")");
            return false;
        }
    }
}
