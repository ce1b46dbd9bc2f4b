using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>
/// The audit pipeline: callers enqueue into a bounded channel; one writer seals each event (sequence number, previous
/// hash, hash) exactly once and group-commits batches to the sink, retrying a failed batch — the same sealed events —
/// with exponential back-off until it is written. In durable mode a caller returns when its batch is written; when
/// that takes longer than <see cref="AuditTrailOptions.Timeout"/> (a full queue, a slow or failing sink) it gets
/// <see cref="AuditUnavailableException"/> and must deny.
/// </summary>
/// <remarks>
/// <para>
/// An event whose caller gave up before the writer sealed it is skipped; one sealed before the caller gave up is still
/// written (a trail may therefore hold the event of a decision that was denied for want of audit, never the reverse).
/// </para>
/// <para>
/// Over an <see cref="ISharedAuditSink"/> several instances write one trail: when the sink reports that another writer
/// moved the head, the events not yet written are re-sealed onto the real head and appended again at once (not a
/// failure, no back-off). The sequence and head the pipeline keeps are therefore those of its own last durable event.
/// </para>
/// </remarks>
internal sealed partial class AuditTrailPipeline : IAuditTrail, IAsyncDisposable, IDisposable
{
    private static readonly Entry Tick = new(null!, durable: false);

    private readonly IAuditSink _sink;
    private readonly ISharedAuditSink? _sharedSink;
    private readonly IAuditTrailReader? _reader;
    private readonly ICheckpointSink? _checkpointSink;
    private readonly IAuditCheckpointSigner? _signer;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Entry> _channel;
    private readonly CancellationTokenSource _abort = new();
    private readonly object _startGate = new();
    private Task? _writer;
    private ITimer? _checkpointTimer;
    private volatile bool _checkpointDue;
    private long _sequence;
    private string _head = AuditHashChain.GenesisHash;
    private long _checkpointedSize;
    private int _disposed;

    public AuditTrailPipeline(
        IAuditSink sink,
        IAuditTrailReader? reader,
        ICheckpointSink? checkpointSink,
        IAuditCheckpointSigner? signer,
        AuditTrailOptions options,
        TimeProvider timeProvider,
        ILogger<AuditTrailPipeline>? logger = null)
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
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        if (_reader is null)
        {
            LogNoReader(_logger);
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

        // A durable caller waits for the disk anyway: it serialises its event's body on its own thread, so the single
        // writer only chains. An asynchronous caller returns at once and leaves that to the writer.
        var entry = new Entry(auditEvent, durable) { Body = durable ? PrepareBody(auditEvent) : null };
        if (_channel.Writer.TryWrite(entry))
        {
            AuditTelemetry.QueueDepth.Add(1);
            return entry.Completion is null ? default : WaitWrittenAsync(entry, _time.GetTimestamp(), cancellationToken);
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
        Task? writer;
        lock (_startGate)
        {
            writer = _writer;
        }

        if (writer is not null)
        {
            using var deadline = _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), _abort, _options.ShutdownTimeout, Timeout.InfiniteTimeSpan);

            // Also on the wall clock: a stopped (test) clock must not hang disposal behind a failing sink.
            _abort.CancelAfter(_options.ShutdownTimeout);
            await writer.ConfigureAwait(false);
        }

        if (_checkpointTimer is not null)
        {
            await _checkpointTimer.DisposeAsync().ConfigureAwait(false);
        }

