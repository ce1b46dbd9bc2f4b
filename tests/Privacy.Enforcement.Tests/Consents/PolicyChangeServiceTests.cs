using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Consents;

[Trait("Category", "TimeDependent")]
public class PolicyChangeServiceTests
{
    private static readonly SubjectId Alice = new("alice");
    private static readonly SubjectId Bob = new("bob");
    private static readonly PolicyDocument V1 = TestPolicies.Version1;

    private static PolicyDocument PartnerMarketingRedescribed => V1 with
    {
        Version = "2.0",
        Purposes = [V1.Purposes[0], V1.Purposes[1], V1.Purposes[2] with { Description = "partners and their affiliates send you offers" }],
    };

    [Fact]
    public async Task changes_notice_a_changed_purpose_invalidates_its_consents_and_leaves_the_others_valid()
    {
        var kit = new ConsentTestKit();
        var sharing = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);
        var service = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        var bobs = await kit.Consents.GrantAsync(kit.SharingRequest(Bob, null, RecipientKind.Partner), default);
        var withdrawn = await kit.Consents.GrantAsync(kit.SharingRequest(Bob, "globex"), default);
        await kit.Consents.WithdrawAsync(Bob, withdrawn.ConsentId, default);
        kit.Time.Advance(TimeSpan.FromDays(10));
        var invalidationsBefore = kit.Decider.Invalidations;

        var report = await kit.Changes.PublishAsync(PartnerMarketingRedescribed, default);

        report.Previous.Should().Be(kit.V1.Version);
        report.Published.Should().Be(kit.Catalog.Current.Version);
        report.Diff.Changes.Should().ContainSingle(c => c.Section == PolicySection.Purpose && c.Id == StandardPurposes.PartnerMarketing);
        report.AffectedConsentIds.Should().BeEquivalentTo([sharing.ConsentId, bobs.ConsentId]);
        report.UnaffectedConsents.Should().Be(1);
        report.Affected.Should().ContainSingle(a => a.ConsentId == sharing.ConsentId)
            .Which.Should().Match<AffectedConsent>(a => a.Subject == Alice && a.GivenUnder == kit.V1.Version && a.Causes.Single() == "purpose 'partner-marketing' changed");

        var invalidation = (await kit.HistoryAsync(Alice)).Single(f => f.State == ConsentState.Invalidated);
        invalidation.ConsentId.Should().Be(sharing.ConsentId);
        invalidation.Policy.Should().Be(report.Published);
        invalidation.Reason.Should().Contain("test-policy@2.0").And.Contain("partner-marketing");
        invalidation.RecordedAt.Should().Be(ConsentTestKit.Start.AddDays(10));

        (await kit.Consents.GetStatusAsync(Alice, sharing.ConsentId, null, default))!.Value.State.Should().Be(ConsentState.Invalidated);
        (await kit.Consents.GetStatusAsync(Alice, service.ConsentId, null, default))!.Value.State.Should().Be(ConsentState.Given);
        (await kit.Consents.GetStatusAsync(Bob, withdrawn.ConsentId, null, default))!.Value.State.Should().Be(ConsentState.Withdrawn);
        (await kit.Decider.PermitsAsync(Alice, sharing.ConsentId)).Should().BeFalse();
        (await kit.Decider.PermitsAsync(Alice, service.ConsentId)).Should().BeTrue();
        kit.Decider.Invalidations.Should().BeGreaterThan(invalidationsBefore);

