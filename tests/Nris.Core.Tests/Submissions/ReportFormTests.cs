using Nris.Core.Catalogue;
using Nris.Core.Submissions;
using static Nris.Core.Tests.Validation.ValidationTestData;

namespace Nris.Core.Tests.Submissions;

public sealed class ReportFormTests
{
    private static ReportForm Form(string code) => new(Snapshot.LatestRegime(code)!, Snapshot);

    [Fact]
    public void Rows_map_to_indicators_in_form_order()
    {
        var form = Form("KTXH-TINH-THANG");
        Assert.Equal(26, form.Rows.Count);
        Assert.Equal("A01", form.Rows[0].Code);
        Assert.Equal("IIP", form.Row("A01")!.Indicator.Code);
        Assert.Null(form.Row("a01"));
        Assert.Null(form.Row("Z99"));
        Assert.Equal("A05", Assert.Single(form.RowsFor("EXPORT")).Code);
        Assert.Empty(form.RowsFor("GRDP"));
    }

    [Fact]
    public void A_disaggregated_row_has_the_total_then_its_codelist_items()
    {
        var row = Form("KTXH-TINH-THANG").Row("A05")!;
        Assert.Equal(["_T", "STATE", "NONSTATE", "FDI"], row.Columns.Select(c => c.Code));
        Assert.Equal(["_T", "ECON_SECTOR:STATE", "ECON_SECTOR:NONSTATE", "ECON_SECTOR:FDI"], row.Columns.Select(c => c.Disaggregation));
        Assert.Equal(("Tổng số", "Total"), (row.Total.Label, row.Total.LabelEn));
        Assert.Equal(("Khu vực có vốn đầu tư nước ngoài", "Foreign-invested sector"), (row.Column("FDI")!.Label, row.Column("FDI")!.LabelEn));
        Assert.Null(row.Column("fdi"));
        Assert.Single(Form("KTXH-TINH-THANG").Row("A01")!.Columns);
    }

    [Fact]
    public void Cell_labels_come_in_both_languages()
    {
        var form = Form("YTE-TINH-NAM");
        var row = form.Row("B02")!;
        Assert.Equal(($"{row.Row.Label} — Nữ", $"{row.Row.LabelEn} — Female"), form.Label("B02", "F"));
        Assert.Equal(($"{row.Row.Label} — Tổng số", $"{row.Row.LabelEn} — Total"), form.Label("B02", "_T"));
        var plain = form.Row("A01")!;
        Assert.Equal((plain.Row.Label, plain.Row.LabelEn), form.Label("A01", "_T"));
        Assert.Null(form.Label("A01", "F"));
        Assert.Null(form.Label("Z99", "_T"));
    }

    [Fact]
    public void Values_are_located_by_indicator_and_disaggregation()
    {
        var form = Form("KTXH-TINH-THANG");
        Assert.True(form.TryLocate(new ReportValue("EXPORT", "ECON_SECTOR:FDI", null, 1m, null, null), out var row, out var column));
        Assert.Equal(("A05", "FDI"), (row!.Code, column!.Code));
        Assert.False(form.TryLocate(new ReportValue("EXPORT", "SEX:F", null, 1m, null, null), out _, out _));
        Assert.False(form.TryLocate(new ReportValue("GRDP", "_T", null, 1m, null, null), out _, out _));
        Assert.Equal(("EXPORT", "ECON_SECTOR:FDI"), form.Cell("A05", "FDI"));
        Assert.Equal(("EXPORT", "_T"), form.Cell("A05", "_T"));
        Assert.Null(form.Cell("A05", "F"));
    }

    [Fact]
    public void An_indicator_in_two_rows_shares_its_total_and_keeps_each_rows_breakdown()
    {
        // Labour force by sex in A01 and by urban/rural in A02: one total, two breakdowns.
        var form = Form("LDVL-QUY");
        Assert.Equal(["A01", "A02"], form.RowsFor("LABOUR_FORCE_15PLUS").Select(r => r.Code));
        Assert.True(form.TryLocate("LABOUR_FORCE_15PLUS", "_T", out var total, out _));
        Assert.Equal("A01", total!.Code);
        Assert.True(form.TryLocate("LABOUR_FORCE_15PLUS", "URBAN_RURAL:U", out var urban, out _));
        Assert.Equal("A02", urban!.Code);
        Assert.Equal(form.Cell("A01", "_T"), form.Cell("A02", "_T"));
    }

    [Fact]
    public void A_form_naming_a_missing_indicator_or_codelist_is_refused()
    {
        var regime = Snapshot.LatestRegime("KTXH-TINH-THANG")!;
        var badIndicator = regime with { Sections = [new FormSection("A", "A", "A", [new FormRow("A01", "x", "x", "NOPE")])] };
        Assert.Throws<ArgumentException>(() => new ReportForm(badIndicator, Snapshot));
        var badList = regime with { Sections = [new FormSection("A", "A", "A", [new FormRow("A01", "x", "x", "IIP", "NOPE")])] };
        Assert.Throws<ArgumentException>(() => new ReportForm(badList, Snapshot));
        var twice = regime with { Sections = [new FormSection("A", "A", "A", [new FormRow("A01", "x", "x", "IIP"), new FormRow("A01", "y", "y", "CPI_YOY")])] };
        Assert.Throws<ArgumentException>(() => new ReportForm(twice, Snapshot));
    }
}
