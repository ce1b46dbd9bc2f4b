using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

public sealed class SubjectStateCacheTests
{
    private static CollectionRequest CollectPhone => new(Alice, [new DataCategory(Phone)], new PurposeId(StandardPurposes.ServiceProvision));

    [Fact]
    public async Task Collect_consent_a_withdrawal_is_honoured_by_the_very_next_decision()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false);
        await fixture.AcceptAsync(Alice);
        var consent = await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);
        (await fixture.DecideAsync(CollectPhone)).Outcome.Should().Be(DecisionOutcome.Permit);
        (await fixture.DecideAsync(CollectPhone)).Outcome.Should().Be(DecisionOutcome.Permit, "the cached state answers the second time");

        await fixture.AppendAsync(Alice, consent, ConsentState.Withdrawn, fixture.Now);

        var decision = await fixture.DecideAsync(CollectPhone);
        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.ConsentWithdrawn);
    }

    [Fact]
    public async Task Cached_decisions_equal_decisions_from_the_stores()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false);
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect], expiresAt: Start.AddHours(1));
        var first = await fixture.DecideAsync(CollectPhone);
        var cached = await fixture.DecideAsync(CollectPhone);
        cached.Should().Be(first);

        fixture.Time.Advance(TimeSpan.FromHours(2));
        var expired = await fixture.DecideAsync(CollectPhone);
        expired.Reason.Should().Be(DecisionReason.ConsentExpired, "an expiry needs no fact and no invalidation");
    }

    [Fact]
    public async Task The_cache_keeps_at_most_the_configured_number_of_subjects_and_reloads_the_dropped_ones()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.Configure<PrivacyDecisionOptions>(o => o.MaxCachedSubjects = 32));
        var cache = fixture.Services.GetRequiredService<SubjectStateCache>();
        var subjects = Enumerable.Range(0, 200).Select(i => new SubjectId("subject-" + i)).ToArray();
        foreach (var subject in subjects)
        {
            await fixture.AcceptAsync(subject);
            await fixture.ConsentAsync(subject, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);
            (await fixture.DecideAsync(new CollectionRequest(subject, [new DataCategory(Phone)], new PurposeId(StandardPurposes.ServiceProvision)))).Outcome
                .Should().Be(DecisionOutcome.Permit);
            cache.Count.Should().BeLessThanOrEqualTo(32);
        }

        // A dropped subject is read again from the stores, with the same answer.
        foreach (var subject in subjects)
        {
            (await fixture.DecideAsync(new CollectionRequest(subject, [new DataCategory(Phone)], new PurposeId(StandardPurposes.ServiceProvision)))).Outcome
                .Should().Be(DecisionOutcome.Permit);
        }

        cache.Count.Should().BeLessThanOrEqualTo(32);
    }

    [Fact]
    public void Folded_open_ended_consents_answer_exactly_as_the_span_scan_does()
    {
        // Random spans (open and closed, refusals, acts, recipients, future starts): the folded groups may only
        // shortcut the scan, never change its answer.
        var random = new Random(7);
        for (var round = 0; round < 2000; round++)
        {
            var spans = new ConsentSpan[random.Next(0, 9)];
            for (var i = 0; i < spans.Length; i++)
            {
                spans[i] = new ConsentSpan
                {
                    Start = random.Next(0, 100),
                    End = random.Next(3) == 0 ? random.Next(50, 150) : SubjectSnapshot.Never,
                    Purposes = 1UL << random.Next(3),
                    Categories = Bits128.Empty.With(random.Next(4)).With(random.Next(4)),
                    Acts = random.Next(3) switch { 0 => 0, 1 => 1 << (int)ProcessingAct.Collect, _ => 1 << (int)ProcessingAct.Use },
                    Recipient = random.Next(4) == 0 ? "partner-a" : null,
                    Kind = -1,
                    Refusal = random.Next(5) == 0,
                };
            }

            var folded = new SubjectSnapshot { Policy = null!, Consents = spans };
            var needed = Bits128.Empty.With(random.Next(4)).With(random.Next(4));
            var purpose = random.Next(3);
            var acts = random.Next(2) == 0 ? 1 << (int)ProcessingAct.Collect : 1 << (int)ProcessingAct.Use;
            var at = random.Next(0, 200);
            folded.Covered(needed, purpose, acts, RecipientFilter.Any, at).Should().Be(ScanCovered(spans, needed, purpose, acts, at), $"round {round}");
        }
    }

    private static Bits128 ScanCovered(ConsentSpan[] spans, Bits128 needed, int purpose, int acts, long at)
    {
        var covered = Bits128.Empty;
        foreach (var span in spans)
        {
            if (!span.Refusal && span.Start <= at && at < span.End && (span.Purposes & (1UL << purpose)) != 0 && (span.Acts == 0 || (span.Acts & acts) != 0))
            {
                covered |= span.Categories;
            }
        }

        return covered & needed;
    }

    [Fact]
    public async Task A_load_that_began_before_an_invalidation_does_not_cache_its_stale_state()
    {
        var store = new FailClosedTests.HangingConsentStore();
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.Replace(ServiceDescriptor.Singleton<IConsentStore>(store)));
        var cache = fixture.Services.GetRequiredService<SubjectStateCache>();
        await fixture.AcceptAsync(Alice);

        var pending = fixture.DecideAsync(CollectPhone).AsTask();
        await store.Entered.Task;
        fixture.Cache.Invalidate(Alice);
        store.Release.SetResult();
        await pending;

        cache.TryGet(Alice, ((PrivacyEnforcer)fixture.Enforcer).CurrentPolicy, out _).Should().BeFalse();
        store.Hang = false;
        await fixture.DecideAsync(CollectPhone);
        cache.TryGet(Alice, ((PrivacyEnforcer)fixture.Enforcer).CurrentPolicy, out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_remote_change_announced_on_the_change_feed_invalidates_the_subject()
    {
        var feed = new ChannelChangeFeed();
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.AddSingleton<IPrivacyChangeFeed>(feed));
        var cache = fixture.Services.GetRequiredService<SubjectStateCache>();
        cache.Listener.Should().NotBeNull("the enforcer listens when a change feed is registered");
        await fixture.AcceptAsync(Alice);

        // The feed says it is subscribed (anything it yields); until the listener hears it, nothing is cached.
        await feed.Changes.Writer.WriteAsync(default);
        await feed.HandledAsync();
        var policy = ((PrivacyEnforcer)fixture.Enforcer).CurrentPolicy;
        await fixture.DecideAsync(CollectPhone);

        cache.TryGet(Alice, policy, out _).Should().BeTrue();

        await feed.Changes.Writer.WriteAsync(Alice);
        await feed.HandledAsync();

        cache.TryGet(Alice, policy, out _).Should().BeFalse();
    }

    [Fact]
    public async Task Changes_replace_a_new_version_recompiles_and_drops_cached_state()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false);
        await fixture.AcceptAsync(Alice);
        (await fixture.DecideAsync(CollectPhone)).PolicyVersion!.Version.Should().Be(new Version(1, 0));

        fixture.Catalog.Publish(CreatePolicy("2.0"));

        var decision = await fixture.DecideAsync(CollectPhone);
        decision.PolicyVersion!.Version.Should().Be(new Version(2, 0));
        decision.Reason.Should().Be(DecisionReason.AcceptanceRequired);
    }

    [Fact]
    public async Task Decide_many_decides_each_request()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Email], [ProcessingAct.Collect]);
        PrivacyRequest[] requests =
        [
            new CollectionRequest(Alice, [new DataCategory(Email)], new PurposeId(StandardPurposes.ServiceProvision)),
            CollectPhone,
            new UseRequest(Alice, [new DataCategory(SearchKeywords)], new PurposeId(StandardPurposes.ServiceProvision)),
        ];

        var decisions = await fixture.Enforcer.DecideManyAsync(requests);

        decisions.Select(d => d.Outcome).Should().Equal(DecisionOutcome.Permit, DecisionOutcome.Deny, DecisionOutcome.NotApplicable);
        fixture.Audit.Events.Should().HaveCount(3);
    }

    [Fact]
    public async Task Decide_many_puts_every_event_of_the_batch_to_the_trail_before_waiting_for_any()
    {
        var trail = new GatedAuditTrail(expected: 20);
        using var fixture = new EnforcerFixture(configure: s => s.Replace(ServiceDescriptor.Singleton<IAuditTrail>(trail)));
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);
        var requests = Enumerable.Range(0, 20).Select(_ => (PrivacyRequest)CollectPhone).ToArray();

        var pending = fixture.Enforcer.DecideManyAsync(requests).AsTask();

        // The trail holds every event back until all twenty are waiting: one at a time, this would never complete.
        await trail.AllWaiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        pending.IsCompleted.Should().BeFalse("no decision returns before its event is durable");
        trail.Release.SetResult();
        var decisions = await pending;
        decisions.Should().HaveCount(20).And.OnlyContain(d => d.Outcome == DecisionOutcome.Permit);
    }

    private sealed class GatedAuditTrail(int expected) : IAuditTrail
    {
        private int _waiting;

        public TaskCompletionSource AllWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _waiting) == expected)
            {
                AllWaiting.SetResult();
            }

            await Release.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class ChannelChangeFeed : IPrivacyChangeFeed
    {
        private readonly SemaphoreSlim _handled = new(0);

        public Channel<SubjectId> Changes { get; } = Channel.CreateUnbounded<SubjectId>();

        /// <summary>Completes once the listener has handled the next change: it asks for another only after handling one.</summary>
        public Task HandledAsync() => _handled.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(t => t.Result.Should().BeTrue("the listener handles each change it reads"), TaskScheduler.Default);

        public ValueTask PublishAsync(SubjectId subject, CancellationToken cancellationToken) => Changes.Writer.WriteAsync(subject, cancellationToken);

        public async IAsyncEnumerable<SubjectId> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var subject in Changes.Reader.ReadAllAsync(cancellationToken))
            {
                yield return subject;
                _handled.Release();
            }
        }
    }
}
