using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Testing;
using Xunit.Sdk;

namespace Privacy.Enforcement.Tests.Stores;

/// <summary>
/// The services suite proves what it says: each of its tests passes on the in-memory stores and fails, by one of its
/// assertions, when one store is broken in the way that test is there to catch.
/// </summary>
public sealed class PrivacyServicesConformanceMetaTests
{
    // Each test of the suite and the broken store it must catch.
    private static readonly Dictionary<string, Action<IServiceCollection>> Breaks = new(StringComparer.Ordinal)
    {
        [nameof(PrivacyServicesConformanceTests.A_consent_granted_after_acceptance_permits_the_collection_it_covers)] =
            s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(new BrokenConsentStore { LosesGrants = true })),
        [nameof(PrivacyServicesConformanceTests.A_withdrawal_denies_the_next_decision)] =
            s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(new BrokenConsentStore { LosesWithdrawals = true })),
        [nameof(PrivacyServicesConformanceTests.An_objection_denies_the_use_it_objects_to)] =
            s => s.Replace(ServiceDescriptor.Singleton<IAcceptanceStore>(new AcceptanceStoreLosingObjections())),
        [nameof(PrivacyServicesConformanceTests.An_engagement_lets_its_categories_go_to_its_provider_and_no_further)] =
            s => s.Replace(ServiceDescriptor.Singleton<IEngagementStore>(new EngagementStoreLosingSubjects())),
        [nameof(PrivacyServicesConformanceTests.A_confirmed_violation_and_its_sanction_deny_the_violator)] =
            s => s.Replace(ServiceDescriptor.Singleton<IViolationStore>(new ViolationStoreLosingSanctions())),
        [nameof(PrivacyServicesConformanceTests.An_export_lists_the_subjects_records_and_its_disclosures_only)] =
            s => s.Replace(ServiceDescriptor.Singleton<IPseudonymStore>(new PseudonymStoreForgettingPseudonyms())),
        [nameof(PrivacyServicesConformanceTests.An_erasure_leaves_no_record_that_names_the_subject)] =
            s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(new BrokenConsentStore { KeepsErasedSubjects = true })),
    };

    public static TheoryData<string> Tests => [.. Breaks.Keys];

    [Fact]
    public void Every_test_of_the_suite_has_a_broken_store_it_must_catch()
    {
        var tests = typeof(PrivacyServicesConformanceTests).GetMethods()
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name);

        tests.Should().BeEquivalentTo(Breaks.Keys);
    }

    [Theory]
    [MemberData(nameof(Tests))]
    public async Task A_test_passes_on_working_stores_and_fails_on_the_broken_one(string test)
    {
        await RunAsync(new Suite(breakStore: null), test);

        var broken = () => RunAsync(new Suite(Breaks[test]), test);

        await broken.Should().ThrowAsync<XunitException>("the test's assertions must catch the broken store");
    }

    private static Task RunAsync(PrivacyServicesConformanceTests suite, string test) =>
        (Task)typeof(PrivacyServicesConformanceTests).GetMethod(test)!.Invoke(suite, null)!;

    // Not public: the test runner must not run the suite on broken stores by itself.
    private sealed class Suite(Action<IServiceCollection>? breakStore) : PrivacyServicesConformanceTests
    {
        protected override void AddStores(PrivacyEnforcementBuilder builder)
        {
            builder.UseInMemoryStores();
            breakStore?.Invoke(builder.Services);
        }
    }

    private sealed class BrokenConsentStore : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();

        public bool LosesGrants { get; init; }

        public bool LosesWithdrawals { get; init; }

        public bool KeepsErasedSubjects { get; init; }

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) =>
            Loses(fact) ? ValueTask.CompletedTask : _inner.AppendAsync(fact, cancellationToken);

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) =>
            _inner.AppendManyAsync([.. facts.Where(f => !Loses(f))], cancellationToken);

        public IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetFactsAsync(subject, cancellationToken);

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
            KeepsErasedSubjects ? ValueTask.FromResult(0) : _inner.DeleteSubjectAsync(subject, cancellationToken);

        private bool Loses(ConsentFact fact) =>
            (LosesGrants && fact.State == ConsentState.Given) || (LosesWithdrawals && fact.State == ConsentState.Withdrawn);
    }

    private sealed class AcceptanceStoreLosingObjections : IAcceptanceStore
    {
        private readonly InMemoryAcceptanceStore _inner = new();

        public ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken) => _inner.AppendAcceptanceAsync(acceptance, cancellationToken);

        public IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetAcceptancesAsync(subject, cancellationToken);

        public ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetObjectionsAsync(subject, cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }

    // Stores the engagement without the subjects it covers.
    private sealed class EngagementStoreLosingSubjects : IEngagementStore
    {
        private readonly InMemoryEngagementStore _inner = new();

        public ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken) =>
            _inner.CreateAsync(engagement with { Subjects = [] }, cancellationToken);

        public ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken) => _inner.FindAsync(id, cancellationToken);

        public ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken) => _inner.TryUpdateAsync(expected, updated, cancellationToken);

        public IAsyncEnumerable<ServiceEngagement> GetByProviderAsync(RecipientId provider, CancellationToken cancellationToken) => _inner.GetByProviderAsync(provider, cancellationToken);

        public IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetBySubjectAsync(subject, cancellationToken);

        public IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, CancellationToken cancellationToken) => _inner.GetEndedAsync(until, cancellationToken);
    }

    private sealed class ViolationStoreLosingSanctions : IViolationStore
    {
        private readonly InMemoryViolationStore _inner = new();

        public ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken) => _inner.CreateAsync(violation, cancellationToken);

        public ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken) => _inner.FindAsync(id, cancellationToken);

        public ValueTask<bool> TryUpdateAsync(Violation expected, Violation updated, CancellationToken cancellationToken) => _inner.TryUpdateAsync(expected, updated, cancellationToken);

        public IAsyncEnumerable<Violation> GetByViolatorAsync(SubjectId violator, CancellationToken cancellationToken) => _inner.GetByViolatorAsync(violator, cancellationToken);

        public ValueTask AddSanctionAsync(Sanction sanction, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetSanctionsAsync(subject, cancellationToken);
    }

    // A new pseudonym on every call: the trail's events no longer find their subject.
    private sealed class PseudonymStoreForgettingPseudonyms : IPseudonymStore
    {
        public ValueTask<string> GetOrCreateAsync(SubjectId subject, CancellationToken cancellationToken) => ValueTask.FromResult(Guid.NewGuid().ToString("N"));

        public ValueTask<string?> FindAsync(SubjectId subject, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

        public ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken) => ValueTask.FromResult(false);
    }
}
