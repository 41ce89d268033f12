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
    public static object Sparkline(IEnumerable<decimal?> values) => Sparkline(values, "#9b1c1c", "rgba(155,28,28,0.08)", 2);

    /// <summary>A sparkline in given colours (the wall's is gold on dark, thicker).</summary>
    public static object Sparkline(IEnumerable<decimal?> values, string line, string area, int width) => new
    {
        grid = new { left = 2, right = 2, top = 4, bottom = 2 },
        xAxis = new { type = "category", show = false },
        yAxis = new { type = "value", show = false, scale = true },
        series = new[] { new { type = "line", data = values.ToArray(), smooth = true, symbol = "none", lineStyle = new { width, color = line }, areaStyle = new { color = area } } },
    };

    /// <summary>A labelled series over periods: a line (or bars for yearly figures), with axes.</summary>
    public static object Series(IEnumerable<string> labels, IEnumerable<decimal?> values, string name, bool bars = false, bool large = false) => new
    {
        tooltip = new { trigger = "axis" },
        grid = new { left = large ? 110 : 64, right = 16, top = 16, bottom = large ? 48 : 32 },
        textStyle = large ? new { fontSize = 22 } : null,
        xAxis = new { type = "category", data = labels.ToArray(), axisLabel = large ? new { fontSize = 26 } : null },
        yAxis = new { type = "value", scale = !bars, axisLabel = large ? new { fontSize = 26 } : null },
        series = new[]
        {
            new
            {
                type = bars ? "bar" : "line", name, data = values.ToArray(), smooth = true, symbolSize = large ? 10 : 4,
                lineStyle = new { width = large ? 5 : 3, color = "#9b1c1c" }, itemStyle = new { color = bars ? "#1d4f91" : "#9b1c1c" },
            },
        },
    };
}
