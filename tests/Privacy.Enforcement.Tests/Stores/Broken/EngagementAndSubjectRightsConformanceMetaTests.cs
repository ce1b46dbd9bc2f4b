using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>The engagement store conformance suite fails for each deliberately broken store (a new, empty store for each test).</summary>
public sealed class EngagementStoreConformanceMetaTests
{
    private static readonly Dictionary<string, (Func<object> Suite, string[] MustFail)> Broken = new()
    {
        [nameof(DropsEngagements)] = (() => new Suite(() => new DropsEngagements()), [nameof(Suite.Create_then_Find_returns_the_engagement_and_Find_of_an_unknown_id_returns_null), nameof(Suite.Creating_an_existing_id_fails_with_a_store_exception_and_keeps_the_original), nameof(Suite.Hostile_ids_and_texts_are_stored_exactly)]),
        [nameof(OverwritesEngagements)] = (() => new Suite(() => new OverwritesEngagements()), [nameof(Suite.Creating_an_existing_id_fails_with_a_store_exception_and_keeps_the_original)]),
        [nameof(UpdatesEngagementsWithoutConcurrencyCheck)] = (() => new Suite(() => new UpdatesEngagementsWithoutConcurrencyCheck()), [nameof(Suite.TryUpdate_replaces_the_engagement_as_read_and_refuses_a_stale_one), nameof(Suite.Concurrent_updates_from_the_same_read_let_exactly_one_win)]),
        [nameof(UpsertsEngagements)] = (() => new Suite(() => new UpsertsEngagements()), [nameof(Suite.TryUpdate_of_an_unknown_engagement_returns_false_and_a_changed_id_is_rejected)]),
        [nameof(ListsConfirmedEngagementsAsEnded)] = (() => new Suite(() => new ListsConfirmedEngagementsAsEnded()), [nameof(Suite.Lists_by_provider_by_subject_and_ended_follow_the_current_state)]),
        [nameof(ListsOnlyNamedSubjects)] = (() => new Suite(() => new ListsOnlyNamedSubjects()), [nameof(Suite.Lists_by_provider_by_subject_and_ended_follow_the_current_state)]),
        [nameof(ListsOpenEndedEngagementsAsEnded)] = (() => new Suite(() => new ListsOpenEndedEngagementsAsEnded()), [nameof(Suite.Lists_by_provider_by_subject_and_ended_follow_the_current_state)]),
        [nameof(IgnoresConfirmationByUpdate)] = (() => new Suite(() => new IgnoresConfirmationByUpdate()), [nameof(Suite.Lists_by_provider_by_subject_and_ended_follow_the_current_state)]),
        [nameof(WakesOnEmittedEnds)] = (() => new Suite(() => new WakesOnEmittedEnds()), [nameof(Suite.GetNextEnd_is_the_earliest_later_end_still_owing_its_return_or_delete_obligation)]),
        [nameof(NormalisesEngagementSubjects)] = (() => new Suite(() => new NormalisesEngagementSubjects()), [nameof(Suite.Hostile_ids_and_texts_are_stored_exactly)]),
        [nameof(EngagementStoreIgnoringCancellation)] = (() => new Suite(() => new EngagementStoreIgnoringCancellation()), [nameof(Suite.A_cancelled_token_is_honoured)]),
    };

    [Fact]
    public async Task The_in_memory_store_passes_every_test() =>
        (await ConformanceProbe.FailingTestsAsync(new Suite(() => new InMemoryEngagementStore()))).Should().BeEmpty();

    [Fact]
    public Task Each_broken_store_is_caught_and_every_test_catches_one() =>
        ConformanceProbe.EachBrokenStoreIsCaughtAsync(typeof(EngagementStoreConformanceTests), Broken);

    private sealed class Suite(Func<IEngagementStore> create) : EngagementStoreConformanceTests
    {
        protected override Task<IEngagementStore> CreateStoreAsync() => Task.FromResult(create());
    }
}

/// <summary>The legal hold store conformance suite fails for each deliberately broken store.</summary>
public sealed class LegalHoldStoreConformanceMetaTests
{
    private static readonly Dictionary<string, (Func<object> Suite, string[] MustFail)> Broken = new()
    {
        [nameof(DropsHolds)] = (() => new Suite(() => new DropsHolds()), [nameof(Suite.A_placed_hold_is_listed_exactly_as_active_for_its_subject_only), nameof(Suite.Hostile_subject_ids_and_texts_are_stored_exactly)]),
        [nameof(ReplacesHoldsPlacedAgain)] = (() => new Suite(() => new ReplacesHoldsPlacedAgain()), [nameof(Suite.Placing_a_stored_id_again_is_a_no_op_that_keeps_the_original)]),
        [nameof(ReleasesHoldsAgain)] = (() => new Suite(() => new ReleasesHoldsAgain()), [nameof(Suite.Release_ends_an_active_hold_once_and_leaves_the_others), nameof(Suite.A_hold_placed_already_released_is_not_active), nameof(Suite.Racing_places_of_one_hold_store_it_once_and_racing_releases_let_exactly_one_win)]),
        [nameof(ActivatesReleasedHolds)] = (() => new Suite(() => new ActivatesReleasedHolds()), [nameof(Suite.A_hold_placed_already_released_is_not_active)]),
        [nameof(ListsHoldsNewestFirst)] = (() => new Suite(() => new ListsHoldsNewestFirst()), [nameof(Suite.GetActive_lists_the_oldest_hold_first_whatever_order_they_were_placed_in)]),
        [nameof(NormalisesHoldSubjects)] = (() => new Suite(() => new NormalisesHoldSubjects()), [nameof(Suite.Hostile_subject_ids_and_texts_are_stored_exactly)]),
        [nameof(SkipsHoldsWithoutReason)] = (() => new Suite(() => new SkipsHoldsWithoutReason()), [nameof(Suite.A_hold_without_a_subject_or_reason_is_rejected_naming_the_field)]),
        [nameof(LegalHoldStoreIgnoringCancellation)] = (() => new Suite(() => new LegalHoldStoreIgnoringCancellation()), [nameof(Suite.A_cancelled_token_is_honoured)]),
    };

