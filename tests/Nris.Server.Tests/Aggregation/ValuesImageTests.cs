using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Nris.Core.Aggregation;
using Nris.Core.Periods;
using Nris.Core.Submissions;
using Nris.Server.Aggregation;
using Nris.Server.Catalogue;
using Nris.Server.Jobs;
using Nris.Server.Ledger;
using Nris.Server.Submissions;
using Nris.Storage;
using Nris.Testing;
using static Nris.Server.Tests.Submissions.SubmissionTestCatalogue;

namespace Nris.Server.Tests.Aggregation;

/// <summary>
/// The current-values image on real files: it reads back as exactly the view it was written from (and keeps behaving
/// like it), a start-up from it applies the ledger entries after it and equals a rebuild from the database, and any image
/// that is damaged, of another layout, or of another ledger is refused and the database read instead.
/// </summary>
public sealed class ValuesImageTests : IDisposable
{
    private static readonly SubmissionActor Hanoi = new("a@hanoi", Reporter);
    private static readonly SubmissionActor TuyenQuang = new("b@tuyenquang", OtherReporter);
    private static readonly SubmissionActor Office = new("d@vpcp", Recipient);
    private readonly SqliteTestDatabase _file = new();
    private readonly SqliteTestDatabase _other = new();
    private readonly NrisDbContextFactory _factory;
    private readonly CatalogueState _catalogue = new();
    private readonly CheckpointService _checkpoints;
    private readonly LedgerNotifier _notifier = new();

