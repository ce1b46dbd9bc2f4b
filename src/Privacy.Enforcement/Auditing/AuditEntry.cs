using System.Threading.Tasks.Sources;

namespace Privacy.Enforcement.Auditing;

/// <summary>One queued event: what <see cref="AuditEventSealer"/> seals and <see cref="AuditGroupCommitWriter"/> writes. Asynchronous mode queues this alone.</summary>
internal class AuditEntry(AuditEvent auditEvent)
{
    public AuditEvent Event { get; } = auditEvent;

    /// <summary>
    /// Gets the buffer the caller wrote the event's canonical body into (<see cref="AuditHashChain.WriteBodyForSealing"/>),
    /// which sealing turns into the stored line; <see langword="null"/> to let the sealer serialise it (and report what is wrong).
    /// </summary>
    public byte[]? LineBuffer { get; private set; }

    /// <summary>Gets the length of the body in <see cref="LineBuffer"/>.</summary>
    public int BodyLength { get; private set; }

    /// <summary>Gets or sets the event as sealed.</summary>
    public AuditEvent? Sealed { get; set; }

    public virtual bool IsDurable => false;

    /// <summary>Writes the event's body into <paramref name="buffer"/> on the caller's thread, so the sealer only chains; left to the sealer when it cannot be written.</summary>
    public void Prepare(byte[] buffer)
    {
        try
        {
            LineBuffer = AuditHashChain.WriteBodyForSealing(Event, buffer, out var length);
            BodyLength = length;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            LineBuffer = null;
        }
    }

    /// <summary>Takes the buffer back once the event is written; the sealed event forgets the line it kept there.</summary>
    public byte[]? TakeLineBuffer()
    {
        Sealed?.ReleaseSealedLine();
        var buffer = LineBuffer;
        LineBuffer = null;
        return buffer;
    }

    /// <summary>Claims the entry for sealing; <see langword="false"/> when its caller gave up first.</summary>
    public virtual bool TrySeal() => true;

    /// <summary>Completes the caller's wait once: written (<paramref name="error"/> is <see langword="null"/>) or failed.</summary>
    public virtual bool TryComplete(Exception? error) => false;

    /// <summary>Fails the callers of <paramref name="entries"/> (they deny) because the writer stopped; returns how many asynchronous events are lost.</summary>
    public static long FailStopped(List<AuditEntry> entries)
    {
        var lost = 0L;
        var failure = new AuditUnavailableException("The audit trail stopped before the event was written; deny whatever it records.");
        foreach (var entry in entries)
        {
            if (entry.IsDurable)
            {
                entry.TryComplete(failure);
            }
            else
            {
                lost++;
            }
        }

        entries.Clear();
        return lost;
    }
}

/// <summary>
/// A durable mode entry: also what its caller awaits (no task, no timer of its own; <see cref="AuditEntryWatchdog"/>
/// times it out).
/// </summary>
internal sealed class DurableAuditEntry(AuditEvent auditEvent, long deadline) : AuditEntry(auditEvent), IValueTaskSource
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
