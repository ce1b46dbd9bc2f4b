using Microsoft.AspNetCore.Mvc;

namespace Privacy.Enforcement.AspNetCore.Tests.TestHost;

/// <summary>An MVC controller whose actions carry <see cref="RequirePrivacyAttribute"/>.</summary>
[ApiController]
[Route("mvc/profile")]
public sealed class ProfileController : ControllerBase
{
    [HttpGet("email")]
    [RequirePrivacy(ProcessingAct.Collect, StandardPurposes.ServiceProvision, StandardDataCategories.Email)]
    public IActionResult Email()
    {
        var decision = HttpContext.GetPrivacyDecision()!;
        return Ok(new { outcome = decision.Decision.Outcome.ToString(), permitted = decision.Decision.PermittedCategories.Select(static c => c.Value).ToArray() });
    }

    [HttpGet("/mvc/users/{id}/email")]
    [RequirePrivacy(ProcessingAct.Use, StandardPurposes.ServiceProvision, StandardDataCategories.Email, SubjectRouteValue = "id")]
    public IActionResult UserEmail() => Ok(new { outcome = HttpContext.GetPrivacyDecision()!.Decision.Outcome.ToString() });

    [HttpPost("share")]
    [RequirePrivacy(TestApp.Partner, RecipientKind.Partner, StandardPurposes.PartnerMarketing, StandardDataCategories.Email)]
    public IActionResult Share() => Ok(new { shared = true });
}
