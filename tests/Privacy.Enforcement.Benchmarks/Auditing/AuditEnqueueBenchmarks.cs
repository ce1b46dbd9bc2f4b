using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Privacy.Enforcement.Benchmarks.Auditing;

/// <summary>
/// The caller's cost of recording one decision in asynchronous mode (enqueue only; the writer seals and writes to a
/// discarding sink on another thread), against a bare channel write of the same event.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
public class AuditEnqueueBenchmarks
{
    private const int Events = 10_000;
    private AuditEvent[] _events = [];
    private AuditTrailPipeline? _trail;
    private Channel<AuditEvent>? _channel;
    private Task? _drain;

    [GlobalSetup]
    public void Setup()
    {
        _events = Enumerable.Range(0, Events).Select(AuditBenchmarkData.Decision).ToArray();
        _trail = new AuditTrailPipeline(new NullAuditSink(), null, null, null, new AuditTrailOptions { Mode = AuditTrailMode.Asynchronous, QueueCapacity = 1 << 20 }, TimeProvider.System);
        _channel = Channel.CreateUnbounded<AuditEvent>(new UnboundedChannelOptions { SingleReader = true });
        _drain = Task.Run(async () =>
        {
            await foreach (var e in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                GC.KeepAlive(e);
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trail!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _channel!.Writer.Complete();
        _drain!.GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void ChannelWrite()
    {
        var writer = _channel!.Writer;
        foreach (var e in _events)
        {
            writer.TryWrite(e);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task AsynchronousRecord()
    {
        var trail = _trail!;
        foreach (var e in _events)
        {
            await trail.RecordAsync(e, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
