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
/// ledger sequence is the fact — the same rule <c>AggregationEngine.Build</c> applies — on both the
/// incremental and the rebuilt path, so they agree.
/// </remarks>
public sealed partial class ProjectedValues : FactStore
{
    // Layout: columns, not objects. Every code (indicator, disaggregation, territory, period, reporter, regime) is
    // interned once to an int, and an (indicator, disaggregation) pair to a series id. A value is one position in a set
    // of parallel arrays — series and territory (2 bytes each while the ids fit 16 bits), the number (a 59-bit integer
    // with its decimal scale in the low 5 bits), status and flags, its report group, and the link of the cell's hash
    // chain — 21 bytes, plus the hash buckets (2 to 4 bytes: up to two values a bucket on average). What all values of a
    // report share — the report id, the ledger entry of the version they come from, the regime, the period and the
    // reporter — is kept once per report in a group (provenance per report, not per value); a report's values are found
    // by their group id. One hash chain, keyed by (series, territory, period), serves both lookups: a value's own key
    // (that plus the reporter) and its fact's (that plus the regime), since both are that cell filtered by one group
    // field. This is also the aggregation engine's fact store (FactStore): the engine keeps no copy of the facts.
    // Earlier layouts: 585 bytes a value (a dictionary of strings), 81 (a 72-byte slot struct), 57–62 (a 48-byte slot
    // with two hash chains and a doubly linked report list), 30 + buckets (these columns with 4-byte ids, a separate
    // scale and a per-value report link).
    private const int None = -1;
    // SharedFlag: another value may give the same fact (same cell and regime, another reporter). Set on both when the
    // second arrives, never cleared (so an over-estimate): a value without it is its fact's winner without a look at
    // the chain, which is almost every value.
    private const byte StatusMask = 0x0F, HasNumberFlag = 0x10, LiveFlag = 0x20, BigFlag = 0x40, SharedFlag = 0x80;
    private const int ScaleBits = 5;
    private const long ScaleMask = (1 << ScaleBits) - 1;
    private const long MaxMantissa = (1L << (63 - ScaleBits)) - 1;
    private const int MaxChainLoad = 2;

    private CatalogueSnapshot _catalogue;
    // Read by queries (the store's TryGet) under the engine's read lock while the one writer may add names outside it —
    // a catalogue change builds the new engine over this store while queries still read the old one — so appends
    // publish safely (NameList), unlike a List<string>.
    private readonly NameList _names = new();
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _seriesIds = [];
    private readonly List<long> _seriesCodes = [];
    private readonly Dictionary<int, Period> _periods = [];
    private readonly Dictionary<Period, int> _periodIds = [];
    private sbyte[] _inCatalogue = [];
    private int[] _canonical = [];
    private readonly Dictionary<long, int> _reportGroups = [];
    private readonly Dictionary<int, decimal> _bigNumbers = [];
    private Dictionary<FactKey, Fact?> _before = [];
    private bool _tracking = true;

    // The columns, one entry per value position.
    private IdColumn _series = new(16);
    private IdColumn _territory = new(16);
    private long[] _mantissa = new long[16];   // the decimal's 59-bit integer, shifted left, with its scale in the low 5 bits
    private int[] _group = new int[16];
    private int[] _next = new int[16];          // the cell's hash chain; also the free list
    private byte[] _meta = new byte[16];        // status (low 4 bits), HasNumberFlag, LiveFlag, BigFlag

    private int _used;
    private int _free = None;
    private int _count;
    private int[] _buckets = NewBuckets(8);
    private Group[] _groups = new Group[16];
    private int _groupsUsed;
    private int _freeGroup = None;
    private int _lastGroup = None;   // the group the last upsert went to: the next row is almost always of the same report

    /// <summary>An empty view aggregated by <paramref name="catalogue"/>.</summary>
    public ProjectedValues(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
    }

    /// <summary>A fact's key: the value's cell with the reporter's place taken by the regime.</summary>
    private readonly record struct FactKey(int Series, int Territory, int Period, int Regime);

