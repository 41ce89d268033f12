using System.Text.Json;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Periods;

namespace Nris.Core.Tests.Catalogue;

public sealed class CatalogueChangesTests
{
    private static Regime Regime(int version, Validity validity) =>
        new("R", version, validity, "Báo cáo", "Report", "Luật", RegimeType.Periodic, Periodicity.Monthly, "decree09",
            "day 20 of last month", new ReporterSpec([OrganizationKind.CommuneCommittee], []), "VPCP",
            [new FormSection("A", "A", "A", [new FormRow("A01", "x", "x", "POP")])], [], Classification.Internal);

    private static CatalogueContent Content(params Regime[] regimes) => CatalogueContent.Empty with { Regimes = regimes };

    [Fact]
    public void A_new_version_closes_the_previous_one_the_day_before_and_leaves_older_ones_alone()
    {
        var v1 = Regime(1, new Validity(new DateOnly(2020, 1, 1), new DateOnly(2022, 12, 31)));
        var v2 = Regime(2, new Validity(new DateOnly(2023, 1, 1), null));
        var v3 = Regime(3, new Validity(new DateOnly(2026, 7, 1), null));
        Assert.Null(CatalogueChanges.TryPublishRegimeVersion(Content(v1, v2), v3, out var change));
        Assert.Equal(new DateOnly(2026, 6, 30), change!.Closed!.Validity.To);
        Assert.Equal(2, change.Closed.Version);
        Assert.Equal([v1, change.Closed, v3], change.Content.Regimes);
        var snapshot = new CatalogueSnapshot(change.Content);
        Assert.Equal(2, snapshot.Regime("R", new DateOnly(2026, 6, 30))!.Version);
        Assert.Equal(3, snapshot.Regime("R", new DateOnly(2026, 7, 1))!.Version);
    }

    [Fact]
    public void Stale_versions_early_dates_and_existing_codes_are_refused()
    {
        var v1 = Regime(1, new Validity(new DateOnly(2020, 1, 1), null));
        var conflict = CatalogueChanges.TryPublishRegimeVersion(Content(v1), Regime(3, new Validity(new DateOnly(2026, 1, 1), null)), out var none);
        Assert.True(conflict!.IsConflict);
        Assert.Null(none);
        var early = CatalogueChanges.TryPublishRegimeVersion(Content(v1), Regime(2, new Validity(new DateOnly(2020, 1, 1), null)), out _);
        Assert.Equal("validity.from", early!.Field);
        Assert.False(early.IsConflict);
        Assert.Equal("validity.from", CatalogueChanges.TryPublishRegimeVersion(Content(v1), Regime(2, Validity.Always), out _)!.Field);
        Assert.True(CatalogueChanges.TryCreateRegime(Content(v1), v1, out _)!.IsConflict);
        Assert.Equal("version", CatalogueChanges.TryCreateRegime(Content(), Regime(2, Validity.Always), out _)!.Field);
    }

    [Fact]
    public void The_ledger_payload_is_canonical_and_holds_the_whole_new_item_and_the_actor()
    {
        var v1 = Regime(1, new Validity(new DateOnly(2020, 1, 1), null));
        CatalogueChanges.TryPublishRegimeVersion(Content(v1), Regime(2, new Validity(new DateOnly(2026, 1, 1), null)) with { Name = "Mới" }, out var change);
        var payload = change!.LedgerPayload("alice");
        Assert.True(CanonicalJson.IsCanonical(payload));
        using var doc = JsonDocument.Parse(payload);
        Assert.Equal("regime.versioned", doc.RootElement.GetProperty("change").GetString());
        Assert.Equal("alice", doc.RootElement.GetProperty("actor").GetString());
        Assert.Equal("Mới", doc.RootElement.GetProperty("item").GetProperty("name").GetString());
        Assert.Equal("2025-12-31", doc.RootElement.GetProperty("closed").GetProperty("validity").GetProperty("to").GetString());
        // Another actor is another payload: who changed the rules is part of what the chain protects.
        Assert.NotEqual(payload, change.LedgerPayload("bob"));
    }
}
