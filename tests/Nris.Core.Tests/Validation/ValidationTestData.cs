using Nris.Core.Catalogue;
using Nris.Core.Validation;

namespace Nris.Core.Tests.Validation;

/// <summary>The demo catalogue with the shipped territories and organizations, read once per run.</summary>
internal static class ValidationTestData
{
    private static readonly Lazy<CatalogueContent> LazyDemo = new(() =>
        CatalogueFiles.ReadAll(name => File.OpenRead(Path.Combine(AppContext.BaseDirectory, "catalogue", "demo", name))));

    private static readonly Lazy<CatalogueSnapshot> LazySnapshot = new(() => new CatalogueSnapshot(Demo with
    {
        Territories = TestData.Reference.Territories,
        TerritorySuccessions = TestData.Reference.TerritorySuccessions,
        Organizations = TestData.Reference.Organizations,
        OrganizationSuccessions = TestData.Reference.OrganizationSuccessions,
    }));

    public static CatalogueContent Demo => LazyDemo.Value;

    public static CatalogueSnapshot Snapshot => LazySnapshot.Value;

    /// <summary>Reads cells from a map keyed "A01", "A01[F]", "prev(A01)" or "same_period_last_year(A01[F])".</summary>
    public static IRuleData Cells(params (string Cell, decimal? Value)[] cells)
    {
        var map = cells.ToDictionary(c => c.Cell, c => c.Value, StringComparer.Ordinal);
        return RuleData.From((row, column, shift) =>
        {
            var cell = column == "_T" ? row : $"{row}[{column}]";
            var key = shift switch
            {
                PeriodShift.Previous => $"prev({cell})",
                PeriodShift.SamePeriodLastYear => $"same_period_last_year({cell})",
                _ => cell,
            };
            return map.GetValueOrDefault(key);
        });
    }

    public static RuleOutcome Outcome(string rule, params (string Cell, decimal? Value)[] cells) =>
        RuleExpression.Parse(rule).Evaluate(Cells(cells)).Outcome;

    public static decimal? Number(string expression, params (string Cell, decimal? Value)[] cells) =>
        RuleExpression.Parse(expression).EvaluateNumber(Cells(cells)).Value;
}
