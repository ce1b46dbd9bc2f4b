using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// Turns a Deny into an RFC 9457 problem: the clause ids, the reasons with the categories each withheld, the policy
/// version and a stable type URI. It names categories, clauses and reasons only, never the subject or any value.
/// </summary>
internal sealed class PrivacyProblemFactory(IOptions<PrivacyWebOptions> options)
{
    private readonly string _prefix = options.Value.ProblemTypePrefix;

    public ProblemDetails Denied(PrivacyDecision decision, PrivacyRequirement requirement)
    {
        var reasons = new List<object>(decision.Reasons.Count);
        var withheld = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in decision.Reasons)
        {
            var categories = new List<string>(entry.Categories.Count);
            foreach (var category in entry.Categories)
            {
                categories.Add(category.Value);
                withheld.TryAdd(category.Value, PrivacyProblemTypes.NameOf(entry.Reason));
            }

            reasons.Add(new Dictionary<string, object?>
            {
                ["reason"] = PrivacyProblemTypes.NameOf(entry.Reason),
                ["type"] = PrivacyProblemTypes.TypeOf(entry.Reason, _prefix),
                ["clause"] = entry.Clause,
                ["categories"] = categories,
            });
        }

        // A category the decision withheld without a reason entry of its own still says why it was withheld.
        foreach (var category in decision.WithheldCategories)
        {
            withheld.TryAdd(category.Value, PrivacyProblemTypes.NameOf(decision.GetReason(category)));
        }

        var clauses = new List<string>(decision.Clauses.Count);
        foreach (var clause in decision.Clauses)
        {
            clauses.Add(clause);
        }

        var reason = decision.Reason == DecisionReason.None ? DecisionReason.NoPermittingRule : decision.Reason;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Type = PrivacyProblemTypes.TypeOf(reason, _prefix),
            Title = "The privacy policy does not permit this request.",
            Detail = $"Denied ({PrivacyProblemTypes.NameOf(reason)}) to {Act(requirement)} for purpose '{requirement.Purpose.Value}'.",
        };
        problem.Extensions["reason"] = PrivacyProblemTypes.NameOf(reason);
        problem.Extensions["clauses"] = clauses;
        problem.Extensions["reasons"] = reasons;
        problem.Extensions["withheld"] = withheld;
        problem.Extensions["obligations"] = Obligations(decision.Obligations);
        problem.Extensions["policyVersion"] = decision.PolicyVersion is { } version ? $"{version.PolicyId.Value}@{version.Version}" : null;
        problem.Extensions["policyContentHash"] = decision.PolicyVersion?.ContentHash;
        return problem;
    }

    // What a Deny asks of the host (accept the policy, renew a consent, ask an operator, return or delete by a deadline):
    // kinds and deadlines only.
    private static List<Dictionary<string, object?>> Obligations(ObligationSet obligations)
    {
        var list = new List<Dictionary<string, object?>>(obligations.Count);
        foreach (var obligation in obligations)
        {
            var entry = new Dictionary<string, object?> { ["kind"] = PrivacyProblemTypes.NameOf(obligation.Kind) };
            if (obligation.Deadline is { } deadline)
            {
                entry["deadline"] = deadline;
            }

            list.Add(entry);
        }

        return list;
    }

    public ProblemDetails GlobalPrivacyControlDenied(PrivacyRequirement requirement, PolicyVersion policy, string policyVersion)
    {
        var categories = requirement.Categories.Select(static c => c.Value).ToList();
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Type = _prefix + PrivacyProblemTypes.GlobalPrivacyControl,
            Title = "The request carries a Global Privacy Control signal: no sale or sharing.",
            Detail = $"Denied ({PrivacyProblemTypes.GlobalPrivacyControl}) to {Act(requirement)} for purpose '{requirement.Purpose.Value}'.",
        };
        problem.Extensions["reason"] = PrivacyProblemTypes.GlobalPrivacyControl;
        problem.Extensions["clauses"] = new List<string>();
        problem.Extensions["reasons"] = new List<object>
        {
            new Dictionary<string, object?>
            {
                ["reason"] = PrivacyProblemTypes.GlobalPrivacyControl,
                ["type"] = _prefix + PrivacyProblemTypes.GlobalPrivacyControl,
                ["clause"] = null,
                ["categories"] = categories,
            },
        };
        problem.Extensions["withheld"] = categories.ToDictionary(static c => c, static _ => PrivacyProblemTypes.GlobalPrivacyControl, StringComparer.Ordinal);
        problem.Extensions["obligations"] = new List<object>();
        problem.Extensions["policyVersion"] = policyVersion;
        problem.Extensions["policyContentHash"] = policy.ContentHash;
        return problem;
    }

    private static string Act(PrivacyRequirement requirement) => requirement.Act switch
    {
        ProcessingAct.Disclose => $"disclose to '{requirement.Recipient!.Value.Id.Value}' ({requirement.TransferKind.ToString().ToLowerInvariant()})",
        var act => act.ToString().ToLowerInvariant(),
    };
}
