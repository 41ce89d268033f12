namespace Nris.Core.Requests;

/// <summary>One kind of file an answer may attach: the extension, the media type it is served with, and its magic bytes.</summary>
/// <param name="Extension">Lowercase extension with the dot, e.g. ".pdf".</param>
/// <param name="ContentType">The media type stored and served.</param>
/// <param name="Magic">The bytes the file must start with; empty for plain text (checked as UTF-8 without NUL instead).</param>
public sealed record AttachmentType(string Extension, string ContentType, byte[] Magic);

/// <summary>
/// What an answer may attach (tệp đính kèm) and how it is checked: a short list of document types recognized by
/// extension and by their first bytes (a file named .pdf that is not a PDF is refused), a size limit per file and per
/// answer, and a safe file name. Attachments are stored in the database with their SHA-256, which the ledger entry of
/// the answer carries; they are always served as downloads, never rendered inline.
/// </summary>
public static class AttachmentPolicy
{
    /// <summary>The largest attachment, in bytes (5 MiB).</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>The most attachments of one answer version.</summary>
    public const int MaxCount = 5;

    /// <summary>The longest file name kept, in characters.</summary>
    public const int MaxNameLength = 200;

    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];

    /// <summary>The allowed kinds: PDF, Word and Excel (OOXML), PNG, JPEG, CSV and plain text.</summary>
    public static IReadOnlyList<AttachmentType> Allowed { get; } =
    [
        new(".pdf", "application/pdf", "%PDF-"u8.ToArray()),
        new(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Zip),
        new(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Zip),
        new(".png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        new(".jpg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        new(".jpeg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        new(".csv", "text/csv", []),
        new(".txt", "text/plain", []),
    ];

    /// <summary>
    /// Checks one attachment. Returns its type, or null with the reason in <paramref name="errorVi"/>/<paramref name="errorEn"/>.
    /// </summary>
    public static AttachmentType? Check(string? fileName, ReadOnlySpan<byte> content, out string errorVi, out string errorEn)
    {
        errorVi = errorEn = "";
        if (string.IsNullOrWhiteSpace(fileName) || fileName.Length > MaxNameLength || fileName.IndexOfAny(['/', '\\', '\0']) >= 0 ||
            fileName.Any(char.IsControl) || fileName.Trim() is "." or "..")
        {
            errorVi = $"tên tệp phải có 1–{MaxNameLength} ký tự, không chứa '/', '\\' hay ký tự điều khiển";
            errorEn = $"the file name must have 1–{MaxNameLength} characters without '/', '\\' or control characters";
            return null;
        }

        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var type = Allowed.FirstOrDefault(t => t.Extension == extension);
        if (type is null)
        {
            var list = string.Join(", ", Allowed.Select(t => t.Extension));
            errorVi = $"loại tệp '{extension}' không được phép; chỉ nhận {list}";
            errorEn = $"file type '{extension}' is not allowed; only {list}";
            return null;
        }

        if (content.Length == 0 || content.Length > MaxBytes)
        {
            errorVi = $"tệp phải có từ 1 byte đến {MaxBytes} byte (5 MiB), tệp này có {content.Length}";
            errorEn = $"a file must have 1 to {MaxBytes} bytes (5 MiB); this one has {content.Length}";
            return null;
        }

        var matches = type.Magic.Length == 0 ? IsText(content) : content.StartsWith(type.Magic);
        if (!matches)
        {
            errorVi = $"nội dung tệp không phải định dạng {extension} như tên tệp cho biết";
            errorEn = $"the content is not a {extension} file as its name says";
            return null;
        }

        return type;
    }

    // Plain text: valid UTF-8 without NUL bytes.
    private static bool IsText(ReadOnlySpan<byte> content) =>
        !content.Contains((byte)0) && System.Text.Unicode.Utf8.IsValid(content);
}
