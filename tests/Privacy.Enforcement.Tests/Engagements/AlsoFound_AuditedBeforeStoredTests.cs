using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.InMemory;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

namespace Privacy.Enforcement.Tests.Engagements;

/// <summary>
/// New records are audited before they are stored (no effect without an event). When the store then refuses the
/// write, a compensating "…aborted" event with the same record id follows, so the trail holds no event for a record
/// that does not exist; when the trail refuses the event, nothing is stored.
/// </summary>
public sealed class AlsoFound_AuditedBeforeStoredTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AlsoFound_Engage_StoreFails_ACompensatingEventFollows_NoOrphan()
    {
        var store = new FailingEngagementStore();
        await using var host = new EngagementTestHost(configure: s => s.AddSingleton<IEngagementStore>(store));
        store.FailCreate = true;

        var act = async () => await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        await act.Should().ThrowAsync<PrivacyStoreException>();
        (await host.AllEngagementsAsync()).Should().BeEmpty();
        host.Audit.Events.Select(e => e.Action).Should().Equal("engagement.created", "engagement.created.aborted");
        var (created, aborted) = (host.Audit.Events[0], host.Audit.Events[1]);
        aborted.RecordId.Should().Be(created.RecordId).And.NotBeNullOrEmpty();
        aborted.Kind.Should().Be(created.Kind);
        aborted.ClauseIds.Should().Equal(created.ClauseIds);
    }

    [Fact]
    public async Task AlsoFound_Engage_AuditFails_NothingIsStored()
    {
        var store = new FailingEngagementStore();
        await using var host = new EngagementTestHost(configure: s => s.AddSingleton<IEngagementStore>(store));
        host.Audit.FailWith = new AuditUnavailableException("down");

        var act = async () => await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        await act.Should().ThrowAsync<AuditUnavailableException>();
        store.Creates.Should().Be(0);
        (await host.AllEngagementsAsync()).Should().BeEmpty();
        host.Audit.Events.Should().BeEmpty();
    }

    /// <summary>An in-memory engagement store whose writes can be made to fail, as a broken database would.</summary>
    internal sealed class FailingEngagementStore : IEngagementStore
    {
        private readonly InMemoryEngagementStore _inner = new();

        public bool FailCreate { get; set; }

        public int Creates { get; private set; }

        public ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
        {
            Creates++;
            return FailCreate ? ValueTask.FromException(new PrivacyStoreException("The store is down.")) : _inner.CreateAsync(engagement, cancellationToken);
        }

        public ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken) => _inner.FindAsync(id, cancellationToken);

        public ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken) => _inner.TryUpdateAsync(expected, updated, cancellationToken);

        public IAsyncEnumerable<ServiceEngagement> GetByProviderAsync(RecipientId provider, CancellationToken cancellationToken) => _inner.GetByProviderAsync(provider, cancellationToken);

        public IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetBySubjectAsync(subject, cancellationToken);

        public IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, CancellationToken cancellationToken) => _inner.GetEndedAsync(until, cancellationToken);
    }
}