    // The values of one report that came from one ledger entry under one regime (and one period and reporter, which a
    // report has one of). Almost always one group per report; a report whose rows disagree (a database edited by hand)
    // gets one group per distinct combination, so every value still answers with its own.
    private struct Group
    {
        public long ReportId;
        public long Sequence;
        public int Regime;
        public int Period;         // the code as stored (the table's key)
        public int Canonical;      // the code of the period it means (Period.ToString()): facts and hash chains use this
        public int Reporter;
        public int Head;           // the lowest position a value of the group ever had; also the free list of groups
        public int Count;
        public int NextGroup;      // the report's next group
    }

    /// <summary>Aggregates by <paramref name="catalogue"/> from now on (after a <c>catalogue.changed</c> entry): a value of an
    /// indicator the new catalogue defines becomes a fact, one of an indicator it no longer has stops being one.</summary>
    public void UseCatalogue(CatalogueSnapshot catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
        _inCatalogue = [];
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
                if ((_meta[i] & LiveFlag) != 0)
                {
                    var g = _groups[_group[i]];
                    var series = _seriesCodes[_series[i]];
                    yield return new(
                        new CurrentKey(_names[(int)(series >> 32)], _names[(int)series], _names[_territory[i]], _names[g.Period], _names[g.Reporter]),
                        new CurrentRow(g.ReportId, _names[g.Regime], HasNumber(i) ? NumberOf(i) : null, StatusOf(i), g.Sequence));
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
            // A report's values are found by their group id, from the lowest position the group ever had: a loaded
            // or freshly submitted report's values lie together there, so this reads little more than the report
            // itself (a vectorized search; at worst the column's tail, 4 bytes a value), instead of keeping a
            // per-value link (4 bytes a value, all the time).
            var remaining = _groups[g].Count;
            var from = _groups[g].Head;
            while (remaining > 0 && from < _used)
            {
                var k = _group.AsSpan(from, _used - from).IndexOf(g);
                if (k < 0)
                {
                    break;
                }

                var i = from + k;
                from = i + 1;
                if ((_meta[i] & LiveFlag) == 0)
                {
                    continue;
                }

                Touch(FactOf(i));
                UnlinkCell(i);
                Release(i);
                remaining--;
            }

            var nextGroup = _groups[g].NextGroup;
            ReleaseGroup(g);
            g = nextGroup;
        }
    }

    /// <summary>Inserts or replaces one value (the upsert of <c>SubmissionTables.ReplaceCurrentAsync</c>): a cell of the
    /// same reporter and period that another report holds moves to this one.</summary>
    public void Upsert(CurrentKey key, CurrentRow row) =>
        UpsertCoded(Code(key.IndicatorCode), Code(key.Disaggregation), Code(key.TerritoryCode), Code(key.Period), Code(key.Reporter),
            Code(row.RegimeCode), row.ReportId, row.LedgerSequence, row.Status,
            row.Number is null ? NumberKind.None : NumberKind.Decimal, 0, row.Number ?? 0m);

    /// <summary>How a number reaches <see cref="UpsertCoded"/>: none, already in the compact form, or as a decimal.</summary>
    internal enum NumberKind : byte
    {
        None,
        Compact,
        Decimal,
    }

    /// <summary>The id of a code (indicator, disaggregation, territory, period, reporter or regime), made on first sight.
    /// For the bulk read, which interns each distinct code once and then passes ids to <see cref="UpsertCoded"/>.</summary>
    internal int Intern(string code) => Code(code);

    /// <summary>Makes room for <paramref name="values"/> values at once (a bulk load that knows its size), so the columns
    /// are not copied and the hash chains not rebuilt at every doubling.</summary>
    internal void Reserve(int values)
    {
        // With the headroom a start-up keeps (see Headroom), so the end of the load need not copy the columns again.
        values = (int)Math.Min(int.MaxValue - 64, (long)values + Headroom(values));
        if (values > _meta.Length)
        {
            Resize(values);
        }

        var buckets = _buckets.Length;
        while ((long)buckets * MaxChainLoad < values)
        {
            buckets *= 2;
        }

        if (buckets != _buckets.Length)
        {
            Rehash(buckets);
        }
    }

