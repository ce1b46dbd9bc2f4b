using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>The contract of <see cref="IPseudonymStore"/>: one stable random pseudonym per subject until erasure.</summary>
public abstract class PseudonymStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IPseudonymStore> CreateStoreAsync();

    [StoreFact]
    public async Task GetOrCreate_returns_one_stable_pseudonym_per_subject_that_is_not_the_subject_id()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();

        var first = await store.GetOrCreateAsync(subject, None);
        var again = await store.GetOrCreateAsync(subject, None);
        var other = await store.GetOrCreateAsync(NewSubject(), None);

        first.Should().NotBeNullOrWhiteSpace().And.Be(again).And.NotBe(other).And.NotContain(subject.Value);
        (await store.FindAsync(subject, None)).Should().Be(first);
        (await store.FindAsync(NewSubject(), None)).Should().BeNull();
    }

    [StoreFact]
    public async Task Concurrent_GetOrCreate_for_one_subject_agree()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();

        var pseudonyms = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await store.GetOrCreateAsync(subject, None))));

        pseudonyms.Distinct().Should().ContainSingle();
    }

    [StoreFact]
    public async Task Delete_removes_the_mapping_and_a_new_one_is_unlinkable()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var before = await store.GetOrCreateAsync(subject, None);

        (await store.DeleteAsync(subject, None)).Should().BeTrue();
        (await store.DeleteAsync(subject, None)).Should().BeFalse();
        (await store.FindAsync(subject, None)).Should().BeNull();
        (await store.GetOrCreateAsync(subject, None)).Should().NotBe(before);
    }

    [StoreFact]
    public async Task Hostile_subject_ids_map_to_distinct_pseudonyms()
    {
        var store = await CreateStoreAsync();
        var pseudonyms = new List<string>();
        foreach (var id in HostileIdentifiers)
        {
            var pseudonym = await store.GetOrCreateAsync(new SubjectId(id), None);
            (await store.FindAsync(new SubjectId(id), None)).Should().Be(pseudonym);
            pseudonyms.Add(pseudonym);
        }

        pseudonyms.Should().OnlyHaveUniqueItems();
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.GetOrCreateAsync(subject, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.DeleteAsync(subject, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        (await store.FindAsync(subject, None)).Should().BeNull();
    }
}
