using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// An optional capability of an <see cref="IAuditSink"/>: one trail written by several writers (application instances,
/// each with its own audit pipeline) that together keep a single gap-free hash chain. The pipeline detects it and
/// appends through <see cref="AppendAsync"/>; a sink without it serves one writer only.
/// </summary>
/// <remarks>
/// <para>
/// Each writer seals its batch onto the head it last knew of. <see cref="AppendAsync"/> reads the trail's real head and
/// appends, as one step serialized against every other writer of the same trail (a database lock held for the
/// transaction, a file lock, ...). When another writer appended in between, the sink writes nothing more of the batch
/// and answers <see cref="AuditAppendResult.HeadMoved"/> with the head it found; the pipeline then re-seals the events
/// not yet written onto that head (new sequence numbers and hashes, the same content) and appends again at once. This
/// is the expected outcome of sharing, not a failure: it is neither counted as one nor delayed by back-off.
/// </para>
/// <para>
/// Idempotency stays as for <see cref="IAuditSink.WriteBatchAsync"/>: events of the batch that the trail already holds
/// with the same hash (a retry of a write that succeeded unseen) are skipped and count as written.
/// </para>
/// </remarks>
public interface ISharedAuditSink : IAuditSink
{
    /// <summary>Appends a batch onto the trail's head, unless another writer moved the head first.</summary>
    /// <param name="batch">Events with consecutive sequence numbers, sealed by the pipeline onto the head it knew of.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// <see cref="AuditAppendResult.Appended"/> when every event of the batch is durable in the trail;
    /// <see cref="AuditAppendResult.HeadMoved"/> when the trail holds a different event under one of the batch's
    /// sequence numbers: its first <see cref="AuditAppendResult.WrittenCount"/> events are held unchanged, the rest were
    /// not written. A batch that would leave a gap after the head is refused with an exception; a failed task means the
    /// batch may be partly written, as for <see cref="IAuditSink.WriteBatchAsync"/>.
    /// </returns>
    ValueTask<AuditAppendResult> AppendAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="ISharedAuditSink.AppendAsync"/>: appended, or the head moved under the writer.</summary>
public readonly record struct AuditAppendResult
{
    private AuditAppendResult(long headSequence, string headHash, int writtenCount)
    {
        HeadSequence = headSequence;
        HeadHash = headHash;
        WrittenCount = writtenCount;
    }

    /// <summary>Gets the result of a batch that is durable in full.</summary>
    public static AuditAppendResult Appended => default;

    /// <summary>Gets a value indicating whether another writer moved the head and the batch must be re-sealed onto it.</summary>
    public bool IsHeadMoved => HeadHash is not null;

    /// <summary>Gets the sequence number of the trail's last event when the head moved (0 otherwise).</summary>
    public long HeadSequence { get; }

    /// <summary>Gets the hash of the trail's last event when the head moved (<see langword="null"/> otherwise).</summary>
    public string? HeadHash { get; }

    /// <summary>Gets how many leading events of the batch the trail already held unchanged when the head moved.</summary>
    public int WrittenCount { get; }

    /// <summary>Reports that the trail holds another writer's event under one of the batch's sequence numbers.</summary>
    /// <param name="headSequence">The sequence number of the trail's last event.</param>
    /// <param name="headHash">The hash of that event (64 lower-case hex digits).</param>
    /// <param name="writtenCount">How many leading events of the batch the trail holds unchanged; the rest were not written.</param>
    /// <returns>The result.</returns>
    public static AuditAppendResult HeadMoved(long headSequence, string headHash, int writtenCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(headSequence, 1);
        ArgumentNullException.ThrowIfNull(headHash);
        ArgumentOutOfRangeException.ThrowIfNegative(writtenCount);
        if (headHash.Length != AuditHashChain.HashHexLength)
        {
            throw new ArgumentException("The head hash must be 64 hex digits.", nameof(headHash));
        }

        return new AuditAppendResult(headSequence, headHash, writtenCount);
    }
}
