namespace Privacy.Enforcement.AspNetCore.Tests.Enforcement;

/// <summary>The enforcer's request a requirement makes: reused for the same subject, never another's.</summary>
public sealed class PrivacyRequirementTests
{
    private static readonly PrivacyRequirement Requirement =
        new(ProcessingAct.Collect, new PurposeId(StandardPurposes.ServiceProvision), [new DataCategory(StandardDataCategories.Email)]) { StoreOperator = new RecipientId("affiliate-1") };

    [Fact]
    public void The_same_subject_gets_the_same_request_and_another_subject_its_own()
    {
        var alice = new SubjectId("alice-1");
        var bob = new SubjectId("bob-1");

        var first = Requirement.RequestFor(alice);
        var again = Requirement.RequestFor(alice);
        var other = Requirement.RequestFor(bob);
        var anonymous = Requirement.RequestFor(default);

        again.Should().BeSameAs(first);
        other.Subject.Should().Be(bob);
        Requirement.RequestFor(alice).Subject.Should().Be(alice, "a request made for one subject never answers for another");
        first.Should().BeEquivalentTo(Requirement.CreateRequest(alice), static o => o.RespectingRuntimeTypes());
        first.InSubjectSession.Should().BeTrue();
        ((CollectionRequest)first).StoreOperator.Should().Be(new RecipientId("affiliate-1"));
        anonymous.InSubjectSession.Should().BeFalse();
        anonymous.Subject.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Only_a_requirement_about_the_signed_in_subject_with_no_evidence_reuses_requests()
    {
        Requirement.IsForSignedInSubject.Should().BeTrue();
        (new PrivacyRequirement(ProcessingAct.Use, new PurposeId(StandardPurposes.ServiceProvision), [new DataCategory(StandardDataCategories.Email)])
        {
            Subject = static _ => ValueTask.FromResult<SubjectId?>(null),
        }).IsForSignedInSubject.Should().BeFalse();
        (new PrivacyRequirement(ProcessingAct.Use, new PurposeId(StandardPurposes.ServiceProvision), [new DataCategory(StandardDataCategories.Email)])
        {
            Actor = static (_, _) => Actor.Application,
        }).IsForSignedInSubject.Should().BeFalse();
        (new PrivacyRequirement(new Recipient("p", RecipientKind.Partner), new PurposeId(StandardPurposes.PartnerMarketing), [new DataCategory(StandardDataCategories.Email)])
        {
            Evidence = static (_, _) => ValueTask.FromResult<DisclosureEvidence?>(null),
        }).IsForSignedInSubject.Should().BeFalse();
    }
}
