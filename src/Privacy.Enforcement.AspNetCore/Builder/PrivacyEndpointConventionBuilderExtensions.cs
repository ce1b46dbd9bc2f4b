using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Privacy.Enforcement;
using Privacy.Enforcement.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>.RequirePrivacy(...)</c>: the endpoint's privacy requirement as metadata and an endpoint filter that decides it
/// before the handler runs, the way <c>.RequireAuthorization(...)</c> adds its policy. On a route group it applies to
/// every endpoint of the group.
/// </summary>
public static class PrivacyEndpointConventionBuilderExtensions
{
    /// <summary>Requires permission to collect or use the categories for the purpose.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="act">The act (collect, use, store, edit, erase).</param>
    /// <param name="purpose">The purpose id.</param>
    /// <param name="categories">The category ids.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequirePrivacy<TBuilder>(this TBuilder builder, ProcessingAct act, string purpose, params string[] categories)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(categories);
        return builder.RequirePrivacy(new PrivacyRequirement(act, new PurposeId(purpose), categories.Select(static c => new DataCategory(c))));
    }

    /// <summary>Requires permission to disclose the categories to <paramref name="recipient"/> for the purpose.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="recipient">The recipient.</param>
    /// <param name="purpose">The purpose id.</param>
    /// <param name="categories">The category ids.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequirePrivacy<TBuilder>(this TBuilder builder, Recipient recipient, string purpose, params string[] categories)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(categories);
        return builder.RequirePrivacy(new PrivacyRequirement(recipient, new PurposeId(purpose), categories.Select(static c => new DataCategory(c))));
    }

    /// <summary>Requires <paramref name="requirement"/> (for a disclosure with a transfer kind or evidence).</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="requirement">The requirement.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequirePrivacy<TBuilder>(this TBuilder builder, PrivacyRequirement requirement)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(requirement);
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(requirement);
            endpoint.Metadata.Add(DeniedMetadata);

            // The decision wraps the endpoint's whole request delegate, so it comes before any endpoint filter and before
            // the handler's parameters are bound (a denied request's body is never read), and costs no filter context.
            var next = endpoint.RequestDelegate ?? throw new InvalidOperationException(
                $"RequirePrivacy needs an endpoint with a request delegate; '{endpoint.DisplayName}' has none.");
            endpoint.RequestDelegate = new PrivacyEnforcedEndpoint(PrivacyRequirements.GetGate(endpoint.ApplicationServices), requirement, next).InvokeAsync;
        });
        return builder;
    }

    // A Deny is a 403 problem document; described for OpenAPI.
    private static readonly ProducesResponseTypeMetadata DeniedMetadata =
        new(StatusCodes.Status403Forbidden, typeof(ProblemDetails), ["application/problem+json"]);

    /// <summary>
    /// Requires a recent sign-in, as the package's export and erase endpoints do: a request whose sign-in is older than
    /// <see cref="PrivacyWebOptions.RecentAuthenticationWindow"/> (or unknown) is answered with a challenge asking the user to
    /// sign in again (<c>prompt=login</c>, <c>max_age</c>) and its handler does not run. For a Razor Page, check
    /// <see cref="PrivacyHttpContextExtensions.HasRecentAuthenticationAsync"/> in the handler instead.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireRecentAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEndpointFilter(static async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            return await context.HasRecentAuthenticationAsync().ConfigureAwait(false)
                ? await next(invocation).ConfigureAwait(false)
                : RecentAuthentication.Challenge(context, context.RequestServices.GetRequiredService<IOptions<PrivacyWebOptions>>().Value);
        });
        return builder;
    }
}
