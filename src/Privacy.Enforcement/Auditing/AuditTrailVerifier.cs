using System.Runtime.CompilerServices;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>Why a trail failed verification.</summary>
public enum AuditVerificationFailure
{
    /// <summary>The trail verified.</summary>
    None = 0,

    /// <summary>An event (or stored line) could not be read.</summary>
    MalformedEvent = 1,

    /// <summary>An event's sequence number is not its position: an event was removed, inserted or reordered.</summary>
    SequenceMismatch = 2,

    /// <summary>An event's previous hash is not the hash of the event before it.</summary>
    PreviousHashMismatch = 3,

    /// <summary>An event's content does not match its hash: it was altered.</summary>
    HashMismatch = 4,

    /// <summary>A stored line is not the canonical form of the event it holds: it was altered.</summary>
    NotCanonical = 5,

    /// <summary>The trail is shorter than a checkpoint says it was.</summary>
    Truncated = 6,

    /// <summary>The event at a checkpoint's size does not have the checkpoint's head hash: history was rewritten.</summary>
    CheckpointMismatch = 7,

    /// <summary>A checkpoint could not be read.</summary>
    MalformedCheckpoint = 8,

    /// <summary>A checkpoint is unsigned although a key was given.</summary>
    CheckpointSignatureMissing = 9,

    /// <summary>A checkpoint's signature does not verify with the given key.</summary>
    CheckpointSignatureInvalid = 10,

    /// <summary>
    /// The checkpoints do not form one chain (a checkpoint was deleted, inserted or reordered), or the anchored checkpoint
    /// is not in it (the checkpoints above it were deleted).
    /// </summary>
    CheckpointChainBroken = 11,

    /// <summary>A key was given but the trail has no checkpoint: without one nothing vouches for the trail.</summary>
    CheckpointMissing = 12,
}

/// <summary>What a trail is verified against besides itself.</summary>
public sealed class AuditVerificationOptions
{
    /// <summary>
    /// Gets the key the checkpoints must be signed with. When set, at least one checkpoint is required and every
    /// checkpoint (and the <see cref="Anchor"/>) must carry a valid signature.
    /// </summary>
    public IAuditCheckpointSigner? Signer { get; init; }

    /// <summary>
    /// Gets the fewest events the trail must hold, as known from outside the host (for example the size of the last
    /// checkpoint published elsewhere, or a count reported to an auditor): a trail cut after its newest checkpoint is found
    /// only this way or by <see cref="Anchor"/>. Default 0.
    /// </summary>
    public long MinimumSize { get; init; }

    /// <summary>
    /// Gets a checkpoint held outside the host (published through <see cref="IAuditCheckpointAnchor"/>): the trail must
    /// hold its head at its size and, when checkpoints are given, it must be one of them (else the checkpoints above it were
    /// deleted).
    /// </summary>
    public AuditCheckpoint? Anchor { get; init; }
}

/// <summary>The outcome of verifying an audit trail.</summary>
/// <param name="Failure">Why it failed, or <see cref="AuditVerificationFailure.None"/>.</param>
/// <param name="Count">The number of events read.</param>
/// <param name="HeadHash">The hash of the last good event (<see cref="AuditHashChain.GenesisHash"/> when none).</param>
/// <param name="FirstBadIndex">The 0-based position of the first bad event (its expected sequence number is one more);
/// for a truncation the position of the first missing event; <see langword="null"/> when valid or when a checkpoint itself is bad.</param>
/// <param name="Message">What is wrong, naming the position; no event content.</param>
/// <param name="CheckpointsVerified">The number of checkpoints checked against the trail.</param>
public sealed record AuditVerificationResult(AuditVerificationFailure Failure, long Count, string HeadHash, long? FirstBadIndex, string? Message, int CheckpointsVerified)
{
    /// <summary>Gets a value indicating whether the trail verified.</summary>
    public bool IsValid => Failure == AuditVerificationFailure.None;
}

/// <summary>
/// Verifies a trail: sequence numbers from 1 without gaps, every previous hash, every hash, and the checkpoints (one
/// chain in stored order, head hash at their size, no truncation below the newest, signatures when a key is given, at
/// least one checkpoint when a key is given), and optionally an expected minimum size and an anchored checkpoint held
/// outside the host (<see cref="AuditVerificationOptions"/>). Names the first bad index.
/// </summary>
public static class AuditTrailVerifier
{
    private static readonly AuditVerificationOptions NoOptions = new();

    /// <summary>Verifies events in memory.</summary>
    /// <param name="events">The trail, in stored order.</param>
    /// <param name="checkpoints">Checkpoints to check it against, in stored order.</param>
    /// <param name="options">The key, expected size and anchor (<see langword="null"/>: none).</param>
    /// <returns>The result.</returns>
    public static AuditVerificationResult Verify(IEnumerable<AuditEvent> events, IEnumerable<AuditCheckpoint>? checkpoints = null, AuditVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var state = new State(checkpoints, options ?? NoOptions);
        if (state.Result is { } bad)
        {
            return bad;
        }

        foreach (var e in events)
        {
            if (!state.Step(e, null))
            {
                return state.Result!;
            }
        }

        return state.Finish();
    }

