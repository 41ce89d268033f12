namespace Nris.Core.Ledger;

/// <summary>
/// Thrown when a JSON value has no canonical form: a number that is NaN, infinite or does not fit
/// <see cref="decimal"/> exactly, a string that is not valid Unicode, a duplicate object key, or input that is not JSON.
/// </summary>
public sealed class CanonicalJsonException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CanonicalJsonException()
        : base("The JSON value has no canonical form.")
    {
    }

    /// <summary>Creates the exception with a message that says what was rejected.</summary>
    /// <param name="message">What was rejected and why.</param>
    public CanonicalJsonException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    /// <param name="message">What was rejected and why.</param>
    /// <param name="innerException">The underlying exception.</param>
    public CanonicalJsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
