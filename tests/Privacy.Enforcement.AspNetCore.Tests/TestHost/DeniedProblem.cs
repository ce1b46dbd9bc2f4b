using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore.Tests.TestHost;

/// <summary>What a denied endpoint must answer, checked against the decision the core audited for the same request.</summary>
internal sealed record ExpectedDenial(string Reason)
{
    /// <summary>Gets the subject the request was decided for (its audited decision is compared); null when anonymous.</summary>
    public string? Subject { get; init; }

    /// <summary>Gets clause ids the problem must cite (besides equalling the audited decision's).</summary>
    public IReadOnlyList<string> Clauses { get; init; } = [];

    /// <summary>Gets every withheld category with its reason's name.</summary>
    public IReadOnlyDictionary<string, string> Withheld { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the obligations' kinds the problem lists.</summary>
    public IReadOnlyList<string> Obligations { get; init; } = [];

    /// <summary>Gets personal data the problem must never carry, in its body or headers (subject ids, e-mail addresses).</summary>
    public IReadOnlyList<string> PersonalData { get; init; } = [];
}

internal static class DeniedProblem
{
    /// <summary>
    /// Asserts a 403 RFC 9457 problem for <paramref name="expected"/>: the reason's stable type URI, the clause ids and
    /// reasons the core cited for this very decision (read back from the audit trail), the withheld categories with their
    /// reasons, the obligations, the policy version and hash in force, and no personal data in the body or any header.
    /// </summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, PrivacyTestFactory factory, ExpectedDenial expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement;

        problem.GetProperty("status").GetInt32().Should().Be(403);
        problem.GetProperty("type").GetString().Should().Be(PrivacyProblemTypes.DefaultPrefix + expected.Reason);
        problem.GetProperty("reason").GetString().Should().Be(expected.Reason);
        problem.GetProperty("policyVersion").GetString().Should().Be($"{factory.Policy.PolicyId.Value}@{factory.Policy.Version}");
        problem.GetProperty("policyContentHash").GetString().Should().Be(factory.Policy.ContentHash);

        var clauses = problem.GetProperty("clauses").EnumerateArray().Select(static c => c.GetString()!).ToList();
        if (expected.Clauses.Count > 0)
        {
            clauses.Should().Contain(expected.Clauses);
        }
        problem.GetProperty("withheld").EnumerateObject().ToDictionary(static p => p.Name, static p => p.Value.GetString()!)
            .Should().Equal(expected.Withheld);
        problem.GetProperty("obligations").EnumerateArray().Select(static o => o.GetProperty("kind").GetString()!)
            .Should().BeEquivalentTo(expected.Obligations);

        // The reasons per category: each entry's type is its reason's, its clause one the problem cites, and every
        // withheld category is listed under the reason the withheld map names for it.
        var reasons = problem.GetProperty("reasons").EnumerateArray().ToList();
        reasons.Should().NotBeEmpty();
        foreach (var entry in reasons)
        {
            var name = entry.GetProperty("reason").GetString()!;
            entry.GetProperty("type").GetString().Should().Be(PrivacyProblemTypes.DefaultPrefix + name);
            if (entry.GetProperty("clause").GetString() is { } clause)
            {
                clauses.Should().Contain(clause);
            }

            foreach (var category in entry.GetProperty("categories").EnumerateArray().Select(static c => c.GetString()!))
            {
                expected.Withheld.Should().ContainKey(category).WhoseValue.Should().Be(name);
            }
        }

        reasons.SelectMany(static e => e.GetProperty("categories").EnumerateArray().Select(static c => c.GetString()!))
            .Should().BeEquivalentTo(expected.Withheld.Keys);

        if (expected.Subject is { } subject)
        {
            // The problem says what the core decided: the same clauses and the same reasons as the audited decision.
            var pseudonym = await factory.Services.GetRequiredService<IPseudonymStore>().FindAsync(new SubjectId(subject), CancellationToken.None);
            var decided = factory.Audit.Snapshot().Last(e => e.Kind == AuditEventKind.Decision && e.SubjectPseudonym == pseudonym);
            decided.Outcome.Should().Be(nameof(DecisionOutcome.Deny));
            clauses.Should().BeEquivalentTo(decided.ClauseIds);
            reasons.Select(static e => (e.GetProperty("reason").GetString(), e.GetProperty("clause").GetString()))
                .Should().BeEquivalentTo(decided.Reasons.Select(static r => Audited(r)));
        }

        foreach (var value in expected.PersonalData)
        {
            text.Should().NotContain(value, "a problem names categories, clauses and reasons, never personal data");
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                header.Value.Should().AllSatisfy(v => v.Should().NotContain(value, $"header {header.Key} carries no personal data"));
            }
        }

        return problem;
    }

    // The audit trail writes "ConsentMissing:collect.consent"; the problem "consent-missing" and its clause.
    private static (string?, string?) Audited(string reason)
    {
        var colon = reason.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? reason : reason[..colon];
        return (PrivacyProblemTypes.NameOf(Enum.Parse<DecisionReason>(name)), colon < 0 ? null : reason[(colon + 1)..]);
    }
}
