using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

// One durable event, from RecordAsync to the disk:
//  1. AuditTrailPipeline.RecordAsync (this facade) makes a DurableAuditEntry, the caller's awaitable, with the event's
//     canonical body, and puts it under the AuditEntryWatchdog, which fails it if it is not written within the timeout.
//  2. Inside a decision window AuditDeferredQueueing holds it back until the window ends; otherwise it goes straight to
//     the bounded AuditEntryQueue (when the queue is full the caller waits there for room, up to the timeout).
//  3. The caller then runs AuditEventSealer.SealQueued: whoever holds the sealing lock takes what is queued, gives each
//     event its sequence number, previous hash and SHA-256, and leaves the sealed events in the AuditWriterHandoff.
//  4. The AuditGroupCommitWriter, on its own thread, takes what is sealed as one batch and has the AuditBatchAppender
//     write it to the IAuditSink, retrying with back-off (AuditRetryBackoff) and re-chaining onto a head another
//     instance moved; then it completes each entry, and the caller's await returns.
//  5. Between batches the AuditCheckpointer writes chained, signed checkpoints and offers them to the
//     AuditCheckpointPublisher.
// Before the first event is sealed the writer's AuditTrailResumer reads the trail's head and checks it against the
// checkpoint chain; AuditTrailShutdown bounds how long stopping waits for the writer. In asynchronous mode the caller
// writes its event's body into a pooled buffer (AuditLineBufferPool) and queues an AuditEntry (step 2), looking for room
// for a few microseconds when the queue is full, and returns at once; the writer seals it in that buffer, writes it and
// gives the buffer back.

/// <summary>
/// The audit pipeline: callers enqueue into a bounded queue; each event is sealed (sequence number, previous hash, hash)
/// exactly once, in queue order, under one lock; one writer group-commits the sealed events to the sink, retrying a
/// failed batch — the same sealed events — with exponential back-off until it is written. In durable mode a caller
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
/// This type only wires the parts (see the walk-through above it) and starts and stops them.
/// </para>
/// </remarks>
internal sealed class AuditTrailPipeline : IAuditTrail, IAsyncDisposable, IDisposable
{
    private const int FullQueueSpins = 20; // SpinWait rounds (busy, then yielding) an asynchronous caller looks for room before it waits

    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly AuditEntryQueue _queue;
    private readonly AuditEntryWatchdog _watchdog;
    private readonly AuditDeferredQueueing _deferred;
    private readonly AuditEventSealer _sealer;
    private readonly AuditWriterHandoff _handoff;
    private readonly AuditLineBufferPool _lines;
    private readonly AuditCheckpointer _checkpointer;
    private readonly AuditGroupCommitWriter _writerThread;
    private readonly AuditTrailShutdown _shutdown;
    private readonly System.Diagnostics.Metrics.Meter? _ownedMeter;
    private readonly object _startGate = new();
    private Task? _writer;
    private int _disposed;

    public AuditTrailPipeline(
        IAuditSink sink,
        IAuditTrailReader? reader,
        ICheckpointSink? checkpointSink,
        IAuditCheckpointSigner? signer,
        AuditTrailOptions options,
        TimeProvider timeProvider,
        ILogger<AuditTrailPipeline>? logger = null,
        IAuditCheckpointAnchor? anchor = null,
        AuditTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var validation = new AuditTrailOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(AuditTrailOptions.SectionName, typeof(AuditTrailOptions), validation.Failures);
        }

        var log = logger ?? (ILogger)NullLogger.Instance;

        // Built outside a container (tests, benchmarks): a meter of this trail's own, disposed with it.
        if (telemetry is null)
        {
            _ownedMeter = new System.Diagnostics.Metrics.Meter(PrivacyEnforcementTelemetry.MeterName);
            telemetry = new AuditTelemetry(_ownedMeter);
        }

