using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Consents;

/// <summary>
/// A publication stores each <c>consent.invalidated</c> fact before auditing it. When the trail is down part-way,
/// a retry of the publication finishes it: every affected consent is invalidated once, and every invalidation the
/// first attempt stored but could not audit is audited now, exactly once.
/// </summary>
public sealed class FollowUp05_PolicyPublicationReauditTests
{
    private static readonly PolicyDocument V1 = TestPolicies.Version1;
    private static readonly SubjectId[] Subjects = [new("alice"), new("bob"), new("carol"), new("dave")];

    private static PolicyDocument PartnerMarketingRedescribed => V1 with
    {
        Version = "2.0",
        Purposes = [V1.Purposes[0], V1.Purposes[1], V1.Purposes[2] with { Description = "partners and their affiliates send you offers" }],
    };

    [Fact]
    public async Task FollowUp05_a_publication_retried_after_an_audit_outage_audits_every_invalidation_exactly_once()
    {
        var kit = new ConsentTestKit();
        var consents = new List<ConsentId>();
        foreach (var subject in Subjects)
        {
            consents.Add((await kit.Consents.GrantAsync(kit.SharingRequest(subject, "acme"), default)).ConsentId);
        }

        kit.Time.Advance(TimeSpan.FromDays(10));
        kit.Audit.Unavailable = true;

        var first = async () => await kit.Changes.PublishAsync(PartnerMarketingRedescribed, default);
        await first.Should().ThrowAsync<AuditUnavailableException>();
        var published = kit.Catalog.Current;
        published.Version.Version.Should().Be(new Version(2, 0));
        (await InvalidatedAsync(kit, published)).Should().NotBeEmpty("the first attempt stored an invalidation before the trail refused its event");

        kit.Audit.Unavailable = false;
        kit.Time.Advance(TimeSpan.FromMinutes(5));
        var report = await kit.Changes.ApplyPublicationAsync(kit.V1, published, default);

        report.Affected.Select(a => a.ConsentId).Should().BeEquivalentTo(consents, "a consent invalidated by the first attempt is still one the publication affected");
        (await InvalidatedAsync(kit, published)).Should().BeEquivalentTo(consents, "each affected consent is invalidated exactly once");
        kit.Audit.Events.Where(e => e.Action == "consent.invalidated").Select(e => e.RecordId)
            .Should().BeEquivalentTo(consents.Select(c => c.ToString()), "every invalidation is audited exactly once");
        kit.Audit.Events.Should().ContainSingle(e => e.Action == "policy.published");

        // A further retry changes nothing and writes no event twice.
        var events = kit.Audit.Events.Count(e => e.Action == "consent.invalidated");
        await kit.Changes.ApplyPublicationAsync(kit.V1, published, default);
        kit.Audit.Events.Count(e => e.Action == "consent.invalidated").Should().Be(events);
        (await InvalidatedAsync(kit, published)).Should().HaveCount(consents.Count);
    }

    [Fact]
    public async Task FollowUp05_publishing_the_version_in_force_again_resumes_its_publication_after_an_audit_outage()
    {
        // The policy catalog itself, which refuses a version that is not newer than the one in force.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ConsentTestKit.Start);
        var v1 = Decisions.EnforcerFixture.CreatePolicy("1.0");
        var catalog = new PolicyCatalog(v1);
        var store = new InMemoryConsentStore();
        var audit = new RecordingAuditTrail();
        var notifier = new SubjectChangeNotifier(time, audit: audit, pseudonyms: new InMemoryPseudonymStore(), reader: audit);
        using var changes = new PolicyChangeService(store, catalog, notifier, catalog.Publish);
        var consents = new List<ConsentId>();
        foreach (var subject in Subjects)
        {
            var consent = ConsentId.New();
            consents.Add(consent);
            await store.AppendAsync(new ConsentFact
            {
                FactId = Guid.NewGuid(),
                ConsentId = consent,
                Subject = subject,
                State = ConsentState.Given,
                RecordedAt = time.GetUtcNow(),
                Policy = v1.Version,
                Terms = new ConsentTerms
                {
                    Purposes = [new PurposeId(StandardPurposes.PartnerMarketing)],
                    Categories = [new DataCategory(StandardDataCategories.Email)],
                    Acts = [ProcessingAct.Disclose],
                },
            }, default);
        }

        var v2 = Decisions.EnforcerFixture.CreatePolicy("2.0").Document;
        v2 = v2 with
        {
            Purposes = [.. v2.Purposes.Select(p => p.Id == StandardPurposes.PartnerMarketing ? p with { Description = "Partners and their affiliates sending offers" } : p)],
        };
        time.Advance(TimeSpan.FromDays(10));
        audit.Unavailable = true;
        var first = async () => await changes.PublishAsync(v2, default);
        await first.Should().ThrowAsync<AuditUnavailableException>();
        var published = catalog.Current;
        published.Version.Version.Should().Be(new Version(2, 0));

        audit.Unavailable = false;
        var report = await changes.PublishAsync(v2, default);

        report.Previous.Should().Be(v1.Version);
        report.Published.Should().Be(published.Version);
        catalog.History.Should().HaveCount(2, "the retry publishes nothing new");
        var invalidated = new List<ConsentId>();
        foreach (var subject in Subjects)
        {
            await foreach (var fact in store.GetFactsAsync(subject, default))
            {
                if (fact.State == ConsentState.Invalidated && fact.Policy == published.Version)
                {
                    invalidated.Add(fact.ConsentId);
                }
            }
        }

        invalidated.Should().BeEquivalentTo(consents);
        audit.Events.Where(e => e.Action == "consent.invalidated").Select(e => e.RecordId)
            .Should().BeEquivalentTo(consents.Select(c => c.ToString()), "every invalidation is audited exactly once");

        // A document of the version in force with other content is still refused (changes.replace).
        var other = async () => await changes.PublishAsync(v2 with { Purposes = [.. v2.Purposes.Select(p => p with { Description = p.Description + "." })] }, default);
        await other.Should().ThrowAsync<PolicyValidationException>();
    }

    private static async Task<List<ConsentId>> InvalidatedAsync(ConsentTestKit kit, PublishedPolicy published) =>
        [.. (await kit.AllFactsAsync()).Where(f => f.State == ConsentState.Invalidated && f.Policy == published.Version).Select(f => f.ConsentId)];
}
