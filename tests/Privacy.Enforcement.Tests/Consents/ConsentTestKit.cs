using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Consents;

/// <summary>Small hand-built policy documents for the consent tests.</summary>
internal static class TestPolicies
{
    public const string PolicyId = "test-policy";

    public static PolicyDocument Version1 { get; } = new()
    {
        Id = PolicyId,
        Version = "1.0",
        PublishedAt = DateTimeOffset.UnixEpoch,
        Language = "en",
        Clauses =
        [
            new ClauseDefinition { Id = ClauseIds.CollectConsent, Text = "we will seek your consent" },
            new ClauseDefinition { Id = ClauseIds.UseOwnMarketing, Text = "product and service information" },
        ],
        Categories =
        [
            new DataCategoryDefinition { Id = "user" },
            new DataCategoryDefinition { Id = "user.contact", Flags = DataCategoryFlags.ContactCapable },
            new DataCategoryDefinition { Id = "user.contact.phone_number" },
            new DataCategoryDefinition { Id = "user.contact.email" },
            new DataCategoryDefinition { Id = "user.identity", Flags = DataCategoryFlags.Identifying },
            new DataCategoryDefinition { Id = "user.location", Description = "coarse location" },
        ],
        Purposes =
        [
            new PurposeDefinition { Id = StandardPurposes.ServiceProvision, Description = "providing the services you use" },
            new PurposeDefinition { Id = StandardPurposes.OwnMarketing, Objectable = true, Clause = ClauseIds.UseOwnMarketing, Description = "our own product information" },
            new PurposeDefinition { Id = StandardPurposes.PartnerMarketing, Basis = PurposeBasis.Consent, Clause = ClauseIds.UsePartnerMarketing, Description = "partners send you offers" },
        ],
        Recipients =
        [
            new RecipientDefinition { Id = "acme", Kind = RecipientKind.Partner, Name = "Acme" },
            new RecipientDefinition { Id = "globex", Kind = RecipientKind.Partner, Name = "Globex" },
            new RecipientDefinition { Id = "cloudhost", Kind = RecipientKind.ServiceProvider, Name = "Cloud host" },
        ],
        Services = [new ServiceDefinition { Id = "delivery", NecessaryCategories = ["user.contact.phone_number", "user.location"], Providers = ["cloudhost"] }],
        Grounds =
        [
            new GroundDefinition { Ground = DisclosureGround.Consent, Clause = ClauseIds.DiscloseConsent, RecipientKinds = [RecipientKind.Partner], CategoryLimit = CategoryLimitSource.Consent },
        ],
        Rules =
        [
            new RuleDefinition { Clause = ClauseIds.CollectConsent, Kind = RuleKind.RequireConsentToCollect, CategoryFlags = DataCategoryFlags.Identifying | DataCategoryFlags.ContactCapable },
            new RuleDefinition { Clause = ClauseIds.UseOwnMarketing, Kind = RuleKind.PermitUnlessObjected, Purposes = [StandardPurposes.OwnMarketing] },
        ],
    };

    public static PolicyDocument Next(PolicyDocument previous, string version) => previous with { Version = version };
}

/// <summary>A policy provider that can publish, standing in for the policy feature's catalog.</summary>
internal sealed class TestPolicyCatalog : IPolicyProvider
{
    private readonly object _gate = new();
    private readonly List<PublishedPolicy> _history = [];
    private readonly TimeProvider _time;

    public TestPolicyCatalog(TimeProvider time) => _time = time;

    public PublishedPolicy Current
    {
        get
        {
            lock (_gate)
            {
                return _history.Count > 0 ? _history[^1] : throw new InvalidOperationException("nothing published");
            }
        }
    }

    public IReadOnlyList<PublishedPolicy> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    public PublishedPolicy? Find(Version version)
    {
        lock (_gate)
        {
            return _history.FirstOrDefault(p => p.Version.Version == version);
        }
    }

    public PublishedPolicy Publish(PolicyDocument document)
    {
        var stamped = document with { PublishedAt = _time.GetUtcNow() };
        var hash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(stamped))).ToLowerInvariant();
        var published = new PublishedPolicy(stamped, new PolicyVersion(new PolicyId(stamped.Id), Version.Parse(stamped.Version), stamped.PublishedAt, hash));
        lock (_gate)
        {
            _history.Add(published);
        }

        return published;
    }
}

internal sealed class RecordingAuditTrail : IAuditTrail, IAuditTrailReader
{
    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public bool Unavailable { get; set; }

    public ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (Unavailable)
        {
            throw new AuditUnavailableException("audit trail down (test)");
        }

        Events.Enqueue(auditEvent with { Sequence = Interlocked.Increment(ref _sequence) });
        return ValueTask.CompletedTask;
    }

    private long _sequence;

    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var e in Events.Where(e => e.Sequence >= fromSequence))
        {
            yield return e;
        }
    }

    public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Events.LastOrDefault());
}

internal sealed class RecordingFeed : IPrivacyChangeFeed
{
    public ConcurrentQueue<SubjectId> Published { get; } = new();

    public ValueTask PublishAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        Published.Enqueue(subject);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<SubjectId> ListenAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Announces nothing: listens until it is stopped.
        await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
        yield break;
    }
}

/// <summary>
/// A stand-in for the engine's decision path until it is merged: consent decisions by the fold over the store, with a
/// per-subject cache that <see cref="ISubjectStateCache"/> invalidates. An entry is tagged with the generation read
/// before the store read, so a fill racing an invalidation is discarded on the next read.
/// </summary>
internal sealed class CachingFoldDecider : ISubjectStateCache
{
    private readonly IConsentStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<SubjectId, long> _generations = new();
    private readonly ConcurrentDictionary<SubjectId, (long Generation, long All, ConsentFact[] Facts)> _cache = new();
    private long _all;

