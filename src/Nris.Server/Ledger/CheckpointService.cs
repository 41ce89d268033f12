using Nris.Core.Ledger;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Server.Ledger;

/// <summary>
/// Signs checkpoints with the instance key: automatically for every <see cref="LedgerOptions.CheckpointEvery"/>-th
/// entry, inside the transaction that appends it (so none is ever skipped), and on demand for the last entry.
/// </summary>
public sealed class CheckpointService(LedgerOptions options, TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private CheckpointSigner? _signer;

    /// <summary>The settings in use.</summary>
    public LedgerOptions Options { get; } = options;

    /// <summary>The instance key, loaded from <see cref="LedgerOptions.KeyFile"/> or created there on first use.</summary>
    public CheckpointSigner Signer
    {
        get
        {
            lock (_gate)
            {
                return _signer ??= InstanceKey.LoadOrCreate(Options.KeyFile);
            }
        }
    }

    /// <summary>Makes sure the key file exists (called at bootstrap, so `nris init` creates it).</summary>
    public void EnsureKey() => _ = Signer;

    /// <summary>The instance's public key, for publishing next to the checkpoints.</summary>
    public string PublicKeyPem => Signer.ExportPublicKeyPem();

    /// <summary>A verifier trusting the instance key.</summary>
    public CheckpointVerifier CreateVerifier() => new([PublicKeyPem]);

    /// <summary>Inside an appending transaction, after <paramref name="entry"/> was appended: signs it if it is due.</summary>
    public async Task<Checkpoint?> AfterAppendAsync(LedgerStore store, LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Sequence % Options.CheckpointEvery != 0)
        {
            return null;
        }
        var checkpoint = Signer.Sign(entry, time.GetUtcNow());
        await store.SaveCheckpointAsync(checkpoint, cancellationToken);
        return checkpoint;
    }

    /// <summary>Signs a checkpoint for the last entry now; null when the ledger is empty.</summary>
    public async Task<Checkpoint?> CreateAsync(NrisDbContext db, CancellationToken cancellationToken)
    {
        var store = new LedgerStore(db);
        // Under the append lock, so the head cannot move between reading it and storing the checkpoint.
        await using var transaction = await store.BeginAppendTransactionAsync(cancellationToken);
        if (await store.HeadAsync(cancellationToken) is not { } head)
        {
            return null;
        }
        var checkpoint = Signer.Sign(head.Sequence, head.Hash, time.GetUtcNow());
        await store.SaveCheckpointAsync(checkpoint, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return checkpoint;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _signer?.Dispose();
            _signer = null;
        }
    }
}

/// <summary>The instance key file: PKCS#8 PEM, readable by the owner only.</summary>
public static class InstanceKey
{
    /// <summary>Loads the key at <paramref name="path"/>, creating a new one (mode 0600) when the file does not exist.</summary>
    public static CheckpointSigner LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            return CheckpointSigner.FromPkcs8Pem(File.ReadAllText(path));
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var signer = CheckpointSigner.Create();
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created with owner-only permissions, never readable by others even for an instant.
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, fileOptions);
            writer.Write(signer.ExportPkcs8Pem());
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs, so one instance has one key.
            signer.Dispose();
            return CheckpointSigner.FromPkcs8Pem(File.ReadAllText(path));
        }
        return signer;
    }
}
