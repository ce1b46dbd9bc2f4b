using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>The contract of <see cref="IEngagementStore"/> (<c>use.third-party.service-provider</c>, <c>use.third-party.service-end</c>).</summary>
public abstract class EngagementStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IEngagementStore> CreateStoreAsync();

    [StoreFact]
    public async Task Create_then_Find_returns_the_engagement_and_Find_of_an_unknown_id_returns_null()
    {
        var store = await CreateStoreAsync();
        var engagement = Engagement("courier", NewSubject(), NewSubject());

        await store.CreateAsync(engagement, None);

        (await store.FindAsync(engagement.Id, None)).Should().BeEquivalentTo(engagement);
        (await store.FindAsync(EngagementId.New(), None)).Should().BeNull();
    }

    [StoreFact]
    public async Task Creating_an_existing_id_fails_with_a_store_exception_and_keeps_the_original()
    {
        var store = await CreateStoreAsync();
        var engagement = Engagement("courier");
        await store.CreateAsync(engagement, None);

        await FluentActions.Awaiting(async () => await store.CreateAsync(engagement with { Provider = new RecipientId("other") }, None))
            .Should().ThrowAsync<PrivacyStoreException>();

        (await store.FindAsync(engagement.Id, None))!.Provider.Should().Be(engagement.Provider);
    }

    [StoreFact]
    public async Task TryUpdate_replaces_the_engagement_as_read_and_refuses_a_stale_one()
    {
        var store = await CreateStoreAsync();
        var engagement = Engagement("courier", NewSubject());
        await store.CreateAsync(engagement, None);
        var read = (await store.FindAsync(engagement.Id, None))!;
        var terminated = read with { TerminatedAt = Epoch.AddDays(3), TerminationReason = "contract ended" };

        (await store.TryUpdateAsync(read, terminated, None)).Should().BeTrue();

        // The first reader's copy is now stale: a second update from it must lose.
        (await store.TryUpdateAsync(read, read with { EndsAt = Epoch.AddDays(90) }, None)).Should().BeFalse();
        (await store.FindAsync(engagement.Id, None)).Should().BeEquivalentTo(terminated);
    }

    [StoreFact]
    public async Task TryUpdate_of_an_unknown_engagement_returns_false_and_a_changed_id_is_rejected()
    {
        var store = await CreateStoreAsync();
        var engagement = Engagement("courier");

        (await store.TryUpdateAsync(engagement, engagement with { EndsAt = null }, None)).Should().BeFalse();
        (await store.FindAsync(engagement.Id, None)).Should().BeNull();
        await FluentActions.Awaiting(async () => await store.TryUpdateAsync(engagement, engagement with { Id = EngagementId.New() }, None))
            .Should().ThrowAsync<ArgumentException>();
    }

    [StoreFact]
    public async Task Concurrent_updates_from_the_same_read_let_exactly_one_win()
    {
        var store = await CreateStoreAsync();
        var engagement = Engagement("courier");
        await store.CreateAsync(engagement, None);
        var read = (await store.FindAsync(engagement.Id, None))!;

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            Task.Run(async () => await store.TryUpdateAsync(read, read with { EndsAt = Epoch.AddDays(i) }, None))));

        results.Count(r => r).Should().Be(1);
    }

    [StoreFact]
    public async Task Lists_by_provider_by_subject_and_ended_follow_the_current_state()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var forSubject = Engagement("courier", subject);
        var forAll = Engagement("payments");
        var forOther = Engagement("courier", NewSubject());
        var confirmed = Engagement("archive", subject) with { TerminatedAt = Epoch.AddDays(1), DeletionConfirmedAt = Epoch.AddDays(2) };
        var openEnded = Engagement("hosting", subject) with { EndsAt = null };
        foreach (var e in new[] { forSubject, forAll, forOther, confirmed, openEnded })
        {
            await store.CreateAsync(e, None);
        }

        (await store.GetByProviderAsync(new RecipientId("courier"), None).CollectAsync()).Select(e => e.Id).Should().BeEquivalentTo([forSubject.Id, forOther.Id]);
        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Select(e => e.Id).Should().BeEquivalentTo([forSubject.Id, forAll.Id, confirmed.Id, openEnded.Id]);
        (await store.GetEndedAsync(Epoch.AddDays(29), None).CollectAsync()).Should().BeEmpty();
        (await store.GetEndedAsync(Epoch.AddDays(30), None).CollectAsync()).Select(e => e.Id).Should().BeEquivalentTo([forSubject.Id, forAll.Id, forOther.Id]);

        // Moving the subject off the engagement and terminating it early shows in every list.
        var read = (await store.FindAsync(forSubject.Id, None))!;
        (await store.TryUpdateAsync(read, read with { Subjects = [NewSubject()], TerminatedAt = Epoch.AddDays(1) }, None)).Should().BeTrue();
        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Select(e => e.Id).Should().BeEquivalentTo([forAll.Id, confirmed.Id, openEnded.Id]);
        (await store.GetEndedAsync(Epoch.AddDays(1), None).CollectAsync()).Select(e => e.Id).Should().Equal(forSubject.Id);

        // Confirming the deletion by an update takes the engagement off the ended list; one without an end never is on it.
        var other = (await store.FindAsync(forOther.Id, None))!;
        (await store.TryUpdateAsync(other, other with { DeletionConfirmedAt = Epoch.AddDays(31), DeletionConfirmationReference = "certificate-9" }, None)).Should().BeTrue();
        (await store.GetEndedAsync(Epoch.AddYears(10), None).CollectAsync()).Select(e => e.Id).Should().BeEquivalentTo([forSubject.Id, forAll.Id]);
    }

    [StoreFact]
    public async Task GetNextEnd_is_the_earliest_later_end_still_owing_its_return_or_delete_obligation()
    {
        var store = await CreateStoreAsync();
        (await store.GetNextEndAsync(Epoch, None)).Should().BeNull();

        var endsIn30Days = Engagement("courier");
        var terminatedDay5 = Engagement("payments") with { TerminatedAt = Epoch.AddDays(5) };
        var emittedDay3 = Engagement("archive") with { TerminatedAt = Epoch.AddDays(3), ObligationEmittedAt = Epoch.AddDays(3) };
        var confirmedDay2 = Engagement("mailer") with { TerminatedAt = Epoch.AddDays(2), DeletionConfirmedAt = Epoch.AddDays(2) };
        var open = Engagement("hosting") with { EndsAt = null };
        foreach (var e in new[] { endsIn30Days, terminatedDay5, emittedDay3, confirmedDay2, open })
        {
            await store.CreateAsync(e, None);
        }

        (await store.GetNextEndAsync(Epoch, None)).Should().Be(Epoch.AddDays(5));
        (await store.GetNextEndAsync(Epoch.AddDays(5), None)).Should().Be(Epoch.AddDays(30), "the end is strictly after the instant");
        (await store.GetNextEndAsync(Epoch.AddDays(30), None)).Should().BeNull();

        // use.third-party.service-end: once the obligation is emitted the end no longer wakes the monitor.
        var read = (await store.FindAsync(terminatedDay5.Id, None))!;
        (await store.TryUpdateAsync(read, read with { ObligationEmittedAt = Epoch.AddDays(5), ReturnOrDeleteDueBy = Epoch.AddDays(35) }, None)).Should().BeTrue();
        (await store.GetNextEndAsync(Epoch, None)).Should().Be(Epoch.AddDays(30));
    }

    [StoreFact]
    public async Task Hostile_ids_and_texts_are_stored_exactly()
    {
        var store = await CreateStoreAsync();
        foreach (var id in HostileIdentifiers)
        {
            var engagement = Engagement(id, new SubjectId(id)) with { TerminationReason = id == HostileIdentifiers[0] ? HostileTexts[^1] : id, DeletionConfirmationReference = id };
            await store.CreateAsync(engagement, None);
            (await store.FindAsync(engagement.Id, None)).Should().BeEquivalentTo(engagement);
            (await store.GetByProviderAsync(new RecipientId(id), None).CollectAsync()).Should().ContainSingle();
            (await store.GetBySubjectAsync(new SubjectId(id), None).CollectAsync()).Select(e => e.Id).Should().Equal(engagement.Id);
        }
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured()
    {
        var store = await CreateStoreAsync();
        var engagement = Engagement("courier");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.CreateAsync(engagement, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.FindAsync(engagement.Id, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.GetEndedAsync(Epoch, cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();
        (await store.FindAsync(engagement.Id, None)).Should().BeNull();
    }
}
