using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The writer: one thread that reads the head (<see cref="AuditTrailResumer"/>), then takes what is sealed
/// (<see cref="AuditWriterHandoff"/>) and group-commits it (<see cref="AuditBatchAppender"/>), answers the callers of
/// what is durable, and checkpoints between batches (<see cref="AuditCheckpointer"/>), until the queue is completed and
/// everything is written. While it waits for the disk, callers seal the next batch (<see cref="AuditEventSealer"/>),
/// so a flush begins as soon as the last one ends.
/// </summary>
/// <remarks>
/// A thread of its own because a flush to disk blocks its thread, and a writer (or a sealer) waiting its turn in the
/// thread pool behind the callers it has just answered would leave the disk idle.
/// </remarks>
internal sealed partial class AuditGroupCommitWriter
{
    private readonly AuditEntryQueue _queue;
    private readonly AuditEventSealer _sealer;
    private readonly AuditWriterHandoff _handoff;
    private readonly AuditBatchAppender _appender;
    private readonly AuditCheckpointer _checkpointer;
    private readonly AuditTrailResumer _resumer;
    private readonly AuditEntryWatchdog _watchdog;
    private readonly AuditLineBufferPool _lines;
    private readonly ILogger _logger;
    private readonly AuditTelemetry _telemetry;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _durableSequence; // the last event the sink holds durably, what checkpoints cover
    private string _durableHead = AuditHashChain.GenesisHash;

    public AuditGroupCommitWriter(
        AuditEntryQueue queue,
        AuditEventSealer sealer,
        AuditWriterHandoff handoff,
        AuditBatchAppender appender,
        AuditCheckpointer checkpointer,
        AuditTrailResumer resumer,
        AuditEntryWatchdog watchdog,
        AuditLineBufferPool lines,
        ILogger logger,
        AuditTelemetry telemetry)
    {
        _telemetry = telemetry;
        _queue = queue;
        _sealer = sealer;
        _handoff = handoff;
        _appender = appender;
        _checkpointer = checkpointer;
        _resumer = resumer;
        _watchdog = watchdog;
        _lines = lines;
        _logger = logger;
    }

    /// <summary>Gets a task that completes when the writer's thread has ended.</summary>
    public Task Completion => _finished.Task;

    /// <summary>Starts the writer on a thread of its own, without the first caller's execution context (its activity, its async locals).</summary>
    public void Start()
    {
        var thread = new Thread(static state =>
        {
            var writer = (AuditGroupCommitWriter)state!;
            try
            {
                writer.Run();
            }
            finally
            {
                writer._finished.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "Privacy.Enforcement audit writer",
        };
        thread.UnsafeStart(this);
    }

    /// <summary>Reads the head, then writes what is sealed until the queue is completed and everything is written.</summary>
    private void Run()
    {
        var taken = new List<AuditEntry>();
        var batch = new List<AuditEvent>();
        try
        {
            if (_resumer.ResumeAsync().GetAwaiter().GetResult() is not { } resumed)
            {
                StopWriting(taken);
                return;
            }

            (_durableSequence, _durableHead) = (resumed.Sequence, resumed.Hash);
            _sealer.Open();
            while (true)
            {
                _sealer.SealQueued(byWriter: true);
                if (!_handoff.TakeSealed(taken, _checkpointer, _durableSequence))
                {
                    if (_sealer.NothingLeftToWrite())
                    {
                        break;
                    }

                    continue;
                }

                if (taken.Count > 0)
                {
                    batch.Clear();
                    foreach (var entry in taken)
                    {
                        batch.Add(entry.Sealed!);
                    }

                    var sealedLast = batch[^1];
                    _appender.EnsureChained(batch, _durableSequence, _durableHead);
                    if (!_appender.WriteAsync(batch).GetAwaiter().GetResult())
                    {
                        StopWriting(taken);
                        return;
                    }

                    if (!ReferenceEquals(batch[^1], sealedLast))
                    {
                        // Re-chained onto a head another instance moved: sealing continues from the real head.
                        _sealer.Rebase(new AuditChainHead(batch[^1].Sequence, batch[^1].Hash));
                    }

                    CompleteWritten(taken, batch[^1]);
                }

                if (_checkpointer.IsDue(_durableSequence))
                {
                    _checkpointer.CheckpointAsync(_durableSequence, _durableHead).GetAwaiter().GetResult();
                }
            }

            if (_checkpointer.HasUncovered(_durableSequence))
            {
                _checkpointer.CheckpointAsync(_durableSequence, _durableHead).GetAwaiter().GetResult();
            }
        }
        catch (Exception ex)
        {
            // Not expected: fail every waiting caller (they deny) rather than leave them hanging.
            LogWriterFailed(_logger, ex);
            StopWriting(taken);
        }
    }

    /// <summary>Answers the callers of events now durable, <paramref name="last"/> being the last of them.</summary>
    private void CompleteWritten(List<AuditEntry> written, AuditEvent last)
    {
        _durableSequence = last.Sequence;
        _durableHead = last.Hash;
        _telemetry.Recorded.Add(written.Count);
        foreach (var entry in written)
        {
            entry.TryComplete(null);
        }

        _lines.Return(written); // the sink holds the lines now
        written.Clear();
        _watchdog.ForgetCompleted();
    }

    /// <summary>The writer cannot go on (stopped by the shutdown deadline, or failed): fails what it holds, what is sealed and what is queued.</summary>
    private void StopWriting(List<AuditEntry> taken)
    {
        _queue.Complete();
        _handoff.Stop(taken);
        _sealer.DrainQueue(taken);
        _handoff.LogLost(AuditEntry.FailStopped(taken));
    }

    [LoggerMessage(EventId = 2006, EventName = "AuditWriterFailed", Level = LogLevel.Critical, Message = "The audit writer failed unexpectedly; waiting callers are denied.")]
    private static partial void LogWriterFailed(ILogger logger, Exception exception);
}
