using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Testing;
using Xunit.Abstractions;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>The consent store conformance suite fails for each deliberately broken store, and each of its tests can fail.</summary>
public sealed class ConsentStoreConformanceMetaTests(ITestOutputHelper output)
{
    /// <summary>Each broken store and the tests that must catch it.</summary>
    private static readonly Dictionary<string, (Func<IConsentStore> Create, string[] MustFail)> Broken = new()
    {
        [nameof(DropsEveryFact)] = (() => new DropsEveryFact(), [nameof(ConsentStoreConformanceTests.GetFacts_returns_a_subjects_facts_oldest_first_and_exactly_as_appended), nameof(ConsentStoreConformanceTests.Hostile_subject_ids_are_stored_and_read_back_exactly_and_kept_apart), nameof(ConsentStoreConformanceTests.Hostile_free_texts_are_stored_and_read_back_exactly), nameof(ConsentStoreConformanceTests.A_withdrawal_read_back_folds_to_withdrawn), nameof(ConsentStoreConformanceTests.GetSubjects_lists_each_subject_with_a_fact_once)]),
        [nameof(RejectsUnusualTexts)] = (() => new RejectsUnusualTexts(), [nameof(ConsentStoreConformanceTests.Hostile_free_texts_are_stored_and_read_back_exactly)]),
        [nameof(LosesNotice)] = (() => new LosesNotice(), [nameof(ConsentStoreConformanceTests.GetFacts_returns_a_subjects_facts_oldest_first_and_exactly_as_appended), nameof(ConsentStoreConformanceTests.Hostile_free_texts_are_stored_and_read_back_exactly)]),
        [nameof(ReturnsFactsNewestFirst)] = (() => new ReturnsFactsNewestFirst(), [nameof(ConsentStoreConformanceTests.GetFacts_returns_a_subjects_facts_oldest_first_and_exactly_as_appended), nameof(ConsentStoreConformanceTests.GetConsentFacts_returns_one_consents_facts_in_order_and_nothing_for_an_unknown_consent), nameof(ConsentStoreConformanceTests.AppendMany_stores_every_fact_in_order), nameof(ConsentStoreConformanceTests.A_withdrawal_read_back_folds_to_withdrawn)]),
        [nameof(DuplicatesRetriedFacts)] = (() => new DuplicatesRetriedFacts(), [nameof(ConsentStoreConformanceTests.Appending_a_fact_id_twice_stores_it_once)]),
        [nameof(AppendsBatchesHalfway)] = (() => new AppendsBatchesHalfway(), [nameof(ConsentStoreConformanceTests.AppendMany_with_a_bad_fact_stores_none_of_the_batch)]),
        [nameof(IgnoresCancellation)] = (() => new IgnoresCancellation(), [nameof(ConsentStoreConformanceTests.A_cancelled_token_is_honoured_and_writes_nothing)]),
        [nameof(DeletesHalfASubject)] = (() => new DeletesHalfASubject(), [nameof(ConsentStoreConformanceTests.DeleteSubject_deletes_every_fact_of_that_subject_only)]),
        [nameof(ListsSubjectsPerFact)] = (() => new ListsSubjectsPerFact(), [nameof(ConsentStoreConformanceTests.GetSubjects_lists_each_subject_with_a_fact_once)]),
        [nameof(FoldsSubjectIds)] = (() => new FoldsSubjectIds(), [nameof(ConsentStoreConformanceTests.Hostile_subject_ids_are_stored_and_read_back_exactly_and_kept_apart)]),
        [nameof(ServesStaleReads)] = (() => new ServesStaleReads(), [nameof(ConsentStoreConformanceTests.Concurrent_grants_and_withdrawals_match_a_model_and_no_grant_outlives_an_acknowledged_withdrawal)]),
        [nameof(LosesExpiry)] = (() => new LosesExpiry(), [nameof(ConsentStoreConformanceTests.GetFacts_returns_a_subjects_facts_oldest_first_and_exactly_as_appended)]),
    };

    public static TheoryData<string> BrokenStores => [.. Broken.Keys];

    [Fact]
    public async Task The_in_memory_store_passes_every_test()
    {
        (await ConformanceProbe.FailingTestsAsync(new Suite(() => new InMemoryConsentStore()))).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(BrokenStores))]
    public async Task The_suite_fails_for_a_broken_store(string store)
    {
        var failing = await ConformanceProbe.FailingTestsAsync(new Suite(Broken[store].Create));
        output.WriteLine(string.Join(Environment.NewLine, failing));

        failing.Should().Contain(Broken[store].MustFail);
    }

    [Fact]
    public void Every_test_of_the_suite_fails_for_some_broken_store()
    {
        var caught = Broken.Values.SelectMany(b => b.MustFail).ToHashSet();
        ConformanceProbe.Tests(typeof(ConsentStoreConformanceTests)).Where(t => !caught.Contains(t)).Should().BeEmpty();
    }

    private sealed class Suite(Func<IConsentStore> create) : ConsentStoreConformanceTests
    {
        protected override Task<IConsentStore> CreateStoreAsync() => Task.FromResult(create());
    }
}
