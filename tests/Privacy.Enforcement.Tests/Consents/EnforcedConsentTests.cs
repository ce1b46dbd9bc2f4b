using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Privacy.Enforcement.Tests.Consents;

/// <summary>The consent services wired by <c>AddPrivacyEnforcement</c>, checked through the decision engine.</summary>
internal sealed class EnforcedHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public EnforcedHost()
    {
        Time = new FakeTimeProvider(Start);
        Time.SetLocalTimeZone(ConsentTestKit.FarOffZone);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddPrivacyEnforcement(o => o.UsePolicyDocument(StandardPolicy.CreateBuilder().AddRecipient("acme", RecipientKind.Partner, "Acme").Build()))
            .UseInMemoryStores();
        _provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; }

    public IConsentService Consents => _provider.GetRequiredService<IConsentService>();

    public IPolicyAcceptanceService Acceptance => _provider.GetRequiredService<IPolicyAcceptanceService>();

    public IObjectionService Objections => _provider.GetRequiredService<IObjectionService>();

    public IPolicyChangeService Changes => _provider.GetRequiredService<IPolicyChangeService>();

    public IPrivacyEnforcer Enforcer => _provider.GetRequiredService<IPrivacyEnforcer>();

    public IPolicyProvider Policies => _provider.GetRequiredService<IPolicyProvider>();

    public ConsentRequest Collect(SubjectId subject, string category) => new()
    {
        Subject = subject,
        PolicyVersion = Policies.Current.Version.Version,
        PolicyContentHash = Policies.Current.Version.ContentHash,
        Purposes = [new PurposeId(StandardPurposes.ServiceProvision)],
        Categories = [new DataCategory(category)],
        Acts = [ProcessingAct.Collect],
        CollectionMethod = "sign-up-form",
    };

    public ValueTask<PolicyAcceptance> AcceptCurrentAsync(SubjectId subject) =>
        Acceptance.AcceptAsync(subject, Policies.Current.Version.Version, Policies.Current.Version.ContentHash, "accept-button", default);

    public ValueTask<PrivacyDecision> DecideCollectAsync(SubjectId subject, string category) =>
        Enforcer.DecideAsync(new CollectionRequest(subject, [new DataCategory(category)], new PurposeId(StandardPurposes.ServiceProvision)));

    public void Dispose() => _provider.Dispose();
}

[Trait("Category", "TimeDependent")]
public class EnforcedConsentTests
{
    private const string Email = "user.contact.email";
    private const string Name = "user.name";
    private static readonly SubjectId Alice = new("alice");

