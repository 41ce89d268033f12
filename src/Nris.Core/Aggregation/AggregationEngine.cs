using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Core.Validation;

namespace Nris.Core.Aggregation;

/// <summary>
/// The aggregate cube of issue #5: current facts aggregated up the administrative hierarchy valid for each period,
/// per source, and over time, disaggregations, derived formulas, growth and boundary changes on query.
/// Built once from the current values (<see cref="Build(CatalogueSnapshot, IEnumerable{Fact}, AggregationOptions?)"/>) and then kept current by <see cref="Apply(FactDelta)"/> as each
/// ledger entry is applied; the incremental result is always the same as a rebuild.
/// </summary>
/// <remarks>
/// <para><b>Semantics.</b> A period's hierarchy is the one in force on its last day; a fact whose territory does not
/// exist on that day is kept (for provenance) but not placed in any aggregate (<see cref="UnplacedFacts"/>). The value
/// of (series, territory, period) is the territory's own reported value when it has one, otherwise the indicator's
/// territory rule applied to its children's values, in code order (sum, average, weighted average by the weight
/// indicator's total at the same child, period and source, min, max; none is never aggregated). When neither exists at
/// that period, coarser periods are derived from the coarsest finer periodicity the series has data in (weeks
/// aggregate only to themselves) by the time rule, flagged <see cref="AggregateFlags.Partial"/> when a child period
/// lacks a value. Derived indicators are evaluated from the aggregated cells of their operands.</para>
/// <para><b>Completeness.</b> A series' reporting level is the deepest level at which it has a placed fact.
/// Expected = the units at that level under the territory; reported = those covered by a reported value (a unit's
/// own value covers everything under it).</para>
/// <para><b>Storage.</b> Facts live in one compact hash table (<see cref="FactTable"/>, ~24–43 bytes a fact).
/// Territory aggregates are materialized per (series, period) for every territory above a fact; time, as-now,
/// derived formulas and growth are computed on query from them. A change recomputes the aggregates on the path from
/// the fact's territory to the nation from their children, so min/max, averages and weighted averages need no
/// inverse, and incremental and rebuilt results are bit for bit the same.</para>
/// <para><b>Threads.</b> One writer (the projection) and many readers: writes take a write lock, queries a read lock,
/// so a reader never sees a half-applied delta.</para>
/// </remarks>
public sealed partial class AggregationEngine : IDisposable
{
    private const int MaxSeries = (1 << 23) - 1;
    private const int MaxPeriods = (1 << 20) - 1;
    private const int MaxCodes = (1 << 20) - 1;
    private const int LevelCount = 4;

    private readonly CatalogueSnapshot _catalogue;
    private readonly TerritoryIndex _territories;
    private readonly ReaderWriterLockSlim _lock;
    private readonly bool _ownsLock;

    // Either the engine's own copy of the facts (built from a stream of facts) or the store it reads them from (the
    // follower's current values), never both. Over a store the engine keeps the store's handle of each series, period
    // and territory it interned, so a lookup is integers only.
    private FactTable? _facts;
    private readonly FactStore? _store;
    private readonly List<long> _seriesHandles = [];
    private readonly List<int> _periodHandles = [];
    private readonly List<int> _codeHandles = [];
    private int _storeFactCount;
    private int _aggregateCount;

    private readonly Dictionary<string, int> _indicatorIds = new(StringComparer.Ordinal);
    private readonly List<IndicatorInfo> _indicators = [];
    private readonly Interner<string> _disaggregations = new(StringComparer.Ordinal);
    private readonly Interner<string> _sources = new(StringComparer.Ordinal);
    private readonly Interner<string> _codes = new(StringComparer.Ordinal);
    private readonly Interner<Period> _periods = new(EqualityComparer<Period>.Default);
    private readonly Dictionary<(int Indicator, int Disaggregation, int Source), int> _seriesIds = [];
    private readonly List<SeriesState> _series = [];
    private readonly int _totalId;
    private readonly int _apportionIndicator;

    // The hierarchy changes only on a few dates; between two of them ("an epoch") children and ancestors are fixed,
    // so they are cached per (code, epoch) rather than per date.
    private readonly DateOnly[] _changeDates;
    private readonly ConcurrentDictionary<long, int[]> _children = new();
    private readonly ConcurrentDictionary<long, int[]> _ancestors = new();
    private readonly ConcurrentDictionary<long, int> _levels = new();
    private readonly ConcurrentDictionary<long, int> _expected = new();

    private AggregationEngine(CatalogueSnapshot catalogue, AggregationOptions options, FactStore? store = null)
    {
        _store = store;
        _ownsLock = store is null;
        _lock = store?.Gate ?? new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        _facts = store is null ? new FactTable() : null;
        _catalogue = catalogue;
        _territories = catalogue.Territories;
        ArgumentOutOfRangeException.ThrowIfNegative(options.BuildThreads, nameof(options));
        Options = options;
        _totalId = _disaggregations.Intern(Disaggregations.Total);
        foreach (var t in _territories.All)
        {
            InternCode(t.Code);
        }

        var dates = new SortedSet<DateOnly>();
        foreach (var t in _territories.All)
        {
            if (t.Validity.From is { } from)
            {
                dates.Add(from);
            }

            if (t.Validity.To is { } to && to < DateOnly.MaxValue)
            {
                dates.Add(to.AddDays(1));
            }
        }

        _changeDates = [.. dates];
        CurrentDate = _changeDates.Length > 0 ? _changeDates[^1] : DateOnly.MinValue;

        foreach (var indicator in catalogue.Content.Indicators.OrderBy(i => i.Code, StringComparer.Ordinal))
        {
            _indicatorIds[indicator.Code] = _indicators.Count;
            RuleExpression? formula = null;
            if (indicator.IsDerived && RuleExpression.TryParse(indicator.Formula!, out var parsed, out _) && !parsed!.IsCondition)
            {
                formula = parsed;
            }

            _indicators.Add(new IndicatorInfo(_indicators.Count, indicator, formula));
        }

        foreach (var info in _indicators)
        {
            if (info.Indicator.TerritoryAggregation == TerritoryAggregation.WeightedAverage &&
                info.Indicator.WeightIndicatorCode is { } weight && _indicatorIds.TryGetValue(weight, out var w) && w != info.Id)
            {
                info.Weight = w;
                _indicators[w].Dependents.Add(info.Id);
            }
        }

        // Weights are computed before what they weigh: depth = length of the weight chain (cycles cut at the count).
        foreach (var info in _indicators)
        {
            var depth = 0;
            for (var w = info.Weight; w >= 0 && depth <= _indicators.Count; w = _indicators[w].Weight)
            {
                depth++;
            }

            info.Depth = depth;
        }

        _apportionIndicator = _indicatorIds.TryGetValue(options.ApportionIndicatorCode, out var a) ? a : -1;
    }

