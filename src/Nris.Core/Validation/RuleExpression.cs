using Nris.Core.Submissions;

namespace Nris.Core.Validation;

/// <summary>
/// A parsed rule expression over form cells, e.g. <c>A01 = A02 + A03</c> or
/// <c>if(not isblank(A05), A05 &gt;= A05[FDI])</c>. Parse once, evaluate many times: an instance is immutable and
/// thread-safe, and evaluation walks the tree without allocating per node.
/// </summary>
/// <remarks>
/// <para><b>Syntax.</b> Decimal literals with '.' as the decimal point and a digit on each side of it (<c>0.5</c>,
/// not <c>.5</c> or <c>5.</c>); cell references <c>A01</c> (the total, column "_T") or <c>A01[F]</c> (one column);
/// <c>+ - * /</c> with the usual precedence and unary minus; parentheses; comparisons <c>= &lt;&gt; &lt; &lt;= &gt; &gt;=</c>
/// (not chained); <c>and</c>, <c>or</c>, <c>not</c>; and the functions <c>if(cond, then[, else])</c>, <c>abs(x)</c>,
/// <c>sum(x, …)</c>, <c>min(x, …)</c>, <c>max(x, …)</c>, <c>round(x, n)</c>, <c>isblank(cell)</c>,
/// <c>prev(x)</c> and <c>same_period_last_year(x)</c>. Keywords and function names are case-insensitive; row and
/// column codes are case-sensitive. Arithmetic and comparisons take numbers; and/or/not take conditions; the
/// parser checks this.</para>
/// <para><b>Limits.</b> At most <see cref="MaxLength"/> characters and <see cref="MaxDepth"/> levels of nesting
/// (each parenthesis, function call, unary minus and <c>not</c> is a level), so hostile or broken input gives a
/// <see cref="RuleSyntaxException"/> instead of exhausting the stack.</para>
/// <para><b>Blank cells.</b> A blank cell is missing. Arithmetic, <c>abs</c>, <c>min</c>, <c>max</c> and
/// <c>round</c> with a missing operand are missing; <c>sum</c> counts missing operands as 0 but is missing when
/// all are. A comparison with a missing operand is not applicable: the rule neither passes nor fails, so a
/// reporter is not blamed for a cell whose requiredness is checked elsewhere. <c>and</c> is false if either side
/// is false, else not applicable if either side is; <c>or</c> is true if either side is true, else not applicable
/// if either side is; <c>not</c> keeps not applicable. <c>if(cond, then)</c> holds when cond is false; when cond is
/// not applicable the whole <c>if</c> is (a numeric <c>if</c> is then missing). <c>isblank(x)</c> is true or false,
/// never not applicable; x is a cell, or <c>prev</c>/<c>same_period_last_year</c> of a cell.</para>
/// <para><b>Numbers.</b> Decimal arithmetic throughout. <c>=</c> compares exactly. Quotients are rounded to 10
/// decimal places (halves away from zero), so that comparisons against them are stable. Division by zero,
/// overflow and bad rounding digits make the value undefined, which behaves like missing in comparisons and
/// leaves a <see cref="RuleNote"/> explaining the not-applicable outcome; undefined also spoils a <c>sum</c>.</para>
/// <para><b>Periods.</b> <c>prev(x)</c> and <c>same_period_last_year(x)</c> evaluate x — a cell or any numeric
/// expression of cells — with every cell reference read in that period. They cannot be nested in each other.</para>
/// </remarks>
public sealed class RuleExpression
{
    /// <summary>The longest expression accepted, in characters.</summary>
    public const int MaxLength = 4000;

    /// <summary>The deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Decimal places that quotients are rounded to.</summary>
    public const int QuotientDecimals = ArithmeticNode.QuotientDecimals;

    private readonly RuleNode _root;
    private readonly Term[] _terms;

    private RuleExpression(string text, RuleNode root)
    {
        Text = text;
        _root = root;
        var references = new List<RuleCellReference>();
        var terms = new List<Term>();
        Collect(root, PeriodShift.Current, references, terms);
        References = references.Distinct().ToArray();
        _terms = [.. terms.DistinctBy(t => t.Text, StringComparer.Ordinal)];
    }

    /// <summary>Functions, with their least and greatest number of arguments (-1: any number).</summary>
    public static IReadOnlyDictionary<string, (int Min, int Max)> Functions { get; } =
        new Dictionary<string, (int Min, int Max)>(StringComparer.OrdinalIgnoreCase)
        {
            ["if"] = (2, 3),
            ["abs"] = (1, 1),
            ["sum"] = (1, -1),
            ["min"] = (1, -1),
            ["max"] = (1, -1),
            ["round"] = (2, 2),
            ["isblank"] = (1, 1),
            ["prev"] = (1, 1),
            ["same_period_last_year"] = (1, 1),
        };

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Whether the expression is a condition (a rule) rather than a number.</summary>
    public bool IsCondition => _root is ConditionNode;

