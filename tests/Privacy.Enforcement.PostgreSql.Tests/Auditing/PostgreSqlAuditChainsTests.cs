using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Relational;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.Auditing;

/// <summary>
/// Instances over one PostgreSQL schema with <see cref="PostgreSqlStoreOptions.AuditChainPerInstance"/>: each writes a
/// hash chain of its own, the checkpoints tie the chains together, and the whole trail verifies; every tampering of
/// one chain, or of the set of chains, is detected; a crashed writer's chain is resumed by exactly one successor.
/// </summary>
public sealed class PostgreSqlAuditChainsTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task Two_instances_with_a_chain_each_decide_concurrently_and_the_whole_trail_verifies()
    {
        var instances = new[] { await NewChainedInstanceAsync(), await NewChainedInstanceAsync() };
        var (_, request) = await CollectionConsent.GrantAsync(instances[0], new SubjectId("subject-" + Guid.NewGuid().ToString("N")));
        var callers = instances.SelectMany((instance, i) => Enumerable.Range(0, 3).Select(c => Task.Run(async () =>
        {
            var enforcer = instance.GetRequiredService<IPrivacyEnforcer>();
            for (var d = 0; d < 15; d++)
            {
                var decision = await enforcer.DecideAsync(request with { CorrelationId = $"i{i}-c{c}-d{d}" });
                decision.Outcome.Should().Be(DecisionOutcome.Permit, "instance {0} must not deny for want of audit", i);
            }
        })));
        await Task.WhenAll(callers);
        foreach (var instance in instances)
        {
            await ((IAsyncDisposable)instance.GetRequiredService<IAuditTrail>()).DisposeAsync(); // flushes and checkpoints its chain
        }

        var trail = instances[0].GetRequiredService<IAuditChainedTrail>();
        var result = await AuditChainsVerifier.VerifyAsync(trail, null, CancellationToken.None);
        result.IsValid.Should().BeTrue(result.Message);
        result.Chains.Select(c => c.Chain).Should().Equal(0, 1, 2);
        result.Chains[0].Result.Count.Should().Be(0, "nothing went through the shared chain");
        result.Chains.Skip(1).Should().OnlyContain(c => c.Result.Count > 0 && c.Result.CheckpointsVerified > 0, "each instance wrote and checkpointed a chain of its own");

        // Every decision once, over both chains; each chain gap-free from 1.
        var events = new List<(long Chain, AuditEvent Event)>();
        foreach (var chain in new long[] { 1, 2 })
        {
            var sequence = 0L;
            await foreach (var e in trail.ReadChainAsync(chain, 1, CancellationToken.None))
            {
                e.Sequence.Should().Be(++sequence);
                events.Add((chain, e));
            }
        }

        var expected = Enumerable.Range(0, 2).SelectMany(i => Enumerable.Range(0, 3).SelectMany(c => Enumerable.Range(0, 15).Select(d => $"i{i}-c{c}-d{d}")));
        events.Where(e => e.Event.Kind == AuditEventKind.Decision).Select(e => e.Event.CorrelationId).Should().BeEquivalentTo(expected);

        // The chain checkpointed last names the other at its final size and head.
        var last = await LastCheckpointAsync(trail, 2);
        last.Chain.Should().Be(2);
        var chain1 = events.Where(e => e.Chain == 1).Select(e => e.Event).Last();
        last.OtherChains.Should().ContainSingle().Which.Should().Be(new AuditChainSize(1, chain1.Sequence, chain1.Hash));

        // A query reads every chain, ordered by sequence number then chain.
        var decisions = new List<AuditEvent>();
        await foreach (var e in instances[1].GetRequiredService<IAuditTrailReader>().QueryAsync(new AuditQuery { SubjectPseudonym = chain1.SubjectPseudonym, Kind = AuditEventKind.Decision }, CancellationToken.None))
        {
            decisions.Add(e);
        }

        decisions.Select(e => e.CorrelationId).Should().BeEquivalentTo(expected);
        decisions.Select(e => (e.Sequence, Chain: events.Single(x => x.Event.Hash == e.Hash).Chain)).Should().BeInAscendingOrder();
    }

    [StoreFact]
    public async Task A_stopped_instance_leaves_its_chain_to_the_next_instance_which_goes_on_where_it_ends()
    {
        var first = await NewChainedInstanceAsync();
        var (_, request) = await CollectionConsent.GrantAsync(first, new SubjectId("subject-" + Guid.NewGuid().ToString("N")));
        for (var d = 0; d < 5; d++)
        {
            (await first.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request with { CorrelationId = "first-" + d })).Outcome.Should().Be(DecisionOutcome.Permit);
        }

        await first.DisposeAsync(); // stops its writer and gives its chain back
        var trail = (await NewChainedInstanceAsync()).GetRequiredService<IAuditChainedTrail>();
        var before = await ReadChainAsync(trail, 1);

        var next = await NewChainedInstanceAsync();
        (await next.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request with { CorrelationId = "next" })).Outcome.Should().Be(DecisionOutcome.Permit);
        await ((IAsyncDisposable)next.GetRequiredService<IAuditTrail>()).DisposeAsync();

        var after = await ReadChainAsync(trail, 1);
        after.Take(before.Count).Select(e => e.Hash).Should().Equal(before.Select(e => e.Hash));
        after[^1].CorrelationId.Should().Be("next");
        after[^1].Sequence.Should().Be(before.Count + 1, "the successor resumed the chain, it did not start another");
        after[^1].PreviousHash.Should().Be(before[^1].Hash);
        var result = await AuditChainsVerifier.VerifyAsync(trail, null, CancellationToken.None);
        result.IsValid.Should().BeTrue(result.Message);
        result.Chains.Select(c => c.Chain).Should().Equal(0, 1);
    }

    [StoreFact]
    public async Task A_crashed_writers_chain_is_resumed_by_exactly_one_successor_and_the_writer_that_lost_it_appends_nothing_more()
    {
        using var database = await NewDatabaseAsync();
        var chainLock = PostgreSqlDatabase.AuditChainLockFor(_schema.Schema);
        await using var crashed = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        await using var alive = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        var written = Seal(null, "crashed-1", "crashed-2", "crashed-3");
        (await crashed.ReadLastAsync(CancellationToken.None)).Should().BeNull();
        await crashed.WriteBatchAsync(written, CancellationToken.None);
        (await alive.ReadLastAsync(CancellationToken.None)).Should().BeNull();
        (crashed.Chain, alive.Chain).Should().Be((1L, 2L));

        // The server ends the crashed writer's session (as when its process dies): its chain's lock goes with it.
        await TerminateHolderOfAsync(chain: 1);

        await using var successor = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        await using var other = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        var heads = await Task.WhenAll(successor.ReadLastAsync(CancellationToken.None).AsTask(), other.ReadLastAsync(CancellationToken.None).AsTask());
        new[] { successor.Chain, other.Chain }.Should().BeEquivalentTo(new long[] { 1, 3 }, "exactly one successor takes the free chain; the other registers a new one");
        var resumer = successor.Chain == 1 ? successor : other;
        var resumed = successor.Chain == 1 ? heads[0] : heads[1];
        resumed!.Hash.Should().Be(written[^1].Hash, "the successor reads the crashed writer's head");
        await resumer.WriteBatchAsync(Seal(resumed, "successor-4"), CancellationToken.None);

        // The writer that lost its session finds its chain taken: it refuses to append, and writes nothing. (Its first
        // attempt fails on the dead session, as any write does; the audit pipeline retries, as here.)
        var late = Seal(written[^1], "late-4");
        var refused = async () => await crashed.WriteBatchAsync(late, CancellationToken.None);
        await refused.Should().ThrowAsync<PrivacyStoreException>();
        (await refused.Should().ThrowAsync<PrivacyStoreException>()).Which.Message.Should().Contain("resumed by another instance");
        (await refused.Should().ThrowAsync<PrivacyStoreException>()).Which.Message.Should().Contain("resumed by another instance", "it never takes its chain back");

        var chain = await ReadChainAsync(new RelationalAuditChains(database), 1);
        chain.Select(e => e.CorrelationId).Should().Equal("crashed-1", "crashed-2", "crashed-3", "successor-4");
        var result = await AuditChainsVerifier.VerifyAsync(new RelationalAuditChains(database), null, CancellationToken.None);
        result.IsValid.Should().BeTrue(result.Message);
    }

    [StoreFact]
    public async Task A_retried_batch_is_skipped_where_held_and_a_different_event_or_a_gap_is_refused()
    {
        using var database = await NewDatabaseAsync();
        await using var writer = new RelationalAuditChain(database, PostgreSqlDatabase.AuditChainLockFor(_schema.Schema), TimeProvider.System);
        var batch = Seal(null, "a", "b");
        await writer.WriteBatchAsync(batch, CancellationToken.None);
        await TerminateHolderOfAsync(writer.Chain); // the session is lost: the head is read again on the next one
        var more = Seal(batch[^1], "c");
        var onDeadSession = async () => await writer.WriteBatchAsync([.. batch, .. more], CancellationToken.None);
        await onDeadSession.Should().ThrowAsync<PrivacyStoreException>();
        await writer.WriteBatchAsync([.. batch, .. more], CancellationToken.None); // retried whole: a, b held and skipped

        var forged = Seal(batch[0], "not-b");
        var refused = async () => await writer.WriteBatchAsync(forged, CancellationToken.None);
        (await refused.Should().ThrowAsync<PrivacyStoreException>()).Which.Message.Should().Contain("different event at sequence 2");
        var gap = Seal(Seal(more[^1], "d")[0], "e");
        var leavesGap = async () => await writer.WriteBatchAsync(gap, CancellationToken.None);
        (await leavesGap.Should().ThrowAsync<PrivacyStoreException>()).Which.Message.Should().Contain("gap");
        (await ReadChainAsync(new RelationalAuditChains(database), writer.Chain)).Select(e => e.CorrelationId).Should().Equal("a", "b", "c");
    }

    [StoreFact]
    public async Task A_query_pages_through_every_chain_and_returns_each_event_once_by_sequence_then_chain()
    {
        // Two chains of 300 events of one subject, but for the second chain's first: the first page of 500 then ends
        // between the two events under sequence 251, where paging by sequence number alone would skip the second.
        using var database = await NewDatabaseAsync();
        var chainLock = PostgreSqlDatabase.AuditChainLockFor(_schema.Schema);
        await using var first = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        await using var second = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        foreach (var writer in new[] { first, second })
        {
            (await writer.ReadLastAsync(CancellationToken.None)).Should().BeNull();
            var events = Seal(null, [.. Enumerable.Range(1, 300).Select(i => $"w{writer.Chain}-{i}")])
                .Select(e => e with { SubjectPseudonym = writer.Chain == 2 && e.Sequence == 1 ? "p-other" : "p-1" }).ToArray();
            await writer.WriteBatchAsync(Seal(null, events), CancellationToken.None);
        }

        var read = new List<AuditEvent>();
        await foreach (var e in (await _schema.GetAsync<IAuditTrailReader>()).QueryAsync(new AuditQuery { SubjectPseudonym = "p-1" }, CancellationToken.None))
        {
            read.Add(e);
        }

        read.Should().HaveCount(599);
        read.Select(e => e.CorrelationId).Should().Equal(["w1-1", .. Enumerable.Range(2, 299).SelectMany(i => new[] { $"w1-{i}", $"w2-{i}" })]);
    }

    [StoreFact]
    public async Task A_query_right_after_the_appends_of_two_chains_returns_every_event_of_both_whatever_each_chain_has_indexed()
    {
        // The first chain is indexed to 5; then the second appends 1 to 3 and the first 6 and 7, none indexed. The second
        // chain's events lie below the newest index row of the first: a single watermark for the trail would read them
        // neither through the index nor as tail.
        using var database = await NewDatabaseAsync();
        var chainLock = PostgreSqlDatabase.AuditChainLockFor(_schema.Schema);
        await using var index = new RelationalAuditIndex(database) { IsAutomatic = false };
        await using var first = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        await using var second = new RelationalAuditChain(database, chainLock, TimeProvider.System);
        (await first.ReadLastAsync(CancellationToken.None)).Should().BeNull();
        (await second.ReadLastAsync(CancellationToken.None)).Should().BeNull();
        var early = Seal(null, Subject("w1-1", "w1-2", "w1-3", "w1-4", "w1-5"));
        await first.WriteBatchAsync(early, CancellationToken.None);
        (await index.CatchUpAsync(long.MaxValue, CancellationToken.None)).Should().Be(5);
        await second.WriteBatchAsync(Seal(null, Subject("w2-1", "w2-2", "w2-3")), CancellationToken.None);
        await first.WriteBatchAsync(Seal(early[^1], Subject("w1-6", "w1-7")), CancellationToken.None);

        var expected = new[] { "w1-1", "w2-1", "w1-2", "w2-2", "w1-3", "w2-3", "w1-4", "w1-5", "w1-6", "w1-7" };
        (await QueryAsync()).Should().Equal(expected, "the first chain's tail past 5 and the whole second chain are read on the key");

        // Caught up, each chain to its own head: the same events, each once, now through the index.
        (await index.CatchUpAsync(long.MaxValue, CancellationToken.None)).Should().Be(5);
        (await QueryAsync()).Should().Equal(expected);
        var result = await AuditChainsVerifier.VerifyAsync(new RelationalAuditChains(database), null, CancellationToken.None);
        result.IsValid.Should().BeTrue(result.Message);

        static AuditEvent[] Subject(params string[] correlations) =>
            [.. correlations.Select(c => new AuditEvent { Timestamp = TimeProvider.System.GetUtcNow(), Kind = AuditEventKind.Decision, Action = "decision.collect", CorrelationId = c, SubjectPseudonym = "p-1" })];

        async Task<List<string?>> QueryAsync()
        {
            var read = new List<string?>();
            await foreach (var e in (await _schema.GetAsync<IAuditTrailReader>()).QueryAsync(new AuditQuery { SubjectPseudonym = "p-1" }, CancellationToken.None))
            {
                read.Add(e.CorrelationId);
            }

            return read;
        }
    }

    [StoreFact]
    public async Task A_database_error_during_an_append_is_retried_into_the_same_chain()
    {
        using var database = await NewDatabaseAsync();
        await using var writer = new RelationalAuditChain(database, PostgreSqlDatabase.AuditChainLockFor(_schema.Schema), TimeProvider.System);
        var batch = Seal(null, "a");
        await writer.WriteBatchAsync(batch, CancellationToken.None);

        // A row under the next sequence number fails the copy on the primary key: a database error on a live session.
        var events = $"\"{_schema.Schema}\".pe_audit_events";
        await ExecuteAsync($"INSERT INTO {events} (chain, sequence, hash, kind, occurred_at, payload) VALUES ({writer.Chain}, 2, 'x', 'Decision', 0, 'x')");
        var next = Seal(batch[^1], "b");
        var failing = async () => await writer.WriteBatchAsync(next, CancellationToken.None);
        await failing.Should().ThrowAsync<PrivacyStoreException>();
        await ExecuteAsync($"DELETE FROM {events} WHERE chain = {writer.Chain} AND sequence = 2");

        // The retry (the pipeline's, here by hand) reads the head again and writes the batch into the same chain.
        await writer.WriteBatchAsync(next, CancellationToken.None);
        writer.Chain.Should().Be(1);
        (await ReadChainAsync(new RelationalAuditChains(database), writer.Chain)).Select(e => e.CorrelationId).Should().Equal("a", "b");
    }

    /// <summary>
    /// Each tampering of a trail of two chains (chain 1 written and checkpointed first, then chain 2, whose checkpoint
    /// names chain 1) and the failure and chain it must be reported as. The comment says which careless verifier passes it.
    /// </summary>
    public static TheoryData<string, string, AuditVerificationFailure, long> Tamperings => new()
    {
        // A verifier that trusts the stored columns, or checks chain 0 only.
        { "an event's content altered", "UPDATE {events} SET payload = replace(payload, 'p-1-2', 'p-1-X') WHERE chain = 1 AND sequence = 3", AuditVerificationFailure.HashMismatch, 1 },
        // A verifier that walks rows without checking positions.
        { "an event deleted from the middle", "DELETE FROM {events} WHERE chain = 2 AND sequence = 2", AuditVerificationFailure.SequenceMismatch, 2 },
        // Two events swapped in place (content and position), each keeping its own hash.
        { "two events reordered", "UPDATE {events} SET sequence = -2 WHERE chain = 1 AND sequence = 2; UPDATE {events} SET sequence = 2 WHERE chain = 1 AND sequence = 3; UPDATE {events} SET sequence = 3 WHERE chain = 1 AND sequence = -2", AuditVerificationFailure.PreviousHashMismatch, 1 },
        // An event of one chain copied into the other: its previous hash is not the other chain's.
        { "an event inserted from another chain", "INSERT INTO {events} (chain, sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) SELECT 2, 5, hash, kind, occurred_at, subject_pseudonym, recipient, payload FROM {events} WHERE chain = 1 AND sequence = 4", AuditVerificationFailure.PreviousHashMismatch, 2 },
        // A verifier that does not hold a chain to its own checkpoints.
        { "a tail truncated behind the chain's checkpoint", "DELETE FROM {events} WHERE chain = 2 AND sequence > 2", AuditVerificationFailure.Truncated, 2 },
        // A verifier that ignores the other chains a checkpoint names: the chain went with its checkpoints and registration.
        { "a whole chain removed", "DELETE FROM {events} WHERE chain = 1; DELETE FROM {checkpoints} WHERE chain = 1; DELETE FROM {chains} WHERE chain = 1", AuditVerificationFailure.Truncated, 1 },
        // The same, for a tail cut together with the chain's own checkpoints.
        { "a tail truncated with its own checkpoints", "DELETE FROM {events} WHERE chain = 1 AND sequence > 2; DELETE FROM {checkpoints} WHERE chain = 1", AuditVerificationFailure.Truncated, 1 },
        // A verifier that reads checkpoints by a column only: a checkpoint moved to another chain.
        { "a checkpoint moved to another chain", "UPDATE {checkpoints} SET chain = 2 WHERE chain = 1", AuditVerificationFailure.CheckpointChainBroken, 2 },
        // Chains relabelled: each chain's first event now reads another chain's index row (and stands under checkpoints that name another head).
        { "two chains swapped", "UPDATE {events} SET chain = 99 WHERE chain = 1; UPDATE {events} SET chain = 1 WHERE chain = 2; UPDATE {events} SET chain = 2 WHERE chain = 99", AuditVerificationFailure.HashMismatch, 1 },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Tampering_with_one_chain_or_the_set_of_chains_is_detected(string what, string tamper, AuditVerificationFailure failure, long chain)
    {
        var trail = await WriteTwoChainsAsync();
        (await AuditChainsVerifier.VerifyAsync(trail, null, CancellationToken.None)).IsValid.Should().BeTrue("the trail verifies before it is tampered with");

        var prefix = $"\"{_schema.Schema}\".";
        await ExecuteAsync(tamper.Replace("{events}", prefix + "pe_audit_events", StringComparison.Ordinal)
            .Replace("{checkpoints}", prefix + "pe_audit_checkpoints", StringComparison.Ordinal)
            .Replace("{chains}", prefix + "pe_audit_chains", StringComparison.Ordinal));

        var result = await AuditChainsVerifier.VerifyAsync(trail, null, CancellationToken.None);
        result.IsValid.Should().BeFalse(what + " must be detected");
        (result.Failure, result.FailedChain).Should().Be((failure, chain), "{0}: {1}", what, result.Message);
    }

    [StoreFact]
    public async Task A_schema_written_by_one_chain_before_keeps_its_trail_as_chain_0_beside_the_new_chains()
    {
        var shared = await _schema.NewInstanceAsync(); // the single chain, through the shared append lock
        var (_, request) = await CollectionConsent.GrantAsync(shared, new SubjectId("subject-" + Guid.NewGuid().ToString("N")));
        (await shared.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request with { CorrelationId = "shared" })).Outcome.Should().Be(DecisionOutcome.Permit);
        await ((IAsyncDisposable)shared.GetRequiredService<IAuditTrail>()).DisposeAsync();

        var chained = await NewChainedInstanceAsync();
        (await chained.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request with { CorrelationId = "chained" })).Outcome.Should().Be(DecisionOutcome.Permit);
        await ((IAsyncDisposable)chained.GetRequiredService<IAuditTrail>()).DisposeAsync();

        var trail = chained.GetRequiredService<IAuditChainedTrail>();
        var result = await AuditChainsVerifier.VerifyAsync(trail, null, CancellationToken.None);
        result.IsValid.Should().BeTrue(result.Message);
        (await ReadChainAsync(trail, 0)).Should().Contain(e => e.CorrelationId == "shared");
        (await ReadChainAsync(trail, 1)).Select(e => e.CorrelationId).Should().Equal("chained");
        var chain0 = await ReadChainAsync(trail, 0);
        (await LastCheckpointAsync(trail, 1)).OtherChains.Should().Equal(new AuditChainSize(0, chain0[^1].Sequence, chain0[^1].Hash));

        // The single-chain reader still reads chain 0 alone, exactly as before.
        var legacy = new List<AuditEvent>();
        await foreach (var e in shared.GetRequiredService<IAuditTrailReader>().ReadAsync(1, CancellationToken.None))
        {
            legacy.Add(e);
        }

        legacy.Select(e => e.Hash).Should().Equal(chain0.Select(e => e.Hash));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    /// <summary>Chain 1 (4 decisions, checkpointed), then chain 2 (4 decisions, checkpointed, naming chain 1).</summary>
    private async Task<IAuditChainedTrail> WriteTwoChainsAsync()
    {
        var consentHolder = await NewChainedInstanceAsync();
        var (_, request) = await CollectionConsent.GrantAsync(consentHolder, new SubjectId("subject-" + Guid.NewGuid().ToString("N")));
        await DecideOnNewChainAsync(request, 1);

        // Chain 1 is held meanwhile, so the next instance writes chain 2 (it would resume chain 1 otherwise).
        using var database = await NewDatabaseAsync();
        await using var hold = new RelationalAuditChain(database, PostgreSqlDatabase.AuditChainLockFor(_schema.Schema), TimeProvider.System);
        (await hold.ReadLastAsync(CancellationToken.None)).Should().NotBeNull();
        await DecideOnNewChainAsync(request, 2);
        var trail = consentHolder.GetRequiredService<IAuditChainedTrail>();
        (await LastCheckpointAsync(trail, 1)).Size.Should().Be(4);
        (await LastCheckpointAsync(trail, 2)).OtherChains.Should().Equal(new AuditChainSize(1, 4, (await ReadChainAsync(trail, 1))[^1].Hash));
        return trail;
    }

    /// <summary>An instance decides four times and stops: its chain is written, checkpointed and given back.</summary>
    private async Task DecideOnNewChainAsync(CollectionRequest request, int chain)
    {
        var instance = await NewChainedInstanceAsync();
        for (var d = 0; d < 4; d++)
        {
            (await instance.GetRequiredService<IPrivacyEnforcer>().DecideAsync(request with { CorrelationId = $"p-{chain}-{d}" })).Outcome.Should().Be(DecisionOutcome.Permit);
        }

        instance.GetRequiredService<RelationalAuditChain>().Chain.Should().Be(chain);
        await instance.DisposeAsync();
    }

    private Task<ServiceProvider> NewChainedInstanceAsync() => _schema.NewInstanceAsync(o => o.AuditChainPerInstance = true);

    private async Task<PostgreSqlDatabase> NewDatabaseAsync()
    {
        await _schema.NewInstanceAsync(); // the server, and the connection string
        var database = new PostgreSqlDatabase(NpgsqlDataSource.Create(_schema.ConnectionString), _schema.Schema, ownsDataSource: true);
        await database.EnsureInitializedAsync(CancellationToken.None);
        return database;
    }

    private static AuditEvent[] Seal(AuditEvent? head, params string[] correlations) =>
        Seal(head, [.. correlations.Select(c => new AuditEvent { Timestamp = TimeProvider.System.GetUtcNow(), Kind = AuditEventKind.Decision, Action = "decision.collect", CorrelationId = c })]);

    /// <summary>Seals <paramref name="events"/> in order after <paramref name="head"/> (the chain's start when null).</summary>
    private static AuditEvent[] Seal(AuditEvent? head, AuditEvent[] events)
    {
        var sealedEvents = new AuditEvent[events.Length];
        var (sequence, hash) = head is null ? (0L, AuditHashChain.GenesisHash) : (head.Sequence, head.Hash);
        for (var i = 0; i < events.Length; i++)
        {
            sealedEvents[i] = AuditHashChain.Seal(events[i], ++sequence, hash);
            hash = sealedEvents[i].Hash;
        }

        return sealedEvents;
    }

    private static async Task<List<AuditEvent>> ReadChainAsync(IAuditChainedTrail trail, long chain)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in trail.ReadChainAsync(chain, 1, CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    private static async Task<AuditCheckpoint> LastCheckpointAsync(IAuditChainedTrail trail, long chain)
    {
        AuditCheckpoint? last = null;
        await foreach (var c in trail.ReadChainCheckpointsAsync(chain, CancellationToken.None))
        {
            last = c;
        }

        return last ?? throw new InvalidOperationException("The chain has no checkpoint.");
    }

    /// <summary>Ends the session that holds the chain's advisory lock (two-key lock: objid is the chain, objsubid 2) and waits until it has ended.</summary>
    private async Task TerminateHolderOfAsync(long chain)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND classid::bigint = @key AND objid::bigint = @chain AND granted", connection);
        command.Parameters.AddWithValue("key", PostgreSqlDatabase.AuditChainLockKey(_schema.Schema) & 0xFFFFFFFFL);
        command.Parameters.AddWithValue("chain", chain);
        (await command.ExecuteScalarAsync()).Should().Be(true, "a session holds chain {0}", chain);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
