using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.Benchmarks.SubjectRights;

/// <summary>
/// Access/export (<c>store.subject-access</c>) of a subject with 10,000 disclosures in its ledger, two data sources,
/// consents and an engagement, serialized to one JSON document; against the baseline of only querying the audit
/// trail for the subject's events and serializing them.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
public class SubjectExportBenchmarks
{
    private const int LedgerEntries = 10_000;
    private static readonly SubjectId Subject = new("subject-000042");
    private ServiceProvider _provider = null!;
    private ISubjectRightsService _rights = null!;
    private IAuditTrailReader _reader = null!;
    private string _pseudonym = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPrivacyEnforcement()
            .UseInMemoryStores()
            .AddPersonalDataSource(new BenchmarkSource("accounts", "user.contact"))
            .AddPersonalDataSource(new BenchmarkSource("profiles", "user.profile"));
        _provider = services.BuildServiceProvider();
        _rights = _provider.GetRequiredService<ISubjectRightsService>();
        _reader = _provider.GetRequiredService<IAuditTrailReader>();
        _pseudonym = _provider.GetRequiredService<IPseudonymStore>().GetOrCreateAsync(Subject, default).AsTask().GetAwaiter().GetResult();
        var trail = _provider.GetRequiredService<IAuditTrail>();
        var start = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var pending = new List<Task>(LedgerEntries);
        for (var i = 0; i < LedgerEntries; i++)
        {
            pending.Add(trail.RecordAsync(new AuditEvent
            {
                Timestamp = start.AddMinutes(i),
                Kind = AuditEventKind.Decision,
                Action = "decision.disclose",
                SubjectPseudonym = _pseudonym,
                Recipient = "courier-" + (i % 50),
                RecipientKind = nameof(RecipientKind.TransactionCounterparty),
                Categories = [StandardDataCategories.Phone, StandardDataCategories.Name],
                PermittedCategories = [StandardDataCategories.Phone],
                Ground = nameof(DisclosureGround.Transaction),
                Outcome = nameof(DecisionOutcome.Permit),
                ClauseIds = [ClauseIds.DiscloseTransaction],
                EvidenceReferences = ["order-" + i],
            }, default).AsTask());
        }

        Task.WaitAll(pending);
        var export = Export();
        if (export.Length == 0 || _rights.AccessAsync(Subject, default).AsTask().GetAwaiter().GetResult().Export.Disclosures.Count != LedgerEntries)
        {
            throw new InvalidOperationException("The export must hold every ledger entry.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public byte[] QueryTrailAndSerialize()
    {
        var events = new List<AuditEvent>(LedgerEntries);
        var query = new AuditQuery { SubjectPseudonym = _pseudonym, Kind = AuditEventKind.Decision };
        var enumerator = _reader.QueryAsync(query, default).GetAsyncEnumerator();
        while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            events.Add(enumerator.Current);
        }

        enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return JsonSerializer.SerializeToUtf8Bytes(events.Select(e => new { e.Sequence, e.Timestamp, e.Recipient, e.PermittedCategories, e.Ground, e.ClauseIds }).ToList());
    }

    [Benchmark]
    public byte[] Export()
    {
        var result = _rights.AccessAsync(Subject, default).AsTask().GetAwaiter().GetResult();
        return SubjectDataExportSchema.ToUtf8Json(result.Export);
    }

    private sealed class BenchmarkSource(string name, string category) : IPersonalDataSource
    {
        private readonly Dictionary<DataCategory, JsonElement> _data = new()
        {
            [new DataCategory(category + ".primary")] = JsonSerializer.SerializeToElement("value of " + category),
        };

        public string Name => name;

        public DataSourceOperator Operator => DataSourceOperator.Application;

        public IReadOnlyList<DataCategory> Categories { get; } = [new DataCategory(category)];

        public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyDictionary<DataCategory, JsonElement>>(_data);

        public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken) =>
            ValueTask.FromResult(categories);
    }
}
