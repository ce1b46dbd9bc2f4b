using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Privacy.Enforcement.AspNetCore;

internal static class PrivacyEndpoints
{
    public const string RateLimiterPolicy = "privacy-subject-rights";

    public static void AddServices(IServiceCollection services)
    {
        _ = services;
    }

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix).WithTags("Privacy").RequireAuthorization();
        return group;
    }
}
