using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.AspNetCore.Tests.TestHost;

namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

/// <summary>Deny reasons reached end to end through an enforced endpoint, each with its own problem type.</summary>
[Collection(PrivacyTestCollection.Name)]
public sealed class DenyReasonTests(PrivacyTestFactory factory)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_refused_consent_denies_as_consent_refused()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.Services.GetRequiredService<IConsentService>().RefuseAsync(new ConsentRequest
        {
            Subject = new SubjectId(subject), PolicyVersion = factory.Policy.Version, PolicyContentHash = factory.Policy.ContentHash,
            Purposes = [new PurposeId(StandardPurposes.ServiceProvision)], Categories = [new DataCategory(StandardDataCategories.Email)],
            Acts = [ProcessingAct.Collect, ProcessingAct.Use], CollectionMethod = "test",
        }, None);

        var problem = await RequirePrivacyTests.DeniedAsync(factory.SignedIn(subject), "/contact");

        problem.GetProperty("reason").GetString().Should().Be("consent-refused");
        problem.GetProperty("withheld").GetProperty(StandardDataCategories.Email).GetString().Should().Be("consent-refused");
    }

    [Fact]
    public async Task A_provider_whose_engagement_ended_is_denied_as_engagement_ended()
    {
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        var engagements = factory.Services.GetRequiredService<IEngagementService>();
        var engagement = await engagements.EngageAsync(new EngagementRequest
        {
            Provider = new RecipientId(TestApp.Courier), Service = new ServiceId(StandardServices.Delivery),
            Subjects = [new SubjectId(subject)], Categories = [new DataCategory(StandardDataCategories.Address)],
        }, None);
        await engagements.TerminateAsync(engagement.Id, "contract ended", None);

        var problem = await RequirePrivacyTests.DeniedAsync(factory.SignedIn(subject), "/ship", post: true);

        problem.GetProperty("reason").GetString().Should().Be("engagement-ended");
        problem.GetProperty("type").GetString().Should().Be("urn:privacy-enforcement:deny:engagement-ended");
    }
}
