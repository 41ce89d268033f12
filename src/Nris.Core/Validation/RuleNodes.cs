using Nris.Core.Submissions;

namespace Nris.Core.Validation;

// The syntax tree of a rule. Nodes are immutable after parsing, so one tree is shared by every thread that
// evaluates it; per-evaluation state lives in EvalContext on the caller's stack. Evaluation is a virtual call per
// node returning a small struct: no allocation unless something has to be noted (a division by zero).

/// <summary>The state of a number during evaluation: a value, blank, or undefined.</summary>
internal enum NumKind : byte
{
    Value,
    Missing,
    Undefined,
}

/// <summary>A number during evaluation.</summary>
internal readonly record struct Num(decimal Value, NumKind Kind)
{
    public static Num Missing => new(0m, NumKind.Missing);

    public static Num Undefined => new(0m, NumKind.Undefined);

    public static Num Of(decimal value) => new(value, NumKind.Value);

    public bool HasValue => Kind == NumKind.Value;

    // Undefined wins over missing: "cannot be computed" is the stronger statement and carries a note.
    public static NumKind Worst(NumKind a, NumKind b) => (NumKind)Math.Max((byte)a, (byte)b);
}

/// <summary>A truth value with a third state for "cannot be decided".</summary>
internal enum Truth : byte
{
    False,
    True,
    NotApplicable,
}

internal struct EvalContext
{
    public EvalContext(IRuleData data)
    {
        Data = data;
        Shift = PeriodShift.Current;
        Notes = null;
    }

    public IRuleData Data;
    public PeriodShift Shift;
    public List<RuleNote>? Notes;

    public void Note(int start, string vi, string en) => (Notes ??= []).Add(new RuleNote(start + 1, vi, en));
}

internal abstract class RuleNode
{
    /// <summary>0-based start of the node's text in the expression.</summary>
    public int Start { get; set; }

    /// <summary>0-based end (exclusive) of the node's text; parentheses around the node are included.</summary>
    public int End { get; set; }

    public abstract IEnumerable<RuleNode> Children { get; }
}

internal abstract class NumberNode : RuleNode
{
    public abstract Num Evaluate(ref EvalContext context);
}

internal abstract class ConditionNode : RuleNode
{
    public abstract Truth Evaluate(ref EvalContext context);
}

internal sealed class LiteralNode(decimal value) : NumberNode
{
    public decimal Value { get; } = value;

    public override IEnumerable<RuleNode> Children => [];

    public override Num Evaluate(ref EvalContext context) => Num.Of(Value);
}

internal sealed class CellNode(string rowCode, string column) : NumberNode
{
    public string RowCode { get; } = rowCode;

    /// <summary>"_T" for a bare reference.</summary>
    public string Column { get; } = column;

    public override IEnumerable<RuleNode> Children => [];

    public override Num Evaluate(ref EvalContext context) =>
        context.Data.Value(RowCode, Column, context.Shift) is { } v ? Num.Of(v) : Num.Missing;

    public string Text => Column == Disaggregations.Total ? RowCode : $"{RowCode}[{Column}]";
}

internal sealed class NegateNode(NumberNode operand) : NumberNode
{
    public NumberNode Operand { get; } = operand;

    public override IEnumerable<RuleNode> Children => [Operand];

    public override Num Evaluate(ref EvalContext context)
    {
        var x = Operand.Evaluate(ref context);
        return x.HasValue ? Num.Of(-x.Value) : x;
    }
}

internal enum ArithmeticOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
}

internal sealed class ArithmeticNode(ArithmeticOperator op, NumberNode left, NumberNode right, int operatorPosition) : NumberNode
{
    /// <summary>
    /// Quotients are rounded to this many decimal places, so that 1 / 3 * 3 compares the same way on every machine and
    /// an exact "=" against a quotient is meaningful (decimal division otherwise yields 28 significant digits).
    /// </summary>
    public const int QuotientDecimals = 10;

    public ArithmeticOperator Operator { get; } = op;

    public NumberNode Left { get; } = left;

    public NumberNode Right { get; } = right;

    public override IEnumerable<RuleNode> Children => [Left, Right];

    public override Num Evaluate(ref EvalContext context)
    {
        var a = Left.Evaluate(ref context);
        var b = Right.Evaluate(ref context);
        if (!a.HasValue || !b.HasValue)
        {
            return new Num(0m, Num.Worst(a.Kind, b.Kind));
        }

        try
        {
            switch (Operator)
            {
                case ArithmeticOperator.Add:
                    return Num.Of(a.Value + b.Value);
                case ArithmeticOperator.Subtract:
                    return Num.Of(a.Value - b.Value);
                case ArithmeticOperator.Multiply:
                    return Num.Of(a.Value * b.Value);
                default:
                    if (b.Value == 0m)
                    {
                        context.Note(operatorPosition, "Phép chia cho 0", "Division by zero");
                        return Num.Undefined;
                    }

                    return Num.Of(Math.Round(a.Value / b.Value, QuotientDecimals, MidpointRounding.AwayFromZero));
            }
        }
        catch (OverflowException)
        {
            context.Note(operatorPosition, "Kết quả quá lớn", "The result is too large");
            return Num.Undefined;
        }
    }
}

