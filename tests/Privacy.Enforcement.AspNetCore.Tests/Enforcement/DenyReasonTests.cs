using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Violations;
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

    [Fact]
    public async Task A_signed_in_user_whose_service_agreement_was_terminated_is_denied_as_actor_sanctioned()
    {
        // use.violator-termination: every request acting for a terminated user is denied; a signed-in request is made in
        // that user's session.
        var subject = PrivacyTestFactory.NewSubject();
        await factory.AcceptAsync(subject);
        await factory.GrantAsync(subject, StandardPurposes.ServiceProvision, [StandardDataCategories.Email]);
        using (var before = await factory.SignedIn(subject).GetAsync("/contact"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK, "the user accepted and consented");
        }

        var violations = factory.Services.GetRequiredService<IViolationService>();
        var violation = await violations.ReportAsync(new ViolationReport
        {
            Kind = ViolationKind.Harvesting, Violator = new SubjectId(subject), EvidenceReference = "case-7",
            AffectedSubjects = [new SubjectId(PrivacyTestFactory.NewSubject())], RelevantCategories = [new DataCategory(StandardDataCategories.Email)],
        }, None);
        await violations.ConfirmAsync(violation.Id, None);
        await violations.TerminateServiceAgreementAsync(violation.Id, None);

        var problem = await RequirePrivacyTests.DeniedAsync(factory.SignedIn(subject), "/contact");

        problem.GetProperty("reason").GetString().Should().Be("actor-sanctioned");
        problem.GetProperty("type").GetString().Should().Be("urn:privacy-enforcement:deny:actor-sanctioned");
    }
}
