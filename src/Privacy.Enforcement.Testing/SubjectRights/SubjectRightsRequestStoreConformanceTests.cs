using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of <see cref="ISubjectRightsRequestStore"/> (<c>store.subject-access</c>, <c>store.subject-edit</c>,
/// <c>store.subject-delete</c>): one open request per subject, kind and scope, optimistic updates, and the orders the
/// monitor and the subject's history rely on.
/// </summary>
public abstract class SubjectRightsRequestStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<ISubjectRightsRequestStore> CreateStoreAsync();

    /// <summary>
    /// Opens a second instance over the same storage as <paramref name="first"/> (a new service provider and
    /// connection pool), for stores shared by many application instances. By default the same store.
    /// </summary>
    /// <param name="first">The store returned by <see cref="CreateStoreAsync"/>.</param>
    /// <returns>The second instance.</returns>
    protected virtual Task<ISubjectRightsRequestStore> OpenAnotherInstanceAsync(ISubjectRightsRequestStore first) => Task.FromResult(first);

    [StoreFact]
    public async Task AddOrGetOpen_stores_a_new_request_that_Find_returns_exactly_and_Find_of_an_unknown_id_returns_null()
    {
        var store = await CreateStoreAsync();
        var request = SubjectRightsRequest(NewSubject(), SubjectRightsRequestKind.Erase);

        (await store.AddOrGetOpenAsync(request, None)).Should().BeEquivalentTo(request);

        (await store.FindAsync(request.Id, None)).Should().BeEquivalentTo(request);
        (await store.FindAsync(SubjectRightsRequestId.New(), None)).Should().BeNull();
    }

    [StoreFact]
    public async Task An_open_request_with_the_same_subject_kind_and_scope_is_returned_instead_of_a_second_one()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var first = SubjectRightsRequest(subject, SubjectRightsRequestKind.Rectify, "contact.email");

        await store.AddOrGetOpenAsync(first, None);
        var duplicate = SubjectRightsRequest(subject, SubjectRightsRequestKind.Rectify, "contact.email", at: 5);

        (await store.AddOrGetOpenAsync(duplicate, None)).Id.Should().Be(first.Id);
        (await store.FindAsync(duplicate.Id, None)).Should().BeNull();

        // Another scope, kind or subject is another request.
        var otherScope = SubjectRightsRequest(subject, SubjectRightsRequestKind.Rectify, "contact.phone");
        var otherKind = SubjectRightsRequest(subject, SubjectRightsRequestKind.Access, "contact.email");
        var otherSubject = SubjectRightsRequest(NewSubject(), SubjectRightsRequestKind.Rectify, "contact.email");
        foreach (var request in new[] { otherScope, otherKind, otherSubject })
        {
            (await store.AddOrGetOpenAsync(request, None)).Id.Should().Be(request.Id);
        }

        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Select(r => r.Id).Should().BeEquivalentTo([first.Id, otherScope.Id, otherKind.Id]);
    }

    [StoreFact]
    public async Task Once_the_request_is_completed_the_same_request_is_stored_anew()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var first = await store.AddOrGetOpenAsync(SubjectRightsRequest(subject), None);
        (await store.TryUpdateAsync(first, Ran(first, SubjectRightsRequestStatus.Completed), None)).Should().BeTrue();

        var again = SubjectRightsRequest(subject, at: 60);

        (await store.AddOrGetOpenAsync(again, None)).Id.Should().Be(again.Id);
        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Select(r => r.Id).Should().Equal(first.Id, again.Id);
    }

    [StoreFact]
    public async Task Identical_requests_racing_from_two_instances_store_exactly_one()
    {
        var store = await CreateStoreAsync();
        var other = await OpenAnotherInstanceAsync(store);
        var subject = NewSubject();
        var candidates = Enumerable.Range(0, 12).Select(i => SubjectRightsRequest(subject, SubjectRightsRequestKind.Erase, at: i)).ToArray();

        var stored = await Task.WhenAll(candidates.Select((request, i) =>
            Task.Run(async () => await (i % 2 == 0 ? store : other).AddOrGetOpenAsync(request, None))));

        stored.Select(r => r.Id).Distinct().Should().ContainSingle();
        candidates.Select(c => c.Id).Should().Contain(stored[0].Id);
        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Should().ContainSingle().Which.Id.Should().Be(stored[0].Id);
    }

    [StoreFact]
    public async Task Adding_a_stored_id_that_is_not_an_open_duplicate_fails_and_keeps_the_original()
    {
        var store = await CreateStoreAsync();
        var request = await store.AddOrGetOpenAsync(SubjectRightsRequest(NewSubject()), None);

        await FluentActions.Awaiting(async () => await store.AddOrGetOpenAsync(request with { Scope = "other" }, None))
            .Should().ThrowAsync<PrivacyStoreException>();

        (await store.FindAsync(request.Id, None)).Should().BeEquivalentTo(request);
    }

    [StoreFact]
    public async Task TryUpdate_replaces_the_request_as_read_and_refuses_a_stale_one()
    {
        var store = await CreateStoreAsync();
        var read = await store.AddOrGetOpenAsync(SubjectRightsRequest(NewSubject(), SubjectRightsRequestKind.Erase), None);
        var partial = Ran(read, SubjectRightsRequestStatus.PartiallyCompleted);

        (await store.TryUpdateAsync(read, partial, None)).Should().BeTrue();
        (await store.FindAsync(read.Id, None)).Should().BeEquivalentTo(partial);

        // The first reader's copy is stale now: its update must lose and change nothing.
        (await store.TryUpdateAsync(read, Ran(read, SubjectRightsRequestStatus.Completed), None)).Should().BeFalse();
        (await store.FindAsync(read.Id, None)).Should().BeEquivalentTo(partial);

        var completed = Ran(partial, SubjectRightsRequestStatus.Completed);
        (await store.TryUpdateAsync(partial, completed, None)).Should().BeTrue();
        (await store.FindAsync(read.Id, None)).Should().BeEquivalentTo(completed with { Subject = default }, o => o.Excluding(r => r.SubjectHash));
    }

    [StoreFact]
    public async Task A_completed_erasure_seals_every_closed_request_of_its_subject_and_GetBySubject_still_finds_them()
    {
        // store.subject-delete: after erasure no stored request names the subject; the subject's id still finds them.
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var access = await store.AddOrGetOpenAsync(SubjectRightsRequest(subject, SubjectRightsRequestKind.Access, at: 1), None);
        await store.TryUpdateAsync(access, Ran(access, SubjectRightsRequestStatus.Completed), None);
        var open = await store.AddOrGetOpenAsync(SubjectRightsRequest(subject, SubjectRightsRequestKind.Rectify, "user.contact.phone_number", at: 2), None);
        var other = await store.AddOrGetOpenAsync(SubjectRightsRequest(NewSubject(), SubjectRightsRequestKind.Access, at: 3), None);
        await store.TryUpdateAsync(other, Ran(other, SubjectRightsRequestStatus.Completed), None);
        var erase = await store.AddOrGetOpenAsync(SubjectRightsRequest(subject, SubjectRightsRequestKind.Erase, at: 4), None);

        (await store.TryUpdateAsync(erase, Ran(erase, SubjectRightsRequestStatus.Completed), None)).Should().BeTrue();

        var sealedAccess = (await store.FindAsync(access.Id, None))!;
        var sealedErase = (await store.FindAsync(erase.Id, None))!;
        foreach (var sealedRequest in new[] { sealedAccess, sealedErase })
        {
            sealedRequest.Subject.IsEmpty.Should().BeTrue();
            sealedRequest.SubjectHash.Should().StartWith("hmac-sha256:").And.NotContain(subject.Value);
        }

        sealedAccess.SubjectHash.Should().Be(sealedErase.SubjectHash);
        sealedErase.Steps.Should().NotBeEmpty("the evidence of what was done stays");
        (await store.FindAsync(open.Id, None))!.Subject.Should().Be(subject, "an open request is still being answered");
        (await store.FindAsync(other.Id, None))!.Subject.Should().NotBe(default(SubjectId), "another subject's requests are untouched");

        var second = await OpenAnotherInstanceAsync(store);
        (await second.GetBySubjectAsync(subject, None).CollectAsync()).Select(r => r.Id).Should().Equal(access.Id, open.Id, erase.Id);
        (await second.GetBySubjectAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();

        // A new request of the same id is stored and found like any other.
        var again = await second.AddOrGetOpenAsync(SubjectRightsRequest(subject, SubjectRightsRequestKind.Erase, at: 9), None);
        again.Subject.Should().Be(subject);
        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Select(r => r.Id).Should().Equal(access.Id, open.Id, erase.Id, again.Id);
    }

    [StoreFact]
    public async Task TryUpdate_of_an_unknown_request_returns_false_and_a_changed_id_or_version_is_rejected()
    {
        var store = await CreateStoreAsync();
        var request = SubjectRightsRequest(NewSubject());

        (await store.TryUpdateAsync(request, Ran(request, SubjectRightsRequestStatus.Failed), None)).Should().BeFalse();
        (await store.FindAsync(request.Id, None)).Should().BeNull();

        await store.AddOrGetOpenAsync(request, None);
        await FluentActions.Awaiting(async () => await store.TryUpdateAsync(request, Ran(request, SubjectRightsRequestStatus.Failed) with { Id = SubjectRightsRequestId.New() }, None))
            .Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(async () => await store.TryUpdateAsync(request, request with { Status = SubjectRightsRequestStatus.Failed }, None))
            .Should().ThrowAsync<ArgumentException>();
        (await store.FindAsync(request.Id, None)).Should().BeEquivalentTo(request);
    }

    [StoreFact]
    public async Task Concurrent_updates_from_the_same_read_let_exactly_one_win()
    {
        var store = await CreateStoreAsync();
        var other = await OpenAnotherInstanceAsync(store);
        var read = await store.AddOrGetOpenAsync(SubjectRightsRequest(NewSubject()), None);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? store : other).TryUpdateAsync(read, Ran(read, SubjectRightsRequestStatus.InProgress), None))));

        results.Count(r => r).Should().Be(1);
        (await store.FindAsync(read.Id, None))!.Version.Should().Be(2);
    }

    [StoreFact]
    public async Task GetBySubject_lists_only_the_subjects_requests_oldest_first()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var late = SubjectRightsRequest(subject, SubjectRightsRequestKind.Erase, at: 30);
        var early = SubjectRightsRequest(subject, SubjectRightsRequestKind.Access, at: 1);
        var middle = SubjectRightsRequest(subject, SubjectRightsRequestKind.Rectify, "contact.email", at: 10);
        foreach (var request in new[] { late, early, middle, SubjectRightsRequest(NewSubject()) })
        {
            await store.AddOrGetOpenAsync(request, None);
        }

        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Select(r => r.Id).Should().Equal(early.Id, middle.Id, late.Id);
        (await store.GetBySubjectAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task GetOpen_lists_every_open_request_earliest_deadline_first_and_no_completed_one()
    {
        var store = await CreateStoreAsync();
        var dueLast = SubjectRightsRequest(NewSubject(), at: 0) with { Deadline = Epoch.AddDays(40) };
        var dueFirst = SubjectRightsRequest(NewSubject(), at: 5) with { Deadline = Epoch.AddDays(2) };
        var failed = SubjectRightsRequest(NewSubject(), at: 9) with { Deadline = Epoch.AddDays(20) };
        var completed = SubjectRightsRequest(NewSubject(), at: 1) with { Deadline = Epoch.AddDays(1) };
        foreach (var request in new[] { dueLast, dueFirst, failed, completed })
        {
            await store.AddOrGetOpenAsync(request, None);
        }

        (await store.TryUpdateAsync(failed, Ran(failed, SubjectRightsRequestStatus.Failed), None)).Should().BeTrue();
        (await store.TryUpdateAsync(completed, Ran(completed, SubjectRightsRequestStatus.Completed), None)).Should().BeTrue();

        (await store.GetOpenAsync(None).CollectAsync()).Select(r => r.Id).Should().Equal(dueFirst.Id, failed.Id, dueLast.Id);
    }

    [StoreFact]
    public async Task Hostile_subject_ids_and_scopes_are_stored_exactly_and_still_detect_duplicates()
    {
        var store = await CreateStoreAsync();
        foreach (var id in HostileIdentifiers)
        {
            var request = SubjectRightsRequest(new SubjectId(id), SubjectRightsRequestKind.Rectify, scope: id);
            await store.AddOrGetOpenAsync(request, None);
            (await store.FindAsync(request.Id, None)).Should().BeEquivalentTo(request);
            (await store.GetBySubjectAsync(new SubjectId(id), None).CollectAsync()).Select(r => r.Id).Should().Equal(request.Id);
        }

        var subject = NewSubject();
        var stored = new List<SubjectRightsRequest>();
        foreach (var scope in HostileTexts.Concat(["é", "e\u0301"]))
        {
            var request = SubjectRightsRequest(subject, SubjectRightsRequestKind.Rectify, scope);
            (await store.AddOrGetOpenAsync(request, None)).Should().BeEquivalentTo(request, "scopes are compared exactly, ordinally");
            (await store.AddOrGetOpenAsync(SubjectRightsRequest(subject, SubjectRightsRequestKind.Rectify, scope), None)).Id.Should().Be(request.Id);
            stored.Add(request);
        }

        (await store.GetBySubjectAsync(subject, None).CollectAsync()).Select(r => r.Id).Should().BeEquivalentTo(stored.Select(r => r.Id));
    }

    [StoreFact]
    public async Task Hostile_texts_in_the_evidence_are_stored_exactly()
    {
        var store = await CreateStoreAsync();
        var read = await store.AddOrGetOpenAsync(SubjectRightsRequest(NewSubject(), SubjectRightsRequestKind.Erase), None);
        var ran = Ran(read, SubjectRightsRequestStatus.PartiallyCompleted);
        var updated = ran with
        {
            Steps = [.. HostileTexts.Select(t => new SubjectRightsStepResult(t, SubjectRightsStepStatus.Failed, [], null, t, 1))],
            Kept = [.. HostileTexts.Select(t => new KeptRecord(t, t, ClauseIds.CollectExemptViolations, t, []))],
        };

        (await store.TryUpdateAsync(read, updated, None)).Should().BeTrue();

        (await store.FindAsync(read.Id, None)).Should().BeEquivalentTo(updated);
    }

    [StoreFact]
    public async Task A_request_without_a_subject_or_scope_is_rejected_naming_the_field()
    {
        var store = await CreateStoreAsync();

        (await FluentActions.Awaiting(async () => await store.AddOrGetOpenAsync(SubjectRightsRequest(default), None))
            .Should().ThrowAsync<ArgumentException>()).WithMessage("*Subject*");
        (await FluentActions.Awaiting(async () => await store.AddOrGetOpenAsync(SubjectRightsRequest(NewSubject()) with { Scope = null! }, None))
            .Should().ThrowAsync<ArgumentNullException>()).WithMessage("*Scope*");
        await FluentActions.Awaiting(async () => await store.AddOrGetOpenAsync(null!, None)).Should().ThrowAsync<ArgumentNullException>();
        (await store.GetOpenAsync(None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured()
    {
        var store = await CreateStoreAsync();
        var request = SubjectRightsRequest(NewSubject());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.AddOrGetOpenAsync(request, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.FindAsync(request.Id, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.GetOpenAsync(cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();
        (await store.FindAsync(request.Id, None)).Should().BeNull();
    }
}