internal sealed class AbsNode(NumberNode operand) : NumberNode
{
    public NumberNode Operand { get; } = operand;

    public override IEnumerable<RuleNode> Children => [Operand];

    public override Num Evaluate(ref EvalContext context)
    {
        var x = Operand.Evaluate(ref context);
        return x.HasValue ? Num.Of(Math.Abs(x.Value)) : x;
    }
}

/// <summary>sum(...): blanks count as 0, but a sum of nothing but blanks is blank.</summary>
internal sealed class SumNode(NumberNode[] operands) : NumberNode
{
    public IReadOnlyList<NumberNode> Operands => operands;

    public override IEnumerable<RuleNode> Children => operands;

    public override Num Evaluate(ref EvalContext context)
    {
        var total = 0m;
        var any = false;
        foreach (var operand in operands)
        {
            var x = operand.Evaluate(ref context);
            if (x.Kind == NumKind.Undefined)
            {
                return x;
            }

            if (x.HasValue)
            {
                try
                {
                    total += x.Value;
                }
                catch (OverflowException)
                {
                    context.Note(Start, "Kết quả quá lớn", "The result is too large");
                    return Num.Undefined;
                }

                any = true;
            }
        }

        return any ? Num.Of(total) : Num.Missing;
    }
}

/// <summary>min(...) and max(...): blank if any argument is blank, like the other arithmetic.</summary>
internal sealed class ExtremumNode(bool max, NumberNode[] operands) : NumberNode
{
    public bool IsMax { get; } = max;

    public IReadOnlyList<NumberNode> Operands => operands;

    public override IEnumerable<RuleNode> Children => operands;

    public override Num Evaluate(ref EvalContext context)
    {
        var kind = NumKind.Value;
        var best = 0m;
        for (var i = 0; i < operands.Length; i++)
        {
            var x = operands[i].Evaluate(ref context);
            if (!x.HasValue)
            {
                kind = Num.Worst(kind, x.Kind);
                continue;
            }

            if (i == 0 || (IsMax ? x.Value > best : x.Value < best))
            {
                best = x.Value;
            }
        }

        return kind == NumKind.Value ? Num.Of(best) : new Num(0m, kind);
    }
}

/// <summary>round(x, n): n must be a whole number from 0 to 28; halves round away from zero.</summary>
internal sealed class RoundNode(NumberNode operand, NumberNode digits) : NumberNode
{
    public NumberNode Operand { get; } = operand;

    public NumberNode Digits { get; } = digits;

    public override IEnumerable<RuleNode> Children => [Operand, Digits];

    public override Num Evaluate(ref EvalContext context)
    {
        var x = Operand.Evaluate(ref context);
        var n = Digits.Evaluate(ref context);
        if (!x.HasValue || !n.HasValue)
        {
            return new Num(0m, Num.Worst(x.Kind, n.Kind));
        }

        if (n.Value != decimal.Truncate(n.Value) || n.Value < 0m || n.Value > 28m)
        {
            context.Note(Digits.Start, "Số chữ số làm tròn phải là số nguyên từ 0 đến 28",
                "The number of rounding digits must be a whole number from 0 to 28");
            return Num.Undefined;
        }

        return Num.Of(Math.Round(x.Value, (int)n.Value, MidpointRounding.AwayFromZero));
    }
}

/// <summary>prev(x) and same_period_last_year(x): x with every cell reference read in the shifted period.</summary>
internal sealed class ShiftNode(PeriodShift shift, NumberNode operand) : NumberNode
{
    public PeriodShift Shift { get; } = shift;

    public NumberNode Operand { get; } = operand;

    public override IEnumerable<RuleNode> Children => [Operand];

    public override Num Evaluate(ref EvalContext context)
    {
        var outer = context.Shift;
        context.Shift = Shift;
        var x = Operand.Evaluate(ref context);
        context.Shift = outer;
        return x;
    }

    public static string FunctionName(PeriodShift shift) => shift == PeriodShift.Previous ? "prev" : "same_period_last_year";
}

/// <summary>if(cond, a, b) as a number: blank when the condition cannot be decided.</summary>
internal sealed class NumberIfNode(ConditionNode condition, NumberNode then, NumberNode otherwise) : NumberNode
{
    public ConditionNode Condition { get; } = condition;

