using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Privacy.Enforcement;

/// <summary>
/// How durable callers wait. Each entry is its own awaitable (no task, no per-call timer); one watchdog timer, armed
/// for the oldest waiting entry's deadline, fails the entries the trail did not write within
/// <see cref="AuditTrailOptions.Timeout"/>. Entries are watched in the order they were made, and every entry has the
/// same timeout, so the oldest deadline is always at the front.
/// </summary>
internal sealed partial class AuditTrailPipeline
{
    private readonly ConcurrentQueue<DurableEntry> _waiting = new();
    private readonly object _waitingGate = new();
    private readonly ITimer _watchdog;
    private int _watchdogArmed;

    private long Deadline(long now)
    {
        var ticks = (long)Math.Min(_options.Timeout.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 2);
        return now > long.MaxValue - ticks ? long.MaxValue : now + ticks;
    }

    /// <summary>Puts a durable entry under the watchdog (and the caller's token), before it is queued.</summary>
    private void Watch(DurableEntry entry, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            entry.Cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var waiting = (DurableEntry)state!;
                    waiting.TryAbandon();
                    waiting.TryComplete(new OperationCanceledException(token));
                },
                entry);
        }

        _waiting.Enqueue(entry);
        if (Volatile.Read(ref _watchdogArmed) == 0 && Interlocked.CompareExchange(ref _watchdogArmed, 1, 0) == 0)
        {
            Arm(_options.Timeout);
        }
    }

    /// <summary>Drops written entries from the front of the watch list (the writer, after each batch).</summary>
    private void ForgetCompleted()
    {
        lock (_waitingGate)
        {
            while (_waiting.TryPeek(out var entry) && entry.IsCompleted)
            {
                _waiting.TryDequeue(out _);
            }
        }
    }

    private void OnWatchdog()
    {
        while (true)
        {
            lock (_waitingGate)
            {
                var now = _time.GetTimestamp();
                while (_waiting.TryPeek(out var entry))
                {
                    if (!entry.IsCompleted && entry.Deadline > now)
                    {
                        Arm(_time.GetElapsedTime(now, entry.Deadline));
                        return;
                    }

                    _waiting.TryDequeue(out _);
                    entry.TryAbandon();
                    if (entry.TryComplete(new AuditUnavailableException($"The audit trail could not write the event within {_options.Timeout}; deny whatever it records.")))
                    {
                        AuditTelemetry.Unavailable.Add(1);
                    }
                }

                Volatile.Write(ref _watchdogArmed, 0);
            }

            // An entry watched after the list was found empty saw the watchdog armed and did not arm it.
            if (_waiting.IsEmpty || Interlocked.CompareExchange(ref _watchdogArmed, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private void Arm(TimeSpan dueTime)
    {
        try
        {
            _watchdog.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed: the writer has failed or written every entry already.
        }
    }

    /// <summary>One queued event: what is sealed and written. Asynchronous mode queues this alone.</summary>
    internal class Entry(AuditEvent auditEvent)
    {
        public AuditEvent Event { get; } = auditEvent;

        /// <summary>The event's canonical body, prepared by the caller (durable mode).</summary>
        public byte[]? Body { get; init; }

        /// <summary>Gets or sets the event as sealed.</summary>
        public AuditEvent? Sealed { get; set; }

        public virtual bool IsDurable => false;

        /// <summary>Claims the entry for sealing; <see langword="false"/> when its caller gave up first.</summary>
        public virtual bool TrySeal() => true;

        /// <summary>Completes the caller's wait once: written (<paramref name="error"/> is <see langword="null"/>) or failed.</summary>
        public virtual bool TryComplete(Exception? error) => false;
    }

    /// <summary>A durable mode entry: also what its caller awaits (no task, no timer of its own).</summary>
    internal sealed class DurableEntry(AuditEvent auditEvent, long deadline) : Entry(auditEvent), IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        private int _state; // 0 queued, 1 sealed, 2 abandoned by its caller
        private int _completed;

        public override bool IsDurable => true;

        /// <summary>The timestamp (of the pipeline's <see cref="TimeProvider"/>) by which it must be written.</summary>
        public long Deadline { get; } = deadline;

        public CancellationTokenRegistration Cancellation { get; set; }

        public bool IsCompleted => Volatile.Read(ref _completed) != 0;

        public override bool TrySeal() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void TryAbandon() => Interlocked.CompareExchange(ref _state, 2, 0);

        public override bool TryComplete(Exception? error)
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0)
            {
                return false;
            }

            Cancellation.Unregister();
            if (error is null)
            {
                _core.SetResult(true);
            }
            else
            {
                _core.SetException(error);
            }

            return true;
        }

        public ValueTask AsValueTask() => new(this, _core.Version);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);

        public void GetResult(short token) => _core.GetResult(token);
    }
}
