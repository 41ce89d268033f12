using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;

namespace Nris.Core.Federation;

/// <summary>
/// One catalogue change as the parent publishes it to its children: the parent's <c>catalogue.changed</c> ledger entry
/// whole (so the child can recompute its hash) and a checkpoint signed by the parent's instance key over that entry's
/// sequence and hash (so the child knows the parent's ledger holds exactly this entry there).
/// </summary>
/// <param name="Sequence">The entry's sequence in the parent's ledger.</param>
/// <param name="Kind">Always <see cref="LedgerEntryKind.CatalogueChanged"/>.</param>
/// <param name="Payload">The entry's canonical JSON payload (<see cref="CatalogueChange.LedgerPayload"/>).</param>
/// <param name="Actor">Who made the change at the parent.</param>
/// <param name="Time">When.</param>
/// <param name="PreviousHash">The hash of the parent's entry before it.</param>
/// <param name="Hash">The entry's hash.</param>
/// <param name="Signature">The parent's checkpoint over (sequence, hash).</param>
public sealed record CatalogueFeedItem(
    long Sequence, string Kind, byte[] Payload, string Actor, DateTimeOffset Time, byte[] PreviousHash, byte[] Hash, Checkpoint Signature);

/// <summary>What a published catalogue change says, read back from its payload.</summary>
/// <param name="Change">regime.created, regime.versioned, indicator.created, indicator.changed, or catalogue.imported.</param>
/// <param name="Code">The regime's or indicator's code ("" for a whole import).</param>
/// <param name="Version">The regime version it creates (0 for indicators and imports).</param>
/// <param name="Regime">The new regime version.</param>
/// <param name="Indicator">The new indicator definition.</param>
/// <param name="ClosedVersion">For a new regime version: the previous version whose validity was closed, if one was.</param>
/// <param name="ClosedTo">The last day of that previous version.</param>
/// <param name="Codelist">The new codelist.</param>
/// <param name="Category">The new information category.</param>
/// <param name="Territorial">The change of the administrative map.</param>
public sealed record PublishedCatalogueChange(
    string Change, string Code, int Version, Regime? Regime, Indicator? Indicator, int? ClosedVersion, DateOnly? ClosedTo,
    Codelist? Codelist = null, InformationCategory? Category = null, TerritoryChange? Territorial = null)
{
    /// <summary>A new regime (version 1).</summary>
    public const string RegimeCreated = "regime.created";

    /// <summary>A new version of a regime.</summary>
    public const string RegimeVersioned = "regime.versioned";

    /// <summary>A new indicator.</summary>
    public const string IndicatorCreated = "indicator.created";

    /// <summary>An indicator's definition replaced.</summary>
    public const string IndicatorChanged = "indicator.changed";

    /// <summary>A codelist created or replaced.</summary>
    public const string CodelistChanged = "codelist.changed";

    /// <summary>An information category created or replaced.</summary>
    public const string CategoryChanged = "category.changed";

    /// <summary>A change of the administrative map (territories, successions, organizations) from a date.</summary>
    public const string TerritoryChanged = "territory.changed";

    /// <summary>A whole-catalogue file import (its entry pins the files' hashes, not their content).</summary>
    public const string CatalogueImported = "catalogue.imported";

    /// <summary>Whether a child can apply it: item changes can, a whole-file import (whose entry holds only file hashes) cannot.</summary>
    public bool IsApplicable => Regime is not null || Indicator is not null || Codelist is not null || Category is not null || Territorial is not null;

    /// <summary>
    /// Reads a <c>catalogue.changed</c> payload. Throws <see cref="FormatException"/> for a payload that is not one;
    /// the item is read with the catalogue files' strict reader, so it is accepted exactly as an import would accept it.
    /// </summary>
    /// <param name="payload">The entry's payload.</param>
    /// <returns>The change.</returns>
    /// <exception cref="FormatException">The payload is not a catalogue change.</exception>
    public static PublishedCatalogueChange Parse(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(payload) as JsonObject ?? throw new FormatException("the payload is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException("the payload is not JSON: " + e.Message, e);
        }
        var change = Text(root, "change");
        var code = root["code"] is JsonValue c && c.TryGetValue(out string? codeText) ? codeText : "";
        switch (change)
        {
            case CatalogueImported:
                return new(change, "", 0, null, null, null, null);
            case RegimeCreated or RegimeVersioned:
            {
                var regime = ReadOne(root["item"], CatalogueFiles.ReadRegimes);
                if (regime.Code != code)
                {
                    throw new FormatException($"the item's code '{regime.Code}' is not the change's code '{code}'");
                }
                int? closedVersion = null;
                DateOnly? closedTo = null;
                if (root["closed"] is JsonObject closed)
                {
                    closedVersion = closed["version"]?.GetValue<int>();
                    var to = closed["validity"]?["to"]?.GetValue<string>();
                    closedTo = to is null ? null : DateOnly.ParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                }
                return new(change, code, regime.Version, regime, null, closedVersion, closedTo);
            }
            case IndicatorCreated or IndicatorChanged:
            {
                var indicator = ReadOne(root["item"], CatalogueFiles.ReadIndicators);
                if (indicator.Code != code)
                {
                    throw new FormatException($"the item's code '{indicator.Code}' is not the change's code '{code}'");
                }
                return new(change, code, 0, null, indicator, null, null);
            }
            case CodelistChanged:
            {
                var codelist = ReadOne(root["item"], CatalogueFiles.ReadCodelists);
                return codelist.Code == code
                    ? new(change, code, 0, null, null, null, null, Codelist: codelist)
                    : throw new FormatException($"the item's code '{codelist.Code}' is not the change's code '{code}'");
            }
            case CategoryChanged:
            {
                var category = ReadOne(root["item"], CatalogueFiles.ReadCategories);
                return category.Code == code
                    ? new(change, code, 0, null, null, null, null, Category: category)
                    : throw new FormatException($"the item's code '{category.Code}' is not the change's code '{code}'");
            }
            case TerritoryChanged:
            {
                var territorial = ReadOne(root["item"], CatalogueFiles.ReadTerritoryChanges);
                return territorial.Code == code
                    ? new(change, code, 0, null, null, null, null, Territorial: territorial)
                    : throw new FormatException($"the item's code '{territorial.Code}' is not the change's code '{code}'");
            }
            default:
                throw new FormatException($"unknown catalogue change '{change}'");
        }
    }

    /// <summary>Two catalogue items are the same when their canonical JSON is.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="a">One item.</param>
    /// <param name="b">The other.</param>
    /// <returns>Whether they serialize identically.</returns>
    public static bool Same<T>(T a, T b) =>
        CanonicalJson.Serialize(JsonSerializer.SerializeToNode(a, CatalogueJson.Options)!)
            .AsSpan().SequenceEqual(CanonicalJson.Serialize(JsonSerializer.SerializeToNode(b, CatalogueJson.Options)!));

    private static string Text(JsonObject root, string name) =>
        root[name] is JsonValue v && v.TryGetValue(out string? text) ? text : throw new FormatException($"'{name}' is missing");

    private static T ReadOne<T>(JsonNode? item, Func<Stream, IReadOnlyList<T>> read)
    {
        if (item is not JsonObject)
        {
            throw new FormatException("'item' is missing");
        }
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes("[" + item.ToJsonString() + "]"));
            var items = read(stream);
            return items.Count == 1 ? items[0] : throw new FormatException("'item' must be one object");
        }
        catch (CatalogueFormatException e)
        {
            throw new FormatException("the item is not a valid catalogue item: " + e.ReasonEn, e);
        }
    }
}

