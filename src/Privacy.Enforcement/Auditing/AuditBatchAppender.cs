using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Writes one batch of sealed events to the sink until it is written: a failed write is retried — the same sealed
/// events — with exponential back-off (<see cref="AuditRetryBackoff"/>); the sink skips the events it already holds.
/// </summary>
/// <remarks>
/// Over an <see cref="ISharedAuditSink"/> several instances write one trail: when the sink reports that another writer
/// moved the head, the events not yet written are re-sealed onto the real head and appended again at once (not a
/// failure, no back-off); <see cref="AuditGroupCommitWriter"/> then has sealing continue from the real head.
/// </remarks>
internal sealed partial class AuditBatchAppender
{
    private readonly IAuditSink _sink;
    private readonly ISharedAuditSink? _sharedSink;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _abort;
    private readonly ILogger _logger;
    private readonly AuditTelemetry _telemetry;

    public AuditBatchAppender(IAuditSink sink, AuditTrailOptions options, TimeProvider time, ILogger logger, AuditTelemetry telemetry, CancellationToken abort)
    {
        _telemetry = telemetry;
        _sink = sink;
        _sharedSink = sink as ISharedAuditSink;
        _options = options;
        _time = time;
        _abort = abort;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether several instances may write the trail (the sink is an <see cref="ISharedAuditSink"/>).</summary>
    public bool IsShared => _sharedSink is not null;

    /// <summary>
    /// Several instances over one shared trail only: when another instance moved the head after events were sealed,
    /// they are re-sealed onto this writer's durable head before they are written.
    /// </summary>
    public void EnsureChained(List<AuditEvent> batch, long durableSequence, string durableHead)
    {
        if (batch[0].Sequence != durableSequence + 1 || !string.Equals(batch[0].PreviousHash, durableHead, StringComparison.Ordinal))
        {
            Reseal(batch, durableSequence, durableHead);
        }
    }

    /// <summary>Writes <paramref name="batch"/> (re-chained in place if the head moved); <see langword="false"/> when shutdown aborted it.</summary>
    public async Task<bool> WriteAsync(List<AuditEvent> batch)
    {
        _telemetry.BatchSize.Record(batch.Count);
        for (var attempt = 0; ;)
        {
            var started = _time.GetTimestamp();
            try
            {
                if (_sharedSink is null)
                {
                    await _sink.WriteBatchAsync(batch, _abort).ConfigureAwait(false);
                }
                else
                {
                    var result = await _sharedSink.AppendAsync(batch, _abort).ConfigureAwait(false);
                    if (result.IsHeadMoved && Rechain(batch, result))
                    {
                        continue; // another instance appended first: straight back onto the real head
                    }
                }

                _telemetry.WriteDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
                return true;
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                _telemetry.WriteFailures.Add(1);
                var delay = AuditRetryBackoff.Delay(_options, attempt++);
                LogWriteFailed(_logger, ex, batch[0].Sequence, batch.Count, attempt, delay);
                if (!await AuditRetryBackoff.WaitAsync(delay, _time, _abort).ConfigureAwait(false))
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Seals the events of <paramref name="batch"/> again, in order, after the head <paramref name="sequence"/> / <paramref name="hash"/>.</summary>
    private void Reseal(List<AuditEvent> batch, long sequence, string hash)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i] = AuditHashChain.Seal(batch[i], sequence + 1 + i, hash);
            hash = batch[i].Hash;
        }

        _telemetry.Rechained.Add(batch.Count);
    }

    /// <summary>
    /// Re-seals the events of <paramref name="batch"/> not yet written onto the head another writer moved to, dropping
    /// the leading events the trail already holds. Returns <see langword="false"/> when nothing is left to write.
    /// </summary>
    /// <exception cref="InvalidDataException">The sink reported a head that does not cover the conflicting event (a faulty
    /// sink): treated as a failed write, retried with back-off, so a broken sink cannot spin the writer.</exception>
    private bool Rechain(List<AuditEvent> batch, AuditAppendResult moved)
    {
        var written = Math.Min(moved.WrittenCount, batch.Count);
        if (written == batch.Count)
        {
            return false;
        }

        if (moved.HeadSequence < batch[written].Sequence)
        {
            throw new InvalidDataException($"The audit sink reported that the head moved, but to sequence {moved.HeadSequence}, before the batch's unwritten event {batch[written].Sequence}.");
        }

        batch.RemoveRange(0, written);
        Reseal(batch, moved.HeadSequence, moved.HeadHash!);
        LogRechained(_logger, batch.Count, moved.HeadSequence);
        return true;
    }

    [LoggerMessage(EventId = 2004, EventName = "AuditBatchWriteFailed", Level = LogLevel.Error, Message = "Writing audit batch from sequence {FirstSequence} ({Count} events) failed (attempt {Attempt}); retrying in {Delay}.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, long firstSequence, int count, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2008, EventName = "AuditEventsRechained", Level = LogLevel.Debug, Message = "Another writer appended to the shared audit trail first; {Count} events re-chained after sequence {HeadSequence}.")]
    private static partial void LogRechained(ILogger logger, int count, long headSequence);
}
