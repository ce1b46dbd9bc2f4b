using System.Globalization;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary>One difference between what a case expects and what the enforcer decided.</summary>
internal sealed record Mismatch(string Field, string Expected, string Actual);

/// <summary>The result of one case.</summary>
internal sealed record CaseResult(DecisionSuite Suite, SuiteCase Case, PrivacyDecision Decision, IReadOnlyList<Mismatch> Mismatches)
{
    public bool Passed => Mismatches.Count == 0;
}

/// <summary>Runs decision suites through the real enforcer, each suite on fresh in-memory stores.</summary>
internal static class DecisionSuiteRunner
{
    public static async Task<IReadOnlyList<CaseResult>> RunAsync(PublishedPolicy policy, DecisionSuite suite, CancellationToken cancellationToken)
    {
        var environment = SuiteEnvironment.Create(policy, suite.Clock);
        await using (environment.ConfigureAwait(false))
        {
            await environment.ApplyAsync(suite.Facts, suite.Clock, cancellationToken).ConfigureAwait(false);
            var results = new List<CaseResult>(suite.Cases.Count);
            foreach (var test in suite.Cases)
            {
                var decision = await environment.Enforcer.DecideAsync(test.Request(environment.Ids), cancellationToken).ConfigureAwait(false);
                results.Add(new CaseResult(suite, test, decision, Compare(test.Expect, decision)));
            }

            return results;
        }
    }

    public static IReadOnlyList<Mismatch> Compare(Expectation expect, PrivacyDecision decision)
    {
        var mismatches = new List<Mismatch>();
        if (expect.Outcome is { } outcome && outcome != decision.Outcome)
        {
            mismatches.Add(new Mismatch("outcome", outcome.ToString(), decision.Outcome.ToString()));
        }

        Check(mismatches, "clauses", expect.Clauses, decision.Clauses);
        Check(mismatches, "permitted", expect.Permitted, decision.PermittedCategories.Select(c => c.Value));
        Check(mismatches, "withheld", expect.Withheld, decision.WithheldCategories.Select(c => c.Value));
        Check(mismatches, "reasons", expect.Reasons?.Select(r => r.ToString()).ToHashSet(StringComparer.Ordinal), decision.Reasons.Select(r => r.Reason.ToString()));
        Check(mismatches, "obligations", expect.Obligations?.Select(o => o.ToString()).ToHashSet(StringComparer.Ordinal), decision.Obligations.Select(o => o.Kind.ToString()));
        return mismatches;
    }

    public static string Show(IEnumerable<string> items)
    {
        var list = items.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "[]" : string.Create(CultureInfo.InvariantCulture, $"[{string.Join(", ", list)}]");
    }

    private static void Check(List<Mismatch> mismatches, string field, IReadOnlySet<string>? expected, IEnumerable<string> actual)
    {
        if (expected is null)
        {
            return;
        }

        var got = actual.ToHashSet(StringComparer.Ordinal);
        if (!got.SetEquals(expected))
        {
            mismatches.Add(new Mismatch(field, Show(expected), Show(got)));
        }
    }
}
