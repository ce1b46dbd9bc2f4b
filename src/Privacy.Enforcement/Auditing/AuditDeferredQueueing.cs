namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Records started together, queued together: inside a scope (<see cref="AuditTrailPipeline.DeferQueueing"/>) durable
/// events are held back and queued in one go when the scope ends, so they are sealed and handed to the writer as one
/// batch and share one flush (<see cref="IPrivacyEnforcer.DecideManyAsync"/> starts each window of decisions inside
/// one). Without it the first of them would reach the disk alone and the rest wait a flush behind it.
/// </summary>
/// <remarks>
/// The scope follows the async flow that opened it, not the thread: an event recorded by a decision that resumed after
/// the scope closed is queued at once as usual. Nobody may wait for a held event inside the scope: it is queued only at
/// its end.
/// </remarks>
internal sealed class AuditDeferredQueueing
{
    private static readonly AsyncLocal<Records?> Deferred = new();
    private readonly AuditTrailOptions _options;
    private readonly AuditEntryQueue _queue;
    private readonly AuditEventSealer _sealer;

    public AuditDeferredQueueing(AuditTrailOptions options, AuditEntryQueue queue, AuditEventSealer sealer)
    {
        _options = options;
        _queue = queue;
        _sealer = sealer;
    }

    /// <summary>Holds this flow's durable events back until the returned scope is disposed (a no-op in asynchronous mode or when already inside one).</summary>
    public Scope Open()
    {
        if (_options.Mode != AuditTrailMode.Durable || Deferred.Value is { IsOpen: true })
        {
            return default;
        }

        var records = new Records(this);
        Deferred.Value = records;
        return new Scope(records);
    }

    /// <summary>Holds <paramref name="entry"/> back when this flow is inside an open scope of this pipeline.</summary>
    public bool TryDefer(DurableAuditEntry entry)
    {
        var records = Deferred.Value;
        if (records is null || !ReferenceEquals(records.Owner, this))
        {
            return false;
        }

        lock (records)
        {
            if (!records.IsOpen)
            {
                return false;
            }

            records.Entries.Add(entry);
            return true;
        }
    }

    /// <summary>Queues what a scope held back, in order, then seals it.</summary>
    private void QueueDeferred(Records records)
    {
        List<DurableAuditEntry> entries;
        lock (records)
        {
            records.IsOpen = false;
            entries = records.Entries;
        }

        if (ReferenceEquals(Deferred.Value, records))
        {
            Deferred.Value = null;
        }

        foreach (var entry in entries)
        {
            if (!_queue.TryEnqueue(entry))
            {
                _ = QueueDeferredSlowAsync(entry);
            }
        }

        if (entries.Count > 0)
        {
            _sealer.SealQueued(byWriter: false);
        }
    }

    /// <summary>A held event the queue has no room for: waits for room like any caller; a refusal completes the event's wait (its caller denies).</summary>
    private async Task QueueDeferredSlowAsync(DurableAuditEntry entry)
    {
        try
        {
            await _queue.WaitForRoomAsync(entry, CancellationToken.None).ConfigureAwait(false);
            _sealer.SealQueued(byWriter: false);
        }
        catch (AuditUnavailableException)
        {
            // Refused: WaitForRoomAsync completed the entry with the failure, which its caller awaits.
        }
    }

    /// <summary>Ends a scope: queues what it held back.</summary>
    internal readonly struct Scope(Records? records) : IDisposable
    {
        public void Dispose()
        {
            if (records is not null)
            {
                records.Owner.QueueDeferred(records);
            }
        }
    }

    /// <summary>The events one scope holds back.</summary>
    internal sealed class Records(AuditDeferredQueueing owner)
    {
        public AuditDeferredQueueing Owner { get; } = owner;

        public List<DurableAuditEntry> Entries { get; } = [];

        public bool IsOpen { get; set; } = true;
    }
}