        _options = options;
        _time = timeProvider;
        _shutdown = new AuditTrailShutdown(options, timeProvider, log);
        _queue = new AuditEntryQueue(options, timeProvider, telemetry);
        _watchdog = new AuditEntryWatchdog(options, timeProvider, telemetry);
        _handoff = new AuditWriterHandoff(_queue, options, log);
        _sealer = new AuditEventSealer(_queue, _handoff, telemetry, log);
        _lines = new AuditLineBufferPool((int)Math.Min(Math.Min(options.QueueCapacity, 2L * options.MaxBatchSize), AuditLineBufferPool.MaxCapacity));
        _deferred = new AuditDeferredQueueing(options, _queue, _sealer);
        var appender = new AuditBatchAppender(sink, options, timeProvider, log, telemetry, _shutdown.Token);
        _checkpointer = new AuditCheckpointer(checkpointSink, signer, anchor, appender.IsShared, _handoff, options, timeProvider, log, telemetry, _shutdown.Token);
        var resumer = new AuditTrailResumer(reader ?? sink as IAuditTrailReader, checkpointSink, signer, _checkpointer, _sealer, options, timeProvider, log, _shutdown.Token);
        _writerThread = new AuditGroupCommitWriter(_queue, _sealer, _handoff, appender, _checkpointer, resumer, _watchdog, _lines, log, telemetry);
    }

    /// <summary>Gets the last sequence number sealed (for tests and diagnostics).</summary>
    internal long LastSequence => _sealer.LastSequence;

    /// <summary>Gets a value indicating whether the writer sleeps, waiting for work (for tests and diagnostics).</summary>
    internal bool IsWriterAsleep => _handoff.IsWriterAsleep;

    /// <inheritdoc />
    public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        EnsureStarted();
        var durable = _options.Mode == AuditTrailMode.Durable;
        if (!durable)
        {
            var queued = new AuditEntry(auditEvent);
            queued.Prepare(_lines.Rent());
            if (_queue.TryEnqueue(queued) || TryEnqueueSpinning(queued))
            {
                _handoff.Wake();
                return default;
            }

            return EnqueueSlowAsync(queued, cancellationToken);
        }

        // A durable caller waits for the disk anyway: it serialises its event's body on its own thread and, once queued,
        // seals what is queued if no one else is sealing (SealQueued), so the writer only writes. An asynchronous caller
        // serialises its body too (above: a bounded cost, and the one writer is left only the chain to compute, so on
        // two cores it keeps up with callers), then returns at once.
        cancellationToken.ThrowIfCancellationRequested();
        var entry = new DurableAuditEntry(auditEvent, _watchdog.Deadline(_time.GetTimestamp()));
        entry.Prepare(_lines.Rent());
        _watchdog.Watch(entry, cancellationToken);
        if (_deferred.TryDefer(entry))
        {
            return entry.AsValueTask(); // queued with the rest of its scope (DeferQueueing)
        }

        if (_queue.TryEnqueue(entry))
        {
            _sealer.SealQueued(byWriter: false);
            return entry.AsValueTask();
        }

        return EnqueueSlowAsync(entry, cancellationToken);
    }

    /// <summary>Holds this flow's durable events back until the returned scope is disposed, so they share one batch (<see cref="AuditDeferredQueueing"/>).</summary>
    internal AuditDeferredQueueing.Scope DeferQueueing() => _deferred.Open();

    /// <summary>Starts the writer (it also starts on the first event).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking events and writes those queued; when <paramref name="cancellationToken"/> fires first, the rest are failed and logged.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        _handoff.Wake();
        var writer = Volatile.Read(ref _writer);
        if (writer is null)
        {
            return;
        }

        using (_shutdown.AbortWhen(cancellationToken))
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

        _queue.Complete();
        _handoff.Wake();
        Task? writer;
        lock (_startGate)
        {
            writer = _writer;
        }

        var stopped = writer is null || await _shutdown.WaitForWriterAsync(writer).ConfigureAwait(false);
        await _checkpointer.StopTimerAsync().ConfigureAwait(false);
        await _watchdog.DisposeAsync().ConfigureAwait(false);
        await _checkpointer.DisposeAsync().ConfigureAwait(false);

        // A writer still stuck in the sink may yet read the abort token: leave it undisposed then.
        if (stopped)
        {
            _shutdown.Dispose();
        }

        _ownedMeter?.Dispose();
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

            _checkpointer.StartTimer();
            Volatile.Write(ref _writer, _writerThread.Completion);
            _writerThread.Start();
        }
    }

    /// <summary>
    /// The queue is full (asynchronous mode): the writer frees room an event at a time as it seals, so a caller that
    /// keeps looking for a few microseconds usually finds it, and is spared the slow path's timer, task and thread hop.
    /// </summary>
    private bool TryEnqueueSpinning(AuditEntry entry)
    {
        var spinner = default(SpinWait);
        for (var spin = 0; spin < FullQueueSpins; spin++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (_queue.HasRoom && _queue.TryEnqueue(entry))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The queue was full: waits for room (up to the timeout), then seals (durable) or wakes the writer.</summary>
    private async ValueTask EnqueueSlowAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await _queue.WaitForRoomAsync(entry, cancellationToken).ConfigureAwait(false);
        if (entry is DurableAuditEntry durable)
        {
            _sealer.SealQueued(byWriter: false);
            await durable.AsValueTask().ConfigureAwait(false);
        }
        else
        {
            _handoff.Wake();
        }
    }
}
