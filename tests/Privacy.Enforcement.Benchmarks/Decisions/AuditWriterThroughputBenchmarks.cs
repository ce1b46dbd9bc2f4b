using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>
/// Asynchronous audit, the two sides of the queue apart, per event: the caller's side (an audited decision, its event
/// built, serialised and queued; the writer is held on its first batch so it takes no processor time) and the writer's
/// side (the same number of queued events sealed and written to a discarding sink, once the writer is released; the
/// caller is idle). When the writer's time per event is at most the caller's, the writer keeps up with a caller
/// deciding in a tight loop on the other core, and callers are never throttled by sealing: the ratio is to read.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SingleInvocationBenchmarkConfig))]
public class AuditWriterThroughputBenchmarks
{
    private const int Events = 4_000; // within one batch (MaxBatchSize) and the line buffers the trail keeps for reuse

    private const string Subject = "subject-000042";

    private readonly CollectionRequest _request = new(new SubjectId(Subject), [new DataCategory(StandardDataCategories.Email)], new PurposeId(StandardPurposes.ServiceProvision));
    private ServiceProvider? _provider;
    private IPrivacyEnforcer? _enforcer;
    private HeldSink? _sink;
    private int _written;

    [IterationSetup(Target = nameof(CallersEnqueue))]
    public void SetupCallers() => Start();

    [IterationSetup(Target = nameof(WriterSeals))]
    public void SetupWriter()
    {
        Start();
        Decide(Events); // queued behind the held batch: what the writer seals once released
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _sink!.Release();
        BenchmarkEnforcer.Stop(_provider!);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "callers: audited decision enqueued (writer held)")]
    public void CallersEnqueue() => Decide(Events);

    [Benchmark(OperationsPerInvoke = Events, Description = "writer: queued event sealed and written")]
    public void WriterSeals()
    {
        _sink!.Release();
        _sink.WaitForWritten(_written + Events);
    }

    /// <summary>A trail in its steady state (its line buffers back from earlier batches), its writer held on one event.</summary>
    private void Start()
    {
        _sink = new HeldSink();
        (_provider, _enforcer) = BenchmarkEnforcer.Create(AuditTrailMode.Asynchronous, _sink, Subject, [(StandardDataCategories.Email, StandardPurposes.ServiceProvision)], queueCapacity: 4 * Events);

        // As many events in flight as the measured part holds, so as many line buffers come back for reuse.
        _sink.Hold();
        Decide(Events);
        _sink.Release();
        _sink.WaitForWritten(Events);
        _sink.Hold();
        Decide(1); // the writer takes this one and is held on it
        _sink.Holding.Wait();
        _written = Events + 1;
    }

    private void Decide(int count)
    {
        var enforcer = _enforcer!;
        for (var i = 0; i < count; i++)
        {
            var pending = enforcer.DecideAsync(_request);
            var decision = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            if (!decision.IsPermitted)
            {
                throw new InvalidOperationException("The measured decision must permit.");
            }
        }
    }

    /// <summary>Once told to hold, holds the writer on its next batch until released; counts what is written.</summary>
    private sealed class HeldSink : IAuditSink
    {
        private readonly ManualResetEventSlim _release = new(initialState: true);
        private readonly object _gate = new();
        private int _written;

        public ManualResetEventSlim Holding { get; } = new();

        public void Hold()
        {
            Holding.Reset();
            _release.Reset();
        }

        public void Release() => _release.Set();

        public void WaitForWritten(int count)
        {
            lock (_gate)
            {
                while (_written < count)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        public ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
        {
            if (!_release.IsSet)
            {
                Holding.Set();
                _release.Wait(cancellationToken);
            }

            lock (_gate)
            {
                _written += batch.Count;
                Monitor.PulseAll(_gate);
            }

            return default;
        }
    }
}