/// <summary>The child's checks of a published catalogue change, pure.</summary>
public static class CatalogueFeedCheck
{
    /// <summary>
    /// Checks that <paramref name="item"/> is a genuine entry of the parent's ledger: its hash is the hash of its fields,
    /// and the parent's checkpoint over it verifies under the parent's key (configured at the child) and names the same
    /// sequence and hash.
    /// </summary>
    /// <param name="parentKey">A verifier trusting the parent's key.</param>
    /// <param name="item">The published change.</param>
    /// <returns>Null when it holds; else why not.</returns>
    public static FederationBreak? Verify(CheckpointVerifier parentKey, CatalogueFeedItem item)
    {
        ArgumentNullException.ThrowIfNull(parentKey);
        ArgumentNullException.ThrowIfNull(item);
        var at = item.Sequence.ToString(CultureInfo.InvariantCulture);
        if (item.Kind != LedgerEntryKind.CatalogueChanged)
        {
            return new("not-catalogue", $"Parent entry {at} is a '{item.Kind}', not a catalogue change.",
                $"Bản ghi {at} của hệ thống cấp trên là '{item.Kind}', không phải thay đổi danh mục.");
        }
        byte[] computed;
        try
        {
            computed = LedgerHasher.ComputeHash(item.Sequence, item.Kind, item.Payload, item.Actor, item.Time, item.PreviousHash);
        }
        catch (ArgumentException)
        {
            computed = [];
        }
        if (!computed.AsSpan().SequenceEqual(item.Hash))
        {
            return new("hash-mismatch", $"Parent entry {at}: its hash is not the hash of its content; the change was altered.",
                $"Bản ghi {at} của hệ thống cấp trên: mã băm không khớp nội dung; thay đổi đã bị sửa.");
        }
        var status = parentKey.Check(item.Signature);
        if (status != CheckpointSignatureStatus.Valid)
        {
            return new("bad-signature", $"Parent entry {at}: the signature is {status} under the parent's configured public key.",
                $"Bản ghi {at} của hệ thống cấp trên: chữ ký không hợp lệ với khóa công khai đã cấu hình ({status}).");
        }
        if (item.Signature.Sequence != item.Sequence || !item.Signature.Hash.AsSpan().SequenceEqual(item.Hash))
        {
            return new("checkpoint-mismatch", $"Parent entry {at}: the signature is for another entry.",
                $"Bản ghi {at} của hệ thống cấp trên: chữ ký thuộc về bản ghi khác.");
        }
        return null;
    }
}
