using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;
using Nris.Exchange.Csv;
using Nris.Exchange.Model;
using Nris.Exchange.Sdmx;

namespace Nris.Exchange.Tests;

/// <summary>
/// Random mutations of the official samples (byte flips, truncations, insertions, duplicated chunks, random bytes):
/// every reader must either succeed or throw <see cref="ExchangeFormatException"/> with at least one located
/// problem, and finish within a bounded time. A timeout or any other exception fails the property.
/// </summary>
public sealed class FuzzTests
{
    private const int Cases = 2000;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(5);

    /// <summary>One mutation: what to do, where, how much, and a seed for the bytes.</summary>
    public sealed record Mutation(int Sample, int Kind, int Position, int Length, int Seed);

    private static readonly Gen<Mutation> MutationGen =
        from sample in Gen.Choose(0, 100)
        from kind in Gen.Choose(0, 6)
        from pos in Gen.Choose(0, int.MaxValue)
        from len in Gen.Choose(1, 64)
        from seed in Gen.Choose(0, int.MaxValue)
        select new Mutation(sample, kind, pos, len, seed);

    internal static byte[] Apply(byte[] input, Mutation m)
    {
        var random = new Random(m.Seed);
        var bytes = input.ToList();
        var pos = bytes.Count == 0 ? 0 : m.Position % bytes.Count;
        switch (m.Kind)
        {
            case 0: // flip bits
                for (var i = 0; i < Math.Min(m.Length, 4) && bytes.Count > 0; i++)
                {
                    var at = (pos + (i * 97)) % bytes.Count;
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1: // truncate
                bytes.RemoveRange(pos, bytes.Count - pos);
                break;
            case 2: // insert random bytes
                var insert = new byte[m.Length];
                random.NextBytes(insert);
                bytes.InsertRange(pos, insert);
                break;
            case 3: // duplicate a chunk
                var len = Math.Min(m.Length * 8, bytes.Count - pos);
                bytes.InsertRange(pos, bytes.GetRange(pos, len));
                break;
            case 4: // delete a chunk
                bytes.RemoveRange(pos, Math.Min(m.Length, bytes.Count - pos));
                break;
            case 5: // insert structural characters the parsers care about
                var specials = "<>\"'&;,:{}[]\n\r=/!?-"u8.ToArray();
                for (var i = 0; i < m.Length % 8 + 1; i++)
                {
                    bytes.Insert(Math.Min(pos + i, bytes.Count), specials[random.Next(specials.Length)]);
                }

                break;
            default: // entirely random bytes
                var noise = new byte[m.Length * 16];
                random.NextBytes(noise);
                return noise;
        }

        return [.. bytes];
    }

    internal static void Fuzz(string[] sampleFiles, Action<Stream, CancellationToken> read) =>
        Fuzz(sampleFiles.Select(Samples.Bytes).ToArray(), Apply, read);

    /// <summary>Runs <paramref name="read"/> on <paramref name="samples"/> changed by <paramref name="mutate"/>.</summary>
    internal static void Fuzz(byte[][] samples, Func<byte[], Mutation, byte[]> mutate, Action<Stream, CancellationToken> read, int cases = Cases)
    {
        var testToken = TestContext.Current.CancellationToken;
        var property = Prop.ForAll(Arb.From(MutationGen), m =>
        {
            var input = mutate(samples[m.Sample % samples.Length], m);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(testToken);
            cts.CancelAfter(PerCase);
            var task = Task.Run(() =>
            {
                try
                {
                    read(new MemoryStream(input), cts.Token);
                    return true;
                }
                catch (ExchangeFormatException e)
                {
                    return e.Errors.Count > 0 && e.Errors.All(x => x.MessageEn.Length > 0 && x.MessageVi.Length > 0);
                }
            }, testToken);
            // A reader that ignores cancellation still fails here instead of hanging the suite.
            return task.Wait(PerCase + TimeSpan.FromSeconds(1), testToken) && task.Result;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void SDMX_ML_reader_survives_mutations() => Fuzz(
        [.. SdmxMlTests.SampleFiles.Select(f => (string)f.Data)],
        (s, ct) => SdmxMlDataReader.Read(s, null, null, ct));

    [Fact]
    public void Long_CSV_reader_survives_mutations() => Fuzz(
        ["sdmx-csv-1.0/example1_ids.csv", "dhis2/dataValueSetBooleanTest.csv"],
        (s, ct) => LongCsv.Read(s, null, ct));

    [Fact]
    public void SDMX_JSON_reader_survives_mutations() => Fuzz(
        [.. SdmxJsonCsvTests.JsonSamples.Select(f => (string)f.Data)],
        (s, ct) => SdmxJson.Read(s, null, ct));

    [Fact]
    public void SDMX_CSV_reader_survives_mutations() => Fuzz(
        [.. SdmxJsonCsvTests.CsvSamples.Select(f => (string)f.Data)],
        (s, ct) => SdmxCsv.Read(s, null, null, ct));

    [Fact]
    public void DHIS2_XML_reader_survives_mutations() => Fuzz(
        ["dhis2/dataValueSetA.xml", "dhis2/dataValueSetADeleted.xml"],
        (s, ct) => Nris.Exchange.Dhis2.Dhis2DataValueSets.Read(s, Nris.Exchange.Dhis2.Dhis2Format.Xml, null, ct));

    [Fact]
    public void DHIS2_JSON_reader_survives_mutations() => Fuzz(
        ["dhis2/dataValueSetJ.json"],
        (s, ct) => Nris.Exchange.Dhis2.Dhis2DataValueSets.Read(s, Nris.Exchange.Dhis2.Dhis2Format.Json, null, ct));

    [Fact]
    public void DHIS2_CSV_reader_survives_mutations() => Fuzz(
        ["dhis2/dataValueSetBooleanTest.csv"],
        (s, ct) => Nris.Exchange.Dhis2.Dhis2DataValueSets.Read(s, Nris.Exchange.Dhis2.Dhis2Format.Csv, null, ct));

    [Fact]
    public void ADX_reader_survives_mutations() => Fuzz(
        [.. Dhis2AdxTests.AdxSamples.Select(f => (string)f.Data)],
        (s, ct) => Nris.Exchange.Adx.Adx.Read(s, null, ct));

    private static readonly Lazy<byte[][]> ExcelForms = new(() =>
    [
        ExcelFormTests.KtxhForm(),
        ExcelFormTests.KtxhForm(
        [
            new("IIP", "_T", null, 101.5m, null, null),
            new("EXPORT", "ECON_SECTOR:FDI", null, 12m, null, null),
            new("SUMMARY_NOTE", "_T", null, null, "Ghi chú", null),
        ]),
    ]);

    private static void ReadExcel(Stream s, CancellationToken ct) =>
        Nris.Exchange.Excel.ExcelFormReader.Read(s, null, RealCatalogue.Snapshot, null, ct);

    [Fact]
    public void Excel_reader_survives_byte_mutations_of_the_zip() =>
        Fuzz(ExcelForms.Value, Apply, ReadExcel, 1000);

    // Replacements aimed at what the reader interprets: cell types, references, map codes, numbers.
    private static readonly (string From, string[] To)[] ExcelEdits =
    [
        ("t=\"inlineStr\"", ["t=\"s\"", "t=\"n\"", "t=\"b\"", "t=\"e\"", "t=\"d\"", "t=\"str\"", ""]),
        (" r=\"", [" r=\"A", " r=\"$", " x=\"", " r=\"1"]),
        ("_T", ["SEX:Q", "", "_T:_T", "ECON_SECTOR:STATE"]),
        ("KTXH-TINH-THANG", ["CPI-THANG", "", "KTXH-TINH-THANG "]),
        ("2026-M05", ["2026-Q2", "2026-M13", ""]),
        ("Biểu 01", ["Biểu 02", "Biểu 99", ""]),
        ("101.5", ["1E+400", "-0", "1,5", "NaN", "0x10", "1e-30"]),
        ("<x:v>", ["<x:v>abc", "<x:f>1+1</x:f><x:v>", "<x:v></x:v><x:v>"]),
        ("</x:c>", ["</x:c><x:c r=\"E10\"><x:v>1</x:v></x:c>", "</x:c><x:c><x:v>2</x:v></x:c>", ""]),
        ("<x:row ", ["<x:row r=\"0\" ", "<x:row r=\"99999999\" "]),
    ];

    /// <summary>Changes one XML part of a valid .xlsx and zips it again, so the zip layer passes and the XML is tested.</summary>
    internal static byte[] MutateInsideZip(byte[] xlsx, Mutation m)
    {
        var random = new Random(m.Seed);
        using var input = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        var parts = input.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal) || e.FullName.EndsWith(".rels", StringComparison.Ordinal)).ToList();
        var target = parts[m.Position % parts.Count].FullName;
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                using var source = entry.Open();
                using var buffer = new MemoryStream();
                source.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (entry.FullName == target)
                {
                    if (m.Kind == 6)
                    {
                        var text = System.Text.Encoding.UTF8.GetString(bytes);
                        var (from, to) = ExcelEdits[m.Length % ExcelEdits.Length];
                        var at = text.IndexOf(from, StringComparison.Ordinal);
                        var skip = random.Next(4);
                        while (at >= 0 && skip-- > 0)
                        {
                            at = text.IndexOf(from, at + 1, StringComparison.Ordinal);
                        }

                        if (at >= 0)
                        {
                            text = string.Concat(text.AsSpan(0, at), to[random.Next(to.Length)], text.AsSpan(at + from.Length));
                        }

                        bytes = System.Text.Encoding.UTF8.GetBytes(text);
                    }
                    else
                    {
                        bytes = Apply(bytes, m);
                    }
                }

                using var sink = zip.CreateEntry(entry.FullName).Open();
                sink.Write(bytes);
            }
        }

        return output.ToArray();
    }

