using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Server.Aggregation;

/// <summary>A row of the current-values view, keyed as the table is: indicator × disaggregation × territory × period × reporter.</summary>
public readonly record struct CurrentKey(string IndicatorCode, string Disaggregation, string TerritoryCode, string Period, string Reporter);

/// <summary>What the aggregation needs of one current value: the report it belongs to, its regime (the source), and the number.</summary>
public readonly record struct CurrentRow(long ReportId, string RegimeCode, decimal? Number, ObservationStatus Status, long LedgerSequence);

/// <summary>
/// The projection's own copy of the current-values view, changed exactly as <c>SubmissionService</c> changes the table
/// (replace a report's rows, upsert; on a return remove them and restore an earlier version), and the facts the
/// aggregation engine gets from it. The table itself cannot be read instead: a follower applies entry N while the
/// table may already be at N + 100, so the follower keeps the view as of the last entry it applied.
/// </summary>
/// <remarks>
/// The engine keys a fact by source = regime, the table by source = reporter, so two reporters of one regime may
/// report the same cell (a province and a commune both giving a commune's figure). Then the value with the higher
/// ledger sequence is the fact — the same rule <see cref="AggregationEngine.Build"/> applies — on both the
/// incremental and the rebuilt path, so they agree.
/// </remarks>
public sealed class ProjectedValues
{
    // Layout. Every code (indicator, disaggregation, territory, period, reporter, regime) is interned once to an int
    // below 2^24; a value's key is five such ints packed into 128 bits, and so is a fact's key (the reporter's place
    // taken by the regime). A value lives in one 48-byte slot of a struct array; the slot carries its own links (the
    // key's hash chain, the fact's hash chain, its report's doubly linked list), so there is no per-value object, list
    // or set. What all values of a report share — the report id, the ledger entry of the version they come from, the
    // regime — is kept once per report in a group, not in every slot (provenance per report, not per value), and a
    // number is kept as a 64-bit mantissa and its decimal scale (the rare number that does not fit goes to a side
    // dictionary). About 57 bytes per value with the hash buckets; 90 before groups and compact numbers, 585 for the
    // dictionary-of-strings structure before that.
    private const int CodeBits = 24;
    private const int MaxCodes = 1 << CodeBits;
    private const ulong CodeMask = MaxCodes - 1;
    private const int None = -1;
    private const byte HasNumberFlag = 1, LiveFlag = 2, BigFlag = 4;

    private CatalogueSnapshot _catalogue;
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Period> _periods = [];
    private readonly Dictionary<long, int> _reportGroups = [];
    private readonly Dictionary<int, decimal> _bigNumbers = [];
    private Dictionary<PackedKey, Fact?> _before = [];
    private bool _tracking = true;

    private Slot[] _slots = new Slot[16];
    private int _used;
    private int _free = None;
    private int _count;
    private int[] _keyBuckets = NewBuckets(16);
    private int[] _factBuckets = NewBuckets(16);
    private Group[] _groups = new Group[16];
    private int _groupsUsed;
    private int _freeGroup = None;

    /// <summary>An empty view aggregated by <paramref name="catalogue"/>.</summary>
    public ProjectedValues(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
    }

    /// <summary>Five interned codes in 120 bits: a, b and the low 16 bits of c in <see cref="Hi"/>, the rest in <see cref="Lo"/>.</summary>
    private readonly record struct PackedKey(ulong Hi, ulong Lo)
    {
        public static PackedKey Of(int a, int b, int c, int d, int e) =>
            new((uint)a | ((ulong)(uint)b << 24) | (((ulong)(uint)c & 0xFFFF) << 48), ((ulong)(uint)c >> 16) | ((ulong)(uint)d << 8) | ((ulong)(uint)e << 32));

        public int A => (int)(Hi & CodeMask);
        public int B => (int)((Hi >> 24) & CodeMask);
        public int C => (int)((Hi >> 48) | ((Lo & 0xFF) << 16));
        public int D => (int)((Lo >> 8) & CodeMask);
        public int E => (int)((Lo >> 32) & CodeMask);

        public PackedKey WithE(int e) => new(Hi, (Lo & ~(CodeMask << 32)) | ((ulong)(uint)e << 32));

        // Every bit of both halves must reach the bucket's low bits. The earlier (Hi × c1) ^ (Lo × c2), h ^= h >> 29
        // let the territory's low 16 bits (Hi bits 48–63) reach almost none of them — a product's low bits depend only
        // on its factor's low bits — so the communes of one indicator, period and source shared a handful of buckets and
        // the hash chains grew to thousands: enumerating the facts for a rebuild took 3.5 times the engine's build.
        // MurmurHash3's 64-bit finalizer on each half mixes every input bit into every output bit.
        public int Bucket(int mask) => (int)Mix(Hi ^ Mix(Lo)) & mask;

        private static ulong Mix(ulong x)
        {
            x ^= x >> 33;
            x *= 0xFF51AFD7ED558CCDUL;
            x ^= x >> 33;
            x *= 0xC4CEB9FE1A85EC53UL;
            x ^= x >> 33;
            return x;
        }
    }

