using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Tests.Auditing;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>
/// An instance's change feed subscribes in the background. A state loaded before the subscription is in place may
/// miss a change another instance announced meanwhile (the announcement reached no one), so it must not be served
/// from the cache: until the feed has said anything, every decision reads the stores.
/// </summary>
public sealed class FollowUp01_LateSubscriptionTests
{
    private static readonly TimeSpan ListenerPause = TimeSpan.FromSeconds(1);

    private static CollectionRequest CollectPhone => new(Alice, [new DataCategory(Phone)], new PurposeId(StandardPurposes.ServiceProvision));

    [Fact]
    public async Task FollowUp01_A_change_announced_before_the_feed_subscribed_is_not_missed_by_the_next_decision()
    {
        var feed = new LateFeed();
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.AddSingleton<IPrivacyChangeFeed>(feed));
        await fixture.AcceptAsync(Alice);
        var consent = await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Phone], [ProcessingAct.Collect]);
        await feed.Listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Loaded while the feed is not yet subscribed.
        (await fixture.DecideAsync(CollectPhone)).Outcome.Should().Be(DecisionOutcome.Permit);

        // Another instance withdraws: the store holds it, its announcement reaches no one (no subscription yet).
        await fixture.Consents.AppendAsync(new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = consent,
            Subject = Alice,
            State = ConsentState.Withdrawn,
            RecordedAt = fixture.Now,
            Policy = fixture.Catalog.Current.Version,
        }, CancellationToken.None);
        await feed.PublishAsync(Alice, CancellationToken.None);
        feed.Subscribe();

        var decision = await fixture.DecideAsync(CollectPhone);
        decision.Outcome.Should().Be(DecisionOutcome.Deny, "the state loaded before the feed subscribed must not be served");
        decision.Reason.Should().Be(DecisionReason.ConsentWithdrawn);
    }

    [Fact]
    public async Task FollowUp01_Nothing_is_cached_until_the_feed_first_speaks_then_states_are_cached_again()
    {
        var feed = new LateFeed();
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.AddSingleton<IPrivacyChangeFeed>(feed));
        var cache = fixture.Services.GetRequiredService<SubjectStateCache>();
        var policy = ((PrivacyEnforcer)fixture.Enforcer).CurrentPolicy;
        await fixture.AcceptAsync(Alice);
        await feed.Listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await fixture.DecideAsync(CollectPhone);
        cache.TryGet(Alice, policy, out _).Should().BeFalse("no state is kept while the feed is not known to be subscribed");

        // A feed says it is subscribed by announcing anything, at the latest "everything may have changed".
        feed.Subscribe();
        await feed.AnnounceAsync(SubjectChange.Everything);
        (await CachedOnceHeardAsync(fixture, cache, policy)).Should().BeTrue("once the feed is heard, states are cached");
    }

    [Fact]
    public async Task FollowUp01_A_feed_that_fails_stops_caching_until_it_is_heard_again()
    {
        var feed = new LateFeed();
        var time = new TimerWatchingTimeProvider(Start);
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.AddSingleton<IPrivacyChangeFeed>(feed), time: time);
        var cache = fixture.Services.GetRequiredService<SubjectStateCache>();
        var policy = ((PrivacyEnforcer)fixture.Enforcer).CurrentPolicy;
        await fixture.AcceptAsync(Alice);
        await feed.Listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        feed.Subscribe();
        await feed.AnnounceAsync(SubjectChange.Everything);
        (await CachedOnceHeardAsync(fixture, cache, policy)).Should().BeTrue();

        // The listener drops what it holds, then arms its one-second pause before it listens again.
        var pausesBefore = time.Armed(ListenerPause);
        feed.Fail();
        await time.WhenArmed(ListenerPause, pausesBefore + 1).WaitAsync(TimeSpan.FromSeconds(30));

        cache.TryGet(Alice, policy, out _).Should().BeFalse("a failed feed may have missed changes");
        await fixture.DecideAsync(CollectPhone);
        cache.TryGet(Alice, policy, out _).Should().BeFalse("nothing is kept while the feed is down");
    }

    [Fact]
    public async Task FollowUp01_A_feed_that_says_it_was_interrupted_stops_caching_at_once_until_it_speaks_again()
    {
        var feed = new LateFeed();
        using var fixture = new EnforcerFixture(auditDecisions: false, configure: s => s.AddSingleton<IPrivacyChangeFeed>(feed));
        var cache = fixture.Services.GetRequiredService<SubjectStateCache>();
        var policy = ((PrivacyEnforcer)fixture.Enforcer).CurrentPolicy;
        await fixture.AcceptAsync(Alice);
        await feed.Listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        feed.Subscribe();
        await feed.AnnounceAsync(SubjectChange.Everything);
        (await CachedOnceHeardAsync(fixture, cache, policy)).Should().BeTrue();

        // The connection dropped: the feed says so before it reconnects (it keeps its subscription loop itself).
        await feed.AnnounceAsync(SubjectChange.Interrupted);
        cache.TryGet(Alice, policy, out _).Should().BeFalse("changes made elsewhere go unheard while the feed is interrupted");
        await fixture.DecideAsync(CollectPhone);
        cache.TryGet(Alice, policy, out _).Should().BeFalse("nothing loaded is kept until the feed speaks again");

        await feed.AnnounceAsync(SubjectChange.Everything);
        (await CachedOnceHeardAsync(fixture, cache, policy)).Should().BeTrue("once the feed is back, states are cached again");
    }

    /// <summary>Decides once and says whether the state was kept (the feed's announcements are handled when announced).</summary>
    private static async Task<bool> CachedOnceHeardAsync(EnforcerFixture fixture, SubjectStateCache cache, CompiledPolicy policy)
    {
        await fixture.DecideAsync(CollectPhone);
        return cache.TryGet(Alice, policy, out _);
    }

    /// <summary>
    /// A feed whose subscription comes in only when the test says so; announcements before that reach no one, as
    /// NOTIFY before LISTEN does. Announcements are not echoed to the announcing instance.
    /// </summary>
    private sealed class LateFeed : IPrivacyChangeFeed
    {
        private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<SubjectChange> _changes = Channel.CreateUnbounded<SubjectChange>();
        private readonly SemaphoreSlim _handled = new(0);

        public TaskCompletionSource Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Subscribe() => _subscribed.TrySetResult();

        public void Fail() => _changes.Writer.TryComplete(new InvalidOperationException("The feed's connection was lost."));

        public ValueTask PublishAsync(SubjectId subject, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        /// <summary>Announces a change and completes once the listener has handled it (it asks for the next one only after that).</summary>
        public async Task AnnounceAsync(SubjectChange change)
        {
            await _changes.Writer.WriteAsync(change);
            (await _handled.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the listener handles each change it reads");
        }

        public async IAsyncEnumerable<SubjectId> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var change in ListenForChangesAsync(cancellationToken))
            {
                yield return change.Subject;
            }
        }

        public async IAsyncEnumerable<SubjectChange> ListenForChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Listening.TrySetResult();
            await _subscribed.Task.WaitAsync(cancellationToken);
            await foreach (var change in _changes.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
                _handled.Release();
            }
        }
    }
}
