using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nris.Core.Ledger;

namespace Nris.Core.Submissions;

/// <summary>A reporter's digital signature over a version (chữ ký số), carried into the ledger as given.</summary>
/// <param name="Format">How <paramref name="Value"/> is encoded, e.g. "cms" (a detached CMS/PKCS#7 signature).</param>
/// <param name="Signer">Who signed, as the certificate names them (subject), so history shows it without parsing.</param>
/// <param name="Value">The signature bytes over <see cref="SubmissionPayload.SignedBytes"/>.</param>
public sealed record SubmissionSignature(string Format, string Signer, byte[] Value);

/// <summary>One version of a report as it goes into the ledger.</summary>
/// <param name="Key">The report.</param>
/// <param name="RegimeVersion">The regime version the values were validated against.</param>
/// <param name="Version">The report version: 1 for the first submission, then 2, 3 … for revisions.</param>
/// <param name="Reason">Why this version was made: required for revisions, null for the first version.</param>
/// <param name="Values">The values; every territory must be explicit (see <see cref="SubmissionPayload.Normalize"/>).</param>
/// <param name="Explanations">Explanations of warning rules.</param>
/// <param name="Signature">The reporter's signature, if the version was signed.</param>
public sealed record SubmissionDocument(
    ReportKey Key,
    int RegimeVersion,
    int Version,
    string? Reason,
    IReadOnlyList<ReportValue> Values,
    IReadOnlyList<WarningExplanation> Explanations,
    SubmissionSignature? Signature = null);

/// <summary>
/// The canonical JSON documents of the ledger's submission entries: what gets hashed into the ledger and, for a
/// version, what the reporter signs. Built with <see cref="CanonicalJson"/>, so anyone re-creating a document from
/// the same facts gets the same bytes.
/// </summary>
/// <remarks>
/// <para>A version document is an object with the members <c>type</c> (<c>"nris.submission"</c>), <c>format</c> (1),
/// <c>regime</c>, <c>regimeVersion</c>, <c>period</c> (the period code), <c>reporter</c>, <c>version</c>, <c>reason</c>
/// (string or null), <c>values</c>, <c>explanations</c>, and <c>signer</c> (string or null), plus <c>signature</c>
/// (<c>{"format","value"}</c> with the value in base64) when signed. Values are sorted by indicator, disaggregation and
/// territory (ordinal) and each is <c>{"indicator","disaggregation","territory","status","note"}</c> plus exactly the
/// one of <c>number</c>, <c>text</c>, <c>flag</c> that is set (none for a blank cell). Explanations are sorted by rule
/// code. The signature covers the canonical document without the <c>signature</c> member (<see cref="SignedBytes"/>),
/// so the signed bytes can be re-created from a ledger entry.</para>
/// <para>A decision document (accept, return, reopen) has <c>type</c> <c>"nris.decision"</c>, <c>format</c>,
/// <c>action</c>, <c>regime</c>, <c>period</c>, <c>reporter</c>, <c>version</c>, <c>organization</c> (who decided),
/// <c>reason</c> and <c>versionHash</c>, the hex SHA-256 of the decided version's payload, which ties the
/// decision to exactly those values.</para>
/// </remarks>
public static class SubmissionPayload
{
    /// <summary>The format number written into every document; a new layout needs a new number.</summary>
    public const int Format = 1;