    private struct Slot
    {
        public PackedKey Key;      // indicator, disaggregation, territory, period, reporter
        public long Mantissa;      // the number is Mantissa × 10^-Scale, or _bigNumbers[slot] with BigFlag
        public int Group;          // the report, ledger entry and regime the value belongs to
        public int NextInKey;      // hash chain of the value keys; also the free list
        public int NextInFact;     // hash chain of the fact keys
        public int NextInReport;
        public int PrevInReport;
        public byte Status;        // ObservationStatus
        public byte Scale;
        public byte Flags;         // HasNumberFlag, LiveFlag, BigFlag

        public readonly bool Live => (Flags & LiveFlag) != 0;

        public readonly bool HasNumber => (Flags & HasNumberFlag) != 0;
    }

    // The values of one report that came from one ledger entry under one regime. Almost always one group per report;
    // a report whose rows disagree (a database edited by hand) gets one group per distinct (entry, regime), so every
    // value still answers with its own.
    private struct Group
    {
        public long ReportId;
        public long Sequence;
        public int Regime;
        public int Head;           // first value (slot) of the group; also the free list of groups
        public int Count;
        public int NextGroup;      // the report's next group
    }

    /// <summary>Aggregates by <paramref name="catalogue"/> from now on (after a <c>catalogue.changed</c> entry): a value of an
    /// indicator the new catalogue defines becomes a fact, one of an indicator it no longer has stops being one.</summary>
    public void UseCatalogue(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
    }

    /// <summary>How many current values are held (numeric or not).</summary>
    public int Count => _count;

    /// <summary>Every current value, for comparing with the table.</summary>
    public IEnumerable<KeyValuePair<CurrentKey, CurrentRow>> Rows
    {
        get
        {
            for (var i = 0; i < _used; i++)
            {
                if (_slots[i].Live)
                {
                    var s = _slots[i];
                    var g = _groups[s.Group];
                    yield return new(
                        new CurrentKey(_names[s.Key.A], _names[s.Key.B], _names[s.Key.C], _names[s.Key.D], _names[s.Key.E]),
                        new CurrentRow(g.ReportId, _names[g.Regime], s.HasNumber ? NumberOf(i) : null, (ObservationStatus)s.Status, g.Sequence));
                }
            }
        }
    }

    /// <summary>
    /// Stops recording deltas until <see cref="ClearDeltas"/>: for a bulk load, whose facts go to <see cref="Facts"/>,
    /// so that loading a million values does not also compute a million "before" facts that are then thrown away.
    /// </summary>
    public void BeginBulkLoad() => _tracking = false;

    /// <summary>Takes a report's values out (what <c>SubmissionTables.RemoveCurrentAsync</c> does).</summary>
    public void RemoveReport(long reportId)
    {
        if (!_reportGroups.Remove(reportId, out var g))
        {
            return;
        }

        while (g != None)
        {
            var i = _groups[g].Head;
            while (i != None)
            {
                var next = _slots[i].NextInReport;
                Touch(FactOf(i));
                UnlinkKey(i);
                UnlinkFact(i);
                Release(i);
                i = next;
            }

            var nextGroup = _groups[g].NextGroup;
            ReleaseGroup(g);
            g = nextGroup;
        }
    }

