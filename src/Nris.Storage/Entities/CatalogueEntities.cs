using Nris.Core.Catalogue;
using Nris.Core.Periods;

namespace Nris.Storage.Entities;

// Row shapes of the catalogue tables. They stay internal: the rest of Nris sees only the Core records,
// and CatalogueMapping converts both ways. Every table has a surrogate identity key so that loading in key
// order gives back the lists in the order they were saved.

internal sealed class TerritoryEntity
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public TerritoryLevel Level { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public required string ShortName { get; set; }
    public required string ShortNameEn { get; set; }
    public string? ParentCode { get; set; }
    public string? ProvinceCode { get; set; }
    public required string UnitType { get; set; }
    public required string UnitTypeEn { get; set; }
    public string? Region { get; set; }
}

internal sealed class TerritorySuccessionEntity
{
    public long Id { get; set; }
    public required string FromCode { get; set; }
    public required string ToCode { get; set; }
    public DateOnly Effective { get; set; }
    public SuccessionKind Kind { get; set; }
    public TerritoryLevel Level { get; set; }
    public string? LegalBasis { get; set; }
}

internal sealed class OrganizationEntity
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public OrganizationKind Kind { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public string? ShortName { get; set; }
    public string? ParentCode { get; set; }
    public string? TerritoryCode { get; set; }
}

internal sealed class OrganizationSuccessionEntity
{
    public long Id { get; set; }
    public required string FromCode { get; set; }
    public required string ToCode { get; set; }
    public DateOnly Effective { get; set; }
    public SuccessionKind Kind { get; set; }
    public string? LegalBasis { get; set; }
}

internal sealed class InformationCategoryEntity
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public int DisplayOrder { get; set; }
}

internal sealed class CodelistEntity
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    /// <summary>The codes as a JSON array: they are always read and written with their list.</summary>
    public required string Codes { get; set; }
}

internal sealed class IndicatorEntity
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public required string Unit { get; set; }
    public required string UnitEn { get; set; }
    public IndicatorValueType ValueType { get; set; }
    public required string CategoryCode { get; set; }
    public TerritoryAggregation TerritoryAggregation { get; set; }
    public TimeAggregation TimeAggregation { get; set; }
    public required string Disaggregations { get; set; }
    public string? WeightIndicatorCode { get; set; }
    public string? Formula { get; set; }
    public string? Description { get; set; }
    public string? DescriptionEn { get; set; }
    public decimal? MinValue { get; set; }
    public decimal? MaxValue { get; set; }
    public int Decimals { get; set; }
    /// <summary>JSON array, or null when the indicator names no preferred sources (null and [] differ).</summary>
    public string? SourceOrder { get; set; }
}

internal sealed class RegimeEntity
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public int Version { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public required string LegalBasis { get; set; }
    public RegimeType Type { get; set; }
    public Periodicity Periodicity { get; set; }
    public required string CutoffRule { get; set; }
    public required string DeadlineRule { get; set; }
    public required string Reporters { get; set; }
    public required string RecipientCode { get; set; }
    public required string Sections { get; set; }
    public required string Rules { get; set; }
    public Classification Classification { get; set; }
    public string? CategoryCode { get; set; }
}

internal sealed class MetaEntity
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
