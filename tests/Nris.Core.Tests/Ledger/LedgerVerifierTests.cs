using System.Runtime.CompilerServices;
using Nris.Core.Ledger;
using static Nris.Core.Tests.Ledger.LedgerTestData;

namespace Nris.Core.Tests.Ledger;

public sealed class LedgerVerifierTests : IDisposable
{
    private readonly CheckpointSigner _signer = CheckpointSigner.Create();
    private readonly CheckpointVerifier _verifier;

    public LedgerVerifierTests() => _verifier = new CheckpointVerifier([_signer.ExportPublicKeyPem()]);

    public void Dispose()
    {
        _verifier.Dispose();
        _signer.Dispose();
    }

    private LedgerVerification Verify(IEnumerable<LedgerEntry> entries, IEnumerable<Checkpoint>? checkpoints = null) =>
        LedgerVerifier.Verify(entries, checkpoints ?? [], _verifier, TestContext.Current.CancellationToken);

    [Fact]
    public void A_chain_of_2000_random_entries_with_checkpoints_verifies()
    {
        var entries = Chain(2000, seed: 1);
        var checkpoints = Checkpoints(entries, _signer, every: 250);
        var result = Verify(entries, checkpoints);
        Assert.True(result.Ok, result.ReasonEn);
        Assert.Equal(2000, result.EntriesChecked);
        Assert.Equal(8, result.CheckpointsChecked);
        Assert.Null(result.FirstBadSequence);
        Assert.Equal(LedgerProblem.None, result.Problem);
        Assert.Contains("2000", result.ReasonVi, StringComparison.Ordinal);
        Assert.Contains("2000", result.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_ledger_verifies()
    {
        var result = Verify([]);
        Assert.True(result.Ok);
        Assert.Equal(0, result.EntriesChecked);
    }

    [Fact]
    public void Several_checkpoints_on_one_entry_and_from_several_trusted_keys_verify()
    {
        using var second = CheckpointSigner.Create();
        using var verifier = new CheckpointVerifier([_signer.ExportPublicKeyPem(), second.ExportPublicKeyPem()]);
        var entries = Chain(10, seed: 2);
        Checkpoint[] checkpoints = [_signer.Sign(entries[4], Start), second.Sign(entries[4], Start), second.Sign(entries[9], Start)];
        var result = LedgerVerifier.Verify(entries, checkpoints, verifier, TestContext.Current.CancellationToken);
        Assert.True(result.Ok, result.ReasonEn);
        Assert.Equal(3, result.CheckpointsChecked);
    }

    private enum Mutation
    {
        FlipPayload, FlipKind, FlipActor, FlipTimeTicks, FlipTimeMicroseconds, FlipSequence, FlipPreviousHash, FlipHash,
        Delete, Swap, Duplicate, Truncate,
        CheckpointSequence, CheckpointHash, CheckpointSignature, CheckpointTime, CheckpointKeyId,
    }

    [Fact]
    public void Every_random_tampering_is_caught_and_single_entry_changes_are_named()
    {
        // 410 entries with a checkpoint on every 50th: the last 10 entries are not covered by a checkpoint.
        var entries = Chain(410, seed: 3);
        var checkpoints = Checkpoints(entries, _signer, every: 50);
        Assert.True(Verify(entries, checkpoints).Ok);
        var random = new Random(20260514);
        var mutations = Enum.GetValues<Mutation>();
        var seen = new HashSet<Mutation>();

        for (var run = 0; run < 4000; run++)
        {
            var mutation = mutations[random.Next(mutations.Length)];
            seen.Add(mutation);
            var tampered = entries.ToList();
            var tamperedCheckpoints = checkpoints.ToList();
            var i = random.Next(tampered.Count);
            var e = tampered[i];
            long? expectedAt = e.Sequence;
            LedgerProblem[] expectedProblems;
            string what;

            switch (mutation)
            {
                case Mutation.FlipPayload:
                    var payloadBit = random.Next(e.Payload.Length * 8);
                    tampered[i] = e with { Payload = FlipBit(e.Payload, payloadBit) };
                    expectedProblems = [LedgerProblem.HashMismatch];
                    what = $"payload bit {payloadBit}";
                    break;
                case Mutation.FlipKind:
                    var kindBit = random.Next(e.Kind.Length * 16);
                    tampered[i] = e with { Kind = FlipBit(e.Kind, kindBit) };
                    // A flipped bit can make an unpaired surrogate, which cannot even be hashed.
                    expectedProblems = [LedgerProblem.HashMismatch, LedgerProblem.MalformedEntry];
                    what = $"kind bit {kindBit}";
                    break;
                case Mutation.FlipActor:
                    var actorBit = random.Next(e.Actor.Length * 16);
                    tampered[i] = e with { Actor = FlipBit(e.Actor, actorBit) };
                    expectedProblems = [LedgerProblem.HashMismatch, LedgerProblem.MalformedEntry];
                    what = $"actor bit {actorBit}";
                    break;
                case Mutation.FlipTimeTicks:
                    // Ticks are 100 ns: a flip is either a different microsecond or a time no hash can have.
                    var tickBit = random.Next(0, 60);
                    tampered[i] = e with { Time = new DateTimeOffset(e.Time.UtcTicks ^ (1L << tickBit), TimeSpan.Zero) };
                    expectedProblems = [LedgerProblem.HashMismatch, LedgerProblem.MalformedEntry];
                    what = $"time tick bit {tickBit}";
                    break;
                case Mutation.FlipTimeMicroseconds:
                    var microBit = random.Next(0, 56);
                    tampered[i] = e with { Time = LedgerTime.FromUnixMicroseconds(LedgerTime.ToUnixMicroseconds(e.Time) ^ (1L << microBit)) };
                    expectedProblems = [LedgerProblem.HashMismatch];
                    what = $"time microsecond bit {microBit}";
                    break;
                case Mutation.FlipSequence:
                    var sequenceBit = random.Next(64);
                    tampered[i] = e with { Sequence = e.Sequence ^ (1L << sequenceBit) };
                    expectedProblems = [LedgerProblem.SequenceMismatch];
                    what = $"sequence bit {sequenceBit}";
                    break;
                case Mutation.FlipPreviousHash:
                    var previousBit = random.Next(256);
                    tampered[i] = e with { PreviousHash = FlipBit(e.PreviousHash, previousBit) };
                    expectedProblems = [LedgerProblem.PreviousHashMismatch];
                    what = $"previous hash bit {previousBit}";
                    break;
                case Mutation.FlipHash:
                    var hashBit = random.Next(256);
                    tampered[i] = e with { Hash = FlipBit(e.Hash, hashBit) };
                    // Caught at the entry itself: its own hash is recomputed before the next entry is read.
                    expectedProblems = [LedgerProblem.HashMismatch];
                    what = $"hash bit {hashBit}";
                    break;
                case Mutation.Delete:
                    // Deleting the last entry is truncation, covered below.
                    i = random.Next(tampered.Count - 1);
                    tampered.RemoveAt(i);
                    expectedAt = i + 1;
                    expectedProblems = [LedgerProblem.SequenceMismatch];
                    what = $"delete {i + 1}";
                    break;
                case Mutation.Swap:
                    var j = random.Next(tampered.Count - 1);
                    j += j >= i ? 1 : 0;
                    (tampered[i], tampered[j]) = (tampered[j], tampered[i]);
                    expectedAt = Math.Min(i, j) + 1;
                    expectedProblems = [LedgerProblem.SequenceMismatch];
                    what = $"swap {i + 1} and {j + 1}";
                    break;
                case Mutation.Duplicate:
                    var at = random.Next(tampered.Count + 1);
                    tampered.Insert(at, e);
                    // The copy is out of place where it lands, except next to its original: then the first of the two
                    // identical entries is in place and the second is the first out of place.
                    expectedAt = at == i ? i + 2 : at + 1;
                    expectedProblems = [LedgerProblem.SequenceMismatch];
                    what = $"copy of {i + 1} inserted at {at + 1}";
                    break;
                case Mutation.Truncate:
                    var keep = random.Next(0, 400);
                    tampered.RemoveRange(keep, tampered.Count - keep);
                    expectedAt = keep + 1;
                    expectedProblems = [LedgerProblem.CheckpointPastEnd];
                    what = $"truncate to {keep}";
                    break;
                default:
                    var c = random.Next(tamperedCheckpoints.Count);
                    var cp = tamperedCheckpoints[c];
                    (tamperedCheckpoints[c], what) = mutation switch
                    {
                        Mutation.CheckpointSequence => OtherSequence(cp, random),
                        Mutation.CheckpointHash => (cp with { Hash = FlipBit(cp.Hash, random.Next(256)) }, "checkpoint hash"),
                        Mutation.CheckpointSignature => (cp with { Signature = FlipBit(cp.Signature, random.Next(512)) }, "checkpoint signature"),
                        Mutation.CheckpointTime => (cp with { Time = cp.Time.AddTicks(10L << random.Next(50)) }, "checkpoint time"),
                        _ => (cp with { KeyId = FlipBit(cp.KeyId, random.Next(cp.KeyId.Length * 16)) }, "checkpoint key id"),
                    };
                    expectedAt = null;
                    expectedProblems = [];
                    break;
            }

            var result = Verify(tampered, tamperedCheckpoints);
            Assert.False(result.Ok, $"run {run}: {what} went unnoticed");
            Assert.False(string.IsNullOrWhiteSpace(result.ReasonVi));
            Assert.False(string.IsNullOrWhiteSpace(result.ReasonEn));
            if (expectedProblems.Length > 0)
            {
                Assert.True(expectedAt == result.FirstBadSequence,
                    $"run {run}: {what}: expected entry {expectedAt}, reported {result.FirstBadSequence} ({result.ReasonEn})");
                Assert.True(expectedProblems.Contains(result.Problem), $"run {run}: {what}: {result.Problem} ({result.ReasonEn})");
                Assert.Equal(expectedAt - 1, result.EntriesChecked);
            }
            else
            {
                Assert.True(result.Problem is LedgerProblem.CheckpointBadSignature or LedgerProblem.CheckpointUnknownKey
                    or LedgerProblem.CheckpointsOutOfOrder or LedgerProblem.CheckpointHashMismatch, $"run {run}: {what}: {result.Problem}");
            }
        }
        Assert.Equal(mutations.Length, seen.Count);
    }

    private static (Checkpoint, string) OtherSequence(Checkpoint checkpoint, Random random)
    {
        long sequence;
        do
        {
            sequence = random.Next(3) == 0 ? checkpoint.Sequence ^ (1L << random.Next(64)) : random.Next(-5, 500);
        }
        while (sequence == checkpoint.Sequence);
        return (checkpoint with { Sequence = sequence }, $"checkpoint sequence {checkpoint.Sequence} → {sequence}");
    }

    [Fact]
    public void Each_single_entry_problem_is_reported_with_its_kind_and_place()
    {
        var entries = Chain(20, seed: 4);
        Assert.Equal((LedgerProblem.HashMismatch, 7L), Report(Replace(entries, 6, e => e with { Actor = "someone else" })));
        Assert.Equal((LedgerProblem.PreviousHashMismatch, 1L), Report(Replace(entries, 0, e => e with { PreviousHash = Enumerable.Repeat((byte)1, 32).ToArray() })));
        Assert.Equal((LedgerProblem.PreviousHashMismatch, 12L), Report(Replace(entries, 11, e => e with { PreviousHash = entries[9].Hash })));
        Assert.Equal((LedgerProblem.SequenceMismatch, 5L), Report(entries.Where(e => e.Sequence != 5)));
        Assert.Equal((LedgerProblem.SequenceMismatch, 1L), Report(entries.Skip(1)));
        Assert.Equal((LedgerProblem.MalformedEntry, 3L), Report(Replace(entries, 2, e => e with { Hash = new byte[31] })));
        Assert.Equal((LedgerProblem.MalformedEntry, 3L), Report(Replace(entries, 2, e => e with { Payload = null! })));
        Assert.Equal((LedgerProblem.MalformedEntry, 3L), Report(Replace(entries, 2, e => e with { Time = e.Time.AddTicks(1) })));
        Assert.Equal((LedgerProblem.MalformedEntry, 3L), Report(Replace(entries, 2, _ => null!)));

        (LedgerProblem, long?) Report(IEnumerable<LedgerEntry> tampered)
        {
            var result = Verify(tampered);
            Assert.False(result.Ok);
            return (result.Problem, result.FirstBadSequence);
        }
    }

    private static List<LedgerEntry> Replace(List<LedgerEntry> entries, int index, Func<LedgerEntry, LedgerEntry> change)
    {
        var copy = entries.ToList();
        copy[index] = change(copy[index]);
        return copy;
    }

    // An attacker who can write the database can recompute hashes. What is caught then, and where, is precise:
    [Fact]
    public void An_entry_rewritten_with_its_own_hash_recomputed_is_named_by_the_next_entry()
    {
        var entries = Chain(30, seed: 5);
        var rewritten = Rehash(entries[9] with { Payload = """{"forged":true}"""u8.ToArray() });
        var result = Verify(Replace(entries, 9, _ => rewritten));
        Assert.Equal(LedgerProblem.PreviousHashMismatch, result.Problem);
        Assert.Equal(11, result.FirstBadSequence);
        Assert.Equal(10, result.EntriesChecked);
    }

    [Fact]
    public void A_checkpoint_on_a_rewritten_entry_names_that_entry()
    {
        var entries = Chain(30, seed: 6);
        var checkpoints = Checkpoints(entries, _signer, every: 10);
        var result = Verify(Replace(entries, 9, e => Rehash(e with { Actor = "forger" })), checkpoints);
        Assert.Equal(LedgerProblem.CheckpointHashMismatch, result.Problem);
        Assert.Equal(10, result.FirstBadSequence);
        Assert.Equal(9, result.EntriesChecked);
    }

    [Fact]
    public void A_whole_tail_rewritten_with_hashes_recomputed_is_caught_at_the_first_checkpoint_in_it()
    {
        var entries = Chain(30, seed: 7);
        var checkpoints = Checkpoints(entries, _signer, every: 10);
        var forged = RewriteFrom(entries, 12);
        var result = Verify(forged, checkpoints);
        Assert.Equal(LedgerProblem.CheckpointHashMismatch, result.Problem);
        Assert.Equal(20, result.FirstBadSequence);
        Assert.Equal(19, result.EntriesChecked);
    }

    [Fact]
    public void What_no_checkpoint_covers_can_be_rewritten_or_removed_unnoticed()
    {
        // The documented limit: sign checkpoints often. Pinned so that the limit is known, not discovered.
        var entries = Chain(35, seed: 8);
        var checkpoints = Checkpoints(entries, _signer, every: 10);
        Assert.True(Verify(RewriteFrom(entries, 31), checkpoints).Ok);
        Assert.True(Verify(entries.Take(30), checkpoints).Ok);
        Assert.True(Verify(RewriteFrom(entries, 1)).Ok);
    }

    [Fact]
    public void A_truncated_tail_below_a_checkpoint_is_named_by_the_first_missing_entry()
    {
        var entries = Chain(30, seed: 9);
        var checkpoints = Checkpoints(entries, _signer, every: 10);
        var result = Verify(entries.Take(17), checkpoints);
        Assert.Equal(LedgerProblem.CheckpointPastEnd, result.Problem);
        Assert.Equal(18, result.FirstBadSequence);
        Assert.Equal(17, result.EntriesChecked);
        Assert.Equal(1, result.CheckpointsChecked);
        Assert.Contains("20", result.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("20", result.ReasonVi, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_problems_are_reported_at_their_entry()
    {
        using var stranger = CheckpointSigner.Create();
        var entries = Chain(30, seed: 10);
        var checkpoints = Checkpoints(entries, _signer, every: 10);

        var unknown = checkpoints.ToList();
        unknown[1] = stranger.Sign(entries[19], Start);
        var result = Verify(entries, unknown);
        Assert.Equal((LedgerProblem.CheckpointUnknownKey, 20L, 19L), (result.Problem, result.FirstBadSequence, result.EntriesChecked));
        Assert.Contains(stranger.KeyId, result.ReasonEn, StringComparison.Ordinal);

        var badSignature = checkpoints.ToList();
        badSignature[2] = badSignature[2] with { Signature = FlipBit(badSignature[2].Signature, 100) };
        result = Verify(entries, badSignature);
        Assert.Equal((LedgerProblem.CheckpointBadSignature, 30L), (result.Problem, result.FirstBadSequence));

        var forgedPastEnd = checkpoints.Append(stranger.Sign(31, entries[29].Hash, Start));
        result = Verify(entries, forgedPastEnd);
        Assert.Equal((LedgerProblem.CheckpointUnknownKey, 31L), (result.Problem, result.FirstBadSequence));

        result = Verify(entries, [checkpoints[1], checkpoints[0]]);
        Assert.Equal(LedgerProblem.CheckpointsOutOfOrder, result.Problem);
        Assert.Null(result.FirstBadSequence);

        result = Verify([], [checkpoints[0]]);
        Assert.Equal((LedgerProblem.CheckpointPastEnd, 1L), (result.Problem, result.FirstBadSequence));
    }

    [Fact]
    public void Verification_streams_and_stops_reading_at_the_first_bad_entry()
    {
        var read = 0;
        IEnumerable<LedgerEntry> Entries()
        {
            LedgerEntry? last = null;
            for (var i = 1; i <= 100_000; i++)
            {
                read++;
                last = LedgerChain.CreateNext(last, LedgerEntryKind.SubmissionSubmitted, """{"i":1}"""u8.ToArray(), "a", Start);
                yield return i == 500 ? last with { Actor = "b" } : last;
            }
        }
        var result = Verify(Entries());
        Assert.Equal(500, result.FirstBadSequence);
        Assert.Equal(500, read);
    }

    [Fact]
    public async Task The_async_variant_reports_the_same()
    {
        var entries = Chain(300, seed: 11);
        var checkpoints = Checkpoints(entries, _signer, every: 100);
        var ok = await LedgerVerifier.VerifyAsync(ToAsync(entries, TestContext.Current.CancellationToken), checkpoints, _verifier, TestContext.Current.CancellationToken);
        Assert.True(ok.Ok, ok.ReasonEn);
        Assert.Equal(300, ok.EntriesChecked);
        var tampered = Replace(entries, 149, e => e with { Kind = "submission.forged" });
        Assert.Equal(Verify(tampered, checkpoints), await LedgerVerifier.VerifyAsync(
            ToAsync(tampered, TestContext.Current.CancellationToken), checkpoints, _verifier, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Cancellation_stops_a_long_verification()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => LedgerVerifier.Verify(Chain(10, seed: 12), [], _verifier, cancel.Token));
    }

    private static async IAsyncEnumerable<LedgerEntry> ToAsync(IEnumerable<LedgerEntry> entries,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var entry in entries)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    private static LedgerEntry Rehash(LedgerEntry entry) => entry with { Hash = LedgerHasher.ComputeHash(entry) };

    /// <summary>Replaces every entry from <paramref name="fromSequence"/> on with a forged one, recomputing the chain.</summary>
    private static List<LedgerEntry> RewriteFrom(List<LedgerEntry> entries, int fromSequence)
    {
        var forged = entries.Take(fromSequence - 1).ToList();
        var last = forged.LastOrDefault();
        foreach (var original in entries.Skip(fromSequence - 1))
        {
            last = LedgerChain.CreateNext(last, original.Kind, """{"forged":true}"""u8.ToArray(), original.Actor, original.Time);
            forged.Add(last);
        }
        return forged;
    }
}
