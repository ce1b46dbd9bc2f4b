using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Storage;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>
/// A subject not in the cache is read with the consent store's one read (<see cref="ISubjectStateReader"/>) only when
/// the reader says it reads the registered stores, else with one read per kind; the one read is bounded by the state
/// load timeout like the others.
/// </summary>
public sealed class SubjectStateReaderTests
{
    private static CollectionRequest CollectPhone(SubjectId subject) =>
        new(subject, [new DataCategory(Phone)], new PurposeId(StandardPurposes.ServiceProvision));

    [Fact]
    public async Task A_reader_of_the_registered_stores_reads_a_cold_subject_in_one_read()
    {
        var store = new OneReadConsentStore(ownStores: true);
        using var fixture = Fixture(store);
        await GrantAsync(fixture);

        var decision = await fixture.DecideAsync(CollectPhone(Alice));

        decision.Outcome.Should().Be(DecisionOutcome.Permit);
        store.OneReads.Should().Be(1);
        store.FactReads.Should().Be(0, "the one read stands for the consent store's own read");
    }

    [Fact]
    public async Task A_reader_that_does_not_read_the_registered_stores_is_passed_over_for_one_read_per_kind()
    {
        var store = new OneReadConsentStore(ownStores: false);
        using var fixture = Fixture(store);
        await GrantAsync(fixture);

        var decision = await fixture.DecideAsync(CollectPhone(Alice));

        // The one read would have answered with no acceptance at all: only the registered stores' reads permit.
        decision.Outcome.Should().Be(DecisionOutcome.Permit);
        store.OneReads.Should().Be(0);
        store.FactReads.Should().Be(1);
    }

    [Fact]
    public async Task A_one_read_that_never_completes_and_ignores_the_token_is_an_indeterminate_deny_once_the_state_load_timeout_passes()
    {
        var store = new OneReadConsentStore(ownStores: true) { Deaf = true };
        using var fixture = Fixture(store);
        await GrantAsync(fixture);

        var pending = fixture.DecideAsync(CollectPhone(Alice)).AsTask();
        await store.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        pending.IsCompleted.Should().BeFalse("the timeout has not passed yet");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        // The wall-clock bound only keeps a failing run from hanging the test run; the fake clock drives the timeout.
        var decision = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
    }

    [Fact]
    public async Task A_one_read_that_answers_at_once_is_decided_on_the_callers_thread()
    {
        var store = new OneReadConsentStore(ownStores: true);
        using var fixture = Fixture(store);
        await GrantAsync(fixture);

        var pending = fixture.DecideAsync(CollectPhone(Alice));

        // No hop to another thread and no timer wait when the store completed synchronously.
        pending.IsCompleted.Should().BeTrue();
        (await pending).Outcome.Should().Be(DecisionOutcome.Permit);
        store.OneReads.Should().Be(1);
    }

    private static async Task GrantAsync(EnforcerFixture fixture)
    {
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);
        fixture.Cache.Invalidate(Alice);
    }

    private static EnforcerFixture Fixture(OneReadConsentStore store)
    {
        var fixture = new EnforcerFixture(
            auditDecisions: false,
            configure: s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(store)).Configure<PrivacyDecisionOptions>(o => o.StateLoadTimeout = TimeSpan.FromSeconds(2)));
        store.Others = fixture;
        return fixture;
    }

    /// <summary>
    /// An in-memory consent store that also reads a subject in one read: every kind from the fixture's stores, except
    /// the acceptances when it does not read them (<c>ownStores</c> false), so that using it anyway shows in the outcome.
    /// </summary>
    private sealed class OneReadConsentStore(bool ownStores) : IConsentStore, ISubjectStateReader
    {
        private readonly InMemoryConsentStore _inner = new();
        private int _oneReads;
        private int _factReads;

        public EnforcerFixture Others { get; set; } = null!;

        public bool Deaf { get; init; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int OneReads => Volatile.Read(ref _oneReads);

        public int FactReads => Volatile.Read(ref _factReads);

        public bool Reads(IAcceptanceStore acceptances, IEngagementStore engagements, IViolationStore violations) =>
            ownStores && ReferenceEquals(acceptances, Others.Acceptances) && ReferenceEquals(engagements, Others.Engagements) && ReferenceEquals(violations, Others.Violations);

        public ValueTask<SubjectRecords> ReadSubjectAsync(SubjectId subject, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _oneReads);
            Entered.TrySetResult();
            return Deaf ? NeverAsync() : ReadAsync(subject);
        }

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => _inner.AppendAsync(fact, cancellationToken);

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => _inner.AppendManyAsync(facts, cancellationToken);

        public async IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _factReads);
            await foreach (var fact in _inner.GetFactsAsync(subject, cancellationToken))
            {
                yield return fact;
            }
        }

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);

        private static async ValueTask<SubjectRecords> NeverAsync()
        {
            await new TaskCompletionSource().Task; // never completes, never observes the token
            throw new InvalidOperationException("unreachable");
        }

        // The in-memory stores answer synchronously, so the one read does too.
        private async ValueTask<SubjectRecords> ReadAsync(SubjectId subject) => new(
            await CollectAsync(_inner.GetFactsAsync(subject, CancellationToken.None)),
            ownStores ? await CollectAsync(Others.Acceptances.GetAcceptancesAsync(subject, CancellationToken.None)) : [],
            await CollectAsync(Others.Acceptances.GetObjectionsAsync(subject, CancellationToken.None)),
            await CollectAsync(Others.Engagements.GetBySubjectAsync(subject, CancellationToken.None)),
            await CollectAsync(Others.Violations.GetSanctionsAsync(subject, CancellationToken.None)));

        private static async ValueTask<List<T>> CollectAsync<T>(IAsyncEnumerable<T> items)
        {
            var list = new List<T>();
            await foreach (var item in items)
            {
                list.Add(item);
            }

            return list;
        }
    }
}
