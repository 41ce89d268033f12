using System.Globalization;
using System.Text.Json.Nodes;
using Nris.Core.Ledger;

namespace Nris.Core.Tests.Ledger;

/// <summary>Random but reproducible ledgers for the ledger tests.</summary>
internal static class LedgerTestData
{
    public static readonly DateTimeOffset Start = new(2026, 5, 14, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] Kinds =
    [
        LedgerEntryKind.SubmissionSubmitted, LedgerEntryKind.SubmissionAccepted, LedgerEntryKind.SubmissionReturned,
        LedgerEntryKind.SubmissionReopened, LedgerEntryKind.SubmissionRevised, LedgerEntryKind.CatalogueChanged,
    ];

    private static readonly string[] Actors = ["ubnd-tinh-01", "bo-tai-chinh", "nguyễn.văn.an", "system"];

    public static byte[] RandomPayload(Random random)
    {
        var values = new JsonArray();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            values.Add(new JsonObject
            {
                ["indicator"] = string.Create(CultureInfo.InvariantCulture, $"I{random.Next(1, 200):D3}"),
                ["territory"] = random.Next(1, 35).ToString("D2", CultureInfo.InvariantCulture),
                ["value"] = new decimal(random.Next(), 0, 0, random.Next(4) == 0, (byte)random.Next(0, 4)),
                ["note"] = random.Next(3) == 0 ? "Số liệu ước tính" : null,
            });
        }
        return CanonicalJson.Serialize(new JsonObject
        {
            ["period"] = string.Create(CultureInfo.InvariantCulture, $"2026-M{random.Next(1, 13):D2}"),
            ["regime"] = string.Create(CultureInfo.InvariantCulture, $"R{random.Next(1, 22)}"),
            ["values"] = values,
        });
    }

    /// <summary>A valid chain of <paramref name="count"/> entries, about a minute apart, with sub-microsecond noise in the input times.</summary>
    public static List<LedgerEntry> Chain(int count, int seed)
    {
        var random = new Random(seed);
        var entries = new List<LedgerEntry>(count);
        LedgerEntry? last = null;
        var time = Start;
        for (var i = 0; i < count; i++)
        {
            time = time.AddTicks(random.Next(1, 600_000_000));
            last = LedgerChain.CreateNext(last, Kinds[random.Next(Kinds.Length)], RandomPayload(random),
                Actors[random.Next(Actors.Length)], time);
            entries.Add(last);
        }
        return entries;
    }

    /// <summary>Checkpoints on every <paramref name="every"/>-th entry.</summary>
    public static List<Checkpoint> Checkpoints(IReadOnlyList<LedgerEntry> entries, CheckpointSigner signer, int every) =>
        entries.Where(e => e.Sequence % every == 0).Select(e => signer.Sign(e, e.Time.AddSeconds(1))).ToList();

    public static byte[] FlipBit(byte[] bytes, int bit)
    {
        var copy = (byte[])bytes.Clone();
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    public static string FlipBit(string text, int bit)
    {
        var chars = text.ToCharArray();
        chars[bit / 16] ^= (char)(1 << (bit % 16));
        return new string(chars);
    }
}
