using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.AspNetCore;

internal static class PrivacyRequirements
{
    public static IEnumerable<DataCategory> Categories(string[] categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        return categories.Select(static c => new DataCategory(c));
    }

    /// <summary>The subject a route value names; <see langword="null"/> when absent or not a valid identifier (then a Deny).</summary>
    public static SubjectId? SubjectFromRoute(HttpContext context, string name)
    {
        if (context.Request.RouteValues[name]?.ToString() is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            return new SubjectId(value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static PrivacyGate GetGate(IServiceProvider services) =>
        services.GetService<PrivacyGate>() ?? throw new InvalidOperationException(
            "The privacy enforcement services for ASP.NET Core are not registered; call " +
            "services.AddPrivacyEnforcement(...).AddAspNetCore() before RequirePrivacy or MapPrivacyEndpoints.");
}
