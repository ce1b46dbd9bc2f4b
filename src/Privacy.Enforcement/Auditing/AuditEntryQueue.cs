using System.Collections.Concurrent;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The bounded queue between the callers of <see cref="AuditTrailPipeline.RecordAsync"/> and
/// <see cref="AuditEventSealer"/>: callers add, whoever holds the sealing lock takes, in order. When it is full a caller
/// waits for room up to <see cref="AuditTrailOptions.Timeout"/> and is then refused: it must deny.
/// </summary>
/// <remarks>
/// A lock-free queue with a counter for the bound: a caller reserves a place by counting itself in (and backs out when
/// that passes the capacity), the sealer takes entries without a lock and gives the places back once per batch. Callers
/// waiting for room register a waiter, which the sealer wakes when it takes something; completing the queue waits for
/// callers already past the completion check, so no entry is queued after the writer drained the queue.
/// </remarks>
internal sealed class AuditEntryQueue
{
    private readonly ConcurrentQueue<AuditEntry> _items = new();
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly AuditTelemetry _telemetry;
    private readonly object _waitersGate = new(); // guards _waiters
    private readonly List<TaskCompletionSource> _waiters = [];
    private long _count; // places taken: entries queued (or being queued) and not yet taken off
    private int _entering; // callers between the completion check and the queue
    private volatile bool _completed;
    private volatile int _waiting; // _waiters.Count, read without the lock

    public AuditEntryQueue(AuditTrailOptions options, TimeProvider time, AuditTelemetry telemetry)
    {
        _telemetry = telemetry;
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Gets a value indicating whether an entry is queued: a read of the counter. It moves before the entry is visible
    /// (a place is reserved first), so a reader may briefly find nothing to take; the caller queueing it then wakes the
    /// writer or seals itself, so nothing is stranded.
    /// </summary>
    public bool HasQueued => Volatile.Read(ref _count) > 0;

    /// <summary>Gets a value indicating whether the queue is completed and empty.</summary>
    public bool IsCompleted => _completed && Volatile.Read(ref _entering) == 0 && _items.IsEmpty;

    /// <summary>Gets a value indicating whether the queue has room (a read of the counter; a caller may still lose the room to another).</summary>
    public bool HasRoom => Volatile.Read(ref _count) < _options.QueueCapacity;

    /// <summary>Queues <paramref name="entry"/> when there is room; <see langword="false"/> when the queue is full or completed.</summary>
    public bool TryEnqueue(AuditEntry entry) => TryEnqueue(entry, out _);

    /// <summary>Queues an entry once the full queue has room, up to <see cref="AuditTrailOptions.Timeout"/>; a refusal also completes the entry's wait.</summary>
    public async ValueTask WaitForRoomAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        while (true)
        {
            if (TryEnqueue(entry, out var closed))
            {
                return;
            }

            if (closed)
            {
                throw Refused(entry, new AuditUnavailableException("The audit trail is shut down; deny whatever the event records."));
            }

            var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waitersGate)
            {
                _waiters.Add(room);
                _waiting = _waiters.Count;
            }

            // Looked at again once registered: room made (or the queue completed) before the waiter was seen is not missed.
            if (HasRoom || _completed)
            {
                Release(room);
                continue;
            }

            try
            {
                await room.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Release(room);
                throw Refused(entry, new AuditUnavailableException($"The audit queue stayed full for {_options.Timeout}; deny whatever the event records.", ex));
            }
            catch (OperationCanceledException)
            {
                Release(room);
                throw;
            }
        }
    }

    /// <summary>Takes the oldest entry (the caller holds the sealing lock); <see cref="Taken"/> then gives the places back.</summary>
    public bool TryDequeue(out AuditEntry entry) => _items.TryDequeue(out entry!);

    /// <summary>
    /// Gives back the places of <paramref name="count"/> entries taken off the queue, reports them to the queue-depth
    /// instrument and wakes callers waiting for room: once per batch, not per event.
    /// </summary>
    public void Taken(int count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _count, -count);
        _telemetry.QueueDepth.Add(-count);
        if (_waiting > 0)
        {
            WakeWaiters();
        }
    }

    /// <summary>Takes no more entries: later callers are refused as shut down. Returns once no caller is still queueing.</summary>
    public void Complete()
    {
        _completed = true;
        Interlocked.MemoryBarrier();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _entering) != 0)
        {
            spinner.SpinOnce();
        }

        WakeWaiters();
    }

    private bool TryEnqueue(AuditEntry entry, out bool closed)
    {
        // A full fence each side: a caller either sees the completion and backs out, or Complete waits for it.
        Interlocked.Increment(ref _entering);
        try
        {
            closed = _completed;
            if (closed)
            {
                return false;
            }

            if (Interlocked.Increment(ref _count) > _options.QueueCapacity)
            {
                Interlocked.Decrement(ref _count);
                return false;
            }

            _items.Enqueue(entry);
        }
        finally
        {
            Interlocked.Decrement(ref _entering);
        }

        _telemetry.QueueDepth.Add(1);
        return true;
    }

    private void WakeWaiters()
    {
        TaskCompletionSource[] waking;
        lock (_waitersGate)
        {
            if (_waiters.Count == 0)
            {
                return;
            }

            waking = [.. _waiters];
            _waiters.Clear();
            _waiting = 0;
        }

        foreach (var waiter in waking)
        {
            waiter.TrySetResult();
        }
    }

    private void Release(TaskCompletionSource room)
    {
        lock (_waitersGate)
        {
            _waiters.Remove(room);
            _waiting = _waiters.Count;
        }
    }

    /// <summary>An event the queue did not take: counted once, and its wait (durable mode) closed so the watchdog skips it.</summary>
    private AuditUnavailableException Refused(AuditEntry entry, AuditUnavailableException failure)
    {
        _telemetry.Unavailable.Add(1);
        (entry as DurableAuditEntry)?.TryAbandon();
        entry.TryComplete(failure);
        return failure;
    }
}
