using Nris.Core.Ledger;
using Nris.Core.Periods;
using Nris.Core.Submissions;

namespace Nris.Core.Tests.Submissions;

public sealed class SubmissionWorkflowTests
{
    [Theory]
    [InlineData(null, SubmissionAction.Submit, null, true, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Draft, SubmissionAction.Submit, null, true, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Submitted, SubmissionAction.Submit, null, false, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Submitted, SubmissionAction.Revise, "lý do", true, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Returned, SubmissionAction.Revise, "lý do", true, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Accepted, SubmissionAction.Revise, "lý do", false, SubmissionState.Accepted)]
    [InlineData(SubmissionState.Submitted, SubmissionAction.Revise, " ", false, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Submitted, SubmissionAction.Accept, null, true, SubmissionState.Accepted)]
    [InlineData(SubmissionState.Accepted, SubmissionAction.Accept, null, false, SubmissionState.Accepted)]
    [InlineData(SubmissionState.Returned, SubmissionAction.Accept, null, false, SubmissionState.Returned)]
    [InlineData(SubmissionState.Submitted, SubmissionAction.Return, "thiếu", true, SubmissionState.Returned)]
    [InlineData(SubmissionState.Submitted, SubmissionAction.Return, null, false, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Accepted, SubmissionAction.Reopen, "mở", true, SubmissionState.Submitted)]
    [InlineData(SubmissionState.Submitted, SubmissionAction.Reopen, "mở", false, SubmissionState.Submitted)]
    [InlineData(null, SubmissionAction.Accept, null, false, SubmissionState.Draft)]
    public void The_transition_table(SubmissionState? state, SubmissionAction action, string? reason, bool allowed, SubmissionState next)
    {
        var decision = SubmissionWorkflow.Decide(state, action, reason);
        Assert.Equal((allowed, next), (decision.Allowed, decision.NextState));
        Assert.Equal(allowed, decision.ReasonEn.Length == 0);
        Assert.Equal(allowed, decision.ReasonVi.Length == 0);
    }

    [Fact]
    public void A_revision_of_an_accepted_report_is_locked_and_says_to_reopen()
    {
        var decision = SubmissionWorkflow.Decide(SubmissionState.Accepted, SubmissionAction.Revise, "x");
        Assert.Equal(SubmissionWorkflow.Locked, decision.Code);
        Assert.Contains("mở lại", decision.ReasonVi, StringComparison.Ordinal);
        Assert.Contains("reopen", decision.ReasonEn, StringComparison.Ordinal);
    }

    private static readonly ReportKey Key = new("KTXH-TINH-THANG", Period.Month(2026, 3), "UBND.01");

    [Fact]
    public void The_payload_is_canonical_and_independent_of_value_order_and_decimal_spelling()
    {
        List<ReportValue> values =
        [
            new("B", "_T", null, 1.50m, null, null, ObservationStatus.Official, "Ghi chú \"x\""),
            new("A", "SEX:F", "01001", null, "Cafe\u0301", null),
            new("A", "SEX:F", null, null, null, true),
        ];
        var a = SubmissionPayload.Build(new SubmissionDocument(Key, 2, 1, null, SubmissionPayload.Normalize(values, "01"), []));
        values.Reverse();
        values[2] = values[2] with { Number = 1.5m };
        var b = SubmissionPayload.Build(new SubmissionDocument(Key, 2, 1, null, SubmissionPayload.Normalize(values, "01"), []));
        Assert.Equal(a, b);
        Assert.True(CanonicalJson.IsCanonical(a));
        var text = System.Text.Encoding.UTF8.GetString(a);
        Assert.Contains("\"number\":1.5,", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("\"territory\":\"01\"", StringComparison.Ordinal) < text.IndexOf("\"territory\":\"01001\"", StringComparison.Ordinal));
        Assert.Contains("Café", text, StringComparison.Ordinal); // NFC
    }

    [Fact]
    public void The_directly_written_payload_equals_what_canonical_json_makes_of_it()
    {
        List<ReportValue> values =
        [
            new("X", "_T", "01", -0.000m, null, null),
            new("X", "SEX:M", "01", 79228162514264337593543950335m, null, null, ObservationStatus.Estimated),
            new("X", "SEX:F", "01", -0.0000000000000000000000000001m, null, null, ObservationStatus.Official),
            new("Y", "_T", "01", null, "tab\t quote\" back\\ nul\u0000 bell\u0007 del\u007f emoji 😀 Vie\u0302\u0323t", null, Note: "\r\n\b\f"),
            new("Z", "_T", "01", 12345.6789000m, null, false),
        ];
        var document = new SubmissionDocument(Key, 3, 7, "lý do \"x\"", values, [new("R9", "b"), new("R1", "a")],
            new SubmissionSignature("cms", "CN=Ngô", [255, 0]));
        foreach (var bytes in new[] { SubmissionPayload.Build(document), SubmissionPayload.SignedBytes(document) })
        {
            Assert.Equal(CanonicalJson.Canonicalize(bytes), bytes);
        }
        Assert.Throws<CanonicalJsonException>(() => SubmissionPayload.Build(document with
        {
            Values = [new("X", "_T", "01", null, "\ud800", null)],
        }));
    }

    [Fact]
    public void The_signature_is_in_the_payload_but_not_in_the_signed_bytes()
    {
        var doc = new SubmissionDocument(Key, 1, 2, "sửa", [new("A", "_T", "01", 1, null, null)], [new("R2", "giải trình")],
            new SubmissionSignature("cms", "CN=Nguyễn Văn A", [1, 2, 3]));
        var payload = System.Text.Encoding.UTF8.GetString(SubmissionPayload.Build(doc));
        var signed = System.Text.Encoding.UTF8.GetString(SubmissionPayload.SignedBytes(doc));
        Assert.Contains("\"signature\":{\"format\":\"cms\",\"value\":\"AQID\"}", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("\"signature\"", signed, StringComparison.Ordinal);
        Assert.Contains("\"signer\":\"CN=Nguyễn Văn A\"", signed, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_finds_added_removed_and_changed_cells()
    {
        ReportValue[] before = [new("A", "_T", "01", 1, null, null), new("B", "_T", "01", 2, null, null), new("C", "_T", "01", 3.0m, null, null)];
        ReportValue[] after = [new("A", "_T", "01", 1.00m, null, null), new("B", "_T", "01", 2, null, null, ObservationStatus.Official), new("D", "_T", "01", 4, null, null)];
        var diff = ValueDiff.Between(before, after);
        Assert.Equal("D", Assert.Single(diff.Added).IndicatorCode);
        Assert.Equal("C", Assert.Single(diff.Removed).IndicatorCode);
        Assert.Equal("B", Assert.Single(diff.Changed).Cell.IndicatorCode);
        Assert.True(ValueDiff.Between(before, before).IsEmpty);
    }
}
