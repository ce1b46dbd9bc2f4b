using System.Text.RegularExpressions;

namespace Privacy.Enforcement.Tests.Policies;

/// <summary>The clause ids in code, in the catalogue kept beside the tests, and in the standard policy are the same set.</summary>
public partial class ClauseCatalogueTests
{
    private static readonly string[] CatalogueIds = ReadCatalogue();

    [Fact]
    public void The_catalogue_copy_lists_29_clause_ids()
    {
        CatalogueIds.Should().HaveCount(29).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void ClauseIds_All_equals_the_catalogue()
    {
        ClauseIds.All.Should().BeEquivalentTo(CatalogueIds).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void The_standard_policy_declares_exactly_the_catalogue_clauses()
    {
        StandardPolicy.Document.Clauses.Select(c => c.Id).Should().BeEquivalentTo(CatalogueIds);
    }

    [Fact]
    public void The_standard_policy_enforces_every_catalogue_clause_by_a_rule_or_ground()
    {
        var document = StandardPolicy.Document;
        var enforced = document.Rules.Select(r => r.Clause).Concat(document.Grounds.Select(g => g.Clause)).ToHashSet(StringComparer.Ordinal);

        enforced.Should().BeEquivalentTo(CatalogueIds);
    }

    private static string[] ReadCatalogue()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Policies", "CLAUSES.md");
        return [.. File.ReadLines(path).Select(line => TableRowId().Match(line)).Where(m => m.Success).Select(m => m.Groups["id"].Value)];
    }

    // A catalogue row starts with the clause id in backticks: | `collect.consent` | ...
    [GeneratedRegex(@"^\|\s*`(?<id>[a-z][a-z0-9.\-]*)`\s*\|")]
    private static partial Regex TableRowId();
}
