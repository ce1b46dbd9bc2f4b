using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>
/// The audit pipeline: callers enqueue into a bounded channel; each event is sealed (sequence number, previous hash,
/// hash) exactly once, in queue order, under one lock; one writer group-commits the sealed events to the sink, retrying
/// a failed batch — the same sealed events — with exponential back-off until it is written. In durable mode a caller
/// returns when its batch is written; when that takes longer than <see cref="AuditTrailOptions.Timeout"/> (a full
/// queue, a slow or failing sink) it gets <see cref="AuditUnavailableException"/> and must deny.
/// </summary>
/// <remarks>
/// <para>
/// An event whose caller gave up before the writer sealed it is skipped; one sealed before the caller gave up is still
/// written (a trail may therefore hold the event of a decision that was denied for want of audit, never the reverse).
/// </para>
/// <para>
/// Over an <see cref="ISharedAuditSink"/> several instances write one trail: when the sink reports that another writer
/// moved the head, the events not yet written are re-sealed onto the real head and appended again at once (not a
/// failure, no back-off), and sealing continues from the real head.
/// </para>
/// <para>
/// Who seals, and the writer's own thread: <c>AuditTrailPipeline.Writer.cs</c>.
/// </para>
/// </remarks>
internal sealed partial class AuditTrailPipeline : IAuditTrail, IAsyncDisposable, IDisposable
{
    private readonly IAuditSink _sink;
    private readonly ISharedAuditSink? _sharedSink;
    private readonly IAuditTrailReader? _reader;
    private readonly ICheckpointSink? _checkpointSink;
    private readonly IAuditCheckpointSigner? _signer;
    private readonly AuditCheckpointPublisher? _publisher;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Entry> _channel;
    private readonly CancellationTokenSource _abort = new();
    private readonly object _startGate = new();
    private Task? _writer;
    private ITimer? _checkpointTimer;
    private volatile bool _checkpointDue;
    private long _sequence; // the last event sealed (by whoever holds the sealing lock)
    private string _head = AuditHashChain.GenesisHash;
    private long _durableSequence; // the last event the sink holds durably, what checkpoints cover (the writer's)
    private string _durableHead = AuditHashChain.GenesisHash;
    private long _checkpointedSize;
    private long _checkpointFailedAt = -1; // the size of the last checkpoint that could not be written
    private AuditCheckpoint? _lastCheckpoint; // the newest checkpoint known to be in the sink: the next one links to it
    private bool _lastCheckpointStale; // re-read before the next checkpoint (a failed write; a shared trail)
    private int _disposed;

    public AuditTrailPipeline(
        IAuditSink sink,
        IAuditTrailReader? reader,
        ICheckpointSink? checkpointSink,
        IAuditCheckpointSigner? signer,
        AuditTrailOptions options,
        TimeProvider timeProvider,
        ILogger<AuditTrailPipeline>? logger = null,
        IAuditCheckpointAnchor? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var validation = new AuditTrailOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(AuditTrailOptions.SectionName, typeof(AuditTrailOptions), validation.Failures);
        }

        _sink = sink;
        _sharedSink = sink as ISharedAuditSink;
        _reader = reader ?? sink as IAuditTrailReader;
        _checkpointSink = checkpointSink;
        _signer = signer;
        _options = options;
        _time = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _channel = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = false, // read under the sealing lock, by whichever thread seals
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _watchdog = timeProvider.CreateTimer(static s => ((AuditTrailPipeline)s!).OnWatchdog(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_reader is null)
        {
            LogNoReader(_logger);
        }

        if (anchor is not null)
        {
            if (checkpointSink is null)
            {
                LogAnchorWithoutCheckpoints(_logger);
            }
            else
            {
                _publisher = new AuditCheckpointPublisher(anchor, options, timeProvider, _logger);
            }
        }
    }

    /// <summary>Gets the last sequence number sealed (for tests and diagnostics).</summary>
    internal long LastSequence => Interlocked.Read(ref _sequence);

    /// <inheritdoc />
    public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        EnsureStarted();
        var durable = _options.Mode == AuditTrailMode.Durable;
        if (!durable)
        {
            var queued = new Entry(auditEvent);
            if (_channel.Writer.TryWrite(queued))
            {
                AuditTelemetry.QueueDepth.Add(1);
                WakeWriter();
                return default;
            }

            return EnqueueSlowAsync(queued, cancellationToken);
        }

        // A durable caller waits for the disk anyway: it serialises its event's body on its own thread and, once queued,
        // seals what is queued if no one else is sealing (SealQueued), so the writer only writes. An asynchronous caller
        // returns at once and leaves all that to the writer.
        cancellationToken.ThrowIfCancellationRequested();
        var entry = new DurableEntry(auditEvent, Deadline(_time.GetTimestamp())) { Body = PrepareBody(auditEvent) };
        Watch(entry, cancellationToken);
        if (TryDefer(entry))
        {
            return entry.AsValueTask(); // queued with the rest of its scope (DeferQueueing)
        }