    /// <summary>Inserts or replaces one value (the upsert of <c>SubmissionTables.ReplaceCurrentAsync</c>): a cell of the
    /// same reporter and period that another report holds moves to this one.</summary>
    public void Upsert(CurrentKey key, CurrentRow row)
    {
        var packed = PackedKey.Of(Code(key.IndicatorCode), Code(key.Disaggregation), Code(key.TerritoryCode), Code(key.Period), Code(key.Reporter));
        var regime = Code(row.RegimeCode);
        var i = Find(packed);
        if (i != None)
        {
            Touch(FactOf(i));
            UnlinkFact(i);
            UnlinkReport(i);
            _bigNumbers.Remove(i);
        }
        else
        {
            i = Allocate();
            _slots[i].Key = packed;
            _slots[i].Flags = LiveFlag;
            LinkKey(i);
        }

        _slots[i].Group = GroupFor(row.ReportId, row.LedgerSequence, regime);
        Touch(FactOf(i));
        ref var slot = ref _slots[i];
        slot.Flags = LiveFlag;
        slot.Mantissa = 0;
        slot.Scale = 0;
        if (row.Number is { } number)
        {
            slot.Flags |= HasNumberFlag;
            if (TryCompact(number, out var mantissa, out var scale))
            {
                slot.Mantissa = mantissa;
                slot.Scale = scale;
            }
            else
            {
                slot.Flags |= BigFlag;
                _bigNumbers[i] = number;
            }
        }

        slot.Status = checked((byte)row.Status);
        LinkFact(i);
        LinkReport(i);
    }

    /// <summary>The engine changes since the last call: each touched fact's value before and after.</summary>
    public List<FactDelta> TakeDeltas()
    {
        var deltas = new List<FactDelta>(_before.Count);
        foreach (var (key, before) in _before)
        {
            var after = WinnerFact(key);
            if (before != after)
            {
                deltas.Add(new FactDelta(before, after));
            }
        }

        _before.Clear();
        return deltas;
    }

    /// <summary>Forgets pending changes (after a bulk load, whose facts go to <see cref="Facts"/> instead) and records
    /// them again from now on.</summary>
    public void ClearDeltas()
    {
        // A cleared dictionary keeps its capacity; one that held a bulk load's worth is dropped instead.
        _before = _before.Count > 1024 ? [] : _before;
        _before.Clear();
        if (!_tracking && _slots.Length > _used + 16)
        {
            // The end of a bulk load: the slot array's doubling slack (up to half of it) is given back.
            Array.Resize(ref _slots, _used + 16);
        }

        if (!_tracking && _groups.Length > _groupsUsed + 16)
        {
            Array.Resize(ref _groups, _groupsUsed + 16);
        }

        _tracking = true;
    }

    /// <summary>Every fact of the view, for <see cref="AggregationEngine.Build"/>.</summary>
    public IEnumerable<Fact> Facts()
    {
        for (var i = 0; i < _used; i++)
        {
            // Each fact once: from the value that wins it.
            if (_slots[i].Live && _slots[i].HasNumber)
            {
                var fact = FactOf(i);
                if (Winner(fact) == i && MakeFact(fact, i) is { } made)
                {
                    yield return made;
                }
            }
        }
    }

    // A decimal as a 64-bit mantissa and its scale, when it fits (every number a form accepts in practice).
    private static bool TryCompact(decimal number, out long mantissa, out byte scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(number, bits);
        var negative = bits[3] < 0;
        scale = (byte)((bits[3] >> 16) & 0xFF);
        var magnitude = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        if (bits[2] != 0 || magnitude > long.MaxValue || (negative && magnitude == 0))
        {
            mantissa = 0;
            return false;
        }

        mantissa = negative ? -(long)magnitude : (long)magnitude;
        return true;
    }

