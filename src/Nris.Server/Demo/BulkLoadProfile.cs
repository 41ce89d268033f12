using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nris.Server.Demo;

/// <summary>
/// Where a bulk demo load spends its time (<c>nris demo generate --bulk --profile</c>): wall time and bytes allocated
/// per section of the per-report work — generating the report, reading its validation history, validating, building
/// and hashing the canonical payload, the inserts, checkpoints, commits — summed over the run, with the process's CPU
/// time next to the whole. Sections are timed on the thread that does them; where generation and payload building run
/// ahead on other threads (<see cref="BulkDemoLoader"/>'s pipeline) their rows are those threads' own time, and the
/// allocation figures are process-wide, so a section's bytes then include what the other threads allocated meanwhile.
/// </summary>
public sealed class BulkLoadProfile
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Ticks, long Bytes, long Count)> _sections = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly TimeSpan _cpuAtStart = Environment.CpuUsage.TotalTime;
    private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: false);
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    /// <summary>A section started now; dispose (or <see cref="Section.Stop"/>) to add its time to <paramref name="name"/>.</summary>
    public Section Start(string name) => new(this, name, Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(precise: false));

    /// <summary>Adds a measured span to a section.</summary>
    public void Add(string name, long ticks, long bytes)
    {
        lock (_gate)
        {
            if (!_sections.TryGetValue(name, out var s))
            {
                _order.Add(name);
            }

            _sections[name] = (s.Ticks + ticks, s.Bytes + bytes, s.Count + 1);
        }
    }

    /// <summary>The sections as a table, per million values.</summary>
    public string Describe(long values)
    {
        var cpu = Environment.CpuUsage.TotalTime - _cpuAtStart;
        var perMillion = 1_000_000.0 / Math.Max(1, values);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Profile over {values:N0} values: {_wall.Elapsed.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s process CPU ({cpu.TotalSeconds * perMillion:F1} s CPU per million values), {(GC.GetTotalAllocatedBytes(precise: false) - _allocatedAtStart) / 1e9:F2} GB allocated");
        text.AppendLine("  section                      calls        s     s/M values   MB alloc/M values");
        lock (_gate)
        {
            foreach (var name in _order)
            {
                var (ticks, bytes, count) = _sections[name];
                var seconds = ticks / (double)Stopwatch.Frequency;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {name,-26} {count,9:N0} {seconds,9:F2} {seconds * perMillion,12:F2} {bytes * perMillion / 1e6,16:F0}");
            }
        }

        return text.ToString();
    }

    /// <summary>A running section.</summary>
    public readonly struct Section(BulkLoadProfile? profile, string name, long start, long allocated) : IDisposable
    {
        /// <summary>Ends the section.</summary>
        public void Stop() => profile?.Add(name, Stopwatch.GetTimestamp() - start, GC.GetTotalAllocatedBytes(precise: false) - allocated);

        /// <inheritdoc />
        public void Dispose() => Stop();
    }
}
