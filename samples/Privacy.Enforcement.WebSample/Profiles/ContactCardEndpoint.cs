using System.Text.Json;
using Privacy.Enforcement.AspNetCore;

namespace Privacy.Enforcement.WebSample.Profiles;

/// <summary>
/// <c>GET /api/me/contact-card</c>: the signed-in person's name, e-mail and address as the service uses them
/// (service-provision), behind <c>.RequirePrivacy(...)</c>. A Deny is a 403 problem before the handler runs; a
/// Permit that withholds a category returns the others only.
/// </summary>
public static class ContactCardEndpoint
{
    /// <summary>The route.</summary>
    public const string Route = "/api/me/contact-card";

    /// <summary>Maps the endpoint.</summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <returns>The endpoint's builder.</returns>
    public static RouteHandlerBuilder MapContactCard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Route, async (HttpContext context, ProfileReader profiles, CancellationToken cancellationToken) =>
            {
                var feature = context.GetPrivacyDecision() ?? throw new InvalidOperationException("The endpoint runs only after the privacy decision.");
                var subject = feature.Subject ?? throw new InvalidOperationException("The endpoint requires a signed-in subject.");
                var row = await profiles.ReadAsync(subject, cancellationToken);
                var permitted = feature.Decision.PermittedCategories;
                var card = row.Where(p => permitted.Contains(p.Key)).ToDictionary(p => p.Key.Value, p => p.Value, StringComparer.Ordinal);
                return Results.Json(new ContactCard(card, [.. feature.Decision.Clauses], [.. feature.Decision.WithheldCategories.Select(c => c.Value)]));
            })
            .RequireAuthorization()
            .RequirePrivacy(ProcessingAct.Use, StandardPurposes.ServiceProvision, StandardDataCategories.Name, StandardDataCategories.Email, StandardDataCategories.Address);

    /// <summary>The answer: the permitted information, the clauses behind the decision and what was withheld.</summary>
    /// <param name="Data">The permitted categories and their values.</param>
    /// <param name="Clauses">The clause ids of the decision.</param>
    /// <param name="Withheld">The categories the decision withheld.</param>
    public sealed record ContactCard(IReadOnlyDictionary<string, JsonElement> Data, IReadOnlyList<string> Clauses, IReadOnlyList<string> Withheld);
}
