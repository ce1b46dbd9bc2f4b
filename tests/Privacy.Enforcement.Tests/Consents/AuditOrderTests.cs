using System.Runtime.CompilerServices;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Consents;

/// <summary>
/// store.integrity: no effect without an audit event, and no audit event left standing for a record that was never
/// stored. A change that widens what is permitted is audited first and voided by an <c>.aborted</c> event when the
/// store write fails; a change that narrows it is stored first, and its event is written by the retry when the trail
/// was down.
/// </summary>
public class AuditOrderTests
{
    private static readonly SubjectId Alice = new("alice");

    [Fact]
    public async Task Finding11_a_withdrawal_made_during_an_audit_outage_is_audited_by_its_retry()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        kit.Audit.Unavailable = true;
        await kit.Invoking(k => k.Consents.WithdrawAsync(Alice, granted.ConsentId, default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();
        (await kit.Consents.GetStatusAsync(Alice, granted.ConsentId, null, default))!.Value.State.Should().Be(ConsentState.Withdrawn, "the withdrawal took effect");

        kit.Audit.Unavailable = false;
        var retried = await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);

        kit.Audit.Events.Where(e => e.Action == "consent.withdrawn").Should().ContainSingle("the retry writes the missing event")
            .Which.Should().Match<AuditEvent>(e => e.RecordId == granted.ConsentId.ToString() && e.Timestamp == retried.Fact.RecordedAt && e.SubjectPseudonym != null);
    }

    [Fact]
    public async Task Finding11_a_retry_of_an_audited_withdrawal_writes_no_second_event()
    {
        var kit = new ConsentTestKit();
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);

        await kit.Consents.WithdrawAsync(Alice, granted.ConsentId, default);

