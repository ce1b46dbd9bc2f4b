using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Privacy.Enforcement.WebSample.Pages;

/// <summary>A privacy-center page about the signed-in person.</summary>
public abstract class CenterPageModel : PageModel
{
    /// <summary>The signed-in person as the library knows them: the <c>sub</c> claim.</summary>
    protected SubjectId Subject => new(User.FindFirstValue("sub") ?? throw new InvalidOperationException("The page requires a signed-in user."));

    /// <summary>A message left by the previous request (after a post and its redirect).</summary>
    [Microsoft.AspNetCore.Mvc.TempData]
    public string? Message { get; set; }
}