        _abort.Dispose();
    }

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

            Volatile.Write(ref _writer, Task.Run(RunAsync));
        }
    }

    private void OnCheckpointTimer()
    {
        _checkpointDue = true;
        _channel.Writer.TryWrite(Tick); // wakes an idle writer; when the queue is full the writer is busy anyway
    }

    private async ValueTask EnqueueSlowAsync(Entry entry, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using (var timeout = new CancellationTokenSource(_options.Timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                await _channel.Writer.WriteAsync(entry, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                AuditTelemetry.Unavailable.Add(1);
                throw new AuditUnavailableException($"The audit queue stayed full for {_options.Timeout}; deny whatever the event records.", ex);
            }
            catch (ChannelClosedException ex)
            {
                AuditTelemetry.Unavailable.Add(1);
                throw new AuditUnavailableException("The audit trail is shut down; deny whatever the event records.", ex);
            }
        }

        AuditTelemetry.QueueDepth.Add(1);
        if (entry.Completion is not null)
        {
            await WaitWrittenAsync(entry, started, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask WaitWrittenAsync(Entry entry, long started, CancellationToken cancellationToken)
    {
        var remaining = _options.Timeout - _time.GetElapsedTime(started);
        try
        {
            await entry.Completion!.Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            entry.TryAbandon();
            AuditTelemetry.Unavailable.Add(1);
            throw new AuditUnavailableException($"The audit trail could not write the event within {_options.Timeout}; deny whatever it records.", ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            entry.TryAbandon();
            throw;
        }
    }

    private async Task RunAsync()
    {
        var entries = new List<Entry>(Math.Min(_options.MaxBatchSize, 4096));
        var batch = new List<AuditEvent>(entries.Capacity);
        try
        {
            if (!await ResumeAsync().ConfigureAwait(false))
            {
                DrainAndFail(entries);
                return;
            }

            var reader = _channel.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var entry))
                {
                    if (ReferenceEquals(entry, Tick))
                    {
                        continue;
                    }

                    AuditTelemetry.QueueDepth.Add(-1);
                    if (!entry.TrySeal())
                    {
                        continue; // its caller gave up before it was sealed, and denied
                    }

                    AuditEvent sealedEvent;
                    try
                    {
                        sealedEvent = AuditHashChain.Seal(entry.Event, _sequence + 1, _head, entry.Body);
                    }
                    catch (Exception ex) when (ex is FormatException or ArgumentException)
                    {
                        entry.Completion?.TrySetException(new AuditUnavailableException("The audit event could not be sealed.", ex));
                        continue;
                    }

                    Interlocked.Increment(ref _sequence);
                    _head = sealedEvent.Hash;
                    batch.Add(sealedEvent);
                    entries.Add(entry);
                }

                if (batch.Count > 0)
                {
                    if (!await WriteAsync(batch).ConfigureAwait(false))
                    {
                        DrainAndFail(entries);
                        return;
                    }

                    // A shared trail may have re-chained the batch: its last event is this writer's head now.
                    Interlocked.Exchange(ref _sequence, batch[^1].Sequence);
                    _head = batch[^1].Hash;
                    foreach (var written in entries)
                    {
                        written.Completion?.TrySetResult();
                    }

                    batch.Clear();
                    entries.Clear();
                }

                if (CheckpointDue)
                {
                    await CheckpointAsync().ConfigureAwait(false);
                }
            }

            if (_checkpointSink is not null && _sequence > _checkpointedSize)
            {
                await CheckpointAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Not expected: fail every waiting caller (they deny) rather than leave them hanging.
            LogWriterFailed(_logger, ex);
            _channel.Writer.TryComplete();
            DrainAndFail(entries);
        }
    }

    private bool CheckpointDue
        => _checkpointSink is not null
           && _sequence > _checkpointedSize
           && (_checkpointDue || (_options.CheckpointEveryEvents > 0 && _sequence - _checkpointedSize >= _options.CheckpointEveryEvents));

    private async Task<bool> ResumeAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Checkpoint first: on a shared trail another writer may checkpoint events appended after a head read.
                var checkpoint = _checkpointSink is null ? null : await _checkpointSink.ReadLatestAsync(_abort.Token).ConfigureAwait(false);
                var last = _reader is null ? null : await _reader.ReadLastAsync(_abort.Token).ConfigureAwait(false);
                var sequence = last?.Sequence ?? 0;
                var head = last?.Hash ?? AuditHashChain.GenesisHash;
                if (checkpoint is not null && _reader is not null)
                {
                    await CheckAgainstCheckpointAsync(checkpoint, sequence).ConfigureAwait(false);
                }

                Interlocked.Exchange(ref _sequence, sequence);
                _head = head;
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
                LogResumeFailed(_logger, ex, attempt + 1, delay);
                if (!await DelayAsync(delay).ConfigureAwait(false))
                {
                    return false;
                }
            }
        }
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
        var count = batch.Count;
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
                AuditTelemetry.Recorded.Add(count);
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
        var head = moved.HeadHash!;
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i] = AuditHashChain.Seal(batch[i], moved.HeadSequence + 1 + i, head);
            head = batch[i].Hash;
        }

        AuditTelemetry.Rechained.Add(batch.Count);
        LogRechained(_logger, batch.Count, moved.HeadSequence);
        return true;
    }

    private async Task CheckpointAsync()
    {
        _checkpointDue = false;
        var checkpoint = new AuditCheckpoint(_sequence, _head, _time.GetUtcNow());
        try
        {
            if (_signer is not null)
            {
                checkpoint = AuditHashChain.Sign(checkpoint, _signer);
            }

            await _checkpointSink!.WriteAsync(checkpoint, _abort.Token).ConfigureAwait(false);
            _checkpointedSize = checkpoint.Size;
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Shutting down: the trail itself is written; the next start checkpoints it.
        }
        catch (Exception ex)
        {
            // A missing checkpoint weakens truncation evidence but loses no event: retried after the next batch.
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

    /// <summary>Fails the batch in hand and everything still queued: the callers deny; asynchronous events are counted and logged as lost.</summary>
    private void DrainAndFail(List<Entry> inHand)
    {
        _channel.Writer.TryComplete();
        var lost = 0L;
        var failure = new AuditUnavailableException("The audit trail stopped before the event was written; deny whatever it records.");
        foreach (var entry in inHand)
        {
            lost += Fail(entry, failure);
        }

        inHand.Clear();
        while (_channel.Reader.TryRead(out var entry))
        {
            if (!ReferenceEquals(entry, Tick))
            {
                AuditTelemetry.QueueDepth.Add(-1);
                lost += Fail(entry, failure);
            }
        }

        if (lost > 0)
        {
            LogEventsNotWritten(_logger, lost);
        }

        static int Fail(Entry entry, AuditUnavailableException failure)
        {
            if (entry.Completion is null)
            {
                return 1;
            }

            entry.Completion.TrySetException(failure);
            return 0;
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

    [LoggerMessage(8, LogLevel.Debug, "Another writer appended to the shared audit trail first; {Count} events re-chained after sequence {HeadSequence}.")]
    private static partial void LogRechained(ILogger logger, int count, long headSequence);

    private sealed class Entry(AuditEvent auditEvent, bool durable)
    {
        private int _state; // 0 queued, 1 sealed, 2 abandoned by its caller

        public AuditEvent Event { get; } = auditEvent;

        /// <summary>The event's canonical body, prepared by the caller (durable mode).</summary>
        public byte[]? Body { get; init; }

        public TaskCompletionSource? Completion { get; } = durable ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;

        public bool TrySeal() => Completion is null || Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void TryAbandon() => Interlocked.CompareExchange(ref _state, 2, 0);
    }
}