    [Fact]
    public async Task The_in_memory_store_passes_every_test() =>
        (await ConformanceProbe.FailingTestsAsync(new Suite(() => new InMemoryLegalHoldStore()))).Should().BeEmpty();

    [Fact]
    public Task Each_broken_store_is_caught_and_every_test_catches_one() =>
        ConformanceProbe.EachBrokenStoreIsCaughtAsync(typeof(LegalHoldStoreConformanceTests), Broken);

    private sealed class Suite(Func<ILegalHoldStore> create) : LegalHoldStoreConformanceTests
    {
        protected override Task<ILegalHoldStore> CreateStoreAsync() => Task.FromResult(create());
    }
}

/// <summary>The subject-rights request store conformance suite fails for each deliberately broken store.</summary>
public sealed class SubjectRightsRequestStoreConformanceMetaTests
{
    private static readonly Dictionary<string, (Func<object> Suite, string[] MustFail)> Broken = new()
    {
        [nameof(DropsRequests)] = (() => new Suite(() => new DropsRequests()), [nameof(Suite.AddOrGetOpen_stores_a_new_request_that_Find_returns_exactly_and_Find_of_an_unknown_id_returns_null), nameof(Suite.Adding_a_stored_id_that_is_not_an_open_duplicate_fails_and_keeps_the_original)]),
        [nameof(HidesOpenDuplicates)] = (() => new Suite(() => new HidesOpenDuplicates()), [nameof(Suite.An_open_request_with_the_same_subject_kind_and_scope_is_returned_instead_of_a_second_one), nameof(Suite.Identical_requests_racing_from_two_instances_store_exactly_one)]),
        [nameof(DeduplicatesClosedRequests)] = (() => new Suite(() => new DeduplicatesClosedRequests()), [nameof(Suite.Once_the_request_is_completed_the_same_request_is_stored_anew)]),
        [nameof(ReturnsStoredIdSilently)] = (() => new Suite(() => new ReturnsStoredIdSilently()), [nameof(Suite.Adding_a_stored_id_that_is_not_an_open_duplicate_fails_and_keeps_the_original)]),
        [nameof(UpdatesRequestsWithoutConcurrencyCheck)] = (() => new Suite(() => new UpdatesRequestsWithoutConcurrencyCheck()), [nameof(Suite.TryUpdate_replaces_the_request_as_read_and_refuses_a_stale_one), nameof(Suite.Concurrent_updates_from_the_same_read_let_exactly_one_win)]),
        [nameof(UpsertsRequests)] = (() => new Suite(() => new UpsertsRequests()), [nameof(Suite.TryUpdate_of_an_unknown_request_returns_false_and_a_changed_id_or_version_is_rejected)]),
        [nameof(UnsealsErasedRequests)] = (() => new Suite(() => new UnsealsErasedRequests()), [nameof(Suite.A_completed_erasure_seals_every_closed_request_of_its_subject_and_GetBySubject_still_finds_them)]),
        [nameof(LosesSealedRequests)] = (() => new Suite(() => new LosesSealedRequests()), [nameof(Suite.A_completed_erasure_seals_every_closed_request_of_its_subject_and_GetBySubject_still_finds_them)]),
        [nameof(ListsRequestsNewestFirst)] = (() => new Suite(() => new ListsRequestsNewestFirst()), [nameof(Suite.GetBySubject_lists_only_the_subjects_requests_oldest_first)]),
        [nameof(ListsOpenRequestsByReceipt)] = (() => new Suite(() => new ListsOpenRequestsByReceipt()), [nameof(Suite.GetOpen_lists_every_open_request_earliest_deadline_first_and_no_completed_one)]),
        [nameof(NormalisesRequestScopes)] = (() => new Suite(() => new NormalisesRequestScopes()), [nameof(Suite.Hostile_subject_ids_and_scopes_are_stored_exactly_and_still_detect_duplicates)]),
        [nameof(DropsKeptRecords)] = (() => new Suite(() => new DropsKeptRecords()), [nameof(Suite.Hostile_texts_in_the_evidence_are_stored_exactly)]),
        [nameof(SkipsRequestsWithoutScope)] = (() => new Suite(() => new SkipsRequestsWithoutScope()), [nameof(Suite.A_request_without_a_subject_or_scope_is_rejected_naming_the_field)]),
        [nameof(SubjectRightsRequestStoreIgnoringCancellation)] = (() => new Suite(() => new SubjectRightsRequestStoreIgnoringCancellation()), [nameof(Suite.A_cancelled_token_is_honoured)]),
    };

    [Fact]
    public async Task The_in_memory_store_passes_every_test() =>
        (await ConformanceProbe.FailingTestsAsync(new Suite(() => new InMemorySubjectRightsRequestStore()))).Should().BeEmpty();

    [Fact]
    public Task Each_broken_store_is_caught_and_every_test_catches_one() =>
        ConformanceProbe.EachBrokenStoreIsCaughtAsync(typeof(SubjectRightsRequestStoreConformanceTests), Broken);

    private sealed class Suite(Func<ISubjectRightsRequestStore> create) : SubjectRightsRequestStoreConformanceTests
    {
        protected override Task<ISubjectRightsRequestStore> CreateStoreAsync() => Task.FromResult(create());
    }
}
