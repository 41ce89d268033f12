using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Catalogue;

namespace Nris.Core.Tests.Catalogue;

public sealed class TerritoryIndexTests
{
    private static readonly DateOnly Reform = new(2025, 7, 1);

    private static Territory Unit(string code, TerritoryLevel level, string? parent, DateOnly? from = null, DateOnly? to = null) =>
        new(code, new Validity(from, to), level, code, code, code, code, parent, null, "t", "t");

    private static readonly Territory Nation = Unit("VN", TerritoryLevel.Nation, null);

    [Fact]
    public void Duplicate_versions_are_refused_naming_the_code()
    {
        var e = Assert.Throws<ArgumentException>(() => new TerritoryIndex(
            [Nation, Unit("01", TerritoryLevel.Province, "VN", Reform), Unit("01", TerritoryLevel.Province, "VN", Reform)], []));
        Assert.Contains("01", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_versions_are_refused_naming_the_code()
    {
        var e = Assert.Throws<ArgumentException>(() => new TerritoryIndex(
            [
                Nation,
                Unit("07", TerritoryLevel.Province, "VN", null, new DateOnly(2025, 7, 10)),
                Unit("07", TerritoryLevel.Province, "VN", Reform),
            ],
            []));
        Assert.Contains("territory 07", e.Message, StringComparison.Ordinal);
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parent_missing_on_some_of_the_childs_dates_is_refused()
    {
        // The province ends before its commune does.
        var e = Assert.Throws<ArgumentException>(() => new TerritoryIndex(
            [Nation, Unit("01", TerritoryLevel.Province, "VN", null, new DateOnly(2025, 6, 30)), Unit("00004", TerritoryLevel.Commune, "01")],
            []));
        Assert.Contains("00004", e.Message, StringComparison.Ordinal);
        Assert.Contains("2025-07-01", e.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<ArgumentException>(() => new TerritoryIndex([Nation, Unit("00004", TerritoryLevel.Commune, "001")], []));
        Assert.Contains("00004", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parent_may_change_versions_under_a_living_child()
    {
        var index = new TerritoryIndex(
            [
                Nation,
                Unit("75", TerritoryLevel.Province, "VN", Reform, new DateOnly(2026, 4, 29)),
                Unit("75", TerritoryLevel.Province, "VN", new DateOnly(2026, 4, 30)),
                Unit("25270", TerritoryLevel.Commune, "75", Reform),
            ],
            [new TerritorySuccession("75", "75", new DateOnly(2026, 4, 30), SuccessionKind.Renamed, TerritoryLevel.Province)]);
        Assert.Equal(["75", "VN"], index.Ancestors("25270", new DateOnly(2027, 1, 1)).Select(t => t.Code));
        Assert.Equal(new DateOnly(2026, 4, 30), index.Ancestors("25270", new DateOnly(2027, 1, 1))[0].Validity.From);
    }

    [Fact]
    public void A_gap_between_parent_versions_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new TerritoryIndex(
            [
                Nation,
                Unit("75", TerritoryLevel.Province, "VN", Reform, new DateOnly(2026, 4, 28)),
                Unit("75", TerritoryLevel.Province, "VN", new DateOnly(2026, 4, 30)),
                Unit("25270", TerritoryLevel.Commune, "75", Reform),
            ],
            []));
        Assert.Contains("25270", e.Message, StringComparison.Ordinal);
        Assert.Contains("2026-04-29", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Results_cannot_be_written_through()
    {
        var index = TestData.Territories;
        var first = index.AsOf(Reform)[0];
        Assert.Throws<NotSupportedException>(() => ((IList<Territory>)index.AsOf(Reform))[0] = first);
        Assert.Throws<NotSupportedException>(() => ((IList<Territory>)index.Versions("00004"))[0] = first);
        Assert.Throws<NotSupportedException>(() => ((IList<Territory>)index.All)[0] = first);
        Assert.Same(first, index.AsOf(Reform)[0]);
    }

    [Fact]
    public void A_cycle_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new TerritoryIndex(
            [Unit("A", TerritoryLevel.Province, "B"), Unit("B", TerritoryLevel.Province, "A")], []));
    }

    [Fact]
    public void A_succession_between_versions_that_do_not_exist_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new TerritoryIndex(
            [Nation, Unit("01", TerritoryLevel.Province, "VN", Reform)],
            [new TerritorySuccession("02", "01", Reform, SuccessionKind.Full, TerritoryLevel.Province)]));
        Assert.Contains("02", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsWithin_agrees_with_Ancestors_on_real_codes_and_dates()
    {
        var index = TestData.Territories;
        var codes = index.All.Select(t => t.Code).Distinct().ToArray();
        DateOnly[] dates = [new(2020, 1, 1), new(2025, 6, 30), new(2025, 7, 1), new(2026, 4, 29), new(2026, 4, 30), new(2030, 1, 1)];

        // Candidate ancestors are drawn from the real ancestors of some unit half of the time, so "true" is tested too.
        var gen =
            from code in Gen.Elements(codes)
            from date in Gen.Elements(dates)
            from other in Gen.Elements(codes)
            from pickAncestor in Gen.Elements(true, false)
            from k in Gen.Choose(0, 3)
            let ancestors = index.Ancestors(code, date)
            let candidate = pickAncestor && ancestors.Count > 0 ? ancestors[k % ancestors.Count].Code : other
            select (code, candidate, date);

        // Subtrees are computed once per (unit, date): the nation's alone has fourteen thousand versions.
        var subtrees = new Dictionary<(string, DateOnly), HashSet<string>>();
        HashSet<string> Subtree(string code, DateOnly date)
        {
            if (!subtrees.TryGetValue((code, date), out var set))
            {
                subtrees.Add((code, date), set = index.Descendants(code, date).Select(d => d.Code).ToHashSet(StringComparer.Ordinal));
            }

            return set;
        }

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(2_000),
            Prop.ForAll(gen.ToArbitrary(), sample =>
            {
                var (code, candidate, date) = sample;
                var expected = code == candidate || index.Ancestors(code, date).Any(a => a.Code == candidate);
                var descendantsAgree = code == candidate || Subtree(candidate, date).Contains(code) == expected;
                return index.IsWithin(code, candidate, date) == expected && descendantsAgree;
            }));
    }
}
