using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// Decides a request against an endpoint's <see cref="PrivacyRequirement"/> before its handler runs, for both the
/// minimal-API endpoint filter and the MVC/Razor Pages filter. A Deny is a problem; anything else puts the decision on
/// <see cref="IPrivacyDecisionFeature"/> and lets the handler run.
/// </summary>
/// <remarks>
/// The common request (the default resolver, the signed-in user's own information, no evidence, no signal) takes a path
/// that awaits nothing but the decision and, when the decision completes synchronously, nothing at all; the request
/// made for the enforcer is reused while the same subject calls the same endpoint.
/// </remarks>
internal sealed class PrivacyGate(
    IPrivacyEnforcer enforcer,
    ISubjectResolver subjects,
    GlobalPrivacyControlHandler globalPrivacyControl,
    PrivacyProblemFactory problems,
    IPolicyProvider policies)
{
    // The default resolver reads the claims synchronously: called directly, without its ValueTask.
    private readonly bool _claimsResolver = subjects is ClaimsSubjectResolver;

    public ValueTask<ProblemDetails?> EnforceAsync(HttpContext context, PrivacyRequirement requirement)
    {
        if (!_claimsResolver || !requirement.IsForSignedInSubject ||
            (globalPrivacyControl.Enabled && GlobalPrivacyControlHandler.IsPresent(context.Request)))
        {
            return EnforceInFullAsync(context, requirement);
        }

        var subject = ClaimsSubjectResolver.Resolve(context.User);
        var pending = enforcer.DecideAsync(requirement.RequestFor(subject ?? default), context.RequestAborted);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<ProblemDetails?>(Conclude(context, requirement, subject, pending.Result, signal: false))
            : ConcludeAsync(context, requirement, subject, pending);
    }

    private async ValueTask<ProblemDetails?> ConcludeAsync(HttpContext context, PrivacyRequirement requirement, SubjectId? subject, ValueTask<PrivacyDecision> pending) =>
        Conclude(context, requirement, subject, await pending.ConfigureAwait(false), signal: false);

    private async ValueTask<ProblemDetails?> EnforceInFullAsync(HttpContext context, PrivacyRequirement requirement)
    {
        var cancellationToken = context.RequestAborted;
        var caller = await subjects.ResolveAsync(context).ConfigureAwait(false);
        var signal = globalPrivacyControl.Enabled && GlobalPrivacyControlHandler.IsPresent(context.Request);
        if (signal)
        {
            // The signal is the caller's: it objects for the signed-in user, whoever the endpoint's subject is.
            if (caller is { } signedIn)
            {
                await globalPrivacyControl.ApplyAsync(signedIn, cancellationToken).ConfigureAwait(false);
            }

            if (GlobalPrivacyControlHandler.IsSaleOrShare(requirement))
            {
                var version = policies.Current.Version;
                var versionName = $"{version.PolicyId.Value}@{version.Version}";
                await globalPrivacyControl.RecordRefusalAsync(caller, requirement, versionName, cancellationToken).ConfigureAwait(false);
                return problems.GlobalPrivacyControlDenied(requirement, version, versionName);
            }
        }

        var subject = caller;
        if (requirement.Subject is { } named)
        {
            subject = await named(context).ConfigureAwait(false);
        }

        // Another user's information is acted on by the signed-in user (use.no-free-harvesting), unless the endpoint
        // says who acts; the application acting about the signed-in user does so in that user's session.
        var actor = requirement.Actor is { } who ? who(context, caller)
            : caller is { } user && subject is { } other && user != other ? Actor.User(user)
            : Actor.Application;
        var inSession = actor.Kind == ActorKind.Application && caller is { } me && subject is { } about && me == about;

        DisclosureEvidence? evidence = null;
        if (requirement.Evidence is { } supply && subject is { } evidenceSubject)
        {
            evidence = await supply(context, evidenceSubject).ConfigureAwait(false);
        }

        var decision = await enforcer.DecideAsync(requirement.CreateRequest(subject ?? default, actor, inSession, evidence), cancellationToken).ConfigureAwait(false);
        return Conclude(context, requirement, subject, decision, signal);
    }

    private ProblemDetails? Conclude(HttpContext context, PrivacyRequirement requirement, SubjectId? subject, PrivacyDecision decision, bool signal)
    {
        if (decision.Outcome == DecisionOutcome.Deny)
        {
            return problems.Denied(decision, requirement);
        }

        context.Features.Set<IPrivacyDecisionFeature>(new PrivacyDecisionFeature(requirement, subject, decision, signal));
        return null;
    }
}
