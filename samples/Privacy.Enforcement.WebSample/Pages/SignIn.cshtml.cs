using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Privacy.Enforcement.WebSample.Pages;

/// <summary>The demo picker: signs the visitor in as the chosen demo user with a cookie.</summary>
public sealed class SignInModel(TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? user)
    {
        var demoUser = Demo.DemoUsers.Find(user);
        if (demoUser is null)
        {
            return BadRequest();
        }

        var principal = Demo.DemoUsers.CreatePrincipal(demoUser, time.GetUtcNow(), CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IssuedUtc = time.GetUtcNow() });
        var home = demoUser.IsOperator ? "/Operator" : "/Me/Policy";
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : home);
    }
}
