using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of <see cref="ISubjectKeyStore"/>: one wrapped data key per subject, rotated by compare-and-swap and
/// destroyed for crypto-shredding (<c>store.subject-delete</c>).
/// </summary>
public abstract class SubjectKeyStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<ISubjectKeyStore> CreateStoreAsync();

    /// <summary>
    /// Opens a second instance over the same storage as <paramref name="first"/>, for stores shared by many
    /// application instances. By default the same store.
    /// </summary>
    /// <param name="first">The store returned by <see cref="CreateStoreAsync"/>.</param>
    /// <returns>The second instance.</returns>
    protected virtual Task<ISubjectKeyStore> OpenAnotherInstanceAsync(ISubjectKeyStore first) => Task.FromResult(first);

    [StoreFact]
    public async Task GetOrAdd_stores_the_first_key_exactly_and_returns_it_for_every_later_candidate()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var first = WrappedKey(subject) with { CreatedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(5.5)) };

        (await store.FindAsync(subject, None)).Should().BeNull();
        ShouldBeExactly(await store.GetOrAddAsync(first, None), first);
        ShouldBeExactly(await store.GetOrAddAsync(WrappedKey(subject, 2), None), first);
        ShouldBeExactly((await store.FindAsync(subject, None))!, first);
        (await store.FindAsync(NewSubject(), None)).Should().BeNull();
    }

    [StoreFact]
    public async Task Racing_GetOrAdd_from_two_instances_store_exactly_one_key_and_all_callers_get_it()
    {
        var store = await CreateStoreAsync();
        var other = await OpenAnotherInstanceAsync(store);
        var subject = NewSubject();

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? store : other).GetOrAddAsync(WrappedKey(subject), None))));

        results.Select(k => Convert.ToHexString(k.WrappedKey.Span)).Distinct().Should().ContainSingle();
        ShouldBeExactly((await other.FindAsync(subject, None))!, results[0]);
    }

    [StoreFact]
    public async Task TryReplace_swaps_the_key_as_read_and_refuses_a_stale_or_unknown_one()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var read = await store.GetOrAddAsync(WrappedKey(subject, 1), None);
        var rewrapped = WrappedKey(subject, 2) with { CreatedAt = read.CreatedAt };

        (await store.TryReplaceAsync(read, rewrapped, None)).Should().BeTrue();
        ShouldBeExactly((await store.FindAsync(subject, None))!, rewrapped);

        // The copy read before the rotation is stale: same version and bytes no longer match.
        (await store.TryReplaceAsync(read, WrappedKey(subject, 3), None)).Should().BeFalse();

        // The same KEK version with other bytes is not the key as read either.
        (await store.TryReplaceAsync(rewrapped with { WrappedKey = new byte[] { 1, 2, 3 } }, WrappedKey(subject, 3), None)).Should().BeFalse();
        ShouldBeExactly((await store.FindAsync(subject, None))!, rewrapped);

        var unknown = WrappedKey(NewSubject());
        (await store.TryReplaceAsync(unknown, unknown with { KekVersion = 2 }, None)).Should().BeFalse();
        (await store.FindAsync(unknown.Subject, None)).Should().BeNull();
    }

    [StoreFact]
    public async Task TryReplace_with_another_subjects_key_is_rejected()
    {
        var store = await CreateStoreAsync();
        var read = await store.GetOrAddAsync(WrappedKey(NewSubject()), None);

        await FluentActions.Awaiting(async () => await store.TryReplaceAsync(read, WrappedKey(NewSubject(), 2), None)).Should().ThrowAsync<ArgumentException>();

        ShouldBeExactly((await store.FindAsync(read.Subject, None))!, read);
    }

    [StoreFact]
    public async Task Concurrent_replaces_from_the_same_read_let_exactly_one_win()
    {
        var store = await CreateStoreAsync();
        var other = await OpenAnotherInstanceAsync(store);
        var subject = NewSubject();
        var read = await store.GetOrAddAsync(WrappedKey(subject, 1), None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? store : other).TryReplaceAsync(read, WrappedKey(subject, 2), None))));

        results.Count(r => r).Should().Be(1);
        (await store.FindAsync(subject, None))!.KekVersion.Should().Be(2);
    }

    [StoreFact]
    public async Task GetWrappedBelow_lists_exactly_the_keys_under_an_older_key_encryption_key()
    {
        var store = await CreateStoreAsync();
        var v1 = await store.GetOrAddAsync(WrappedKey(NewSubject(), 1), None);
        var v2 = await store.GetOrAddAsync(WrappedKey(NewSubject(), 2), None);
        var v3 = await store.GetOrAddAsync(WrappedKey(NewSubject(), 3), None);

        (await store.GetWrappedBelowAsync(1, None).CollectAsync()).Should().BeEmpty();
        (await store.GetWrappedBelowAsync(3, None).CollectAsync()).Select(k => k.Subject).Should().BeEquivalentTo([v1.Subject, v2.Subject]);
        (await store.GetWrappedBelowAsync(4, None).CollectAsync()).Select(k => k.Subject).Should().BeEquivalentTo([v1.Subject, v2.Subject, v3.Subject]);

        // A rotated key leaves the list; a shredded one too.
        (await store.TryReplaceAsync(v1, WrappedKey(v1.Subject, 3), None)).Should().BeTrue();
        (await store.DeleteAsync(v2.Subject, None)).Should().BeTrue();
        (await store.GetWrappedBelowAsync(3, None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Delete_shreds_the_key_once_and_a_new_key_can_be_added_after()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var before = await store.GetOrAddAsync(WrappedKey(subject), None);

        (await store.DeleteAsync(subject, None)).Should().BeTrue();
        (await store.DeleteAsync(subject, None)).Should().BeFalse();
        (await store.DeleteAsync(NewSubject(), None)).Should().BeFalse();
        (await store.FindAsync(subject, None)).Should().BeNull();
        (await store.TryReplaceAsync(before, WrappedKey(subject, 2), None)).Should().BeFalse("a shredded key cannot be brought back by a rotation");

        var after = WrappedKey(subject);
        ShouldBeExactly(await store.GetOrAddAsync(after, None), after);
    }

    [StoreFact]
    public async Task Hostile_subject_ids_and_a_one_mebibyte_key_are_stored_exactly()
    {
        var store = await CreateStoreAsync();
        foreach (var id in HostileIdentifiers)
        {
            var key = WrappedKey(new SubjectId(id));
            ShouldBeExactly(await store.GetOrAddAsync(key, None), key);
            ShouldBeExactly((await store.FindAsync(new SubjectId(id), None))!, key);
        }

        var large = WrappedKey(NewSubject(), 1, 1 << 20);
        await store.GetOrAddAsync(large, None);
        ShouldBeExactly((await store.FindAsync(large.Subject, None))!, large);

        (await store.GetWrappedBelowAsync(2, None).CollectAsync()).Should().HaveCount(HostileIdentifiers.Count + 1);
        foreach (var id in HostileIdentifiers)
        {
            (await store.DeleteAsync(new SubjectId(id), None)).Should().BeTrue();
        }

        (await store.GetWrappedBelowAsync(2, None).CollectAsync()).Should().ContainSingle().Which.Subject.Should().Be(large.Subject);
    }

    [StoreFact]
    public async Task A_key_without_a_subject_is_rejected_naming_the_field()
    {
        var store = await CreateStoreAsync();

        (await FluentActions.Awaiting(async () => await store.GetOrAddAsync(WrappedKey(default), None))
            .Should().ThrowAsync<ArgumentException>()).WithMessage("*Subject*");
        await FluentActions.Awaiting(async () => await store.GetOrAddAsync(null!, None)).Should().ThrowAsync<ArgumentNullException>();
        (await store.GetWrappedBelowAsync(int.MaxValue, None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured()
    {
        var store = await CreateStoreAsync();
        var key = WrappedKey(NewSubject());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.GetOrAddAsync(key, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.FindAsync(key.Subject, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.DeleteAsync(key.Subject, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        (await store.FindAsync(key.Subject, None)).Should().BeNull();
    }

    private static void ShouldBeExactly(WrappedSubjectKey actual, WrappedSubjectKey expected)
    {
        actual.Subject.Should().Be(expected.Subject);
        actual.KekVersion.Should().Be(expected.KekVersion);
        actual.WrappedKey.Span.SequenceEqual(expected.WrappedKey.Span).Should().BeTrue("the wrapped key's {0} bytes are read back exactly", expected.WrappedKey.Length);
        actual.CreatedAt.Should().Be(expected.CreatedAt);
        actual.CreatedAt.Offset.Should().Be(expected.CreatedAt.Offset);
    }
}
