using Nris.Core.Catalogue.ReferenceData;

namespace Nris.Core.Catalogue;

/// <summary>An organization version reached through a succession link, and how and when it was reached.</summary>
/// <param name="Organization">The version at the other end of the link.</param>
/// <param name="Kind">Whether the whole body passed, part of it, or the same body under a new name.</param>
/// <param name="Effective">The first day of the successor.</param>
public sealed record OrganizationLink(Organization Organization, SuccessionKind Kind, DateOnly Effective);

/// <summary>
/// Reporting organizations, versioned, for as-of questions: who exists on a date, who reports to whom, and which
/// People's Committee governs a territory. Immutable and thread-safe; build it once and share it. The authorization
/// layer asks <see cref="IsWithin"/> on every request to scope a user to an organization's subtree, so that walks up
/// the reporting line (O(depth)) instead of listing the subtree.
/// </summary>
public sealed class OrganizationIndex
{
    private readonly VersionedIndex<Organization> _index;
    private readonly Dictionary<string, Organization[]> _byTerritory;
    private readonly Dictionary<(string Code, DateOnly? From), IReadOnlyList<OrganizationLink>> _predecessors;
    private readonly Dictionary<(string Code, DateOnly? From), IReadOnlyList<OrganizationLink>> _successors;

    /// <summary>Builds and validates the index.</summary>
    /// <param name="organizations">Every version of every organization.</param>
    /// <param name="successions">Links between versions across reorganizations.</param>
    /// <exception cref="ArgumentException">
    /// Two versions of a code start on the same day or overlap, a parent does not exist on all of its child's dates,
    /// reporting lines form a cycle, or a succession names a version that does not exist; the message names the code.
    /// </exception>
    public OrganizationIndex(IEnumerable<Organization> organizations, IEnumerable<OrganizationSuccession> successions)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        ArgumentNullException.ThrowIfNull(successions);
        _index = new VersionedIndex<Organization>(
            organizations, "organization", o => o.Code, o => o.Validity, o => o.ParentCode, o => (int)o.Kind,
            Enum.GetValues<OrganizationKind>().Max(k => (int)k) + 1);

