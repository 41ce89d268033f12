namespace Nris.Exchange.Model;

/// <summary>
/// Limits every reader enforces before and while reading, so that a hostile or broken upload costs bounded memory
/// and time. The defaults fit a province-wide monthly report many times over; the server may lower them per endpoint.
/// </summary>
/// <param name="MaxBytes">Largest input accepted, in bytes (default 64 MiB).</param>
/// <param name="MaxObservations">Most observations (data values, CSV rows, filled cells) in one message (default 1,000,000).</param>
/// <param name="MaxXmlDepth">Deepest XML element nesting (default 32; SDMX data needs about 6) and JSON depth.</param>
/// <param name="MaxXlsxUncompressedBytes">Largest total uncompressed size of an .xlsx package (default 100 MiB).</param>
/// <param name="MaxXlsxParts">Most entries in an .xlsx package (default 1,000).</param>
/// <param name="MaxXlsxCompressionRatio">Highest uncompressed/compressed ratio of any .xlsx entry (default 200, zip bombs reach 1000+).</param>
/// <param name="MaxCellTextLength">Longest text of one field, attribute or cell (default 4,000 characters).</param>
/// <param name="MaxErrors">Most problems collected before a reader stops (default 200).</param>
/// <param name="MaxXlsxPartBytes">Largest uncompressed size of one .xlsx entry (default 32 MiB); a form's biggest part is a few hundred KiB.</param>
public sealed record ExchangeLimits(
    long MaxBytes = 64L * 1024 * 1024,
    int MaxObservations = 1_000_000,
    int MaxXmlDepth = 32,
    long MaxXlsxUncompressedBytes = 100L * 1024 * 1024,
    int MaxXlsxParts = 1_000,
    int MaxXlsxCompressionRatio = 200,
    int MaxCellTextLength = 4_000,
    int MaxErrors = 200,
    long MaxXlsxPartBytes = 32L * 1024 * 1024)
{
    /// <summary>The defaults described on each parameter.</summary>
    public static ExchangeLimits Default { get; } = new();
}