    private decimal NumberOf(int i)
    {
        ref readonly var s = ref _slots[i];
        if ((s.Flags & BigFlag) != 0)
        {
            return _bigNumbers[i];
        }

        var magnitude = (ulong)Math.Abs(s.Mantissa);
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, s.Mantissa < 0, s.Scale);
    }

    private PackedKey FactOf(int i) => _slots[i].Key.WithE(_groups[_slots[i].Group].Regime);

    private int Code(string code)
    {
        if (_codes.TryGetValue(code, out var id))
        {
            return id;
        }

        if (_names.Count >= MaxCodes)
        {
            throw new InvalidOperationException($"More than {MaxCodes} distinct codes in the current values.");
        }

        id = _names.Count;
        _names.Add(code);
        _codes.Add(code, id);
        return id;
    }

    private static int[] NewBuckets(int size)
    {
        var buckets = new int[size];
        Array.Fill(buckets, None);
        return buckets;
    }

    private int Find(PackedKey key)
    {
        for (var i = _keyBuckets[key.Bucket(_keyBuckets.Length - 1)]; i != None; i = _slots[i].NextInKey)
        {
            if (_slots[i].Key == key)
            {
                return i;
            }
        }

        return None;
    }

    private int Allocate()
    {
        _count++;
        if (_free != None)
        {
            var i = _free;
            _free = _slots[i].NextInKey;
            _slots[i] = default;
            return i;
        }

        if (_used == _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(16, _slots.Length * 2));
        }

        if (_used >= _keyBuckets.Length)
        {
            Rehash(_keyBuckets.Length * 2);
        }

        return _used++;
    }

    private void Release(int i)
    {
        _bigNumbers.Remove(i);
        _slots[i] = default;
        _slots[i].NextInKey = _free;
        _free = i;
        _count--;
    }

    // The group of (report, entry, regime), made when the report has none with that entry and regime.
    private int GroupFor(long reportId, long sequence, int regime)
    {
        var first = _reportGroups.TryGetValue(reportId, out var head) ? head : None;
        for (var g = first; g != None; g = _groups[g].NextGroup)
        {
            if (_groups[g].Sequence == sequence && _groups[g].Regime == regime)
            {
                return g;
            }
        }

        int made;
        if (_freeGroup != None)
        {
            made = _freeGroup;
            _freeGroup = _groups[made].Head;
        }
        else
        {
            if (_groupsUsed == _groups.Length)
            {
                Array.Resize(ref _groups, _groups.Length * 2);
            }

            made = _groupsUsed++;
        }

        _groups[made] = new Group { ReportId = reportId, Sequence = sequence, Regime = regime, Head = None, Count = 0, NextGroup = first };
        _reportGroups[reportId] = made;
        return made;
    }

    private void ReleaseGroup(int g)
    {
        _groups[g] = default;
        _groups[g].Head = _freeGroup;
        _freeGroup = g;
    }

    // A group whose last value left (moved to another report by an upsert) leaves its report's chain.
    private void DropEmptyGroup(int g)
    {
        var reportId = _groups[g].ReportId;
        var first = _reportGroups[reportId];
        if (first == g)
        {
            if (_groups[g].NextGroup == None)
            {
                _reportGroups.Remove(reportId);
            }
            else
            {
                _reportGroups[reportId] = _groups[g].NextGroup;
            }
        }
        else
        {
            var at = first;
            while (_groups[at].NextGroup != g)
            {
                at = _groups[at].NextGroup;
            }

            _groups[at].NextGroup = _groups[g].NextGroup;
        }

        ReleaseGroup(g);
    }

    private void Rehash(int size)
    {
        _keyBuckets = NewBuckets(size);
        _factBuckets = NewBuckets(size);
        for (var i = 0; i < _used; i++)
        {
            if (_slots[i].Live)
            {
                LinkKey(i);
                LinkFact(i);
            }
        }
    }

    private void LinkKey(int i)
    {
        ref var head = ref _keyBuckets[_slots[i].Key.Bucket(_keyBuckets.Length - 1)];
        _slots[i].NextInKey = head;
        head = i;
    }

    private void UnlinkKey(int i)
    {
        ref var at = ref _keyBuckets[_slots[i].Key.Bucket(_keyBuckets.Length - 1)];
        while (at != i)
        {
            at = ref _slots[at].NextInKey;
        }

        at = _slots[i].NextInKey;
    }

    private void LinkFact(int i)
    {
        ref var head = ref _factBuckets[FactOf(i).Bucket(_factBuckets.Length - 1)];
        _slots[i].NextInFact = head;
        head = i;
    }

    private void UnlinkFact(int i)
    {
        ref var at = ref _factBuckets[FactOf(i).Bucket(_factBuckets.Length - 1)];
        while (at != i)
        {
            at = ref _slots[at].NextInFact;
        }

        at = _slots[i].NextInFact;
    }

    private void LinkReport(int i)
    {
        ref var slot = ref _slots[i];
        ref var group = ref _groups[slot.Group];
        slot.PrevInReport = None;
        slot.NextInReport = group.Head;
        if (slot.NextInReport != None)
        {
            _slots[slot.NextInReport].PrevInReport = i;
        }

        group.Head = i;
        group.Count++;
    }

    private void UnlinkReport(int i)
    {
        var slot = _slots[i];
        if (slot.NextInReport != None)
        {
            _slots[slot.NextInReport].PrevInReport = slot.PrevInReport;
        }

        if (slot.PrevInReport != None)
        {
            _slots[slot.PrevInReport].NextInReport = slot.NextInReport;
        }
        else
        {
            _groups[slot.Group].Head = slot.NextInReport;
        }

        if (--_groups[slot.Group].Count == 0)
        {
            DropEmptyGroup(slot.Group);
        }
    }

    private void Touch(PackedKey fact)
    {
        if (_tracking && !_before.ContainsKey(fact))
        {
            _before[fact] = WinnerFact(fact);
        }
    }

    // The value that gives a fact: among the numeric values behind it the one with the highest ledger sequence (then
    // the reporter code, so equal sequences — impossible from one entry, but cheap to pin — still give one answer).
    private int Winner(PackedKey fact)
    {
        var best = None;
        long bestSequence = 0;
        for (var i = _factBuckets[fact.Bucket(_factBuckets.Length - 1)]; i != None; i = _slots[i].NextInFact)
        {
            ref readonly var s = ref _slots[i];
            if (!s.HasNumber || FactOf(i) != fact)
            {
                continue;
            }

            var sequence = _groups[s.Group].Sequence;
            if (best == None || sequence > bestSequence ||
                (sequence == bestSequence && string.CompareOrdinal(_names[s.Key.E], _names[_slots[best].Key.E]) > 0))
            {
                best = i;
                bestSequence = sequence;
            }
        }

        return best;
    }

    private Fact? WinnerFact(PackedKey fact)
    {
        var best = Winner(fact);
        return best == None ? null : MakeFact(fact, best);
    }

    private Fact? MakeFact(PackedKey fact, int slot)
    {
        var indicator = _names[fact.A];
        if (!_catalogue.Indicators.ContainsKey(indicator))
        {
            return null;
        }

        if (!_periods.TryGetValue(fact.D, out var period))
        {
            if (!Period.TryParse(_names[fact.D], out period))
            {
                return null;
            }

            _periods[fact.D] = period;
        }

        ref readonly var s = ref _slots[slot];
        return new Fact(indicator, _names[fact.B], _names[fact.C], period, _names[fact.E], NumberOf(slot), (ObservationStatus)s.Status, _groups[s.Group].Sequence);
    }
}

