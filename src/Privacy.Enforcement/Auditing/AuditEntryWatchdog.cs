using System.Collections.Concurrent;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// How durable callers stop waiting. Each <see cref="DurableAuditEntry"/> is its own awaitable (no task, no per-call
/// timer); this one timer, armed for the oldest waiting entry's deadline, fails the entries the trail did not write
/// within <see cref="AuditTrailOptions.Timeout"/>. Entries are watched in the order they were made, and every entry has
/// the same timeout, so the oldest deadline is always at the front.
/// </summary>
internal sealed class AuditEntryWatchdog : IAsyncDisposable
{
    private readonly ConcurrentQueue<DurableAuditEntry> _waiting = new();
    private readonly object _waitingGate = new();
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly AuditTelemetry _telemetry;
    private int _armed;

    public AuditEntryWatchdog(AuditTrailOptions options, TimeProvider time, AuditTelemetry telemetry)
    {
        _telemetry = telemetry;
        _options = options;
        _time = time;
        _timer = time.CreateTimer(static s => ((AuditEntryWatchdog)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The timestamp by which an entry made at <paramref name="now"/> must be written.</summary>
    public long Deadline(long now)
    {
        var ticks = (long)Math.Min(_options.Timeout.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 2);
        return now > long.MaxValue - ticks ? long.MaxValue : now + ticks;
    }

    /// <summary>Puts a durable entry under the watchdog (and the caller's token), before it is queued.</summary>
    public void Watch(DurableAuditEntry entry, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            entry.Cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var waiting = (DurableAuditEntry)state!;
                    waiting.TryAbandon();
                    waiting.TryComplete(new OperationCanceledException(token));
                },
                entry);
        }

        _waiting.Enqueue(entry);
        if (Volatile.Read(ref _armed) == 0 && Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            Arm(_options.Timeout);
        }
    }

    /// <summary>Drops written entries from the front of the watch list (the writer, after each batch).</summary>
    public void ForgetCompleted()
    {
        lock (_waitingGate)
        {
            while (_waiting.TryPeek(out var entry) && entry.IsCompleted)
            {
                _waiting.TryDequeue(out _);
            }
        }
    }

    public ValueTask DisposeAsync() => _timer.DisposeAsync();

    private void OnTimer()
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
                        _telemetry.Unavailable.Add(1);
                    }
                }

                Volatile.Write(ref _armed, 0);
            }

            // An entry watched after the list was found empty saw the watchdog armed and did not arm it.
            if (_waiting.IsEmpty || Interlocked.CompareExchange(ref _armed, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private void Arm(TimeSpan dueTime)
    {
        try
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed: the writer has failed or written every entry already.
        }
    }
}
