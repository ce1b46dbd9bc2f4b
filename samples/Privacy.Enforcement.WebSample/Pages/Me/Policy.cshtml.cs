using Microsoft.AspNetCore.Mvc;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.WebSample.Pages.Me;

/// <summary>The policy in force, clause by clause, and its acceptance (intro.acceptance).</summary>
public sealed class PolicyModel(IPolicyProvider policies, IPolicyAcceptanceService acceptances) : CenterPageModel
{
    public PublishedPolicy Policy { get; private set; } = policies.Current;

    public PolicyAcceptanceStatus Status { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Status = await acceptances.GetStatusAsync(Subject, cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? version, string? contentHash, CancellationToken cancellationToken)
    {
        // The person accepts the version they were shown; the service refuses a version or hash that is not published.
        if (!Version.TryParse(version, out var shown) || string.IsNullOrEmpty(contentHash))
        {
            return BadRequest();
        }

        try
        {
            var acceptance = await acceptances.AcceptAsync(Subject, shown, contentHash, "privacy-center#accept", cancellationToken);
            Message = $"You accepted version {acceptance.Policy.Version} of the policy.";
        }
        catch (ArgumentException)
        {
            // The page was shown with a version that is not the published one (or the text changed meanwhile):
            // nothing is recorded, and the person reads the version in force again.
            Message = "The policy you accepted is not the version in force; nothing was recorded. Read the current version below.";
        }

        return RedirectToPage();
    }
}
