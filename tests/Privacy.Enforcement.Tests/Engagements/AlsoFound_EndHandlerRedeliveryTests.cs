using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

namespace Privacy.Enforcement.Tests.Engagements;

/// <summary>
/// An engagement-end handler that fails is told again, with back-off on the library's clock, until every handler
/// takes the obligation (at least once); the state of the delivery is stored with the engagement, so a restarted
/// host picks up a delivery the previous one could not make (<c>use.third-party.service-end</c>).
/// </summary>
public sealed class AlsoFound_EndHandlerRedeliveryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AlsoFound_FailingHandler_IsCalledAgainWithBackOff_UntilItAcknowledges()
    {
        await using var host = new EngagementTestHost();
        var options = new EngagementOptions();
        host.Handler.FailWith = new InvalidOperationException("host handler broke");
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        await using var monitor = await Probe.StartAsync(host);
        await monitor.NextSleepAsync();

        host.Time.Advance(TimeSpan.FromHours(1));
        (await host.Handler.WaitAsync()).Should().BeTrue("the end is delivered at once");
        await monitor.NextSleepAsync();

        // Not before the back-off: the handler is not hammered.
        host.Time.Advance(options.HandlerRetryDelay - TimeSpan.FromTicks(1));
        host.Handler.Obligations.Should().ContainSingle();

        host.Time.Advance(TimeSpan.FromTicks(1));
        (await host.Handler.WaitAsync()).Should().BeTrue("the failed delivery is made again after the first back-off");
        await monitor.NextSleepAsync();

        // The back-off grows: the next attempt waits twice as long.
        host.Handler.FailWith = null;
        host.Time.Advance(options.HandlerRetryDelay);
        host.Handler.Obligations.Should().HaveCount(2);
        host.Time.Advance(options.HandlerRetryDelay);
        (await host.Handler.WaitAsync()).Should().BeTrue();
        await monitor.NextSleepAsync();
        host.Handler.Obligations.Should().HaveCount(3).And.OnlyContain(o => o.Engagement == engagement.Id);
        (await host.EngagementStore.FindAsync(engagement.Id, None))!.ObligationDeliveredAt.Should().Be(host.Time.GetUtcNow());

        // Acknowledged: never delivered again, and the obligation stays pending until the provider confirms.
        host.Time.Advance(TimeSpan.FromDays(2));
        await monitor.NextSleepAsync();
        host.Handler.Obligations.Should().HaveCount(3);
        (await host.Engagements.GetPendingObligationsAsync(None).ToListAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task AlsoFound_FailedDelivery_IsPickedUpByANewServiceProviderOnTheSameStore()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = new InMemoryEngagementStore();
        EngagementId id;
        await using (var before = new EngagementTestHost(time, store))
        {
            before.Handler.FailWith = new InvalidOperationException("host handler broke");
            id = (await before.Engagements.EngageAsync(before.MailerForAlice(), None)).Id;
            time.Advance(TimeSpan.FromHours(1));
            (await before.Engagements.EmitEndedObligationsAsync(None)).Should().Be(1);
            before.Handler.Obligations.Should().ContainSingle();
        }

        // The process restarts; its handler works now.
        await using var after = new EngagementTestHost(time, store);
        await using var monitor = await Probe.StartAsync(after);
        await monitor.NextSleepAsync();
        after.Handler.Obligations.Should().BeEmpty("the back-off of the failed attempt still runs");

        time.Advance(new EngagementOptions().HandlerRetryDelay);
        (await after.Handler.WaitAsync()).Should().BeTrue();
        after.Handler.Obligations.Should().ContainSingle().Which.Engagement.Should().Be(id);
        await monitor.NextSleepAsync();
        (await store.FindAsync(id, None))!.ObligationDeliveredAt.Should().NotBeNull();
    }

    private sealed class Probe : IAsyncDisposable
    {
        private readonly EngagementEndMonitor _monitor;
        private readonly Channel<DateTimeOffset?> _sleeps = Channel.CreateUnbounded<DateTimeOffset?>();

        private Probe(EngagementEndMonitor monitor)
        {
            _monitor = monitor;
            _monitor.Sleeping = next => _sleeps.Writer.TryWrite(next);
        }

        public static async Task<Probe> StartAsync(EngagementTestHost host)
        {
            var probe = new Probe(host.Monitor);
            await probe._monitor.StartAsync(None);
            return probe;
        }

        public async Task<DateTimeOffset?> NextSleepAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await _sleeps.Reader.ReadAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync() => await _monitor.StopAsync(None);
    }
}