    /// <summary>The options the engine was built with.</summary>
    public AggregationOptions Options { get; }

    /// <summary>The catalogue the engine aggregates by.</summary>
    public CatalogueSnapshot Catalogue => _catalogue;

    /// <summary>The first day of the latest administrative map: the default date of as-now answers.</summary>
    public DateOnly CurrentDate { get; }

    /// <summary>How many current facts are stored.</summary>
    public int FactCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _facts?.Count ?? _storeFactCount;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>How many stored facts name a territory that does not exist on their period's last day, so are in no aggregate.</summary>
    public int UnplacedFacts { get; private set; }

    /// <summary>How many territory aggregates are materialized.</summary>
    public int AggregateCount => _aggregateCount;

    /// <summary>
    /// Every materialized territory aggregate, described one per line in a fixed order (series, period, territory):
    /// for tests that hold two builds (one thread, several) to exactly the same state.
    /// </summary>
    internal IReadOnlyList<string> DescribeAggregates()
    {
        _lock.EnterReadLock();
        try
        {
            var lines = new List<string>(_aggregateCount);
            foreach (var series in _series)
            {
                var name = $"{_indicators[series.Indicator].Indicator.Code}|{_disaggregations[series.Disaggregation]}|{_sources[series.Source]}";
                foreach (var group in series.Groups.Values)
                {
                    foreach (var code in group.Nodes.CopyKeys())
                    {
                        group.Nodes.TryGetValue(code, out var node);
                        lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"{name}|{group.Period}|{_codes[code]}|{(node.HasValue ? node.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}|{node.Reported}|{node.Flags}|{node.Any}"));
                    }
                }
            }

            lines.Sort(StringComparer.Ordinal);
            return lines;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Builds the engine from scratch over <paramref name="facts"/> (a rebuild). When two facts share a cell
    /// key, the one with the higher ledger sequence is kept.</summary>
    /// <exception cref="ArgumentException">A fact names an indicator the catalogue lacks.</exception>
    public static AggregationEngine Build(CatalogueSnapshot catalogue, IEnumerable<Fact> facts, AggregationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(facts);
        var engine = new AggregationEngine(catalogue, options ?? new AggregationOptions());
        if (facts.TryGetNonEnumeratedCount(out var count))
        {
            engine._facts = new FactTable(FactTable.CapacityFor(count));
        }

        engine.BuildCore(facts);
        return engine;
    }

