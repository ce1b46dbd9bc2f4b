using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The request delegate of an endpoint with <c>.RequirePrivacy(...)</c>: the gate decides first; a Deny is written as
/// a 403 problem and the endpoint's own delegate never runs. Made once per endpoint; a decision made synchronously
/// goes on to the endpoint without a state machine.
/// </summary>
internal sealed class PrivacyEnforcedEndpoint(PrivacyGate gate, PrivacyRequirement requirement, RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var pending = gate.EnforceAsync(context, requirement);
        if (!pending.IsCompletedSuccessfully)
        {
            return ContinueAsync(pending, context);
        }

        return pending.Result is { } problem ? Deny(context, problem) : next(context);
    }

    private async Task ContinueAsync(ValueTask<ProblemDetails?> pending, HttpContext context)
    {
        if (await pending.ConfigureAwait(false) is { } problem)
        {
            await Deny(context, problem).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static Task Deny(HttpContext context, ProblemDetails problem) => TypedResults.Problem(problem).ExecuteAsync(context);
}
