using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Nris.Core.Catalogue;

/// <summary>
/// Reads and writes the human-editable catalogue files (<c>categories.json</c>, <c>codelists.json</c>,
/// <c>indicators.json</c>, <c>regimes.json</c>): each a JSON array in the <see cref="CatalogueJson"/> shape.
/// Streams only; the caller opens the files.
/// </summary>
/// <remarks>
/// Reading is stricter than <see cref="CatalogueJson.Options"/> alone: a field without a default must be present,
/// null is refused where the model does not allow it, and a property given twice is an error, so that a typo or a
/// slip in a hand-edited file is reported instead of silently becoming an empty value. Writing leaves out computed
/// members (<see cref="Indicator.IsDerived"/>, <see cref="Regime.Rows"/>) so a file holds each fact once.
/// </remarks>
public static partial class CatalogueFiles
{
    /// <summary>File name of the information categories.</summary>
    public const string CategoriesFile = "categories.json";

    /// <summary>File name of the codelists.</summary>
    public const string CodelistsFile = "codelists.json";

    /// <summary>File name of the indicators.</summary>
    public const string IndicatorsFile = "indicators.json";

    /// <summary>File name of the reporting regimes.</summary>
    public const string RegimesFile = "regimes.json";

    private static readonly JsonSerializerOptions StrictOptions = CreateStrictOptions();

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Reads <c>categories.json</c>.</summary>
    /// <exception cref="CatalogueFormatException">The content is not a valid list of categories.</exception>
    public static IReadOnlyList<InformationCategory> ReadCategories(Stream stream) =>
        Read<InformationCategory>(stream, CategoriesFile, static (_, _) => null);

    /// <summary>Reads <c>codelists.json</c>.</summary>
    /// <exception cref="CatalogueFormatException">The content is not a valid list of codelists.</exception>
    public static IReadOnlyList<Codelist> ReadCodelists(Stream stream) =>
        Read<Codelist>(stream, CodelistsFile, static (c, at) => FirstNull(c.Codes, at + ".codes"));

    /// <summary>Reads <c>indicators.json</c>.</summary>
    /// <exception cref="CatalogueFormatException">The content is not a valid list of indicators.</exception>
    public static IReadOnlyList<Indicator> ReadIndicators(Stream stream) =>
        Read<Indicator>(stream, IndicatorsFile, static (i, at) =>
            FirstNull(i.Disaggregations, at + ".disaggregations")
            ?? (i.SourceOrder is null ? null : FirstNull(i.SourceOrder, at + ".sourceOrder")));

    /// <summary>Reads <c>regimes.json</c>.</summary>
    /// <exception cref="CatalogueFormatException">The content is not a valid list of regimes.</exception>
    public static IReadOnlyList<Regime> ReadRegimes(Stream stream) =>
        Read<Regime>(stream, RegimesFile, static (r, at) =>
        {
            var found = FirstNull(r.Reporters.Codes, at + ".reporters.codes")
                ?? FirstNull(r.Sections, at + ".sections")
                ?? FirstNull(r.Rules, at + ".rules");
            for (var s = 0; found is null && s < r.Sections.Count; s++)
            {
                found = FirstNull(r.Sections[s].Rows, string.Create(CultureInfo.InvariantCulture, $"{at}.sections[{s}].rows"));
            }
            return found;
        });

    /// <summary>Reads a list of territory changes (what <c>POST /api/admin/territory-changes</c> takes, one at a time).</summary>
    /// <exception cref="CatalogueFormatException">The content is not a valid list of territory changes.</exception>
    public static IReadOnlyList<TerritoryChange> ReadTerritoryChanges(Stream stream) =>
        Read<TerritoryChange>(stream, "territory-changes.json", static (c, at) =>
            FirstNull(c.EndTerritories, at + ".endTerritories")
            ?? FirstNull(c.Territories, at + ".territories")
            ?? FirstNull(c.Successions, at + ".successions")
            ?? (c.EndOrganizations is null ? null : FirstNull(c.EndOrganizations, at + ".endOrganizations"))
            ?? (c.Organizations is null ? null : FirstNull(c.Organizations, at + ".organizations"))
            ?? (c.OrganizationSuccessions is null ? null : FirstNull(c.OrganizationSuccessions, at + ".organizationSuccessions")));

    /// <summary>
    /// Reads the four files of a catalogue directory. <paramref name="open"/> gets a file name
    /// (<see cref="CategoriesFile"/> …) and returns its content; the streams are disposed here.
    /// Territories and organizations stay empty: reference data supplies them.
    /// </summary>
    /// <exception cref="CatalogueFormatException">A file is not valid.</exception>
    public static CatalogueContent ReadAll(Func<string, Stream> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        using var categories = open(CategoriesFile);
        using var codelists = open(CodelistsFile);
        using var indicators = open(IndicatorsFile);
        using var regimes = open(RegimesFile);
        return CatalogueContent.Empty with
        {
            Categories = ReadCategories(categories),
            Codelists = ReadCodelists(codelists),
            Indicators = ReadIndicators(indicators),
            Regimes = ReadRegimes(regimes),
        };
    }

