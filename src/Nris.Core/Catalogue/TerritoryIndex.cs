using Nris.Core.Catalogue.ReferenceData;

namespace Nris.Core.Catalogue;

/// <summary>A territory version reached through a succession link, and how and when it was reached.</summary>
/// <param name="Territory">The version at the other end of the link.</param>
/// <param name="Kind">Whether the whole unit passed, part of it, or the same unit under a new name.</param>
/// <param name="Effective">The first day of the successor.</param>
public sealed record TerritoryLink(Territory Territory, SuccessionKind Kind, DateOnly Effective);

/// <summary>
/// Administrative units, versioned, for as-of questions: which units existed on a date, what lies under what, and
/// what became of a unit across a reform. Immutable and thread-safe; build it once and share it, because it is
/// consulted on every request. Lookups are dictionary hits plus a binary search over the few versions of one code.
/// </summary>
public sealed class TerritoryIndex
{
    private readonly VersionedIndex<Territory> _index;
    private readonly Dictionary<(string Code, DateOnly? From), IReadOnlyList<TerritoryLink>> _predecessors;
    private readonly Dictionary<(string Code, DateOnly? From), IReadOnlyList<TerritoryLink>> _successors;

    /// <summary>Builds and validates the index.</summary>
    /// <param name="territories">Every version of every unit, including the nation.</param>
    /// <param name="successions">Links between versions across boundary changes.</param>
    /// <exception cref="ArgumentException">
    /// Two versions of a code start on the same day or overlap, a parent does not exist on all of its child's dates,
    /// parents form a cycle, or a succession names a version that does not exist; the message names the code.
    /// </exception>
    public TerritoryIndex(IEnumerable<Territory> territories, IEnumerable<TerritorySuccession> successions)
    {
        ArgumentNullException.ThrowIfNull(territories);
        ArgumentNullException.ThrowIfNull(successions);
        _index = new VersionedIndex<Territory>(
            territories, "territory", t => t.Code, t => t.Validity, t => t.ParentCode, t => (int)t.Level, 4);

        Successions = [.. successions];
        var predecessors = new Dictionary<(string, DateOnly?), List<TerritoryLink>>();
        var successors = new Dictionary<(string, DateOnly?), List<TerritoryLink>>();
        var seen = new HashSet<(string, string, DateOnly)>();
        foreach (var s in Successions)
        {
            if (!seen.Add((s.FromCode, s.ToCode, s.Effective)))
            {
                throw new ArgumentException($"Succession {s.FromCode} → {s.ToCode} on {VersionedIndex<Territory>.Format(s.Effective)} is listed twice.", nameof(successions));
            }

            var from = Find(s.FromCode, s.Effective.AddDays(-1)) ?? throw new ArgumentException(
                $"Succession {s.FromCode} → {s.ToCode}: territory {s.FromCode} does not exist on the day before {VersionedIndex<Territory>.Format(s.Effective)}.",
                nameof(successions));
            var to = Find(s.ToCode, s.Effective) ?? throw new ArgumentException(
                $"Succession {s.FromCode} → {s.ToCode}: territory {s.ToCode} does not exist on {VersionedIndex<Territory>.Format(s.Effective)}.",
                nameof(successions));
            Add(successors, (from.Code, from.Validity.From), new TerritoryLink(to, s.Kind, s.Effective));
            Add(predecessors, (to.Code, to.Validity.From), new TerritoryLink(from, s.Kind, s.Effective));
        }

        _predecessors = Freeze(predecessors);
        _successors = Freeze(successors);
    }

    /// <summary>The number of versions.</summary>
    public int Count => _index.All.Count;

    /// <summary>Every version, ordered by code then start date.</summary>
    public IReadOnlyList<Territory> All => _index.All;

    /// <summary>The succession links, as given.</summary>
    public IReadOnlyList<TerritorySuccession> Successions { get; }

    /// <summary>The version of <paramref name="code"/> in force on <paramref name="asOf"/>, or null.</summary>
    public Territory? Find(string code, DateOnly asOf) => _index.Find(code, asOf);

    /// <summary>The versions of <paramref name="code"/>, oldest first; empty if the code is unknown.</summary>
    public IReadOnlyList<Territory> Versions(string code) => _index.Versions(code);

    /// <summary>The units in force on <paramref name="date"/>, optionally of one level, ordered by code.</summary>
    public IReadOnlyList<Territory> AsOf(DateOnly date, TerritoryLevel? level = null) => _index.AsOf(date, (int?)level);

    /// <summary>The units directly under <paramref name="code"/> on <paramref name="asOf"/>, ordered by code.</summary>
    public IReadOnlyList<Territory> Children(string code, DateOnly asOf) => _index.Children(code, asOf);

    /// <summary>The units above <paramref name="code"/> on <paramref name="asOf"/>: parent first, the nation last.
    /// Empty when the unit does not exist on that date.</summary>
    public IReadOnlyList<Territory> Ancestors(string code, DateOnly asOf) => _index.Ancestors(code, asOf);

    /// <summary>All units below <paramref name="code"/> on <paramref name="asOf"/> (not the unit itself),
    /// optionally of one level, ordered by code.</summary>
    public IReadOnlyList<Territory> Descendants(string code, DateOnly asOf, TerritoryLevel? level = null) =>
        _index.Descendants(code, asOf, (int?)level);

    /// <summary>Whether <paramref name="code"/> lies within <paramref name="ancestorCode"/> on <paramref name="asOf"/>;
    /// true also when the two codes are equal. Walks up the hierarchy: O(depth).</summary>
    public bool IsWithin(string code, string ancestorCode, DateOnly asOf) => _index.IsWithin(code, ancestorCode, asOf);

    /// <summary>The versions that passed into <paramref name="version"/>, ordered by code.</summary>
    public IReadOnlyList<TerritoryLink> Predecessors(Territory version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return _predecessors.TryGetValue((version.Code, version.Validity.From), out var links) ? links : [];
    }

    /// <summary>The versions that <paramref name="version"/> passed into, ordered by code.</summary>
    public IReadOnlyList<TerritoryLink> Successors(Territory version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return _successors.TryGetValue((version.Code, version.Validity.From), out var links) ? links : [];
    }

    private static void Add(Dictionary<(string, DateOnly?), List<TerritoryLink>> links, (string, DateOnly?) key, TerritoryLink link)
    {
        if (!links.TryGetValue(key, out var list))
        {
            links.Add(key, list = []);
        }

        list.Add(link);
    }

    private static Dictionary<(string Code, DateOnly? From), IReadOnlyList<TerritoryLink>> Freeze(
        Dictionary<(string, DateOnly?), List<TerritoryLink>> links) =>
        links.ToDictionary(e => e.Key, e =>
        {
            var array = e.Value.ToArray();
            if (array.Length > 1)
            {
                Array.Sort(array, static (a, b) =>
                {
                    var byCode = string.CompareOrdinal(a.Territory.Code, b.Territory.Code);
                    return byCode != 0 ? byCode : Nullable.Compare(a.Territory.Validity.From, b.Territory.Validity.From);
                });
            }

            // Read-only views, made once: callers must not be able to reorder the index's own arrays.
            return (IReadOnlyList<TerritoryLink>)Array.AsReadOnly(array);
        });
}
