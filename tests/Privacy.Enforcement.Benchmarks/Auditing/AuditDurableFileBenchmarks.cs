using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Privacy.Enforcement.Benchmarks.Auditing;

/// <summary>
/// Decisions per second with durable, group-committed audit to the JSON Lines file sink, for 1, 8 and 64 concurrent
/// callers, each recording <see cref="PerCaller"/> events <see cref="Batch"/> at a time (1: one decision awaited after
/// another; 50: how <see cref="IPrivacyEnforcer.DecideManyAsync"/> records a batch, every event started, and queued
/// together, before any is awaited). The baseline writes the same lines with a plain <see cref="FileStream"/> and one flush-to-disk per batch
/// of <c>Callers × Batch</c> lines (the best batching the callers allow). Events/s is <c>Callers × PerCaller / Mean</c>.
/// </summary>
[Config(typeof(ThroughputConfig))]
[SimpleJob(launchCount: 1, warmupCount: 4, iterationCount: 6, invocationCount: 1)] // warm-ups enough for tiered JIT to reach the optimised code
public class AuditDurableFileBenchmarks
{
    public const int PerCaller = 1000;

    private AuditEvent[] _events = [];
    private byte[][] _batches = [];
    private AuditTrailPipeline? _trail;
    private JsonLinesAuditSink? _sink;
    private FileStream? _baseline;
    private string _path = string.Empty;

    [Params(1, 8, 64)]
    public int Callers { get; set; }

    [Params(1, 50)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var total = Callers * PerCaller;
        _events = Enumerable.Range(0, total).Select(AuditBenchmarkData.Decision).ToArray();

        // The baseline writes exactly the lines the sink writes, in batches of Callers x Batch lines.
        var head = AuditHashChain.GenesisHash;
        var batches = new List<byte[]>();
        var buffer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < total; i++)
        {
            var sealedEvent = AuditHashChain.Seal(_events[i], i + 1, head);
            head = sealedEvent.Hash;
            AuditHashChain.WriteLine(buffer, sealedEvent);
            if ((i + 1) % (Callers * Batch) == 0 || i == total - 1)
            {
                batches.Add(buffer.WrittenSpan.ToArray());
                buffer.ResetWrittenCount();
            }
        }

        _batches = [.. batches];
    }

    [IterationSetup(Target = nameof(DurableFileTrail))]
    public void SetupTrail()
    {
        _path = AuditBenchmarkData.TempFile("trail-" + Callers + "-" + Batch + ".jsonl");
        File.Delete(_path);
        _sink = new JsonLinesAuditSink(_path);
        _trail = new AuditTrailPipeline(_sink, null, null, null, new AuditTrailOptions(), TimeProvider.System);
        _trail.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _sink.ReadLastAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult(); // opens the file outside the measurement
    }

    [IterationCleanup(Target = nameof(DurableFileTrail))]
    public void CleanupTrail()
    {
        _trail!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sink!.Dispose();
        File.Delete(_path);
    }

    [IterationSetup(Target = nameof(PlainFileStreamBaseline))]
    public void SetupBaseline()
    {
        _path = AuditBenchmarkData.TempFile("baseline-" + Callers + "-" + Batch + ".jsonl");
        _baseline = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read, 1);
    }

    [IterationCleanup(Target = nameof(PlainFileStreamBaseline))]
    public void CleanupBaseline()
    {
        _baseline!.Dispose();
        File.Delete(_path);
    }

    [Benchmark(Baseline = true)]
    public void PlainFileStreamBaseline()
    {
        foreach (var batch in _batches)
        {
            _baseline!.Write(batch);
            _baseline.Flush(flushToDisk: true);
        }
    }

    [Benchmark]
    public Task DurableFileTrail()
    {
        var trail = _trail!;
        var events = _events;
        var callers = Callers;
        var batch = Batch;
        return Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            if (batch == 1)
            {
                // One decision awaited after another, as a caller of DecideAsync awaits it.
                for (var i = caller * PerCaller; i < (caller + 1) * PerCaller; i++)
                {
                    await trail.RecordAsync(events[i], CancellationToken.None).ConfigureAwait(false);
                }

                return;
            }

            var pending = new Task[batch];
            for (var first = caller * PerCaller; first < (caller + 1) * PerCaller; first += batch)
            {
                // As DecideManyAsync starts a window: every record started before any is awaited, queued together.
                using (trail.DeferQueueing())
                {
                    for (var j = 0; j < batch; j++)
                    {
                        pending[j] = trail.RecordAsync(events[first + j], CancellationToken.None).AsTask();
                    }
                }

                await Task.WhenAll(pending).ConfigureAwait(false);
            }
        })));
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig() => AddColumn(new EventsPerSecondColumn());
    }

    private sealed class EventsPerSecondColumn : IColumn
    {
        public string Id => nameof(EventsPerSecondColumn);

        public string ColumnName => "Events/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Events written durably per second (Callers x PerCaller / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats)
            {
                return "-";
            }

            var callers = (int)benchmarkCase.Parameters["Callers"];
            var seconds = stats.Mean / 1e9;
            return (callers * PerCaller / seconds).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
