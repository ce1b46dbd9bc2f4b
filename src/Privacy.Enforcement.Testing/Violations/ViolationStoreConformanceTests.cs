using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>The contract of <see cref="IViolationStore"/> (<c>collect.exempt.violations</c>, <c>use.violator-termination</c>).</summary>
public abstract class ViolationStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<IViolationStore> CreateStoreAsync();

    [StoreFact]
    public async Task Create_Find_and_list_by_violator()
    {
        var store = await CreateStoreAsync();
        var violator = NewSubject();
        var first = Violation(violator);
        var second = Violation(violator) with { Kind = ViolationKind.Trading, ReportedAt = Epoch.AddDays(1) };
        await store.CreateAsync(second, None);
        await store.CreateAsync(first, None);
        await store.CreateAsync(Violation(NewSubject()), None);

        (await store.FindAsync(first.Id, None)).Should().BeEquivalentTo(first);
        (await store.FindAsync(ViolationId.New(), None)).Should().BeNull();
        (await store.GetByViolatorAsync(violator, None).CollectAsync()).Select(v => v.Id).Should().BeEquivalentTo([first.Id, second.Id]);
        (await store.GetByViolatorAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Creating_an_existing_id_fails_with_a_store_exception()
    {
        var store = await CreateStoreAsync();
        var violation = Violation(NewSubject());
        await store.CreateAsync(violation, None);

        await FluentActions.Awaiting(async () => await store.CreateAsync(violation, None)).Should().ThrowAsync<PrivacyStoreException>();
    }

    [StoreFact]
    public async Task TryUpdate_confirms_as_read_and_refuses_a_stale_copy_or_unknown_id()
    {
        var store = await CreateStoreAsync();
        var violation = Violation(NewSubject());
        await store.CreateAsync(violation, None);
        var read = (await store.FindAsync(violation.Id, None))!;
        var confirmed = read with { Status = ViolationStatus.Confirmed, DecidedAt = Epoch.AddDays(2) };

        (await store.TryUpdateAsync(read, confirmed, None)).Should().BeTrue();
        (await store.TryUpdateAsync(read, read with { Status = ViolationStatus.Dismissed }, None)).Should().BeFalse();
        (await store.FindAsync(violation.Id, None)).Should().BeEquivalentTo(confirmed);

        var unknown = Violation(NewSubject());
        (await store.TryUpdateAsync(unknown, unknown with { Status = ViolationStatus.Confirmed }, None)).Should().BeFalse();
        await FluentActions.Awaiting(async () => await store.TryUpdateAsync(read, read with { Id = ViolationId.New() }, None)).Should().ThrowAsync<ArgumentException>();
    }

    [StoreFact]
    public async Task Sanctions_are_listed_per_subject()
    {
        var store = await CreateStoreAsync();
        var violator = NewSubject();
        var violation = Violation(violator);
        await store.CreateAsync(violation, None);
        var sanction = new Sanction(violator, violation.Id, SanctionKind.ServiceAgreementTerminated, Epoch.AddDays(3));

        await store.AddSanctionAsync(sanction, None);
        await store.AddSanctionAsync(new Sanction(NewSubject(), violation.Id, SanctionKind.ServiceAgreementTerminated, Epoch), None);

        (await store.GetSanctionsAsync(violator, None).CollectAsync()).Should().Equal(sanction);
        (await store.GetSanctionsAsync(NewSubject(), None).CollectAsync()).Should().BeEmpty();
    }

    [StoreFact]
    public async Task Hostile_ids_and_evidence_are_stored_exactly()
    {
        var store = await CreateStoreAsync();
        foreach (var id in HostileIdentifiers)
        {
            var violator = new SubjectId(id);
            var violation = Violation(violator) with { EvidenceReference = id == HostileIdentifiers[0] ? HostileTexts[^1] : id, AffectedSubjects = [violator] };
            await store.CreateAsync(violation, None);
            (await store.GetByViolatorAsync(violator, None).CollectAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(violation);
        }
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured()
    {
        var store = await CreateStoreAsync();
        var violation = Violation(NewSubject());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await store.CreateAsync(violation, cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await store.GetSanctionsAsync(violation.Violator, cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();
        (await store.FindAsync(violation.Id, None)).Should().BeNull();
    }
}