        kit.Audit.Events.Count(e => e.Action == "consent.withdrawn").Should().Be(1);
    }

    [Fact]
    public async Task Finding11_an_objection_raised_during_an_audit_outage_is_audited_by_its_retry()
    {
        var kit = new ConsentTestKit();
        var purpose = new PurposeId(StandardPurposes.OwnMarketing);
        kit.Audit.Unavailable = true;
        await kit.Invoking(k => k.Objections.ObjectAsync(Alice, purpose, default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();
        (await kit.Objections.IsObjectingAsync(Alice, purpose, null, default)).Should().BeTrue("the objection took effect");

        kit.Audit.Unavailable = false;
        await kit.Objections.ObjectAsync(Alice, purpose, default);
        await kit.Objections.ObjectAsync(Alice, purpose, default);

        kit.Audit.Events.Where(e => e.Action == "objection.raised").Should().ContainSingle("the first retry writes the missing event, the second finds it");
    }

    [Fact]
    public async Task AlsoFound_a_grant_whose_store_write_fails_is_voided_by_an_aborted_event()
    {
        var store = new FlakyConsentStore { FailAppends = true };
        var kit = new ConsentTestKit(store);

        await kit.Invoking(k => k.Consents.GrantAsync(k.Request(Alice), default).AsTask()).Should().ThrowAsync<PrivacyStoreException>();

        (await kit.AllFactsAsync()).Should().BeEmpty();
        var events = kit.Audit.Events.ToList();
        events.Select(e => e.Action).Should().Equal("consent.given", "consent.given.aborted");
        events[1].RecordId.Should().Be(events[0].RecordId).And.NotBeNull();
        events[1].SubjectPseudonym.Should().Be(events[0].SubjectPseudonym);
        events[1].Reasons.Should().ContainSingle().Which.Should().Contain("consent.given").And.Contain("store");
    }

    [Fact]
    public async Task AlsoFound_a_renewal_whose_store_write_fails_is_voided_by_an_aborted_event()
    {
        var store = new FlakyConsentStore();
        var kit = new ConsentTestKit(store);
        var granted = await kit.Consents.GrantAsync(kit.Request(Alice), default);
        store.FailAppends = true;

        await kit.Invoking(k => k.Consents.RenewAsync(k.Renewal(Alice, granted.ConsentId), default).AsTask()).Should().ThrowAsync<PrivacyStoreException>();

        (await kit.AllFactsAsync()).Should().ContainSingle();
        kit.Audit.Events.Select(e => e.Action).Should().Equal("consent.given", "consent.renewed", "consent.renewed.aborted");
        kit.Audit.Events.Should().OnlyContain(e => e.RecordId == granted.ConsentId.ToString());
    }

    [Fact]
    public async Task AlsoFound_a_grant_whose_audit_fails_stores_nothing()
    {
        var store = new FlakyConsentStore();
        var kit = new ConsentTestKit(store);
        kit.Audit.Unavailable = true;

        await kit.Invoking(k => k.Consents.GrantAsync(k.Request(Alice), default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();

        (await kit.AllFactsAsync()).Should().BeEmpty();
        store.Appends.Should().Be(0);
        kit.Audit.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task AlsoFound_an_acceptance_whose_store_write_fails_is_voided_by_an_aborted_event()
    {
        var acceptances = new FlakyAcceptanceStore { FailAppends = true };
        var kit = new ConsentTestKit(acceptances: acceptances);
        var v1 = kit.V1.Version;

        await kit.Invoking(k => k.AcceptanceService.AcceptAsync(Alice, v1.Version, v1.ContentHash, "accept-button", default).AsTask()).Should().ThrowAsync<PrivacyStoreException>();

        (await kit.AcceptanceService.GetStatusAsync(Alice, default)).LatestAcceptance.Should().BeNull();
        var events = kit.Audit.Events.ToList();
        events.Select(e => e.Action).Should().Equal("policy.accepted", "policy.accepted.aborted");
        events[1].SubjectPseudonym.Should().Be(events[0].SubjectPseudonym);
        events[1].Timestamp.Should().Be(events[0].Timestamp);
        events[1].EvidenceReferences.Should().Equal(events[0].EvidenceReferences);
    }

    [Fact]
    public async Task AlsoFound_an_acceptance_whose_audit_fails_stores_nothing()
    {
        var acceptances = new FlakyAcceptanceStore();
        var kit = new ConsentTestKit(acceptances: acceptances);
        kit.Audit.Unavailable = true;
        var v1 = kit.V1.Version;

        await kit.Invoking(k => k.AcceptanceService.AcceptAsync(Alice, v1.Version, v1.ContentHash, "accept-button", default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();

        acceptances.Appends.Should().Be(0);
        kit.Audit.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task AlsoFound_a_lifted_objection_whose_store_write_fails_is_voided_by_an_aborted_event()
    {
        var acceptances = new FlakyAcceptanceStore();
        var kit = new ConsentTestKit(acceptances: acceptances);
        var purpose = new PurposeId(StandardPurposes.OwnMarketing);
        await kit.Objections.ObjectAsync(Alice, purpose, default);
        acceptances.FailAppends = true;

        await kit.Invoking(k => k.Objections.LiftAsync(Alice, purpose, default).AsTask()).Should().ThrowAsync<PrivacyStoreException>();

        (await kit.Objections.IsObjectingAsync(Alice, purpose, null, default)).Should().BeTrue();
        kit.Audit.Events.Select(e => e.Action).Should().Equal("objection.raised", "objection.lifted", "objection.lifted.aborted");
    }

    [Fact]
    public async Task AlsoFound_a_lifted_objection_whose_audit_fails_stores_nothing()
    {
        var acceptances = new FlakyAcceptanceStore();
        var kit = new ConsentTestKit(acceptances: acceptances);
        var purpose = new PurposeId(StandardPurposes.OwnMarketing);
        await kit.Objections.ObjectAsync(Alice, purpose, default);
        var stored = acceptances.Appends;
        kit.Audit.Unavailable = true;

        await kit.Invoking(k => k.Objections.LiftAsync(Alice, purpose, default).AsTask()).Should().ThrowAsync<AuditUnavailableException>();

        acceptances.Appends.Should().Be(stored);
        (await kit.Objections.IsObjectingAsync(Alice, purpose, null, default)).Should().BeTrue();
    }

    /// <summary>A consent store whose appends fail when told to.</summary>
    internal sealed class FlakyConsentStore : IConsentStore
    {
        private readonly InMemoryConsentStore _inner = new();
        private int _appends;

        public bool FailAppends { get; set; }

        public int Appends => Volatile.Read(ref _appends);

        public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken)
        {
            if (FailAppends)
            {
                throw new PrivacyStoreException("consent store down (test)");
            }

            Interlocked.Increment(ref _appends);
            return _inner.AppendAsync(fact, cancellationToken);
        }

        public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken)
        {
            if (FailAppends)
            {
                throw new PrivacyStoreException("consent store down (test)");
            }

            Interlocked.Increment(ref _appends);
            return _inner.AppendManyAsync(facts, cancellationToken);
        }

        public IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetFactsAsync(subject, cancellationToken);

        public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => _inner.GetConsentFactsAsync(consentId, cancellationToken);

        public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => _inner.GetSubjectsAsync(cancellationToken);

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }

    /// <summary>An acceptance store whose appends fail when told to.</summary>
    internal sealed class FlakyAcceptanceStore : IAcceptanceStore
    {
        private readonly InMemoryAcceptanceStore _inner = new();
        private int _appends;

        public bool FailAppends { get; set; }

        public int Appends => Volatile.Read(ref _appends);

        public ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken)
        {
            if (FailAppends)
            {
                throw new PrivacyStoreException("acceptance store down (test)");
            }

            Interlocked.Increment(ref _appends);
            return _inner.AppendAcceptanceAsync(acceptance, cancellationToken);
        }

        public IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.GetAcceptancesAsync(subject, cancellationToken);

        public ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken)
        {
            if (FailAppends)
            {
                throw new PrivacyStoreException("acceptance store down (test)");
            }

            Interlocked.Increment(ref _appends);
            return _inner.AppendObjectionAsync(objection, cancellationToken);
        }

        public async IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var objection in _inner.GetObjectionsAsync(subject, cancellationToken))
            {
                yield return objection;
            }
        }

        public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => _inner.DeleteSubjectAsync(subject, cancellationToken);
    }
}
