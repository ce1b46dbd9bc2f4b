using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>An in-memory sink that fails on chosen calls, after writing part of the batch (a torn write).</summary>
internal sealed class FaultySink(Func<int, bool> failOnCall) : IAuditSink, IAuditTrailReader
{
    private int _calls;

    public InMemoryAuditSink Inner { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (failOnCall(call))
        {
            await Inner.WriteBatchAsync(batch.Take(batch.Count / 2).ToList(), cancellationToken);
            throw new IOException($"Injected failure on call {call}.");
        }

        await Inner.WriteBatchAsync(batch, cancellationToken);
    }

    public IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, CancellationToken cancellationToken) => Inner.ReadAsync(fromSequence, cancellationToken);

    public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) => Inner.ReadLastAsync(cancellationToken);
}

/// <summary>A sink whose writes wait until released.</summary>
internal sealed class GatedSink : IAuditSink
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InMemoryAuditSink Inner { get; } = new();

    public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        FirstWriteStarted.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        await Inner.WriteBatchAsync(batch, cancellationToken);
    }
}

/// <summary>A sink whose writes wait until released, recording each batch's size (and, optionally, an ambient value seen by the writer).</summary>
internal sealed class BatchRecordingGatedSink(Func<string?>? observe = null) : IAuditSink
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<int> _batchSizes = [];
    private readonly List<string?> _observed = [];

    public InMemoryAuditSink Inner { get; } = new();

    public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_batchSizes)
            {
                return [.. _batchSizes];
            }
        }
    }

    public IReadOnlyList<string?> Observed
    {
        get
        {
            lock (_batchSizes)
            {
                return [.. _observed];
            }
        }
    }

    public void Release() => _gate.TrySetResult();

    public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        lock (_batchSizes)
        {
            _batchSizes.Add(batch.Count);
            if (observe is not null)
            {
                _observed.Add(observe());
            }
        }

        FirstWriteStarted.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        await Inner.WriteBatchAsync(batch, cancellationToken);
    }
}

/// <summary>A checkpoint sink whose every write fails, counting the attempts.</summary>
internal sealed class FailingCheckpointSink : ICheckpointSink
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        throw new IOException("Injected checkpoint failure.");
    }

    public ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AuditCheckpoint?>(null);
}
