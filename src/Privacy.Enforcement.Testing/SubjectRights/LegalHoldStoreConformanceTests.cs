using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>The contract of <see cref="ILegalHoldStore"/>: holds an erasure must respect until released (<c>store.subject-delete</c>).</summary>
public abstract class LegalHoldStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<ILegalHoldStore> CreateStoreAsync();

    [StoreFact]
    public async Task A_placed_hold_is_listed_exactly_as_active_for_its_subject_only()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var hold = LegalHold(subject, 0, new DataCategory("transactions"), new DataCategory("contact.email"));

        await store.PlaceAsync(hold, None);

        (await store.GetActiveAsync(subject, None).CollectAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(hold);
        (await store.GetActiveAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Placing_a_stored_id_again_is_a_no_op_that_keeps_the_original()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var hold = LegalHold(subject);
        await store.PlaceAsync(hold, None);

        await store.PlaceAsync(hold with { Reason = "changed", Categories = [new DataCategory("device")] }, None);

        (await store.GetActiveAsync(subject, None).CollectAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(hold);
    }

    [StoreFact]
    public async Task Release_ends_an_active_hold_once_and_leaves_the_others()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var released = LegalHold(subject, 1);
        var kept = LegalHold(subject, 2);
        await store.PlaceAsync(released, None);
        await store.PlaceAsync(kept, None);

        (await store.ReleaseAsync(released.Id, Epoch.AddDays(1), None)).Should().BeTrue();
        (await store.ReleaseAsync(released.Id, Epoch.AddDays(2), None)).Should().BeFalse("a released hold is not active");
        (await store.ReleaseAsync(Guid.NewGuid(), Epoch.AddDays(2), None)).Should().BeFalse("an unknown hold is not active");

        (await store.GetActiveAsync(subject, None).CollectAsync()).Select(h => h.Id).Should().Equal(kept.Id);

        // Placing the released id again does not bring it back.
        await store.PlaceAsync(released, None);
        (await store.GetActiveAsync(subject, None).CollectAsync()).Select(h => h.Id).Should().Equal(kept.Id);
    }

    [StoreFact]
    public async Task A_hold_placed_already_released_is_not_active()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var hold = LegalHold(subject) with { ReleasedAt = Epoch.AddDays(1) };

        await store.PlaceAsync(hold, None);

        (await store.GetActiveAsync(subject, None).CollectAsync()).Should().BeEmpty();
        (await store.ReleaseAsync(hold.Id, Epoch.AddDays(2), None)).Should().BeFalse();
    }

    [StoreFact]
    public async Task GetActive_lists_the_oldest_hold_first_whatever_order_they_were_placed_in()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var late = LegalHold(subject, 30);
        var early = LegalHold(subject, 1);
        var middle = LegalHold(subject, 10);
        foreach (var hold in new[] { late, early, middle })
        {
            await store.PlaceAsync(hold, None);
        }

        (await store.GetActiveAsync(subject, None).CollectAsync()).Select(h => h.Id).Should().Equal(early.Id, middle.Id, late.Id);
    }

    [StoreFact]
    public async Task Racing_places_of_one_hold_store_it_once_and_racing_releases_let_exactly_one_win()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var hold = LegalHold(subject);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await store.PlaceAsync(hold, None))));
        (await store.GetActiveAsync(subject, None).CollectAsync()).Should().ContainSingle();

        var released = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () => await store.ReleaseAsync(hold.Id, Epoch.AddDays(i), None))));
        released.Count(r => r).Should().Be(1);
        (await store.GetActiveAsync(subject, None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Hostile_subject_ids_and_texts_are_stored_exactly()
    {
        var store = await CreateStoreAsync();
        foreach (var id in HostileIdentifiers)
        {
            var hold = LegalHold(new SubjectId(id), 0, new DataCategory(id)) with { Reference = id, Reason = id };
            await store.PlaceAsync(hold, None);
            (await store.GetActiveAsync(new SubjectId(id), None).CollectAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(hold);
        }

        var subject = NewSubject();
        var holds = HostileTexts.Select((text, i) => LegalHold(subject, i) with { Reference = text, Reason = text }).ToArray();
        foreach (var hold in holds)
        {
            await store.PlaceAsync(hold, None);
        }

        (await store.GetActiveAsync(subject, None).CollectAsync()).Should().BeEquivalentTo(holds, o => o.WithStrictOrdering());
    }

    [StoreFact]
    public async Task A_hold_without_a_subject_or_reason_is_rejected_naming_the_field()
    {
        var store = await CreateStoreAsync();

        (await FluentActions.Awaiting(async () => await store.PlaceAsync(LegalHold(default), None))
            .Should().ThrowAsync<ArgumentException>()).WithMessage("*Subject*");
        (await FluentActions.Awaiting(async () => await store.PlaceAsync(LegalHold(NewSubject()) with { Reason = null! }, None))
            .Should().ThrowAsync<ArgumentNullException>()).WithMessage("*Reason*");
        await FluentActions.Awaiting(async () => await store.PlaceAsync(null!, None)).Should().ThrowAsync<ArgumentNullException>();
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var hold = LegalHold(subject);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.PlaceAsync(hold, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.GetActiveAsync(subject, cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();
        (await store.GetActiveAsync(subject, None).CollectAsync()).Should().BeEmpty();
    }
}
