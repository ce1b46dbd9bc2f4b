using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Privacy.Enforcement.AspNetCore.Tests.Pages;

/// <summary>A Razor Page behind <see cref="RequirePrivacyAttribute"/>: the shop's offers, sent to the subject's e-mail address.</summary>
[RequirePrivacy(ProcessingAct.Use, StandardPurposes.OwnMarketing, StandardDataCategories.Email)]
public sealed class OffersModel : PageModel
{
    public IReadOnlyList<string> Permitted { get; private set; } = [];

    public void OnGet() => Permitted = [.. HttpContext.GetPrivacyDecision()!.Decision.PermittedCategories.Select(static c => c.Value)];
}
