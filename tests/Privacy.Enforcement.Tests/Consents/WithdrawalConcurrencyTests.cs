namespace Privacy.Enforcement.Tests.Consents;

/// <summary>
/// collect.consent / store.integrity: a withdrawal takes effect for every decision that starts after it is acknowledged,
/// while grants, withdrawals and decisions run concurrently on many threads.
/// </summary>
public class WithdrawalConcurrencyTests
{
    private const int Subjects = 8;
    private const int ConsentsPerSubject = 8;
    private const string Email = "user.contact.email";

    [Fact]
    public async Task collect_consent_no_permit_after_an_acknowledged_withdrawal_through_the_enforcer()
    {
        await using var host = new EnforcedHost();
        var subjects = Enumerable.Range(0, Subjects).Select(i => new SubjectId($"subject-{i}")).ToArray();
        foreach (var subject in subjects)
        {
            await host.AcceptCurrentAsync(subject);
        }

        // One live consent per subject at a time: a withdrawer withdraws it, acknowledges, then grants the next one.
        // "acknowledged" holds the number of withdrawals acknowledged per subject; "granted" the grants started.
        var acknowledged = new int[Subjects];
        var granted = new int[Subjects];
        var violations = 0;
        var permits = 0;
        var denies = 0;
        var permitsAfterGrant = 0;
        using var done = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < ConsentsPerSubject; round++)
            {
                for (var s = w; s < Subjects; s += 4)
                {
                    // Counted before the call: a grant is durable, and may be decided on, before it is acknowledged.
                    Interlocked.Increment(ref granted[s]);
                    var consent = await host.Consents.GrantAsync(host.Collect(subjects[s], Email), default);

                    // An acknowledged grant is in force for the next decision too, while the deciders keep reading.
                    if ((await host.DecideCollectAsync(subjects[s], Email)).Outcome == DecisionOutcome.Permit)
                    {
                        Interlocked.Increment(ref permitsAfterGrant);
                    }

                    await Task.Delay(1);
                    await host.Consents.WithdrawAsync(subjects[s], consent.ConsentId, default);
                    Interlocked.Increment(ref acknowledged[s]);
                }
            }
        })).ToArray();

        var deciders = Enumerable.Range(0, 4).Select(d => Task.Run(async () =>
        {
            var random = new Random(d);
            while (!done.IsCancellationRequested)
            {
                var s = random.Next(Subjects);

                // A decision may Permit only through a consent whose withdrawal was not acknowledged when it began: with
                // one consent at a time, that means a grant started after the last withdrawal acknowledged by then.
                var acksBefore = Volatile.Read(ref acknowledged[s]);
                var decision = await host.DecideCollectAsync(subjects[s], Email);
                var grantsAfter = Volatile.Read(ref granted[s]);
                if (decision.Outcome == DecisionOutcome.Permit)
                {
                    Interlocked.Increment(ref permits);
                    if (grantsAfter <= acksBefore)
                    {
                        Interlocked.Increment(ref violations);
                    }
                }
                else
                {
                    Interlocked.Increment(ref denies);
                }

                // Decisions on cached state complete synchronously: yield so writers are not starved of threads.
                await Task.Yield();
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await done.CancelAsync();
        await Task.WhenAll(deciders);

        violations.Should().Be(0);
        permitsAfterGrant.Should().Be(Subjects * ConsentsPerSubject);
        (permits + denies).Should().BeGreaterThan(0);
        foreach (var subject in subjects)
        {
            (await host.DecideCollectAsync(subject, Email)).Reason.Should().Be(DecisionReason.ConsentWithdrawn);
        }
    }

    [Fact]
    public async Task collect_consent_no_permit_after_an_acknowledged_withdrawal_through_a_cached_fold()
    {
        var kit = new ConsentTestKit();
        var subjects = Enumerable.Range(0, Subjects).Select(i => new SubjectId($"subject-{i}")).ToArray();
        var live = new ConsentId[Subjects];
        var withdrawn = new int[Subjects];
        for (var s = 0; s < Subjects; s++)
        {
            live[s] = (await kit.Consents.GrantAsync(kit.Request(subjects[s]), default)).ConsentId;
        }

        var violations = 0;
        var permits = 0;
        using var done = new CancellationTokenSource();
        var deciders = Enumerable.Range(0, 4).Select(d => Task.Run(async () =>
        {
            var random = new Random(100 + d);
            while (!done.IsCancellationRequested)
            {
                var s = random.Next(Subjects);
                var ackBefore = Volatile.Read(ref withdrawn[s]) == 1;
                var permitted = await kit.Decider.PermitsAsync(subjects[s], live[s]);
                if (permitted)
                {
                    Interlocked.Increment(ref permits);
                }

                if (permitted && ackBefore)
                {
                    Interlocked.Increment(ref violations);
                }

                await Task.Yield();
            }
        })).ToArray();

        // Other subjects' grants keep the store and cache busy while the withdrawals land.
        var granter = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await kit.Consents.GrantAsync(kit.Request(subjects[i % Subjects], StandardPurposes.OwnMarketing), default);
            }
        });
        var withdrawers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var s = w; s < Subjects; s += 2)
            {
                await Task.Delay(1);
                await kit.Consents.WithdrawAsync(subjects[s], live[s], default);
                Volatile.Write(ref withdrawn[s], 1);
            }
        })).ToArray();

        await Task.WhenAll([granter, .. withdrawers]);
        await done.CancelAsync();
        await Task.WhenAll(deciders);

        violations.Should().Be(0);
        permits.Should().BeGreaterThan(0);
        kit.Decider.StoreReads.Should().BeGreaterThan(Subjects, "the cache was filled and invalidated, not bypassed");
    }
}
