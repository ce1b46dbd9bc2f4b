using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Shared;

/// <summary>
/// A few representative rows written straight into a database created from a frozen schema (as a released library
/// left them), and what must hold once today's library has migrated that database: every row kept, the seeded subject
/// still permitted, the audit trail still verifying.
/// </summary>
internal sealed class FrozenSchemaSeed
{
    private FrozenSchemaSeed(PolicyVersion policy)
    {
        var now = TimeProvider.System.GetUtcNow();
        Subject = StoreTestData.NewSubject();
        Acceptance = new PolicyAcceptance(Subject, policy, AcceptanceKind.Explicit, now.AddMinutes(-10), "sign-in");
        Consent = new ConsentFact
        {
            FactId = Guid.NewGuid(),
            ConsentId = ConsentId.New(),
            Subject = Subject,
            State = ConsentState.Given,
            RecordedAt = now.AddMinutes(-5),
            Policy = policy,
            Terms = new ConsentTerms
            {
                Purposes = [new PurposeId(StandardPurposes.ServiceProvision)],
                Categories = [new DataCategory(StandardDataCategories.Phone)],
                Acts = [ProcessingAct.Collect],
                Notice = "notice-v1",
            },
        };
        Request = new CollectionRequest(Subject, [new DataCategory(StandardDataCategories.Phone)], new PurposeId(StandardPurposes.ServiceProvision));
        Engagement = StoreTestData.Engagement("courier", Subject) with { StartsAt = now.AddDays(-1), EndsAt = now.AddDays(30) }; // ends after the test: the end monitor leaves it alone
        Violation = StoreTestData.Violation(StoreTestData.NewSubject());
        Pseudonym = "ps-" + Guid.NewGuid().ToString("N");
        Events = AuditBackfill.Chain();
    }

    public SubjectId Subject { get; }

    public PolicyAcceptance Acceptance { get; }

    public ConsentFact Consent { get; }

    public CollectionRequest Request { get; }

    public ServiceEngagement Engagement { get; }

    public Violation Violation { get; }

    public string Pseudonym { get; }

    public List<AuditEvent> Events { get; }

    /// <summary>A seed for the policy <paramref name="instance"/> enforces (read from it without starting it).</summary>
    public static FrozenSchemaSeed For(IServiceProvider instance) => new(instance.GetRequiredService<IPolicyProvider>().Current.Version);

    /// <summary>
    /// The rows to insert, table by table, in the columns every released schema has; the audit table's query columns
    /// (migration 3) only when <paramref name="auditColumns"/> says the schema has them.
    /// </summary>
    public IEnumerable<(string Table, (string Column, object? Value)[] Values)> Rows(bool auditColumns)
    {
        yield return ("pe_acceptances", [("subject_id", Subject.Value), ("payload", StoreJson.Serialize(Acceptance))]);
        yield return ("pe_consent_facts", [("fact_id", Consent.FactId.ToString("D")), ("consent_id", Consent.ConsentId.ToString()), ("subject_id", Subject.Value), ("payload", StoreJson.Serialize(Consent))]);
        yield return ("pe_engagements",
        [
            ("id", Engagement.Id.ToString()), ("provider_id", Engagement.Provider.Value), ("all_subjects", 0L), ("starts_at", Engagement.StartsAt.UtcTicks),
            ("effective_end", Engagement.EffectiveEnd!.Value.UtcTicks), ("deletion_confirmed", 0L), ("row_version", 1L), ("payload", StoreJson.Serialize(Engagement)),
        ]);
        yield return ("pe_engagement_subjects", [("engagement_id", Engagement.Id.ToString()), ("subject_id", Subject.Value)]);
        yield return ("pe_violations", [("id", Violation.Id.ToString()), ("violator_id", Violation.Violator.Value), ("reported_at", Violation.ReportedAt.UtcTicks), ("row_version", 1L), ("payload", StoreJson.Serialize(Violation))]);
        yield return ("pe_pseudonyms", [("subject_id", Subject.Value), ("pseudonym", Pseudonym)]);
        foreach (var e in Events)
        {
            yield return auditColumns
                ? ("pe_audit_events",
                [
                    ("sequence", e.Sequence), ("hash", e.Hash), ("kind", e.Kind.ToString()), ("occurred_at", e.Timestamp.ToUnixTimeMilliseconds()),
                    ("subject_pseudonym", e.SubjectPseudonym), ("recipient", e.Recipient), ("payload", StoreJson.Serialize(e)),
                ])
                : ("pe_audit_events", [("sequence", e.Sequence), ("payload", StoreJson.Serialize(e))]);
        }
    }

    /// <summary>Every seeded row reads back through the migrated stores, the subject is permitted and the trail verifies.</summary>
    public async Task AssertKeptAsync(IServiceProvider instance)
    {
        var none = CancellationToken.None;
        (await instance.GetRequiredService<IAcceptanceStore>().GetAcceptancesAsync(Subject, none).CollectAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(Acceptance);
        (await instance.GetRequiredService<IConsentStore>().GetFactsAsync(Subject, none).CollectAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(Consent);
        var engagements = instance.GetRequiredService<IEngagementStore>();
        (await engagements.FindAsync(Engagement.Id, none)).Should().BeEquivalentTo(Engagement);
        (await engagements.GetBySubjectAsync(Subject, none).CollectAsync()).Select(e => e.Id).Should().Equal(Engagement.Id);
        (await instance.GetRequiredService<IViolationStore>().FindAsync(Violation.Id, none)).Should().BeEquivalentTo(Violation);
        (await instance.GetRequiredService<IPseudonymStore>().FindAsync(Subject, none)).Should().Be(Pseudonym);

        // The seeded trail reads back whole and verifies, and the queries find it (its columns filled in by migration 3 where they were missing).
        await AuditBackfill.AssertFilledInAsync(instance, Events);
        var trail = await instance.GetRequiredService<IAuditTrailReader>().ReadAsync(1, none).CollectAsync();
        trail.Take(Events.Count).Should().BeEquivalentTo(Events, o => o.WithStrictOrdering());
        AuditTrailVerifier.Verify(trail).IsValid.Should().BeTrue();

        (await instance.GetRequiredService<IPrivacyEnforcer>().DecideAsync(Request)).Outcome.Should().Be(DecisionOutcome.Permit, "the seeded acceptance and consent still permit");
        (await instance.GetRequiredService<IPrivacyEnforcer>().DecideAsync(new CollectionRequest(StoreTestData.NewSubject(), Request.Categories, Request.Purpose))).Outcome.Should().Be(DecisionOutcome.Deny);
    }
}
