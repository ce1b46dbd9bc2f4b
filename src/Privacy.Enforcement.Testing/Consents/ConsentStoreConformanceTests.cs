using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of <see cref="IConsentStore"/>. Derive from it in a test project and return a new, empty store from
/// <see cref="CreateStoreAsync"/>; every test then runs against that store.
/// </summary>
public abstract class ConsentStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IConsentStore> CreateStoreAsync();

    /// <summary>
    /// Opens a second instance over the same data as <paramref name="first"/> (another service provider, another
    /// connection pool), for stores shared by many application instances. By default the same store.
    /// </summary>
    /// <param name="first">The store returned by <see cref="CreateStoreAsync"/>.</param>
    /// <returns>The second instance.</returns>
    protected virtual Task<IConsentStore> OpenAnotherInstanceAsync(IConsentStore first) => Task.FromResult(first);

    [StoreFact]
    public async Task GetFacts_returns_a_subjects_facts_oldest_first_and_exactly_as_appended()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var other = NewSubject();
        var first = ConsentId.New();
        var second = ConsentId.New();
        ConsentFact[] facts = [Grant(subject, first, 0), Grant(subject, second, 1), Withdrawal(subject, first, 2), Grant(subject, first, 3)];
        await store.AppendAsync(Grant(other, ConsentId.New()), None);
        foreach (var fact in facts)
        {
            await store.AppendAsync(fact, None);
        }

        var read = await store.GetFactsAsync(subject, None).CollectAsync();

        read.Should().BeEquivalentTo(facts, o => o.WithStrictOrdering());
        read.Select(f => f.FactId).Should().Equal(facts.Select(f => f.FactId));
        var terms = read[0].Terms!;
        terms.ExpiresAt.Should().Be(facts[0].Terms!.ExpiresAt);
        terms.Notice.Should().Be(facts[0].Terms!.Notice);
        terms.Language.Should().Be(facts[0].Terms!.Language);
        terms.CollectionMethod.Should().Be(facts[0].Terms!.CollectionMethod);
        terms.EvidenceReference.Should().Be(facts[0].Terms!.EvidenceReference);
        read[2].Reason.Should().Be(facts[2].Reason);
    }

    [StoreFact]
    public async Task GetConsentFacts_returns_one_consents_facts_in_order_and_nothing_for_an_unknown_consent()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var consent = ConsentId.New();
        ConsentFact[] facts = [Grant(subject, consent, 0), Withdrawal(subject, consent, 1)];
        await store.AppendAsync(Grant(subject, ConsentId.New()), None);
        await store.AppendManyAsync(facts, None);

        (await store.GetConsentFactsAsync(consent, None).CollectAsync()).Should().BeEquivalentTo(facts, o => o.WithStrictOrdering());
        (await store.GetConsentFactsAsync(ConsentId.New(), None).CollectAsync()).Should().BeEmpty();
        (await store.GetFactsAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Appending_a_fact_id_twice_stores_it_once()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var fact = Grant(subject, ConsentId.New());

        await store.AppendAsync(fact, None);
        await store.AppendAsync(fact, None);
        await store.AppendManyAsync([fact, Withdrawal(subject, fact.ConsentId)], None);

        var read = await store.GetFactsAsync(subject, None).CollectAsync();
        read.Should().HaveCount(2);
        read[0].FactId.Should().Be(fact.FactId);
    }

    [StoreFact]
    public async Task AppendMany_stores_every_fact_in_order()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var facts = Enumerable.Range(0, 50).Select(i => Grant(subject, ConsentId.New(), i)).ToArray();

        await store.AppendManyAsync(facts, None);
        await store.AppendManyAsync([], None);

        (await store.GetFactsAsync(subject, None).CollectAsync()).Select(f => f.FactId).Should().Equal(facts.Select(f => f.FactId));
    }

    [StoreFact]
    public async Task AppendMany_with_a_bad_fact_stores_none_of_the_batch()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();

        var act = async () => await store.AppendManyAsync([Grant(subject, ConsentId.New()), null!], None);

        await act.Should().ThrowAsync<ArgumentException>();
        (await store.GetFactsAsync(subject, None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task A_withdrawal_read_back_folds_to_withdrawn()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var consent = ConsentId.New();
        await store.AppendAsync(Grant(subject, consent, 0), None);
        await store.AppendAsync(Withdrawal(subject, consent, 1), None);

        var facts = await store.GetFactsAsync(subject, None).CollectAsync();

        ConsentHistory.Evaluate(facts, consent, Epoch.AddDays(1))!.Value.State.Should().Be(ConsentState.Withdrawn);
    }

    [StoreFact]
    public async Task GetSubjects_lists_each_subject_with_a_fact_once()
    {
        var store = await CreateStoreAsync();
        var subjects = Enumerable.Range(0, 5).Select(_ => NewSubject()).ToArray();
        foreach (var subject in subjects)
        {
            await store.AppendManyAsync([Grant(subject, ConsentId.New()), Grant(subject, ConsentId.New())], None);
        }

        (await store.GetSubjectsAsync(None).CollectAsync()).Should().BeEquivalentTo(subjects);
    }

    [StoreFact]
    public async Task DeleteSubject_deletes_every_fact_of_that_subject_only()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var other = NewSubject();
        var consent = ConsentId.New();
        await store.AppendManyAsync([Grant(subject, consent), Withdrawal(subject, consent), Grant(subject, ConsentId.New()), Grant(other, ConsentId.New())], None);

        (await store.DeleteSubjectAsync(subject, None)).Should().Be(3);
        (await store.DeleteSubjectAsync(subject, None)).Should().Be(0);

        (await store.GetFactsAsync(subject, None).CollectAsync()).Should().BeEmpty();
        (await store.GetConsentFactsAsync(consent, None).CollectAsync()).Should().BeEmpty();
        (await store.GetSubjectsAsync(None).CollectAsync()).Should().Equal(other);
        (await store.GetFactsAsync(other, None).CollectAsync()).Should().HaveCount(1);
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured_and_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.AppendAsync(Grant(subject, ConsentId.New()), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.AppendManyAsync([Grant(subject, ConsentId.New())], cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.GetFactsAsync(subject, cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.GetSubjectsAsync(cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.DeleteSubjectAsync(subject, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();

        (await store.GetFactsAsync(subject, None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Hostile_subject_ids_are_stored_and_read_back_exactly_and_kept_apart()
    {
        var store = await CreateStoreAsync();
        var subjects = HostileIdentifiers.Select(id => new SubjectId(id)).ToArray();
        foreach (var subject in subjects)
        {
            await store.AppendAsync(Grant(subject, ConsentId.New()), None);
        }

        foreach (var subject in subjects)
        {
            var facts = await store.GetFactsAsync(subject, None).CollectAsync();
            facts.Should().ContainSingle().Which.Subject.Value.Should().Be(subject.Value);
        }

        (await store.GetSubjectsAsync(None).CollectAsync()).Select(s => s.Value).Should().BeEquivalentTo(subjects.Select(s => s.Value));
    }

    [StoreFact]
    public async Task Hostile_free_texts_are_stored_and_read_back_exactly()
    {
        var store = await CreateStoreAsync();
        var subject = NewSubject();
        var consent = ConsentId.New();
        var facts = HostileTexts.Select((text, i) => Grant(subject, consent, i) with
        {
            Reason = text,
            Terms = Grant(subject, consent).Terms! with { EvidenceReference = text, Notice = text, CollectionMethod = text },
        }).ToArray();

        // A store may refuse a text longer than it can hold (the one-mebibyte text), but only with a clear error;
        // every other text is stored.
        foreach (var fact in facts)
        {
            if (fact.Reason!.Length > MaxTextEveryStoreKeeps)
            {
                await AppendOrRejectClearlyAsync(store, fact);
            }
            else
            {
                await store.AppendAsync(fact, None);
            }
        }

        var read = await store.GetFactsAsync(subject, None).CollectAsync();
        read.Select(f => f.FactId).Should().Contain(facts.Where(f => f.Reason!.Length <= MaxTextEveryStoreKeeps).Select(f => f.FactId));
        foreach (var stored in read)
        {
            var original = facts.Single(f => f.FactId == stored.FactId);
            stored.Reason.Should().Be(original.Reason);
            stored.Terms!.EvidenceReference.Should().Be(original.Terms!.EvidenceReference);
            stored.Terms.CollectionMethod.Should().Be(original.Terms.CollectionMethod);
            stored.Terms.Notice.Should().Be(original.Terms.Notice);
            stored.Should().BeEquivalentTo(original);
        }

        // Whatever was refused, the store still works.
        await store.AppendAsync(Grant(subject, ConsentId.New()), None);
        (await store.GetFactsAsync(subject, None).CollectAsync()).Should().HaveCount(read.Count + 1);
    }

    [StoreFact]
    public async Task Concurrent_grants_and_withdrawals_match_a_model_and_no_grant_outlives_an_acknowledged_withdrawal()
    {
        var store = await CreateStoreAsync();
        var other = await OpenAnotherInstanceAsync(store);
        SubjectId[] subjects = [NewSubject(), NewSubject()];
        const int Workers = 8;
        const int OperationsPerWorker = 12;

        // Each worker owns its consents (so the model per consent is sequential) but shares subjects with the others.
        var models = await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            var writer = worker % 2 == 0 ? store : other;
            var reader = worker % 2 == 0 ? other : store;
            var subject = subjects[worker % subjects.Length];
            var consents = Enumerable.Range(0, 3).Select(_ => ConsentId.New()).ToArray();
            var model = new Dictionary<ConsentId, ConsentState>();
            for (var i = 0; i < OperationsPerWorker; i++)
            {
                var consent = consents[random.Next(consents.Length)];
                var withdraw = model.GetValueOrDefault(consent, ConsentState.Withdrawn) == ConsentState.Given && random.Next(3) > 0;
                var fact = withdraw ? Withdrawal(subject, consent, i) : Grant(subject, consent, i);
                await writer.AppendAsync(fact, None);
                model[consent] = fact.State;

                // Acknowledged means visible: the other instance's next read already folds to the new state.
                var facts = await reader.GetFactsAsync(subject, None).CollectAsync();
                var state = ConsentHistory.Evaluate(facts, consent, Epoch.AddDays(1))!.Value.State;
                state.Should().Be(fact.State, "an acknowledged {0} must be what the next decision sees", fact.State);
            }

            return (subject, model);
        })));

        foreach (var subject in subjects)
        {
            var facts = await store.GetFactsAsync(subject, None).CollectAsync();
            var expected = models.Where(m => m.subject == subject).SelectMany(m => m.model).ToDictionary(p => p.Key, p => p.Value);
            ConsentHistory.EvaluateAll(facts, Epoch.AddDays(1)).ToDictionary(s => s.ConsentId, s => s.State).Should().Equal(expected);
            facts.Should().HaveCount(Workers / subjects.Length * OperationsPerWorker);
        }
    }

    /// <summary>The longest free text every store must keep (64 KiB in UTF-16 code units); a longer one it may refuse clearly.</summary>
    private const int MaxTextEveryStoreKeeps = 64 * 1024;

    /// <summary>Appends a fact; a store may refuse it, but only with a clear error of the library's kinds.</summary>
    /// <param name="store">The store.</param>
    /// <param name="fact">The fact.</param>
    /// <returns>A task.</returns>
    protected static async Task AppendOrRejectClearlyAsync(IConsentStore store, ConsentFact fact)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            await store.AppendAsync(fact, None);
        }
        catch (Exception ex) when (ex is ArgumentException or PrivacyStoreException)
        {
            ex.Message.Should().NotBeNullOrWhiteSpace();
        }
    }
}
