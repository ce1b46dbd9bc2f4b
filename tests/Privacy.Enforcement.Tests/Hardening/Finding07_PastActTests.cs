using System.Text;
using Privacy.Enforcement.Tests.Decisions;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Hardening;

/// <summary>
/// Finding 7: a request dated in the past replayed an old Permit and the trail hid it. An act dated before the
/// subject's newest fact (or a change the clock brought: an expiry, an engagement's end) is an Indeterminate deny, so
/// a past-dated answer never permits more than a present one; the audit event records the time judged.
/// </summary>
public sealed class Finding07_PastActTests
{
    private const string Service = StandardPurposes.ServiceProvision;

    private static CollectionRequest CollectPhone() => new(Alice, [new DataCategory(Phone)], new PurposeId(Service));

    [Fact]
    public async Task Finding07_an_act_dated_before_a_withdrawal_is_not_permitted_after_it()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        var id = await fixture.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: fixture.Now.AddMinutes(-5));
        await fixture.AppendAsync(Alice, id, ConsentState.Withdrawn, fixture.Now.AddMinutes(-1));

        var decision = await fixture.DecideAsync(CollectPhone() with { OccursAt = fixture.Now.AddMinutes(-2) });

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
        decision.PermittedCategories.Should().BeEmpty();
    }

    [Fact]
    public async Task Finding07_an_act_dated_before_a_consent_expired_is_not_permitted_after_it()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: fixture.Now.AddMinutes(-5), expiresAt: fixture.Now.AddMinutes(-1));

        var decision = await fixture.DecideAsync(CollectPhone() with { OccursAt = fixture.Now.AddMinutes(-2) });

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
    }

    [Fact]
    public async Task Finding07_a_provider_asking_as_of_before_its_engagement_ended_is_denied()
    {
        using var fixture = new EnforcerFixture();
        await fixture.EngageAsync(Alice, endsAt: fixture.Now.AddMinutes(-1));
        var read = new UseRequest(Alice, [new DataCategory(Phone)], new PurposeId(Service), Actor.ThirdParty(new RecipientId(Courier)));

        var decision = await fixture.DecideAsync(read with { OccursAt = fixture.Now.AddMinutes(-2) });

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.Indeterminate);
    }

    [Fact]
    public async Task Finding07_an_act_dated_after_the_newest_fact_is_judged_and_the_event_records_the_time_judged()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: fixture.Now.AddMinutes(-5));
        var occursAt = fixture.Now.AddMinutes(-2);

        var decision = await fixture.DecideAsync(CollectPhone() with { OccursAt = occursAt });

        decision.Outcome.Should().Be(DecisionOutcome.Permit);
        var canonical = Encoding.UTF8.GetString(AuditHashChain.GetCanonicalJson(fixture.Audit.Events.Single(e => e.Kind == AuditEventKind.Decision)));
        canonical.Should().Contain($"\"judgedAt\":\"{occursAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}\"");
    }

    [Fact]
    public async Task Finding07_a_refused_past_act_is_in_the_trail_with_the_time_judged()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        var id = await fixture.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: fixture.Now.AddMinutes(-5));
        await fixture.AppendAsync(Alice, id, ConsentState.Withdrawn, fixture.Now.AddMinutes(-1));
        var occursAt = fixture.Now.AddMinutes(-2);

        await fixture.DecideAsync(CollectPhone() with { OccursAt = occursAt });

        var recorded = fixture.Audit.Events.Single(e => e.Kind == AuditEventKind.Decision);
        recorded.Outcome.Should().Be("Deny");
        Encoding.UTF8.GetString(AuditHashChain.GetCanonicalJson(recorded)).Should().Contain("\"judgedAt\":\"");
    }

    [Fact]
    public async Task Finding07_a_present_decision_writes_no_time_judged_so_its_bytes_are_unchanged()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);

        await fixture.DecideAsync(new UseRequest(Alice, [new DataCategory(Behavior)], new PurposeId(Service)));

        var canonical = Encoding.UTF8.GetString(AuditHashChain.GetCanonicalJson(fixture.Audit.Events.Single(e => e.Kind == AuditEventKind.Decision)));
        canonical.Should().NotContain("judgedAt");
        canonical.Should().EndWith(",\"correlationId\":null,\"previousHash\":\"\"}");
    }
}
