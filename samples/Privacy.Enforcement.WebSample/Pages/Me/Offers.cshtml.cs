using Privacy.Enforcement.AspNetCore;
using Privacy.Enforcement.WebSample.Profiles;

namespace Privacy.Enforcement.WebSample.Pages.Me;

/// <summary>
/// The shop's own offers to the signed-in person, behind the package's enforcement (use.own-marketing): the decision
/// is made before the handler, a Deny never reaches it, and a Permit is read back from the request's decision feature.
/// </summary>
[RequirePrivacy(ProcessingAct.Use, StandardPurposes.OwnMarketing, StandardDataCategories.Email)]
public sealed class OffersModel(ProfileReader profiles) : CenterPageModel
{
    public PrivacyDecision Decision { get; private set; }

    public string? Email { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Decision = HttpContext.GetPrivacyDecision()?.Decision
            ?? throw new InvalidOperationException("The page runs only after the privacy decision.");

        // Only what the decision permits is read.
        var email = new DataCategory(StandardDataCategories.Email);
        if (Decision.PermittedCategories.Contains(email))
        {
            var row = await profiles.ReadAsync(Subject, cancellationToken);
            Email = row.TryGetValue(email, out var value) ? value.GetString() : null;
        }
    }
}
