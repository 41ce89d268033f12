using System.Globalization;

namespace Nris.Core.Ledger;

/// <summary>
/// Recomputes a ledger from its first entry and reports the first place where it does not hold. Entries are
/// streamed, one at a time, so a ledger of millions of entries verifies in constant memory.
/// </summary>
/// <remarks>
/// <para>For each entry, in order: its sequence is the next one (1, 2, 3 … without gaps); its fields are well formed;
/// its previous hash equals the previous entry's stored hash (32 zero bytes for entry 1); the hash recomputed by
/// <see cref="LedgerHasher"/> equals its stored hash; and every checkpoint for its sequence is signed by a trusted key
/// and names its hash. After the last entry, no checkpoint may remain: one would point past the end.</para>
/// <para>What this catches: any change to one stored entry is reported at that entry — the recomputed hash no longer
/// matches, or its link to the entry before breaks. An entry rewritten together with its own hash is reported at the
/// entry after it (whose previous hash no longer matches), or at a checkpoint on it. A rewrite of a whole tail with
/// every hash recomputed is reported at the first checkpoint in that tail. What it cannot catch: a rewritten or
/// removed tail after the last checkpoint, so checkpoints should be signed often. The payload's canonical form is not
/// re-checked; its bytes are hashed as stored.</para>
/// <para>Checkpoints must come in ascending sequence order (several per sequence are allowed). They are read
/// alongside the entries; if both come from one database connection, read the checkpoints into a list first.</para>
/// </remarks>
public static class LedgerVerifier
{
    // How often a long verification looks at its cancellation token.
    private const int CancellationStride = 4096;

