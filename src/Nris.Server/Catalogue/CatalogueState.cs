using Nris.Core.Catalogue;

namespace Nris.Server.Catalogue;

/// <summary>
/// Holds the current catalogue snapshot. Readers take <see cref="Current"/> once per request and keep it, so a
/// request never sees half of an old catalogue and half of a new one.
/// </summary>
public sealed class CatalogueState
{
    private volatile CatalogueSnapshot _current = new(CatalogueContent.Empty);

    public CatalogueSnapshot Current => _current;

    public void Replace(CatalogueSnapshot snapshot) => _current = snapshot;

    /// <summary>
    /// Held by whoever changes the catalogue in this process (delegated administration): read the current snapshot,
    /// check, store, append to the ledger and replace, without another change slipping in between.
    /// </summary>
    public SemaphoreSlim ChangeGate { get; } = new(1, 1);
}
