using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Catalogue;
using Nris.Server.Ledger;
using Nris.Storage;

namespace Nris.Server.Aggregation;

/// <summary>
/// The current-values view written to one file, next to the ledger entry it holds everything up to, so a start-up reads
/// a compact copy of the values (about 20 bytes a value) instead of the whole database (about 400 bytes a value at L,
/// where the current values' pages lie among the report versions' and the ledger's), and then applies only the ledger
/// entries after it. It is a cache: the database stays the truth. An image is used only when it is whole (its SHA-256
/// matches), of this build's layout, and the ledger entry it names is in the database with the same hash — the same
/// ledger up to there, since each entry's hash covers the one before; otherwise the server reads the database as
/// before and writes a new image. <c>nris rebuild</c> always reads the database.
/// </summary>
public sealed class ValuesImage
{
    /// <summary>Configuration key of the image's path; "off" (or empty) turns images off.</summary>
    public const string FileKey = "Nris:Aggregation:ImageFile";

    /// <summary>Configuration key of <see cref="EveryEntries"/>.</summary>
    public const string EveryEntriesKey = "Nris:Aggregation:ImageEveryEntries";

    /// <summary>Configuration key of <see cref="MaxTailEntries"/>.</summary>
    public const string MaxTailEntriesKey = "Nris:Aggregation:ImageMaxTailEntries";

    private const int Format = 1;
    private static readonly byte[] Magic = "NRIS-VIM"u8.ToArray();

    /// <summary>Where the image lives; null when images are off.</summary>
    public string? Path { get; init; }

    /// <summary>A new image is written once this many ledger entries have been applied since the last one (and at a
    /// clean shutdown when any have).</summary>
    public int EveryEntries { get; init; } = 5000;

    /// <summary>An image more than this many entries behind the ledger is not used: replaying them one by one would be
    /// slower than reading the database.</summary>
    public int MaxTailEntries { get; init; } = 20_000;

    /// <summary>Whether images are on.</summary>
    public bool Enabled => Path is not null && BitConverter.IsLittleEndian;

    /// <summary>Images off (tests, tools).</summary>
    public static ValuesImage Off { get; } = new();

    /// <summary>
    /// Reads the settings. Without a configured path the image goes next to the SQLite database file
    /// (<c>nris.db.values</c>), or next to the instance key for PostgreSQL; an in-memory SQLite database has none.
    /// </summary>
    public static ValuesImage FromConfiguration(IConfiguration configuration, NrisStorageOptions storage, LedgerOptions ledger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(ledger);
        var every = configuration.GetValue(EveryEntriesKey, 5000);
        var tail = configuration.GetValue(MaxTailEntriesKey, 20_000);
        if (every < 1 || tail < 0)
        {
            throw new InvalidOperationException($"{EveryEntriesKey} must be 1 or more and {MaxTailEntriesKey} 0 or more, not {every} and {tail}.");
        }

        var path = configuration[FileKey];
        if (path is not null)
        {
            path = string.IsNullOrWhiteSpace(path) || path.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : System.IO.Path.GetFullPath(path);
        }
        else if (storage.Provider == NrisStorageOptions.Sqlite)
        {
            path = storage.SqliteFilePath() is { } database ? database + ".values" : null;
        }
        else
        {
            path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(ledger.KeyFile)) ?? ".", "values.image");
        }

        return new ValuesImage { Path = path, EveryEntries = every, MaxTailEntries = tail };
    }

    /// <summary>What writing an image did.</summary>
    public readonly record struct Written(long Head, long Bytes, TimeSpan Elapsed);

    /// <summary>
    /// Writes <paramref name="values"/>, which hold every ledger entry up to <paramref name="head"/> (whose hash is
    /// <paramref name="headHash"/>) and nothing after, to a new file and then puts it in the image's place, so a crash
    /// mid-way leaves the old image (or none), never half of one. The caller keeps every writer off the view meanwhile.
    /// The file is readable by this user only: it holds every current value.
    /// </summary>
    public Written Write(ProjectedValues values, long head, byte[] headHash)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(headHash);
        if (!Enabled)
        {
            throw new InvalidOperationException("Images are off.");
        }

        var watch = Stopwatch.StartNew();
        var path = Path!;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temporary = path + ".new-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 20,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        long bytes;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                using var writer = new ImageWriter(stream);
                writer.Bytes(Magic);
                writer.Int(Format);
                writer.Int(ProjectedValues.ImageLayout);
                writer.Long(head);
                writer.Array<byte>(headHash);
                values.WriteImage(writer);
                writer.Finish();
                stream.Flush(flushToDisk: true);
                bytes = stream.Length;
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return new Written(head, bytes, watch.Elapsed);
    }

    /// <summary>What reading an image found: the view and the entry it holds everything up to, or why not.</summary>
    public sealed record ReadResult(ProjectedValues? Values, long Head, string? Refused);

    /// <summary>
    /// Reads the image if there is one that can be used with <paramref name="db"/>'s ledger: whole, of this layout, and
    /// naming an entry the ledger has with the same hash. Otherwise <see cref="ReadResult.Values"/> is null and
    /// <see cref="ReadResult.Refused"/> says why (for the log). Never throws for a bad file.
    /// </summary>
    public async Task<ReadResult> TryReadAsync(NrisDbContext db, CatalogueSnapshot catalogue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (!Enabled)
        {
            return new ReadResult(null, 0, "images are off");
        }

        if (!File.Exists(Path))
        {
            return new ReadResult(null, 0, "no image yet");
        }

        try
        {
            await using var stream = new FileStream(Path!, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, BufferSize = 0, Options = FileOptions.SequentialScan,
            });
            using var reader = new ImageReader(stream);
            Span<byte> magic = stackalloc byte[8];
            reader.Bytes(magic);
            if (!magic.SequenceEqual(Magic))
            {
                return new ReadResult(null, 0, "not an image file");
            }

            var format = reader.Int();
            var layout = reader.Int();
            if (format != Format || layout != ProjectedValues.ImageLayout)
            {
                return new ReadResult(null, 0, $"written by another version (format {format}, layout {layout})");
            }

            var head = reader.Long();
            var headHash = reader.Array<byte>();
            // The ledger check comes before the long read: an image of another database, or of a ledger that was
            // restored from an older backup, is refused at once.
            var ledgerHash = head == 0
                ? []
                : await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence == head).Select(e => e.Hash).SingleOrDefaultAsync(cancellationToken);
            if (ledgerHash is null || !ledgerHash.AsSpan().SequenceEqual(headHash))
            {
                return new ReadResult(null, head, ledgerHash is null
                    ? $"the ledger has no entry {head}"
                    : $"ledger entry {head} has another hash (another database, or a restored one)");
            }

            var values = ProjectedValues.ReadImage(reader, catalogue);
            if (reader.Finish() is { } damaged)
            {
                return new ReadResult(null, head, "damaged: " + damaged);
            }

            return new ReadResult(values, head, null);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or ArgumentException or OverflowException or UnauthorizedAccessException)
        {
            return new ReadResult(null, 0, "unreadable: " + e.Message);
        }
    }

    /// <summary>The hash of ledger entry <paramref name="sequence"/> (empty for 0, the empty ledger).</summary>
    public static async Task<byte[]> HashOfAsync(NrisDbContext db, long sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return sequence == 0
            ? []
            : await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence == sequence).Select(e => e.Hash).SingleAsync(cancellationToken);
    }
}

