using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>The contract of <see cref="IAcceptanceStore"/> (<c>intro.acceptance</c>, <c>use.own-marketing</c>).</summary>
public abstract class AcceptanceStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IAcceptanceStore> CreateStoreAsync();

    [StoreFact]
    public async Task Acceptances_are_read_back_oldest_first_per_subject()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        PolicyAcceptance[] acceptances =
        [
            new(subject, Policy, AcceptanceKind.DeemedByContinuedUse, Epoch, "sign-in"),
            new(subject, Policy with { Version = new Version(2, 0) }, AcceptanceKind.Explicit, Epoch.AddDays(1), "accept-button"),
        ];
        await store.AppendAcceptanceAsync(new PolicyAcceptance(NewSubject(), Policy, AcceptanceKind.Explicit, Epoch, "other"), None);
        foreach (var acceptance in acceptances)
        {
            await store.AppendAcceptanceAsync(acceptance, None);
        }

        (await store.GetAcceptancesAsync(subject, None).CollectAsync()).Should().BeEquivalentTo(acceptances, o => o.WithStrictOrdering());
        (await store.GetAcceptancesAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Objections_are_read_back_oldest_first_per_subject()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        ObjectionFact[] objections =
        [
            new(subject, new PurposeId("marketing.own"), ObjectionState.Raised, Epoch),
            new(subject, new PurposeId("marketing.own"), ObjectionState.Lifted, Epoch.AddHours(1)),
            new(subject, new PurposeId("analytics"), ObjectionState.Raised, Epoch.AddHours(2)),
        ];
        foreach (var objection in objections)
        {
            await store.AppendObjectionAsync(objection, None);
        }

        (await store.GetObjectionsAsync(subject, None).CollectAsync()).Should().Equal(objections);
        (await store.GetObjectionsAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task DeleteSubject_deletes_acceptances_and_objections_of_that_subject_only()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var other = NewSubject();
        await store.AppendAcceptanceAsync(new(subject, Policy, AcceptanceKind.Explicit, Epoch, "button"), None);
        await store.AppendObjectionAsync(new(subject, new PurposeId("marketing.own"), ObjectionState.Raised, Epoch), None);
        await store.AppendAcceptanceAsync(new(other, Policy, AcceptanceKind.Explicit, Epoch, "button"), None);

        (await store.DeleteSubjectAsync(subject, None)).Should().Be(2);
        (await store.DeleteSubjectAsync(subject, None)).Should().Be(0);

        (await store.GetAcceptancesAsync(subject, None).CollectAsync()).Should().BeEmpty();
        (await store.GetObjectionsAsync(subject, None).CollectAsync()).Should().BeEmpty();
        (await store.GetAcceptancesAsync(other, None).CollectAsync()).Should().HaveCount(1);
    }

    [StoreFact]
    public async Task Hostile_subjects_and_counted_events_are_stored_exactly()
    {
        var store = await CreateStoreAsync();
        foreach (var id in HostileIdentifiers)
        {
            var subject = new SubjectId(id);
            var acceptance = new PolicyAcceptance(subject, Policy, AcceptanceKind.Explicit, Epoch, id);
            await store.AppendAcceptanceAsync(acceptance, None);
            var read = (await store.GetAcceptancesAsync(subject, None).CollectAsync()).Should().ContainSingle().Which;
            read.Subject.Value.Should().Be(id);
            read.Should().BeEquivalentTo(acceptance);
        }

        var texts = NewSubject();
        foreach (var text in HostileTexts)
        {
            await store.AppendAcceptanceAsync(new(texts, Policy, AcceptanceKind.Explicit, Epoch, text), None);
        }

        (await store.GetAcceptancesAsync(texts, None).CollectAsync()).Select(a => a.CountedEvent).Should().Equal(HostileTexts);
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured_and_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.AppendAcceptanceAsync(new(subject, Policy, AcceptanceKind.Explicit, Epoch, "x"), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.AppendObjectionAsync(new(subject, new PurposeId("analytics"), ObjectionState.Raised, Epoch), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.GetObjectionsAsync(subject, cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();

        (await store.GetAcceptancesAsync(subject, None).CollectAsync()).Should().BeEmpty();
        (await store.GetObjectionsAsync(subject, None).CollectAsync()).Should().BeEmpty();
    }
}
