using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

/// <summary>
/// A new policy version reached end to end: a host of its own, since publishing changes the version every other test
/// of the shared host accepts under.
/// </summary>
public sealed class PolicyChangeDenyTests(PrivacyTestFactory factory) : IClassFixture<PrivacyTestFactory>
{
    [Fact]
    public async Task A_consent_granted_under_the_older_version_that_the_new_one_changes_is_denied_as_needing_renewal_until_renewed()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        var client = factory.SignedIn(subject);
        (await client.GetAsync("/contact")).StatusCode.Should().Be(HttpStatusCode.OK, "the consent covers the collection under 1.0");

        // changes.notice: 1.1 changes what the e-mail category covers, so the consent given under 1.0 must be renewed.
        factory.Time.Advance(TimeSpan.FromDays(1));
        var current = factory.Services.GetRequiredService<IPolicyProvider>().Current.Document;
        var next = PolicyBuilder.From(current).WithVersion("1.1", factory.Time.GetUtcNow()).Build();
        next = next with { Categories = [.. next.Categories.Select(static c => c.Id == StandardDataCategories.Email ? c with { Description = "E-mail addresses, work addresses too" } : c)] };
        var report = await factory.Services.GetRequiredService<IPolicyChangeService>().PublishAsync(next, CancellationToken.None);
        await factory.AcceptAsync(subject);
        report.Affected.Should().ContainSingle();

        var problem = await DeniedProblem.AssertAsync(await factory.SignedIn(subject).GetAsync("/contact"), factory, new ExpectedDenial("consent-needs-renewal")
        {
            Subject = subject, Clauses = [ClauseIds.CollectConsent, ClauseIds.ChangesNotice],
            Withheld = new Dictionary<string, string> { [StandardDataCategories.Email] = "consent-needs-renewal" },
            Obligations = ["renew-consent"], PersonalData = [subject],
        });
        problem.GetProperty("policyVersion").GetString().Should().Be($"{StandardPolicy.Id}@1.1");

        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        (await factory.SignedIn(subject).GetAsync("/contact")).StatusCode.Should().Be(HttpStatusCode.OK, "a consent renewed under 1.1 covers it again");
    }
}
