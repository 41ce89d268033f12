using Nris.Core.Catalogue;

namespace Nris.Server.Api;

/// <summary>JSON shapes of the catalogue API. Dates are ISO 8601 strings; enums are camelCase strings.</summary>
public sealed record TerritoryDto(
    string Code, string Name, string NameEn, string ShortName, string ShortNameEn,
    TerritoryLevel Level, string UnitType, string UnitTypeEn, string? ParentCode, string? ProvinceCode,
    DateOnly? ValidFrom, DateOnly? ValidTo, string? Region)
{
    public static TerritoryDto From(Territory t) => new(
        t.Code, t.Name, t.NameEn, t.ShortName, t.ShortNameEn, t.Level, t.UnitType, t.UnitTypeEn,
        t.ParentCode, t.ProvinceCode, t.Validity.From, t.Validity.To, t.Region);
}

public sealed record TerritoryLinkDto(TerritoryDto Territory, SuccessionKind Kind, DateOnly Effective);

public sealed record TerritoryDetailDto(
    TerritoryDto Territory,
    IReadOnlyList<TerritoryDto> Ancestors,
    IReadOnlyList<TerritoryDto> Children,
    IReadOnlyList<TerritoryLinkDto> Predecessors,
    IReadOnlyList<TerritoryLinkDto> Successors,
    IReadOnlyList<TerritoryDto> Versions);

public sealed record OrganizationDto(
    string Code, string Name, string NameEn, string? ShortName, OrganizationKind Kind,
    string? ParentCode, string? TerritoryCode, DateOnly? ValidFrom, DateOnly? ValidTo)
{
    public static OrganizationDto From(Organization o) => new(
        o.Code, o.Name, o.NameEn, o.ShortName, o.Kind, o.ParentCode, o.TerritoryCode, o.Validity.From, o.Validity.To);
}

public sealed record OrganizationLinkDto(OrganizationDto Organization, SuccessionKind Kind, DateOnly Effective);

public sealed record OrganizationDetailDto(
    OrganizationDto Organization,
    IReadOnlyList<OrganizationDto> Ancestors,
    IReadOnlyList<OrganizationDto> Children,
    IReadOnlyList<OrganizationLinkDto> Predecessors,
    IReadOnlyList<OrganizationLinkDto> Successors);

public sealed record RegimeSummaryDto(
    string Code, int Version, string Name, string NameEn, RegimeType Type, Core.Periods.Periodicity Periodicity,
    Classification Classification, string RecipientCode, string? CategoryCode, DateOnly? ValidFrom, DateOnly? ValidTo)
{
    public static RegimeSummaryDto From(Regime r) => new(
        r.Code, r.Version, r.Name, r.NameEn, r.Type, r.Periodicity, r.Classification, r.RecipientCode,
        r.CategoryCode, r.Validity.From, r.Validity.To);
}

public sealed record ReportingPeriodDto(
    string Period, DateOnly Start, DateOnly End, DateOnly CutoffStart, DateOnly CutoffEnd, DateOnly Deadline,
    DateTimeOffset DueBefore);

public sealed record RegimePeriodsDto(
    string Regime, int Version, Core.Periods.Periodicity Periodicity, string CutoffRule, string DeadlineRule,
    int Year, IReadOnlyList<ReportingPeriodDto> Periods);

public sealed record ListDto<T>(int Count, IReadOnlyList<T> Items);
