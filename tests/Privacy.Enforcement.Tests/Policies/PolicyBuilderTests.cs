namespace Privacy.Enforcement.Tests.Policies;

public class PolicyBuilderTests
{
    private static readonly DateTimeOffset PublishedAt = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Builds_the_same_document_as_the_json_form()
    {
        var built = new PolicyBuilder("acme", "1.0", PublishedAt)
            .AddClause(ClauseIds.CollectConsent)
            .AddClause(ClauseIds.DiscloseLegalRequirement)
            .AddClause(ClauseIds.CollectExemptSearchKeywords)
            .AddCategory("user")
            .AddCategory("user.contact", DataCategoryFlags.ContactCapable)
            .AddCategory("user.behavior")
            .AddExemptCategory("user.behavior.search_history", ClauseIds.CollectExemptSearchKeywords)
            .AddPurpose(StandardPurposes.ServiceProvision)
            .AddRecipient("courier", RecipientKind.ServiceProvider)
            .AddService("delivery", ["user.contact"], providers: ["courier"])
            .AllowGround(
                DisclosureGround.LegalRequirement,
                ClauseIds.DiscloseLegalRequirement,
                [nameof(LegalRequirementEvidence.LegalBasis), nameof(LegalRequirementEvidence.DocumentReference)],
                CategoryLimitSource.Evidence,
                g => g with { RecipientKinds = [RecipientKind.JudicialAuthority] })
            .AddRule(ClauseIds.CollectConsent, RuleKind.RequireConsentToCollect,
                r => r with { CategoryFlags = DataCategoryFlags.Identifying | DataCategoryFlags.ContactCapable, Purposes = [StandardPurposes.ServiceProvision] })
            .AddRule(ClauseIds.CollectExemptSearchKeywords, RuleKind.ExemptCategories, r => r with { Categories = ["user.behavior.search_history"] })
            .Publish();

        var loaded = PolicyDocumentSerializer.Load(PolicyJson.Valid);

        PolicyDocumentSerializer.Serialize(built.Document).Should().Be(PolicyDocumentSerializer.Serialize(loaded.Document));
        built.Version.Should().Be(loaded.Version);
    }

    [Fact]
    public void Build_runs_the_same_validation_with_the_same_paths()
    {
        var builder = new PolicyBuilder("acme", "1.0", PublishedAt)
            .AddClause(ClauseIds.CollectConsent)
            .AddRule(ClauseIds.CollectConsent, RuleKind.RequireConsentToCollect)
            .AddRule("collect.unknown", RuleKind.DenyByDefault, r => r with { Purposes = ["nope"] });

        var act = () => builder.Build();

        act.Should().Throw<PolicyValidationException>().Which.Errors.Should().Equal(
            new PolicyValidationError("$.rules[1].clause", "unknown clause 'collect.unknown'; declare it under $.clauses"),
            new PolicyValidationError("$.rules[1].purposes[0]", "unknown purpose 'nope'; declare it under $.purposes"));
    }

    [Fact]
    public void Build_rejects_a_rule_without_clause_id()
    {
        var builder = new PolicyBuilder("acme", "1.0", PublishedAt).AddRule(null!, RuleKind.DenyByDefault);

        var act = () => builder.Build();

        act.Should().Throw<PolicyValidationException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Be(new PolicyValidationError("$.rules[0].clause", "is required: every rule cites the clause it encodes"));
    }

    [Fact]
    public void Build_rejects_an_undefined_enum_value()
    {
        var builder = new PolicyBuilder("acme", "1.0", PublishedAt).AddRecipient("x", (RecipientKind)42);

        var act = () => builder.Build();

        act.Should().Throw<PolicyValidationException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Be(new PolicyValidationError("$.recipients[0].kind", "42 is not a RecipientKind"));
    }

    [Fact]
    public void Publishing_normalizes_the_publication_time_to_utc_and_keeps_its_own_copy()
    {
        var clauses = new List<ClauseDefinition> { new() { Id = ClauseIds.StoreSecurity } };
        var document = new PolicyDocument
        {
            Id = "acme",
            Version = "2.0",
            PublishedAt = new DateTimeOffset(2025, 1, 1, 8, 0, 0, TimeSpan.FromHours(8)),
            Clauses = clauses,
            Rules = [new RuleDefinition { Clause = ClauseIds.StoreSecurity, Kind = RuleKind.DenyByDefault }],
        };

        var policy = PublishedPolicy.Create(document);
        clauses.Add(new ClauseDefinition { Id = "added.later" });

        policy.Version.PublishedAt.Offset.Should().Be(TimeSpan.Zero);
        policy.Version.PublishedAt.Should().Be(document.PublishedAt);
        policy.Document.Clauses.Should().ContainSingle();
        policy.Version.ContentHash.Should().Be(PolicyDocumentSerializer.ComputeContentHash(policy.Document));
    }
}
