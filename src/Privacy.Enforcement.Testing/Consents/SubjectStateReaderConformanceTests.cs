using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of a consent store that is also an <see cref="ISubjectStateReader"/>: its one read of a subject holds
/// exactly what the stores' own reads hold, kind by kind and in their order, and it stands only for its own stores.
/// </summary>
public abstract class SubjectStateReaderConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates the stores of one empty database, registered as a host registers them.</summary>
    /// <returns>The services.</returns>
    protected abstract Task<IServiceProvider> CreateStoresAsync();

    /// <summary>Creates the stores of another, empty database.</summary>
    /// <returns>The services.</returns>
    protected abstract Task<IServiceProvider> CreateOtherDatabaseAsync();

    [StoreFact]
    public async Task One_read_holds_what_each_store_lists_for_the_subject_in_the_same_order_and_nothing_of_another_subject()
    {
        var services = await CreateStoresAsync();
        var (consents, acceptances, engagements, violations) = Stores(services);
        var subject = NewSubject();
        var other = NewSubject();

        // Interleaved with another subject's records, so an order or a filter that is off shows.
        var first = ConsentId.New();
        await consents.AppendAsync(Grant(subject, first, at: 5), None);
        await consents.AppendAsync(Grant(other, ConsentId.New(), at: 1), None);
        await consents.AppendAsync(Withdrawal(subject, first, at: 2), None);
        await consents.AppendAsync(Grant(subject, ConsentId.New(), at: 3), None);
        await acceptances.AppendAcceptanceAsync(new PolicyAcceptance(subject, Policy, AcceptanceKind.Explicit, Epoch.AddMinutes(2), "sign-up"), None);
        await acceptances.AppendAcceptanceAsync(new PolicyAcceptance(other, Policy, AcceptanceKind.Explicit, Epoch, "sign-up"), None);
        await acceptances.AppendAcceptanceAsync(new PolicyAcceptance(subject, Policy, AcceptanceKind.DeemedByContinuedUse, Epoch.AddMinutes(1), "renewal"), None);
        await acceptances.AppendObjectionAsync(new ObjectionFact(subject, new PurposeId("marketing.own"), ObjectionState.Raised, Epoch.AddMinutes(4)), None);
        await acceptances.AppendObjectionAsync(new ObjectionFact(other, new PurposeId("marketing.own"), ObjectionState.Raised, Epoch), None);
        await acceptances.AppendObjectionAsync(new ObjectionFact(subject, new PurposeId("marketing.own"), ObjectionState.Lifted, Epoch.AddMinutes(3)), None);
        await engagements.CreateAsync(Engagement("courier", subject, other) with { StartsAt = Epoch.AddDays(2) }, None);
        await engagements.CreateAsync(Engagement("everyone") with { StartsAt = Epoch.AddDays(1) }, None);
        await engagements.CreateAsync(Engagement("others-only", other), None);
        await engagements.CreateAsync(Engagement("same-start", subject) with { StartsAt = Epoch.AddDays(2) }, None);

        // An engagement of every subject that starts after the subject's own: the kinds' orders interleave.
        await engagements.CreateAsync(Engagement("everyone-later") with { StartsAt = Epoch.AddDays(3) }, None);
        await violations.AddSanctionAsync(new Sanction(subject, ViolationId.New(), SanctionKind.ServiceAgreementTerminated, Epoch.AddMinutes(9)), None);
        await violations.AddSanctionAsync(new Sanction(other, ViolationId.New(), SanctionKind.ServiceAgreementTerminated, Epoch), None);
        await violations.AddSanctionAsync(new Sanction(subject, ViolationId.New(), SanctionKind.EngagementsTerminated, Epoch.AddMinutes(8)), None);

        var reader = consents.Should().BeAssignableTo<ISubjectStateReader>().Subject;
        var records = await reader.ReadSubjectAsync(subject, None);

        records.Facts.Should().BeEquivalentTo(await consents.GetFactsAsync(subject, None).CollectAsync(), o => o.WithStrictOrdering());
        records.Facts.Should().HaveCount(3);
        records.Acceptances.Should().BeEquivalentTo(await acceptances.GetAcceptancesAsync(subject, None).CollectAsync(), o => o.WithStrictOrdering());
        records.Acceptances.Should().HaveCount(2);
        records.Objections.Should().BeEquivalentTo(await acceptances.GetObjectionsAsync(subject, None).CollectAsync(), o => o.WithStrictOrdering());
        records.Objections.Should().HaveCount(2);
        records.Engagements.Select(e => e.Id).Should().Equal((await engagements.GetBySubjectAsync(subject, None).CollectAsync()).Select(e => e.Id));
        records.Engagements.Select(e => e.Provider.Value).Should().BeEquivalentTo("courier", "everyone", "same-start", "everyone-later");
        records.Engagements[^1].Provider.Value.Should().Be("everyone-later");
        records.Sanctions.Should().BeEquivalentTo(await violations.GetSanctionsAsync(subject, None).CollectAsync(), o => o.WithStrictOrdering());
        records.Sanctions.Should().HaveCount(2);
    }

    [StoreFact]
    public async Task A_subject_without_records_reads_empty_and_an_engagement_for_every_subject_still_covers_it()
    {
        var services = await CreateStoresAsync();
        var (consents, _, engagements, _) = Stores(services);
        var reader = (ISubjectStateReader)consents;

        var empty = await reader.ReadSubjectAsync(NewSubject(), None);
        empty.Facts.Should().BeEmpty();
        empty.Acceptances.Should().BeEmpty();
        empty.Objections.Should().BeEmpty();
        empty.Engagements.Should().BeEmpty();
        empty.Sanctions.Should().BeEmpty();

        var everyone = Engagement("everyone");
        await engagements.CreateAsync(everyone, None);
        (await reader.ReadSubjectAsync(NewSubject(), None)).Engagements.Select(e => e.Id).Should().Equal(everyone.Id);
    }

    [StoreFact]
    public async Task Reads_one_after_another_and_side_by_side_each_hold_their_own_subject_and_see_every_write_made_before_them()
    {
        var services = await CreateStoresAsync();
        var (consents, _, _, _) = Stores(services);
        var reader = (ISubjectStateReader)consents;

        // Each subject its own number of facts, so a read answered with another subject's rows shows.
        var subjects = Enumerable.Range(0, 24).Select(_ => NewSubject()).ToArray();
        var consentIds = subjects.Select(_ => ConsentId.New()).ToArray();
        for (var i = 0; i < subjects.Length; i++)
        {
            for (var f = 0; f <= i % 3; f++)
            {
                await consents.AppendAsync(Grant(subjects[i], f == 0 ? consentIds[i] : ConsentId.New(), at: f), None);
            }
        }

        // Twice in turn (a reader that keeps a prepared statement reuses it on the second pass), then more at once
        // than a reader is likely to keep ready.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < subjects.Length; i++)
            {
                Check(await reader.ReadSubjectAsync(subjects[i], None), i, extra: 0);
            }
        }

        var together = await Task.WhenAll(subjects.Select(s => Task.Run(async () => await reader.ReadSubjectAsync(s, None))));
        for (var i = 0; i < subjects.Length; i++)
        {
            Check(together[i], i, extra: 0);
        }

        // A write after a read is in the next read of the same subject.
        await consents.AppendAsync(Withdrawal(subjects[0], consentIds[0], at: 9), None);
        Check(await reader.ReadSubjectAsync(subjects[0], None), 0, extra: 1);

        void Check(SubjectRecords records, int i, int extra)
        {
            records.Facts.Should().HaveCount((i % 3) + 1 + extra);
            records.Facts.Should().OnlyContain(f => f.Subject == subjects[i]);
        }
    }

    [StoreFact]
    public async Task The_reader_stands_for_its_own_stores_only()
    {
        var services = await CreateStoresAsync();
        var other = await CreateOtherDatabaseAsync();
        var (consents, acceptances, engagements, violations) = Stores(services);
        var (_, otherAcceptances, otherEngagements, otherViolations) = Stores(other);
        var reader = (ISubjectStateReader)consents;

        reader.Reads(acceptances, engagements, violations).Should().BeTrue();
        reader.Reads(otherAcceptances, engagements, violations).Should().BeFalse();
        reader.Reads(acceptances, otherEngagements, violations).Should().BeFalse();
        reader.Reads(acceptances, engagements, otherViolations).Should().BeFalse();
    }

    private static (IConsentStore Consents, IAcceptanceStore Acceptances, IEngagementStore Engagements, IViolationStore Violations) Stores(IServiceProvider services) =>
        (services.GetRequiredService<IConsentStore>(), services.GetRequiredService<IAcceptanceStore>(), services.GetRequiredService<IEngagementStore>(), services.GetRequiredService<IViolationStore>());
}
