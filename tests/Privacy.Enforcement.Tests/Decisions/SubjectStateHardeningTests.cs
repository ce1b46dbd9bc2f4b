using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>store.security: the subject state a decision reads is bounded in time, current, and the subject's own.</summary>
public sealed class SubjectStateHardeningTests
{
    private static CollectionRequest CollectPhone(SubjectId subject) =>
        new(subject, [new DataCategory(Phone)], new PurposeId(StandardPurposes.ServiceProvision));

    [Fact]
    public async Task Finding05_a_store_that_never_completes_and_ignores_the_token_is_an_indeterminate_deny_once_the_state_load_timeout_passes()
    {
        var store = new DeafConsentStore();
        using var fixture = new EnforcerFixture(
            auditDecisions: false,
            configure: s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(store)).Configure<PrivacyDecisionOptions>(o => o.StateLoadTimeout = TimeSpan.FromSeconds(2)));
        await fixture.AcceptAsync(Alice);

        var pending = fixture.DecideAsync(CollectPhone(Alice)).AsTask();
        await store.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        pending.IsCompleted.Should().BeFalse("the timeout has not passed yet");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        // The wall-clock bound only keeps a failing run from hanging the test run; the fake clock drives the timeout.
        var decision = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
        decision.PermittedCategories.Should().BeEmpty();
    }

    [Fact]
    public async Task Finding05_a_pseudonym_store_that_never_completes_is_an_indeterminate_deny_once_the_state_load_timeout_passes()
    {
        var pseudonyms = new DeafPseudonymStore();
        using var fixture = new EnforcerFixture(
            auditDecisions: true,
            configure: s => s.Replace(ServiceDescriptor.Singleton<IPseudonymStore>(pseudonyms)).Configure<PrivacyDecisionOptions>(o => o.StateLoadTimeout = TimeSpan.FromSeconds(2)));
        await fixture.AcceptAsync(Alice);

        var pending = fixture.DecideAsync(CollectPhone(Alice)).AsTask();
        await pseudonyms.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var decision = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
    }

    [Fact]
    public async Task Finding06_no_permit_after_an_acknowledged_withdrawal_with_audit_off_slow_stores_and_a_small_cache()
    {
        const int SubjectCount = 600;
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddPrivacyEnforcement().UseInMemoryStores().ConfigureDecisions(o =>
        {
            o.AuditDecisions = false;
            o.MaxCachedSubjects = 8;
        });
        services.Replace(ServiceDescriptor.Singleton<IConsentStore>(new LateConsentStore()));
        await using var provider = services.BuildServiceProvider();
        var enforcer = provider.GetRequiredService<IPrivacyEnforcer>();
        var consents = provider.GetRequiredService<IConsentService>();
        var acceptance = provider.GetRequiredService<IPolicyAcceptanceService>();
        var version = provider.GetRequiredService<IPolicyProvider>().Current.Version;

        var subjects = Enumerable.Range(0, SubjectCount).Select(i => new SubjectId("subject-" + i)).ToArray();
        var live = new ConsentId[SubjectCount];
        for (var i = 0; i < SubjectCount; i++)
        {
            await acceptance.AcceptAsync(subjects[i], version.Version, version.ContentHash, "sign-in", default);
            live[i] = (await consents.GrantAsync(new ConsentRequest
            {
                Subject = subjects[i],
                PolicyVersion = version.Version,
                PolicyContentHash = version.ContentHash,
                Purposes = [new PurposeId(StandardPurposes.ServiceProvision)],
                Categories = [new DataCategory(Phone)],
                Acts = [ProcessingAct.Collect],
                CollectionMethod = "sign-up-form",
            }, default)).ConsentId;
        }

        var cache = provider.GetRequiredService<SubjectStateCache>();
        var policy = ((PrivacyEnforcer)enforcer).CurrentPolicy;
        var acknowledged = new int[SubjectCount];
        var current = 0;
        var violations = 0;
        var decisions = 0;
        var stop = 0;
        var late = new System.Collections.Concurrent.ConcurrentBag<Task>();

        // Deciders on their own threads ask about the subject being withdrawn whenever its state is cached (the hot
        // path); a decision that has to load is checked when it completes.
        void Check(bool acknowledgedBefore, PrivacyDecision decision)
        {
            Interlocked.Increment(ref decisions);
            if (decision.Outcome == DecisionOutcome.Permit && acknowledgedBefore)
            {
                Interlocked.Increment(ref violations);
            }
        }

        var deciders = Enumerable.Range(0, 3).Select(d => Task.Factory.StartNew(
            () =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    var s = Volatile.Read(ref current);
                    var acknowledgedBefore = Volatile.Read(ref acknowledged[s]) == 1;
                    if (!cache.TryGet(subjects[s], policy, out _))
                    {
                        Thread.SpinWait(20);
                        continue;
                    }

                    var pending = enforcer.DecideAsync(CollectPhone(subjects[s]));
                    if (pending.IsCompleted)
                    {
                        Check(acknowledgedBefore, pending.Result);
                    }
                    else
                    {
                        late.Add(pending.AsTask().ContinueWith(t => Check(acknowledgedBefore, t.Result), TaskScheduler.Default));
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        // A few seconds at most: for each subject, decisions start loading (and read the consent as live), then the
        // withdrawal is made and acknowledged while their answers are still travelling back.
        var clock = Stopwatch.StartNew();
        var withdrawn = 0;
        for (var s = 0; s < SubjectCount && clock.Elapsed < TimeSpan.FromSeconds(4); s++)
        {
            Volatile.Write(ref current, s);
            var loading = Enumerable.Range(0, 8).Select(_ => enforcer.DecideAsync(CollectPhone(subjects[s])).AsTask()).ToArray();
            await consents.WithdrawAsync(subjects[s], live[s], default);
            Volatile.Write(ref acknowledged[s], 1);
            withdrawn++;
            await Task.WhenAll(loading);
            await Task.Delay(TimeSpan.FromMilliseconds(1), CancellationToken.None); // let the deciders see what the loads left
        }

        Volatile.Write(ref stop, 1);
        await Task.WhenAll(deciders);
        await Task.WhenAll(late);

        withdrawn.Should().BeGreaterThan(50);
        violations.Should().Be(0, "no decision that starts after WithdrawAsync returned may permit ({0} withdrawals, {1} decisions)", withdrawn, decisions);
    }

    [Fact]
    public async Task A_snapshot_loaded_before_an_invalidation_is_never_served_after_it()
    {
        var store = new FactsGate();
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(store)));
        var cache = fixture.Services.GetRequiredService<SubjectStateCache>();
        await fixture.AcceptAsync(Alice);
        var consent = await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);
        var policy = ((PrivacyEnforcer)fixture.Enforcer).CurrentPolicy;

        // A load reads the facts, then the withdrawal lands and invalidates, then the load publishes what it read.
        store.Hold = true;
        var load = cache.LoadAsync(Alice, policy, default).AsTask();
        await store.Read.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await fixture.AppendAsync(Alice, consent, ConsentState.Withdrawn, fixture.Now);
        store.Hold = false;
        store.Release.TrySetResult();
        (await load.WaitAsync(TimeSpan.FromSeconds(10))).Consents.Should().ContainSingle().Which.End.Should().Be(SubjectSnapshot.Never, "the load read before the withdrawal");

        cache.TryGet(Alice, policy, out _).Should().BeFalse("a snapshot read before an invalidation must not be served after it");
        (await fixture.DecideAsync(CollectPhone(Alice))).Reason.Should().Be(DecisionReason.ConsentWithdrawn);
    }

    [Fact]
    public async Task Finding12_consent_facts_of_another_subject_are_a_store_fault_and_an_indeterminate_deny()
    {
        var store = new CrossTalkConsentStore(Bob);
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(store)));
        await fixture.AcceptAsync(Alice);
        await fixture.AcceptAsync(Bob);
        await fixture.ConsentAsync(Bob, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);

        (await fixture.DecideAsync(CollectPhone(Bob))).Outcome.Should().Be(DecisionOutcome.Permit, "Bob's own consent");
        var decision = await fixture.DecideAsync(CollectPhone(Alice));

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate, "Bob's consent must never permit collecting from Alice");
        decision.PermittedCategories.Should().BeEmpty();
    }

    [Fact]
    public async Task Finding12_an_acceptance_of_another_subject_is_a_store_fault_and_an_indeterminate_deny()
    {
        var store = new CrossTalkAcceptanceStore(Bob);
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.Replace(ServiceDescriptor.Singleton<IAcceptanceStore>(store)));
        await fixture.AcceptAsync(Bob);
        await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);

        var decision = await fixture.DecideAsync(CollectPhone(Alice));

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate, "Bob's acceptance of the policy is not Alice's");
    }

    /// <summary>A consent store whose reads never complete and never look at their token.</summary>
    private sealed class DeafConsentStore : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => _inner.AppendAsync(fact, cancellationToken);

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => _inner.AppendManyAsync(facts, cancellationToken);

        public async IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await new TaskCompletionSource().Task; // never completes, never observes the token
            yield break;
        }

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }

    /// <summary>A pseudonym store that never answers and never looks at its token.</summary>
    private sealed class DeafPseudonymStore : IPseudonymStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<string> GetOrCreateAsync(SubjectId subject, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await new TaskCompletionSource().Task;
            return "never";
        }

        public ValueTask<string?> FindAsync(SubjectId subject, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

        public ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken) => ValueTask.FromResult(false);
    }

    /// <summary>A consent store that reads the facts at once and hands them over a little later, like a remote store.</summary>
    private sealed class LateConsentStore : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => _inner.AppendAsync(fact, cancellationToken);

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => _inner.AppendManyAsync(facts, cancellationToken);

        public async IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var facts = new List<ConsentFact>();
            await foreach (var fact in _inner.GetFactsAsync(subject, cancellationToken))
            {
                facts.Add(fact);
            }

            // The answer travels back for 2 ms (simulated network latency, not a wait for the test's logic): a
            // withdrawal may land and be acknowledged meanwhile.
            await Task.Delay(TimeSpan.FromMilliseconds(2), CancellationToken.None);

            foreach (var fact in facts)
            {
                yield return fact;
            }
        }

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }

    /// <summary>A consent store that, when told to, reads the facts and then waits before handing them over.</summary>
    private sealed class FactsGate : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();

        public bool Hold { get; set; }

        public TaskCompletionSource Read { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => _inner.AppendAsync(fact, cancellationToken);

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => _inner.AppendManyAsync(facts, cancellationToken);

        public async IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var facts = new List<ConsentFact>();
            await foreach (var fact in _inner.GetFactsAsync(subject, cancellationToken))
            {
                facts.Add(fact);
            }

            if (Hold)
            {
                Read.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            foreach (var fact in facts)
            {
                yield return fact;
            }
        }

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }

    /// <summary>A broken consent store that answers every subject's read with another subject's facts too.</summary>
    private sealed class CrossTalkConsentStore(SubjectId other) : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => _inner.AppendAsync(fact, cancellationToken);

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => _inner.AppendManyAsync(facts, cancellationToken);

        public async IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var fact in _inner.GetFactsAsync(subject, cancellationToken))
            {
                yield return fact;
            }

            if (subject != other)
            {
                await foreach (var fact in _inner.GetFactsAsync(other, cancellationToken))
                {
                    yield return fact;
                }
            }
        }

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }

    /// <summary>A broken acceptance store that answers every subject's read with another subject's acceptances too.</summary>
    private sealed class CrossTalkAcceptanceStore(SubjectId other) : IAcceptanceStore
    {
        private readonly InMemoryAcceptanceStore _inner = new();

        public ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken) => _inner.AppendAcceptanceAsync(acceptance, cancellationToken);

        public async IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var acceptance in _inner.GetAcceptancesAsync(subject, cancellationToken))
            {
                yield return acceptance;
            }

            if (subject != other)
            {
                await foreach (var acceptance in _inner.GetAcceptancesAsync(other, cancellationToken))
                {
                    yield return acceptance;
                }
            }
        }

        public ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken) => _inner.AppendObjectionAsync(objection, cancellationToken);

        public IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetObjectionsAsync(subject, cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }
}
