using Nris.Core.Oversight;
using Nris.Server.Components;

namespace Nris.Server.Requests;

/// <summary>The pages' names of a target's compliance state, Vietnamese first.</summary>
public static class RequestStates
{
    public static string Name(UiContext ui, ComplianceState state)
    {
        ArgumentNullException.ThrowIfNull(ui);
        return state switch
        {
            ComplianceState.NotYetDue => ui.T("Chưa đến hạn", "Not yet due"),
            ComplianceState.ReceivedOnTime => ui.T("Đã trả lời đúng hạn", "Answered on time"),
            ComplianceState.ReceivedLate => ui.T("Đã trả lời muộn", "Answered late"),
            ComplianceState.Missing => ui.T("Quá hạn, chưa trả lời", "Missing"),
            ComplianceState.Returned => ui.T("Bị trả lại", "Returned"),
            ComplianceState.Accepted => ui.T("Đã tiếp nhận", "Accepted"),
            _ => state.ToString(),
        };
    }
}