    public NumberNode Then { get; } = then;

    public NumberNode Otherwise { get; } = otherwise;

    public override IEnumerable<RuleNode> Children => [Condition, Then, Otherwise];

    public override Num Evaluate(ref EvalContext context) => Condition.Evaluate(ref context) switch
    {
        Truth.True => Then.Evaluate(ref context),
        Truth.False => Otherwise.Evaluate(ref context),
        _ => Num.Missing,
    };
}

internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>A comparison: exact on decimals; not applicable when either side is blank or undefined.</summary>
internal sealed class ComparisonNode(ComparisonOperator op, NumberNode left, NumberNode right) : ConditionNode
{
    public ComparisonOperator Operator { get; } = op;

    public NumberNode Left { get; } = left;

    public NumberNode Right { get; } = right;

    public override IEnumerable<RuleNode> Children => [Left, Right];

    public override Truth Evaluate(ref EvalContext context)
    {
        var a = Left.Evaluate(ref context);
        var b = Right.Evaluate(ref context);
        if (!a.HasValue || !b.HasValue)
        {
            return Truth.NotApplicable;
        }

        var holds = Operator switch
        {
            ComparisonOperator.Equal => a.Value == b.Value,
            ComparisonOperator.NotEqual => a.Value != b.Value,
            ComparisonOperator.Less => a.Value < b.Value,
            ComparisonOperator.LessOrEqual => a.Value <= b.Value,
            ComparisonOperator.Greater => a.Value > b.Value,
            _ => a.Value >= b.Value,
        };
        return holds ? Truth.True : Truth.False;
    }
}

/// <summary>
/// and: false if either side is false (a broken half is broken whatever the other half is), otherwise not
/// applicable if either side is, otherwise true. The right side is not evaluated after a false left side.
/// </summary>
internal sealed class AndNode(ConditionNode left, ConditionNode right) : ConditionNode
{
    public ConditionNode Left { get; } = left;

    public ConditionNode Right { get; } = right;

    public override IEnumerable<RuleNode> Children => [Left, Right];

    public override Truth Evaluate(ref EvalContext context)
    {
        var a = Left.Evaluate(ref context);
        if (a == Truth.False)
        {
            return Truth.False;
        }

        var b = Right.Evaluate(ref context);
        return b == Truth.False ? Truth.False : a == Truth.True && b == Truth.True ? Truth.True : Truth.NotApplicable;
    }
}

/// <summary>or: true if either side is true, otherwise not applicable if either side is, otherwise false.</summary>
internal sealed class OrNode(ConditionNode left, ConditionNode right) : ConditionNode
{
    public ConditionNode Left { get; } = left;

    public ConditionNode Right { get; } = right;

    public override IEnumerable<RuleNode> Children => [Left, Right];

    public override Truth Evaluate(ref EvalContext context)
    {
        var a = Left.Evaluate(ref context);
        if (a == Truth.True)
        {
            return Truth.True;
        }

        var b = Right.Evaluate(ref context);
        return b == Truth.True ? Truth.True : a == Truth.False && b == Truth.False ? Truth.False : Truth.NotApplicable;
    }
}

internal sealed class NotNode(ConditionNode operand) : ConditionNode
{
    public ConditionNode Operand { get; } = operand;

    public override IEnumerable<RuleNode> Children => [Operand];

    public override Truth Evaluate(ref EvalContext context) => Operand.Evaluate(ref context) switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.NotApplicable,
    };
}

/// <summary>isblank(cell): true or false, never not applicable.</summary>
internal sealed class IsBlankNode(NumberNode cell) : ConditionNode
{
    public NumberNode Cell { get; } = cell;

    public override IEnumerable<RuleNode> Children => [Cell];

    public override Truth Evaluate(ref EvalContext context) =>
        Cell.Evaluate(ref context).HasValue ? Truth.False : Truth.True;
}

/// <summary>if(cond, then[, else]) as a condition: without else, the rule holds when cond is false.</summary>
internal sealed class ConditionIfNode(ConditionNode condition, ConditionNode then, ConditionNode? otherwise) : ConditionNode
{
    public ConditionNode Condition { get; } = condition;

    public ConditionNode Then { get; } = then;

    public ConditionNode? Otherwise { get; } = otherwise;

    public override IEnumerable<RuleNode> Children => Otherwise is null ? [Condition, Then] : [Condition, Then, Otherwise];

    public override Truth Evaluate(ref EvalContext context) => Condition.Evaluate(ref context) switch
    {
        Truth.True => Then.Evaluate(ref context),
        Truth.False => Otherwise?.Evaluate(ref context) ?? Truth.True,
        _ => Truth.NotApplicable,
    };
}