    /// <summary>Writes <c>categories.json</c>.</summary>
    public static void WriteCategories(Stream stream, IReadOnlyList<InformationCategory> items) => Write(stream, items);

    /// <summary>Writes <c>codelists.json</c>.</summary>
    public static void WriteCodelists(Stream stream, IReadOnlyList<Codelist> items) => Write(stream, items);

    /// <summary>Writes <c>indicators.json</c>.</summary>
    public static void WriteIndicators(Stream stream, IReadOnlyList<Indicator> items) => Write(stream, items);

    /// <summary>Writes <c>regimes.json</c>.</summary>
    public static void WriteRegimes(Stream stream, IReadOnlyList<Regime> items) => Write(stream, items);

    /// <summary>
    /// Writes the four files of a catalogue directory from <paramref name="content"/>. <paramref name="create"/>
    /// gets a file name and returns a writable stream; the streams are disposed here.
    /// </summary>
    public static void WriteAll(CatalogueContent content, Func<string, Stream> create)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(create);
        using (var s = create(CategoriesFile))
        {
            WriteCategories(s, content.Categories);
        }
        using (var s = create(CodelistsFile))
        {
            WriteCodelists(s, content.Codelists);
        }
        using (var s = create(IndicatorsFile))
        {
            WriteIndicators(s, content.Indicators);
        }
        using (var s = create(RegimesFile))
        {
            WriteRegimes(s, content.Regimes);
        }
    }

    private static void Write<T>(Stream stream, IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(items);
        JsonSerializer.Serialize(stream, items, StrictOptions);
        // Files are edited by people and kept in git: end with a newline like every other text file.
        stream.WriteByte((byte)'\n');
    }

    // firstNull returns the path of a null element inside an item: the serializer lets those through.
    private static List<T> Read<T>(Stream stream, string fileName, Func<T, string, string?> firstNull)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Catalogue files are small; holding the bytes lets an error be located by character column, not byte.
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        var json = bytes.AsSpan().StartsWith(Utf8Bom) ? bytes.AsMemory(Utf8Bom.Length) : bytes.AsMemory();

        List<T?>? items;
        try
        {
            items = JsonSerializer.Deserialize<List<T?>>(json.Span, StrictOptions);
        }
        catch (JsonException ex)
        {
            throw Describe<T>(ex, fileName, json.Span);
        }

        if (items is null)
        {
            throw new CatalogueFormatException(fileName, 1, 1, "$",
                "tệp phải là một mảng JSON [ … ], không phải null",
                "the file must be a JSON array [ … ], not null");
        }
        var result = new List<T>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"$[{i}]");
            var item = items[i] ?? throw NullItem(fileName, at);
            if (firstNull(item, at) is { } nullAt)
            {
                throw NullItem(fileName, nullAt);
            }
            result.Add(item);
        }
        return result;
    }

    private static string? FirstNull<TItem>(IReadOnlyList<TItem?> list, string path)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
            }
        }
        return null;
    }

    private static CatalogueFormatException NullItem(string fileName, string path) =>
        new(fileName, null, null, path, "phần tử của danh sách không được là null", "a list element must not be null");

    /// <summary>Turns the serializer's English-only message into a located, bilingual one.</summary>
    private static CatalogueFormatException Describe<T>(JsonException ex, string fileName, ReadOnlySpan<byte> json)
    {
        long? line = ex.LineNumber is { } l ? l + 1 : null;
        long? column = ex.LineNumber is { } ln && ex.BytePositionInLine is { } bp ? CharColumn(json, ln, bp) : null;
        var path = ex.Path;
        var detail = StripLocation(ex.Message);
        var last = LastPropertyName(path);

        string vi, en;
        if (detail.Contains("could not be mapped", StringComparison.Ordinal))
        {
            vi = $"thuộc tính '{last}' không có trong định dạng (gõ sai tên?)";
            en = $"unknown property '{last}' (a typo?)";
        }
        else if (detail.Contains("missing required properties", StringComparison.Ordinal))
        {
            var names = Regex.Match(detail, @"including: (.*?)\.?$").Groups[1].Value;
            vi = $"thiếu thuộc tính bắt buộc: {names}";
            en = $"missing required property: {names}";
        }
        else if (detail.Contains("null", StringComparison.OrdinalIgnoreCase) && detail.Contains("allow", StringComparison.Ordinal))
        {
            vi = $"'{last}' không được là null";
            en = $"'{last}' must not be null";
        }
        else if (detail.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            vi = $"thuộc tính '{last}' bị khai báo hai lần";
            en = $"property '{last}' is given twice";
        }
        else if (detail.Contains("could not be converted", StringComparison.Ordinal))
        {
            // The serializer names the enclosing type; the path tells which property's type was wanted.
            (vi, en) = path == "$"
                ? ("tệp phải là một mảng JSON [ … ]", "the file must be a JSON array [ … ]")
                : DescribeConversion(TypeAt(typeof(List<T>), path), last);
        }
        else if (detail.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            vi = "tệp rỗng; cần một mảng JSON [ … ]";
            en = "the file is empty; a JSON array [ … ] is expected";
        }
        else
        {
            // Syntax errors: the serializer's wording says which character it expected, worth keeping in English.
            vi = "JSON sai cú pháp (thiếu hoặc thừa dấu phẩy, dấu ngoặc, dấu ngoặc kép?)";
            en = "invalid JSON: " + detail;
        }
        return new CatalogueFormatException(fileName, line, column, path, vi, en, ex);
    }

    private static (string Vi, string En) DescribeConversion(Type? type, string property)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is { IsEnum: true })
        {
            var allowed = string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName));
            return ($"giá trị của '{property}' không hợp lệ; các giá trị được phép: {allowed}",
                    $"'{property}' has an invalid value; allowed values: {allowed}");
        }
        if (type == typeof(DateOnly))
        {
            return ($"'{property}' phải là ngày dạng \"yyyy-MM-dd\" hoặc null",
                    $"'{property}' must be a date \"yyyy-MM-dd\" or null");
        }
        if (type == typeof(int) || type == typeof(decimal))
        {
            return ($"'{property}' phải là số", $"'{property}' must be a number");
        }
        if (type == typeof(bool))
        {
            return ($"'{property}' phải là true hoặc false", $"'{property}' must be true or false");
        }
        if (type == typeof(string))
        {
            return ($"'{property}' phải là chuỗi trong dấu ngoặc kép", $"'{property}' must be a string in double quotes");
        }
        if (type is not null && ElementType(type) is not null)
        {
            return ($"'{property}' phải là một mảng [ … ]", $"'{property}' must be an array [ … ]");
        }
        return ($"'{property}' phải là một đối tượng {{ … }} đúng kiểu", $"'{property}' must be an object {{ … }} of the right shape");
    }

    /// <summary>The .NET type the reader expected at a JSON path such as "$[3].reporters.kinds[0]"; null if unknown.</summary>
    private static Type? TypeAt(Type root, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return root;
        }
        Type? type = root;
        foreach (Match segment in PathSegment().Matches(path))
        {
            if (type is null)
            {
                return null;
            }
            if (segment.Groups["index"].Success)
            {
                type = ElementType(type);
            }
            else
            {
                var name = segment.Groups["name"].Value;
                type = StrictOptions.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == name)?.PropertyType;
            }
        }
        return type;
    }

    private static Type? ElementType(Type type) =>
        type == typeof(string)
            ? null
            : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ?.GetGenericArguments()[0];

    [GeneratedRegex(@"\[(?<index>\d+)\]|\.(?<name>[A-Za-z0-9_]+)|\['(?<name>[^']*)'\]")]
    private static partial Regex PathSegment();

    private static string StripLocation(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }
        return (cut >= 0 ? message[..cut] : message).Trim();
    }

    private static string LastPropertyName(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "$";
        }
        var dot = path.LastIndexOf('.');
        var name = dot >= 0 ? path[(dot + 1)..] : path;
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? name[..bracket] : name;
    }

    /// <summary>The serializer counts bytes; a person counts characters, and Vietnamese letters take 2–3 bytes.</summary>
    private static long CharColumn(ReadOnlySpan<byte> json, long line, long bytePosition)
    {
        var start = 0;
        for (long l = 0; l < line; l++)
        {
            var next = json[start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return bytePosition + 1;
            }
            start += next + 1;
        }
        var length = (int)Math.Min(bytePosition, json.Length - start);
        return Encoding.UTF8.GetCharCount(json.Slice(start, length)) + 1;
    }

    private static JsonSerializerOptions CreateStrictOptions()
    {
        var options = new JsonSerializerOptions(CatalogueJson.Options)
        {
            RespectNullableAnnotations = true,
            AllowDuplicateProperties = false,
            // The web defaults read "12" as 12; in a hand-edited file a quoted number is a slip worth reporting.
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Tighten } },
        };
        options.MakeReadOnly();
        return options;
    }

    private static void Tighten(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        if (type.Type == typeof(Validity))
        {
            // Show an open end as "to": null, so a person editing the file sees where to close a version.
            foreach (var property in type.Properties)
            {
                property.ShouldSerialize = static (_, _) => true;
            }
        }
        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            var property = type.Properties[i];
            var parameter = property.AssociatedParameter;
            if (parameter is null && property.Set is null)
            {
                // Computed (IsDerived, Rows, Key): written it would duplicate data, read it would be ignored.
                type.Properties.RemoveAt(i);
            }
            else if (parameter is { HasDefaultValue: false, IsNullable: false })
            {
                // A constructor argument without a default is a field the file must state.
                property.IsRequired = true;
            }
        }
    }
}
