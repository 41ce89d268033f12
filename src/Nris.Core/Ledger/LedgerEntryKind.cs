namespace Nris.Core.Ledger;

/// <summary>
/// What a ledger entry records. A kind is an open string so that new kinds need no change here; these constants
/// are the kinds Nris itself writes. A well-formed kind is lowercase ASCII segments separated by dots
/// (<c>submission.accepted</c>), see <see cref="IsWellFormed"/>.
/// </summary>
public static class LedgerEntryKind
{
    /// <summary>A reporter submitted a report (gửi báo cáo); the payload is the submission in canonical form.</summary>
    public const string SubmissionSubmitted = "submission.submitted";

    /// <summary>The recipient accepted a submission (tiếp nhận).</summary>
    public const string SubmissionAccepted = "submission.accepted";

    /// <summary>The recipient returned a submission to the reporter for correction (trả lại).</summary>
    public const string SubmissionReturned = "submission.returned";

    /// <summary>An accepted submission was opened again for revision.</summary>
    public const string SubmissionReopened = "submission.reopened";

    /// <summary>A reporter submitted a revised version of an earlier submission (điều chỉnh số liệu).</summary>
    public const string SubmissionRevised = "submission.revised";

    /// <summary>
    /// A catalogue change that moves published numbers: the territory hierarchy, aggregation rules, indicator definitions.
    /// </summary>
    public const string CatalogueChanged = "catalogue.changed";

    /// <summary>The longest kind accepted.</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// Tells whether <paramref name="kind"/> is well formed: 1 to <see cref="MaxLength"/> characters, dot-separated
    /// non-empty segments of <c>a</c>–<c>z</c>, <c>0</c>–<c>9</c>, <c>-</c> and <c>_</c>, each starting with a letter.
    /// Keeping kinds this plain keeps them safe in URLs, log lines and SQL filters.
    /// </summary>
    /// <param name="kind">The kind to check.</param>
    /// <returns><see langword="true"/> when the kind is well formed.</returns>
    public static bool IsWellFormed(string? kind)
    {
        if (string.IsNullOrEmpty(kind) || kind.Length > MaxLength)
        {
            return false;
        }
        var segmentStart = true;
        foreach (var c in kind)
        {
            if (segmentStart)
            {
                if (c is < 'a' or > 'z')
                {
                    return false;
                }
                segmentStart = false;
            }
            else if (c == '.')
            {
                segmentStart = true;
            }
            else if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }
        return !segmentStart;
    }
}