    public CachingFoldDecider(IConsentStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public int Invalidations;

    public int StoreReads;

    public async ValueTask<bool> PermitsAsync(SubjectId subject, ConsentId consentId)
    {
        var generation = _generations.GetOrAdd(subject, 0);
        var all = Interlocked.Read(ref _all);
        ConsentFact[] facts;
        if (_cache.TryGetValue(subject, out var entry) && entry.Generation == generation && entry.All == all)
        {
            facts = entry.Facts;
        }
        else
        {
            Interlocked.Increment(ref StoreReads);
            var list = new List<ConsentFact>();
            await foreach (var fact in _store.GetFactsAsync(subject, CancellationToken.None))
            {
                list.Add(fact);
            }

            facts = [.. list];
            _cache[subject] = (generation, all, facts);
        }

        return ConsentHistory.Evaluate(facts, consentId, _time.GetUtcNow()) is { IsGiven: true };
    }

    public void Invalidate(SubjectId subject)
    {
        Interlocked.Increment(ref Invalidations);
        _generations.AddOrUpdate(subject, 1, static (_, g) => g + 1);
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref Invalidations);
        Interlocked.Increment(ref _all);
    }
}

/// <summary>Everything the consent services need, wired by hand over in-memory stores and a fake clock.</summary>
internal sealed class ConsentTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public ConsentTestKit(IConsentStore? store = null, bool withAudit = true, IAcceptanceStore? acceptances = null)
    {
        Time = new FakeTimeProvider(Start);

        // The local zone must never matter: run every case as if the machine sat at UTC+14.
        Time.SetLocalTimeZone(FarOffZone);
        Catalog = new TestPolicyCatalog(Time);
        V1 = Catalog.Publish(TestPolicies.Version1);
        Store = store ?? new InMemoryConsentStore();
        Acceptances = acceptances ?? new InMemoryAcceptanceStore();
        Decider = new CachingFoldDecider(Store, Time);
        Audit = new RecordingAuditTrail();
        Pseudonyms = new InMemoryPseudonymStore();
        Notifier = new SubjectChangeNotifier(Time, Decider, Feed, withAudit ? Audit : null, Pseudonyms, Audit);
        Consents = new ConsentService(Store, Catalog, Notifier);
        AcceptanceService = new PolicyAcceptanceService(Acceptances, Catalog, Notifier);
        Objections = new ObjectionService(Acceptances, Catalog, Notifier);
        Changes = new PolicyChangeService(Store, Catalog, Notifier, Catalog.Publish);
    }

    public static TimeZoneInfo FarOffZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati");

    public FakeTimeProvider Time { get; }

    public TestPolicyCatalog Catalog { get; }

    public PublishedPolicy V1 { get; }

    public IConsentStore Store { get; }

    public IAcceptanceStore Acceptances { get; }

    public CachingFoldDecider Decider { get; }

    public RecordingAuditTrail Audit { get; }

    public RecordingFeed Feed { get; } = new();

    public InMemoryPseudonymStore Pseudonyms { get; }

    public SubjectChangeNotifier Notifier { get; }

    public ConsentService Consents { get; }

    public PolicyAcceptanceService AcceptanceService { get; }

    public ObjectionService Objections { get; }

    public PolicyChangeService Changes { get; }

    public ConsentRequest Request(SubjectId subject, params string[] purposes) => new()
    {
        Subject = subject,
        PolicyVersion = Catalog.Current.Version.Version,
        PolicyContentHash = Catalog.Current.Version.ContentHash,
        Purposes = [.. (purposes.Length == 0 ? [StandardPurposes.ServiceProvision] : purposes).Select(p => new PurposeId(p))],
        Categories = [new DataCategory("user.contact.phone_number")],
        Acts = [ProcessingAct.Collect, ProcessingAct.Use],
        CollectionMethod = "web-form",
        Notice = "notice-7",
        Language = "en",
        EvidenceReference = "form-submission-123",
    };

    public ConsentRequest SharingRequest(SubjectId subject, string? recipient, RecipientKind? kind = null) => Request(subject, StandardPurposes.PartnerMarketing) with
    {
        Acts = [ProcessingAct.Disclose],
        Categories = [new DataCategory("user.contact.email")],
        Recipient = recipient is null ? null : new RecipientId(recipient),
        RecipientKind = kind,
    };

    public ConsentRenewalRequest Renewal(SubjectId subject, ConsentId consentId) => new()
    {
        Subject = subject,
        ConsentId = consentId,
        PolicyVersion = Catalog.Current.Version.Version,
        PolicyContentHash = Catalog.Current.Version.ContentHash,
        CollectionMethod = "renewal-dialog",
    };

    public async Task<List<ConsentFact>> AllFactsAsync()
    {
        var all = new List<ConsentFact>();
        await foreach (var subject in Store.GetSubjectsAsync(CancellationToken.None))
        {
            await foreach (var fact in Store.GetFactsAsync(subject, CancellationToken.None))
            {
                all.Add(fact);
            }
        }

        return all;
    }

    public async Task<List<ConsentFact>> HistoryAsync(SubjectId subject)
    {
        var list = new List<ConsentFact>();
        await foreach (var fact in Consents.GetHistoryAsync(subject, CancellationToken.None))
        {
            list.Add(fact);
        }

        return list;
    }
}
