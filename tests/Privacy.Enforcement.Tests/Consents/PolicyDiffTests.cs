namespace Privacy.Enforcement.Tests.Consents;

public class PolicyDiffTests
{
    private static readonly PolicyDocument V1 = TestPolicies.Version1;

    [Fact]
    public void changes_notice_identical_versions_have_no_difference()
    {
        var reordered = V1 with { Version = "1.1", Purposes = [.. V1.Purposes.Reverse()], Services = [V1.Services[0] with { NecessaryCategories = ["user.location", "user.contact.phone_number"] }] };

        var diff = PolicyDiff.Compute(V1, reordered);

        diff.IsEmpty.Should().BeTrue("reordering is not a change of meaning");
        diff.FromVersion.Should().Be("1.0");
        diff.ToVersion.Should().Be("1.1");
        diff.PolicyId.Should().Be(TestPolicies.PolicyId);
    }

    [Fact]
    public void changes_notice_purposes_added_removed_and_changed_are_listed_with_before_and_after()
    {
        var v2 = V1 with
        {
            Version = "2.0",
            Purposes =
            [
                V1.Purposes[0],
                V1.Purposes[1] with { Objectable = false },
                new PurposeDefinition { Id = "research", Description = "studies" },
            ],
        };

        var diff = PolicyDiff.Compute(V1, v2);

        diff.Changes.Should().BeEquivalentTo(
            [
                new PolicyChange(PolicySection.Purpose, StandardPurposes.OwnMarketing, PolicyChangeKind.Changed, [new PolicyFieldChange("Objectable", "true", "false")]),
                new PolicyChange(PolicySection.Purpose, StandardPurposes.PartnerMarketing, PolicyChangeKind.Removed,
                [
                    new PolicyFieldChange("Basis", "Consent", null),
                    new PolicyFieldChange("Objectable", "false", null),
                    new PolicyFieldChange("Clause", ClauseIds.UsePartnerMarketing, null),
                    new PolicyFieldChange("Description", "partners send you offers", null),
                ]),
                new PolicyChange(PolicySection.Purpose, "research", PolicyChangeKind.Added,
                [
                    new PolicyFieldChange("Basis", null, "Acceptance"),
                    new PolicyFieldChange("Objectable", null, "false"),
                    new PolicyFieldChange("Description", null, "studies"),
                ]),
            ],
            o => o.WithoutStrictOrdering());
    }

    [Fact]
    public void changes_notice_categories_recipients_services_grounds_and_rules_are_compared()
    {
        var v2 = V1 with
        {
            Version = "2.0",
            Categories = [.. V1.Categories.Where(c => c.Id != "user.location"), new DataCategoryDefinition { Id = "user.contact.wechat" }],
            Recipients = [V1.Recipients[0] with { Kind = RecipientKind.Affiliate }, V1.Recipients[2]],
            Services = [V1.Services[0] with { NecessaryCategories = ["user.contact.phone_number"] }],
            Grounds = [V1.Grounds[0] with { RecipientKinds = [RecipientKind.Partner, RecipientKind.Affiliate] }],
            Rules = [V1.Rules[0], V1.Rules[1], V1.Rules[1] with { Note = "second rule citing the same clause" }],
        };

        var diff = PolicyDiff.Compute(V1, v2);

        diff.Changes.Select(c => (c.Section, c.Id, c.Kind)).Should().Equal(
            (PolicySection.Category, "user.contact.wechat", PolicyChangeKind.Added),
            (PolicySection.Category, "user.location", PolicyChangeKind.Removed),
            (PolicySection.Recipient, "acme", PolicyChangeKind.Changed),
            (PolicySection.Recipient, "globex", PolicyChangeKind.Removed),
            (PolicySection.Service, "delivery", PolicyChangeKind.Changed),
            (PolicySection.Ground, nameof(DisclosureGround.Consent), PolicyChangeKind.Changed),
            (PolicySection.Rule, "use.own-marketing/PermitUnlessObjected#2", PolicyChangeKind.Added));
        diff.Find(PolicySection.Recipient, "acme")!.Fields.Should().Equal(new PolicyFieldChange("Kind", "Partner", "Affiliate"));
        diff.Find(PolicySection.Service, "delivery")!.Fields.Should().Equal(new PolicyFieldChange("NecessaryCategories", "user.contact.phone_number, user.location", "user.contact.phone_number"));
        diff.Find(PolicySection.Ground, "Consent")!.Fields.Should().Equal(new PolicyFieldChange("RecipientKinds", "Partner", "Affiliate, Partner"));
        diff.Find(PolicySection.Purpose, StandardPurposes.OwnMarketing).Should().BeNull();
    }

    [Fact]
    public void changes_notice_the_diff_of_the_standard_policy_against_a_host_version_is_data()
    {
        var standard = StandardPolicy.CreateBuilder().Build();
        var hosted = StandardPolicy.CreateBuilder().WithVersion("1.1", standard.PublishedAt.AddDays(30)).AddRecipient("acme", RecipientKind.Partner, "Acme").Build();

        var diff = PolicyDiff.Compute(standard, hosted);

        diff.Changes.Should().ContainSingle().Which.Should().Be(diff.Find(PolicySection.Recipient, "acme"));
        System.Text.Json.JsonSerializer.Serialize(diff).Should().Contain("\"Section\":3").And.Contain("acme");
    }
}
