using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// Decides a request against an endpoint's <see cref="PrivacyRequirement"/> before its handler runs, for both the
/// minimal-API endpoint filter and the MVC/Razor Pages filter. A Deny is a problem; anything else puts the decision on
/// <see cref="IPrivacyDecisionFeature"/> and lets the handler run.
/// </summary>
internal sealed class PrivacyGate(
    IPrivacyEnforcer enforcer,
    ISubjectResolver subjects,
    GlobalPrivacyControlHandler globalPrivacyControl,
    PrivacyProblemFactory problems,
    Privacy.Enforcement.Policies.IPolicyProvider policies)
{
    public async ValueTask<ProblemDetails?> EnforceAsync(HttpContext context, PrivacyRequirement requirement)
    {
        var cancellationToken = context.RequestAborted;
        var subject = await subjects.ResolveAsync(context).ConfigureAwait(false);
        var signal = globalPrivacyControl.Enabled && GlobalPrivacyControlHandler.IsPresent(context.Request);
        if (signal)
        {
            if (subject is { } signedIn)
            {
                await globalPrivacyControl.ApplyAsync(signedIn, cancellationToken).ConfigureAwait(false);
            }

            if (GlobalPrivacyControlHandler.IsSaleOrShare(requirement))
            {
                var version = policies.Current.Version;
                var versionName = $"{version.PolicyId.Value}@{version.Version}";
                await globalPrivacyControl.RecordRefusalAsync(subject, requirement, versionName, cancellationToken).ConfigureAwait(false);
                return problems.GlobalPrivacyControlDenied(requirement, versionName);
            }
        }

        DisclosureEvidence? evidence = null;
        if (requirement.Evidence is { } supply && subject is { } evidenceSubject)
        {
            evidence = await supply(context, evidenceSubject).ConfigureAwait(false);
        }

        var decision = await enforcer.DecideAsync(requirement.CreateRequest(subject ?? default, evidence), cancellationToken).ConfigureAwait(false);
        if (decision.Outcome == DecisionOutcome.Deny)
        {
            return problems.Denied(decision, requirement);
        }

        context.Features.Set<IPrivacyDecisionFeature>(new PrivacyDecisionFeature(requirement, subject, decision, signal));
        return null;
    }
}
