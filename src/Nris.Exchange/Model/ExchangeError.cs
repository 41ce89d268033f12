namespace Nris.Exchange.Model;

/// <summary>
/// One problem found in an incoming file, in Vietnamese and English, with where it is: "line 12", "Biểu 01!D14",
/// "$.dataValues[3].value" or an XML path such as "/GenericData/DataSet/Obs[5]".
/// </summary>
/// <param name="Location">Where the problem is, in the file's own terms.</param>
/// <param name="Field">The column, attribute or field concerned; null when the whole location is wrong.</param>
/// <param name="MessageVi">The message in Vietnamese.</param>
/// <param name="MessageEn">The message in English.</param>
public sealed record ExchangeError(string Location, string? Field, string MessageVi, string MessageEn)
{
    /// <inheritdoc />
    public override string ToString() => Field is null ? $"{Location}: {MessageEn}" : $"{Location} ({Field}): {MessageEn}";
}

/// <summary>
/// The one exception type every reader throws for bad input, whatever the bytes. It carries every problem found
/// (up to <see cref="ExchangeLimits.MaxErrors"/>), so an upload endpoint can answer with all of them at once.
/// </summary>
public sealed class ExchangeFormatException : Exception
{
    /// <summary>Creates the exception from its problems (at least one).</summary>
    public ExchangeFormatException(IReadOnlyList<ExchangeError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception from its problems, keeping the exception that revealed them.</summary>
    public ExchangeFormatException(IReadOnlyList<ExchangeError> errors, Exception inner)
        : base(Describe(errors), inner)
    {
        Errors = errors;
    }

    /// <summary>Creates the exception from one problem.</summary>
    public ExchangeFormatException(ExchangeError error)
        : this([error])
    {
    }

    /// <summary>Required by the usual exception pattern; prefer the constructors with errors.</summary>
    public ExchangeFormatException()
        : this([new ExchangeError("", null, "Tệp không hợp lệ.", "The file is not valid.")])
    {
    }

    /// <summary>Required by the usual exception pattern; prefer the constructors with errors.</summary>
    public ExchangeFormatException(string message)
        : this([new ExchangeError("", null, message, message)])
    {
    }

    /// <summary>Required by the usual exception pattern; prefer the constructors with errors.</summary>
    public ExchangeFormatException(string message, Exception innerException)
        : this([new ExchangeError("", null, message, message)], innerException)
    {
    }

    /// <summary>The problems, in file order.</summary>
    public IReadOnlyList<ExchangeError> Errors { get; }

    private static string Describe(IReadOnlyList<ExchangeError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count switch
        {
            0 => "The file is not valid.",
            1 => errors[0].ToString(),
            _ => $"{errors[0]} (and {errors.Count - 1} more problems)",
        };
    }
}
