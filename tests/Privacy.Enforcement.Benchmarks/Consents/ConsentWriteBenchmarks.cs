using BenchmarkDotNet.Attributes;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Benchmarks.Consents;

/// <summary>
/// Grant and withdraw throughput of the consent service on the in-memory store, against the raw store append.
/// No audit trail, cache or change feed: this isolates validation, the fold and the store.
/// </summary>
[MemoryDiagnoser]
// A fresh store per iteration and a fixed number of invocations keep the store from growing without bound.
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5, invocationCount: 16384)]
public class ConsentWriteBenchmarks
{
    private const int SubjectCount = 1024;

    private readonly SubjectId[] _subjects = [.. Enumerable.Range(0, SubjectCount).Select(i => new SubjectId($"subject-{i}"))];
    private InMemoryConsentStore _store = null!;
    private ConsentService _service = null!;
    private ConsentRequest[] _requests = null!;
    private PolicyVersion _version = null!;
    private ConsentTerms _terms = null!;
    private int _next;

    [IterationSetup]
    public void Setup()
    {
        var policy = StandardPolicy.CreateBuilder().AddRecipient("acme", RecipientKind.Partner, "Acme").Publish();
        _version = policy.Version;
        _store = new InMemoryConsentStore();
        _service = new ConsentService(_store, new PolicyCatalog(policy), new SubjectChangeNotifier(TimeProvider.System));
        _requests = [.. _subjects.Select(s => new ConsentRequest
        {
            Subject = s,
            PolicyVersion = policy.Version.Version,
            PolicyContentHash = policy.Version.ContentHash,
            Purposes = [new PurposeId(StandardPurposes.PartnerMarketing)],
            Categories = [new DataCategory("user.contact.email"), new DataCategory("user.name")],
            Acts = [ProcessingAct.Disclose],
            Recipient = new RecipientId("acme"),
            CollectionMethod = "web-form",
            EvidenceReference = "form-1",
        })];
        _terms = new ConsentTerms { Purposes = _requests[0].Purposes, Categories = _requests[0].Categories, Acts = _requests[0].Acts, Recipient = _requests[0].Recipient };
        _next = 0;
    }

    /// <summary>The floor: one fact appended to the in-memory store, nothing validated.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask RawAppend()
    {
        var i = _next++;
        return _store.AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = ConsentId.New(),
            Subject = _subjects[i & (SubjectCount - 1)],
            State = ConsentState.Given,
            RecordedAt = DateTimeOffset.UnixEpoch,
            Policy = _version,
            Terms = _terms,
        }, CancellationToken.None);
    }

    /// <summary>A validated grant with its receipt.</summary>
    [Benchmark]
    public async Task<ConsentResult> Grant() => await _service.GrantAsync(_requests[_next++ & (SubjectCount - 1)], CancellationToken.None);

    /// <summary>A grant followed by its acknowledged withdrawal (read, fold, append, receipt).</summary>
    [Benchmark]
    public async Task<ConsentResult> GrantThenWithdraw()
    {
        var request = _requests[_next++ & (SubjectCount - 1)];
        var granted = await _service.GrantAsync(request, CancellationToken.None);
        return await _service.WithdrawAsync(request.Subject, granted.ConsentId, CancellationToken.None);
    }
}
