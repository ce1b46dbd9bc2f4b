using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Checkpoints what the writer has made durable — by count (<see cref="AuditTrailOptions.CheckpointEveryEvents"/>), by
/// time (<see cref="AuditTrailOptions.CheckpointInterval"/>) and at shutdown — each linked to the one before
/// (<see cref="AuditCheckpointChain"/>), signed when a signer is configured, and offered to the anchor publisher
/// (<see cref="AuditCheckpointPublisher"/>). Runs on the writer's thread (<see cref="AuditGroupCommitWriter"/>), between
/// batches; its timer only marks a checkpoint due and wakes an idle writer.
/// </summary>
internal sealed partial class AuditCheckpointer : IAsyncDisposable
{
    private readonly ICheckpointSink? _checkpointSink;
    private readonly IAuditCheckpointSigner? _signer;
    private readonly AuditCheckpointPublisher? _publisher;
    private readonly AuditWriterHandoff _handoff;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _abort;
    private readonly ILogger _logger;
    private readonly AuditTelemetry _telemetry;
    private readonly bool _shared;
    private ITimer? _timer;
    private volatile bool _checkpointDue;
    private long _checkpointedSize;
    private long _checkpointFailedAt = -1; // the size of the last checkpoint that could not be written
    private AuditCheckpoint? _lastCheckpoint; // the newest checkpoint known to be in the sink: the next one links to it
    private bool _lastCheckpointStale; // re-read before the next checkpoint (a failed write; a shared trail)

    public AuditCheckpointer(
        ICheckpointSink? checkpointSink,
        IAuditCheckpointSigner? signer,
        IAuditCheckpointAnchor? anchor,
        bool shared,
        AuditWriterHandoff handoff,
        AuditTrailOptions options,
        TimeProvider time,
        ILogger logger,
        AuditTelemetry telemetry,
        CancellationToken abort)
    {
        _telemetry = telemetry;
        _checkpointSink = checkpointSink;
        _signer = signer;
        _shared = shared;
        _handoff = handoff;
        _options = options;
        _time = time;
        _abort = abort;
        _logger = logger;
        if (anchor is not null)
        {
            if (checkpointSink is null)
            {
                LogAnchorWithoutCheckpoints(_logger);
            }
            else
            {
                _publisher = new AuditCheckpointPublisher(anchor, options, time, _logger, telemetry);
            }
        }
    }

    /// <summary>Starts the checkpoint timer, when checkpoints are written by time (with the writer).</summary>
    public void StartTimer()
    {
        if (_checkpointSink is not null && _options.CheckpointInterval > TimeSpan.Zero)
        {
            _timer = _time.CreateTimer(static s => ((AuditCheckpointer)s!).OnTimer(), this, _options.CheckpointInterval, _options.CheckpointInterval);
        }
    }

    /// <summary>Whether to checkpoint now: by time (the timer's flag) or by count; after a failed checkpoint, not before more events are durable.</summary>
    public bool IsDue(long durableSequence)
        => _checkpointSink is not null
           && durableSequence > _checkpointedSize
           && (_checkpointDue || (_options.CheckpointEveryEvents > 0 && durableSequence - _checkpointedSize >= _options.CheckpointEveryEvents && durableSequence > _checkpointFailedAt));

    /// <summary>Whether events are durable that no checkpoint covers (the last checkpoint, at shutdown).</summary>
    public bool HasUncovered(long durableSequence) => _checkpointSink is not null && durableSequence > _checkpointedSize;

    /// <summary>At start-up: <paramref name="checkpoint"/> is the newest checkpoint, checked (<see cref="AuditTrailResumer"/>); the next one links to it.</summary>
    public void OnResumed(AuditCheckpoint? checkpoint)
    {
        _lastCheckpoint = checkpoint;
        if (checkpoint is not null)
        {
            _publisher?.Offer(checkpoint); // at least once: the newest may not have been published before a stop
        }

        _checkpointedSize = checkpoint?.Size ?? 0;
    }

    /// <summary>Writes a checkpoint of the durable head; a failure is logged and retried after the next batch.</summary>
    public async Task CheckpointAsync(long durableSequence, string durableHead)
    {
        _checkpointDue = false;
        var checkpoint = new AuditCheckpoint(durableSequence, durableHead, _time.GetUtcNow());
        try
        {
            // Per checkpoint, never per event: the link to the previous checkpoint. Over a shared trail another instance may
            // have written one since, so the newest is read back (the sink refuses a stale link as one step).
            if (_lastCheckpointStale || _shared)
            {
                _lastCheckpoint = await _checkpointSink!.ReadLatestAsync(_abort).ConfigureAwait(false);
                _lastCheckpointStale = false;
            }

            if (_lastCheckpoint is { } previous && previous.Size >= checkpoint.Size)
            {
                _checkpointedSize = checkpoint.Size; // another instance's checkpoint covers this head already
                return;
            }

            if (_checkpointSink is IAuditChainCheckpointSink chains)
            {
                checkpoint = await chains.DescribeAsync(checkpoint, _abort).ConfigureAwait(false); // one chain of several: name them all
            }

            checkpoint = checkpoint with { PreviousCheckpointHash = AuditCheckpointChain.Link(_lastCheckpoint) };
            if (_signer is not null)
            {
                checkpoint = AuditHashChain.Sign(checkpoint, _signer);
            }

            await _checkpointSink!.WriteAsync(checkpoint, _abort).ConfigureAwait(false);
            _checkpointedSize = checkpoint.Size;
            _lastCheckpoint = checkpoint;
            _publisher?.Offer(checkpoint);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Shutting down: the trail itself is written; the next start checkpoints it.
            _checkpointFailedAt = checkpoint.Size;
        }
        catch (Exception ex)
        {
            // A missing checkpoint weakens truncation evidence but loses no event: retried after the next batch.
            _checkpointFailedAt = checkpoint.Size;
            _lastCheckpointStale = true;
            _telemetry.CheckpointFailures.Add(1);
            LogCheckpointFailed(_logger, ex, checkpoint.Size);
        }
    }

    /// <summary>Stops the checkpoint timer (at shutdown, after the writer).</summary>
    public ValueTask StopTimerAsync() => _timer?.DisposeAsync() ?? default;

    /// <summary>Stops the anchor publisher (at shutdown, last; the timer is stopped first, by <see cref="StopTimerAsync"/>).</summary>
    public ValueTask DisposeAsync() => _publisher?.DisposeAsync() ?? default;

    private void OnTimer()
    {
        _checkpointDue = true;
        _handoff.WakeForCheckpoint();
    }

    [LoggerMessage(EventId = 2005, EventName = "AuditCheckpointFailed", Level = LogLevel.Warning, Message = "Writing the audit checkpoint at size {Size} failed; it is retried after the next batch.")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, long size);

    [LoggerMessage(EventId = 2010, EventName = "AuditAnchorWithoutCheckpoints", Level = LogLevel.Warning, Message = "An audit checkpoint anchor is registered but no checkpoint sink: there are no checkpoints to publish.")]
    private static partial void LogAnchorWithoutCheckpoints(ILogger logger);
}
