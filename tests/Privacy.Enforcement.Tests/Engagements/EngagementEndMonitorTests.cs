using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

namespace Privacy.Enforcement.Tests.Engagements;

public sealed class EngagementEndMonitorTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task UseThirdPartyServiceEnd_Monitor_EmitsAtTheEndTimeOnTheClock_NotBefore()
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        await using var monitor = await MonitorProbe.StartAsync(host);
        (await monitor.NextSleepAsync()).Should().Be(engagement.EndsAt);

        host.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        host.Handler.Obligations.Should().BeEmpty();

        host.Time.Advance(TimeSpan.FromTicks(1));
        (await host.Handler.WaitAsync()).Should().BeTrue();
        (await monitor.NextSleepAsync()).Should().BeNull();

        host.Handler.Obligations.Should().ContainSingle().Which.Engagement.Should().Be(engagement.Id);
        (await host.EngagementStore.FindAsync(engagement.Id, None))!.ObligationEmittedAt.Should().Be(Epoch.AddHours(1));
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_Monitor_SecondPassAndRestart_DoNotEmitAgain()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = new InMemoryEngagementStore();
        await using (var first = new EngagementTestHost(time, store))
        {
            await first.Engagements.EngageAsync(first.MailerForAlice(), None);
            await using var monitor = await MonitorProbe.StartAsync(first);
            await monitor.NextSleepAsync();
            time.Advance(TimeSpan.FromHours(1));
            (await first.Handler.WaitAsync()).Should().BeTrue();
            await monitor.NextSleepAsync();

            // A second pass (the rescan interval elapses) finds nothing new.
            time.Advance(new EngagementOptions().MonitorRescanInterval);
            await monitor.NextSleepAsync();
            first.Handler.Obligations.Should().ContainSingle();
        }

        await using var restarted = new EngagementTestHost(time, store);
        await using (var monitor = await MonitorProbe.StartAsync(restarted))
        {
            await monitor.NextSleepAsync();
        }

        restarted.Handler.Obligations.Should().BeEmpty();
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_Monitor_EngagementEndedWhileDown_IsEmittedAtStart()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = new InMemoryEngagementStore();
        await using (var before = new EngagementTestHost(time, store))
        {
            await before.Engagements.EngageAsync(before.MailerForAlice(), None);
        }

        time.Advance(TimeSpan.FromDays(1));
        await using var host = new EngagementTestHost(time, store);
        await using var monitor = await MonitorProbe.StartAsync(host);
        await monitor.NextSleepAsync();

        var obligation = host.Handler.Obligations.Should().ContainSingle().Subject;
        obligation.EndedAt.Should().Be(Epoch.AddHours(1));
        obligation.EmittedAt.Should().Be(Epoch.AddDays(1));
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_Monitor_WakesForAnEngagementCreatedWhileItSleeps()
    {
        await using var host = new EngagementTestHost();
        await using var monitor = await MonitorProbe.StartAsync(host);
        (await monitor.NextSleepAsync()).Should().BeNull();

        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(TimeSpan.FromMinutes(10)), None);
        (await monitor.NextSleepAsync()).Should().Be(engagement.EndsAt);

        host.Time.Advance(TimeSpan.FromMinutes(10));
        (await host.Handler.WaitAsync()).Should().BeTrue();
        host.Handler.Obligations.Should().ContainSingle().Which.Engagement.Should().Be(engagement.Id);
    }

    [Fact]
    public async Task Monitor_Disabled_DoesNotRun()
    {
        await using var host = new EngagementTestHost(configure: s => s.Configure<EngagementOptions>(o => o.EnableEndMonitor = false));
        await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        await using var monitor = await MonitorProbe.StartAsync(host);

        await host.Monitor.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        host.Time.Advance(TimeSpan.FromHours(2));

        host.Handler.Obligations.Should().BeEmpty();
    }

    [Fact]
    public async Task DependencyInjection_AddPrivacyEnforcementTwice_RegistersTheMonitorAndServicesOnce()
    {
        await using var host = new EngagementTestHost(configure: s => s.AddPrivacyEnforcement());

        host.Services.GetServices<IHostedService>().OfType<EngagementEndMonitor>().Should().ContainSingle();
        host.Services.GetServices<IEngagementService>().Should().ContainSingle();
        host.Services.GetServices<IViolationService>().Should().ContainSingle();
    }

    /// <summary>Runs the host's monitor and reports each time it goes to sleep, with the next end it planned for.</summary>
    private sealed class MonitorProbe : IAsyncDisposable
    {
        private readonly EngagementEndMonitor _monitor;
        private readonly Channel<DateTimeOffset?> _sleeps = Channel.CreateUnbounded<DateTimeOffset?>();

        private MonitorProbe(EngagementEndMonitor monitor)
        {
            _monitor = monitor;
            _monitor.Sleeping = next => _sleeps.Writer.TryWrite(next);
        }

        public static async Task<MonitorProbe> StartAsync(EngagementTestHost host)
        {
            var probe = new MonitorProbe(host.Monitor);
            await probe._monitor.StartAsync(None);
            return probe;
        }

        /// <summary>Waits (real time, bounded) until the monitor next goes to sleep.</summary>
        public async Task<DateTimeOffset?> NextSleepAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await _sleeps.Reader.ReadAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync() => await _monitor.StopAsync(None);
    }
}
