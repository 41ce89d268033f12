using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nris.Core.Oversight;

/// <summary>The ledger payload of <c>target.set</c>: the whole target as it stands after the change, and who assigned it.</summary>
/// <param name="Target">The target.</param>
/// <param name="AssignedBy">The organization on whose authority it was set (the caller's grant that allowed it).</param>
public sealed record TargetSetPayload(Target Target, string AssignedBy);

/// <summary>The ledger payload of <c>target.retired</c>.</summary>
/// <param name="Code">The target retired.</param>
/// <param name="Reason">Why, in the caller's words.</param>
public sealed record TargetRetiredPayload(string Code, string Reason);

/// <summary>
/// The targets view (chỉ tiêu được giao) as a fold over the ledger: the targets shipped in files are the seed, and each
/// <c>target.set</c> entry replaces (or adds) a target by code, each <c>target.retired</c> entry removes it. Applying the
/// entries in sequence order one by one gives exactly what applying them all at once from scratch gives; a test holds
/// the server's incrementally followed view equal to a rebuild.
/// </summary>
public sealed class TargetBook
{
    /// <summary>The ledger entry kind of a target assigned or changed.</summary>
    public const string KindSet = "target.set";

    /// <summary>The ledger entry kind of a target withdrawn.</summary>
    public const string KindRetired = "target.retired";

    /// <summary>How payloads are written and read: camelCase, enums as camelCase strings.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly IReadOnlyList<Target> _seed;
    private readonly Dictionary<string, (Target? Target, long Sequence)> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _firstSet = new(StringComparer.Ordinal);

    /// <summary>A book over the file targets <paramref name="seed"/>, before any ledger entry.</summary>
    public TargetBook(IReadOnlyList<Target> seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        _seed = seed;
    }

    /// <summary>The last ledger sequence applied (0 before any).</summary>
    public long LastSequence { get; private set; }

    /// <summary>Whether <paramref name="kind"/> is a target entry this book applies.</summary>
    public static bool IsTargetKind(string kind) => kind is KindSet or KindRetired;

    /// <summary>Applies one ledger entry; entries of other kinds only move <see cref="LastSequence"/>.</summary>
    public void Apply(long sequence, string kind, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (sequence <= LastSequence)
        {
            throw new InvalidOperationException($"Ledger entry {sequence} applied after {LastSequence}: entries must come in sequence order.");
        }

        if (kind == KindSet)
        {
            var set = JsonSerializer.Deserialize<TargetSetPayload>(payload, Json) ?? throw new InvalidDataException($"Entry {sequence}: empty target.set payload.");
            _changes[set.Target.Code] = (set.Target with { Milestones = set.Target.Milestones ?? [] }, sequence);
            _firstSet.TryAdd(set.Target.Code, sequence);
        }
        else if (kind == KindRetired)
        {
            var retired = JsonSerializer.Deserialize<TargetRetiredPayload>(payload, Json) ?? throw new InvalidDataException($"Entry {sequence}: empty target.retired payload.");
            _changes[retired.Code] = (null, sequence);
        }

        LastSequence = sequence;
    }

    /// <summary>Moves <see cref="LastSequence"/> to a ledger head read when no target entry followed.</summary>
    public void AdvanceTo(long sequence)
    {
        if (sequence > LastSequence)
        {
            LastSequence = sequence;
        }
    }

    /// <summary>The ledger entry that last set or retired <paramref name="code"/>, if any.</summary>
    public long? SequenceOf(string code) => _changes.TryGetValue(code, out var c) ? c.Sequence : null;

    /// <summary>Whether <paramref name="code"/> was retired by a ledger entry.</summary>
    public bool IsRetired(string code) => _changes.TryGetValue(code, out var c) && c.Target is null;

    /// <summary>The targets in force: the seed (in its order) with every change applied, then the targets the ledger added, in the order they were first set.</summary>
    public IReadOnlyList<Target> Current()
    {
        var result = new List<Target>();
        var seeded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in _seed)
        {
            seeded.Add(t.Code);
            if (!_changes.TryGetValue(t.Code, out var change))
            {
                result.Add(t);
            }
            else if (change.Target is { } replaced)
            {
                result.Add(replaced);
            }
        }

        result.AddRange(_changes.Where(c => !seeded.Contains(c.Key) && c.Value.Target is not null)
            .OrderBy(c => _firstSet[c.Key]).Select(c => c.Value.Target!));
        return result;
    }
}
