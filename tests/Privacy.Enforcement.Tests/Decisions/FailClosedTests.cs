using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Privacy.Enforcement.InMemory;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>store.security: whatever cannot be decided is a Deny with reason Indeterminate, never an exception or a Permit.</summary>
public sealed class FailClosedTests
{
    private static UseRequest Behaviour(SubjectId subject) => new(subject, [new DataCategory(Behavior)], new PurposeId(StandardPurposes.ServiceProvision));

    [Fact]
    public async Task Store_security_a_throwing_store_is_an_indeterminate_deny()
    {
        using var fixture = new EnforcerFixture(configure: s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(new ThrowingConsentStore())));
        await fixture.AcceptAsync(Alice);

        var decision = await fixture.DecideAsync(Behaviour(Alice));

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
        decision.Clauses.Should().Contain(ClauseIds.StoreSecurity);
        decision.PermittedCategories.Should().BeEmpty();
    }

    [Fact]
    public async Task Store_security_a_cancelled_token_is_an_indeterminate_deny()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var decision = await fixture.Enforcer.DecideAsync(Behaviour(Alice), cancellation.Token);

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
    }

    [Fact]
    public async Task Store_security_a_store_that_does_not_answer_in_time_is_an_indeterminate_deny()
    {
        var hanging = new HangingConsentStore();
        using var fixture = new EnforcerFixture(configure: s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(hanging)));
        await fixture.AcceptAsync(Alice);

        var pending = fixture.DecideAsync(Behaviour(Alice)).AsTask();
        await hanging.Entered.Task;
        fixture.Time.Advance(TimeSpan.FromSeconds(6));
        var decision = await pending;

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
    }

    [Fact]
    public async Task Store_integrity_an_audit_failure_turns_a_permit_into_an_indeterminate_deny()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        (await fixture.DecideAsync(Behaviour(Alice))).Outcome.Should().Be(DecisionOutcome.Permit);

        fixture.Audit.Fail = true;
        var decision = await fixture.DecideAsync(Behaviour(Alice));

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
    }

    [Fact]
    public async Task Store_security_malformed_requests_are_indeterminate_denies()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        PrivacyRequest[] malformed =
        [
            new UseRequest(default, [new DataCategory(Behavior)], new PurposeId(StandardPurposes.ServiceProvision)),
            new UseRequest(Alice, [], new PurposeId(StandardPurposes.ServiceProvision)),
            new UseRequest(Alice, [default], new PurposeId(StandardPurposes.ServiceProvision)),
            new UseRequest(Alice, [new DataCategory(Behavior)], default),
            new DisclosureRequest(Alice, [new DataCategory(Email)], new PurposeId(StandardPurposes.ServiceProvision), default, null),
            Behaviour(Alice) with { OccursAt = Start.AddDays(1) },
        ];

        foreach (var request in malformed)
        {
            var decision = await fixture.DecideAsync(request);
            decision.Outcome.Should().Be(DecisionOutcome.Deny, because: request.ToString());
            decision.Reason.Should().Be(DecisionReason.Indeterminate, because: request.ToString());
        }
    }

    [Fact]
    public async Task Null_arguments_throw()
    {
        using var fixture = new EnforcerFixture();
        await fixture.Invoking(f => f.Enforcer.DecideAsync(null!).AsTask()).Should().ThrowAsync<ArgumentNullException>();
        await fixture.Invoking(f => f.Enforcer.DecideManyAsync(null!).AsTask()).Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task Store_security_the_default_decision_is_a_deny()
    {
        default(PrivacyDecision).Outcome.Should().Be(DecisionOutcome.Deny);
        default(PrivacyDecision).IsPermitted.Should().BeFalse();
        default(PrivacyDecision).PermittedCategories.Should().BeEmpty();
        await Task.CompletedTask;
    }

    private sealed class ThrowingConsentStore : IConsentStore
    {
        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => throw new PrivacyStoreException("down");

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => throw new PrivacyStoreException("down");

        public IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) => throw new PrivacyStoreException("down");

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => throw new PrivacyStoreException("down");

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => throw new PrivacyStoreException("down");

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => throw new PrivacyStoreException("down");
    }

    /// <summary>A consent store whose reads wait until cancelled (or released), to test timeouts and races.</summary>
    internal sealed class HangingConsentStore : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Hang { get; set; } = true;

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => _inner.AppendAsync(fact, cancellationToken);

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => _inner.AppendManyAsync(facts, cancellationToken);

        public async IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (Hang)
            {
                Entered.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }

            await foreach (var fact in _inner.GetFactsAsync(subject, cancellationToken))
            {
                yield return fact;
            }
        }

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }
}
