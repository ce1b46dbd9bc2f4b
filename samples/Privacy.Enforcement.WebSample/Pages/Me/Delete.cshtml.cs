using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Privacy.Enforcement.AspNetCore;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.WebSample.Pages.Me;

/// <summary>
/// Erasure (store.subject-delete): the account goes, and the page says what the law kept and why. Its posts share the
/// package's export and erasure rate limit with the privacy endpoints (showing the page is not counted).
/// </summary>
[EnableRateLimiting(PrivacyRateLimiting.SubjectRightsPolicy)]
public sealed class DeleteModel(ISubjectRightsService rights) : CenterPageModel
{
    public SubjectRightsRequest? Erasure { get; private set; }

    public bool ConfirmError { get; private set; }

    /// <summary>Whether the sign-in is too old to erase the account with: the person signs in again first.</summary>
    public bool SignInAgain { get; private set; }

    /// <summary>A step of the erasure in plain words; a host's own systems go by their names.</summary>
    /// <param name="step">The step's name.</param>
    /// <returns>What the step did.</returns>
    public static string Describe(string step) => step switch
    {
        SubjectRightsStepNames.ConsentsWithdraw => "Your consents were withdrawn",
        SubjectRightsStepNames.SubjectKey => "Your encryption key was destroyed",
        SubjectRightsStepNames.Engagements => "Providers holding your data were told to return or delete it",
        SubjectRightsStepNames.AuditErasure => "The audit trail recorded the erasure",
        SubjectRightsStepNames.ConsentsDelete => "Your consent records were deleted",
        SubjectRightsStepNames.AcceptancesDelete => "Your acceptances and objections were deleted",
        SubjectRightsStepNames.Pseudonym => "The link between you and the audit trail was deleted",
        _ => $"Your data in the {step} system",
    };

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(bool confirm, CancellationToken cancellationToken)
    {
        if (!confirm)
        {
            ConfirmError = true;
            return Page();
        }

        // Identity verification, the package's own check as its erase endpoint makes it: the sign-in must be recent.
        if (!await HttpContext.HasRecentAuthenticationAsync())
        {
            SignInAgain = true;
            return Page();
        }

        Erasure = await rights.EraseAsync(Subject, cancellationToken);

        // The account is gone: so is the session. The result is shown on this response, not after a redirect, because
        // nothing about the person is left to read it back from.
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        HttpContext.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        return Page();
    }
}