    [Fact]
    public void Excel_reader_survives_mutated_XML_inside_a_valid_zip()
    {
        // Every targeted edit must find its text in the generated forms, or it would silently test nothing.
        var xml = string.Concat(ExcelForms.Value.SelectMany(f =>
        {
            using var zip = new ZipArchive(new MemoryStream(f), ZipArchiveMode.Read);
            return zip.Entries.Select(e => new StreamReader(e.Open()).ReadToEnd()).ToList();
        }));
        Assert.All(ExcelEdits, e => Assert.Contains(e.From, xml, StringComparison.Ordinal));
        Fuzz(ExcelForms.Value, MutateInsideZip, ReadExcel, 1500);
    }

    [Fact]
    public void SDMX_structure_reader_survives_mutations() => Fuzz(
        ["sdmx-ml-3.0/ECB_EXR_DSD.xml", "sdmx-ml-3.0/codelist.xml", "sdmx-ml-2.1/common/common.xml"],
        (s, ct) => SdmxStructureReader.Read(s, null, ct));

    [Fact]
    public void SDMX_JSON_structure_reader_survives_mutations() => Fuzz(
        ["sdmx-json-1.0/structure-constructed-sample.json", "sdmx-json-2.1/structure-constructed-sample.json"],
        (s, ct) => SdmxJsonStructure.Read(s, null, ct));
}
