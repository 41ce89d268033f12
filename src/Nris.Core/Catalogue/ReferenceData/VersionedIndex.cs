using System.Globalization;

namespace Nris.Core.Catalogue.ReferenceData;

/// <summary>
/// The as-of machinery that <see cref="TerritoryIndex"/> and <see cref="OrganizationIndex"/> share: versions of one
/// code sorted by start date, a parent → children table, and lists of what is in force on each stretch of dates
/// between two changes, built on first use. Every query is a dictionary look-up plus a binary search over the
/// handful of versions of one code, because these indexes are consulted on every request.
/// </summary>
/// <typeparam name="T">A versioned catalogue record.</typeparam>
internal sealed class VersionedIndex<T>
    where T : class
{
    private readonly string _noun;
    private readonly Func<T, string> _code;
    private readonly Func<T, Validity> _validity;
    private readonly Func<T, string?> _parent;
    private readonly Func<T, int> _category;
    private readonly int _categoryCount;

    private readonly Dictionary<string, T[]> _versions;
    private readonly Dictionary<string, IReadOnlyList<T>> _versionLists;
    private readonly Dictionary<string, T[]> _children;
    private readonly T[] _all;

    // Dates on which something starts or something ends the day before: between two of them nothing changes,
    // so one list per stretch (and per category) answers every as-of question for the dates inside it.
    private readonly DateOnly[] _changes;
    private readonly IReadOnlyList<T>?[] _inForce;

    /// <summary>Builds and validates the index.</summary>
    /// <param name="items">The versions.</param>
    /// <param name="noun">What the items are, for messages ("territory").</param>
    /// <param name="code">The code of a version.</param>
    /// <param name="validity">The validity of a version.</param>
    /// <param name="parent">The parent code of a version, or null for a root.</param>
    /// <param name="category">A small non-negative number (the level or kind) that <see cref="AsOf"/> can filter on.</param>
    /// <param name="categoryCount">One more than the largest category.</param>
    public VersionedIndex(
        IEnumerable<T> items,
        string noun,
        Func<T, string> code,
        Func<T, Validity> validity,
        Func<T, string?> parent,
        Func<T, int> category,
        int categoryCount)
    {
        ArgumentNullException.ThrowIfNull(items);
        _noun = noun;
        _code = code;
        _validity = validity;
        _parent = parent;
        _category = category;
        _categoryCount = categoryCount;

        _all = [.. items];
        Array.Sort(_all, CompareCodeThenStart);

        _versions = new Dictionary<string, T[]>(StringComparer.Ordinal);
        var children = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        var changes = new HashSet<DateOnly>();
        for (var start = 0; start < _all.Length;)
        {
            var key = code(_all[start]);
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException($"A {noun} has no code.", nameof(items));
            }

            var end = start + 1;
            while (end < _all.Length && string.Equals(code(_all[end]), key, StringComparison.Ordinal))
            {
                end++;
            }

            var versions = _all[start..end];
            CheckVersions(key, versions);
            _versions.Add(key, versions);
            start = end;
        }

        foreach (var item in _all)
        {
            var v = validity(item);
            if (v.From is { } from)
            {
                changes.Add(from);
            }

            if (v.To is { } to && to < DateOnly.MaxValue)
            {
                changes.Add(to.AddDays(1));
            }

            if (parent(item) is { } p)
            {
                if (!children.TryGetValue(p, out var list))
                {
                    children.Add(p, list = []);
                }

                // _all is sorted by code, so each list comes out sorted by code too.
                list.Add(item);
            }
        }

        _children = children.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        _changes = [.. changes.Order()];
        _inForce = new IReadOnlyList<T>?[(_changes.Length + 1) * (categoryCount + 1)];

        // Callers get read-only views, never the arrays themselves: a cast and a write must not corrupt the index.
        All = Array.AsReadOnly(_all);
        _versionLists = _versions.ToDictionary(e => e.Key, e => (IReadOnlyList<T>)Array.AsReadOnly(e.Value), StringComparer.Ordinal);

        foreach (var item in _all)
        {
            CheckParent(item);
        }

        foreach (var item in _all)
        {
            CheckNoCycle(item);
        }
    }

    /// <summary>Every version, ordered by code then start date.</summary>
    public IReadOnlyList<T> All { get; }

    /// <summary>The version of <paramref name="code"/> in force on <paramref name="asOf"/>.</summary>
    public T? Find(string code, DateOnly asOf)
    {
        if (code is null || !_versions.TryGetValue(code, out var versions))
        {
            return null;
        }

        var i = IndexOf(versions, asOf);
        return i >= 0 ? versions[i] : null;
    }

    /// <summary>The versions of <paramref name="code"/>, oldest first.</summary>
    public IReadOnlyList<T> Versions(string code) =>
        code is not null && _versionLists.TryGetValue(code, out var versions) ? versions : [];

    /// <summary>What is in force on <paramref name="date"/>, optionally of one category, ordered by code.</summary>
    public IReadOnlyList<T> AsOf(DateOnly date, int? category)
    {
        if (category is { } c && (c < 0 || c >= _categoryCount))
        {
            return [];
        }

        var stretch = UpperBound(_changes, date);
        var slot = (stretch * (_categoryCount + 1)) + (category is { } k ? k + 1 : 0);
        var cached = Volatile.Read(ref _inForce[slot]);
        if (cached is not null)
        {
            return cached;
        }

        // Two threads may build the same list at once; both are equal, so whichever is stored wins harmlessly.
        var list = new List<T>();
        foreach (var item in _all)
        {
            if (_validity(item).Contains(date) && (category is not { } want || _category(item) == want))
            {
                list.Add(item);
            }
        }

        var built = Array.AsReadOnly(list.ToArray());
        Volatile.Write(ref _inForce[slot], built);
        return built;
    }

    /// <summary>The versions in force on <paramref name="asOf"/> whose parent is <paramref name="code"/>, ordered by code.</summary>
    public IReadOnlyList<T> Children(string code, DateOnly asOf)
    {
        if (code is null || !_children.TryGetValue(code, out var all))
        {
            return [];
        }

        var result = new List<T>();
        foreach (var child in all)
        {
            if (_validity(child).Contains(asOf))
            {
                result.Add(child);
            }
        }

        return result;
    }

    /// <summary>Parent first, root last; empty when <paramref name="code"/> is not in force on <paramref name="asOf"/>.</summary>
    public IReadOnlyList<T> Ancestors(string code, DateOnly asOf)
    {
        var result = new List<T>(4);
        var current = Find(code, asOf);
        while (current is not null && _parent(current) is { } parent)
        {
            // The constructor proved that parents exist on their children's dates and that there are no cycles.
            current = Find(parent, asOf);
            if (current is not null)
            {
                result.Add(current);
            }
        }

        return result;
    }

    /// <summary>Everything below <paramref name="code"/> on <paramref name="asOf"/>, optionally of one category, ordered by code.</summary>
    public IReadOnlyList<T> Descendants(string code, DateOnly asOf, int? category)
    {
        if (Find(code, asOf) is null)
        {
            return [];
        }

        var result = new List<T>();
        var queue = new Queue<string>();
        queue.Enqueue(code);
        while (queue.TryDequeue(out var next))
        {
            foreach (var child in Children(next, asOf))
            {
                if (category is not { } want || _category(child) == want)
                {
                    result.Add(child);
                }

                queue.Enqueue(_code(child));
            }
        }

        result.Sort(CompareCodeThenStart);
        return result;
    }

    /// <summary>Whether <paramref name="ancestorCode"/> is <paramref name="code"/> or above it on <paramref name="asOf"/>; walks up, O(depth).</summary>
    public bool IsWithin(string code, string ancestorCode, DateOnly asOf)
    {
        if (string.Equals(code, ancestorCode, StringComparison.Ordinal))
        {
            return true;
        }

        var current = Find(code, asOf);
        while (current is not null && _parent(current) is { } parent)
        {
            if (string.Equals(parent, ancestorCode, StringComparison.Ordinal))
            {
                return true;
            }

            current = Find(parent, asOf);
        }

        return false;
    }

    /// <summary>Formats a date for messages.</summary>
    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private void CheckVersions(string code, T[] versions)
    {
        for (var i = 0; i < versions.Length; i++)
        {
            var v = _validity(versions[i]);
            if (v.From is { } f && v.To is { } t && t < f)
            {
                throw new ArgumentException($"{_noun} {code}: version {v} ends before it starts.");
            }

            if (i == 0)
            {
                continue;
            }

            var previous = _validity(versions[i - 1]);
            if (previous.From == v.From)
            {
                throw new ArgumentException($"{_noun} {code}: two versions start on {v.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "(open)"}.");
            }

            if (previous.Overlaps(v))
            {
                throw new ArgumentException($"{_noun} {code}: versions {previous} and {v} overlap.");
            }
        }
    }

    private void CheckParent(T item)
    {
        if (_parent(item) is not { } parent)
        {
            return;
        }

        var code = _code(item);
        var v = _validity(item);
        if (string.Equals(parent, code, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{_noun} {code} {v} is its own parent.");
        }

        if (!_versions.TryGetValue(parent, out var parents))
        {
            throw new ArgumentException($"{_noun} {code} {v}: parent {parent} does not exist.");
        }

        // The parent may change versions while the child lives on (Đồng Nai became a city under its communes),
        // so the parent's versions together must cover the child's dates without a gap.
        var start = v.From ?? DateOnly.MinValue;
        var i = IndexOf(parents, start);
        if (i < 0)
        {
            throw new ArgumentException($"{_noun} {code} {v}: parent {parent} does not exist on {Format(start)}.");
        }

        while (_validity(parents[i]).To is { } to && (v.To is not { } childTo || to < childTo))
        {
            if (i + 1 >= parents.Length || _validity(parents[i + 1]).From != to.AddDays(1))
            {
                throw new ArgumentException($"{_noun} {code} {v}: parent {parent} does not exist on {Format(to.AddDays(1))}.");
            }

            i++;
        }
    }

    private void CheckNoCycle(T item)
    {
        // A cycle on some date is also a cycle on the latest start date among its members, so checking every
        // version on its own start date finds them all.
        var date = _validity(item).From ?? DateOnly.MinValue;
        var current = item;
        for (var steps = 0; _parent(current) is { } parent; steps++)
        {
            if (steps > _versions.Count)
            {
                throw new ArgumentException($"{_noun} {_code(item)}: its parents form a cycle on {Format(date)}.");
            }

            current = Find(parent, date)!;
        }
    }

    /// <summary>Index of the version containing <paramref name="date"/>, or -1.</summary>
    private int IndexOf(T[] versions, DateOnly date)
    {
        // Last version starting on or before the date; the versions do not overlap, so only it can contain the date.
        int lo = 0, hi = versions.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if ((_validity(versions[mid]).From ?? DateOnly.MinValue) <= date)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found >= 0 && _validity(versions[found]).Contains(date) ? found : -1;
    }

    /// <summary>Number of dates in <paramref name="sorted"/> that are on or before <paramref name="date"/>.</summary>
    private static int UpperBound(DateOnly[] sorted, DateOnly date)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= date)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private int CompareCodeThenStart(T a, T b)
    {
        var byCode = string.CompareOrdinal(_code(a), _code(b));
        return byCode != 0 ? byCode : Nullable.Compare(_validity(a).From, _validity(b).From);
    }
}
