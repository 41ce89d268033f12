using System.Runtime.InteropServices;
using Nris.Core.Catalogue;

namespace Nris.Server.Aggregation;

// The view written out whole and read back (ValuesImage): the columns, the hash buckets, the groups and the free lists
// exactly as they are in memory, so reading it back is copying bytes into arrays — no hashing of a hundred million
// cells, no upsert per value. The layout is this class's, so the image says which layout it is (ImageLayout) and an
// image of another layout is not read (the server then reads the database, and writes a new image).
public sealed partial class ProjectedValues
{
    /// <summary>The in-memory layout an image holds; raise it whenever a field written below changes meaning or form.</summary>
    internal const int ImageLayout = 1;

    /// <summary>Writes the whole view to <paramref name="writer"/> (the caller holds off every writer of the view).</summary>
    internal void WriteImage(ImageWriter writer)
    {
        var names = _names.Count;
        writer.Int(names);
        for (var i = 0; i < names; i++)
        {
            writer.String(_names[i]);
        }

        writer.Array<long>(CollectionsMarshal.AsSpan(_seriesCodes));
        writer.Int(_used);
        writer.Int(_free);
        writer.Int(_count);
        writer.Int(_groupsUsed);
        writer.Int(_freeGroup);
        _series.WriteImage(writer, _used);
        _territory.WriteImage(writer, _used);
        writer.Array<long>(_mantissa.AsSpan(0, _used));
        writer.Array<int>(_group.AsSpan(0, _used));
        writer.Array<int>(_next.AsSpan(0, _used));
        writer.Array<byte>(_meta.AsSpan(0, _used));
        writer.Array<int>(_buckets);
        writer.Array<Group>(_groups.AsSpan(0, _groupsUsed));

        var reports = new long[_reportGroups.Count];
        var firstGroups = new int[reports.Length];
        var at = 0;
        foreach (var (report, group) in _reportGroups)
        {
            reports[at] = report;
            firstGroups[at++] = group;
        }

        writer.Array<long>(reports);
        writer.Array<int>(firstGroups);

        var positions = new int[_bigNumbers.Count];
        var bits = new int[positions.Length * 4];
        at = 0;
        foreach (var (position, number) in _bigNumbers)
        {
            positions[at] = position;
            decimal.GetBits(number, bits.AsSpan(at * 4, 4));
            at++;
        }

        writer.Array<int>(positions);
        writer.Array<int>(bits);
    }

    /// <summary>
    /// A view read back from an image written by <see cref="WriteImage"/>, aggregated by <paramref name="catalogue"/>.
    /// Throws <see cref="InvalidDataException"/> on anything that cannot have been written by it; the caller checks the
    /// image's hash before it uses the view.
    /// </summary>
    internal static ProjectedValues ReadImage(ImageReader reader, CatalogueSnapshot catalogue)
    {
        var view = new ProjectedValues(catalogue);
        var names = reader.Count(sizeof(int));
        for (var i = 0; i < names; i++)
        {
            if (view.Code(reader.String()) != i)
            {
                throw new InvalidDataException("A code appears twice in the image's names.");
            }
        }

        foreach (var pair in reader.Array<long>())
        {
            if ((uint)(pair >> 32) >= (uint)names || (uint)pair >= (uint)names)
            {
                throw new InvalidDataException("A series names a code the image does not have.");
            }

            view._seriesIds.Add(pair, view._seriesCodes.Count);
            view._seriesCodes.Add(pair);
        }

        var used = reader.Int();
        view._free = reader.Int();
        view._count = reader.Int();
        var groupsUsed = reader.Int();
        view._freeGroup = reader.Int();
        if (used < 0 || groupsUsed < 0 || view._count < 0 || view._count > used || view._free < None || view._free >= used ||
            view._freeGroup < None || view._freeGroup >= groupsUsed)
        {
            throw new InvalidDataException("The image's counts do not fit together.");
        }

        // Room for what comes next, as after a bulk load.
        var capacity = used + Headroom(used);
        view._used = used;
        view._series = IdColumn.ReadImage(reader, used, capacity);
        view._territory = IdColumn.ReadImage(reader, used, capacity);
        view._mantissa = reader.Array<long>(used, capacity);
        view._group = reader.Array<int>(used, capacity);
        view._next = reader.Array<int>(used, capacity);
        view._meta = reader.Array<byte>(used, capacity);
        view._buckets = reader.Array<int>();
        if (view._buckets.Length == 0 || (view._buckets.Length & (view._buckets.Length - 1)) != 0)
        {
            throw new InvalidDataException("The image's hash table is not a power of two long.");
        }

        view._groupsUsed = groupsUsed;
        view._groups = reader.Array<Group>(groupsUsed, groupsUsed + Headroom(groupsUsed));

        var reports = reader.Array<long>();
        var firstGroups = reader.Array<int>(reports.Length, reports.Length);
        view._reportGroups.EnsureCapacity(reports.Length);
        for (var i = 0; i < reports.Length; i++)
        {
            if ((uint)firstGroups[i] >= (uint)groupsUsed)
            {
                throw new InvalidDataException("A report's group is outside the image's groups.");
            }

            view._reportGroups.Add(reports[i], firstGroups[i]);
        }

        var positions = reader.Array<int>();
        var bits = reader.Array<int>(positions.LongLength * 4, positions.Length * 4);
        for (var i = 0; i < positions.Length; i++)
        {
            view._bigNumbers.Add(positions[i], new decimal(bits.AsSpan(i * 4, 4)));
        }

        return view;
    }
}
