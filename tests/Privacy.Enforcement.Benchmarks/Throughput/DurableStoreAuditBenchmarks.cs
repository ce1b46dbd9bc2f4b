using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// Durable audited decisions per second on the real stores (<c>.UseSqlite</c>, <c>.UsePostgreSql</c>, audit durable, the
/// default), closed loop: each of <see cref="Callers"/> callers decides for its own cached subject and awaits the
/// decision (its audit event committed) before the next, as a request handler does. Baseline, same run: the same
/// callers append one row each of the same payload size and await its commit, one writer committing everything
/// pending in one transaction (<see cref="RawGroupCommit"/>). Target: the library within 1.5x of the baseline.
/// </summary>
[Config(typeof(ClosedLoopConfig))]
public class DurableStoreAuditBenchmarks
{
    public const int PerCaller = 250;

    private BenchmarkStore _library = null!;
    private BenchmarkStore _paused = null!;
    private IPrivacyEnforcer _enforcer = null!;
    private CollectionRequest[] _requests = [];
    private RawGroupCommit _raw = null!;
    private RawGroupCommit _rawIndexed = null!;
    private string _payload = string.Empty;
    private string[] _subjects = [];

    [Params(BenchmarkStores.Sqlite, BenchmarkStores.PostgreSql)]
    public string Store { get; set; } = BenchmarkStores.Sqlite;

    [Params(1, 8, 64)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        BenchmarkStores.StopAsync(_library.Provider).GetAwaiter().GetResult();
        BenchmarkStores.StopAsync(_paused.Provider).GetAwaiter().GetResult();
        _raw.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _rawIndexed.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "raw group commit (one writer, one transaction per pending batch)")]
    public Task Raw() => Run(async _ =>
    {
        for (var i = 0; i < PerCaller; i++)
        {
            await _raw.AppendAsync(_payload).ConfigureAwait(false);
        }
    });

    /// <summary>The same raw group commit into a table with one narrow index (subject, sequence): what one index on the append path costs.</summary>
    [Benchmark(Description = "raw group commit, one narrow index (subject, sequence)")]
    public Task RawOneIndex() => Run(async caller =>
    {
        for (var i = 0; i < PerCaller; i++)
        {
            await _rawIndexed.AppendAsync(_payload, _subjects[caller]).ConfigureAwait(false);
        }
    });

    [Benchmark(Description = "library, audited decision, durable")]
    public Task Library() => Run(async caller =>
    {
        var request = _requests[caller];
        for (var i = 0; i < PerCaller; i++)
        {
            if (!await BenchmarkStores.DecideAsync(_enforcer, request).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The measured decision must be a permit.");
            }
        }
    });

    /// <summary>The library with the audit index's catch-up held (queries read the whole trail as tail): what indexing behind the head costs the appends.</summary>
    [Benchmark(Description = "library, durable, index catch-up held (experiment)")]
    public Task LibraryIndexHeld() => Run(async caller =>
    {
        var request = _requests[caller];
        for (var i = 0; i < PerCaller; i++)
        {
            if (!await BenchmarkStores.DecideAsync(_paused.Enforcer, request).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The measured decision must be a permit.");
            }
        }
    });

    private Task Run(Func<int, Task> loop) =>
        Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(() => loop(caller))));

    private async Task SetupAsync()
    {
        _library = BenchmarkStores.Build(Store, "durable", Callers, 1, b => b.ConfigureDecisions(o => o.AuditDecisions = true));
        _enforcer = _library.Enforcer;
        _paused = BenchmarkStores.Build(Store, "held", Callers, 1, b => b.ConfigureDecisions(o => o.AuditDecisions = true));
        _paused.Provider.GetRequiredService<RelationalAuditStore>().Index.IsAutomatic = false;
        _requests = [.. Enumerable.Range(0, Callers).Select(BenchmarkStores.Request)];
        foreach (var request in _requests)
        {
            if (!await BenchmarkStores.DecideAsync(_enforcer, request) || !await BenchmarkStores.DecideAsync(_paused.Enforcer, request))
            {
                throw new InvalidOperationException("The measured decision must be a permit.");
            }
        }

        // The baseline writes payloads of the size the library stores for the same decision.
        _payload = (string)(await _library.ScalarAsync("SELECT payload FROM {schema}pe_audit_events ORDER BY sequence DESC LIMIT 1"))!;
        _raw = RawGroupCommit.Create(Store, "raw");
        await _raw.StartAsync();
        _rawIndexed = RawGroupCommit.Create(Store, "raw-indexed", subjectIndex: true);
        await _rawIndexed.StartAsync();

        // Pseudonyms as the library makes them: random, so each caller's rows land at their own place in the index.
        _subjects = [.. Enumerable.Range(0, Callers).Select(_ => Guid.NewGuid().ToString("N"))];
    }
}