        if (_channel.Writer.TryWrite(entry))
        {
            AuditTelemetry.QueueDepth.Add(1);
            SealQueued(byWriter: false);
            return entry.AsValueTask();
        }

        return EnqueueSlowAsync(entry, cancellationToken);
    }

    /// <summary>The event's canonical body, or <see langword="null"/> to let the writer try (and report what is wrong).</summary>
    private static byte[]? PrepareBody(AuditEvent auditEvent)
    {
        try
        {
            return AuditHashChain.GetBody(auditEvent);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Starts the writer (it also starts on the first event).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking events and writes those queued; when <paramref name="cancellationToken"/> fires first, the rest are failed and logged.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        WakeWriter();
        var writer = Volatile.Read(ref _writer);
        if (writer is null)
        {
            return;
        }

        using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort))
        {
            await writer.ConfigureAwait(false);
        }
    }

    /// <summary>Disposes synchronously (a container disposed with <c>Dispose</c>): flushes like <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        WakeWriter();
        Task? writer;
        lock (_startGate)
        {
            writer = _writer;
        }

        var stopped = true;
        if (writer is not null)
        {
            using var deadline = _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), _abort, _options.ShutdownTimeout, Timeout.InfiniteTimeSpan);

            // Also on the wall clock: a stopped (test) clock must not hang disposal behind a failing sink.
            _abort.CancelAfter(_options.ShutdownTimeout);

            // The wait itself is bounded too, on both clocks: a sink that ignores its token cannot hang shutdown.
            try
            {
                await writer.WaitAsync(_options.ShutdownTimeout, _time).WaitAsync(_options.ShutdownTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                stopped = false;
                LogShutdownTimedOut(_logger, _options.ShutdownTimeout);
            }
        }

        if (_checkpointTimer is not null)
        {
            await _checkpointTimer.DisposeAsync().ConfigureAwait(false);
        }

        await _watchdog.DisposeAsync().ConfigureAwait(false);
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync().ConfigureAwait(false);
        }

        // A writer still stuck in the sink may yet read the abort token: leave it undisposed then.
        if (stopped)
        {
            _abort.Dispose();
        }
    }

    [LoggerMessage(20, LogLevel.Error, "The audit writer did not stop within the shutdown timeout ({Timeout}): the sink ignored cancellation; events not yet written are lost.")]
    private static partial void LogShutdownTimedOut(ILogger logger, TimeSpan timeout);

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        lock (_startGate)
        {
            if (_writer is not null || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            if (_checkpointSink is not null && _options.CheckpointInterval > TimeSpan.Zero)
            {
                _checkpointTimer = _time.CreateTimer(static s => ((AuditTrailPipeline)s!).OnCheckpointTimer(), this, _options.CheckpointInterval, _options.CheckpointInterval);
            }

            Volatile.Write(ref _writer, _finished.Task);
            StartWriter();
        }
    }

    private void OnCheckpointTimer()
    {
        _checkpointDue = true;
        lock (_handoff)
        {
            Monitor.PulseAll(_handoff); // wakes an idle writer
        }
    }

    /// <summary>An event the queue did not take: counted once, and its wait (durable mode) closed so the watchdog skips it.</summary>
    private static AuditUnavailableException Refused(Entry entry, AuditUnavailableException failure)
    {
        AuditTelemetry.Unavailable.Add(1);
        (entry as DurableEntry)?.TryAbandon();
        entry.TryComplete(failure);
        return failure;
    }

    private async ValueTask EnqueueSlowAsync(Entry entry, CancellationToken cancellationToken)
    {
        await WaitForRoomAsync(entry, cancellationToken).ConfigureAwait(false);
        if (entry is DurableEntry durable)
        {
            await durable.AsValueTask().ConfigureAwait(false);
        }
    }

    /// <summary>Queues an entry once the full queue has room, up to <see cref="AuditTrailOptions.Timeout"/>; a refusal also completes the entry's wait.</summary>
    private async ValueTask WaitForRoomAsync(Entry entry, CancellationToken cancellationToken)
    {
        using (var timeout = new CancellationTokenSource(_options.Timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                await _channel.Writer.WriteAsync(entry, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Refused(entry, new AuditUnavailableException($"The audit queue stayed full for {_options.Timeout}; deny whatever the event records.", ex));
            }
            catch (ChannelClosedException ex)
            {
                throw Refused(entry, new AuditUnavailableException("The audit trail is shut down; deny whatever the event records.", ex));
            }
        }

        AuditTelemetry.QueueDepth.Add(1);
        if (entry.IsDurable)
        {
            SealQueued(byWriter: false);
        }
        else
        {
            WakeWriter();
        }
    }

    /// <summary>Whether to checkpoint now: by time (the timer's flag) or by count; after a failed checkpoint, not before more events are durable.</summary>
    private bool CheckpointDue
        => _checkpointSink is not null
           && _durableSequence > _checkpointedSize
           && (_checkpointDue || (_options.CheckpointEveryEvents > 0 && _durableSequence - _checkpointedSize >= _options.CheckpointEveryEvents && _durableSequence > _checkpointFailedAt));

    private async Task<bool> ResumeAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Checkpoint first: on a shared trail another writer may checkpoint events appended after a head read.
                var checkpoint = _checkpointSink is null ? null : await ReadCheckedCheckpointsAsync().ConfigureAwait(false);
                var last = _reader is null ? null : await _reader.ReadLastAsync(_abort.Token).ConfigureAwait(false);
                var sequence = last?.Sequence ?? 0;
                var head = last?.Hash ?? AuditHashChain.GenesisHash;
                if (checkpoint is not null && _reader is not null)
                {
                    await CheckAgainstCheckpointAsync(checkpoint, sequence).ConfigureAwait(false);
                }

                _lastCheckpoint = checkpoint;
                if (checkpoint is not null)
                {
                    _publisher?.Offer(checkpoint); // at least once: the newest may not have been published before a stop
                }

                Interlocked.Exchange(ref _sequence, sequence);
                _head = head;
                (_durableSequence, _durableHead) = (sequence, head);
                _checkpointedSize = checkpoint?.Size ?? 0;
                LogResumed(_logger, sequence);
                return true;
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                var delay = Backoff(attempt);
                if (ex is InvalidDataException)
                {
                    LogIntegrityFailed(_logger, ex, attempt + 1, delay);
                }
                else
                {
                    LogResumeFailed(_logger, ex, attempt + 1, delay);
                }

                if (!await DelayAsync(delay).ConfigureAwait(false))
                {
                    return false;
                }
            }
        }
    }

    /// <summary>
    /// Reads the checkpoints and refuses a chain that is broken (a checkpoint deleted, inserted or reordered), forged (a
    /// signature that does not verify with the configured key) or unsigned while a key is configured (store.integrity);
    /// returns the newest. A checkpoint sink that cannot list its checkpoints is checked by its newest one alone.
    /// </summary>
    private async Task<AuditCheckpoint?> ReadCheckedCheckpointsAsync()
    {
        var checkpoints = new List<AuditCheckpoint>();
        if (_checkpointSink is IAuditCheckpointReader all)
        {
            await foreach (var c in all.ReadCheckpointsAsync(_abort.Token).ConfigureAwait(false))
            {
                checkpoints.Add(c);
            }
        }
        else if (await _checkpointSink!.ReadLatestAsync(_abort.Token).ConfigureAwait(false) is { } latest)
        {
            // Its link cannot be followed without the others: its form and signature are checked alone.
            var alone = !AuditCheckpointChain.IsWellFormed(latest) ? "it is malformed"
                : _signer is not null && AuditCheckpointChain.CheckSignature(latest, _signer) is { } bad ? bad.Message
                : null;
            if (alone is not null)
            {
                throw new InvalidDataException($"The audit trail's newest checkpoint (size {latest.Size}) is not trustworthy: {alone}. Nothing is appended; verify the trail with 'privacy-audit verify'.");
            }

            return latest;
        }

        if (AuditCheckpointChain.Check(checkpoints, _signer) is { } broken)
        {
            throw new InvalidDataException($"The audit trail's checkpoints are not one trustworthy chain ({broken.Failure}): {broken.Message} Nothing is appended; verify the trail with 'privacy-audit verify'.");
        }

        return checkpoints.Count == 0 ? null : checkpoints[^1];
    }

    /// <summary>Refuses to append to a trail shorter than its last checkpoint or whose history differs from it (store.integrity).</summary>
    private async Task CheckAgainstCheckpointAsync(AuditCheckpoint checkpoint, long sequence)
    {
        if (checkpoint.Size > sequence)
        {
            throw new InvalidDataException($"The audit trail holds {sequence} events but its last checkpoint records {checkpoint.Size}: it was truncated. Verify it with 'privacy-audit verify'.");
        }

        if (checkpoint.Size == 0)
        {
            return;
        }

        await foreach (var e in _reader!.ReadAsync(checkpoint.Size, _abort.Token).ConfigureAwait(false))
        {
            if (e.Sequence != checkpoint.Size || !string.Equals(e.Hash, checkpoint.HeadHash, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Audit event {checkpoint.Size} does not match the last checkpoint: the trail was altered. Verify it with 'privacy-audit verify'.");
            }

            return;
        }
    }

    private async Task<bool> WriteAsync(List<AuditEvent> batch)
    {
        AuditTelemetry.BatchSize.Record(batch.Count);
        for (var attempt = 0; ;)
        {
            var started = _time.GetTimestamp();
            try
            {
                if (_sharedSink is null)
                {
                    await _sink.WriteBatchAsync(batch, _abort.Token).ConfigureAwait(false);
                }
                else
                {
                    var result = await _sharedSink.AppendAsync(batch, _abort.Token).ConfigureAwait(false);
                    if (result.IsHeadMoved && Rechain(batch, result))
                    {
                        continue; // another instance appended first: straight back onto the real head
                    }
                }

                AuditTelemetry.WriteDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
                return true;
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                AuditTelemetry.WriteFailures.Add(1);
                var delay = Backoff(attempt++);
                LogWriteFailed(_logger, ex, batch[0].Sequence, batch.Count, attempt, delay);
                if (!await DelayAsync(delay).ConfigureAwait(false))
                {
                    return false;
                }
            }
        }
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

    /// <summary>Seals the events of <paramref name="batch"/> again, in order, after the head <paramref name="sequence"/> / <paramref name="hash"/>.</summary>
    private static void Reseal(List<AuditEvent> batch, long sequence, string hash)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i] = AuditHashChain.Seal(batch[i], sequence + 1 + i, hash);
            hash = batch[i].Hash;
        }

        AuditTelemetry.Rechained.Add(batch.Count);
    }

    private async Task CheckpointAsync()
    {
        _checkpointDue = false;
        var checkpoint = new AuditCheckpoint(_durableSequence, _durableHead, _time.GetUtcNow());
        try
        {
            // Per checkpoint, never per event: the link to the previous checkpoint. Over a shared trail another instance may
            // have written one since, so the newest is read back (the sink refuses a stale link as one step).
            if (_lastCheckpointStale || _sharedSink is not null)
            {
                _lastCheckpoint = await _checkpointSink!.ReadLatestAsync(_abort.Token).ConfigureAwait(false);
                _lastCheckpointStale = false;
            }

            if (_lastCheckpoint is { } previous && previous.Size >= checkpoint.Size)
            {
                _checkpointedSize = checkpoint.Size; // another instance's checkpoint covers this head already
                return;
            }

            checkpoint = checkpoint with { PreviousCheckpointHash = AuditCheckpointChain.Link(_lastCheckpoint) };
            if (_signer is not null)
            {
                checkpoint = AuditHashChain.Sign(checkpoint, _signer);
            }

            await _checkpointSink!.WriteAsync(checkpoint, _abort.Token).ConfigureAwait(false);
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
            AuditTelemetry.CheckpointFailures.Add(1);
            LogCheckpointFailed(_logger, ex, checkpoint.Size);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.RetryInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        return TimeSpan.FromMilliseconds(Math.Min(delay, _options.RetryMaxDelay.TotalMilliseconds));
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _abort.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The audit sink cannot be read back: the trail restarts at sequence 1 on each start. Use a sink that implements IAuditTrailReader.")]
    private static partial void LogNoReader(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "Audit trail resumed after sequence {Sequence}.")]
    private static partial void LogResumed(ILogger logger, long sequence);

    [LoggerMessage(3, LogLevel.Error, "Reading the audit trail's head failed (attempt {Attempt}); retrying in {Delay}. Decisions are denied meanwhile.")]
    private static partial void LogResumeFailed(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Error, "Writing audit batch from sequence {FirstSequence} ({Count} events) failed (attempt {Attempt}); retrying in {Delay}.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, long firstSequence, int count, int attempt, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Warning, "Writing the audit checkpoint at size {Size} failed; it is retried after the next batch.")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception, long size);

    [LoggerMessage(6, LogLevel.Critical, "The audit writer failed unexpectedly; waiting callers are denied.")]
    private static partial void LogWriterFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "{Count} audit events enqueued in asynchronous mode were not written before shutdown.")]
    private static partial void LogEventsNotWritten(ILogger logger, long count);

    [LoggerMessage(9, LogLevel.Critical, "The audit trail failed its integrity check at start-up (attempt {Attempt}); nothing is appended and decisions are denied until it is resolved. Checking again in {Delay}.")]
    private static partial void LogIntegrityFailed(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(10, LogLevel.Warning, "An audit checkpoint anchor is registered but no checkpoint sink: there are no checkpoints to publish.")]
    private static partial void LogAnchorWithoutCheckpoints(ILogger logger);

    [LoggerMessage(8, LogLevel.Debug, "Another writer appended to the shared audit trail first; {Count} events re-chained after sequence {HeadSequence}.")]
    private static partial void LogRechained(ILogger logger, int count, long headSequence);
}
