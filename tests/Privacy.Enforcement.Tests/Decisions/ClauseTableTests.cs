namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>The clause table, one test per row, named by clause id.</summary>
public sealed class ClauseTableTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var row in ClauseCases.All)
        {
            data.Add(row.Key);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Clause(string key)
    {
        var row = ClauseCases.Find(key);
        using var fixture = new EnforcerFixture();
        var request = await row.Arrange(fixture);

        var decision = await fixture.DecideAsync(request);

        decision.Outcome.Should().Be(row.Outcome, because: decision.ToString());
        if (row.Reason != DecisionReason.None)
        {
            decision.Reason.Should().Be(row.Reason, because: decision.ToString());
        }

        if (row.Cites is not null)
        {
            decision.Clauses.Should().Contain(row.Cites, because: decision.ToString());
        }

        decision.PolicyVersion.Should().Be(fixture.Catalog.Current.Version);
        row.Then?.Invoke(decision, fixture);
    }

    [Fact]
    public void Every_clause_has_a_permit_and_a_deny_or_not_applicable_case()
    {
        foreach (var clause in ClauseIds.All)
        {
            var rows = ClauseCases.All.Where(c => c.Clause == clause).ToList();
            rows.Should().Contain(c => c.Outcome != DecisionOutcome.Deny, because: $"{clause} needs a Permit case");
            rows.Should().Contain(c => c.Outcome != DecisionOutcome.Permit, because: $"{clause} needs a Deny or NotApplicable case");
        }
    }

    [Fact]
    public void Every_ground_has_complete_missing_and_inconsistent_evidence_cases()
    {
        string[] grounds =
        [
            ClauseIds.DiscloseConsent, ClauseIds.DiscloseServiceNecessity, ClauseIds.DiscloseLegalRequirement, ClauseIds.DiscloseUserViolation,
            ClauseIds.DiscloseIpComplaint, ClauseIds.DiscloseTransaction, ClauseIds.DiscloseOtherLegal,
        ];
        foreach (var ground in grounds)
        {
            var rows = ClauseCases.All.Where(c => c.Clause == ground).ToList();
            rows.Should().Contain(c => c.Case.StartsWith("complete", StringComparison.Ordinal) && c.Outcome == DecisionOutcome.Permit, because: ground);
            rows.Should().Contain(c => c.Case.StartsWith("missing", StringComparison.Ordinal) && c.Reason == DecisionReason.EvidenceMissing, because: ground);
            rows.Should().Contain(c => c.Case.StartsWith("inconsistent", StringComparison.Ordinal) && c.Outcome == DecisionOutcome.Deny, because: ground);
        }
    }
}
