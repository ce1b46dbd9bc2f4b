namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The buffers events are sealed in (<see cref="AuditHashChain.SealPrepared"/>): a caller writes its event's body into
/// one, the sealer turns it into the stored line in place, the sink copies the line, and the writer gives the buffer
/// back once the batch is written. Reused, so an audited decision does not allocate its line; an event too large for a
/// pooled buffer gets one of its own, which is not kept.
/// </summary>
internal sealed class AuditLineBufferPool
{
    /// <summary>The size of a pooled buffer: room for a decision's line with its categories, clauses and obligations.</summary>
    public const int BufferSize = 1024;

    /// <summary>The most buffers a pool keeps (8 MB), whatever the queue's and batches' sizes.</summary>
    public const int MaxCapacity = 8192;

    private readonly object _gate = new();
    private readonly byte[][] _free;
    private readonly byte[][] _returned; // the writer's alone: one batch's buffers on their way back
    private int _count;

    /// <param name="capacity">The most buffers kept for reuse (more are left to the garbage collector).</param>
    public AuditLineBufferPool(int capacity)
    {
        _free = new byte[Math.Max(1, capacity)][];
        _returned = new byte[_free.Length][];
    }

    /// <summary>Takes a free buffer, or a new one.</summary>
    public byte[] Rent()
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                var buffer = _free[--_count];
                _free[_count] = null!;
                return buffer;
            }
        }

        return new byte[BufferSize];
    }

    /// <summary>Gives back the buffers of <paramref name="entries"/>, whose events are written: gathered first, then put back under the lock in one copy, so a caller renting meanwhile is not held up by the batch.</summary>
    public void Return(List<AuditEntry> entries)
    {
        var returned = _returned;
        var count = 0;
        foreach (var entry in entries)
        {
            if (entry.TakeLineBuffer() is { Length: BufferSize } buffer && count < returned.Length)
            {
                returned[count++] = buffer;
            }
        }

        if (count == 0)
        {
            return;
        }

        lock (_gate)
        {
            var kept = Math.Min(count, _free.Length - _count);
            Array.Copy(returned, 0, _free, _count, kept);
            _count += kept;
        }

        Array.Clear(returned, 0, count);
    }
}
