using System.Runtime.InteropServices;
using System.Text;

namespace Nris.Server.Aggregation;

/// <summary>
/// Numbers distinct UTF-8 strings 0, 1, 2, … in order of first sight, keyed by their bytes: looking up a string seen
/// before allocates nothing, only a new distinct one is copied (once, into one growing arena) and decoded to a
/// <see cref="string"/>. For the bulk read of the current values, where ten million rows carry a few tens of thousands
/// of distinct codes. Not thread-safe: one per reading thread.
/// </summary>
internal sealed class Utf8Interner
{
    private const int Empty = -1;
    private byte[] _arena = new byte[4096];
    private int _arenaUsed;
    private int[] _offsets = new int[64];
    private int[] _lengths = new int[64];
    private int[] _hashes = new int[64];
    private readonly List<string> _strings = [];
    private int[] _slots = NewSlots(128);

    /// <summary>How many distinct strings have been seen.</summary>
    public int Count => _strings.Count;

    /// <summary>The string of an id.</summary>
    public string this[int id] => _strings[id];

    /// <summary>The bytes of an id (valid until the next new string).</summary>
    public ReadOnlySpan<byte> Bytes(int id) => _arena.AsSpan(_offsets[id], _lengths[id]);

    /// <summary>The id of <paramref name="utf8"/>; a new one (the next number) when it was not seen before.</summary>
    public int Intern(ReadOnlySpan<byte> utf8)
    {
        var hash = Hash(utf8);
        var mask = _slots.Length - 1;
        for (var slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            var id = _slots[slot];
            if (id == Empty)
            {
                id = Add(utf8, hash);
                _slots[slot] = id;
                if (_strings.Count * 2 > _slots.Length)
                {
                    Grow();
                }

                return id;
            }

            if (_hashes[id] == hash && utf8.SequenceEqual(_arena.AsSpan(_offsets[id], _lengths[id])))
            {
                return id;
            }
        }
    }

    private int Add(ReadOnlySpan<byte> utf8, int hash)
    {
        var id = _strings.Count;
        if (id == _offsets.Length)
        {
            Array.Resize(ref _offsets, id * 2);
            Array.Resize(ref _lengths, id * 2);
            Array.Resize(ref _hashes, id * 2);
        }

        if (_arenaUsed + utf8.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + utf8.Length));
        }

        utf8.CopyTo(_arena.AsSpan(_arenaUsed));
        _offsets[id] = _arenaUsed;
        _lengths[id] = utf8.Length;
        _hashes[id] = hash;
        _arenaUsed += utf8.Length;
        // The same decoding as SqliteDataReader.GetString (invalid bytes become U+FFFD), so both reads give one string.
        _strings.Add(Encoding.UTF8.GetString(utf8));
        return id;
    }

    private void Grow()
    {
        _slots = NewSlots(_slots.Length * 2);
        var mask = _slots.Length - 1;
        for (var id = 0; id < _strings.Count; id++)
        {
            var slot = _hashes[id] & mask;
            while (_slots[slot] != Empty)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = id;
        }
    }

    private static int[] NewSlots(int size)
    {
        var slots = new int[size];
        Array.Fill(slots, Empty);
        return slots;
    }

    // Eight bytes at a time, each step a multiply and a fold, then MurmurHash3's finalizer so the low bits (the slot)
    // depend on every byte: codes differ mostly in their last digits.
    private static int Hash(ReadOnlySpan<byte> s)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)s.Length;
        while (s.Length >= 8)
        {
            h = (h ^ MemoryMarshal.Read<ulong>(s)) * 0xFF51AFD7ED558CCDUL;
            h ^= h >> 29;
            s = s[8..];
        }

        ulong tail = 0;
        foreach (var b in s)
        {
            tail = (tail << 8) | b;
        }

        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return (int)h & int.MaxValue;
    }
}