    [Fact]
    public async Task collect_consent_grant_permits_and_an_acknowledged_withdrawal_denies_the_next_decision()
    {
        using var host = new EnforcedHost();
        await host.AcceptCurrentAsync(Alice);
        (await host.DecideCollectAsync(Alice, Email)).Reason.Should().Be(DecisionReason.ConsentMissing);

        var granted = await host.Consents.GrantAsync(host.Collect(Alice, Email), default);
        (await host.DecideCollectAsync(Alice, Email)).Outcome.Should().Be(DecisionOutcome.Permit);

        await host.Consents.WithdrawAsync(Alice, granted.ConsentId, default);
        var decision = await host.DecideCollectAsync(Alice, Email);

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.ConsentWithdrawn);
    }

    [Fact]
    public async Task collect_consent_expiry_at_t_permits_at_t_minus_one_tick_and_denies_at_t()
    {
        using var host = new EnforcedHost();
        await host.AcceptCurrentAsync(Alice);
        var expiry = new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.FromHours(14));
        await host.Consents.GrantAsync(host.Collect(Alice, Email) with { ExpiresAt = expiry }, default);

        host.Time.SetUtcNow(expiry.AddTicks(-1));
        (await host.DecideCollectAsync(Alice, Email)).Outcome.Should().Be(DecisionOutcome.Permit);

        host.Time.SetUtcNow(expiry);
        var decision = await host.DecideCollectAsync(Alice, Email);
        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.ConsentExpired);
    }

    [Fact]
    public async Task use_own_marketing_objection_denies_the_use_and_lifting_it_permits_again()
    {
        using var host = new EnforcedHost();
        await host.AcceptCurrentAsync(Alice);
        var request = new UseRequest(Alice, [new DataCategory(Email)], new PurposeId(StandardPurposes.OwnMarketing));
        (await host.Enforcer.DecideAsync(request)).Outcome.Should().Be(DecisionOutcome.Permit);

        await host.Objections.ObjectAsync(Alice, new PurposeId(StandardPurposes.OwnMarketing), default);
        var denied = await host.Enforcer.DecideAsync(request);

        denied.Outcome.Should().Be(DecisionOutcome.Deny);
        denied.Reason.Should().Be(DecisionReason.Objected);

        await host.Objections.LiftAsync(Alice, new PurposeId(StandardPurposes.OwnMarketing), default);
        (await host.Enforcer.DecideAsync(request)).Outcome.Should().Be(DecisionOutcome.Permit);
    }

    [Fact]
    public async Task intro_acceptance_deemed_acceptance_by_use_lets_processing_under_the_version_proceed()
    {
        using var host = new EnforcedHost();
        var request = new UseRequest(Alice, [new DataCategory(Email)], new PurposeId(StandardPurposes.OwnMarketing));
        (await host.Enforcer.DecideAsync(request)).Reason.Should().Be(DecisionReason.AcceptanceRequired);

        await host.Acceptance.RecordUseAsync(Alice, "session-1", host.Time.GetUtcNow(), default);

        (await host.Enforcer.DecideAsync(request)).Outcome.Should().Be(DecisionOutcome.Permit);
    }

    [Fact]
    public async Task changes_notice_a_published_change_denies_affected_consents_until_renewed()
    {
        using var host = new EnforcedHost();
        await host.AcceptCurrentAsync(Alice);
        var email = await host.Consents.GrantAsync(host.Collect(Alice, Email), default);
        await host.Consents.GrantAsync(host.Collect(Alice, Name), default);
        host.Time.Advance(TimeSpan.FromDays(1));

        var next = PolicyBuilder.From(host.Policies.Current.Document).WithVersion("1.1", host.Time.GetUtcNow()).Build();
        next = next with { Categories = [.. next.Categories.Select(c => c.Id == Email ? c with { Description = "E-mail addresses, including work addresses" } : c)] };
        var report = await host.Changes.PublishAsync(next, default);
        await host.AcceptCurrentAsync(Alice);

        report.AffectedConsentIds.Should().Equal(email.ConsentId);
        host.Policies.Current.Version.Version.Should().Be(new Version(1, 1));
        var denied = await host.DecideCollectAsync(Alice, Email);
        denied.Outcome.Should().Be(DecisionOutcome.Deny);
        denied.Reason.Should().Be(DecisionReason.ConsentNeedsRenewal);
        denied.PolicyVersion!.Version.Should().Be(new Version(1, 1));
        (await host.DecideCollectAsync(Alice, Name)).Outcome.Should().Be(DecisionOutcome.Permit, "an unaffected consent stays valid");

        await host.Consents.RenewAsync(new ConsentRenewalRequest
        {
            Subject = Alice,
            ConsentId = email.ConsentId,
            PolicyVersion = host.Policies.Current.Version.Version,
            PolicyContentHash = host.Policies.Current.Version.ContentHash,
            CollectionMethod = "renewal-banner",
        }, default);

        (await host.DecideCollectAsync(Alice, Email)).Outcome.Should().Be(DecisionOutcome.Permit);
        (await host.Acceptance.GetStatusAsync(Alice, default)).HasAcceptedCurrent.Should().BeTrue();
    }

    [Fact]
    public void AddPrivacyEnforcement_registers_the_consent_services_once_and_names_a_missing_store()
    {
        var services = new ServiceCollection();
        services.AddPrivacyEnforcement();
        services.AddPrivacyEnforcement();

        services.Count(d => d.ServiceType == typeof(IConsentService)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IPolicyChangeService)).Should().Be(1);
        using var provider = services.BuildServiceProvider();
        provider.Invoking(p => p.GetRequiredService<IConsentService>())
            .Should().Throw<InvalidOperationException>().WithMessage("No consent store*UseInMemoryStores()*");
    }
}
