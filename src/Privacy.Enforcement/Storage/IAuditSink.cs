using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// A durable destination of audit events. The audit pipeline calls it from one writer with batches in sequence
/// order; buffering, retry with back-off and flushing belong to the pipeline, not to the sink.
/// </summary>
/// <remarks>
/// A sink serves one writer: a second pipeline writing the same trail collides on sequence numbers. A sink that several
/// application instances share (a database) also implements <see cref="ISharedAuditSink"/>.
/// </remarks>
public interface IAuditSink
{
    /// <summary>Writes a batch. When the task completes successfully every event of the batch is durable.</summary>
    /// <param name="batch">Events with consecutive sequence numbers, sealed by the pipeline.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task. A failed task means the batch may be partly written: the pipeline retries the same batch, so the
    /// sink skips each event it already holds with the same sequence number and hash, and appends the rest. An event
    /// whose sequence number it holds with a different hash is another writer's: the sink refuses the whole batch with
    /// an exception naming that sequence number, writing none of it; it never writes over a held event and never reports
    /// success while dropping one. A batch that would leave a gap after the last event held is refused whole too.
    /// <c>AuditStoreConformanceTests</c> in Privacy.Enforcement.Testing checks this contract.</returns>
    ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken);
}

/// <summary>An audit sink the trail can be read back from (for verification, queries and restart).</summary>
public interface IAuditTrailReader
{
    /// <summary>Reads events with sequence numbers from <paramref name="fromSequence"/> on, in order.</summary>
    /// <param name="fromSequence">The first sequence number (1 for the whole trail).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, CancellationToken cancellationToken);

    /// <summary>Reads the last event, or <see langword="null"/> for an empty trail.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The last event.</returns>
    ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A separate destination for checkpoints of the trail. Checkpoints are chained (<see cref="AuditCheckpoint.PreviousCheckpointHash"/>):
/// a sink that several instances share must refuse a checkpoint whose link is not the hash of its newest one, as one step.
/// </summary>
public interface ICheckpointSink
{
    /// <summary>Writes a checkpoint durably.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Reads the newest checkpoint, or <see langword="null"/>.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The checkpoint.</returns>
    ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken);
}

/// <summary>
/// An optional capability of an <see cref="ICheckpointSink"/>: every checkpoint read back in the order written, so that
/// the checkpoint chain can be verified (<see cref="AuditTrailVerifier"/>) and checked at start-up. A checkpoint sink
/// without it is checked by its newest checkpoint only.
/// </summary>
public interface IAuditCheckpointReader
{
    /// <summary>Reads every checkpoint, in the order written.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The checkpoints.</returns>
    IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken);
}

/// <summary>Maps subjects to random pseudonyms for the audit trail. Erasure deletes the mapping.</summary>
public interface IPseudonymStore
{
    /// <summary>Returns the subject's pseudonym, creating a random one atomically if it has none.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The pseudonym.</returns>
    ValueTask<string> GetOrCreateAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Returns the subject's pseudonym, or <see langword="null"/> when it has none.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The pseudonym.</returns>
    ValueTask<string?> FindAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Deletes the subject's mapping, so the trail no longer identifies it.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a mapping was deleted.</returns>
    ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken);
}