        _byTerritory = _index.All
            .Where(o => o.TerritoryCode is not null)
            .GroupBy(o => o.TerritoryCode!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Validity.From).ToArray(), StringComparer.Ordinal);

        Successions = [.. successions];
        var predecessors = new Dictionary<(string, DateOnly?), List<OrganizationLink>>();
        var successors = new Dictionary<(string, DateOnly?), List<OrganizationLink>>();
        var seen = new HashSet<(string, string, DateOnly)>();
        foreach (var s in Successions)
        {
            if (!seen.Add((s.FromCode, s.ToCode, s.Effective)))
            {
                throw new ArgumentException($"Succession {s.FromCode} → {s.ToCode} on {VersionedIndex<Organization>.Format(s.Effective)} is listed twice.", nameof(successions));
            }

            var from = Find(s.FromCode, s.Effective.AddDays(-1)) ?? throw new ArgumentException(
                $"Succession {s.FromCode} → {s.ToCode}: organization {s.FromCode} does not exist on the day before {VersionedIndex<Organization>.Format(s.Effective)}.",
                nameof(successions));
            var to = Find(s.ToCode, s.Effective) ?? throw new ArgumentException(
                $"Succession {s.FromCode} → {s.ToCode}: organization {s.ToCode} does not exist on {VersionedIndex<Organization>.Format(s.Effective)}.",
                nameof(successions));
            Add(successors, (from.Code, from.Validity.From), new OrganizationLink(to, s.Kind, s.Effective));
            Add(predecessors, (to.Code, to.Validity.From), new OrganizationLink(from, s.Kind, s.Effective));
        }

        _predecessors = Freeze(predecessors);
        _successors = Freeze(successors);
    }

    /// <summary>The number of versions.</summary>
    public int Count => _index.All.Count;

    /// <summary>Every version, ordered by code then start date.</summary>
    public IReadOnlyList<Organization> All => _index.All;

    /// <summary>The succession links, as given.</summary>
    public IReadOnlyList<OrganizationSuccession> Successions { get; }

    /// <summary>The version of <paramref name="code"/> in force on <paramref name="asOf"/>, or null.</summary>
    public Organization? Find(string code, DateOnly asOf) => _index.Find(code, asOf);

    /// <summary>The versions of <paramref name="code"/>, oldest first; empty if the code is unknown.</summary>
    public IReadOnlyList<Organization> Versions(string code) => _index.Versions(code);

    /// <summary>The organizations in force on <paramref name="date"/>, optionally of one kind, ordered by code.</summary>
    public IReadOnlyList<Organization> AsOf(DateOnly date, OrganizationKind? kind = null) => _index.AsOf(date, (int?)kind);

    /// <summary>The organizations that report directly to <paramref name="code"/> on <paramref name="asOf"/>, ordered by code.</summary>
    public IReadOnlyList<Organization> Children(string code, DateOnly asOf) => _index.Children(code, asOf);

    /// <summary>The reporting line above <paramref name="code"/> on <paramref name="asOf"/>: the organization it reports
    /// to first, the Government last. Empty when the organization does not exist on that date.</summary>
    public IReadOnlyList<Organization> Ancestors(string code, DateOnly asOf) => _index.Ancestors(code, asOf);

    /// <summary>Every organization below <paramref name="code"/> on <paramref name="asOf"/> (not itself), ordered by code.</summary>
    public IReadOnlyList<Organization> Descendants(string code, DateOnly asOf) => _index.Descendants(code, asOf, null);

    /// <summary>Whether <paramref name="code"/> reports, directly or not, to <paramref name="ancestorCode"/> on
    /// <paramref name="asOf"/>; true also when the two codes are equal. O(depth).</summary>
    public bool IsWithin(string code, string ancestorCode, DateOnly asOf) => _index.IsWithin(code, ancestorCode, asOf);

    /// <summary>The organization governing <paramref name="territoryCode"/> on <paramref name="asOf"/> (its People's
    /// Committee), or null.</summary>
    public Organization? ForTerritory(string territoryCode, DateOnly asOf)
    {
        if (territoryCode is null || !_byTerritory.TryGetValue(territoryCode, out var candidates))
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Validity.Contains(asOf))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The versions that passed into <paramref name="version"/>, ordered by code.</summary>
    public IReadOnlyList<OrganizationLink> Predecessors(Organization version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return _predecessors.TryGetValue((version.Code, version.Validity.From), out var links) ? links : [];
    }

    /// <summary>The versions that <paramref name="version"/> passed into, ordered by code.</summary>
    public IReadOnlyList<OrganizationLink> Successors(Organization version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return _successors.TryGetValue((version.Code, version.Validity.From), out var links) ? links : [];
    }

    private static void Add(Dictionary<(string, DateOnly?), List<OrganizationLink>> links, (string, DateOnly?) key, OrganizationLink link)
    {
        if (!links.TryGetValue(key, out var list))
        {
            links.Add(key, list = []);
        }

        list.Add(link);
    }

    private static Dictionary<(string Code, DateOnly? From), IReadOnlyList<OrganizationLink>> Freeze(
        Dictionary<(string, DateOnly?), List<OrganizationLink>> links) =>
        links.ToDictionary(e => e.Key, e =>
        {
            var array = e.Value.ToArray();
            if (array.Length > 1)
            {
                Array.Sort(array, static (a, b) =>
                {
                    var byCode = string.CompareOrdinal(a.Organization.Code, b.Organization.Code);
                    return byCode != 0 ? byCode : Nullable.Compare(a.Organization.Validity.From, b.Organization.Validity.From);
                });
            }

            // Read-only views, made once: callers must not be able to reorder the index's own arrays.
            return (IReadOnlyList<OrganizationLink>)Array.AsReadOnly(array);
        });
}
