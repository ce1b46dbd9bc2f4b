using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.AspNetCore;

internal static class PrivacyRequirements
{
    public static IEnumerable<DataCategory> Categories(string[] categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        return categories.Select(static c => new DataCategory(c));
    }

    public static PrivacyGate GetGate(IServiceProvider services) =>
        services.GetService<PrivacyGate>() ?? throw new InvalidOperationException(
            "The privacy enforcement services for ASP.NET Core are not registered; call " +
            "services.AddPrivacyEnforcement(...).AddAspNetCore() before RequirePrivacy or MapPrivacyEndpoints.");
}
