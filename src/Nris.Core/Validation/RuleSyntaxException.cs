using System.Globalization;

namespace Nris.Core.Validation;

/// <summary>
/// A rule expression that cannot be read: where and why, in Vietnamese and English, e.g.
/// "Thiếu dấu ')' tại vị trí 14 / Missing ')' at position 14".
/// </summary>
public sealed class RuleSyntaxException : FormatException
{
    /// <summary>Creates the exception for an error at 1-based <paramref name="position"/>.</summary>
    /// <param name="position">1-based character position in the expression.</param>
    /// <param name="reason">What is wrong, in Vietnamese, without the position.</param>
    /// <param name="reasonEn">What is wrong, in English, without the position.</param>
    public RuleSyntaxException(int position, string reason, string reasonEn)
        : base(Compose(position, reason, reasonEn))
    {
        Position = position;
        Reason = reason;
        ReasonEn = reasonEn;
    }

    /// <summary>Creates the exception with a message only (position 1); prefer the positional constructor.</summary>
    public RuleSyntaxException()
        : this(1, "Biểu thức không hợp lệ", "Invalid expression")
    {
    }

    /// <summary>Creates the exception with a message only (position 1); prefer the positional constructor.</summary>
    public RuleSyntaxException(string message)
        : this(1, message, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception; prefer the positional constructor.</summary>
    public RuleSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Position = 1;
        Reason = message;
        ReasonEn = message;
    }

    /// <summary>1-based character position of the error in the expression.</summary>
    public int Position { get; }

    /// <summary>What is wrong, in Vietnamese, without the position.</summary>
    public string Reason { get; }

    /// <summary>What is wrong, in English, without the position.</summary>
    public string ReasonEn { get; }

    /// <summary>The Vietnamese message with the position, e.g. "Thiếu dấu ')' tại vị trí 14".</summary>
    public string MessageVi => Reason + " tại vị trí " + Position.ToString(CultureInfo.InvariantCulture);

    /// <summary>The English message with the position, e.g. "Missing ')' at position 14".</summary>
    public string MessageEn => ReasonEn + " at position " + Position.ToString(CultureInfo.InvariantCulture);

    private static string Compose(int position, string reason, string reasonEn)
    {
        var at = position.ToString(CultureInfo.InvariantCulture);
        return $"{reason} tại vị trí {at} / {reasonEn} at position {at}";
    }
}
