using System.Globalization;
using System.Text.RegularExpressions;
using Nris.Core.Periods;

namespace Nris.Core.Catalogue;

/// <summary>Which kind of catalogue item a <see cref="CatalogueProblem"/> is about.</summary>
public enum CatalogueItemKind
{
    /// <summary>An information category.</summary>
    Category = 0,
    /// <summary>A codelist.</summary>
    Codelist = 1,
    /// <summary>An indicator.</summary>
    Indicator = 2,
    /// <summary>A reporting regime (one version).</summary>
    Regime = 3,
}

/// <summary>One inconsistency found in a catalogue.</summary>
/// <param name="ItemKind">Kind of item.</param>
/// <param name="Code">The item's code (for regimes "CODE v2").</param>
/// <param name="Field">The field at fault, named as in the files, e.g. "weightIndicatorCode" or "rules[R01].expression".</param>
/// <param name="Message">What is wrong, in Vietnamese.</param>
/// <param name="MessageEn">What is wrong, in English.</param>
public sealed record CatalogueProblem(CatalogueItemKind ItemKind, string Code, string Field, string Message, string MessageEn)
{
    /// <inheritdoc />
    public override string ToString() => $"{ItemKind} {Code} {Field}: {MessageEn}";
}

/// <summary>
/// Checks that a catalogue holds together: codes are unique, every code it names exists, formulas have no cycles,
/// aggregation rules suit the value type, forms and rules agree, and deadline and cutoff rules are well formed.
/// It reports every problem rather than stopping at the first, so one import shows the whole list to fix.
/// </summary>
public static partial class CatalogueCheck
{
    /// <summary>Cutoff rule for the Decree 09/2019 windows (15th of the previous month to the 14th).</summary>
    public const string Decree09Cutoff = "decree09";

    /// <summary>Cutoff rule for plain calendar periods.</summary>
    public const string CalendarCutoff = "calendar";

    /// <summary>
    /// Whether <paramref name="rule"/> is a deadline in the catalogue grammar: <c>day N of last month</c>,
    /// <c>day N of next month</c>, <c>N days after cutoff</c>, <c>N days after end</c>,
    /// <c>day N of month M of next year</c>.
    /// </summary>
    public static bool IsDeadlineRule(string? rule)
    {
        if (rule is null || DeadlinePattern().Match(rule) is not { Success: true } m)
        {
            return false;
        }
        static int Number(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);
        if (m.Groups["day"].Success && Number(m.Groups["day"]) is < 1 or > 31)
        {
            return false;
        }
        if (m.Groups["month"].Success && Number(m.Groups["month"]) is < 1 or > 12)
        {
            return false;
        }
        return !m.Groups["days"].Success || Number(m.Groups["days"]) <= 366;
    }

    [GeneratedRegex(@"^(?:day (?<day>\d{1,2}) of (?:last|next) month|(?<days>\d{1,3}) days after (?:cutoff|end)|day (?<day>\d{1,2}) of month (?<month>\d{1,2}) of next year)$", RegexOptions.CultureInvariant)]
    private static partial Regex DeadlinePattern();

    /// <summary>
    /// Lists every problem in <paramref name="content"/>. Recipients and reporter codes are checked against the
    /// organizations only when the content has some: the demo catalogue files carry none, reference data does.
    /// </summary>
    public static IReadOnlyList<CatalogueProblem> Check(CatalogueContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var problems = new List<CatalogueProblem>();
        var categories = CheckCategories(content.Categories, problems);
        var codelists = CheckCodelists(content.Codelists, problems);
        var indicators = CheckIndicators(content.Indicators, categories, codelists, problems);
        var organizations = content.Organizations.Select(o => o.Code).ToHashSet(StringComparer.Ordinal);
        CheckRegimes(content.Regimes, categories, codelists, indicators, organizations, problems);
        return problems;
    }