    /// <summary>Verifies the ledger.</summary>
    /// <param name="entries">All entries, in sequence order, from the first.</param>
    /// <param name="checkpoints">All checkpoints, in ascending sequence order.</param>
    /// <param name="checkpointVerifier">The trusted checkpoint keys.</param>
    /// <param name="cancellationToken">Stops a long verification.</param>
    /// <returns>The outcome; problems are reported, not thrown.</returns>
    public static LedgerVerification Verify(
        IEnumerable<LedgerEntry> entries,
        IEnumerable<Checkpoint> checkpoints,
        CheckpointVerifier checkpointVerifier,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(checkpointVerifier);
        using var walk = new Walk(checkpoints, checkpointVerifier);
        foreach (var entry in entries)
        {
            if (walk.EntriesChecked % CancellationStride == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (!walk.Accept(entry))
            {
                return walk.Result;
            }
        }
        walk.Finish();
        return walk.Result;
    }

    /// <summary>Verifies the ledger, reading the entries asynchronously (for example straight from a database query).</summary>
    /// <param name="entries">All entries, in sequence order, from the first.</param>
    /// <param name="checkpoints">All checkpoints, in ascending sequence order.</param>
    /// <param name="checkpointVerifier">The trusted checkpoint keys.</param>
    /// <param name="cancellationToken">Stops a long verification.</param>
    /// <returns>The outcome; problems are reported, not thrown.</returns>
    public static async Task<LedgerVerification> VerifyAsync(
        IAsyncEnumerable<LedgerEntry> entries,
        IEnumerable<Checkpoint> checkpoints,
        CheckpointVerifier checkpointVerifier,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(checkpointVerifier);
        using var walk = new Walk(checkpoints, checkpointVerifier);
        await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!walk.Accept(entry))
            {
                return walk.Result;
            }
        }
        walk.Finish();
        return walk.Result;
    }

    /// <summary>The verification state between two entries: what the next entry must link to, and the next checkpoint.</summary>
    private sealed class Walk(IEnumerable<Checkpoint> checkpoints, CheckpointVerifier verifier) : IDisposable
    {
        private readonly IEnumerator<Checkpoint> _checkpoints = checkpoints.GetEnumerator();
        private byte[] _previousHash = LedgerChain.GenesisPreviousHash;
        private Checkpoint? _nextCheckpoint;
        private bool _checkpointsExhausted;
        private long _checkpointsChecked;

        public long EntriesChecked { get; private set; }

        public LedgerVerification Result { get; private set; } = null!;

        private long Expected => EntriesChecked + 1;

        public bool Accept(LedgerEntry? entry)
        {
            var expected = Expected;
            if (entry is null)
            {
                return Fail(LedgerProblem.MalformedEntry, expected,
                    $"Bản ghi {expected} bị thiếu (null).", $"Entry {expected} is missing (null).");
            }
            if (entry.Sequence != expected)
            {
                return Fail(LedgerProblem.SequenceMismatch, expected,
                    $"Tại vị trí bản ghi {expected} lại gặp số thứ tự {entry.Sequence}: có bản ghi bị thiếu, bị lặp hoặc sai thứ tự.",
                    $"Entry {expected} was expected here but sequence {entry.Sequence} was found: an entry is missing, repeated or out of order.");
            }
            if (Malformation(entry) is { } malformation)
            {
                return Fail(LedgerProblem.MalformedEntry, expected,
                    $"Bản ghi {expected} không đúng định dạng: {malformation.Vi}.",
                    $"Entry {expected} is malformed: {malformation.En}.");
            }
            if (!entry.PreviousHash.AsSpan().SequenceEqual(_previousHash))
            {
                return expected == LedgerChain.FirstSequence
                    ? Fail(LedgerProblem.PreviousHashMismatch, expected,
                        $"Mã băm trước của bản ghi 1 phải là 32 byte 0.",
                        $"Entry 1's previous hash must be 32 zero bytes.")
                    : Fail(LedgerProblem.PreviousHashMismatch, expected,
                        $"Mã băm trước của bản ghi {expected} không khớp mã băm của bản ghi {expected - 1}.",
                        $"Entry {expected}'s previous hash does not match the hash of entry {expected - 1}.");
            }
            byte[] recomputed;
            try
            {
                recomputed = LedgerHasher.ComputeHash(entry);
            }
            catch (ArgumentException ex)
            {
                return Fail(LedgerProblem.MalformedEntry, expected,
                    $"Bản ghi {expected} không đúng định dạng: {ex.Message}",
                    $"Entry {expected} is malformed: {ex.Message}");
            }
            if (!recomputed.AsSpan().SequenceEqual(entry.Hash))
            {
                return Fail(LedgerProblem.HashMismatch, expected,
                    $"Nội dung bản ghi {expected} không khớp mã băm của nó: bản ghi đã bị thay đổi.",
                    $"Entry {expected}'s contents do not match its hash: the entry was changed.");
            }
            if (!CheckCheckpointsAt(entry))
            {
                return false;
            }
            _previousHash = entry.Hash;
            EntriesChecked = expected;
            return true;
        }

        public void Finish()
        {
            if (PeekCheckpoint() is { } left)
            {
                var last = EntriesChecked;
                if (left.Sequence <= last)
                {
                    FailOutOfOrder(left);
                    return;
                }
                // A forged or unknown checkpoint is reported as such; only a genuine one shows that entries were removed.
                if (CheckSignature(left, last + 1))
                {
                    Fail(LedgerProblem.CheckpointPastEnd, last + 1,
                        $"Điểm kiểm tra đã ký tại bản ghi {left.Sequence} vượt quá bản ghi cuối cùng ({last}): các bản ghi từ {last + 1} đã bị xóa.",
                        $"A signed checkpoint names entry {left.Sequence}, past the last entry ({last}): entries from {last + 1} on were removed.");
                }
                return;
            }
            Result = new LedgerVerification(true, EntriesChecked, null,
                string.Create(CultureInfo.InvariantCulture, $"Sổ cái toàn vẹn: đã kiểm tra {EntriesChecked} bản ghi và {_checkpointsChecked} điểm kiểm tra."),
                string.Create(CultureInfo.InvariantCulture, $"The ledger is intact: {EntriesChecked} entries and {_checkpointsChecked} checkpoints verified."))
            {
                Problem = LedgerProblem.None,
                CheckpointsChecked = _checkpointsChecked,
            };
        }

        private bool CheckCheckpointsAt(LedgerEntry entry)
        {
            while (PeekCheckpoint() is { } checkpoint && checkpoint.Sequence <= entry.Sequence)
            {
                if (checkpoint.Sequence < entry.Sequence)
                {
                    return FailOutOfOrder(checkpoint);
                }
                if (!CheckSignature(checkpoint, entry.Sequence))
                {
                    return false;
                }
                if (!checkpoint.Hash.AsSpan().SequenceEqual(entry.Hash))
                {
                    return Fail(LedgerProblem.CheckpointHashMismatch, entry.Sequence,
                        $"Điểm kiểm tra đã ký tại bản ghi {entry.Sequence} ghi một mã băm khác mã băm của bản ghi: sổ cái đã bị viết lại đến đây.",
                        $"The signed checkpoint at entry {entry.Sequence} names another hash than the entry has: the ledger was rewritten up to here.");
                }
                _checkpointsChecked++;
                _nextCheckpoint = null;
            }
            return true;
        }

        private bool CheckSignature(Checkpoint checkpoint, long reportAt)
        {
            switch (verifier.Check(checkpoint))
            {
                case CheckpointSignatureStatus.Valid:
                    return true;
                case CheckpointSignatureStatus.UnknownKey:
                    return Fail(LedgerProblem.CheckpointUnknownKey, reportAt,
                        $"Điểm kiểm tra tại bản ghi {checkpoint.Sequence} được ký bằng khóa không được tin cậy ({checkpoint.KeyId}).",
                        $"The checkpoint at entry {checkpoint.Sequence} is signed with a key that is not trusted ({checkpoint.KeyId}).");
                case CheckpointSignatureStatus.Malformed:
                    return Fail(LedgerProblem.CheckpointBadSignature, reportAt,
                        $"Điểm kiểm tra tại bản ghi {checkpoint.Sequence} không đúng định dạng.",
                        $"The checkpoint at entry {checkpoint.Sequence} is malformed.");
                default:
                    return Fail(LedgerProblem.CheckpointBadSignature, reportAt,
                        $"Chữ ký của điểm kiểm tra tại bản ghi {checkpoint.Sequence} không hợp lệ: điểm kiểm tra đã bị sửa hoặc giả mạo.",
                        $"The signature of the checkpoint at entry {checkpoint.Sequence} is not valid: the checkpoint was altered or forged.");
            }
        }

        private bool FailOutOfOrder(Checkpoint checkpoint) =>
            Fail(LedgerProblem.CheckpointsOutOfOrder, null,
                $"Các điểm kiểm tra phải theo thứ tự tăng dần; điểm kiểm tra tại {checkpoint.Sequence} đến sau bản ghi {EntriesChecked}.",
                $"Checkpoints must come in ascending sequence order; the one at {checkpoint.Sequence} came after entry {EntriesChecked}.");

        private Checkpoint? PeekCheckpoint()
        {
            if (_nextCheckpoint is null && !_checkpointsExhausted)
            {
                if (_checkpoints.MoveNext())
                {
                    // A null in the list is treated like a checkpoint at sequence 0: always out of order.
                    _nextCheckpoint = _checkpoints.Current ?? new Checkpoint(0, [], default, "", []);
                }
                else
                {
                    _checkpointsExhausted = true;
                }
            }
            return _nextCheckpoint;
        }

        private static (string Vi, string En)? Malformation(LedgerEntry entry) =>
            entry switch
            {
                { Kind: null } => ("thiếu loại bản ghi", "the kind is missing"),
                { Actor: null } => ("thiếu người thực hiện", "the actor is missing"),
                { Payload: null } => ("thiếu nội dung", "the payload is missing"),
                { PreviousHash: null } or { PreviousHash.Length: not LedgerHasher.HashSize } =>
                    ("mã băm trước không phải 32 byte", "the previous hash is not 32 bytes"),
                { Hash: null } or { Hash.Length: not LedgerHasher.HashSize } =>
                    ("mã băm không phải 32 byte", "the hash is not 32 bytes"),
                _ when !LedgerTime.HasMicrosecondPrecision(entry.Time) =>
                    ("thời gian chi tiết hơn micro giây, không thể là thời gian đã băm",
                        "the time is finer than microseconds, so it cannot be the time that was hashed"),
                _ => null,
            };

        // FormattableString so that numbers are always written with the invariant culture.
        private bool Fail(LedgerProblem problem, long? at, FormattableString vi, FormattableString en)
        {
            Result = new LedgerVerification(false, EntriesChecked, at, vi.ToString(CultureInfo.InvariantCulture),
                en.ToString(CultureInfo.InvariantCulture))
            {
                Problem = problem,
                CheckpointsChecked = _checkpointsChecked,
            };
            return false;
        }

        public void Dispose() => _checkpoints.Dispose();
    }
}
