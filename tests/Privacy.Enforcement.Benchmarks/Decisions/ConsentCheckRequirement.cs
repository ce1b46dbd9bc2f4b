using Microsoft.AspNetCore.Authorization;

namespace Privacy.Enforcement.Benchmarks.Decisions;

/// <summary>What a .NET team would write instead: an authorization requirement "the subject consented to this category for this purpose".</summary>
public sealed class ConsentCheckRequirement(string category, string purpose) : IAuthorizationRequirement
{
    public string Category { get; } = category;

    public string Purpose { get; } = purpose;
}

/// <summary>The requirement's handler: the same two dictionary lookups as the bare baseline.</summary>
public sealed class ConsentCheckHandler(Dictionary<string, HashSet<(string Category, string Purpose)>> consents) : AuthorizationHandler<ConsentCheckRequirement, string>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ConsentCheckRequirement requirement, string resource)
    {
        if (consents.TryGetValue(resource, out var granted) && granted.Contains((requirement.Category, requirement.Purpose)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
