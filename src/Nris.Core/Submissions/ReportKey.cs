using Nris.Core.Periods;

namespace Nris.Core.Submissions;

/// <summary>
/// Which report a submission belongs to: one regime, one period, one reporting organization. Every version of the
/// report (first submission and revisions) shares this key; storage keeps one report row per key.
/// </summary>
/// <param name="RegimeCode">The regime, e.g. "KTXH-TINH-THANG"; the version in force for the period applies.</param>
/// <param name="Period">The reporting period.</param>
/// <param name="ReporterCode">The reporting organization, e.g. "UBND.01".</param>
public sealed record ReportKey(string RegimeCode, Period Period, string ReporterCode)
{
    /// <summary>"regime/period/reporter", for messages and logs.</summary>
    /// <returns>The key as text.</returns>
    public override string ToString() => $"{RegimeCode}/{Period}/{ReporterCode}";
}
