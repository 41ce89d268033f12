using Nris.Storage;

namespace Nris.Server.Ledger;

/// <summary>Ledger settings: how often checkpoints are signed and where the instance key lives.</summary>
public sealed class LedgerOptions
{
    /// <summary>Configuration key of <see cref="CheckpointEvery"/>.</summary>
    public const string CheckpointEveryKey = "Nris:Ledger:CheckpointEvery";

    /// <summary>Configuration key of <see cref="KeyFile"/>.</summary>
    public const string KeyFileKey = "Nris:Ledger:KeyFile";

    /// <summary>The file name of the instance key in the data directory.</summary>
    public const string DefaultKeyFileName = "instance-key.pem";

    /// <summary>A checkpoint is signed whenever an entry's sequence is a multiple of this (and on demand).</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>The instance's private key (PKCS#8 PEM), created with mode 0600 when missing.</summary>
    public string KeyFile { get; init; } = Path.Combine(".", "data", DefaultKeyFileName);

    /// <summary>
    /// Reads the settings. Without a configured key file the key goes next to the SQLite database (the data directory),
    /// or to ./data for PostgreSQL.
    /// </summary>
    public static LedgerOptions FromConfiguration(IConfiguration configuration, NrisStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(storage);
        var every = configuration.GetValue(CheckpointEveryKey, 1000);
        if (every < 1)
        {
            throw new InvalidOperationException($"{CheckpointEveryKey} must be 1 or more, not {every}.");
        }
        var keyFile = configuration[KeyFileKey];
        if (string.IsNullOrWhiteSpace(keyFile))
        {
            keyFile = storage.SqliteFilePath() is { } database
                ? Path.Combine(Path.GetDirectoryName(database) ?? ".", DefaultKeyFileName)
                : Path.Combine(".", "data", DefaultKeyFileName);
        }
        return new LedgerOptions { CheckpointEvery = every, KeyFile = keyFile };
    }
}
