using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Consents;

[Trait("Category", "TimeDependent")]
public class ConsentServiceTests
{
    private static readonly SubjectId Alice = new("alice");

    [Fact]
    public async Task collect_consent_grant_records_a_given_fact_bound_to_the_published_version()
    {
        var kit = new ConsentTestKit();

        var result = await kit.Consents.GrantAsync(kit.Request(Alice) with { ExpiresAt = ConsentTestKit.Start.AddDays(30) }, default);

        var fact = (await kit.HistoryAsync(Alice)).Should().ContainSingle().Subject;
        fact.Should().Be(result.Fact);
        fact.State.Should().Be(ConsentState.Given);
        fact.RecordedAt.Should().Be(ConsentTestKit.Start);
        fact.RecordedAt.Offset.Should().Be(TimeSpan.Zero);
        fact.Policy.Should().Be(kit.V1.Version);
        fact.Terms!.Purposes.Should().Equal(new PurposeId(StandardPurposes.ServiceProvision));
        fact.Terms.Categories.Should().Equal(new DataCategory("user.contact.phone_number"));
        fact.Terms.Acts.Should().Equal(ProcessingAct.Collect, ProcessingAct.Use);
        fact.Terms.Controller.Should().Be("application");
        fact.Terms.CollectionMethod.Should().Be("web-form");
        fact.Terms.Notice.Should().Be("notice-7");
        fact.Terms.Language.Should().Be("en");
        fact.Terms.EvidenceReference.Should().Be("form-submission-123");
        fact.Terms.ExpiresAt.Should().Be(ConsentTestKit.Start.AddDays(30));
        fact.Terms.SchemaVersion.Should().Be(ConsentTerms.CurrentSchemaVersion);
    }

