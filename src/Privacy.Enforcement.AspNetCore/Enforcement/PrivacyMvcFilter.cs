using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>The MVC action and Razor Page filter of <see cref="RequirePrivacyAttribute"/>: a Deny is a 403 problem, or an HTML page for a browser.</summary>
internal sealed class PrivacyMvcFilter(PrivacyRequirement requirement, PrivacyGate gate) : IAsyncActionFilter, IAsyncPageFilter
{
    public Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var pending = gate.EnforceAsync(context.HttpContext, requirement);
        if (!pending.IsCompletedSuccessfully)
        {
            return DecideThenActAsync(pending, context, next);
        }

        if (pending.Result is { } problem)
        {
            context.Result = ToResult(context.HttpContext, problem);
            return Task.CompletedTask;
        }

        return next();
    }

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var pending = gate.EnforceAsync(context.HttpContext, requirement);
        if (!pending.IsCompletedSuccessfully)
        {
            return DecideThenHandleAsync(pending, context, next);
        }

        if (pending.Result is { } problem)
        {
            context.Result = ToResult(context.HttpContext, problem);
            return Task.CompletedTask;
        }

        return next();
    }

    private static async Task DecideThenActAsync(ValueTask<ProblemDetails?> pending, ActionExecutingContext context, ActionExecutionDelegate next)
    {
        if (await pending.ConfigureAwait(false) is { } problem)
        {
            context.Result = ToResult(context.HttpContext, problem);
            return;
        }

        await next().ConfigureAwait(false);
    }

    private static async Task DecideThenHandleAsync(ValueTask<ProblemDetails?> pending, PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (await pending.ConfigureAwait(false) is { } problem)
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
