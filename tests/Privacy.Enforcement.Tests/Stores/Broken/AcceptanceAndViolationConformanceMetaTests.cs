using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>The acceptance store conformance suite fails for each deliberately broken store.</summary>
public sealed class AcceptanceStoreConformanceMetaTests
{
    private static readonly Dictionary<string, (Func<object> Suite, string[] MustFail)> Broken = new()
    {
        [nameof(DropsAcceptances)] = (() => new Suite(new DropsAcceptances()), [nameof(Suite.Acceptances_are_read_back_oldest_first_per_subject), nameof(Suite.Hostile_subjects_and_counted_events_are_stored_exactly)]),
        [nameof(ReturnsAcceptancesNewestFirst)] = (() => new Suite(new ReturnsAcceptancesNewestFirst()), [nameof(Suite.Acceptances_are_read_back_oldest_first_per_subject)]),
        [nameof(ReturnsObjectionsNewestFirst)] = (() => new Suite(new ReturnsObjectionsNewestFirst()), [nameof(Suite.Objections_are_read_back_oldest_first_per_subject)]),
        [nameof(KeepsObjectionsOnDelete)] = (() => new Suite(new KeepsObjectionsOnDelete()), [nameof(Suite.DeleteSubject_deletes_acceptances_and_objections_of_that_subject_only)]),
        [nameof(FoldsAcceptanceSubjects)] = (() => new Suite(new FoldsAcceptanceSubjects()), [nameof(Suite.Hostile_subjects_and_counted_events_are_stored_exactly)]),
        [nameof(LosesAcceptanceKind)] = (() => new Suite(new LosesAcceptanceKind()), [nameof(Suite.Acceptances_are_read_back_oldest_first_per_subject)]),
        [nameof(AcceptanceStoreIgnoringCancellation)] = (() => new Suite(new AcceptanceStoreIgnoringCancellation()), [nameof(Suite.A_cancelled_token_is_honoured_and_writes_nothing)]),
    };

    [Fact]
    public async Task The_in_memory_store_passes_every_test() =>
        (await ConformanceProbe.FailingTestsAsync(new Suite(new InMemoryAcceptanceStore()))).Should().BeEmpty();

    [Fact]
    public Task Each_broken_store_is_caught_and_every_test_catches_one() =>
        ConformanceProbe.EachBrokenStoreIsCaughtAsync(typeof(AcceptanceStoreConformanceTests), Broken);

    private sealed class Suite(IAcceptanceStore store) : AcceptanceStoreConformanceTests
    {
        protected override Task<IAcceptanceStore> CreateStoreAsync() => Task.FromResult(store);
    }
}

/// <summary>The violation store conformance suite fails for each deliberately broken store.</summary>
public sealed class ViolationStoreConformanceMetaTests
{
    private static readonly Dictionary<string, (Func<object> Suite, string[] MustFail)> Broken = new()
    {
        [nameof(DropsViolations)] = (() => new Suite(new DropsViolations()), [nameof(Suite.Create_Find_and_list_by_violator), nameof(Suite.Creating_an_existing_id_fails_with_a_store_exception), nameof(Suite.Hostile_ids_and_evidence_are_stored_exactly)]),
        [nameof(OverwritesViolations)] = (() => new Suite(new OverwritesViolations()), [nameof(Suite.Creating_an_existing_id_fails_with_a_store_exception)]),
        [nameof(UpdatesWithoutConcurrencyCheck)] = (() => new Suite(new UpdatesWithoutConcurrencyCheck()), [nameof(Suite.TryUpdate_confirms_as_read_and_refuses_a_stale_copy_or_unknown_id)]),
        [nameof(ListsEverySanction)] = (() => new Suite(new ListsEverySanction()), [nameof(Suite.Sanctions_are_listed_per_subject)]),
        [nameof(TruncatesEvidence)] = (() => new Suite(new TruncatesEvidence()), [nameof(Suite.Hostile_ids_and_evidence_are_stored_exactly)]),
        [nameof(ViolationStoreIgnoringCancellation)] = (() => new Suite(new ViolationStoreIgnoringCancellation()), [nameof(Suite.A_cancelled_token_is_honoured)]),
    };

    [Fact]
    public async Task The_in_memory_store_passes_every_test() =>
        (await ConformanceProbe.FailingTestsAsync(new Suite(new InMemoryViolationStore()))).Should().BeEmpty();

    [Fact]
    public Task Each_broken_store_is_caught_and_every_test_catches_one() =>
        ConformanceProbe.EachBrokenStoreIsCaughtAsync(typeof(ViolationStoreConformanceTests), Broken);

    private sealed class Suite(IViolationStore store) : ViolationStoreConformanceTests
    {
        protected override Task<IViolationStore> CreateStoreAsync() => Task.FromResult(store);
    }
}
