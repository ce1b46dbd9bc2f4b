using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>The MVC action and Razor Page filter of <see cref="RequirePrivacyAttribute"/>.</summary>
internal sealed class PrivacyMvcFilter(PrivacyRequirement requirement, PrivacyGate gate) : IAsyncActionFilter, IAsyncPageFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var problem = await gate.EnforceAsync(context.HttpContext, requirement).ConfigureAwait(false);
        if (problem is not null)
        {
            context.Result = ToResult(problem);
            return;
        }

        await next().ConfigureAwait(false);
    }

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var problem = await gate.EnforceAsync(context.HttpContext, requirement).ConfigureAwait(false);
        if (problem is not null)
        {
            context.Result = ToResult(problem);
            return;
        }

        await next().ConfigureAwait(false);
    }

    private static ObjectResult ToResult(ProblemDetails problem) => new(problem)
    {
        StatusCode = StatusCodes.Status403Forbidden,
        ContentTypes = { "application/problem+json" },
    };
}
