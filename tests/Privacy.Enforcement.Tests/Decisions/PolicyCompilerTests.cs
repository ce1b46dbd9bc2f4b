using static Privacy.Enforcement.StandardDataCategories;

namespace Privacy.Enforcement.Tests.Decisions;

public sealed class PolicyCompilerTests
{
    private static readonly CompiledPolicy Standard = PolicyCompiler.Compile(StandardPolicy.Published);

    [Fact]
    public void Changes_replace_the_compiled_policy_names_its_version()
    {
        Standard.Version.Should().Be(StandardPolicy.Published.Version);
        Standard.Categories.Select(c => c.Value).Should().Contain([User, Email, Password, SearchKeywords]);
        Standard.Clauses.Should().Contain(ClauseIds.All);
    }

    [Fact]
    public void Categories_inherit_their_parents_flags_and_lie_within_their_ancestors()
    {
        var email = Standard.CategoryIndex[Email];
        var contact = Standard.CategoryIndex[Contact];
        var user = Standard.CategoryIndex[User];
        Standard.CategoryFlags[Standard.CategoryIndex[Password]].Should().HaveFlag(DataCategoryFlags.Credential);
        Standard.Within[contact].Contains(email).Should().BeTrue();
        Standard.Within[user].Contains(email).Should().BeTrue();
        Standard.Within[email].Contains(contact).Should().BeFalse();
    }

    [Fact]
    public void Collect_exempt_categories_are_marked_with_their_clause()
    {
        var keywords = Standard.CategoryIndex[SearchKeywords];
        Standard.ExemptMask.Contains(keywords).Should().BeTrue();
        Standard.ClauseNames[Standard.ExemptionClause[keywords]].Should().Be(ClauseIds.CollectExemptSearchKeywords);
        Standard.ClauseNames[Standard.ExemptionClause[Standard.CategoryIndex[StandardDataCategories.Violations]]].Should().Be(ClauseIds.CollectExemptViolations);
        Standard.ExemptMask.Contains(Standard.CategoryIndex[Email]).Should().BeFalse();
    }

    [Fact]
    public void Rules_are_grouped_by_kind_with_their_clause()
    {
        Standard.ClauseNames[Standard.ClauseOf(RuleKind.RequireConsentToCollect)].Should().Be(ClauseIds.CollectConsent);
        Standard.ClauseNames[Standard.ClauseOf(RuleKind.NeverDisclose)].Should().Be(ClauseIds.StoreAccountSecurity);
        Standard.Grounds[(int)DisclosureGround.Transaction]!.LimitMask.Contains(Standard.CategoryIndex[Phone]).Should().BeTrue();
        Standard.Grounds[(int)DisclosureGround.Transaction]!.LimitMask.Contains(Standard.CategoryIndex[Name]).Should().BeFalse();
    }

    [Fact]
    public void A_taxonomy_larger_than_the_engine_indexes_is_rejected_with_a_clear_error()
    {
        // The validator rejects such a document too; the compiler must not rely on it.
        var document = StandardPolicy.Document with
        {
            Categories = [.. StandardPolicy.Document.Categories, .. Enumerable.Range(0, 120).Select(i => new DataCategoryDefinition { Id = $"user.extra_{i:D3}" })],
        };

        var act = () => PolicyCompiler.Compile(new PublishedPolicy(document, StandardPolicy.Published.Version));

        act.Should().Throw<InvalidOperationException>().WithMessage("*data categories*at most 128*");
    }
}
