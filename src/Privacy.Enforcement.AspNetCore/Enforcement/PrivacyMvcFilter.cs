using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>The MVC action and Razor Page filter of <see cref="RequirePrivacyAttribute"/>: a Deny is a 403 problem, or an HTML page for a browser.</summary>
internal sealed class PrivacyMvcFilter(PrivacyRequirement requirement, PrivacyGate gate) : IAsyncActionFilter, IAsyncPageFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var problem = await gate.EnforceAsync(context.HttpContext, requirement).ConfigureAwait(false);
        if (problem is not null)
        {
            context.Result = ToResult(context.HttpContext, problem);
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
            context.Result = ToResult(context.HttpContext, problem);
            return;
        }

        await next().ConfigureAwait(false);
    }

    // A browser (text/html before any JSON type) gets a page with the same facts; an API client the problem document.
    private static IActionResult ToResult(HttpContext context, ProblemDetails problem) => PrivacyDeniedPage.PrefersHtml(context.Request)
        ? PrivacyDeniedPage.Render(problem)
        : new ObjectResult(problem)
        {
            StatusCode = StatusCodes.Status403Forbidden,
            ContentTypes = { "application/problem+json" },
        };
}
