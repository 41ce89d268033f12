using Microsoft.EntityFrameworkCore;

namespace Nris.Storage.Exchange;

/// <summary>
/// One named mapping table of a data-exchange partner (issue #7): how a DHIS2, ADX or SDMX partner's codes map onto
/// the indicators, disaggregations, territories and periods of one regime. The tables themselves are one JSON
/// document (<c>Nris.Exchange.Mapping.ExchangeMapping</c>), validated against the catalogue before it is saved.
/// </summary>
public sealed class ExchangeMappingEntity
{
    public long Id { get; set; }

    /// <summary>The name partners pass as <c>mapping=</c> on an import, e.g. "dhis2-sierra-leone".</summary>
    public required string Name { get; set; }

    /// <summary>The regime the mapping targets.</summary>
    public required string RegimeCode { get; set; }

    /// <summary>The JSON document of the tables.</summary>
    public required string Json { get; set; }

    public required string UpdatedBy { get; set; }

    /// <summary>Microseconds since the Unix epoch (UTC).</summary>
    public long UpdatedUs { get; set; }
}

internal static class ExchangeModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ExchangeMappingEntity>(e =>
        {
            e.ToTable("exchange_mappings");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.RegimeCode).HasMaxLength(64);
            e.Property(x => x.UpdatedBy).HasMaxLength(256);
        });
    }
}
