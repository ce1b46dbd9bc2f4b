using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Testing;
using Xunit.Abstractions;

namespace Privacy.Enforcement.PostgreSql.Tests.Consents;

/// <summary>
/// Two application instances over one database: a change committed through one is announced to the other by
/// LISTEN/NOTIFY. The bound the tests hold the feed to is <see cref="Bound"/>; the measured lag is printed.
/// </summary>
public sealed class PostgreSqlChangeFeedTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The documented bound on the notification lag (commit acknowledged → other instance told).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task A_withdrawal_acknowledged_by_one_instance_is_announced_to_the_other_within_the_bound()
    {
        var writer = await _schema.NewInstanceAsync();
        var reader = await _schema.NewInstanceAsync();
        await using var listener = await FeedListener.StartAsync(reader.GetRequiredService<IPrivacyChangeFeed>());
        var store = writer.GetRequiredService<IConsentStore>();
        var lags = new List<double>();

        for (var i = 0; i < 20; i++)
        {
            var subject = StoreTestData.NewSubject();
            var consent = ConsentId.New();
            await store.AppendAsync(StoreTestData.Grant(subject, consent), CancellationToken.None);
            await listener.WaitForAsync(subject, Bound);

            await store.AppendAsync(StoreTestData.Withdrawal(subject, consent), CancellationToken.None);
            var acknowledged = Stopwatch.GetTimestamp();
            await listener.WaitForAsync(subject, Bound);
            lags.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);

            // What the other instance reads next is the withdrawal: its next decision denies.
            var facts = await reader.GetRequiredService<IConsentStore>().GetFactsAsync(subject, CancellationToken.None).CollectAsync();
            ConsentHistory.Evaluate(facts, consent, StoreTestData.Epoch.AddDays(1))!.Value.State.Should().Be(ConsentState.Withdrawn);
        }

        lags.Sort();
        output.WriteLine($"notification lag over {lags.Count} withdrawals: median {lags[lags.Count / 2]:F2} ms, max {lags[^1]:F2} ms (bound {Bound.TotalMilliseconds} ms)");
        lags[^1].Should().BeLessThan(Bound.TotalMilliseconds);
    }

    [StoreFact]
    public async Task Every_subject_changing_write_is_announced_and_Publish_reaches_listeners()
    {
        var instance = await _schema.NewInstanceAsync();
        await using var listener = await FeedListener.StartAsync(instance.GetRequiredService<IPrivacyChangeFeed>());
        var subject = StoreTestData.NewSubject();

        await instance.GetRequiredService<IConsentStore>().AppendManyAsync([StoreTestData.Grant(subject, ConsentId.New())], CancellationToken.None);
        await listener.WaitForAsync(subject, Bound);
        await instance.GetRequiredService<IAcceptanceStore>().AppendObjectionAsync(new(subject, new PurposeId("marketing.own"), ObjectionState.Raised, StoreTestData.Epoch), CancellationToken.None);
        await listener.WaitForAsync(subject, Bound);
        await instance.GetRequiredService<IConsentStore>().DeleteSubjectAsync(subject, CancellationToken.None);
        await listener.WaitForAsync(subject, Bound);
        var other = StoreTestData.NewSubject();
        await instance.GetRequiredService<IPrivacyChangeFeed>().PublishAsync(other, CancellationToken.None);
        await listener.WaitForAsync(other, Bound);
    }

    [StoreFact]
    public async Task FollowUp01_The_feed_first_says_everything_once_its_LISTEN_is_in_place_and_hears_every_change_after()
    {
        var instance = await _schema.NewInstanceAsync();
        var feed = instance.GetRequiredService<IPrivacyChangeFeed>();
        using var stop = new CancellationTokenSource(Bound + Bound);
        var changes = feed.ListenForChangesAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            (await changes.MoveNextAsync()).Should().BeTrue();
            changes.Current.IsEverything.Should().BeTrue("the first change says the subscription is in place");

            // No retry needed: a change committed after the first yield is heard.
            var subject = StoreTestData.NewSubject();
            await feed.PublishAsync(subject, CancellationToken.None);
            (await changes.MoveNextAsync()).Should().BeTrue();
            changes.Current.Covers(subject).Should().BeTrue();
            changes.Current.IsEverything.Should().BeFalse();
        }
        finally
        {
            await stop.CancelAsync();
            await changes.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task FollowUp02_A_sanction_is_announced_for_its_subject()
    {
        var instance = await _schema.NewInstanceAsync();
        await using var listener = await FeedListener.StartAsync(instance.GetRequiredService<IPrivacyChangeFeed>());
        var violator = StoreTestData.NewSubject();
        var violation = StoreTestData.Violation(violator);
        await instance.GetRequiredService<IViolationStore>().CreateAsync(violation, CancellationToken.None);

        await instance.GetRequiredService<IViolationStore>().AddSanctionAsync(
            new Sanction(violator, violation.Id, SanctionKind.ServiceAgreementTerminated, StoreTestData.Epoch), CancellationToken.None);

        await listener.WaitForAsync(violator, Bound);
    }

    [StoreFact]
    public async Task FollowUp02_Engagement_writes_are_announced_for_every_subject_they_cover_before_and_after()
    {
        var instance = await _schema.NewInstanceAsync();
        await using var listener = await FeedListener.StartAsync(instance.GetRequiredService<IPrivacyChangeFeed>());
        var store = instance.GetRequiredService<IEngagementStore>();
        var (kept, dropped, added) = (StoreTestData.NewSubject(), StoreTestData.NewSubject(), StoreTestData.NewSubject());

        var created = StoreTestData.Engagement("acme-mail", kept, dropped);
        await store.CreateAsync(created, CancellationToken.None);
        await listener.WaitForAsync(kept, Bound);
        await listener.WaitForAsync(dropped, Bound);

        // A subject the update drops loses the engagement: its cached state changes as much as the one added.
        var updated = created with { Subjects = [kept, added], TerminatedAt = StoreTestData.Epoch.AddDays(1) };
        (await store.TryUpdateAsync(created, updated, CancellationToken.None)).Should().BeTrue();
        await listener.WaitForAsync(dropped, Bound);
        await listener.WaitForAsync(added, Bound);

        // An engagement of all subjects changes every subject's state.
        var everyone = StoreTestData.Engagement("acme-mail");
        await store.CreateAsync(everyone, CancellationToken.None);
        await listener.WaitForEverythingAsync(Bound);
        (await store.TryUpdateAsync(everyone, everyone with { TerminatedAt = StoreTestData.Epoch.AddDays(1) }, CancellationToken.None)).Should().BeTrue();
        await listener.WaitForEverythingAsync(Bound);
    }

    [StoreFact]
    public async Task A_listener_whose_connection_dies_reconnects_and_says_changes_may_have_been_missed()
    {
        var instance = await _schema.NewInstanceAsync();
        await using var listener = await FeedListener.StartAsync(instance.GetRequiredService<IPrivacyChangeFeed>());

        // Kill the listening backend, as a failover or a network cut would.
        await using (var admin = new NpgsqlConnection(_schema.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN \"pe_changes_" + _schema.Schema + "%'", admin);
            (await kill.ExecuteScalarAsync()).Should().Be(true);
        }

        // At once "interrupted" (keep nothing while the LISTEN is down), then, reconnected, "anything may have changed".
        await listener.WaitForInterruptedAsync(Bound + Bound);
        await listener.WaitForEverythingAsync(Bound + Bound);
        var subject = StoreTestData.NewSubject();
        await instance.GetRequiredService<IConsentStore>().AppendAsync(StoreTestData.Grant(subject, ConsentId.New()), CancellationToken.None);
        await listener.WaitForAsync(subject, Bound);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    /// <summary>Reads a feed in the background and lets a test wait, boundedly, for a subject.</summary>
    private sealed class FeedListener : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly System.Threading.Channels.Channel<SubjectChange> _seen = System.Threading.Channels.Channel.CreateUnbounded<SubjectChange>();
        private Task _pump = Task.CompletedTask;

        public static async Task<FeedListener> StartAsync(IPrivacyChangeFeed feed)
        {
            var listener = new FeedListener();
            var enumerator = feed.ListenForChangesAsync(listener._stop.Token).GetAsyncEnumerator(listener._stop.Token);

            // Announce a marker and wait for it, so the LISTEN is known to be in place before the test writes.
            var marker = StoreTestData.NewSubject();
            var first = enumerator.MoveNextAsync();
            listener._pump = Task.Run(async () =>
            {
                try
                {
                    while (await first)
                    {
                        listener._seen.Writer.TryWrite(enumerator.Current);
                        first = enumerator.MoveNextAsync();
                    }
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    await enumerator.DisposeAsync();
                }
            });
            // LISTEN starts asynchronously: announce the marker until the listener hears it, so the test starts listening for real.
            for (var attempt = 0; ; attempt++)
            {
                await feed.PublishAsync(marker, CancellationToken.None);
                try
                {
                    await listener.WaitForAsync(marker, TimeSpan.FromMilliseconds(500));
                    return listener;
                }
                catch (TimeoutException) when (attempt < 40)
                {
                }
            }
        }

        /// <summary>Waits for a change that covers the subject (its stripe: the feed names no subject).</summary>
        public Task WaitForAsync(SubjectId subject, TimeSpan bound) => WaitForAsync(change => !change.IsEverything && change.Covers(subject), bound);

        public Task WaitForEverythingAsync(TimeSpan bound) => WaitForAsync(change => change.IsEverything, bound);

        public Task WaitForInterruptedAsync(TimeSpan bound) => WaitForAsync(change => change.IsInterrupted, bound);

        private async Task WaitForAsync(Func<SubjectChange, bool> match, TimeSpan bound)
        {
            using var timeout = new CancellationTokenSource(bound);
            try
            {
                while (await _seen.Reader.WaitToReadAsync(timeout.Token))
                {
                    while (_seen.Reader.TryRead(out var seen))
                    {
                        if (match(seen))
                        {
                            return;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
            }

            throw new TimeoutException($"No change notification arrived within {bound.TotalMilliseconds} ms.");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _pump;
            _stop.Dispose();
        }
    }
}
