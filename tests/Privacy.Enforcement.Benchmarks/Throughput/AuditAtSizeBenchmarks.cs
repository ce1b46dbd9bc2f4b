using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// Durable audited decisions per second with <see cref="Events"/> events already in the trail (a generated, cached trail:
/// <see cref="AtSizeTrail"/>), against the same closed loop on an empty trail in the same run and on the same server.
/// Target: the rate at size within 1.3x of the empty trail's. The appends grow the cached trail by a few thousand
/// events per run, which does not change its size class.
/// </summary>
[Config(typeof(ClosedLoopConfig))]
public class AuditAtSizeBenchmarks
{
    public const int PerCaller = DurableStoreAuditBenchmarks.PerCaller;

    private BenchmarkStore _empty = null!;
    private BenchmarkStore _atSize = null!;
    private CollectionRequest[] _requests = [];

    [Params(BenchmarkStores.Sqlite, BenchmarkStores.PostgreSql)]
    public string Store { get; set; } = BenchmarkStores.Sqlite;

    [Params(1, 8, 64)]
    public int Callers { get; set; }

    [Params(10_000_000L)]
    public long Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _requests = [.. Enumerable.Range(0, Callers).Select(BenchmarkStores.Request)];
        if (Store == BenchmarkStores.Sqlite)
        {
            var trail = AtSizeTrail.SqliteAsync(Events, Console.Out).GetAwaiter().GetResult();
            _empty = BenchmarkStores.Build(Store, "empty", Callers, 1, Audited);
            _atSize = BenchmarkStores.BuildOn(Store, trail, string.Empty, Callers, 1, Audited);
        }
        else
        {
            // Both on the cluster that keeps the generated trail, so the two differ only by the trail's size.
            var (server, schema) = AtSizeTrail.PostgresAsync(Events, Console.Out).GetAwaiter().GetResult();
            _empty = BenchmarkStores.BuildOn(Store, BenchmarkStores.NewSchema("empty"), server, Callers, 1, Audited);
            _atSize = BenchmarkStores.BuildOn(Store, schema, server, Callers, 1, Audited);
        }

        WarmAsync(_empty).GetAwaiter().GetResult();
        WarmAsync(_atSize).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        BenchmarkStores.StopAsync(_empty.Provider).GetAwaiter().GetResult();
        BenchmarkStores.StopAsync(_atSize.Provider).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "library, audited decision, durable, empty trail")]
    public Task Empty() => RunAsync(_empty.Enforcer);

    [Benchmark(Description = "library, audited decision, durable, trail at size")]
    public Task AtSize() => RunAsync(_atSize.Enforcer);

    private static void Audited(PrivacyEnforcementBuilder builder) => builder.ConfigureDecisions(o => o.AuditDecisions = true);

    private Task RunAsync(IPrivacyEnforcer enforcer) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            var request = _requests[caller];
            for (var i = 0; i < PerCaller; i++)
            {
                if (!await BenchmarkStores.DecideAsync(enforcer, request).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("The measured decision must be a permit.");
                }
            }
        })));

    private async Task WarmAsync(BenchmarkStore store)
    {
        foreach (var request in _requests)
        {
            if (!await BenchmarkStores.DecideAsync(store.Enforcer, request))
            {
                throw new InvalidOperationException("The measured decision must be a permit.");
            }
        }
    }
}