    /// <summary>
    /// <see cref="Upsert"/> over interned codes (<see cref="Intern"/>): <paramref name="kind"/> says whether there is a
    /// number, and whether it comes as <paramref name="compact"/> (the column's form: the mantissa shifted left by the
    /// scale's bits, the scale in them; see <see cref="TryParseCompact"/>) or as <paramref name="number"/>.
    /// </summary>
    internal void UpsertCoded(int indicator, int disaggregation, int territory, int period, int reporter, int regime,
        long reportId, long ledgerSequence, ObservationStatus status, NumberKind kind, long compact, decimal number)
    {
        var series = Series(indicator, disaggregation);
        var canonical = Canonical(period);
        var i = FindForUpsert(series, territory, period, canonical, reporter, regime, out var shared);
        if (i != None)
        {
            Touch(FactOf(i));
            UnlinkReport(i);
            _bigNumbers.Remove(i);

            // Without its old number while the new fact's "before" is taken, so it cannot count there.
            _meta[i] = LiveFlag;
            _group[i] = GroupFor(reportId, ledgerSequence, regime, period, canonical, reporter);
        }
        else
        {
            i = Allocate();
            _series.Set(i, series);
            _territory.Set(i, territory);
            _meta[i] = LiveFlag;
            _group[i] = GroupFor(reportId, ledgerSequence, regime, period, canonical, reporter);
            LinkCell(i);
        }

        Touch(FactOf(i));
        var meta = (byte)(LiveFlag | checked((byte)status) | (shared ? SharedFlag : 0));
        if ((byte)status > StatusMask)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown observation status.");
        }

        _mantissa[i] = 0;
        if (kind == NumberKind.Compact)
        {
            meta |= HasNumberFlag;
            _mantissa[i] = compact;
        }
        else if (kind == NumberKind.Decimal)
        {
            meta |= HasNumberFlag;
            if (TryCompact(number, out var mantissa, out var scale))
            {
                _mantissa[i] = (mantissa << ScaleBits) | scale;
            }
            else
            {
                meta |= BigFlag;
                _bigNumbers[i] = number;
            }
        }