    public ValuesImageTests()
    {
        _factory = Factory(_file);
        _catalogue.Replace(Snapshot);
        _checkpoints = new CheckpointService(new LedgerOptions { CheckpointEvery = 1000, KeyFile = Path.Combine(_file.DirectoryPath, "key.pem") }, TimeProvider.System);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ImagePath => Path.Combine(_file.DirectoryPath, "values.image");

    private ValuesImage Image => new() { Path = ImagePath };

    public void Dispose()
    {
        _checkpoints.Dispose();
        _file.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task An_image_reads_back_as_the_same_view_and_keeps_behaving_like_it()
    {
        await MigrateAsync(_factory);
        await AwkwardCurrentValues.FillAsync(_file.ConnectionString, new Random(20261122), 30_000, Ct);
        ProjectedValues stored;
        await using (var db = _factory.CreateDbContext())
        {
            (stored, _) = await ProjectionReader.LoadCurrentAsync(db, Snapshot, Ct);
        }

        // Free positions and free groups in the image too: reports taken out, a cell moved to another report.
        var moved = stored.Rows.First(r => r.Value.ReportId == 5);
        stored.RemoveReport(3);
        stored.RemoveReport(11);
        stored.Upsert(moved.Key, moved.Value with { ReportId = 6, LedgerSequence = 2000 });
        stored.TakeDeltas();

        var written = Image.Write(stored, 0, []);
        Assert.Equal(new FileInfo(ImagePath).Length, written.Bytes);
        if (!OperatingSystem.IsWindows())
        {
            // Every current value is in it: readable by the server's user only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ImagePath));
        }

        ValuesImage.ReadResult read;
        await using (var db = _factory.CreateDbContext())
        {
            read = await Image.TryReadAsync(db, Snapshot, Ct);
        }

        Assert.Null(read.Refused);
        var restored = Assert.IsType<ProjectedValues>(read.Values);
        Assert.Equal(0, read.Head);
        Assert.True(stored.Count > 3_000, stored.Count.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(stored.Count, restored.Count);
        Assert.Equal(AwkwardCurrentValues.Describe(stored), AwkwardCurrentValues.Describe(restored));
        Assert.Equal(AwkwardCurrentValues.Facts(stored), AwkwardCurrentValues.Facts(restored));

        // The same changes to both give the same deltas and the same view: the hash chains, the free lists and the
        // report groups came back whole, not only the values.
        var rows = stored.Rows.ToList();
        foreach (var view in new[] { stored, restored })
        {
            var random = new Random(7);
            view.RemoveReport(5);
            view.RemoveReport(17);
            for (var i = 0; i < 500; i++)
            {
                var (key, row) = rows[random.Next(rows.Count)];
                var number = random.Next(4) == 0 ? (decimal?)null : random.Next(-10_000, 10_000) / 100m;
                view.Upsert(key with { TerritoryCode = i % 3 == 0 ? "NEW-" + (i % 40).ToString(CultureInfo.InvariantCulture) : key.TerritoryCode },
                    row with { ReportId = 100 + (i % 7), Number = number, LedgerSequence = 3000 + i });
            }
        }

        Assert.Equal(AwkwardCurrentValues.Describe(stored), AwkwardCurrentValues.Describe(restored));
        using var expected = AggregationEngine.Build(Snapshot, stored, stored.Facts());
        using var actual = AggregationEngine.Build(Snapshot, restored, restored.Facts());
        Assert.Equal(expected.FactCount, actual.FactCount);
        var (queries, differences) = EngineComparison.Compare(expected, actual, ["POP", "I001"], ["_T", "SEX:M", "GRP:1"],
            [null, MonthlyRegime, CommuneRegime], ["VN", "01", "02", "01001"],
            EngineComparison.Periods([Period.Month(2026, 1), Period.Month(2026, 2), Period.Quarter(2026, 1)]));
        Assert.True(differences.Length == 0, differences);
        Assert.True(queries > 500, queries.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_start_from_the_image_applies_the_entries_after_it_and_equals_a_rebuild()
    {
        await MigrateAsync(_factory);
        var january = Key(1);
        var first = await SubmitAsync(_factory, january, Values(600, 400), Hanoi);
        var february = await SubmitAsync(_factory, Key(2), Values(10, 20), Hanoi);
        await SubmitAsync(_factory, Key(3), Values(30, 40), Hanoi);
        await SubmitAsync(_factory, Key(1, OtherReporter), Values(5, 6), TuyenQuang);

        // A server run: built from the database (no image yet); a clean shutdown leaves the image of what it applied.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Nris:Aggregation:PollMilliseconds"] = "50" }).Build();
        using (var projection = new AggregationProjection(_catalogue, NullLogger<AggregationProjection>.Instance, Image))
        {
            using var follower = new AggregationFollower(projection, _factory, _notifier, configuration, NullLogger<AggregationFollower>.Instance);
            await follower.StartAsync(Ct);
            Assert.Equal(AggregationProjection.FromDatabase, projection.BuiltFrom);
            Assert.Equal(4, projection.LastAppliedSequence);
            await follower.StopAsync(Ct);
        }

        Assert.True(File.Exists(ImagePath));
        await using (var db = _factory.CreateDbContext())
        {
            Assert.Equal(4, (await Image.TryReadAsync(db, Snapshot, Ct)).Head);
        }

        // While no server runs: a revision, a return (the report's only version: its values go), a new report.
        var revisedAt = await RunAsync(_factory, s => s.ReviseAsync(january, first.Version, "Sửa số liệu", new SubmissionRequest(Values(700, 450)), Hanoi, Ct));
        await RunAsync(_factory, s => s.ReturnAsync(Key(2), february.Version, "Trả lại", Office, Ct));
        await SubmitAsync(_factory, Key(4), Values(1, 2), Hanoi);
        var last = await SubmitAsync(_factory, Key(2, OtherReporter), Values(8, 9), TuyenQuang);

        using var fromImage = new AggregationProjection(_catalogue, NullLogger<AggregationProjection>.Instance, Image);
        await using (var db = _factory.CreateDbContext())
        {
            await fromImage.BuildAsync(db, Ct);
        }

        Assert.Equal(AggregationProjection.FromImage, fromImage.BuiltFrom);
        Assert.Equal(4, fromImage.ImageTailEntries);
        Assert.Equal(last.LedgerSequence, fromImage.LastAppliedSequence);
        Assert.False(fromImage.ImageDue);
        Assert.True(fromImage.ImageBehind);

        // Equal to a rebuild from the stored values, query for query, and to the ledger's own numbers.
        AggregationEngine rebuilt;
        await using (var db = _factory.CreateDbContext())
        {
            var (stored, head) = await ProjectionReader.LoadCurrentAsync(db, Snapshot, Ct);
            Assert.Equal(last.LedgerSequence, head);
            rebuilt = AggregationEngine.Build(Snapshot, stored, stored.Facts());
        }

        using (rebuilt)
        {
            var (queries, differences) = EngineComparison.Compare(rebuilt, fromImage.Engine, ["POP"], EngineComparison.Totals,
                [null, MonthlyRegime], ["VN", "01", "02"], EngineComparison.Periods(Enumerable.Range(1, 4).Select(m => Period.Month(2026, m))));
            Assert.True(differences.Length == 0, differences);
            Assert.True(queries > 100, queries.ToString(CultureInfo.InvariantCulture));
        }

        Assert.Equal(700 + 450 + 5 + 6, fromImage.Engine.Cell(new CellQuery("POP", "VN", Period.Month(2026, 1), SourceCode: MonthlyRegime)).Value);
        Assert.Equal(8 + 9, fromImage.Engine.Cell(new CellQuery("POP", "VN", Period.Month(2026, 2), SourceCode: MonthlyRegime)).Value);
        Assert.Equal(700, fromImage.Engine.Cell(new CellQuery("POP", "01", Period.Month(2026, 1), Disaggregation: "SEX:M", SourceCode: MonthlyRegime)).Value);

        // Writing it now moves the image to the head; an image too far behind the ledger is not used at all.
        await using (var db = _factory.CreateDbContext())
        {
            var written = await fromImage.SaveImageAsync(db, Ct);
            Assert.Equal(last.LedgerSequence, written?.Head);
            Assert.Null(await fromImage.SaveImageAsync(db, Ct));
        }

        Assert.True(revisedAt.LedgerSequence < last.LedgerSequence);
        await SubmitAsync(_factory, Key(5), Values(3, 3), Hanoi);
        await SubmitAsync(_factory, Key(6), Values(4, 4), Hanoi);
        using var behind = new AggregationProjection(_catalogue, NullLogger<AggregationProjection>.Instance, new ValuesImage { Path = ImagePath, MaxTailEntries = 1 });
        await using (var db = _factory.CreateDbContext())
        {
            await behind.BuildAsync(db, Ct);
        }

        Assert.Equal(AggregationProjection.FromDatabase, behind.BuiltFrom);
        Assert.Equal(last.LedgerSequence + 2, behind.LastAppliedSequence);
        Assert.True(behind.ImageDue);
    }

    [Fact]
    public async Task A_damaged_foreign_or_other_layout_image_is_refused_and_the_database_read_instead()
    {
        await MigrateAsync(_factory);
        for (var month = 1; month <= 3; month++)
        {
            await SubmitAsync(_factory, Key(month), Values(100 * month, 10 * month), Hanoi);
        }

        using (var projection = new AggregationProjection(_catalogue, NullLogger<AggregationProjection>.Instance, Image))
        {
            await using var db = _factory.CreateDbContext();
            await projection.BuildAsync(db, Ct);
            Assert.True(projection.ImageDue);
            Assert.Equal(3, (await projection.SaveImageAsync(db, Ct))?.Head);
        }

        var good = await File.ReadAllBytesAsync(ImagePath, Ct);
        Assert.Null((await ReadAsync(_factory)).Refused);

        // Damaged: one letter changed (the code "VN" among the names becomes "VM": nothing but the hash can tell), the
        // end cut off, nothing at all, something else.
        var at = good.AsSpan().IndexOf("\u0002\0\0\0VN"u8);
        Assert.True(at > 0);
        var flipped = (byte[])good.Clone();
        flipped[at + 5] = (byte)'M';
        await AssertRefusedAsync(flipped, "SHA-256");
        await AssertRefusedAsync(good[..^10], "cut short");
        await AssertRefusedAsync(Array.Empty<byte>(), "unreadable");
        await AssertRefusedAsync("Tệp không phải ảnh chụp giá trị, không phải tệp ảnh."u8.ToArray(), "not an image");

        // Written by a build whose view has another layout.
        var otherLayout = (byte[])good.Clone();
        otherLayout[12] ^= 0x01;
        await AssertRefusedAsync(otherLayout, "another version");

        // Another database: its ledger's entry 3 has another hash; a database whose ledger is shorter has no entry 3.
        var other = Factory(_other);
        await MigrateAsync(other);
        for (var month = 1; month <= 2; month++)
        {
            await SubmitAsync(other, Key(month), Values(100 * month, 10 * month), Hanoi);
        }

        await File.WriteAllBytesAsync(ImagePath, good, Ct);
        Assert.Contains("no entry 3", (await ReadAsync(other)).Refused, StringComparison.Ordinal);
        await SubmitAsync(other, Key(3), Values(300, 30), Hanoi);
        Assert.Contains("another hash", (await ReadAsync(other)).Refused, StringComparison.Ordinal);

        async Task AssertRefusedAsync(byte[] bytes, string reason)
        {
            await File.WriteAllBytesAsync(ImagePath, bytes, Ct);
            var read = await ReadAsync(_factory);
            Assert.Null(read.Values);
            Assert.Contains(reason, read.Refused, StringComparison.Ordinal);

            // The server then reads the database, and gets the ledger's numbers.
            using var projection = new AggregationProjection(_catalogue, NullLogger<AggregationProjection>.Instance, Image);
            await using var db = _factory.CreateDbContext();
            await projection.BuildAsync(db, Ct);
            Assert.Equal(AggregationProjection.FromDatabase, projection.BuiltFrom);
            Assert.Equal(3, projection.LastAppliedSequence);
            Assert.Equal(330, projection.Engine.Cell(new CellQuery("POP", "01", Period.Month(2026, 3), SourceCode: MonthlyRegime)).Value);
        }
    }

    [Fact]
    public void The_image_goes_next_to_the_database_or_the_instance_key_and_can_be_turned_off()
    {
        var ledger = new LedgerOptions { KeyFile = Path.Combine(_file.DirectoryPath, "keys", "instance-key.pem") };
        ValuesImage Configure(string provider, string connection, string? setting = null) =>
            ValuesImage.FromConfiguration(
                new ConfigurationBuilder().AddInMemoryCollection(setting is null ? [] : new Dictionary<string, string?> { [ValuesImage.FileKey] = setting }).Build(),
                new NrisStorageOptions { Provider = provider, ConnectionString = connection }, ledger);

        Assert.Equal(_file.FilePath + ".values", Configure(NrisStorageOptions.Sqlite, _file.ConnectionString).Path);
        Assert.Null(Configure(NrisStorageOptions.Sqlite, "Data Source=:memory:").Path);
        Assert.False(Configure(NrisStorageOptions.Sqlite, "Data Source=shared;Mode=Memory;Cache=Shared").Enabled);
        Assert.Equal(Path.Combine(_file.DirectoryPath, "keys", "values.image"), Configure(NrisStorageOptions.Postgres, "Host=localhost").Path);
        Assert.Null(Configure(NrisStorageOptions.Sqlite, _file.ConnectionString, "off").Path);
        Assert.Equal(ImagePath, Configure(NrisStorageOptions.Postgres, "Host=localhost", ImagePath).Path);
        Assert.Throws<InvalidOperationException>(() => ValuesImage.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ValuesImage.EveryEntriesKey] = "0" }).Build(),
            new NrisStorageOptions { Provider = NrisStorageOptions.Sqlite, ConnectionString = _file.ConnectionString }, ledger));
    }

    private static NrisDbContextFactory Factory(SqliteTestDatabase file) =>
        new(new NrisStorageOptions { Provider = NrisStorageOptions.Sqlite, ConnectionString = file.ConnectionString });

    private static async Task MigrateAsync(NrisDbContextFactory factory)
    {
        await using var db = factory.CreateDbContext();
        await new NrisDatabase(db).MigrateAsync(Ct);
    }

    private async Task<ValuesImage.ReadResult> ReadAsync(NrisDbContextFactory factory)
    {
        await using var db = factory.CreateDbContext();
        return await Image.TryReadAsync(db, Snapshot, Ct);
    }

    private Task<SubmissionResult> SubmitAsync(NrisDbContextFactory factory, ReportKey key, List<ReportValue> values, SubmissionActor actor) =>
        RunAsync(factory, s => s.SubmitAsync(key, new SubmissionRequest(values), actor, Ct));

    private async Task<SubmissionResult> RunAsync(NrisDbContextFactory factory, Func<SubmissionService, Task<SubmissionResult>> action)
    {
        await using var db = factory.CreateDbContext();
        return await action(new SubmissionService(db, _catalogue, _checkpoints, TimeProvider.System, _notifier));
    }
}
