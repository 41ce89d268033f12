using System.Text.Json;
using Nris.Core.Catalogue;
using Nris.Storage.Entities;

namespace Nris.Storage;

/// <summary>Explicit conversions between catalogue records and table rows.</summary>
internal static class CatalogueMapping
{
    public static TerritoryEntity ToEntity(Territory t) => new()
    {
        Code = t.Code,
        ValidFrom = t.Validity.From,
        ValidTo = t.Validity.To,
        Level = t.Level,
        Name = t.Name,
        NameEn = t.NameEn,
        ShortName = t.ShortName,
        ShortNameEn = t.ShortNameEn,
        ParentCode = t.ParentCode,
        ProvinceCode = t.ProvinceCode,
        UnitType = t.UnitType,
        UnitTypeEn = t.UnitTypeEn,
        Region = t.Region,
    };

    public static Territory ToRecord(TerritoryEntity e) => new(
        e.Code, new Validity(e.ValidFrom, e.ValidTo), e.Level, e.Name, e.NameEn, e.ShortName, e.ShortNameEn,
        e.ParentCode, e.ProvinceCode, e.UnitType, e.UnitTypeEn, e.Region);

    public static TerritorySuccessionEntity ToEntity(TerritorySuccession s) => new()
    {
        FromCode = s.FromCode,
        ToCode = s.ToCode,
        Effective = s.Effective,
        Kind = s.Kind,
        Level = s.Level,
        LegalBasis = s.LegalBasis,
    };

    public static TerritorySuccession ToRecord(TerritorySuccessionEntity e) =>
        new(e.FromCode, e.ToCode, e.Effective, e.Kind, e.Level, e.LegalBasis);

    public static OrganizationEntity ToEntity(Organization o) => new()
    {
        Code = o.Code,
        ValidFrom = o.Validity.From,
        ValidTo = o.Validity.To,
        Kind = o.Kind,
        Name = o.Name,
        NameEn = o.NameEn,
        ShortName = o.ShortName,
        ParentCode = o.ParentCode,
        TerritoryCode = o.TerritoryCode,
    };

    public static Organization ToRecord(OrganizationEntity e) => new(
        e.Code, new Validity(e.ValidFrom, e.ValidTo), e.Kind, e.Name, e.NameEn, e.ShortName, e.ParentCode, e.TerritoryCode);

    public static OrganizationSuccessionEntity ToEntity(OrganizationSuccession s) => new()
    {
        FromCode = s.FromCode,
        ToCode = s.ToCode,
        Effective = s.Effective,
        Kind = s.Kind,
        LegalBasis = s.LegalBasis,
    };

    public static OrganizationSuccession ToRecord(OrganizationSuccessionEntity e) =>
        new(e.FromCode, e.ToCode, e.Effective, e.Kind, e.LegalBasis);

    public static InformationCategoryEntity ToEntity(InformationCategory c) => new()
    {
        Code = c.Code,
        Name = c.Name,
        NameEn = c.NameEn,
        DisplayOrder = c.Order,
    };

    public static InformationCategory ToRecord(InformationCategoryEntity e) => new(e.Code, e.Name, e.NameEn, e.DisplayOrder);

    public static CodelistEntity ToEntity(Codelist c) => new()
    {
        Code = c.Code,
        Name = c.Name,
        NameEn = c.NameEn,
        Codes = Json(c.Codes),
    };

    public static Codelist ToRecord(CodelistEntity e) => new(e.Code, e.Name, e.NameEn, FromJson<IReadOnlyList<CodeItem>>(e.Codes));

    public static IndicatorEntity ToEntity(Indicator i) => new()
    {
        Code = i.Code,
        Name = i.Name,
        NameEn = i.NameEn,
        Unit = i.Unit,
        UnitEn = i.UnitEn,
        ValueType = i.ValueType,
        CategoryCode = i.CategoryCode,
        TerritoryAggregation = i.TerritoryAggregation,
        TimeAggregation = i.TimeAggregation,
        Disaggregations = Json(i.Disaggregations),
        WeightIndicatorCode = i.WeightIndicatorCode,
        Formula = i.Formula,
        Description = i.Description,
        DescriptionEn = i.DescriptionEn,
        MinValue = i.MinValue,
        MaxValue = i.MaxValue,
        Decimals = i.Decimals,
        SourceOrder = i.SourceOrder is null ? null : Json(i.SourceOrder),
    };

    public static Indicator ToRecord(IndicatorEntity e) => new(
        e.Code, e.Name, e.NameEn, e.Unit, e.UnitEn, e.ValueType, e.CategoryCode, e.TerritoryAggregation, e.TimeAggregation,
        FromJson<IReadOnlyList<string>>(e.Disaggregations),
        e.WeightIndicatorCode, e.Formula, e.Description, e.DescriptionEn,
        Normalize(e.MinValue), Normalize(e.MaxValue), e.Decimals,
        e.SourceOrder is null ? null : FromJson<IReadOnlyList<string>>(e.SourceOrder));

    public static RegimeEntity ToEntity(Regime r) => new()
    {
        Code = r.Code,
        Version = r.Version,
        ValidFrom = r.Validity.From,
        ValidTo = r.Validity.To,
        Name = r.Name,
        NameEn = r.NameEn,
        LegalBasis = r.LegalBasis,
        Type = r.Type,
        Periodicity = r.Periodicity,
        CutoffRule = r.CutoffRule,
        DeadlineRule = r.DeadlineRule,
        Reporters = Json(r.Reporters),
        RecipientCode = r.RecipientCode,
        Sections = Json(r.Sections),
        Rules = Json(r.Rules),
        Classification = r.Classification,
        CategoryCode = r.CategoryCode,
    };

    public static Regime ToRecord(RegimeEntity e) => new(
        e.Code, e.Version, new Validity(e.ValidFrom, e.ValidTo), e.Name, e.NameEn, e.LegalBasis, e.Type, e.Periodicity,
        e.CutoffRule, e.DeadlineRule, FromJson<ReporterSpec>(e.Reporters), e.RecipientCode,
        FromJson<IReadOnlyList<FormSection>>(e.Sections), FromJson<IReadOnlyList<ValidationRule>>(e.Rules),
        e.Classification, e.CategoryCode);

    // The catalogue's one JSON shape, so a column reads like the same part of a catalogue file.
    private static string Json<T>(T value) => JsonSerializer.Serialize(value, CatalogueJson.Options);

    private static T FromJson<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, CatalogueJson.Options)
        ?? throw new InvalidDataException($"Catalogue column holds JSON null where {typeof(T).Name} was expected.");

    // A numeric(28,8) column gives 0.1 back as 0.10000000 and SQLite's text form can add ".0"; the value is the same
    // but the scale shows up in JSON exports. Dividing by 1 with 28 zero decimals strips trailing zeros.
    private static decimal? Normalize(decimal? value) =>
        value is { } v ? v / 1.0000000000000000000000000000m : null;
}