/// <summary>Writes an image: little-endian numbers and raw arrays, hashed as they go; SHA-256 of it all at the end.</summary>
internal sealed class ImageWriter(Stream stream) : IDisposable
{
    // A span of bytes must stay under 2 GB; arrays go out in pieces of this many bytes.
    private const int Piece = 1 << 26;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        stream.Write(bytes);
    }

    public void Int(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        Bytes(bytes);
    }

    public void Long(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        Bytes(bytes);
    }

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Int(bytes.Length);
        Bytes(bytes);
    }

    /// <summary>The length, then the elements as they lie in memory.</summary>
    public void Array<T>(ReadOnlySpan<T> items) where T : unmanaged
    {
        Long(items.Length);
        var per = Math.Max(1, Piece / Unsafe.SizeOf<T>());
        for (var at = 0; at < items.Length; at += per)
        {
            Bytes(MemoryMarshal.AsBytes(items.Slice(at, Math.Min(per, items.Length - at))));
        }
    }

    public void Finish() => stream.Write(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}

/// <summary>Reads what <see cref="ImageWriter"/> wrote, hashing as it goes; every length is checked against what is
/// left of the file before anything that size is allocated.</summary>
internal sealed class ImageReader(Stream stream) : IDisposable
{
    private const int Piece = 1 << 26;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _length = stream.Length;
    private long _position;

    public void Bytes(Span<byte> into)
    {
        if (_length - _position < into.Length)
        {
            throw new EndOfStreamException("The image ends early.");
        }

        stream.ReadExactly(into);
        _hash.AppendData(into);
        _position += into.Length;
    }

    public int Int()
    {
        Span<byte> bytes = stackalloc byte[4];
        Bytes(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    public long Long()
    {
        Span<byte> bytes = stackalloc byte[8];
        Bytes(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    /// <summary>A count of things at least <paramref name="minimumSize"/> bytes each that the rest of the file can hold.</summary>
    public int Count(int minimumSize)
    {
        var count = Int();
        if (count < 0 || (long)count * minimumSize > _length - _position)
        {
            throw new InvalidDataException("A count in the image is larger than the file.");
        }

        return count;
    }

    public string String()
    {
        var length = Count(1);
        Span<byte> bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Bytes(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>An array of whatever length was written.</summary>
    public T[] Array<T>() where T : unmanaged => Array<T>(-1, 0);

    /// <summary>An array of <paramref name="expected"/> elements (any when negative), in an array of at least
    /// <paramref name="capacity"/>.</summary>
    public T[] Array<T>(long expected, int capacity) where T : unmanaged
    {
        var length = Long();
        if (length < 0 || length > int.MaxValue || (expected >= 0 && length != expected) || length * Unsafe.SizeOf<T>() > _length - _position)
        {
            throw new InvalidDataException("An array in the image has the wrong length.");
        }

        var items = GC.AllocateUninitializedArray<T>(Math.Max((int)length, capacity));
        var per = Math.Max(1, Piece / Unsafe.SizeOf<T>());
        for (var at = 0; at < (int)length; at += per)
        {
            Bytes(MemoryMarshal.AsBytes(items.AsSpan(at, Math.Min(per, (int)length - at))));
        }

        items.AsSpan((int)length).Clear();
        return items;
    }

    /// <summary>Null when the hash at the end is the hash of everything read and nothing follows it; otherwise what is wrong.</summary>
    public string? Finish()
    {
        var computed = _hash.GetHashAndReset();
        if (_length - _position != computed.Length)
        {
            return "the file is cut short or has bytes after its end";
        }

        Span<byte> stored = stackalloc byte[32];
        stream.ReadExactly(stored);
        return CryptographicOperations.FixedTimeEquals(stored, computed) ? null : "its SHA-256 does not match";
    }

    public void Dispose() => _hash.Dispose();
}
