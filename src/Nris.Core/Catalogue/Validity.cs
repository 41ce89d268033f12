namespace Nris.Core.Catalogue;

/// <summary>
/// The dates on which a versioned catalogue item (a territory, an organization, a regime version) is in force.
/// Both ends are inclusive, as in the legal texts ("valid to 30/06/2025"); a null end is open.
/// </summary>
public readonly record struct Validity(DateOnly? From, DateOnly? To)
{
    /// <summary>Always valid.</summary>
    public static Validity Always => new(null, null);

    /// <summary>Whether <paramref name="date"/> falls inside the interval.</summary>
    public bool Contains(DateOnly date) =>
        (From is not { } f || f <= date) && (To is not { } t || date <= t);

    /// <summary>Whether this interval and <paramref name="other"/> share at least one day.</summary>
    public bool Overlaps(Validity other) =>
        (From is not { } f || other.To is not { } ot || f <= ot) &&
        (To is not { } t || other.From is not { } of || of <= t);

    /// <inheritdoc />
    public override string ToString() =>
        $"[{From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "…"}, {To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "…"}]";
}
