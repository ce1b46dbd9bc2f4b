using Microsoft.AspNetCore.Routing;
using Privacy.Enforcement.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>app.MapPrivacyEndpoints("/privacy")</c>: the privacy endpoints of the signed-in subject.</summary>
public static class PrivacyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the JSON privacy endpoints under <paramref name="prefix"/>, each with an OpenAPI description: the policy in
    /// force and its acceptance; consents with history, grant and withdraw (receipts, also as Kantara Consent Receipt
    /// v1.1 and ISO/IEC TS 27560); objections; export, rectify and erase with their status. They require an
    /// authenticated user; export and erase also a recent sign-in and the rate limit (call <c>app.UseRateLimiter()</c>).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The group, to add conventions to (for example <c>.RequireAuthorization("policy")</c>).</returns>
    public static RouteGroupBuilder MapPrivacyEndpoints(this IEndpointRouteBuilder endpoints, string prefix = "/privacy")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        return PrivacyEndpoints.Map(endpoints, prefix);
    }
}