    private static HashSet<string> CheckCategories(IReadOnlyList<InformationCategory> categories, List<CatalogueProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in categories)
        {
            void Add(string field, string vi, string en) => problems.Add(new(CatalogueItemKind.Category, c.Code, field, vi, en));
            CheckCode(c.Code, seen, Add, "nhóm thông tin", "category");
            CheckNames(c.Name, c.NameEn, Add);
        }
        return seen;
    }

    private static Dictionary<string, Codelist> CheckCodelists(IReadOnlyList<Codelist> codelists, List<CatalogueProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new Dictionary<string, Codelist>(StringComparer.Ordinal);
        foreach (var list in codelists)
        {
            void Add(string field, string vi, string en) => problems.Add(new(CatalogueItemKind.Codelist, list.Code, field, vi, en));
            CheckCode(list.Code, seen, Add, "bảng mã", "codelist");
            CheckNames(list.Name, list.NameEn, Add);
            result.TryAdd(list.Code, list);
            if (list.Codes.Count == 0)
            {
                Add("codes", "bảng mã không có mã nào", "the codelist has no codes");
            }
            var codes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.Codes)
            {
                var field = $"codes[{item.Code}]";
                if (string.IsNullOrWhiteSpace(item.Code))
                {
                    Add(field, "mã trống", "empty code");
                }
                else if (item.Code == Codelist.TotalCode)
                {
                    // The total is implicit; listing it would make "sum of the columns" count it twice.
                    Add(field, $"không liệt kê mã tổng '{Codelist.TotalCode}', mã này là ngầm định",
                        $"do not list the total code '{Codelist.TotalCode}'; it is implicit");
                }
                else if (!codes.Add(item.Code))
                {
                    Add(field, $"mã '{item.Code}' bị lặp", $"code '{item.Code}' appears twice");
                }
                CheckNames(item.Name, item.NameEn, (f, vi, en) => Add(field + "." + f, vi, en));
            }
        }
        return result;
    }

    private static Dictionary<string, Indicator> CheckIndicators(
        IReadOnlyList<Indicator> indicators, HashSet<string> categories, Dictionary<string, Codelist> codelists,
        List<CatalogueProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var byCode = new Dictionary<string, Indicator>(StringComparer.Ordinal);
        foreach (var i in indicators)
        {
            if (!string.IsNullOrWhiteSpace(i.Code))
            {
                byCode.TryAdd(i.Code, i);
            }
        }

        var formulaEdges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var i in indicators)
        {
            void Add(string field, string vi, string en) => problems.Add(new(CatalogueItemKind.Indicator, i.Code, field, vi, en));
            CheckCode(i.Code, seen, Add, "chỉ tiêu", "indicator");
            CheckNames(i.Name, i.NameEn, Add);

            if (!categories.Contains(i.CategoryCode))
            {
                Add("categoryCode", $"nhóm thông tin '{i.CategoryCode}' không tồn tại", $"category '{i.CategoryCode}' does not exist");
            }

            var disaggregations = new HashSet<string>(StringComparer.Ordinal);
            for (var d = 0; d < i.Disaggregations.Count; d++)
            {
                var list = i.Disaggregations[d];
                var field = string.Create(CultureInfo.InvariantCulture, $"disaggregations[{d}]");
                if (!codelists.ContainsKey(list))
                {
                    Add(field, $"bảng mã '{list}' không tồn tại", $"codelist '{list}' does not exist");
                }
                if (!disaggregations.Add(list))
                {
                    Add(field, $"bảng mã '{list}' bị lặp", $"codelist '{list}' is listed twice");
                }
            }

            CheckWeight(i, byCode, Add);
            CheckValueType(i, Add);

            if (i.IsDerived)
            {
                var scan = CatalogueExpressions.ScanFormula(i.Formula!);
                if (!scan.IsValid)
                {
                    Add("formula", "công thức sai cú pháp: " + scan.Error, "formula syntax error: " + scan.ErrorEn);
                }
                var targets = new List<string>();
                foreach (var code in scan.References.Select(r => r.RowCode).Distinct(StringComparer.Ordinal))
                {
                    if (byCode.ContainsKey(code))
                    {
                        targets.Add(code);
                    }
                    else
                    {
                        Add("formula", $"công thức dùng chỉ tiêu '{code}' không tồn tại", $"the formula uses indicator '{code}', which does not exist");
                    }
                }
                formulaEdges.TryAdd(i.Code, targets);
            }
        }

        foreach (var cycle in FindCycles(formulaEdges))
        {
            var path = string.Join(" → ", cycle.Append(cycle[0]));
            problems.Add(new(CatalogueItemKind.Indicator, cycle[0], "formula",
                "công thức tham chiếu vòng: " + path, "the formulas form a cycle: " + path));
        }
        return byCode;
    }

    private static void CheckWeight(Indicator i, Dictionary<string, Indicator> byCode, Action<string, string, string> add)
    {
        const string field = "weightIndicatorCode";
        var weight = i.WeightIndicatorCode;
        if (i.TerritoryAggregation == TerritoryAggregation.WeightedAverage)
        {
            if (string.IsNullOrWhiteSpace(weight))
            {
                add(field, "bình quân gia quyền cần chỉ tiêu quyền số", "a weighted average needs a weight indicator");
                return;
            }
        }
        else if (!string.IsNullOrWhiteSpace(weight))
        {
            // A weight that nothing uses suggests the aggregation rule itself was mistyped.
            add(field, "chỉ tiêu quyền số chỉ dùng với territoryAggregation = weightedAverage",
                "a weight indicator is only used with territoryAggregation = weightedAverage");
            return;
        }
        else
        {
            return;
        }

        if (weight == i.Code)
        {
            add(field, "chỉ tiêu không thể là quyền số của chính nó", "an indicator cannot weight itself");
        }
        else if (!byCode.TryGetValue(weight, out var w))
        {
            add(field, $"chỉ tiêu quyền số '{weight}' không tồn tại", $"weight indicator '{weight}' does not exist");
        }
        else if (w.ValueType is IndicatorValueType.Text or IndicatorValueType.Boolean)
        {
            add(field, $"chỉ tiêu quyền số '{weight}' phải là số", $"weight indicator '{weight}' must be numeric");
        }
    }

    private static void CheckValueType(Indicator i, Action<string, string, string> add)
    {
        if (i.MinValue is { } min && i.MaxValue is { } max && min > max)
        {
            add("minValue", "minValue lớn hơn maxValue", "minValue is greater than maxValue");
        }
        if (i.Decimals is < 0 or > 10)
        {
            add("decimals", "số chữ số thập phân phải từ 0 đến 10", "decimals must be between 0 and 10");
        }
        switch (i.ValueType)
        {
            case IndicatorValueType.Integer when i.Decimals != 0:
                add("decimals", "chỉ tiêu số nguyên không có chữ số thập phân", "an integer indicator has no decimals");
                break;
            case IndicatorValueType.Percent:
                if (i.TerritoryAggregation == TerritoryAggregation.Sum)
                {
                    add("territoryAggregation", "tỷ lệ phần trăm không cộng được qua các địa bàn; dùng bình quân (gia quyền) hoặc none",
                        "percentages do not add up across territories; use a (weighted) average or none");
                }
                if (i.TimeAggregation == TimeAggregation.Sum)
                {
                    add("timeAggregation", "tỷ lệ phần trăm không cộng được qua các kỳ", "percentages do not add up over time");
                }
                break;
            case IndicatorValueType.Boolean or IndicatorValueType.Text:
                var kind = i.ValueType == IndicatorValueType.Text ? ("văn bản", "text") : ("có/không", "boolean");
                if (i.TerritoryAggregation != TerritoryAggregation.None)
                {
                    add("territoryAggregation", $"chỉ tiêu {kind.Item1} không tổng hợp được theo địa bàn; dùng none",
                        $"a {kind.Item2} indicator cannot be aggregated over territory; use none");
                }
                if (i.TimeAggregation is not (TimeAggregation.None or TimeAggregation.Last))
                {
                    add("timeAggregation", $"chỉ tiêu {kind.Item1} chỉ dùng last hoặc none theo thời gian",
                        $"a {kind.Item2} indicator can only use last or none over time");
                }
                if (i.MinValue is not null || i.MaxValue is not null)
                {
                    add("minValue", $"chỉ tiêu {kind.Item1} không có giá trị nhỏ nhất/lớn nhất",
                        $"a {kind.Item2} indicator has no minimum or maximum");
                }
                if (i.IsDerived)
                {
                    add("formula", $"chỉ tiêu {kind.Item1} không tính bằng công thức số học",
                        $"a {kind.Item2} indicator cannot be computed by an arithmetic formula");
                }
                break;
        }
    }

    /// <summary>Finds each cycle of the formula graph once, starting from its smallest code so the report is stable.</summary>
    private static List<List<string>> FindCycles(Dictionary<string, List<string>> edges)
    {
        var cycles = new List<List<string>>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the stack, 2 done
        var stack = new List<string>();

        void Visit(string node)
        {
            state[node] = 1;
            stack.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                var s = state.GetValueOrDefault(next);
                if (s == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(next)).ToList();
                    var smallest = cycle.Min(StringComparer.Ordinal)!;
                    var at = cycle.IndexOf(smallest);
                    cycle = [.. cycle.Skip(at), .. cycle.Take(at)];
                    if (reported.Add(string.Join(" ", cycle)))
                    {
                        cycles.Add(cycle);
                    }
                }
                else if (s == 0)
                {
                    Visit(next);
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
        }

        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0)
            {
                Visit(node);
            }
        }
        return cycles;
    }

    private static void CheckRegimes(
        IReadOnlyList<Regime> regimes, HashSet<string> categories, Dictionary<string, Codelist> codelists,
        Dictionary<string, Indicator> indicators, HashSet<string> organizations, List<CatalogueProblem> problems)
    {
        foreach (var group in regimes.GroupBy(r => r.Code, StringComparer.Ordinal))
        {
            var versions = group.ToList();
            for (var a = 0; a < versions.Count; a++)
            {
                for (var b = a + 1; b < versions.Count; b++)
                {
                    var (x, y) = (versions[a], versions[b]);
                    if (x.Version == y.Version)
                    {
                        problems.Add(new(CatalogueItemKind.Regime, Label(y), "version",
                            $"phiên bản {y.Version} của chế độ '{y.Code}' bị lặp",
                            $"version {y.Version} of regime '{y.Code}' appears twice"));
                    }
                    else if (x.Validity.Overlaps(y.Validity))
                    {
                        problems.Add(new(CatalogueItemKind.Regime, Label(y), "validity",
                            $"hiệu lực {y.Validity} chồng lên phiên bản {x.Version} {x.Validity}",
                            $"validity {y.Validity} overlaps version {x.Version} {x.Validity}"));
                    }
                }
            }
        }

        foreach (var r in regimes)
        {
            CheckRegime(r, categories, codelists, indicators, organizations, problems);
        }
    }

    private static string Label(Regime r) => string.Create(CultureInfo.InvariantCulture, $"{r.Code} v{r.Version}");

    private static void CheckRegime(
        Regime r, HashSet<string> categories, Dictionary<string, Codelist> codelists,
        Dictionary<string, Indicator> indicators, HashSet<string> organizations, List<CatalogueProblem> problems)
    {
        var label = Label(r);
        void Add(string field, string vi, string en) => problems.Add(new(CatalogueItemKind.Regime, label, field, vi, en));

        if (string.IsNullOrWhiteSpace(r.Code))
        {
            Add("code", "mã trống", "empty code");
        }
        CheckNames(r.Name, r.NameEn, Add);
        if (r.Version < 1)
        {
            Add("version", "phiên bản bắt đầu từ 1", "versions start at 1");
        }
        if (r.Validity is { From: { } from, To: { } to } && from > to)
        {
            Add("validity", "ngày bắt đầu sau ngày kết thúc", "the start date is after the end date");
        }
        if (string.IsNullOrWhiteSpace(r.LegalBasis))
        {
            Add("legalBasis", "thiếu căn cứ pháp lý", "the legal basis is missing");
        }
        if (r.CategoryCode is { } category && !categories.Contains(category))
        {
            Add("categoryCode", $"nhóm thông tin '{category}' không tồn tại", $"category '{category}' does not exist");
        }

        if (r.CutoffRule is not (Decree09Cutoff or CalendarCutoff))
        {
            Add("cutoffRule", $"quy tắc chốt số liệu phải là '{Decree09Cutoff}' hoặc '{CalendarCutoff}'",
                $"the cutoff rule must be '{Decree09Cutoff}' or '{CalendarCutoff}'");
        }
        else if (r.CutoffRule == Decree09Cutoff && r.Periodicity is Periodicity.Daily or Periodicity.Weekly)
        {
            // Decree 09 defines windows for months, quarters, half-years and years only.
            Add("cutoffRule", "Nghị định 09 không quy định kỳ chốt số liệu theo ngày hoặc tuần; dùng 'calendar'",
                "Decree 09 defines no daily or weekly cutoff window; use 'calendar'");
        }
        if (!IsDeadlineRule(r.DeadlineRule))
        {
            Add("deadlineRule",
                $"thời hạn '{r.DeadlineRule}' không đúng mẫu (day N of last month | day N of next month | N days after cutoff | N days after end | day N of month M of next year)",
                $"deadline '{r.DeadlineRule}' does not match the grammar (day N of last month | day N of next month | N days after cutoff | N days after end | day N of month M of next year)");
        }

        if (r.Reporters.Kinds.Count == 0 && r.Reporters.Codes.Count == 0)
        {
            Add("reporters", "chưa chỉ định đơn vị báo cáo", "no reporters are named");
        }
        if (string.IsNullOrWhiteSpace(r.RecipientCode))
        {
            Add("recipientCode", "thiếu đơn vị nhận báo cáo", "the recipient is missing");
        }
        if (organizations.Count > 0)
        {
            if (r.RecipientCode != Regime.ParentRecipient && !organizations.Contains(r.RecipientCode))
            {
                Add("recipientCode", $"cơ quan nhận '{r.RecipientCode}' không tồn tại", $"recipient '{r.RecipientCode}' does not exist");
            }
            foreach (var code in r.Reporters.Codes.Where(c => !organizations.Contains(c)))
            {
                Add("reporters.codes", $"cơ quan báo cáo '{code}' không tồn tại", $"reporter '{code}' does not exist");
            }
        }

        var rows = CheckForm(r, codelists, indicators, Add);
        CheckRules(r, rows, codelists, Add);
    }

    private static Dictionary<string, FormRow> CheckForm(
        Regime r, Dictionary<string, Codelist> codelists, Dictionary<string, Indicator> indicators, Action<string, string, string> add)
    {
        var sections = new HashSet<string>(StringComparer.Ordinal);
        var rows = new Dictionary<string, FormRow>(StringComparer.Ordinal);
        foreach (var section in r.Sections)
        {
            if (!sections.Add(section.Code))
            {
                add($"sections[{section.Code}]", $"mã phần '{section.Code}' bị lặp", $"section code '{section.Code}' appears twice");
            }
            foreach (var row in section.Rows)
            {
                var field = $"sections[{section.Code}].rows[{row.Code}]";
                if (string.IsNullOrWhiteSpace(row.Code))
                {
                    add(field, "mã dòng trống", "empty row code");
                }
                else if (CatalogueExpressions.RuleFunctions.ContainsKey(row.Code) || row.Code is "and" or "or" or "not")
                {
                    add(field, $"mã dòng '{row.Code}' trùng tên hàm hoặc từ khóa", $"row code '{row.Code}' is a function name or keyword");
                }
                else if (!rows.TryAdd(row.Code, row))
                {
                    add(field, $"mã dòng '{row.Code}' bị lặp trong chế độ", $"row code '{row.Code}' appears twice in the regime");
                }

                if (!indicators.TryGetValue(row.IndicatorCode, out var indicator))
                {
                    add(field + ".indicatorCode", $"chỉ tiêu '{row.IndicatorCode}' không tồn tại", $"indicator '{row.IndicatorCode}' does not exist");
                }
                if (row.DisaggregationCodelist is { } list)
                {
                    if (!codelists.ContainsKey(list))
                    {
                        add(field + ".disaggregationCodelist", $"bảng mã '{list}' không tồn tại", $"codelist '{list}' does not exist");
                    }
                    else if (indicator is not null && !indicator.Disaggregations.Contains(list, StringComparer.Ordinal))
                    {
                        add(field + ".disaggregationCodelist",
                            $"chỉ tiêu '{indicator.Code}' không phân tổ theo '{list}'",
                            $"indicator '{indicator.Code}' is not disaggregated by '{list}'");
                    }
                }
            }
        }
        if (rows.Count == 0)
        {
            add("sections", "biểu mẫu không có dòng nào", "the form has no rows");
        }
        return rows;
    }

    private static void CheckRules(
        Regime r, Dictionary<string, FormRow> rows, Dictionary<string, Codelist> codelists, Action<string, string, string> add)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in r.Rules)
        {
            var field = $"rules[{rule.Code}]";
            if (!codes.Add(rule.Code))
            {
                add(field, $"mã quy tắc '{rule.Code}' bị lặp", $"rule code '{rule.Code}' appears twice");
            }
            if (string.IsNullOrWhiteSpace(rule.Message) || string.IsNullOrWhiteSpace(rule.MessageEn))
            {
                add(field + ".message", "quy tắc cần thông báo tiếng Việt và tiếng Anh", "a rule needs a Vietnamese and an English message");
            }

            var scan = CatalogueExpressions.ScanRule(rule.Expression);
            if (!scan.IsValid)
            {
                add(field + ".expression", "biểu thức sai cú pháp: " + scan.Error, "expression syntax error: " + scan.ErrorEn);
            }
            foreach (var cell in scan.References.Distinct())
            {
                if (!rows.TryGetValue(cell.RowCode, out var row))
                {
                    add(field + ".expression", $"dòng '{cell.RowCode}' không có trong biểu mẫu", $"row '{cell.RowCode}' is not in the form");
                }
                else if (cell.ColumnCode is { } column && column != Codelist.TotalCode)
                {
                    if (row.DisaggregationCodelist is null)
                    {
                        add(field + ".expression", $"dòng '{row.Code}' không phân tổ nên không có cột '{column}'",
                            $"row '{row.Code}' is not disaggregated, so it has no column '{column}'");
                    }
                    else if (codelists.TryGetValue(row.DisaggregationCodelist, out var list)
                             && !list.Codes.Any(c => c.Code == column))
                    {
                        add(field + ".expression", $"mã '{column}' không có trong bảng mã '{list.Code}' của dòng '{row.Code}'",
                            $"code '{column}' is not in codelist '{list.Code}' of row '{row.Code}'");
                    }
                }
            }
        }
    }

    private static void CheckCode(string code, HashSet<string> seen, Action<string, string, string> add, string kindVi, string kindEn)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            add("code", "mã trống", "empty code");
        }
        else if (!seen.Add(code))
        {
            add("code", $"mã {kindVi} '{code}' bị lặp", $"{kindEn} code '{code}' appears twice");
        }
    }

    private static void CheckNames(string name, string nameEn, Action<string, string, string> add)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            add("name", "thiếu tên tiếng Việt", "the Vietnamese name is missing");
        }
        if (string.IsNullOrWhiteSpace(nameEn))
        {
            add("nameEn", "thiếu tên tiếng Anh", "the English name is missing");
        }
    }
}