    /// <summary>
    /// As <see cref="Build(CatalogueSnapshot, IEnumerable{Fact}, AggregationOptions?)"/> for a stream of facts whose
    /// count is known only roughly: the fact table is sized once for <paramref name="expectedFacts"/> instead of
    /// growing by half as the facts come (which leaves up to a third of it empty; 10 million facts, about 8 bytes a fact).
    /// </summary>
    public static AggregationEngine Build(CatalogueSnapshot catalogue, IEnumerable<Fact> facts, int expectedFacts, AggregationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedFacts);
        var engine = new AggregationEngine(catalogue, options ?? new AggregationOptions());
        engine._facts = new FactTable(FactTable.CapacityFor(expectedFacts));
        engine.BuildCore(facts);
        return engine;
    }

    /// <summary>
    /// Builds the engine over <paramref name="store"/> without copying its facts: <paramref name="facts"/> lists every
    /// fact of the store once (each cell's winning value), and the engine keeps only the aggregates it makes from them,
    /// reading each fact from the store when it needs it. Change the store only through <see cref="Update"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A fact names an indicator the catalogue lacks.</exception>
    public static AggregationEngine Build(CatalogueSnapshot catalogue, FactStore store, IEnumerable<Fact> facts, AggregationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(facts);
        var engine = new AggregationEngine(catalogue, options ?? new AggregationOptions(), store);
        engine.BuildCore(facts);
        return engine;
    }

    /// <summary>
    /// Changes the store and the aggregates as one step under the store's write lock: <paramref name="change"/> changes
    /// the store and returns the facts it changed (each cell's winning value before and after); readers see all of it
    /// or none. Only for an engine built over a <see cref="FactStore"/>.
    /// </summary>
    public void Update(Func<IReadOnlyList<FactDelta>> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (_store is null)
        {
            throw new InvalidOperationException("Update is for an engine built over a fact store; use Apply.");
        }

        _lock.EnterWriteLock();
        try
        {
            foreach (var delta in change())
            {
                ApplyCore(delta);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Applies one change (add, remove or revise) and updates every aggregate it touches.</summary>
    /// <exception cref="ArgumentException">A fact names an indicator the catalogue lacks.</exception>
    public void Apply(FactDelta delta)
    {
        ThrowIfOverStore();
        _lock.EnterWriteLock();
        try
        {
            ApplyCore(delta);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Applies several changes as one step: readers see all of them or none.</summary>
    public void Apply(IEnumerable<FactDelta> deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ThrowIfOverStore();
        _lock.EnterWriteLock();
        try
        {
            foreach (var delta in deltas)
            {
                ApplyCore(delta);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A store's lock is shared by every engine over the store (an old one may still answer a query).
        if (_ownsLock)
        {
            _lock.Dispose();
        }
    }

    // Over a store, a delta describes a change the store has already made; applied alone it would not be one.
    private void ThrowIfOverStore()
    {
        if (_store is not null)
        {
            throw new InvalidOperationException("An engine over a fact store is changed through Update, with the store.");
        }
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    // A build in two stages. First, on the calling thread, every fact is interned and counted in its series and group
    // (the store's handles are made there: the store is written by one thread only), and each group keeps the
    // territories of its placed facts. Then every territory above a fact is computed once per group, deepest level
    // first. A group's aggregates read only its own facts and nodes, and — for a weighted average — the weight
    // series' finished groups, so the groups are computed on several threads, weights before what they weigh (one
    // wave per weight depth), each group by one thread and in the same order as on one thread: the result is the
    // same for any number of threads. Incremental updates (ApplyCore) do not use any of this.
    private void BuildCore(IEnumerable<Fact> facts)
    {
        var work = new List<(SeriesState Series, Group Group)>();
        var lookups = new BuildLookups();
        var carried = true;
        foreach (var fact in facts)
        {
            var series = lookups.Series(this, fact);
            var periodId = lookups.Period(this, fact.Period);
            var code = lookups.Code(this, fact.TerritoryCode);
            if (_facts is null)
            {
                // Over a store every fact is listed once, and the store holds it.
                _storeFactCount++;
            }
            else
            {
                var key = Key(series.Id, periodId, code);
                if (_facts.TryGet(key, out _, out _, out var existing))
                {
                    // Two facts of one cell: the value carried with the first would be stale, so this build reads
                    // every fact from the table instead.
                    carried = false;
                    if (existing > fact.LedgerSequence)
                    {
                        continue;
                    }
                }

                if (_facts.Set(key, fact.Value, fact.Status, fact.LedgerSequence))
                {
                    continue;
                }
            }

            var group = CountForBuild(series, periodId, fact.Period, code, lookups);
            if (group is not null)
            {
                if (group.BuildCodes is null)
                {
                    group.BuildCodes = [];
                    group.BuildValues = [];
                    work.Add((series, group));
                }

                group.BuildCodes.Add(code);
                group.BuildValues!.Add(BuildFacts.Pack(fact.Value, fact.Status));
            }
        }

        // Weights first, then by series and period (the order of a build on one thread).
        work.Sort((a, b) =>
        {
            var c = _indicators[a.Series.Indicator].Depth.CompareTo(_indicators[b.Series.Indicator].Depth);
            c = c != 0 ? c : a.Series.Id.CompareTo(b.Series.Id);
            return c != 0 ? c : a.Group.PeriodId.CompareTo(b.Group.PeriodId);
        });

        var threads = Options.EffectiveBuildThreads;
        var levels = lookups.CompleteLevels(this, work);
        for (var from = 0; from < work.Count;)
        {
            // One wave: the groups of one weight depth. A depth past the indicator count is a weight cycle, whose
            // members read each other: that wave runs on one thread, in order.
            var depth = _indicators[work[from].Series.Indicator].Depth;
            var to = from + 1;
            while (to < work.Count && _indicators[work[to].Series.Indicator].Depth == depth)
            {
                to++;
            }

            var parallel = threads > 1 && depth <= _indicators.Count && to - from > 1;
            ComputeWave(work, from, to, parallel ? threads : 1, carried, levels);
            from = to;
        }

        foreach (var (_, group) in work)
        {
            group.BuildCodes = null;
            group.BuildValues = null;
        }
    }

    private void ComputeWave(List<(SeriesState Series, Group Group)> work, int from, int to, int threads, bool carried, sbyte[][] levels)
    {
        if (threads <= 1)
        {
            var scratch = new BuildFacts(_codes.Count, carried, levels);
            var made = 0;
            for (var i = from; i < to; i++)
            {
                made += ComputeGroup(work[i].Series, work[i].Group, scratch);
            }

            _aggregateCount += made;
            return;
        }

        // The largest groups first, so the threads end together; a group is taken whole by whichever thread is free.
        var order = new int[to - from];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = from + i;
        }

        Array.Sort(order, (a, b) => work[b].Group.BuildCodes!.Count.CompareTo(work[a].Group.BuildCodes!.Count) is var c && c != 0 ? c : a.CompareTo(b));
        var next = -1;
        var total = 0;
        ExceptionDispatchInfo? failure = null;
        void Worker()
        {
            try
            {
                var scratch = new BuildFacts(_codes.Count, carried, levels);
                var made = 0;
                for (var i = Interlocked.Increment(ref next); i < order.Length && Volatile.Read(ref failure) is null; i = Interlocked.Increment(ref next))
                {
                    made += ComputeGroup(work[order[i]].Series, work[order[i]].Group, scratch);
                }

                Interlocked.Add(ref total, made);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }

        var helpers = new Thread[Math.Min(threads, order.Length) - 1];
        for (var t = 0; t < helpers.Length; t++)
        {
            helpers[t] = new Thread(Worker) { IsBackground = true, Name = "Nris aggregation build" };
            helpers[t].Start();
        }

        Worker();
        foreach (var helper in helpers)
        {
            helper.Join();
        }

        failure?.Throw();
        _aggregateCount += total;
    }

    /// <summary>Computes every node above the group's facts, deepest level first; returns how many it made.</summary>
    private int ComputeGroup(SeriesState series, Group group, BuildFacts build)
    {
        if (_indicators[series.Indicator].Indicator.TerritoryAggregation == TerritoryAggregation.None)
        {
            return 0;
        }

        // Only the units above a fact: a unit with a fact of its own but no fact under it has no aggregate.
        var nodes = build.Nodes;
        nodes.Clear();
        int[]? last = null;
        foreach (var code in group.BuildCodes!)
        {
            var ancestors = Ancestors(code, group.Epoch, group.Date);
            if (last is not null && ancestors.AsSpan().SequenceEqual(last))
            {
                continue; // a sibling of the previous fact: the same units above it
            }

            last = ancestors;
            foreach (var a in ancestors)
            {
                nodes.Add(a);
            }
        }

        if (nodes.Count == 0)
        {
            return 0;
        }

        var ordered = new int[nodes.Count];
        nodes.CopyTo(ordered);
        var levels = new int[ordered.Length];
        for (var i = 0; i < ordered.Length; i++)
        {
            levels[i] = -Level(ordered[i], group.Epoch, group.Date);
        }

        Array.Sort(levels, ordered);
        build.Enter(group);
        try
        {
            var made = 0;
            foreach (var code in ordered)
            {
                var children = Children(code, group.Epoch, group.Date);
                var node = children.Length == 0 ? default : Combine(series, group, children, build);
                if (node.Any)
                {
                    // Each node once per group, and the group is new: always an addition.
                    group.Nodes.Set(code, node);
                    made++;
                }
            }

            return made;
        }
        finally
        {
            build.Leave(group);
        }
    }

    /// <summary>
    /// One build thread's view of the group it computes: the group's facts as they came in (their values carried
    /// with them, so a child's fact is an array read instead of a lookup in the store's hash chains), the units to
    /// compute, and the level of every unit in every epoch (read only, made before the threads start).
    /// </summary>
    private sealed class BuildFacts
    {
        // A packed value: the decimal's integer (up to 54 bits) shifted left by 9, its scale (5 bits) and the status (4).
        private const long NotPacked = long.MinValue;
        private const long MaxPacked = (1L << 54) - 1;
        private readonly int[] _slot;
        private readonly bool _carried;
        private readonly sbyte[][] _levels;
        private List<long>? _values;

        public BuildFacts(int codes, bool carried, sbyte[][] levels)
        {
            _carried = carried;
            _levels = levels;
            _slot = carried ? new int[codes] : [];
            Array.Fill(_slot, -1);
        }

        public HashSet<int> Nodes { get; } = [];

        public static long Pack(decimal value, ObservationStatus status)
        {
            Span<int> bits = stackalloc int[4];
            decimal.GetBits(value, bits);
            var magnitude = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
            var negative = bits[3] < 0;
            if (bits[2] != 0 || magnitude > MaxPacked || (negative && magnitude == 0) || (uint)status > 0xF)
            {
                return NotPacked; // read from the store (a negative zero keeps its sign there)
            }

            var scale = (bits[3] >> 16) & 0xFF;
            var m = negative ? -(long)magnitude : (long)magnitude;
            return (m << 9) | ((long)scale << 4) | (long)status;
        }

        public void Enter(Group group)
        {
            if (!_carried)
            {
                return;
            }

            _values = group.BuildValues;
            var codes = group.BuildCodes!;
            for (var i = 0; i < codes.Count; i++)
            {
                _slot[codes[i]] = i;
            }
        }

        public void Leave(Group group)
        {
            if (!_carried)
            {
                return;
            }

            foreach (var code in group.BuildCodes!)
            {
                _slot[code] = -1;
            }

            _values = null;
        }

        /// <summary>The unit's level in the epoch (-1 when it does not exist then).</summary>
        public int Level(int code, int epoch) => _levels[epoch][code];

        /// <summary>
        /// The group's fact of <paramref name="code"/> when the build carries it: true with <paramref name="found"/>
        /// saying whether there is one; false when the store must be asked (values not carried, or not packed).
        /// </summary>
        public bool TryFact(int code, out bool found, out decimal value, out ObservationStatus status)
        {
            value = 0m;
            status = ObservationStatus.Normal;
            found = false;
            if (!_carried)
            {
                return false;
            }

            var i = _slot[code];
            if (i < 0)
            {
                return true;
            }

            var packed = _values![i];
            if (packed == NotPacked)
            {
                return false;
            }

            found = true;
            status = (ObservationStatus)(packed & 0xF);
            var m = packed >> 9;
            var magnitude = m < 0 ? (ulong)(-m) : (ulong)m;
            value = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, m < 0, (byte)((packed >> 4) & 0x1F));
            return true;
        }
    }

    /// <summary><see cref="Count"/> for a build, with the level looked up in the build's own table.</summary>
    private Group? CountForBuild(SeriesState series, int periodId, Period period, int code, BuildLookups lookups)
    {
        var date = period.End;
        var epoch = Epoch(date);
        var level = lookups.Level(this, code, epoch, date);
        if (level < 0)
        {
            UnplacedFacts++;
            return null;
        }

        series.LevelCounts[level]++;
        series.PeriodicityCounts[(int)period.Periodicity]++;
        if (!series.Groups.TryGetValue(periodId, out var group))
        {
            series.Groups.Add(periodId, group = new Group(periodId, period, date, epoch));
        }

        group.FactCount++;
        return group;
    }

    /// <summary>
    /// A build's shortcuts from a fact's strings to the engine's ids: a fact store lists its facts with the same string
    /// instances over and over (a report's values share the period and source), so they are looked up by reference
    /// first and only then by value; and the level of a unit in an epoch is kept in an array.
    /// </summary>
    private sealed class BuildLookups
    {
        private readonly Dictionary<SeriesRefs, SeriesState> _series = new();
        private readonly Dictionary<string, int> _codes = new(ReferenceEqualityComparer.Instance);
        private readonly List<sbyte[]> _levels = [];
        private Period _lastPeriod;
        private int _lastPeriodId = -1;

        public SeriesState Series(AggregationEngine engine, Fact fact)
        {
            var refs = new SeriesRefs(fact.IndicatorCode, fact.Disaggregation, fact.SourceCode);
            if (!_series.TryGetValue(refs, out var series))
            {
                series = engine.InternSeries(fact);
                _series.Add(refs, series);
            }

            return series;
        }

        public int Period(AggregationEngine engine, Period period)
        {
            if (_lastPeriodId < 0 || period != _lastPeriod)
            {
                _lastPeriodId = engine.InternPeriod(period);
                _lastPeriod = period;
            }

            return _lastPeriodId;
        }

        public int Code(AggregationEngine engine, string code)
        {
            if (code is null || !_codes.TryGetValue(code, out var id))
            {
                id = engine.InternCode(code!);
                _codes.Add(code!, id);
            }

            return id;
        }

        /// <summary>The level of every unit in every epoch of <paramref name="work"/>'s groups, for the build threads to read.</summary>
        public sbyte[][] CompleteLevels(AggregationEngine engine, List<(SeriesState Series, Group Group)> work)
        {
            var dates = new Dictionary<int, DateOnly>();
            foreach (var (_, group) in work)
            {
                dates.TryAdd(group.Epoch, group.Date);
            }

            var result = new sbyte[engine._changeDates.Length + 1][];
            for (var epoch = 0; epoch < result.Length; epoch++)
            {
                result[epoch] = [];
                if (!dates.TryGetValue(epoch, out var date))
                {
                    continue;
                }

                // Not through the engine's level cache: that would keep an entry for every unit of every epoch.
                var levels = new sbyte[engine._codes.Count];
                var known = epoch < _levels.Count ? _levels[epoch] : [];
                for (var code = 0; code < levels.Length; code++)
                {
                    levels[code] = code < known.Length && known[code] != -2
                        ? known[code]
                        : (sbyte)(engine._territories.Find(engine._codes[code], date) is { } t ? (int)t.Level : -1);
                }

                result[epoch] = levels;
            }

            return result;
        }

        public int Level(AggregationEngine engine, int code, int epoch, DateOnly date)
        {
            while (_levels.Count <= epoch)
            {
                _levels.Add([]);
            }

            var levels = _levels[epoch];
            if (code >= levels.Length)
            {
                var grown = new sbyte[Math.Max(code + 1, engine._codes.Count)];
                Array.Fill(grown, (sbyte)-2);
                levels.CopyTo(grown, 0);
                _levels[epoch] = levels = grown;
            }

            if (levels[code] == -2)
            {
                // Every fact of an epoch is placed on the same map, whatever its date, so the level is the epoch's.
                levels[code] = (sbyte)engine.Level(code, epoch, date);
            }

            return levels[code];
        }
    }

    /// <summary>A series' three strings, compared by reference (the same instances repeat in a store's facts).</summary>
    private readonly struct SeriesRefs(string indicator, string disaggregation, string source) : IEquatable<SeriesRefs>
    {
        private readonly string _indicator = indicator;
        private readonly string _disaggregation = disaggregation;
        private readonly string _source = source;

        public bool Equals(SeriesRefs other) =>
            ReferenceEquals(_indicator, other._indicator) && ReferenceEquals(_disaggregation, other._disaggregation) && ReferenceEquals(_source, other._source);

        public override bool Equals(object? obj) => obj is SeriesRefs other && Equals(other);

        public override int GetHashCode() =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(_indicator), RuntimeHelpers.GetHashCode(_disaggregation), RuntimeHelpers.GetHashCode(_source));
    }

    private void ApplyCore(FactDelta delta)
    {
        var replaced = delta.Old is { } o && delta.New is { } m && SameKey(o, m);
        if (delta.Old is { } old && !replaced)
        {
            Remove(old);
        }

        if (delta.New is { } @new)
        {
            Upsert(@new, replaced);
        }
    }

    private static bool SameKey(Fact a, Fact b) =>
        a.IndicatorCode == b.IndicatorCode && a.Disaggregation == b.Disaggregation && a.TerritoryCode == b.TerritoryCode &&
        a.Period == b.Period && a.SourceCode == b.SourceCode;

    private void Upsert(Fact fact, bool replaced)
    {
        var series = InternSeries(fact);
        var periodId = InternPeriod(fact.Period);
        var code = InternCode(fact.TerritoryCode);
        bool existed;
        if (_facts is not null)
        {
            existed = _facts.Set(Key(series.Id, periodId, code), fact.Value, fact.Status, fact.LedgerSequence);
        }
        else
        {
            // The store already holds the new fact; the delta says whether the cell had one before.
            existed = replaced;
            _storeFactCount += existed ? 0 : 1;
        }

        var level = series.ReportingLevel;
        var group = existed ? Placed(series, periodId, fact.Period, code) : Count(series, periodId, fact.Period, code, +1);
        if (group is not null)
        {
            Changed(series, group, code, level);
        }
    }

    private void Remove(Fact fact)
    {
        if (!_indicatorIds.TryGetValue(fact.IndicatorCode, out var indicator) ||
            !_disaggregations.TryGet(fact.Disaggregation, out var disaggregation) ||
            !_sources.TryGet(fact.SourceCode, out var source) ||
            !_seriesIds.TryGetValue((indicator, disaggregation, source), out var seriesId) ||
            !_periods.TryGet(fact.Period, out var periodId) ||
            !_codes.TryGet(fact.TerritoryCode, out var code) ||
            (_facts is not null && !_facts.Remove(Key(seriesId, periodId, code))))
        {
            return;
        }

        if (_facts is null)
        {
            _storeFactCount--;
        }

        var series = _series[seriesId];
        var level = series.ReportingLevel;
        var group = Count(series, periodId, fact.Period, code, -1);
        if (group is not null)
        {
            Changed(series, group, code, level);
            if (group.FactCount == 0 && group.Nodes.Count == 0)
            {
                series.Groups.Remove(periodId);
            }
        }
    }

    private void Changed(SeriesState series, Group group, int code, int previousLevel)
    {
        RecomputePath(series, group, code);
        if (series.ReportingLevel != previousLevel)
        {
            // The reporting level decides how many reporters each unit stands for, so every aggregate of the series
            // changes its counts (values stay). Rare: it happens when a series first gets a deeper level.
            foreach (var g in series.Groups.Values)
            {
                RecomputeGroup(series, g);
            }
        }

        RecomputeDependents(series, group.PeriodId, code, 0);
    }

    private void RecomputeDependents(SeriesState weight, int periodId, int code, int depth)
    {
        if (weight.Disaggregation != _totalId || depth > _indicators.Count)
        {
            return;
        }

        foreach (var dependent in _indicators[weight.Indicator].Dependents)
        {
            foreach (var seriesId in _indicators[dependent].SeriesIds)
            {
                var series = _series[seriesId];
                if (series.Source == weight.Source && series.Groups.TryGetValue(periodId, out var group))
                {
                    RecomputePath(series, group, code);
                    RecomputeDependents(series, periodId, code, depth + 1);
                }
            }
        }
    }

    private void RecomputePath(SeriesState series, Group group, int code)
    {
        if (_indicators[series.Indicator].Indicator.TerritoryAggregation == TerritoryAggregation.None)
        {
            return;
        }

        RecomputeNode(series, group, code);
        foreach (var a in Ancestors(code, group.Epoch, group.Date))
        {
            RecomputeNode(series, group, a);
        }
    }

    private void RecomputeGroup(SeriesState series, Group group)
    {
        if (group.Nodes.Count == 0)
        {
            return;
        }

        var ordered = group.Nodes.CopyKeys();
        var levels = Array.ConvertAll(ordered, c => -Level(c, group.Epoch, group.Date));
        Array.Sort(levels, ordered);
        foreach (var code in ordered)
        {
            RecomputeNode(series, group, code);
        }
    }

    private void RecomputeNode(SeriesState series, Group group, int code)
    {
        var children = Children(code, group.Epoch, group.Date);
        var node = children.Length == 0 ? default : Combine(series, group, children);
        if (node.Any)
        {
            if (!group.Nodes.ContainsKey(code))
            {
                _aggregateCount++;
            }

            group.Nodes.Set(code, node);
        }
        else if (group.Nodes.Remove(code))
        {
            _aggregateCount--;
        }
    }

    // The territory rule over the children's effective values, in code order. Pure in the children's state, which is
    // what makes incremental updates equal to a rebuild.
    private Node Combine(SeriesState series, Group group, int[] children, BuildFacts? build = null)
    {
        var rule = _indicators[series.Indicator].Indicator.TerritoryAggregation;
        var weightSeries = rule == TerritoryAggregation.WeightedAverage ? WeightSeries(series) : null;
        Group? weightGroup = null;
        weightSeries?.Groups.TryGetValue(group.PeriodId, out weightGroup);
        var reportingLevel = series.ReportingLevel;

        decimal sum = 0m, weights = 0m, extreme = 0m;
        var count = 0;
        var reported = 0;
        var flags = AggregateFlags.None;
        var any = false;
        var overflowed = false;
        foreach (var child in children)
        {
            if (!Effective(series, group, child, reportingLevel, out var value, out var hasValue, out var childReported, out var childFlags, build))
            {
                continue;
            }

            any = true;
            reported += childReported;
            flags |= childFlags;
            if (!hasValue)
            {
                continue;
            }

            switch (rule)
            {
                case TerritoryAggregation.Sum:
                case TerritoryAggregation.Average:
                    sum += value;
                    count++;
                    break;
                case TerritoryAggregation.WeightedAverage:
                    if (weightGroup is not null &&
                        Effective(weightSeries!, weightGroup, child, weightSeries!.ReportingLevel, out var w, out var hasWeight, out _, out _) && hasWeight)
                    {
                        // Accepted values are at most 10^18 each, but a value times its weight can still pass
                        // decimal's range: such an average is left unknown and approximate rather than failing the build.
                        try
                        {
                            sum += value * w;
                            weights += w;
                            count++;
                        }
                        catch (OverflowException)
                        {
                            overflowed = true;
                        }
                    }
                    else
                    {
                        flags |= AggregateFlags.Approximate;
                    }

                    break;
                case TerritoryAggregation.Min:
                    extreme = count == 0 || value < extreme ? value : extreme;
                    count++;
                    break;
                case TerritoryAggregation.Max:
                    extreme = count == 0 || value > extreme ? value : extreme;
                    count++;
                    break;
            }
        }

        decimal? result = rule switch
        {
            _ when count == 0 || overflowed => null,
            TerritoryAggregation.Sum => sum,
            TerritoryAggregation.Average => sum / count,
            TerritoryAggregation.WeightedAverage => weights == 0m ? null : sum / weights,
            TerritoryAggregation.Min or TerritoryAggregation.Max => extreme,
            _ => null,
        };
        if (overflowed)
        {
            flags |= AggregateFlags.Approximate;
        }

        return new Node(result ?? 0m, reported, flags, result.HasValue, any);
    }

    /// <summary>A territory's own fact if it has one, else its aggregate; false when neither exists.</summary>
    private bool Effective(SeriesState series, Group group, int code, int reportingLevel, out decimal value, out bool hasValue, out int reported, out AggregateFlags flags, BuildFacts? build = null)
    {
        // In a build, the group's own facts come with the build (the weight series' do not: build is null for them).
        ObservationStatus status;
        bool found;
        if (build is null || !build.TryFact(code, out found, out value, out status))
        {
            found = TryGetFact(series.Id, group.PeriodId, code, out value, out status, out _);
        }

        if (found)
        {
            hasValue = true;
            reported = build is not null && build.Level(code, group.Epoch) >= reportingLevel && reportingLevel >= 0
                ? 1
                : Expected(code, reportingLevel, group.Epoch, group.Date);
            flags = StatusFlags(status);
            return true;
        }

        if (group.Nodes.TryGetValue(code, out var node))
        {
            value = node.Value;
            hasValue = node.HasValue;
            reported = node.Reported;
            flags = node.Flags;
            return true;
        }

        hasValue = false;
        reported = 0;
        flags = AggregateFlags.None;
        return false;
    }

    private static AggregateFlags StatusFlags(ObservationStatus status) => status switch
    {
        ObservationStatus.Provisional => AggregateFlags.Provisional,
        ObservationStatus.Estimated => AggregateFlags.Estimated,
        _ => AggregateFlags.None,
    };

    private SeriesState? WeightSeries(SeriesState series)
    {
        var weight = _indicators[series.Indicator].Weight;
        return weight >= 0 && _seriesIds.TryGetValue((weight, _totalId, series.Source), out var id) ? _series[id] : null;
    }

    /// <summary>Counts a fact in its series and group; returns the group when the fact is placed.</summary>
    private Group? Count(SeriesState series, int periodId, Period period, int code, int delta)
    {
        var date = period.End;
        var epoch = Epoch(date);
        var level = Level(code, epoch, date);
        if (level < 0)
        {
            UnplacedFacts += delta;
            return null;
        }

        series.LevelCounts[level] += delta;
        series.PeriodicityCounts[(int)period.Periodicity] += delta;
        if (!series.Groups.TryGetValue(periodId, out var group))
        {
            series.Groups.Add(periodId, group = new Group(periodId, period, date, epoch));
        }

        group.FactCount += delta;
        return group;
    }

    private Group? Placed(SeriesState series, int periodId, Period period, int code)
    {
        var date = period.End;
        return Level(code, Epoch(date), date) < 0 ? null : series.Groups[periodId];
    }

    private SeriesState InternSeries(Fact fact)
    {
        if (!_indicatorIds.TryGetValue(fact.IndicatorCode ?? string.Empty, out var indicator))
        {
            throw new ArgumentException($"Fact for unknown indicator '{fact.IndicatorCode}'.", nameof(fact));
        }

        ArgumentException.ThrowIfNullOrEmpty(fact.Disaggregation);
        ArgumentException.ThrowIfNullOrEmpty(fact.SourceCode);
        var key = (indicator, _disaggregations.Intern(fact.Disaggregation), _sources.Intern(fact.SourceCode));
        if (_seriesIds.TryGetValue(key, out var id))
        {
            return _series[id];
        }

        if (_series.Count >= MaxSeries)
        {
            throw new InvalidOperationException("Too many series for the packed fact key.");
        }

        var series = new SeriesState(_series.Count, key.indicator, key.Item2, key.Item3);
        if (_store is not null)
        {
            _seriesHandles.Add(_store.SeriesHandle(fact.IndicatorCode!, fact.Disaggregation, fact.SourceCode));
        }

        _series.Add(series);
        _seriesIds.Add(key, series.Id);
        _indicators[indicator].SeriesIds.Add(series.Id);
        return series;
    }

    private int InternPeriod(Period period)
    {
        var id = _periods.Intern(period);
        if (_store is not null && id == _periodHandles.Count)
        {
            _periodHandles.Add(_store.PeriodHandle(period));
        }

        return id <= MaxPeriods ? id : throw new InvalidOperationException("Too many periods for the packed fact key.");
    }

    private int InternCode(string code)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var id = _codes.Intern(code);
        if (_store is not null && id == _codeHandles.Count)
        {
            _codeHandles.Add(_store.TerritoryHandle(code));
        }

        return id <= MaxCodes ? id : throw new InvalidOperationException("Too many territory codes for the packed fact key.");
    }

    /// <summary>The fact of (series, period, territory): from the engine's own table or from the store.</summary>
    private bool TryGetFact(int series, int periodId, int code, out decimal value, out ObservationStatus status, out long sequence)
    {
        if (_facts is not null)
        {
            return _facts.TryGet(Key(series, periodId, code), out value, out status, out sequence);
        }

        return _store!.TryGet(_seriesHandles[series], _periodHandles[periodId], _codeHandles[code], out value, out status, out sequence);
    }

    private static long Key(int series, int period, int code) => ((long)series << 40) | ((long)period << 20) | (long)code;

    // ---- hierarchy, cached per epoch -----------------------------------------------------------------------------

    private int Epoch(DateOnly date)
    {
        var i = Array.BinarySearch(_changeDates, date);
        return i >= 0 ? i + 1 : ~i;
    }

    private static long CacheKey(int code, int epoch, int extra = 0) => ((long)extra << 52) | ((long)epoch << 20) | (long)code;

    /// <summary>The level of <paramref name="code"/> on <paramref name="date"/>, or -1 when it does not exist then.</summary>
    private int Level(int code, int epoch, DateOnly date) =>
        _levels.GetOrAdd(CacheKey(code, epoch), static (_, a) => a.Engine._territories.Find(a.Engine._codes[a.Code], a.Date) is { } t ? (int)t.Level : -1, (Engine: this, Code: code, Date: date));

    private int[] Children(int code, int epoch, DateOnly date) =>
        _children.GetOrAdd(CacheKey(code, epoch), static (_, a) => a.Engine.Ids(a.Engine._territories.Children(a.Engine._codes[a.Code], a.Date)), (Engine: this, Code: code, Date: date));

    private int[] Ancestors(int code, int epoch, DateOnly date) =>
        _ancestors.GetOrAdd(CacheKey(code, epoch), static (_, a) => a.Engine.Ids(a.Engine._territories.Ancestors(a.Engine._codes[a.Code], a.Date)), (Engine: this, Code: code, Date: date));

    private int Expected(int code, int reportingLevel, int epoch, DateOnly date)
    {
        var level = Level(code, epoch, date);
        if (level < 0 || reportingLevel < 0)
        {
            return 0;
        }

        if (level >= reportingLevel)
        {
            return 1;
        }

        // The lambdas of these caches are static and take their state as an argument: one capturing code and date
        // allocated a closure on every call, hit or miss, several per fact in a build.
        return _expected.GetOrAdd(CacheKey(code, epoch, reportingLevel + 1),
            static (_, a) => a.Engine._territories.Descendants(a.Engine._codes[a.Code], a.Date, (TerritoryLevel)a.Level).Count,
            (Engine: this, Code: code, Date: date, Level: reportingLevel));
    }

    private int[] Ids(IReadOnlyList<Territory> territories)
    {
        var ids = new int[territories.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            // Every catalogue code was interned at construction, so readers never add to the interner.
            ids[i] = _codes.TryGet(territories[i].Code, out var id) ? id : throw new InvalidOperationException("Territory code not interned.");
        }

        return ids;
    }

    // ---- state -----------------------------------------------------------------------------------------------------

    private sealed class IndicatorInfo(int id, Indicator indicator, RuleExpression? formula)
    {
        public int Id { get; } = id;
        public Indicator Indicator { get; } = indicator;
        public RuleExpression? Formula { get; } = formula;
        public int Weight { get; set; } = -1;
        public int Depth { get; set; }
        public List<int> Dependents { get; } = [];
        public List<int> SeriesIds { get; } = [];
    }

    private sealed class SeriesState(int id, int indicator, int disaggregation, int source)
    {
        public int Id { get; } = id;
        public int Indicator { get; } = indicator;
        public int Disaggregation { get; } = disaggregation;
        public int Source { get; } = source;
        public int[] LevelCounts { get; } = new int[LevelCount];
        public int[] PeriodicityCounts { get; } = new int[6];
        public Dictionary<int, Group> Groups { get; } = [];

        public int ReportingLevel
        {
            get
            {
                for (var level = LevelCount - 1; level >= 0; level--)
                {
                    if (LevelCounts[level] > 0)
                    {
                        return level;
                    }
                }

                return -1;
            }
        }
    }

    /// <summary>The aggregates of one series in one period, keyed by territory code id.</summary>
    private sealed class Group(int periodId, Period period, DateOnly date, int epoch) : NodeMap
    {
        public int PeriodId { get; } = periodId;
        public Period Period { get; } = period;
        public DateOnly Date { get; } = date;
        public int Epoch { get; } = epoch;
        public int FactCount { get; set; }
        public NodeMap Nodes => this;

        // During a build only (null after it): the territory ids of the group's placed facts and their values.
        public List<int>? BuildCodes { get; set; }
        public List<long>? BuildValues { get; set; }
    }

    /// <summary>
    /// A group's aggregates: territory code ids in order and their nodes, in two arrays searched by bisection. Most
    /// groups hold a few (a province and the nation); a dictionary per group cost about 350 bytes for two, which at
    /// M was as much as everything else the engine keeps once it stopped copying the facts.
    /// </summary>
    private class NodeMap
    {
        private int[] _codes = [];
        private Node[] _nodes = [];

        public int Count { get; private set; }

        public bool ContainsKey(int code) => Array.BinarySearch(_codes, 0, Count, code) >= 0;

        public bool TryGetValue(int code, out Node node)
        {
            var at = Array.BinarySearch(_codes, 0, Count, code);
            node = at >= 0 ? _nodes[at] : default;
            return at >= 0;
        }

        public void Set(int code, Node node)
        {
            var at = Array.BinarySearch(_codes, 0, Count, code);
            if (at >= 0)
            {
                _nodes[at] = node;
                return;
            }

            at = ~at;
            if (Count == _codes.Length)
            {
                var size = Math.Max(2, Count * 2);
                Array.Resize(ref _codes, size);
                Array.Resize(ref _nodes, size);
            }

            Array.Copy(_codes, at, _codes, at + 1, Count - at);
            Array.Copy(_nodes, at, _nodes, at + 1, Count - at);
            _codes[at] = code;
            _nodes[at] = node;
            Count++;
        }

        public bool Remove(int code)
        {
            var at = Array.BinarySearch(_codes, 0, Count, code);
            if (at < 0)
            {
                return false;
            }

            Array.Copy(_codes, at + 1, _codes, at, Count - at - 1);
            Array.Copy(_nodes, at + 1, _nodes, at, Count - at - 1);
            Count--;
            _nodes[Count] = default;
            return true;
        }

        public int[] CopyKeys() => _codes[..Count];
    }

    /// <summary>One materialized territory aggregate (24 bytes; there are far fewer than facts).</summary>
    private readonly struct Node(decimal value, int reported, AggregateFlags flags, bool hasValue, bool any)
    {
        private readonly byte _flags = (byte)flags;

        public decimal Value { get; } = value;
        public int Reported { get; } = reported;
        public AggregateFlags Flags => (AggregateFlags)_flags;
        public bool HasValue { get; } = hasValue;
        public bool Any { get; } = any;
    }

    /// <summary>Dense ids for strings and periods; written by the one writer only.</summary>
    private sealed class Interner<T>(IEqualityComparer<T> comparer)
        where T : notnull
    {
        private readonly Dictionary<T, int> _ids = new(comparer);
        private readonly List<T> _values = [];

        public T this[int id] => _values[id];

        public int Count => _values.Count;

        public int Intern(T value)
        {
            if (!_ids.TryGetValue(value, out var id))
            {
                id = _values.Count;
                _ids.Add(value, id);
                _values.Add(value);
            }

            return id;
        }

        public bool TryGet(T value, out int id) => _ids.TryGetValue(value, out id);
    }
}