    /// <summary>Verifies events read from a store.</summary>
    /// <param name="events">The trail, in stored order.</param>
    /// <param name="checkpoints">Checkpoints to check it against, in stored order (<see cref="IAuditCheckpointReader"/>).</param>
    /// <param name="options">The key, expected size and anchor (<see langword="null"/>: none).</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The result.</returns>
    public static async ValueTask<AuditVerificationResult> VerifyAsync(IAsyncEnumerable<AuditEvent> events, IEnumerable<AuditCheckpoint>? checkpoints, AuditVerificationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var state = new State(checkpoints, options ?? NoOptions);
        if (state.Result is { } bad)
        {
            return bad;
        }

        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!state.Step(e, null))
            {
                return state.Result!;
            }
        }

        return state.Finish();
    }

    /// <summary>
    /// Verifies a JSON Lines trail byte for byte (each line must be the canonical form of its event with its hash), with
    /// the checkpoints of a JSON Lines checkpoint file. An incomplete last line (a torn write) counts as malformed.
    /// </summary>
    /// <param name="trail">The trail file's content.</param>
    /// <param name="checkpoints">The checkpoint file's content, if any.</param>
    /// <param name="options">The key, expected size and anchor (<see langword="null"/>: none).</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The result.</returns>
    public static async ValueTask<AuditVerificationResult> VerifyJsonLinesAsync(Stream trail, Stream? checkpoints, AuditVerificationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trail);
        options ??= NoOptions;
        var checkpointList = new List<AuditCheckpoint>();
        if (checkpoints is not null)
        {
            var n = 0;
            await foreach (var line in JsonLines.ReadAsync(checkpoints, long.MaxValue, includeIncompleteTail: true, cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    checkpointList.Add(AuditEventJson.ParseCheckpoint(line.Bytes.Span));
                }
                catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
                {
                    return new AuditVerificationResult(AuditVerificationFailure.MalformedCheckpoint, 0, AuditHashChain.GenesisHash, null, $"Checkpoint line {n + 1} is malformed: {ex.Message}", 0);
                }

                n++;
            }
        }

        var state = new State(checkpointList, options);
        if (state.Result is { } bad)
        {
            return bad;
        }

        await foreach (var line in JsonLines.ReadAsync(trail, long.MaxValue, includeIncompleteTail: true, cancellationToken).ConfigureAwait(false))
        {
            if (!line.Complete)
            {
                return state.Fail(AuditVerificationFailure.MalformedEvent, "the last line is incomplete (a torn write)");
            }

            AuditEvent e;
            try
            {
                e = AuditEventJson.ParseEvent(line.Bytes.Span);
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
            {
                return state.Fail(AuditVerificationFailure.MalformedEvent, "the line is not a valid event: " + ex.Message);
            }

            if (!state.Step(e, line.Bytes))
            {
                return state.Result!;
            }
        }

        return state.Finish();
    }

    private sealed class State
    {
        private readonly AuditCheckpoint[] _checkpoints; // by size, for the walk; the anchor among them unless it is a stored one
        private readonly long _minimumSize;
        private readonly AuditCheckpoint? _anchorOutsideChain;
        private readonly int _stored;
        private int _nextCheckpoint;
        private long _index;
        private string _head = AuditHashChain.GenesisHash;

        public State(IEnumerable<AuditCheckpoint>? checkpoints, AuditVerificationOptions options)
        {
            AuditCheckpoint[] stored = checkpoints is null ? [] : [.. checkpoints];
            _stored = stored.Length;
            _minimumSize = options.MinimumSize;
            if (AuditCheckpointChain.Check(stored, options.Signer) is { } broken)
            {
                Result = new(broken.Failure, 0, _head, null, broken.Message, 0);
                _checkpoints = [];
                return;
            }

            if (options.Signer is not null && stored.Length == 0)
            {
                Result = new(AuditVerificationFailure.CheckpointMissing, 0, _head, null, "A checkpoint key was given but there is no checkpoint: without a signed checkpoint the trail could have been rewritten or emptied whole.", 0);
                _checkpoints = [];
                return;
            }

            var bySize = stored.ToList();
            if (options.Anchor is { } anchor)
            {
                if (!AuditCheckpointChain.IsWellFormed(anchor))
                {
                    Result = new(AuditVerificationFailure.MalformedCheckpoint, 0, _head, null, "The anchored checkpoint is malformed.", 0);
                    _checkpoints = [];
                    return;
                }

                if (options.Signer is not null && AuditCheckpointChain.CheckSignature(anchor, options.Signer) is { } bad)
                {
                    Result = new(bad.Failure, 0, _head, null, $"The anchored checkpoint (size {anchor.Size}): {bad.Message}.", 0);
                    _checkpoints = [];
                    return;
                }

                var hash = AuditHashChain.GetCheckpointHash(anchor);
                if (!stored.Any(c => string.Equals(AuditHashChain.GetCheckpointHash(c), hash, StringComparison.Ordinal)))
                {
                    // Checked against the trail like a checkpoint; not being in the chain is reported after the walk,
                    // so that a truncated trail is named as such first.
                    bySize.Add(anchor);
                    _anchorOutsideChain = stored.Length > 0 ? anchor : null;
                }
            }

            _checkpoints = [.. bySize.OrderBy(c => c.Size)];
        }

        public AuditVerificationResult? Result { get; private set; }

        public bool Step(AuditEvent e, ReadOnlyMemory<byte>? storedLine)
        {
            var expected = _index + 1;
            if (e.Sequence != expected)
            {
                Fail(AuditVerificationFailure.SequenceMismatch, $"sequence {e.Sequence} where {expected} was expected (an event was removed, inserted or reordered)");
                return false;
            }

            if (!string.Equals(e.PreviousHash, _head, StringComparison.Ordinal))
            {
                Fail(AuditVerificationFailure.PreviousHashMismatch, "its previous hash is not the hash of the event before it");
                return false;
            }

            string actual;
            try
            {
                actual = AuditHashChain.ComputeHash(_head, e);
            }
            catch (FormatException ex)
            {
                Fail(AuditVerificationFailure.MalformedEvent, ex.Message);
                return false;
            }

            if (!string.Equals(actual, e.Hash, StringComparison.Ordinal))
            {
                Fail(AuditVerificationFailure.HashMismatch, "its content does not match its hash (altered)");
                return false;
            }

            if (storedLine is { } line && !line.Span.SequenceEqual(AuditHashChain.GetLine(e)))
            {
                Fail(AuditVerificationFailure.NotCanonical, "the stored line is not the canonical form of its event (altered)");
                return false;
            }

            while (_nextCheckpoint < _checkpoints.Length && _checkpoints[_nextCheckpoint].Size <= expected)
            {
                var c = _checkpoints[_nextCheckpoint];
                if (c.Size == expected && !string.Equals(c.HeadHash, e.Hash, StringComparison.Ordinal))
                {
                    Fail(AuditVerificationFailure.CheckpointMismatch, $"its hash is not the head hash of the checkpoint of size {c.Size} (history rewritten)");
                    return false;
                }

                if (c.Size == 0 && !string.Equals(c.HeadHash, AuditHashChain.GenesisHash, StringComparison.Ordinal))
                {
                    Fail(AuditVerificationFailure.CheckpointMismatch, "the checkpoint of size 0 does not carry the genesis hash");
                    return false;
                }

                _nextCheckpoint++;
            }

            _head = e.Hash;
            _index++;
            return true;
        }

        public AuditVerificationResult Fail(AuditVerificationFailure failure, string why)
        {
            Result = new(failure, _index, _head, _index, $"Event at index {_index} (sequence {_index + 1}): {why}.", Math.Min(_nextCheckpoint, _stored));
            return Result;
        }

        public AuditVerificationResult Finish()
        {
            var verified = Math.Min(_nextCheckpoint, _stored);
            if (_nextCheckpoint < _checkpoints.Length)
            {
                var newest = _checkpoints[^1];
                Result = new(
                    AuditVerificationFailure.Truncated,
                    _index,
                    _head,
                    _index,
                    $"The trail has {_index} events but a checkpoint records {newest.Size}: truncated from index {_index} (sequence {_index + 1}).",
                    verified);
                return Result;
            }

            if (_index < _minimumSize)
            {
                Result = new(
                    AuditVerificationFailure.Truncated,
                    _index,
                    _head,
                    _index,
                    $"The trail has {_index} events but at least {_minimumSize} were expected: truncated from index {_index} (sequence {_index + 1}).",
                    verified);
                return Result;
            }

            if (_anchorOutsideChain is { } anchor)
            {
                Result = new(
                    AuditVerificationFailure.CheckpointChainBroken,
                    _index,
                    _head,
                    null,
                    $"The anchored checkpoint (size {anchor.Size}) matches the trail but is not in its checkpoint chain: the checkpoints from it on were deleted or rewritten.",
                    verified);
                return Result;
            }

            Result = new(AuditVerificationFailure.None, _index, _head, null, null, verified);
            return Result;
        }
    }
}

/// <summary>Splits a stream into lines (without the <c>\n</c>).</summary>
internal static class JsonLines
{
    public readonly record struct Line(ReadOnlyMemory<byte> Bytes, long Offset, bool Complete);

    /// <summary>Reads lines up to <paramref name="maxLength"/> bytes; each line's memory is valid until the next one is read.</summary>
    public static async IAsyncEnumerable<Line> ReadAsync(Stream stream, long maxLength, bool includeIncompleteTail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        long consumed = 0; // file offset of buffer[start]
        long remaining = maxLength;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                yield return new Line(buffer.AsMemory(start, newline), consumed, true);
                start += newline + 1;
                consumed += newline + 1;
                continue;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var toRead = (int)Math.Min(buffer.Length - end, remaining);
            var read = toRead == 0 ? 0 : await stream.ReadAsync(buffer.AsMemory(end, toRead), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (end > 0 && includeIncompleteTail)
                {
                    yield return new Line(buffer.AsMemory(0, end), consumed, false);
                }

                yield break;
            }

            end += read;
            remaining -= read;
        }
    }
}