    [Fact]
    public async Task use_third_party_permission_consent_state_is_answered_as_of_the_time_of_the_act()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);
        var grantedAt = kit.Time.GetUtcNow();
        kit.Time.Advance(TimeSpan.FromHours(2));
        await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);
        var withdrawnAt = kit.Time.GetUtcNow();
        kit.Time.Advance(TimeSpan.FromHours(2));

        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, grantedAt.AddTicks(-1), default)).Should().BeNull("nothing was obtained in advance of that act");
        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, grantedAt, default))!.Value.State.Should().Be(ConsentState.Given);
        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, withdrawnAt.AddTicks(-1), default))!.Value.State.Should().Be(ConsentState.Given);
        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, withdrawnAt, default))!.Value.State.Should().Be(ConsentState.Withdrawn);
        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, null, default))!.Value.State.Should().Be(ConsentState.Withdrawn);
    }

    [Fact]
    public async Task store_integrity_withdrawal_is_a_new_fact_and_history_is_append_only()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        kit.Time.Advance(TimeSpan.FromMinutes(5));

        var withdrawn = await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);

        var history = await kit.HistoryAsync(Alice);
        history.Should().HaveCount(2);
        history[0].Should().BeSameAs(granted.Fact);
        history[1].Should().Be(withdrawn.Fact);
        withdrawn.Fact.State.Should().Be(ConsentState.Withdrawn);
        withdrawn.Fact.ConsentId.Should().Be(granted.ConsentId);
        withdrawn.Fact.Terms.Should().BeNull();
        withdrawn.Fact.RecordedAt.Should().Be(ConsentTestKit.Start.AddMinutes(5));
    }

    [Fact]
    public async Task collect_consent_expiry_at_t_is_valid_at_t_minus_one_tick_and_expired_at_t()
    {
        var kit = new ConsentTestKit();
        var expiry = new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.FromHours(14));
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice) with { ExpiresAt = expiry }, default);

        kit.Time.SetUtcNow(expiry.AddTicks(-1));
        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, null, default))!.Value.State.Should().Be(ConsentState.Given);
        (await kit.Decider.PermitsAsync(Alice, granted.ConsentId)).Should().BeTrue();

        kit.Time.SetUtcNow(expiry);
        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, null, default))!.Value.State.Should().Be(ConsentState.Expired);
        (await kit.Decider.PermitsAsync(Alice, granted.ConsentId)).Should().BeFalse();
    }

    [Fact]
    public async Task collect_consent_refusal_is_recorded_and_permits_nothing()
    {
        var kit = new ConsentTestKit();

        var refused = await kit.Consents.RefuseAsync(kit.Request(Alice), default);

        refused.Fact.State.Should().Be(ConsentState.Refused);
        refused.Receipt.Event.Should().Be("refused");
        (await kit.Consents.GetStatusesAsync(Alice, null, default)).Should().ContainSingle().Which.State.Should().Be(ConsentState.Refused);
        (await kit.Decider.PermitsAsync(Alice, refused.ConsentId)).Should().BeFalse();
        await kit.Invoking(k => k.Consents.WithdrawAsync(Alice, refused.ConsentId, default).AsTask())
            .Should().ThrowAsync<InvalidOperationException>();
        (await kit.HistoryAsync(Alice)).Should().ContainSingle();
    }

    [Fact]
    public async Task store_integrity_withdrawing_twice_records_one_withdrawal_and_returns_the_same_receipt()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        var first = await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);
        kit.Time.Advance(TimeSpan.FromMinutes(1));

        var second = await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);

        second.Fact.Should().Be(first.Fact);
        second.Receipt.ReceiptId.Should().Be(first.Receipt.ReceiptId);
        (await kit.HistoryAsync(Alice)).Should().HaveCount(2);
    }

    [Fact]
    public async Task collect_consent_withdrawal_is_durable_and_the_cache_invalidated_before_it_is_acknowledged()
    {
        var log = new List<string>();
        var store = new LoggingStore(new InMemoryConsentStore(), log);
        var kit = new ConsentTestKit(store);
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        (await kit.Decider.PermitsAsync(Alice, granted.ConsentId)).Should().BeTrue();
        log.Clear();
        var invalidationsBefore = kit.Decider.Invalidations;
        var feedBefore = kit.Feed.Published.Count;

        await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);

        log.Should().Equal("read", "append:Withdrawn");
        kit.Decider.Invalidations.Should().Be(invalidationsBefore + 1);
        kit.Feed.Published.Should().HaveCount(feedBefore + 1).And.EndWith(Alice);
        (await kit.Decider.PermitsAsync(Alice, granted.ConsentId)).Should().BeFalse();
    }

    [Fact]
    public async Task store_integrity_each_change_is_audited_once_under_a_pseudonym()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.SharingRequest(Alice, "acme"), default);
        await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);

        var events = kit.Audit.Events.ToList();
        events.Select(e => e.Action).Should().Equal("consent.given", "consent.withdrawn");
        var pseudonym = await kit.Pseudonyms.FindAsync(Alice, default);
        events.Should().OnlyContain(e => e.SubjectPseudonym == pseudonym && e.RecordId == granted.ConsentId.ToString());
        events[0].ClauseIds.Should().Contain([ClauseIds.UseThirdPartyPermission, ClauseIds.DiscloseConsent, ClauseIds.UsePartnerMarketing]);
        events[0].PolicyVersion.Should().Be(kit.V1.Version.ToString());
        events.Should().OnlyContain(e => !System.Text.Json.JsonSerializer.Serialize(e, (System.Text.Json.JsonSerializerOptions?)null).Contains("alice"));
    }

    [Fact]
    public async Task store_security_grant_is_not_stored_when_the_audit_trail_is_unavailable()
    {
        var kit = new ConsentTestKit();
        kit.Audit.Unavailable = true;

        await kit.Invoking(k => k.Consents.GrantAsync(k.Request(Alice), default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();

        (await kit.AllFactsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task store_security_withdrawal_takes_effect_even_when_the_audit_trail_is_unavailable()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        kit.Audit.Unavailable = true;

        await kit.Invoking(k => k.Consents.WithdrawAsync(Alice, granted.ConsentId, default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();

        (await kit.Decider.PermitsAsync(Alice, granted.ConsentId)).Should().BeFalse();

        // A retry while the trail is still down cannot write the missing event either, so it still fails.
        await kit.Invoking(k => k.Consents.WithdrawAsync(Alice, granted.ConsentId, default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();
        kit.Audit.Unavailable = false;
        var retried = await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);
        retried.Fact.State.Should().Be(ConsentState.Withdrawn);
        (await kit.HistoryAsync(Alice)).Should().HaveCount(2);
    }

    [Fact]
    public async Task changes_notice_renewal_is_a_new_given_fact_for_the_same_consent_under_the_current_version()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);
        kit.Time.Advance(TimeSpan.FromDays(1));

        var renewed = await kit.Consents.RenewAsync(kit.Renewal(Alice, granted.ConsentId) with { ExpiresAt = kit.Time.GetUtcNow().AddDays(1) }, default);

        renewed.ConsentId.Should().Be(granted.ConsentId);
        renewed.Fact.State.Should().Be(ConsentState.Given);
        renewed.Fact.Terms!.Purposes.Should().Equal(granted.Fact.Terms!.Purposes);
        renewed.Fact.Terms.CollectionMethod.Should().Be("renewal-dialog");
        renewed.Fact.Terms.Notice.Should().Be("notice-7");
        renewed.Receipt.Event.Should().Be("renewed");
        (await kit.HistoryAsync(Alice)).Select(f => f.State).Should().Equal(ConsentState.Given, ConsentState.Withdrawn, ConsentState.Given);
        (await kit.Decider.PermitsAsync(Alice, granted.ConsentId)).Should().BeTrue();
    }

    [Fact]
    public async Task store_subject_access_history_and_states_cover_only_the_subject()
    {
        var kit = new ConsentTestKit();
        var bob = new SubjectId("bob");
        var a = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        await kit.Consents.GrantAsync(kit.Request(bob), default);

        (await kit.HistoryAsync(Alice)).Should().ContainSingle().Which.ConsentId.Should().Be(a.ConsentId);
        (await kit.Consents.GetStatusesAsync(Alice, null, default)).Should().ContainSingle().Which.ConsentId.Should().Be(a.ConsentId);
        (await kit.Consents.GetStatusAsync(bob, a.ConsentId, null, default)).Should().BeNull();
    }

    private sealed class LoggingStore(IConsentStore inner, List<string> log) : IConsentStore
    {
        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken)
        {
            log.Add("append:" + fact.State);
            return inner.AppendAsync(fact, cancellationToken);
        }

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken)
        {
            log.Add("append-many");
            return inner.AppendManyAsync(facts, cancellationToken);
        }

        public IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) => inner.GetFactsAsync(subject, cancellationToken);

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken)
        {
            log.Add("read");
            return inner.GetConsentFactsAsync(consentId, cancellationToken);
        }

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => inner.DeleteSubjectAsync(subject, cancellationToken);
    }
}