/// <summary>Compares two copies of the current-values view (the stored table and the ledger replayed), for <c>nris rebuild --check</c>.</summary>
public static class ProjectedValuesComparison
{
    /// <summary>The first <paramref name="limit"/> differences, described for an operator; empty when equal.</summary>
    public static IReadOnlyList<string> Differences(ProjectedValues stored, ProjectedValues replayed, int limit = 20)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(replayed);
        var result = new List<string>();
        var other = replayed.Rows.ToDictionary(r => r.Key, r => r.Value);
        foreach (var (key, row) in stored.Rows)
        {
            if (result.Count >= limit)
            {
                return result;
            }

            if (!other.Remove(key, out var expected))
            {
                result.Add($"{Describe(key)}: stored {Describe(row)}, but the ledger has no such value");
            }
            else if (!Same(row, expected))
            {
                result.Add($"{Describe(key)}: stored {Describe(row)}, the ledger says {Describe(expected)}");
            }
        }

        foreach (var (key, row) in other)
        {
            if (result.Count >= limit)
            {
                break;
            }

            result.Add($"{Describe(key)}: missing from the stored view, the ledger says {Describe(row)}");
        }

        return result;
    }

    // Decimal equality, not record equality: 1.0 and 1.00 are the same number.
    private static bool Same(CurrentRow a, CurrentRow b) =>
        a.ReportId == b.ReportId && a.RegimeCode == b.RegimeCode && a.Number == b.Number && a.Status == b.Status &&
        a.LedgerSequence == b.LedgerSequence;

    private static string Describe(CurrentKey k) =>
        $"{k.IndicatorCode}/{k.Disaggregation}/{k.TerritoryCode}/{k.Period}/{k.Reporter}";

    private static string Describe(CurrentRow r) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(no number)"} ({r.Status}, {r.RegimeCode}, entry {r.LedgerSequence})");
}
