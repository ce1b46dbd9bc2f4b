using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>An in-memory sink that fails on chosen calls, after writing part of the batch (a torn write).</summary>
internal sealed class FaultySink(Func<int, bool> failOnCall) : IAuditSink, IAuditTrailReader
{
    private readonly List<(int Calls, TaskCompletionSource Signal)> _waiting = [];
    private int _calls;

    public InMemoryAuditSink Inner { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Completes once the sink has been called <paramref name="calls"/> times.</summary>
    public Task WhenCalled(int calls)
    {
        lock (_waiting)
        {
            if (Calls >= calls)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((calls, signal));
            return signal.Task;
        }
    }

    public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        lock (_waiting)
        {
            foreach (var waiting in _waiting.Where(w => w.Calls <= call).ToList())
            {
                _waiting.Remove(waiting);
                waiting.Signal.TrySetResult();
            }
        }

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

/// <summary>An in-memory shared sink that lets a test wait until it holds a number of events or checkpoints (the writer did that much).</summary>
internal sealed class SignallingSink : ISharedAuditSink, IAuditTrailReader, ICheckpointSink, IAuditCheckpointReader
{
    private readonly List<(long Count, TaskCompletionSource Signal)> _waiting = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waitingForCheckpoints = [];

    public InMemoryAuditSink Inner { get; } = new();

    /// <summary>Completes once the sink holds at least <paramref name="count"/> events.</summary>
    public Task WhenHolding(long count)
    {
        lock (_waiting)
        {
            if (Inner.Count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((count, signal));
            return signal.Task;
        }
    }

    public ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A shared sink is written through AppendAsync.");

    public async ValueTask<AuditAppendResult> AppendAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        var result = await Inner.AppendAsync(batch, cancellationToken);
        lock (_waiting)
        {
            var held = Inner.Count;
            foreach (var waiting in _waiting.Where(w => w.Count <= held).ToList())
            {
                _waiting.Remove(waiting);
                waiting.Signal.TrySetResult();
            }
        }

        return result;
    }

    public IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, CancellationToken cancellationToken) => Inner.ReadAsync(fromSequence, cancellationToken);

    public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) => Inner.ReadLastAsync(cancellationToken);

    /// <summary>Completes once the sink holds at least <paramref name="count"/> checkpoints.</summary>
    public Task WhenCheckpointed(int count)
    {
        lock (_waitingForCheckpoints)
        {
            if (Inner.CheckpointSnapshot().Count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitingForCheckpoints.Add((count, signal));
            return signal.Task;
        }
    }

    public async ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await ((ICheckpointSink)Inner).WriteAsync(checkpoint, cancellationToken);
        lock (_waitingForCheckpoints)
        {
            var held = Inner.CheckpointSnapshot().Count;
            foreach (var waiting in _waitingForCheckpoints.Where(w => w.Count <= held).ToList())
            {
                _waitingForCheckpoints.Remove(waiting);
                waiting.Signal.TrySetResult();
            }
        }
    }

    public ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken) => ((ICheckpointSink)Inner).ReadLatestAsync(cancellationToken);

    public IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken) => ((IAuditCheckpointReader)Inner).ReadCheckpointsAsync(cancellationToken);
}
