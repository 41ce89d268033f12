using Nris.Core.Submissions;

namespace Nris.Core.Aggregation;

/// <summary>
/// The current facts, as three parallel arrays of longs in one open-addressing hash table (linear probing) keyed by a
/// packed 63-bit key (series · period · territory). A slot is 24 bytes: the key, the value as an unscaled integer,
/// and a word holding the ledger sequence (48 bits), the decimal scale (8 bits) and the status (8 bits).
/// </summary>
/// <remarks>
/// Why not <c>Dictionary&lt;long, decimal&gt;</c> plus side arrays: its entries carry a cached hash and a chain link
/// and a decimal is 16 bytes, about 60 bytes per fact with the sequence. Here a fact costs 24 bytes per slot at a
/// load of at most 0.85, and capacity grows by half, so between about 28 and 43 bytes per fact. The value stays exact:
/// a decimal is its unscaled 96-bit integer and a scale; the few whose integer does not fit 63 bits go to a side
/// dictionary (scale marker 255). Deletion shifts later entries back (no tombstones), so a table that sees many
/// revisions does not degrade.
/// </remarks>
internal sealed class FactTable
{
    private const long EmptyKey = -1;
    private const byte WideScale = 255;
    private const double MaxLoad = 0.85;

    private long[] _keys;
    private long[] _values;
    private long[] _meta;
    private Dictionary<long, decimal>? _wide;

    public FactTable(int capacity = 16)
    {
        capacity = Math.Max(16, capacity);
        _keys = new long[capacity];
        Array.Fill(_keys, EmptyKey);
        _values = new long[capacity];
        _meta = new long[capacity];
    }

    public int Count { get; private set; }

    public int Capacity => _keys.Length;

    public static long MaxSequence => (1L << 48) - 1;

    /// <summary>The capacity that holds <paramref name="count"/> facts without growing.</summary>
    public static int CapacityFor(int count) => (int)Math.Min(int.MaxValue - 64, (count / MaxLoad) + 16);

    public bool TryGet(long key, out decimal value, out ObservationStatus status, out long sequence)
    {
        var slot = Find(key);
        if (slot < 0)
        {
            value = 0m;
            status = ObservationStatus.Normal;
            sequence = 0;
            return false;
        }

        Decode(slot, key, out value, out status, out sequence);
        return true;
    }

    public bool Contains(long key) => Find(key) >= 0;

    /// <summary>Sets the fact under <paramref name="key"/>; true when it replaced one.</summary>
    public bool Set(long key, decimal value, ObservationStatus status, long sequence)
    {
        if (sequence < 0 || sequence > MaxSequence)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "A ledger sequence must lie between 0 and 2^48 - 1.");
        }

        if (Count + 1 > _keys.Length * MaxLoad)
        {
            Resize(_keys.Length + (_keys.Length / 2));
        }

        var slot = Home(key, _keys.Length);
        while (_keys[slot] != EmptyKey && _keys[slot] != key)
        {
            slot = slot + 1 == _keys.Length ? 0 : slot + 1;
        }

        var existed = _keys[slot] == key;
        if (existed && (byte)(_meta[slot] >> 8) == WideScale)
        {
            _wide!.Remove(key);
        }

        _keys[slot] = key;
        Encode(slot, key, value, status, sequence);
        if (!existed)
        {
            Count++;
        }

        return existed;
    }

    public bool Remove(long key)
    {
        var hole = Find(key);
        if (hole < 0)
        {
            return false;
        }

        if ((byte)(_meta[hole] >> 8) == WideScale)
        {
            _wide!.Remove(key);
        }

        // Backward-shift deletion: move each later entry of the probe run into the hole unless its home lies
        // cyclically after the hole, so every key stays reachable from its home without tombstones.
        var length = _keys.Length;
        var j = hole;
        while (true)
        {
            j = j + 1 == length ? 0 : j + 1;
            if (_keys[j] == EmptyKey)
            {
                break;
            }

            var home = Home(_keys[j], length);
            var stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (stays)
            {
                continue;
            }

            _keys[hole] = _keys[j];
            _values[hole] = _values[j];
            _meta[hole] = _meta[j];
            hole = j;
        }

        _keys[hole] = EmptyKey;
        Count--;
        return true;
    }

    /// <summary>Every stored key (for rebuilding and checks; not a hot path).</summary>
    public IEnumerable<long> Keys()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] != EmptyKey)
            {
                yield return _keys[i];
            }
        }
    }

    private int Find(long key)
    {
        var slot = Home(key, _keys.Length);
        while (true)
        {
            var k = _keys[slot];
            if (k == key)
            {
                return slot;
            }

            if (k == EmptyKey)
            {
                return -1;
            }

            slot = slot + 1 == _keys.Length ? 0 : slot + 1;
        }
    }

    // Fibonacci mixing, then Lemire's multiply-shift range reduction, so any capacity works (growth by half).
    private static int Home(long key, int length) =>
        (int)Math.BigMul((ulong)key * 0x9E3779B97F4A7C15UL, (ulong)length, out _);

    private void Encode(int slot, long key, decimal value, ObservationStatus status, long sequence)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (byte)((bits[3] >> 16) & 0xFF);
        var magnitude = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
        if (bits[2] == 0 && magnitude <= long.MaxValue)
        {
            _values[slot] = bits[3] < 0 ? -(long)magnitude : (long)magnitude;
        }
        else
        {
            (_wide ??= [])[key] = value;
            _values[slot] = 0;
            scale = WideScale;
        }

        // A negative zero (-0.0) keeps its scale but not its sign, which no comparison or sum can observe.
        _meta[slot] = (sequence << 16) | ((long)scale << 8) | (byte)status;
    }

    private void Decode(int slot, long key, out decimal value, out ObservationStatus status, out long sequence)
    {
        var meta = _meta[slot];
        sequence = (long)((ulong)meta >> 16);
        status = (ObservationStatus)(byte)meta;
        var scale = (byte)(meta >> 8);
        if (scale == WideScale)
        {
            value = _wide![key];
            return;
        }

        var unscaled = _values[slot];
        var magnitude = unscaled < 0 ? (ulong)(-unscaled) : (ulong)unscaled;
        value = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, unscaled < 0, scale);
    }

    private void Resize(int capacity)
    {
        var keys = _keys;
        var values = _values;
        var meta = _meta;
        _keys = new long[capacity];
        Array.Fill(_keys, EmptyKey);
        _values = new long[capacity];
        _meta = new long[capacity];
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] == EmptyKey)
            {
                continue;
            }

            var slot = Home(keys[i], capacity);
            while (_keys[slot] != EmptyKey)
            {
                slot = slot + 1 == capacity ? 0 : slot + 1;
            }

            _keys[slot] = keys[i];
            _values[slot] = values[i];
            _meta[slot] = meta[i];
        }
    }
}