        var published = kit.Audit.Events.Single(e => e.Kind == AuditEventKind.PolicyPublished);
        published.PolicyVersion.Should().Be("test-policy@2.0");
        published.ClauseIds.Should().Equal(ClauseIds.ChangesReplace, ClauseIds.ChangesNotice);
        kit.Audit.Events.Count(e => e.Action == "consent.invalidated").Should().Be(2);
    }

    [Fact]
    public async Task changes_notice_renewal_under_the_new_version_restores_the_consent()
    {
        var kit = new ConsentTestKit();
        var sharing = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);
        var staleRenewal = kit.Renewal(Alice, sharing.ConsentId);
        await kit.Changes.PublishAsync(PartnerMarketingRedescribed, default);
        kit.Time.Advance(TimeSpan.FromHours(1));

        (await kit.Invoking(k => k.Consents.RenewAsync(staleRenewal, default).AsTask()).Should().ThrowAsync<ArgumentException>())
            .Which.ParamName.Should().Be("request.PolicyVersion");
        var renewed = await kit.Consents.RenewAsync(kit.Renewal(Alice, sharing.ConsentId), default);

        renewed.Fact.Policy.Version.Should().Be(new Version(2, 0));
        renewed.Receipt.Policy.Version.Should().Be("2.0");
        (await kit.Decider.PermitsAsync(Alice, sharing.ConsentId)).Should().BeTrue();
        (await kit.HistoryAsync(Alice)).Select(f => f.State).Should().Equal(ConsentState.Given, ConsentState.Invalidated, ConsentState.Given);
    }

    [Fact]
    public async Task changes_notice_renewal_is_refused_when_the_new_version_no_longer_declares_the_purpose()
    {
        var kit = new ConsentTestKit();
        var sharing = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);
        await kit.Changes.PublishAsync(V1 with { Version = "2.0", Purposes = [V1.Purposes[0], V1.Purposes[1]] }, default);
        var before = await kit.AllFactsAsync();

        var error = await kit.Invoking(k => k.Consents.RenewAsync(k.Renewal(Alice, sharing.ConsentId), default).AsTask()).Should().ThrowAsync<ArgumentException>();

        error.Which.ParamName.Should().Be("request.Purposes");
        (await kit.AllFactsAsync()).Should().Equal(before);
    }

    [Theory]
    [InlineData("new-partner", false)]
    [InlineData("renamed-named-partner", true)]
    [InlineData("other-partner-renamed", false)]
    [InlineData("category-within-added", true)]
    [InlineData("enclosing-flags-changed", true)]
    [InlineData("unrelated-category-changed", false)]
    [InlineData("ground-changed", false)]
    [InlineData("objectable-toggled", false)]
    public async Task changes_notice_reading_purpose_recipient_or_categories_decide_which_consents_need_renewal(string change, bool affectsNamed)
    {
        var kit = new ConsentTestKit();
        var named = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);
        var next = change switch
        {
            "new-partner" => V1 with { Recipients = [.. V1.Recipients, new RecipientDefinition { Id = "initech", Kind = RecipientKind.Partner }] },
            "renamed-named-partner" => V1 with { Recipients = [V1.Recipients[0] with { Name = "Acme Holdings" }, V1.Recipients[1], V1.Recipients[2]] },
            "other-partner-renamed" => V1 with { Recipients = [V1.Recipients[0], V1.Recipients[1] with { Name = "Globex Corp" }, V1.Recipients[2]] },
            "category-within-added" => V1 with { Categories = [.. V1.Categories, new DataCategoryDefinition { Id = "user.contact.email.work" }] },
            "enclosing-flags-changed" => V1 with { Categories = [.. V1.Categories.Select(c => c.Id == "user.contact" ? c with { Flags = DataCategoryFlags.ContactCapable | DataCategoryFlags.Sensitive } : c)] },
            "unrelated-category-changed" => V1 with { Categories = [.. V1.Categories.Select(c => c.Id == "user.location" ? c with { Description = "precise location" } : c)] },
            "ground-changed" => V1 with { Grounds = [V1.Grounds[0] with { RecipientKinds = [RecipientKind.Partner, RecipientKind.Affiliate] }] },
            "objectable-toggled" => V1 with { Purposes = [V1.Purposes[0], V1.Purposes[1], V1.Purposes[2] with { Objectable = true }] },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        var kindLevel = await kit.Consents.GrantAsync(kit.SharingRequest(Bob, null, RecipientKind.Partner), default);
        var report = await kit.Changes.PublishAsync(next with { Version = "1.1" }, default);

        report.Diff.IsEmpty.Should().BeFalse();
        report.AffectedConsentIds.Contains(named.ConsentId).Should().Be(affectsNamed);
        var kindLevelAffected = change is "new-partner" or "renamed-named-partner" or "other-partner-renamed" or "category-within-added" or "enclosing-flags-changed";
        report.AffectedConsentIds.Contains(kindLevel.ConsentId).Should().Be(kindLevelAffected);
        (await kit.Decider.PermitsAsync(Alice, named.ConsentId)).Should().Be(!affectsNamed);
    }

    [Fact]
    public async Task changes_notice_consents_are_compared_with_the_version_they_were_given_under()
    {
        var kit = new ConsentTestKit();
        var sharing = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);
        var v11 = V1 with { Version = "1.1", Grounds = [] };
        await kit.Changes.PublishAsync(v11, default);
        (await kit.Decider.PermitsAsync(Alice, sharing.ConsentId)).Should().BeTrue();

        // 1.1 -> 2.0 alone does not touch partner-marketing's description, but 1.0 -> 2.0 does.
        var report = await kit.Changes.PublishAsync(PartnerMarketingRedescribed with { Grounds = [] }, default);

        report.AffectedConsentIds.Should().Equal(sharing.ConsentId);
        report.Affected[0].GivenUnder.Version.Should().Be(new Version(1, 0));
    }

    [Fact]
    public async Task changes_notice_a_grant_racing_a_publication_is_invalidated_after_the_write()
    {
        var kit = new ConsentTestKit(new PublishingOnAppendStore());
        ((PublishingOnAppendStore)kit.Store).PublishBeforeFirstAppend = () => kit.Catalog.Publish(PartnerMarketingRedescribed);

        var granted = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);

        (await kit.HistoryAsync(Alice)).Select(f => f.State).Should().Equal(ConsentState.Given, ConsentState.Invalidated);
        (await kit.Decider.PermitsAsync(Alice, granted.ConsentId)).Should().BeFalse();
    }

    [Fact]
    public async Task changes_replace_publish_and_compare_report_clear_errors()
    {
        var kit = new ConsentTestKit();
        var withoutCatalog = new PolicyChangeService(kit.Store, kit.Catalog, kit.Notifier);

        await withoutCatalog.Invoking(s => s.PublishAsync(V1 with { Version = "2.0" }, default).AsTask())
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*ApplyPublicationAsync*");
        await kit.Changes.Invoking(s => s.ApplyPublicationAsync(kit.V1, kit.V1, default).AsTask())
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "published");
        kit.Changes.Invoking(s => s.Compare(new Version(1, 0), new Version(5, 0))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "to");
        kit.Changes.Compare(new Version(1, 0), new Version(1, 0)).IsEmpty.Should().BeTrue();
    }

    private sealed class PublishingOnAppendStore : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();

        public Action? PublishBeforeFirstAppend { get; set; }

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken)
        {
            var publish = PublishBeforeFirstAppend;
            PublishBeforeFirstAppend = null;
            publish?.Invoke();
            return _inner.AppendAsync(fact, cancellationToken);
        }

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => _inner.AppendManyAsync(facts, cancellationToken);

        public IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetFactsAsync(subject, cancellationToken);

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }
}
