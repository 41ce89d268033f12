using Nris.Core.Catalogue;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Aggregation;

/// <summary>
/// Where an engine built by <see cref="AggregationEngine.Build(CatalogueSnapshot, FactStore, IEnumerable{Fact}, AggregationOptions?)"/>
/// reads its facts, instead of keeping its own copy: the follower's store of current values answers "the fact of this
/// cell" by looking at the values it already holds. The engine then keeps only its aggregates.
/// </summary>
/// <remarks>
/// The engine turns each series (indicator, disaggregation, source), period and territory it interns into the store's
/// own handles once, so a lookup on the hot path is a few integer comparisons, never a string. The store is changed
/// only inside <see cref="AggregationEngine.Update(Func{IReadOnlyList{FactDelta}})"/>, under <see cref="Gate"/>'s
/// write lock, which every engine over the store shares with its readers: no query reads a half-changed store, also
/// not one still running on an engine that a catalogue change has replaced.
/// </remarks>
public abstract class FactStore
{
    /// <summary>The lock the engines over this store take: write to change the store and the aggregates, read to query.</summary>
    public ReaderWriterLockSlim Gate { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>The store's handle of a series (indicator, disaggregation, source); called by the one writer.</summary>
    public abstract long SeriesHandle(string indicatorCode, string disaggregation, string sourceCode);

    /// <summary>The store's handle of a period; called by the one writer.</summary>
    public abstract int PeriodHandle(Period period);

    /// <summary>The store's handle of a territory code; called by the one writer.</summary>
    public abstract int TerritoryHandle(string territoryCode);

    /// <summary>
    /// The fact of a cell: among the store's numeric values of the cell the one with the highest ledger sequence (the
    /// same rule as a rebuild), or false when the cell has none.
    /// </summary>
    public abstract bool TryGet(long series, int period, int territory, out decimal value, out ObservationStatus status, out long sequence);
}
