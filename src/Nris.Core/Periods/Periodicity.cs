namespace Nris.Core.Periods;

/// <summary>How often a report is due; the letters are the SDMX frequency codes.</summary>
public enum Periodicity
{
    /// <summary>Every day (D).</summary>
    Daily = 0,
    /// <summary>Every ISO week (W).</summary>
    Weekly = 1,
    /// <summary>Every month (M).</summary>
    Monthly = 2,
    /// <summary>Every quarter (Q).</summary>
    Quarterly = 3,
    /// <summary>Every half-year (S).</summary>
    HalfYearly = 4,
    /// <summary>Every year (A).</summary>
    Yearly = 5,
}
