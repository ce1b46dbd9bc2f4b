using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Tool.Policies;
using Privacy.Enforcement.Tool.Testing;

namespace Privacy.Enforcement.Tool.Tests;

/// <summary>The standard policy's suites: they pass, they cover every clause a decision can cite, and the policy they test is the standard one.</summary>
public sealed class StandardSuiteTests
{
    /// <summary>The clauses no decision cites: <c>store.integrity</c> is kept by the audit trail, not by a decision.</summary>
    private static readonly string[] NeverCited = [ClauseIds.StoreIntegrity];

    private static string[] Suites => [Path.Combine(ToolProcess.Policies, "standard.tests.yaml"), Path.Combine(ToolProcess.Policies, "standard-changes.tests.yaml")];

    private static PublishedPolicy Policy => PolicyFiles.Load(Path.Combine(ToolProcess.Policies, "standard.json"));

    [Fact]
    public void The_suites_cover_every_clause_a_decision_can_cite()
    {
        var reader = new DecisionSuiteReader(Policy);
        var expected = Suites.Select(reader.Read).SelectMany(s => s.Cases).SelectMany(c => c.Expect.Clauses ?? new HashSet<string>()).ToHashSet();

        ClauseIds.All.Except(NeverCited).Except(expected).Should().BeEmpty("every clause a decision cites needs a case that expects it");
    }

    [Fact]
    public async Task Every_case_of_the_suites_passes_and_each_case_states_its_clauses()
    {
        var policy = Policy;
        var reader = new DecisionSuiteReader(policy);
        foreach (var suite in Suites.Select(reader.Read))
        {
            var results = await DecisionSuiteRunner.RunAsync(policy, suite, default);

            results.Where(r => !r.Passed).Select(r => $"{r.Case.Name}: {string.Join("; ", r.Mismatches)}").Should().BeEmpty();
            suite.Cases.Should().OnlyContain(c => c.Expect.Outcome != null && c.Expect.Clauses != null, "a case of the standard suites says its outcome and clauses");
        }
    }

    [Fact]
    public void The_policy_file_is_the_built_in_standard_policy_with_three_recipients_declared()
    {
        var diff = PolicyDiff.Compute(StandardPolicy.Document, Policy.Document);

        diff.Changes.Select(c => (c.Section, c.Id, c.Kind)).Should().BeEquivalentTo(
            [(PolicySection.Recipient, "courier", PolicyChangeKind.Added), (PolicySection.Recipient, "partner-a", PolicyChangeKind.Added), (PolicySection.Recipient, "sister-co", PolicyChangeKind.Added)],
            "policies/standard.json must follow the built-in policy; regenerate it when the standard policy changes");
    }

    [Fact]
    public async Task A_case_that_expects_the_wrong_clause_fails_with_expected_against_actual()
    {
        var decision = Policy;
        var reader = new DecisionSuiteReader(decision);
        var suite = reader.Read(Suites[0]);
        var first = suite.Cases[0] with { Expect = suite.Cases[0].Expect with { Clauses = new HashSet<string> { ClauseIds.StoreSecurity } } };

        var results = await DecisionSuiteRunner.RunAsync(decision, suite with { Cases = [first] }, default);

        results.Single().Mismatches.Should().ContainSingle().Which.Should().Be(new Mismatch("clauses", "[store.security]", "[intro.acceptance]"));
    }
}
