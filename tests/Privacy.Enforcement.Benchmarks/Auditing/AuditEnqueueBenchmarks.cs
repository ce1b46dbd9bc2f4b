using System.Buffers;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Privacy.Enforcement.Benchmarks.Auditing;

/// <summary>
/// The caller's cost of recording one decision in asynchronous mode: enqueue only, measured while the writer is held
/// on its first batch so that its sealing does not compete for the (shared) cores; against a bare bounded-channel
/// write of the same event. Also the writer's own cost per event (seal + stored line), which bounds durable throughput
/// when the disk is fast.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5, invocationCount: 1)]
public class AuditEnqueueBenchmarks
{
    private const int Events = 20_000;
    private AuditEvent[] _events = [];
    private AuditTrailPipeline? _trail;
    private HeldSink? _sink;
    private Channel<AuditEvent>? _channel;
    private readonly ArrayBufferWriter<byte> _lines = new(1 << 20);

    [GlobalSetup]
    public void Setup() => _events = Enumerable.Range(0, Events).Select(AuditBenchmarkData.Decision).ToArray();

    [IterationSetup]
    public void SetupIteration()
    {
        _sink = new HeldSink();
        _trail = new AuditTrailPipeline(_sink, null, null, null, new AuditTrailOptions { Mode = AuditTrailMode.Asynchronous, QueueCapacity = 2 * Events }, TimeProvider.System);
        _trail.RecordAsync(_events[0], CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _sink.Holding.Task.GetAwaiter().GetResult(); // the writer is now parked on its first batch
        _channel = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(2 * Events) { SingleReader = true });
        _lines.ResetWrittenCount();
    }

    [IterationCleanup]
    public void CleanupIteration()
    {
        _sink!.Release();
        _trail!.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void BoundedChannelWrite()
    {
        var writer = _channel!.Writer;
        foreach (var e in _events)
        {
            writer.TryWrite(e);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void AsynchronousRecord()
    {
        var trail = _trail!;
        foreach (var e in _events)
        {
            var pending = trail.RecordAsync(e, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                pending.AsTask().GetAwaiter().GetResult();
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public string WriterSealAndLine()
    {
        var head = AuditHashChain.GenesisHash;
        for (var i = 0; i < _events.Length; i++)
        {
            var sealedEvent = AuditHashChain.Seal(_events[i], i + 1, head);
            head = sealedEvent.Hash;
            AuditHashChain.WriteLine(_lines, sealedEvent);
            if (_lines.WrittenCount > 1 << 19)
            {
                _lines.ResetWrittenCount();
            }
        }

        return head;
    }

    private sealed class HeldSink : IAuditSink
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
        {
            Holding.TrySetResult();
            await _release.Task.ConfigureAwait(false);
        }
    }
}