    /// <summary>
    /// The values as they are stored and hashed: blank territories replaced by <paramref name="ownTerritory"/>,
    /// sorted by (indicator, disaggregation, territory) ordinally.
    /// </summary>
    /// <param name="values">The values as submitted.</param>
    /// <param name="ownTerritory">The reporter's own territory.</param>
    /// <returns>A new sorted list.</returns>
    public static IReadOnlyList<ReportValue> Normalize(IEnumerable<ReportValue> values, string ownTerritory)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentException.ThrowIfNullOrEmpty(ownTerritory);
        var list = values.Select(v => v.TerritoryCode is null ? v with { TerritoryCode = ownTerritory } : v).ToArray();
        Array.Sort(list, CompareCells);
        return list;
    }

    /// <summary>Orders values by indicator, disaggregation and territory, ordinally.</summary>
    /// <param name="a">A value.</param>
    /// <param name="b">Another value.</param>
    /// <returns>Negative, zero or positive as for <see cref="IComparer{T}.Compare"/>.</returns>
    public static int CompareCells(ReportValue a, ReportValue b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var c = string.CompareOrdinal(a.IndicatorCode, b.IndicatorCode);
        if (c == 0)
        {
            c = string.CompareOrdinal(a.Disaggregation, b.Disaggregation);
        }
        return c != 0 ? c : string.CompareOrdinal(a.TerritoryCode, b.TerritoryCode);
    }

    /// <summary>The ledger payload of a version: the canonical document, with the signature when there is one.</summary>
    /// <param name="document">The version.</param>
    /// <returns>Canonical JSON bytes.</returns>
    /// <exception cref="ArgumentException">A value has no explicit territory.</exception>
    public static byte[] Build(SubmissionDocument document) => CanonicalJson.Vouch(Write(document, includeSignature: true));

    /// <summary>The bytes a reporter signs: the canonical document without its <c>signature</c> member.</summary>
    /// <param name="document">The version.</param>
    /// <returns>Canonical JSON bytes.</returns>
    public static byte[] SignedBytes(SubmissionDocument document) => Write(document, includeSignature: false);

    /// <summary>The ledger payload of a recipient's decision on a version.</summary>
    /// <param name="action">Accept, return or reopen.</param>
    /// <param name="key">The report.</param>
    /// <param name="version">The version decided on.</param>
    /// <param name="organization">The deciding organization (the recipient).</param>
    /// <param name="reason">The reason, or null.</param>
    /// <param name="versionHash">SHA-256 of the decided version's payload.</param>
    /// <returns>Canonical JSON bytes.</returns>
    public static byte[] Decision(SubmissionAction action, ReportKey key, int version, string organization, string? reason, ReadOnlySpan<byte> versionHash)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(organization);
        if (action is not (SubmissionAction.Accept or SubmissionAction.Return or SubmissionAction.Reopen))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "Only accept, return and reopen are decisions.");
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "nris.decision");
            w.WriteNumber("format", Format);
            w.WriteString("action", action.ToString().ToLowerInvariant());
            w.WriteString("regime", key.RegimeCode);
            w.WriteString("period", key.Period.ToString());
            w.WriteString("reporter", key.ReporterCode);
            w.WriteNumber("version", version);
            w.WriteString("organization", organization);
            WriteNullable(w, "reason", reason);
            w.WriteString("versionHash", Convert.ToHexStringLower(versionHash));
            w.WriteEndObject();
        }
        return CanonicalJson.Canonicalize(buffer.WrittenSpan);
    }

    /// <summary>SHA-256 of a payload, as report versions and decisions name it.</summary>
    /// <param name="payload">The payload bytes.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] Hash(ReadOnlySpan<byte> payload) => SHA256.HashData(payload);

    private static byte[] Write(SubmissionDocument document, bool includeSignature)
    {
        ArgumentNullException.ThrowIfNull(document);
        var key = document.Key;
        var values = document.Values.ToArray();
        Array.Sort(values, CompareCells);
        var explanations = document.Explanations.OrderBy(e => e.RuleCode, StringComparer.Ordinal).ToArray();

        // Written directly in canonical form (members in ordinal key order, NFC strings, canonical numbers): going through
        // a parse and CanonicalJson would cost seconds for 100,000 values. The ledger's appender re-checks that the bytes
        // are canonical unless this writer vouched for them (CanonicalJson.Vouch); tests hold this writer's output equal to
        // CanonicalJson's own.
        var w = new CanonicalWriter(256 + values.Length * 112);
        w.Raw("{\"explanations\":[");
        for (var i = 0; i < explanations.Length; i++)
        {
            w.Raw(i == 0 ? "{\"rule\":" : ",{\"rule\":");
            w.String(explanations[i].RuleCode);
            w.Raw(",\"text\":");
            w.String(explanations[i].Text);
            w.Raw("}");
        }
        w.Raw("],\"format\":");
        w.Integer(Format);
        w.Raw(",\"period\":");
        w.String(key.Period.ToString());
        w.Raw(",\"reason\":");
        w.NullableString(document.Reason);
        w.Raw(",\"regime\":");
        w.String(key.RegimeCode);
        w.Raw(",\"regimeVersion\":");
        w.Integer(document.RegimeVersion);
        w.Raw(",\"reporter\":");
        w.String(key.ReporterCode);
        if (includeSignature && document.Signature is { } signature)
        {
            w.Raw(",\"signature\":{\"format\":");
            w.String(signature.Format);
            w.Raw(",\"value\":");
            w.String(Convert.ToBase64String(signature.Value));
            w.Raw("}");
        }
        w.Raw(",\"signer\":");
        w.NullableString(document.Signature?.Signer);
        w.Raw(",\"type\":\"nris.submission\",\"values\":[");
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v.TerritoryCode is null)
            {
                throw new ArgumentException("Every value in a document names its territory; use Normalize first.", nameof(document));
            }
            // Members in ordinal order: disaggregation, flag, indicator, note, number, status, territory, text.
            w.Raw(i == 0 ? "{\"disaggregation\":" : ",{\"disaggregation\":");
            w.String(v.Disaggregation);
            if (v.Flag is { } flag)
            {
                w.Raw(flag ? ",\"flag\":true" : ",\"flag\":false");
            }
            w.Raw(",\"indicator\":");
            w.String(v.IndicatorCode);
            w.Raw(",\"note\":");
            w.NullableString(v.Note);
            if (v.Number is { } number)
            {
                w.Raw(",\"number\":");
                w.Number(number);
            }
            w.Raw(",\"status\":");
            w.String(StatusName(v.Status));
            w.Raw(",\"territory\":");
            w.String(v.TerritoryCode);
            if (v.Text is { } text)
            {
                w.Raw(",\"text\":");
                w.String(text);
            }
            w.Raw("}");
        }
        w.Raw("],\"version\":");
        w.Integer(document.Version);
        w.Raw("}");
        return w.ToArray();
    }

    private static string StatusName(ObservationStatus status) => status switch
    {
        ObservationStatus.Normal => "normal",
        ObservationStatus.Estimated => "estimated",
        ObservationStatus.Provisional => "provisional",
        ObservationStatus.Official => "official",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown observation status."),
    };

    /// <summary>Writes canonical JSON tokens (see <see cref="CanonicalJson"/>'s rules) into a growing buffer.</summary>
    private sealed class CanonicalWriter(int capacity)
    {
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private readonly ArrayBufferWriter<byte> _buffer = new(capacity);

        public void Raw(string ascii)
        {
            var span = _buffer.GetSpan(ascii.Length);
            for (var i = 0; i < ascii.Length; i++)
            {
                span[i] = (byte)ascii[i];
            }
            _buffer.Advance(ascii.Length);
        }

        public void Integer(int n) => Raw(n.ToString(CultureInfo.InvariantCulture));

        // The exact value, no exponent, no trailing fraction zeros, and zero (also -0) as 0.
        public void Number(decimal d) =>
            Raw(d == 0 ? "0" : d.ToString("0.############################", CultureInfo.InvariantCulture));

        public void NullableString(string? s)
        {
            if (s is null)
            {
                Raw("null");
            }
            else
            {
                String(s);
            }
        }

        public void String(string s)
        {
            string normalized;
            try
            {
                normalized = s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);
            }
            catch (ArgumentException ex)
            {
                throw new CanonicalJsonException("A string is not valid Unicode (an unpaired surrogate?).", ex);
            }
            Raw("\"");
            var run = 0;
            for (var i = 0; i < normalized.Length; i++)
            {
                var c = normalized[i];
                if (c >= 0x20 && c != '"' && c != '\\')
                {
                    continue;
                }
                Utf8(normalized.AsSpan(run, i - run));
                run = i + 1;
                Raw(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\b' => "\\b",
                    '\f' => "\\f",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                });
            }
            Utf8(normalized.AsSpan(run));
            Raw("\"");
        }

        private void Utf8(ReadOnlySpan<char> chars)
        {
            if (chars.IsEmpty)
            {
                return;
            }
            try
            {
                var span = _buffer.GetSpan(StrictUtf8.GetMaxByteCount(chars.Length));
                _buffer.Advance(StrictUtf8.GetBytes(chars, span));
            }
            catch (EncoderFallbackException ex)
            {
                throw new CanonicalJsonException("A string is not valid Unicode (an unpaired surrogate).", ex);
            }
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>The period code as documents write it (exposed for storage, which keys views by it).</summary>
    /// <param name="key">The report.</param>
    /// <returns>For example "2026-M03".</returns>
    public static string PeriodCode(ReportKey key) => (key ?? throw new ArgumentNullException(nameof(key))).Period.ToString();

    internal static string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);
}
