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

    internal static void Fuzz(string[] sampleFiles, Action<Stream, CancellationToken> read)
    {
        var samples = sampleFiles.Select(Samples.Bytes).ToArray();
        var testToken = TestContext.Current.CancellationToken;
        var property = Prop.ForAll(Arb.From(MutationGen), m =>
        {
            var input = Apply(samples[m.Sample % samples.Length], m);
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
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true), property);
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
}
