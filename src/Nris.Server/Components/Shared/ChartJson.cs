using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nris.Server.Components.Shared;

/// <summary>How chart options are written for ECharts: camelCase, nulls omitted, numbers invariant (JSON).</summary>
public static class ChartJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A small line without axes for a tile.</summary>
    public static object Sparkline(IEnumerable<decimal?> values) => new
    {
        grid = new { left = 2, right = 2, top = 4, bottom = 2 },
        xAxis = new { type = "category", show = false },
        yAxis = new { type = "value", show = false, scale = true },
        series = new[] { new { type = "line", data = values.ToArray(), smooth = true, symbol = "none", lineStyle = new { width = 2, color = "#9b1c1c" }, areaStyle = new { color = "rgba(155,28,28,0.08)" } } },
    };
}