    /// <summary>The distinct cells read, in order of appearance, with the period each is read in.</summary>
    public IReadOnlyList<RuleCellReference> References { get; }

    internal RuleNode Root => _root;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="RuleSyntaxException">The text is not a well-formed expression; the exception says where and why.</exception>
    public static RuleExpression Parse(string text) => new(text, RuleParser.Parse(text));

    /// <summary>Parses a rule, which must be a condition (a bare number is not a rule).</summary>
    /// <exception cref="RuleSyntaxException">The text is not a well-formed condition.</exception>
    public static RuleExpression ParseRule(string text)
    {
        var expression = Parse(text);
        if (!expression.IsCondition)
        {
            throw new RuleSyntaxException(1, "Quy tắc phải là một điều kiện, ví dụ A01 >= A02",
                "A rule must be a condition, e.g. A01 >= A02");
        }

        return expression;
    }

    /// <summary>Parses without throwing: the expression, or the syntax error.</summary>
    public static bool TryParse(string text, out RuleExpression? expression, out RuleSyntaxException? error)
    {
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (RuleSyntaxException e)
        {
            expression = null;
            error = e;
            return false;
        }
    }

    /// <summary>Evaluates a condition and reports the values involved (compared quantities and cells).</summary>
    /// <exception cref="InvalidOperationException">The expression is a number, not a condition.</exception>
    public RuleEvaluation Evaluate(IRuleData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (_root is not ConditionNode condition)
        {
            throw new InvalidOperationException($"'{Text}' is a number, not a condition; use EvaluateNumber.");
        }

        var context = new EvalContext(data);
        var truth = condition.Evaluate(ref context);
        var outcome = truth switch
        {
            Truth.True => RuleOutcome.Pass,
            Truth.False => RuleOutcome.Fail,
            _ => RuleOutcome.NotApplicable,
        };

        // Term values are read after the outcome, on a separate context, so their notes do not double the
        // outcome's notes; this costs a second walk of the compared sub-trees, which are small.
        var values = new RuleTermValue[_terms.Length];
        var termContext = new EvalContext(data);
        for (var i = 0; i < _terms.Length; i++)
        {
            var x = _terms[i].Node.Evaluate(ref termContext);
            values[i] = new RuleTermValue(_terms[i].Text, x.HasValue ? x.Value : null, x.Kind == NumKind.Undefined);
        }

        return new RuleEvaluation(outcome, values, context.Notes?.ToArray() ?? []);
    }

    /// <summary>Evaluates a numeric expression.</summary>
    /// <exception cref="InvalidOperationException">The expression is a condition, not a number.</exception>
    public NumberEvaluation EvaluateNumber(IRuleData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (_root is not NumberNode number)
        {
            throw new InvalidOperationException($"'{Text}' is a condition, not a number; use Evaluate.");
        }

        var context = new EvalContext(data);
        var x = number.Evaluate(ref context);
        return new NumberEvaluation(x.HasValue ? x.Value : null, x.Kind == NumKind.Undefined, context.Notes?.ToArray() ?? []);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    // Terms explain a result: both sides of each comparison (unless a plain number) in the order written, then
    // every cell not already shown. Comparisons inside prev(...) are left out — their text would read the wrong
    // period — but the cells they use are listed with their period.
    private void Collect(RuleNode node, PeriodShift shift, List<RuleCellReference> references, List<Term> terms)
    {
        switch (node)
        {
            case ComparisonNode comparison when shift == PeriodShift.Current:
                AddTerm(comparison.Left, terms);
                AddTerm(comparison.Right, terms);
                break;
            case CellNode cell:
                references.Add(new RuleCellReference(cell.RowCode, cell.Column, shift));
                terms.Add(shift == PeriodShift.Current
                    ? new Term(cell.Text, cell)
                    : new Term($"{ShiftNode.FunctionName(shift)}({cell.Text})", new ShiftNode(shift, cell)));
                return;
            case ShiftNode shifted:
                Collect(shifted.Operand, shifted.Shift, references, terms);
                return;
        }

        foreach (var child in node.Children)
        {
            Collect(child, shift, references, terms);
        }
    }

    private void AddTerm(NumberNode side, List<Term> terms)
    {
        if (side is LiteralNode or NegateNode { Operand: LiteralNode })
        {
            return;
        }

        terms.Add(new Term(Text[side.Start..side.End].Trim(), side));
    }

    private readonly record struct Term(string Text, NumberNode Node);
}