        _meta[i] = meta;
        LinkReport(i);
    }

    /// <summary>
    /// Parses a number's text straight into the compact form when it is written the plain way a decimal is stored
    /// (<c>-?digits(.digits)?</c>, at most 18 digits, not a negative zero) and fits; gives exactly what
    /// <c>decimal.Parse(text, CultureInfo.InvariantCulture)</c> and then the compact form would (the scale is the
    /// number of digits after the point, trailing zeros included, as decimal keeps them). False for anything else,
    /// which then takes the decimal path.
    /// </summary>
    internal static bool TryParseCompact(ReadOnlySpan<byte> utf8, out long compact)
    {
        compact = 0;
        var at = 0;
        var negative = false;
        if (utf8.Length > 0 && utf8[0] == (byte)'-')
        {
            negative = true;
            at = 1;
        }

        ulong magnitude = 0;
        var digits = 0;
        var scale = -1;
        for (; at < utf8.Length; at++)
        {
            var c = utf8[at];
            if (c == (byte)'.')
            {
                if (scale >= 0 || digits == 0)
                {
                    return false;
                }

                scale = 0;
                continue;
            }

            var d = (uint)(c - (byte)'0');
            if (d > 9 || ++digits > 18)
            {
                return false;
            }

            magnitude = magnitude * 10 + d;
            if (scale >= 0)
            {
                scale++;
            }
        }

        if (digits == 0 || scale == 0 || magnitude > MaxMantissa || (negative && magnitude == 0))
        {
            return false; // empty, "5.", too large, or "-0"
        }

        var m = negative ? -(long)magnitude : (long)magnitude;
        compact = (m << ScaleBits) | (long)Math.Max(scale, 0);
        return true;
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
        // The end of a bulk load: the columns' doubling slack (up to half of them) is given back, down to the headroom
        // new submissions fill before the next copy of the columns; a load that left less than half of it gets it.
        var room = Headroom(_used);
        if (!_tracking && (_meta.Length > _used + (2L * room) || _meta.Length < _used + (room / 2)))
        {
            Resize(_used + room);
        }

        var groupRoom = Headroom(_groupsUsed);
        if (!_tracking && (_groups.Length > _groupsUsed + (2L * groupRoom) || _groups.Length < _groupsUsed + (groupRoom / 2)))
        {
            Array.Resize(ref _groups, _groupsUsed + groupRoom);
        }

        _tracking = true;
    }

    // Room left after a bulk load or an image read: an eighth more. Growing a column copies all of it under the engine's
    // write lock, so no query runs meanwhile: at L (100 million values, 2.4 GB of columns) that is about 1.7 s. Without
    // headroom the third submission after a start-up paid it (measured: the freshness step's slowest sample, 1,764 ms
    // at L and 71 ms at M); with it a start-up takes an eighth more new values before the first copy. It costs about
    // 2.6 bytes a value.
    internal static int Headroom(int used) => Math.Max(16, used / 8);

    /// <summary>Every fact of the view, for <c>AggregationEngine.Build</c>.</summary>
    public IEnumerable<Fact> Facts()
    {
        for (var i = 0; i < _used; i++)
        {
            // Each fact once: from the value that wins it.
            if ((_meta[i] & (LiveFlag | HasNumberFlag)) == (LiveFlag | HasNumberFlag))
            {
                var fact = FactOf(i);
                if (((_meta[i] & SharedFlag) == 0 || Winner(fact) == i) && MakeFact(fact, i) is { } made)
                {
                    yield return made;
                }
            }
        }
    }

    // ---- the engine's fact store: the engine keeps no copy of the facts, it asks these columns ------------------

    /// <inheritdoc />
    public override long SeriesHandle(string indicatorCode, string disaggregation, string sourceCode) =>
        ((long)Series(Code(indicatorCode), Code(disaggregation)) << 32) | (uint)Code(sourceCode);

    /// <inheritdoc />
    public override int PeriodHandle(Period period) =>
        // Every period the engine meets came out of MakeFact, which recorded the code it was parsed from.
        _periodIds.TryGetValue(period, out var id) ? id : Code(period.ToString());

    /// <inheritdoc />
    public override int TerritoryHandle(string territoryCode) => Code(territoryCode);

    /// <inheritdoc />
    public override bool TryGet(long series, int period, int territory, out decimal value, out ObservationStatus status, out long sequence)
    {
        var best = Winner(new FactKey((int)(series >> 32), territory, period, (int)series), stopAtUnshared: true);
        if (best == None)
        {
            value = 0m;
            status = ObservationStatus.Normal;
            sequence = 0;
            return false;
        }

        value = NumberOf(best);
        status = StatusOf(best);
        sequence = _groups[_group[best]].Sequence;
        return true;
    }

    // A decimal as a 59-bit mantissa and its scale, when it fits (every number a form accepts in practice: 2^58 is
    // about 2.9 × 10^17 units of its last digit).
    private static bool TryCompact(decimal number, out long mantissa, out byte scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(number, bits);
        var negative = bits[3] < 0;
        scale = (byte)((bits[3] >> 16) & 0xFF);
        var magnitude = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
        if (bits[2] != 0 || magnitude > MaxMantissa || (negative && magnitude == 0))
        {
            mantissa = 0;
            return false;
        }

        mantissa = negative ? -(long)magnitude : (long)magnitude;
        return true;
    }

    private bool HasNumber(int i) => (_meta[i] & HasNumberFlag) != 0;

    private ObservationStatus StatusOf(int i) => (ObservationStatus)(_meta[i] & StatusMask);

    private decimal NumberOf(int i)
    {
        if ((_meta[i] & BigFlag) != 0)
        {
            return _bigNumbers[i];
        }

        var stored = _mantissa[i];
        var m = stored >> ScaleBits;
        var magnitude = m < 0 ? (ulong)(-m) : (ulong)m;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, m < 0, (byte)(stored & ScaleMask));
    }

    private FactKey FactOf(int i)
    {
        ref readonly var g = ref _groups[_group[i]];
        return new FactKey(_series[i], _territory[i], g.Canonical, g.Regime);
    }

    private int Code(string code)
    {
        if (_codes.TryGetValue(code, out var id))
        {
            return id;
        }

        id = _names.Count;
        _names.Add(code);
        _codes.Add(code, id);
        return id;
    }

    private int Series(int indicator, int disaggregation)
    {
        var pair = ((long)indicator << 32) | (uint)disaggregation;
        if (!_seriesIds.TryGetValue(pair, out var id))
        {
            id = _seriesCodes.Count;
            _seriesCodes.Add(pair);
            _seriesIds.Add(pair, id);
        }

        return id;
    }

    private static int[] NewBuckets(int size)
    {
        var buckets = new int[size];
        Array.Fill(buckets, None);
        return buckets;
    }

    // MurmurHash3's 64-bit finalizer over the packed cell, so every bit of each code reaches the bucket's low bits (an
    // earlier multiply-xor hash let the territory's bits reach almost none and chains grew to thousands).
    private static int Bucket(int series, int territory, int period, int mask)
    {
        var x = ((ulong)(uint)series << 40) ^ ((ulong)(uint)period << 20) ^ (uint)territory ^ ((ulong)(uint)period >> 44);
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return (int)x & mask;
    }

    private int BucketOf(int i) => Bucket(_series[i], _territory[i], _groups[_group[i]].Canonical, _buckets.Length - 1);

    // The code of the period a period code means: two spellings of one period ("2026" and "2026-A1") are two rows of the
    // table but one period for the facts, so the hash chain and the fact key use this; a code that is no period is its
    // own (its values never become facts).
    private int Canonical(int period)
    {
        if (period < _canonical.Length && _canonical[period] != 0)
        {
            return _canonical[period] - 1;
        }

        var canonical = Period.TryParse(_names[period], out var parsed) ? Code(parsed.ToString()) : period;
        if (_canonical.Length < _names.Count)
        {
            Array.Resize(ref _canonical, Math.Max(_names.Count, _canonical.Length * 2));
        }

        _canonical[period] = canonical + 1; // 0 = not yet known
        _canonical[canonical] = canonical + 1;
        return canonical;
    }

    // Find, walking the whole chain to mark the values that give the same fact under the regime the value will have.
    private int FindForUpsert(int series, int territory, int period, int canonical, int reporter, int regime, out bool shared)
    {
        var found = None;
        shared = false;
        for (var i = _buckets[Bucket(series, territory, canonical, _buckets.Length - 1)]; i != None; i = _next[i])
        {
            if (_series[i] != series || _territory[i] != territory)
            {
                continue;
            }

            ref readonly var g = ref _groups[_group[i]];
            if (g.Canonical != canonical)
            {
                continue;
            }

            if (g.Period == period && g.Reporter == reporter)
            {
                found = i;
            }
            else if (g.Regime == regime)
            {
                shared = true;
                _meta[i] |= SharedFlag;
            }
        }

        return found;
    }

    private int Allocate()
    {
        _count++;
        if (_free != None)
        {
            var i = _free;
            _free = _next[i];
            Clear(i);
            return i;
        }

        if (_used == _meta.Length)
        {
            Resize(Math.Max(16, _meta.Length * 2));
        }

        if (_used >= _buckets.Length * MaxChainLoad)
        {
            Rehash(_buckets.Length * 2);
        }

        return _used++;
    }

    private void Resize(int size)
    {
        _series.Resize(size);
        _territory.Resize(size);
        Array.Resize(ref _mantissa, size);
        Array.Resize(ref _group, size);
        Array.Resize(ref _next, size);
        Array.Resize(ref _meta, size);
    }

    private void Clear(int i)
    {
        _series.Set(i, 0);
        _territory.Set(i, 0);
        _mantissa[i] = 0;
        _group[i] = 0;
        _next[i] = None;
        _meta[i] = 0;
    }

    private void Release(int i)
    {
        _bigNumbers.Remove(i);
        Clear(i);
        _next[i] = _free;
        _free = i;
        _count--;
    }

    // The group of (report, entry, regime, period, reporter), made when the report has none with those.
    private int GroupFor(long reportId, long sequence, int regime, int period, int canonical, int reporter)
    {
        if (_lastGroup != None)
        {
            ref readonly var last = ref _groups[_lastGroup];
            if (last.ReportId == reportId && last.Sequence == sequence && last.Regime == regime && last.Period == period && last.Reporter == reporter)
            {
                return _lastGroup;
            }
        }

        var first = _reportGroups.TryGetValue(reportId, out var head) ? head : None;
        for (var g = first; g != None; g = _groups[g].NextGroup)
        {
            ref readonly var group = ref _groups[g];
            if (group.Sequence == sequence && group.Regime == regime && group.Period == period && group.Reporter == reporter)
            {
                return _lastGroup = g;
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

        _groups[made] = new Group
        {
            ReportId = reportId, Sequence = sequence, Regime = regime, Period = period, Canonical = canonical, Reporter = reporter,
            Head = int.MaxValue, Count = 0, NextGroup = first,
        };
        _reportGroups[reportId] = made;
        return _lastGroup = made;
    }

    private void ReleaseGroup(int g)
    {
        if (g == _lastGroup)
        {
            _lastGroup = None;
        }

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
        _buckets = NewBuckets(size);
        for (var i = 0; i < _used; i++)
        {
            if ((_meta[i] & LiveFlag) != 0)
            {
                LinkCell(i);
            }
        }
    }

    private void LinkCell(int i)
    {
        ref var head = ref _buckets[BucketOf(i)];
        _next[i] = head;
        head = i;
    }

    private void UnlinkCell(int i)
    {
        ref var at = ref _buckets[BucketOf(i)];
        while (at != i)
        {
            at = ref _next[at];
        }

        at = _next[i];
    }

    private void LinkReport(int i)
    {
        ref var group = ref _groups[_group[i]];
        group.Head = Math.Min(group.Head, i);
        group.Count++;
    }

    // A value leaves its report (an upsert of a cell another report holds, which the submission path does not
    // produce in normal use): the group counts one fewer; its lowest position stays, a bound for the search.
    private void UnlinkReport(int i)
    {
        var g = _group[i];
        if (--_groups[g].Count == 0)
        {
            DropEmptyGroup(g);
        }
    }

    private void Touch(FactKey fact)
    {
        if (_tracking && !_before.ContainsKey(fact))
        {
            _before[fact] = WinnerFact(fact);
        }
    }

    // The value that gives a fact: among the numeric values behind it the one with the highest ledger sequence (then
    // the reporter code, so equal sequences — impossible from one entry, but cheap to pin — still give one answer).
    private int Winner(FactKey fact, bool stopAtUnshared = false)
    {
        var best = None;
        long bestSequence = 0;
        for (var i = _buckets[Bucket(fact.Series, fact.Territory, fact.Period, _buckets.Length - 1)]; i != None; i = _next[i])
        {
            if (_series[i] != fact.Series || _territory[i] != fact.Territory || !HasNumber(i))
            {
                continue;
            }

            ref readonly var g = ref _groups[_group[i]];
            if (g.Canonical != fact.Period || g.Regime != fact.Regime)
            {
                continue;
            }

            if (stopAtUnshared && (_meta[i] & SharedFlag) == 0)
            {
                // No other value gives this fact: it is the winner, the rest of the chain need not be read.
                return i;
            }

            var sequence = g.Sequence;
            if (best == None || sequence > bestSequence ||
                (sequence == bestSequence && string.CompareOrdinal(_names[g.Reporter], _names[_groups[_group[best]].Reporter]) > 0))
            {
                best = i;
                bestSequence = sequence;
            }
        }

        return best;
    }

    private Fact? WinnerFact(FactKey fact)
    {
        var best = Winner(fact);
        return best == None ? null : MakeFact(fact, best);
    }

    private Fact? MakeFact(FactKey fact, int i)
    {
        var series = _seriesCodes[fact.Series];
        var indicator = _names[(int)(series >> 32)];
        if (_inCatalogue.Length <= fact.Series)
        {
            Array.Resize(ref _inCatalogue, Math.Max(_seriesCodes.Count, fact.Series + 1));
        }

        // Per series, not per value: 0 not yet known, 1 the catalogue has the indicator, -1 it has not.
        ref var known = ref _inCatalogue[fact.Series];
        if (known == 0)
        {
            known = _catalogue.Indicators.ContainsKey(indicator) ? (sbyte)1 : (sbyte)-1;
        }

        if (known < 0)
        {
            return null;
        }

        if (!_periods.TryGetValue(fact.Period, out var period))
        {
            if (!Period.TryParse(_names[fact.Period], out period))
            {
                return null;
            }

            _periods[fact.Period] = period;
            _periodIds.TryAdd(period, fact.Period);
        }

        return new Fact(indicator, _names[(int)series], _names[fact.Territory], period, _names[fact.Regime], NumberOf(i), StatusOf(i), _groups[_group[i]].Sequence);
    }
}

/// <summary>
/// Codes by id, appended by one writer and read by any thread at the same time: an id a reader holds was published
/// (through the values, under the engine's lock) after its name was written, and a grown array is a full copy published
/// whole, so a reader sees the name whether it reads the old array or the new one.
/// </summary>
internal sealed class NameList
{
    private string[] _items = new string[64];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public string this[int id] => Volatile.Read(ref _items)[id];

    public void Add(string name)
    {
        var items = _items;
        if (_count == items.Length)
        {
            var grown = new string[items.Length * 2];
            items.CopyTo(grown, 0);
            Volatile.Write(ref _items, grown);
            items = grown;
        }

        items[_count] = name;
        Volatile.Write(ref _count, _count + 1);
    }
}

/// <summary>
/// A column of non-negative ids, two bytes an entry while every id fits 16 bits (at M: about 5,000 series and 20,000
/// codes), four once one does not: the column widens itself, once.
/// </summary>
internal sealed class IdColumn(int size)
{
    private ushort[]? _narrow = new ushort[size];
    private int[]? _wide;

    /// <summary>Writes the first <paramref name="length"/> entries to an image: the width, then the entries.</summary>
    public void WriteImage(ImageWriter writer, int length)
    {
        writer.Int(_wide is null ? 2 : 4);
        if (_wide is null)
        {
            writer.Array<ushort>(_narrow.AsSpan(0, length));
        }
        else
        {
            writer.Array<int>(_wide.AsSpan(0, length));
        }
    }

    /// <summary>A column read back from an image: <paramref name="length"/> entries, room for <paramref name="capacity"/>.</summary>
    public static IdColumn ReadImage(ImageReader reader, int length, int capacity)
    {
        var column = new IdColumn(0);
        switch (reader.Int())
        {
            case 2:
                column._narrow = reader.Array<ushort>(length, capacity);
                break;
            case 4:
                column._narrow = null;
                column._wide = reader.Array<int>(length, capacity);
                break;
            default:
                throw new InvalidDataException("An id column's width is neither 2 nor 4 bytes.");
        }

        return column;
    }

    public int this[int i] => _wide is null ? _narrow![i] : _wide[i];

    public void Set(int i, int value)
    {
        if (_wide is null)
        {
            if ((uint)value <= ushort.MaxValue)
            {
                _narrow![i] = (ushort)value;
                return;
            }

            _wide = new int[_narrow!.Length];
            for (var j = 0; j < _wide.Length; j++)
            {
                _wide[j] = _narrow[j];
            }

            _narrow = null;
        }

        _wide[i] = value;
    }

    public void Resize(int length)
    {
        if (_wide is null)
        {
            Array.Resize(ref _narrow, length);
        }
        else
        {
            Array.Resize(ref _wide, length);
        }
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
